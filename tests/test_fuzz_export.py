"""Hypothesis fuzzing of every exporter: any text from the input survives, intact or escaped.

The plan is the hand-made one of ``factories.small_plan`` with its texts (titles, notes,
counterpart, contact, place names and addresses, request ids) replaced by generated ones:
whatever a spreadsheet cell can hold once the reader has read it (any character but NUL and
a lone carriage return, which the reader turns into a line break). Then:

- ``.ics`` (guest, team, invitations): parsed back by icalendar, every text comes out as it
  went in (RFC 5545 escaping), every physical line is at most 75 octets and cut between
  characters (line folding), and an invitation holds no team note;
- HTML: no element or attribute comes from the input, and each text is there, escaped;
- Markdown: a CommonMark renderer produces no HTML, link or image from the input;
- CSV: each text comes back from a CSV reader as written, neutralised when a spreadsheet
  would run it as a formula;
- PDF (slow, a few examples): a valid document.

Runs are repeatable: derandomised, no example database.
"""

from __future__ import annotations

import csv
import io
import re
import string
from dataclasses import replace
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from markdown_it import MarkdownIt
from markupsafe import escape  # the escaping the run sheet's templates apply
from pypdf import PdfReader

from factories import small_plan
from scheduler.domain import Contact, Organizer, Plan
from scheduler.export import html as html_export
from scheduler.export import markdown, table
from scheduler.export.ics import calendar_bytes, guest_calendar, place_text
from scheduler.export.invites import cancellation, invitation, invite_path, write
from scheduler.export.table import FORMULA_STARTS

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SLOW = settings(FUZZ, max_examples=3)

# What a cell holds after the reader: no NUL (refused as binary), no lone CR (made a line
# break), no surrogates (not encodable). Everything else goes, emoji and controls included.
CELL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r")
TEXT = st.text(CELL, min_size=1, max_size=40)
NOTES = st.text(CELL, max_size=80)
IDS = st.text(string.ascii_letters + string.digits + "-_.", min_size=1, max_size=12)
# The reader takes one address per cell (scheduler.io.cells.is_email), or none.
EMAILS = st.one_of(st.just(""), st.emails())
SECRET = "SECRET-TEAM-NOTE"


def texts():
    """The texts of one fuzzed plan."""
    return st.fixed_dictionaries({
        "id": IDS, "title": TEXT, "notes": NOTES, "internal": NOTES, "counterpart": NOTES,
        "contact": NOTES, "email": EMAILS, "phone": NOTES, "place": TEXT, "address": NOTES,
        "radio": TEXT,
    })


def fuzzed_plan(t: dict[str, str]) -> Plan:
    """``small_plan`` with the texts of ``t``; request ``psoe`` is renamed ``t["id"]``."""
    plan = small_plan()
    problem = plan.problem
    new_id = t["id"] if t["id"] not in {r.id for r in problem.requests} - {"psoe"} else "psoe"
    requests = []
    for r in problem.requests:
        if r.id == "psoe":
            r = replace(r, id=new_id, title=t["title"], notes=t["notes"],
                        internal_notes=SECRET + t["internal"], counterpart=t["counterpart"],
                        contact=Contact(t["contact"], t["email"], t["phone"]))
        elif r.id == "radio":
            r = replace(r, title=t["radio"])
        requests.append(r)
    locations = dict(problem.locations)
    locations["PSOE"] = replace(locations["PSOE"], name=t["place"], address=t["address"])
    engagements = tuple(replace(e, request_id=new_id) if e.request_id == "psoe" else e
                        for e in plan.engagements)
    return replace(plan, problem=replace(problem, requests=tuple(requests), locations=locations),
                   engagements=engagements)


# ------------------------------------------------------------------------------- iCalendar

def _physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def _event(calendar: Calendar, uid_prefix: str):
    found = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(uid_prefix + "@")]
    assert len(found) == 1
    return found[0]


@FUZZ
@given(texts())
def test_ics_text_comes_back_intact(t):
    """Title, notes, contact and place come back from the team calendar exactly as written."""
    plan = fuzzed_plan(t)
    request = plan.problem.request(plan.engagements[0].request_id)
    event = _event(Calendar.from_ical(calendar_bytes(guest_calendar(plan, audience="team"))), request.id)
    assert str(event["SUMMARY"]) == t["title"]
    assert str(event["LOCATION"]) == place_text(plan.problem.locations["PSOE"], None)
    description = str(event["DESCRIPTION"])
    if t["notes"]:
        assert f"Notes: {t['notes']}" in description
    if t["counterpart"]:
        assert f"With: {t['counterpart']}" in description
    assert f"Internal notes: {SECRET}{t['internal']}" in description


@FUZZ
@given(texts())
def test_ics_lines_are_folded_at_75_octets_between_characters(t):
    """Every physical line of the calendar is at most 75 octets, whole UTF-8 characters, and
    every continuation line starts with a space."""
    data = calendar_bytes(guest_calendar(fuzzed_plan(t), audience="team"))
    lines = _physical_lines(data)
    for number, line in enumerate(lines):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold inside a character would fail here
        assert b"\r" not in line and b"\n" not in line
        if number and not re.match(rb"^[A-Z-]+[;:]", line):
            assert line.startswith(b" "), line


@FUZZ
@given(texts())
def test_invitation_holds_its_slot_and_no_team_note(t):
    """The counterpart's invitation carries the title intact and nothing of the team's notes,
    and its file stays inside invites/."""
    plan = fuzzed_plan(t)
    request_id = plan.engagements[0].request_id
    data = calendar_bytes(invitation(plan, request_id))
    event = _event(Calendar.from_ical(data), request_id)
    assert str(event["SUMMARY"]) == t["title"]
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert SECRET not in unfolded and "Hotel Central" not in unfolded
    path = invite_path(Path("/out"), request_id)
    assert path.parent == Path("/out/invites") and not path.name.startswith(".")


def _with_emails(contact_email: str, organizer_email: str = "team@example.org") -> Plan:
    """``small_plan`` with PSOE's contact e-mail and the organizer's e-mail set as given."""
    plan = small_plan()
    problem = plan.problem
    requests = tuple(replace(r, contact=Contact("Pilar", contact_email)) if r.id == "psoe" else r
                     for r in problem.requests)
    tour = replace(problem.tour, organizer=Organizer("Test NGO", organizer_email))
    return replace(plan, problem=replace(problem, tour=tour, requests=requests))


def test_invitation_survives_an_email_with_a_line_break(tmp_path):
    """A contact e-mail holding a line break (from a hand-edited plan.json) must not crash the
    invitation; it is left out, as a missing address is, and the file is written."""
    plan = _with_emails("a@b.org\nc@d.org")
    invitation(plan, "psoe")
    paths = write(plan, tmp_path)
    assert invite_path(tmp_path, "psoe") in paths
    assert b"ATTENDEE" not in invite_path(tmp_path, "psoe").read_bytes()


# Not one address: a line break, a space or another blank, not exactly one "@" with
# something on each side.
UNUSABLE_EMAILS = ["a@b.org\nc@d.org", "pilar@example.org\r\n", "a@b.org\rc@d.org",
                   "pilar ruiz@example.org", " pilar@example.org", "pilar@example.org\t",
                   "pilar@example.org\u2028x", "pilar.example.org", "@example.org", "pilar@", "@",
                   "a@b@example.org", "pilar@example.org, ana@example.org"]


def _event_without_description(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return {key: value for key, value in event.items() if key != "DESCRIPTION"}


@pytest.mark.parametrize("email", UNUSABLE_EMAILS)
def test_an_unusable_contact_email_is_no_address(email):
    """The invitation is written as without an e-mail: PUBLISH, no ATTENDEE, nothing else
    changed (but the contact line of the description, which shows the text as it is); the
    cancellation is a CANCEL without ATTENDEE."""
    plan, bare = _with_emails(email), _with_emails("")
    data = calendar_bytes(invitation(plan, "psoe"))
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert b"ATTENDEE" not in data and data.count(b"mailto:") == 1  # the organizer's
    expected = Calendar.from_ical(calendar_bytes(invitation(bare, "psoe")))
    assert _event_without_description(calendar) == _event_without_description(expected)
    cancel = Calendar.from_ical(calendar_bytes(cancellation(plan, "psoe", 1)))
    assert str(cancel["METHOD"]) == "CANCEL" and "ATTENDEE" not in cancel.walk("VEVENT")[0]


@pytest.mark.parametrize("email", UNUSABLE_EMAILS)
def test_an_unusable_organizer_email_is_no_address(email):
    """Without a usable organizer's address the invitation is a plain calendar without
    ORGANIZER, byte for byte as without one."""
    data = calendar_bytes(invitation(_with_emails("pilar@example.org", email), "psoe"))
    calendar = Calendar.from_ical(data)
    assert "METHOD" not in calendar and b"ORGANIZER" not in data
    assert data == calendar_bytes(invitation(_with_emails("pilar@example.org", ""), "psoe"))


@pytest.mark.parametrize("email", ["pilar@example.org", "p@x", "pilar.ruiz+tour@sub.example.org",
                                   "núñez@ejemplo.es"])
def test_a_usable_email_is_invited(email):
    """One address with one "@" (even a short or accented one) is the ATTENDEE as before."""
    event = Calendar.from_ical(calendar_bytes(invitation(_with_emails(email), "psoe"))).walk("VEVENT")[0]
    assert str(event["ATTENDEE"]) == f"mailto:{email}"


# ------------------------------------------------------------------------------- HTML

def _elements(document: str) -> list:
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    return list(parser.parse(document).iter())


BASELINE = fuzzed_plan({"id": "psoe", "title": "Title", "notes": "Notes", "internal": "Internal",
                        "counterpart": "Counterpart", "contact": "Contact", "email": "e@x.org",
                        "phone": "+34 600", "place": "Place", "address": "Address", "radio": "Radio"})
ALLOWED_TAGS = {element.tag for element in _elements(html_export.render(BASELINE, audience="team"))}


@FUZZ
@given(texts())
def test_html_escapes_every_input_text(t):
    """The run sheet holds each input text escaped, and no element or event handler from it."""
    document = html_export.render(fuzzed_plan(t), audience="team")
    for key in ("title", "notes", "counterpart", "place"):
        if t[key].strip():
            assert str(escape(t[key])).replace("\n", "<br>") in document or \
                str(escape(t[key].strip())).replace("\n", "<br>") in document, key
    for element in _elements(document):
        assert element.tag in ALLOWED_TAGS, element.tag
        assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib


# ------------------------------------------------------------------------------- Markdown

@FUZZ
@given(texts())
def test_markdown_renders_no_html_link_or_image_from_input(t):
    """A CommonMark renderer finds no raw HTML, link or image in the Markdown run sheet."""
    text = markdown.render(fuzzed_plan(t), audience="team")
    tokens = MarkdownIt("commonmark").parse(text)
    kinds = {token.type for token in tokens}
    for token in tokens:
        kinds.update(child.type for child in token.children or ())
    assert not kinds & {"html_block", "html_inline", "link_open", "image"}, kinds


# ------------------------------------------------------------------------------- CSV

@FUZZ
@given(texts())
def test_csv_cells_come_back_as_written_and_never_as_formulas(t):
    """Read back by a CSV reader, each cell is the input text (neutralised where a spreadsheet
    would run it), and no cell starts like a formula."""
    plan = fuzzed_plan(t)
    text = table.render(plan, audience="team")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    header, body = rows[0], rows[1:]
    first = dict(zip(header, body[0], strict=True))
    assert first["Title"] == table.neutralise(t["title"])
    assert first["Notes"] == table.neutralise(t["notes"])
    assert first["Request id"] == table.neutralise(plan.engagements[0].request_id)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


# ------------------------------------------------------------------------------- PDF

@SLOW
@given(texts())
def test_pdf_is_made_whatever_the_text(t):
    """The PDF run sheet is a readable document for any input text."""
    from scheduler.export import pdf

    data = pdf.render(fuzzed_plan(t), audience="team")
    assert data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(data)).pages) >= 1
