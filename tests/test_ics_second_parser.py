"""Our calendars read by a second, independent parser (vobject, besides icalendar) and held to the
RFC 5545 rules real clients trip on: every event has a UID, a DTSTAMP and zoned times (no
floating time), every TZID used has its VTIMEZONE, and text with `,` `;` `\\` and line breaks,
emoji and right-to-left script comes back as written. The texts are what the reader accepts
(no control character but a tab and a line break).

Runs are repeatable: derandomised, no example database.
"""

from __future__ import annotations

import re

import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.export.ics import calendar_bytes, guest_calendar
from scheduler.export.invites import invitation
from test_fuzz_export import fuzzed_plan, texts

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
# What the reader lets through into a plan: no control character but a tab and a line break.
READABLE = st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n")
TRICKY = st.sampled_from(["a,b;c\\d", "line\nbreak", "مرحبا بالعالم", "👩‍❤️‍👩" * 20,
                          "é" * 80, "\u202eRTL", "tab\there", "\\n literally", ";", ","])


def _readable(text: str) -> str:
    """``text`` without the control characters the reader refuses."""
    return "".join(ch for ch in text if ch in "\t\n" or not (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F))


def _readable_texts():
    def clean(t: dict[str, str]) -> dict[str, str]:
        cleaned = {key: value if key in ("id", "email") else _readable(value) for key, value in t.items()}
        for key in ("place", "radio"):  # texts that may not be empty
            cleaned[key] = cleaned[key] or "x"
        return cleaned
    return st.builds(lambda t, title: {**clean(t), "title": title},
                     texts(), st.one_of(TRICKY, st.text(READABLE, min_size=1, max_size=60)))


def _check(data: bytes) -> vobject.base.Component:
    text = data.decode("utf-8")
    calendar = vobject.readOne(text)
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    defined = {zone.tzid.value for zone in getattr(calendar, "vtimezone_list", [])}
    used = set(re.findall(r";TZID=([^:;]+)[:;]", unfolded))
    assert used <= defined, f"TZID without VTIMEZONE: {used - defined}"
    for event in calendar.vevent_list:
        assert event.uid.value and event.dtstamp.value
        for name in ("dtstart", "dtend"):
            value = getattr(event, name).value
            if hasattr(value, "hour"):
                assert value.tzinfo is not None, f"floating {name}: {value}"
    return calendar


@FUZZ
@given(_readable_texts())
def test_vobject_reads_the_guest_and_team_calendars_back(t):
    plan = fuzzed_plan(t)
    for audience in ("guest", "team"):
        calendar = _check(calendar_bytes(guest_calendar(plan, audience=audience)))
        summaries = [event.summary.value for event in calendar.vevent_list]
        assert t["title"] in summaries


@FUZZ
@given(_readable_texts())
def test_vobject_reads_an_invitation_back_with_its_one_slot(t):
    plan = fuzzed_plan(t)
    request_id = plan.engagements[0].request_id
    calendar = _check(calendar_bytes(invitation(plan, request_id)))
    assert len(calendar.vevent_list) == 1
    assert calendar.vevent_list[0].summary.value == t["title"]
