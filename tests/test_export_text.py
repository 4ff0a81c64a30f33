"""The text exports, Markdown (``export.markdown``) and CSV (``export.table``), and the view they share."""

from __future__ import annotations

import csv
import io
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from factories import small_plan
from markdown_it import MarkdownIt
from test_export_html import AWKWARD, busy_plan

from scheduler.domain import Contact, Plan
from scheduler.export import markdown, table
from scheduler.export.view import (
    AudienceError,
    build_view,
    format_date,
    format_duration,
    format_time,
    output_path,
)


def _with_request(plan: Plan, request_id: str, **changes) -> Plan:
    """``plan`` with one request changed (its engagement stays)."""
    requests = tuple(replace(r, **changes) if r.id == request_id else r for r in plan.problem.requests)
    return replace(plan, problem=replace(plan.problem, requests=requests))


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


# --- the view ---------------------------------------------------------------------------------


def test_view_formats_dates_and_times_without_locale() -> None:
    """``Tue 27 Nov 2018``, 24-hour times, durations in hours and minutes."""
    plan = small_plan()
    zone = plan.problem.tour.zone
    assert format_date(plan.problem.tour.days[0].date) == "Fri 26 Oct 2018"
    assert format_time(plan.engagements[-1].start, zone) == "16:00"
    assert [format_duration(m) for m in (5, 60, 140)] == ["5 min", "1 h", "2 h 20 min"]


def test_view_attaches_each_leg_to_the_next_engagement() -> None:
    """The leg to PSOE comes before the meeting; the way back comes before the phone call."""
    friday = build_view(small_plan()).days[0]
    meeting, call = friday.engagements
    assert [(leg.origin_id, leg.destination_id) for leg in meeting.travel_before] == [("HOTEL", "PSOE")]
    assert [(leg.origin_id, leg.destination_id) for leg in call.travel_before] == [("PSOE", "HOTEL")]
    assert call.is_remote and call.place == "Hotel Central" and call.address == ""
    assert [type(item).__name__ for item in friday.items] == [
        "TravelItem", "EngagementItem", "TravelItem", "EngagementItem", "BreakItem"]


def test_view_closes_the_day_with_the_way_back() -> None:
    """After the last engagement the leg home closes the programme; without one, the last item does."""
    friday, monday = build_view(small_plan()).days
    assert monday.arrival_text == "from Telemadrid, 35 min, leave 16:55"
    assert monday.programme_end_text == "17:30"
    assert monday.engagements[0].arrive_text == "15:30"
    assert friday.arrival_text == "" and friday.programme_end_text == "14:30"  # the meal ends it


def test_view_totals() -> None:
    """Engagements, audience (known ones summed), value served of asked, travel."""
    view = build_view(small_plan())
    assert view.engagement_count == 3
    assert view.audience_reached == 600000
    assert view.value_text == "110 of 120 (92%)"
    assert view.travel_minutes == 100 and view.travel_legs == 4
    assert view.solver_text == "Proven optimal"
    assert build_view(busy_plan()).solver_text == "Feasible, not proven optimal (gap 2.5%)"


def test_guest_view_holds_no_internal_notes_nor_unscheduled() -> None:
    """The guest's view is stripped at the source, so no exporter can leak."""
    view = build_view(small_plan(), audience="guest")
    assert all(e.internal_notes == "" for e in view.engagements)
    assert view.unscheduled == ()


def test_unknown_audience_and_output_names() -> None:
    """Only team and guest exist; the guest's files carry ``-guest``."""
    with pytest.raises(AudienceError):
        build_view(small_plan(), audience="")
    assert output_path(Path("out"), "agenda", ".md", "team") == Path("out/agenda.md")
    assert output_path(Path("out"), "agenda", ".md", "guest") == Path("out/agenda-guest.md")


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_has_every_engagement_under_its_day() -> None:
    """Each day is a heading with its zone; each engagement's times and title follow it."""
    text = markdown.render(small_plan())
    friday = text.index("## Fri 26 Oct 2018")
    monday = text.index("## Mon 29 Oct 2018")
    assert friday < text.index("10:00\u201311:00 \u00b7 1. Meeting with PSOE") < monday
    assert friday < text.index("12:00\u201312:30 \u00b7 2. Phone interview, Radio Uno") < monday
    assert monday < text.index("16:00\u201316:45 \u00b7 1. Telemadrid")
    assert "Times in Europe/Madrid, CEST (UTC+02:00)" in text
    assert "Times in Europe/Madrid, CET (UTC+01:00)" in text
    assert "Travel: Hotel Central \u2192 PSOE, Ferraz (15 min)" in text
    assert "Be there: 15:30 (30 min set-up)" in text
    assert "- Value served: 110 of 120 (92%)" in text and "- Solver: Proven optimal" in text


def test_markdown_holds_no_html_and_renders_input_literally() -> None:
    """No raw tag in the text; a CommonMark renderer shows the awkward title as typed."""
    text = markdown.render(small_plan())
    assert "<script>" not in text and "</script>" not in text
    rendered = MarkdownIt("commonmark").render(text)
    assert "<script" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "🌈 Génova" in text and "Buenos días" in text


def test_markdown_escapes_markup_in_input() -> None:
    """Emphasis, links, headings and list markers typed in the input stay literal."""
    plan = _with_request(small_plan(), "psoe", title="*Meeting* with [PSOE](http://x.example) & co &amp;",
                         notes="# not a heading\n- not a list\n1. nor this")
    rendered = MarkdownIt("commonmark").render(markdown.render(plan))
    assert "<em>" not in rendered and "<a " not in rendered
    assert "*Meeting* with [PSOE](http://x.example) &amp; co &amp;amp;" in rendered
    assert "<h1>not a heading" not in rendered and "<li>not a list" not in rendered
    assert "# not a heading" in rendered and "- not a list" in rendered and "1. nor this" in rendered


def test_markdown_guest_version_leaves_out_internal_notes_and_unscheduled() -> None:
    """The guest's text has the notes meant for them, not the team's."""
    guest = markdown.render(small_plan(), audience="guest")
    team = markdown.render(small_plan(), audience="team")
    assert "Ask about the EU motion" in team and "Shangay interview" in team
    for hidden in ("Ask about the EU motion", "Team only", "Shangay", "Not scheduled"):
        assert hidden not in guest
    assert "Bring the report" in guest


def test_markdown_is_deterministic_and_written_privately(tmp_path: Path) -> None:
    """Same plan, same text; the file is owner-only."""
    assert markdown.render(busy_plan()) == markdown.render(busy_plan())
    [path] = markdown.write(small_plan(), tmp_path)
    assert path.name == "agenda.md" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == markdown.render(small_plan())


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_a_bom_a_header_and_one_row_per_engagement() -> None:
    """UTF-8 with BOM, CRLF lines, one row per engagement in time order."""
    text = table.render(small_plan())
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert "\r\n" in text
    rows = _csv_rows(text)
    assert rows[0] == ["Day", "Start", "End", "Zone", "Title", "Kind", "Counterpart", "Place", "Address",
                       "Contact", "Travel before", "Notes", "Internal notes", "Request id"]
    assert [(r[0], r[1], r[2], r[3], r[-1]) for r in rows[1:]] == [
        ("2018-10-26", "10:00", "11:00", "CEST", "psoe"),
        ("2018-10-26", "12:00", "12:30", "CEST", "radio"),
        ("2018-10-29", "16:00", "16:45", "CET", "tv"),
    ]


def test_csv_cells_round_trip_awkward_text() -> None:
    """Commas, quotes, semicolons, newlines, accents and emoji come back exactly."""
    rows = _csv_rows(table.render(small_plan()))
    header = rows[0]
    tv = dict(zip(header, rows[3]))
    assert tv["Title"] == AWKWARD
    assert tv["Notes"] == "Line one\nLine two, with comma; and semicolon"
    assert tv["Address"] == "Ciudad de la Imagen, Pozuelo"
    assert tv["Travel before"] == "from Hotel Central, 35 min, leave 14:55"
    psoe = dict(zip(header, rows[1]))
    assert psoe["Contact"] == "Pilar Ruiz \u00b7 pilar@example.org \u00b7 +34 600 000 001"
    assert psoe["Internal notes"] == "Ask about the EU motion"
    radio = dict(zip(header, rows[2]))
    assert radio["Place"] == "Remote (phone)" and radio["Address"] == ""


def test_csv_marks_estimated_travel() -> None:
    """A leg estimated from coordinates says so in its cell."""
    rows = _csv_rows(table.render(busy_plan()))
    pais = dict(zip(rows[0], next(r for r in rows if r[-1] == "pais")))
    assert pais["Travel before"] == "from PP, Génova 13, \u224825 min (estimated), leave 12:10"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"])
def test_csv_neutralises_formulas(start: str) -> None:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    payload = f"{start}HYPERLINK(\"http://x.example\",\"click\")"
    plan = _with_request(small_plan(), "psoe", title=payload, counterpart=payload, notes=payload,
                         internal_notes=payload, contact=Contact(phone="+34 600 000 001"))
    rows = _csv_rows(table.render(plan))
    psoe = dict(zip(rows[0], rows[1]))
    for column in ("Title", "Counterpart", "Notes", "Internal notes"):
        assert psoe[column] == "'" + payload
    assert psoe["Contact"] == "'+34 600 000 001"
    assert table.neutralise("Meeting = good") == "Meeting = good"


def test_csv_guest_version_has_no_internal_notes_column() -> None:
    """The guest's table leaves out the column and its content."""
    text = table.render(small_plan(), audience="guest")
    rows = _csv_rows(text)
    assert "Internal notes" not in rows[0] and len(rows) == 4
    assert "Ask about the EU motion" not in text and "Shangay" not in text


def test_csv_is_deterministic_and_written_privately(tmp_path: Path) -> None:
    """Same plan, same bytes; ``agenda.csv`` and ``agenda-guest.csv`` are owner-only."""
    assert table.render(busy_plan()) == table.render(busy_plan())
    written = table.write(small_plan(), tmp_path) + table.write(small_plan(), tmp_path, audience="guest")
    assert [p.name for p in written] == ["agenda.csv", "agenda-guest.csv"]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert written[0].read_bytes() == table.render(small_plan()).encode("utf-8")


def test_csv_reads_back_in_pandas_as_excel_would_export_it() -> None:
    """pandas (the project's spreadsheet reader) takes the BOM and the quoted newlines in stride."""
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(io.BytesIO(table.render(small_plan()).encode("utf-8")), encoding="utf-8-sig",
                            dtype=str, keep_default_na=False)
    assert list(frame["Request id"]) == ["psoe", "radio", "tv"]
    assert frame.loc[2, "Title"] == AWKWARD
