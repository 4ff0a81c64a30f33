"""The checker's own windows reader: it agrees with scheduler.io, and the checker trusts it alone.

The checker expands each request's windows from the text the plan file keeps; these tests
compare that expansion with the input reader's on real tours and on every documented form,
and show that the checker judges engagements by the text, not by the `windows` pairs.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from factories import small_plan

from scheduler.checker import check_plan
from scheduler.checker.windows import Calendar, WindowsText, request_windows
from scheduler.domain import Problem, Window, utc
from scheduler.io import load_tour, parse_windows
from scheduler.planfile import absolute_windows_text, plan_from_dict, plan_to_dict, problem_to_dict

ROOT = Path(__file__).parent.parent
TOURS = [ROOT / "examples" / "spain-2018", *sorted(
    path for path in (ROOT / "tests" / "data" / "tours").iterdir()
    if path.is_dir() and path.name != "broken")]
MADRID = ZoneInfo("Europe/Madrid")


def calendar_of(problem: Problem) -> Calendar:
    return Calendar(problem.tour.zone, {day.date: (utc(day.start), utc(day.end)) for day in problem.tour.days})


def spans(windows: tuple[Window, ...] | list[Window]) -> list[tuple[datetime, datetime]]:
    return [(utc(window.start), utc(window.end)) for window in windows]


def merged(pairs: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for start, end in sorted(pairs):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


@pytest.mark.parametrize("folder", TOURS, ids=lambda path: path.name)
def test_the_checker_expands_every_request_of_a_tour_as_the_reader_does(folder: Path) -> None:
    """Own windows, availability.csv rows, fixed starts and empty cells give the same windows."""
    problem = load_tour(folder)
    calendar = calendar_of(problem)
    for request in problem.requests:
        text = request.windows_text
        assert text is not None, request.id
        expanded = request_windows(WindowsText(text.own, text.available, text.unavailable, False),
                                   calendar, timedelta(minutes=request.duration_minutes),
                                   None if request.fixed_start is None else utc(request.fixed_start),
                                   request.id)
        assert list(expanded) == spans(request.windows), request.id


CELLS = [
    "Tue 10:00-11:30", "Tue,Thu 10:00-12:00", "Mon-Wed 16:00-18:00", "Fri-Mon 09:00-10:00",
    "daily 10:00-12:00", "10:00-12:00", "Tue", "daily", "Wed 17:00", "2018-11-28 17:00",
    "2018-11-27", "27/11/2018", "2018-12-25", "2018-11-27 10:00-11:30", "2018-11-27 8:30-24:00",
    "2018-11-27 22:00 - 2018-11-28 01:00", "2018-11-27T10:00+01:00/2018-11-27T11:30+01:00",
    "2018-11-27T10:00/2018-11-27T11:30", "2018-11-27T10:00+00:00", "martes 10:00–11:00",
    "Mié 09:00-10:00", "jue. 12:00-13:00", "thurs 12:00-13:00", "Tue 10:00-11:00; Tue 10:30-12:00 | Thu",
]


@pytest.mark.parametrize("cell", CELLS)
def test_each_form_expands_as_the_reader_expands_it(cell: str) -> None:
    """Every documented form of a windows cell, over the example tour, gives the reader's windows."""
    problem = load_tour(ROOT / "examples" / "spain-2018")
    expected = merged(spans(parse_windows(cell, problem.tour.days, problem.tour.zone, duration_minutes=45)))
    expanded = request_windows(WindowsText(cell, (), (), False), calendar_of(problem),
                               timedelta(minutes=45), None, "cell")
    assert list(expanded) == expected


@pytest.mark.parametrize("pieces", [
    [("2018-10-26T10:00:00+02:00", "2018-10-26T11:30:00+02:00")],
    [("2018-10-26T22:00:00+02:00", "2018-10-27T00:00:00+02:00")],
    [("2018-10-26T22:00:00+02:00", "2018-10-27T01:15:00+02:00")],
    [("2018-10-28T02:30:00+02:00", "2018-10-28T02:15:00+01:00")],  # in the repeated hour
    [("2018-10-28T01:00:00+02:00", "2018-10-28T04:00:00+01:00")],
    [("2018-10-26T10:00:30+02:00", "2018-10-26T11:00:00+02:00")],  # seconds
    [("2018-10-26T10:00:00+02:00", "2018-10-26T11:00:00+02:00"),
     ("2018-10-26T11:00:00+02:00", "2018-10-26T12:00:00+02:00")],  # touching, kept apart
    [],
])
def test_absolute_text_means_exactly_the_windows_it_was_written_from(pieces: list[tuple[str, str]]) -> None:
    """The text the plan file writes for windows built in code is read back to the same instants."""
    windows = tuple(Window(datetime.fromisoformat(start), datetime.fromisoformat(end)) for start, end in pieces)
    text = absolute_windows_text(windows, MADRID)
    calendar = Calendar(MADRID, {})
    expanded = request_windows(WindowsText(text, (), (), True), calendar, timedelta(minutes=30), None, "text")
    assert list(expanded) == spans(windows)


def test_absolute_text_is_written_in_the_syntax_of_requests_csv() -> None:
    """A plain window reads like the user would write it; a repeated local time gets offsets."""
    plain = Window(datetime(2018, 11, 27, 10, tzinfo=MADRID), datetime(2018, 11, 27, 11, 30, tzinfo=MADRID))
    repeated = Window(datetime.fromisoformat("2018-10-28T02:30:00+02:00"),
                      datetime.fromisoformat("2018-10-28T04:00:00+01:00"))
    assert absolute_windows_text((plain, repeated), MADRID) == (
        "2018-11-27 10:00-11:30; 2018-10-28T02:30:00+02:00/2018-10-28T04:00:00+01:00")


def plan_dict() -> dict[str, Any]:
    return json.loads(json.dumps(plan_to_dict(small_plan())))


def psoe(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(item for item in data[key] if item.get("id", item.get("request_id")) == "psoe")


def test_the_checker_judges_windows_by_the_text_not_by_the_pairs() -> None:
    """Widening the `windows` pairs does not excuse an engagement outside the text's windows."""
    data = plan_dict()
    psoe(data, "requests")["windows"] = [["2018-10-26T08:00:00+02:00", "2018-10-26T20:00:00+02:00"]]
    engagement = psoe(data, "engagements")
    engagement["start"], engagement["end"] = "2018-10-26T09:30:00+02:00", "2018-10-26T10:30:00+02:00"
    assert "outside_window" in {violation.rule for violation in check_plan(data)}


def test_a_plan_without_windows_text_is_judged_by_its_pairs() -> None:
    """Plans written before the text was kept are still read: their pairs are the windows."""
    data = plan_dict()
    for request in data["requests"]:
        del request["windows_text"]
    assert check_plan(data) == []
    engagement = psoe(data, "engagements")
    engagement["start"], engagement["end"] = "2018-10-26T09:30:00+02:00", "2018-10-26T10:30:00+02:00"
    assert "outside_window" in {violation.rule for violation in check_plan(data)}


def test_relative_forms_are_refused_in_absolute_text() -> None:
    """Absolute text holds dates and times only: a weekday is a schema problem naming the field."""
    data = plan_dict()
    psoe(data, "requests")["windows_text"]["own"] = "Fri 10:00-11:30"
    [violation] = check_plan(data)
    assert violation.rule == "schema"
    assert "requests[" in violation.message and "windows_text.own" in violation.message


def test_a_local_time_repeated_by_the_clock_change_is_a_schema_problem() -> None:
    """02:30 on 28 October 2018 happens twice in Madrid: the text does not say which."""
    data = plan_dict()
    psoe(data, "requests")["windows_text"] = {"own": "2018-10-28 02:30-04:00", "absolute": False}
    assert {violation.rule for violation in check_plan(data)} == {"schema"}


def test_the_plan_file_keeps_the_text_the_user_wrote() -> None:
    """A tour read from files keeps each request's cells, and the plan file reads them back."""
    problem = load_tour(ROOT / "examples" / "spain-2018")
    body = problem_to_dict(problem)
    podemos = next(item for item in body["requests"] if item["id"] == "podemos")
    assert podemos["windows_text"] == {"own": "", "available": ["Tue 17:00-18:30", "2018-11-28 11:00-12:30"],
                                       "unavailable": [], "absolute": False}
    plan = small_plan()
    data = plan_to_dict(plan)
    data.update(body)
    data["engagements"], data["travel"], data["unscheduled"] = [], [], []
    back = plan_from_dict(json.loads(json.dumps(data)))
    assert {r.id: r.windows_text for r in back.problem.requests} == {r.id: r.windows_text for r in problem.requests}


def test_windows_expand_over_the_working_days_only() -> None:
    """A weekday of a rest day gives no window; a whole date off the tour is that calendar day."""
    problem = load_tour(ROOT / "tests" / "data" / "tours" / "dst-week")
    calendar = calendar_of(problem)
    assert request_windows(WindowsText("Sun 10:00-11:00", (), (), False), calendar,
                           timedelta(minutes=30), None, "text") == ()
    [(start, end)] = request_windows(WindowsText("2018-10-28", (), (), False), calendar,
                                     timedelta(minutes=30), None, "text")
    assert (start, end) == (datetime(2018, 10, 27, 22, tzinfo=timezone.utc),
                            datetime(2018, 10, 28, 23, tzinfo=timezone.utc))
    assert date(2018, 10, 28) not in calendar.hours
