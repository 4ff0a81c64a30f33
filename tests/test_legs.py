"""Fixed legs (``[[legs]]``): read from tour.toml, planned around, kept in the plan file,
judged by the checker, and shown in the calendar and the run sheet."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from scheduler.checker import check_plan
from scheduler.domain import utc
from scheduler.export import ics
from scheduler.export.html import render as render_html
from scheduler.export.markdown import render as render_markdown
from scheduler.io import load_tour
from scheduler.planfile import plan_from_dict, plan_to_dict
from scheduler.solve import SolveParams, solve
from test_io_support import TOURS, issues_of, make_tour

MADRID = ZoneInfo("Europe/Madrid")
FAST = SolveParams(time_limit=5.0, seed=0, workers=2)


@pytest.fixture(scope="module")
def train_plan():
    """The plan of ``tests/data/tours/train-day`` (a train Madrid → Barcelona on Thursday)."""
    return solve(load_tour(TOURS / "train-day"), FAST).plan


def test_a_leg_is_read_with_the_check_in_of_its_mode():
    """A train without ``checkin_minutes`` gets the train's 15 minutes; its times are local."""
    day = load_tour(TOURS / "train-day").tour.days[1]
    (leg,) = day.legs
    assert (leg.origin, leg.destination, leg.mode, leg.ref) == ("MAD-ATOCHA", "BCN-SANTS", "train", "AVE 03111")
    assert leg.depart == datetime(2018, 11, 29, 11, 30, tzinfo=MADRID)
    assert leg.checkin_minutes == 15


def test_arrival_and_departure_keep_mode_and_ref():
    """``[arrival]`` and ``[departure]`` take a mode and a reference."""
    tour = load_tour(TOURS / "train-day").tour
    assert (tour.arrival.mode, tour.arrival.ref) == ("flight", "SU 2500")
    assert tour.departure.label == "Flight SU 2517"


def test_an_unknown_mode_is_reported(tmp_path):
    """``mode = "plane"`` is named with the modes there are."""
    text = (TOURS / "train-day" / "tour.toml").read_text().replace('mode = "train"', 'mode = "plane"')
    folder = make_tour(tmp_path, {"tour.toml": text}, base="train-day")
    (issue,) = [i for i in issues_of(folder) if i.field == "legs.mode"]
    assert "flight" in issue.message


def test_a_leg_outside_the_hours_is_reported(tmp_path):
    """A train leaving before the day's hours begin asks for wider hours."""
    text = (TOURS / "train-day" / "tour.toml").read_text().replace(
        "depart = 2018-11-29T11:30", "depart = 2018-11-29T08:30")
    folder = make_tour(tmp_path, {"tour.toml": text}, base="train-day")
    assert any("[[hours.day]]" in issue.message for issue in issues_of(folder))


def test_a_leg_the_guest_cannot_reach_is_reported(tmp_path):
    """A train leaving as the day starts, with the station 25 minutes from the hotel."""
    text = (TOURS / "train-day" / "tour.toml").read_text().replace(
        "depart = 2018-11-29T11:30", "depart = 2018-11-29T09:20")
    folder = make_tour(tmp_path, {"tour.toml": text}, base="train-day")
    assert any("cannot reach MAD-ATOCHA" in issue.message for issue in issues_of(folder))


def test_nothing_is_planned_on_the_leg_and_the_route_goes_through_its_stations(train_plan):
    """No engagement or break shares time with check-in and ride; the guest travels to the
    origin before it and leaves from the destination after it; the checker agrees."""
    leg = train_plan.problem.tour.days[1].legs[0]
    busy_from, busy_to = utc(leg.depart) - timedelta(minutes=leg.checkin_minutes), utc(leg.arrive)
    for item in list(train_plan.engagements) + list(train_plan.breaks):
        assert utc(item.end) <= busy_from or utc(item.start) >= busy_to
    thursday = [t for t in train_plan.travel if t.day == leg.depart.date()]
    fixed = [t for t in thursday if t.fixed]
    assert [(t.mode, t.ref, t.minutes) for t in fixed] == [("train", "AVE 03111", 170)]
    assert any(t.destination == "MAD-ATOCHA" and utc(t.arrive) <= busy_from for t in thursday)
    assert any(t.origin == "BCN-SANTS" and utc(t.depart) >= busy_to for t in thursday)
    assert check_plan(plan_to_dict(train_plan)) == []


def test_the_plan_file_keeps_the_legs(train_plan):
    """Legs, arrival and departure survive a round trip through the plan file."""
    data = plan_to_dict(train_plan)
    assert data["tour"]["legs"][0]["ref"] == "AVE 03111"
    assert data["tour"]["arrival"]["ref"] == "SU 2500"
    assert plan_to_dict(plan_from_dict(data)) == data


def test_the_checker_refuses_an_engagement_on_the_train(train_plan):
    """An engagement moved into the ride breaks ``leg_overlap``."""
    data = copy.deepcopy(plan_to_dict(train_plan))
    radio = next(e for e in data["engagements"] if e["request_id"] == "radio")
    radio["start"], radio["end"] = "2018-11-29T12:00:00+01:00", "2018-11-29T12:30:00+01:00"
    assert "leg_overlap" in {v.rule for v in check_plan(data)}


def test_the_checker_refuses_a_moved_or_missing_fixed_leg(train_plan):
    """The fixed leg of ``tour.legs`` must be in ``travel`` as it was booked."""
    data = copy.deepcopy(plan_to_dict(train_plan))
    data["travel"] = [t for t in data["travel"] if not t.get("fixed")]
    assert "fixed_leg" in {v.rule for v in check_plan(data)}


def test_the_checker_refuses_a_route_that_skips_the_station(train_plan):
    """Without the ride to the station, the guest never gets to the train: ``leg_missing``."""
    data = copy.deepcopy(plan_to_dict(train_plan))
    data["travel"] = [t for t in data["travel"] if t["to"] != "MAD-ATOCHA"]
    assert "leg_missing" in {v.rule for v in check_plan(data)}


def test_the_calendar_holds_the_train_the_arrival_and_the_departure(train_plan):
    """Each with its mode and reference; the transfers to and from the lodging too."""
    calendar = Calendar.from_ical(ics.calendar_bytes(ics.guest_calendar(train_plan)))
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert any(s.startswith("Train AVE 03111:") for s in summaries)
    assert any(s.startswith("Arrival: Flight SU 2500") for s in summaries)
    assert any(s.startswith("Departure: Flight SU 2517") for s in summaries)
    train = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("Train"))
    assert "Be there by 11:15" in str(train["DESCRIPTION"])
    transfers = [s for s in summaries if s.startswith("Travel:") and "Aeroport" in s]
    assert transfers, summaries


def test_the_run_sheet_shows_the_train_in_its_own_row(train_plan):
    """In HTML and Markdown the train is a row of its own, not the next engagement's travel."""
    html = render_html(train_plan)
    assert '<tr class="leg fixed">' in html and "Train AVE 03111" in html
    markdown = render_markdown(train_plan)
    assert "**11:30–14:20 Train AVE 03111**" in markdown
    radio_line = next(line for line in markdown.splitlines() if "Phone interview" in line)
    assert "AVE" not in radio_line


@pytest.mark.parametrize("clock", [(10, 0), (11, 20), (12, 30), (16, 0)])
def test_a_replan_keeps_the_train_where_it_was_booked(train_plan, clock):
    """Re-planned before, at the check-in of, on and after the train, with no change: the
    fixed leg stays as booked and the merged plan keeps every rule."""
    from scheduler.replan import Changes, replan

    now = datetime(2018, 11, 29, *clock, tzinfo=MADRID)
    result = replan(train_plan, Changes(), now=now, params=FAST)
    assert check_plan(plan_to_dict(result.plan)) == []
    fixed = [t for t in result.plan.travel if t.fixed]
    assert [(t.ref, t.depart) for t in fixed] == [("AVE 03111", datetime(2018, 11, 29, 11, 30, tzinfo=MADRID))]


@pytest.mark.parametrize("window, served", [("10:40-11:05", True), ("10:41-11:06", False),
                                            ("10:50-11:15", False)])
def test_a_call_just_before_check_in_keeps_its_buffer(tmp_path, window, served):
    """A phone call must end a buffer (10 min) before the train's check-in (11:15): a call
    that could only end later is left out, and every plan passes the checker. (A call planned
    to end at the check-in itself broke the checker's rule once, when a balance term made it
    attractive.)"""
    import shutil

    folder = tmp_path / "tour"
    shutil.copytree(TOURS / "train-day", folder)
    (folder / "requests.csv").write_text(
        "id,title,kind,counterpart,location,remote,duration,priority,windows\n"
        f"call,Phone interview,radio,Radio,,phone,25,5,Thu {window}\n", encoding="utf-8")
    problem = load_tour(folder)
    plan = solve(problem, FAST).plan
    assert check_plan(plan_to_dict(plan)) == []
    if served:
        [engagement] = plan.engagements
        checkin = next(leg for leg in problem.tour.legs).checkin_start
        assert utc(engagement.end) + timedelta(minutes=10) <= utc(checkin)
    else:
        assert plan.engagements == ()


def test_the_summary_names_the_booked_train(train_plan):
    """The terminal summary shows a booked leg by its mode and reference, with the time to be
    at the station."""
    from scheduler.report import summary_text

    text = summary_text(train_plan)
    assert "train AVE 03111" in text and "(booked; be there by 11:15)" in text
