"""Times in the hour the clocks go back over: written so every reader gets the right instant.

On Sunday 28 October 2018 Madrid's clocks went from 03:00 summer time back to 02:00, so 02:40
happened twice. An engagement at the second 02:40 (01:40 UTC) must not be read as the first.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import ics
from icalendar import Calendar

from factories import small_plan
from scheduler.domain import Day, Engagement, Window
from scheduler.export import markdown
from scheduler.export.ics import calendar_bytes, guest_calendar, write
from scheduler.export.invites import invitation
from scheduler.export.view import build_view
from scheduler.formatting import format_time_marked
from scheduler.report import summary_text
from scheduler.timegrid import repeated_hour_pass
from test_export_ics import khal_lines

MADRID = ZoneInfo("Europe/Madrid")
SECOND_0240 = datetime(2018, 10, 28, 1, 40, tzinfo=timezone.utc).astimezone(MADRID)
SECOND_0310 = datetime(2018, 10, 28, 2, 10, tzinfo=timezone.utc).astimezone(MADRID)


def night_plan():
    """The small plan with a night shift on Sunday 28 Oct: the radio call at the second 02:40."""
    plan = small_plan()
    problem = plan.problem
    sunday = Day(date(2018, 10, 28), datetime(2018, 10, 27, 23, 0, tzinfo=timezone.utc).astimezone(MADRID),
                 datetime(2018, 10, 28, 5, 0, tzinfo=timezone.utc).astimezone(MADRID), "HOTEL", "HOTEL")
    days = (problem.tour.days[0], sunday, problem.tour.days[1])
    radio = replace(problem.request("radio"), windows=(Window(sunday.start, sunday.end),))
    requests = tuple(radio if r.id == "radio" else r for r in problem.requests)
    problem = replace(problem, tour=replace(problem.tour, days=days), requests=requests)
    engagements = tuple(Engagement("radio", sunday.date, SECOND_0240, SECOND_0310, None)
                        if e.request_id == "radio" else e for e in plan.engagements)
    return replace(plan, problem=problem, engagements=engagements)


def test_the_fixture_is_in_the_second_pass():
    assert SECOND_0240.strftime("%H:%M") == "02:40" and repeated_hour_pass(SECOND_0240) == 2
    assert repeated_hour_pass(SECOND_0240.replace(fold=0)) == 1
    assert repeated_hour_pass(SECOND_0310) is None


def test_icalendar_reads_the_second_0240():
    """icalendar, reading the written bytes back, places the call at 01:40 UTC."""
    raw = calendar_bytes(guest_calendar(night_plan()))
    [event] = [e for e in Calendar.from_ical(raw).walk("VEVENT") if str(e["UID"]) == "radio@small.scheduler"]
    assert event.decoded("DTSTART").astimezone(timezone.utc) == SECOND_0240.astimezone(timezone.utc)
    assert event.decoded("DTEND").astimezone(timezone.utc) == SECOND_0310.astimezone(timezone.utc)


def test_other_events_keep_the_tour_zone():
    """Only the event in the repeated hour is written in UTC; the others keep their TZID."""
    raw = calendar_bytes(guest_calendar(night_plan())).decode("utf-8")
    assert "DTSTART:20181028T014000Z" in raw
    assert "DTSTART;TZID=Europe/Madrid:20181026T100000" in raw


def test_ics_package_reads_the_second_0240():
    """The `ics` package, with its own parser, reads the same instant."""
    calendar = ics.Calendar(calendar_bytes(guest_calendar(night_plan())).decode("utf-8"))
    [event] = [e for e in calendar.events if e.uid == "radio@small.scheduler"]
    assert event.begin.datetime.astimezone(timezone.utc) == SECOND_0240.astimezone(timezone.utc)


def test_invitation_reads_the_second_0240():
    """The counterpart's invitation carries the same instant."""
    raw = calendar_bytes(invitation(night_plan(), "radio"))
    [event] = Calendar.from_ical(raw).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(timezone.utc) == SECOND_0240.astimezone(timezone.utc)


def test_khal_lists_the_second_0240(tmp_path):
    """khal on UTC shows 01:40, and on Moscow time 04:40: the second 02:40 in Madrid."""
    [path] = write(night_plan(), tmp_path / "out")
    for zone, expected in (("UTC", "2018-10-28 01:40"), ("Europe/Moscow", "2018-10-28 04:40")):
        lines = khal_lines(tmp_path / zone.replace("/", "_"), [path], zone, "2018-10-27",
                           "2018-10-29", fmt="{start}|{title}")
        assert f"{expected}|Phone interview, Radio Uno" in lines, lines


def test_format_time_marked_names_the_pass():
    assert format_time_marked(SECOND_0240) == "02:40 (second, UTC+01:00)"
    assert format_time_marked(SECOND_0240.replace(fold=0)) == "02:40 (first, UTC+02:00)"
    assert format_time_marked(SECOND_0310) == "03:10"


def test_summary_marks_the_second_0240():
    """The terminal summary says which 02:40 it means; other times are as before."""
    text = summary_text(night_plan())
    assert "  02:40 (second, UTC+01:00)–03:10  Phone interview, Radio Uno" in text
    assert "  10:00–11:00  Meeting with PSOE" in text


def test_run_sheet_marks_the_second_0240():
    """The run sheet's view and its Markdown say which 02:40."""
    view = build_view(night_plan())
    sunday = next(d for d in view.days if d.date == date(2018, 10, 28))
    texts = [getattr(item, "start_text", "") for item in sunday.items]
    assert "02:40 (second, UTC+01:00)" in texts
    assert "02:40 (second, UTC+01:00)" in markdown.render(night_plan())
