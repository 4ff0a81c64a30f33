"""Tours over several time zones: places, days, windows, legs, the plan file, the checker,
calendars, run sheets and the summary (the Brussels → London → Dublin example)."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from scheduler.app.planning import plan_tour
from scheduler.checker import check_plan
from scheduler.errors import InputError
from scheduler.export.ics import guest_calendar
from scheduler.export.markdown import render as render_markdown
from scheduler.io.load import load_tour
from scheduler.planfile import plan_from_dict, plan_to_dict
from scheduler.report import summary_text
from scheduler.solve import SolveParams

EXAMPLE = Path(__file__).parent.parent / "examples" / "brussels-london-dublin-2019"
BRUSSELS, LONDON, DUBLIN = (ZoneInfo(name) for name in ("Europe/Brussels", "Europe/London", "Europe/Dublin"))
PARAMS = SolveParams(time_limit=3.0, seed=0, workers=1)


@pytest.fixture(scope="module")
def problem():
    return load_tour(EXAMPLE)


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    out = tmp_path_factory.mktemp("zones") / "out"
    outcome = plan_tour(EXAMPLE, out, PARAMS)
    return outcome.plan, out


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "tour"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _issues(folder: Path):
    with pytest.raises(InputError) as caught:
        load_tour(folder)
    return caught.value.problems


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_places_carry_their_zone(problem):
    """locations.csv and the bundled places give each place its IANA zone."""
    assert problem.locations["LON-FCO"].timezone == "Europe/London"
    assert problem.locations["BRU-EP"].timezone == "Europe/Brussels"  # the bundled places.csv


def test_an_unknown_zone_of_a_place_is_reported_with_file_line_and_field(tmp_path):
    """A wrong ``timezone`` cell of locations.csv names the file, the line and the column."""
    folder = _copy(tmp_path)
    _replace_in(folder / "locations.csv", "Kildare Street, Dublin 2\",Dublin,53.3405,-6.2540,yes,Europe/Dublin",
                "Kildare Street, Dublin 2\",Dublin,53.3405,-6.2540,yes,Europe/Dubln")
    (issue,) = [i for i in _issues(folder) if i.field == "timezone"]
    assert (issue.file, issue.line) == ("locations.csv", 17)
    assert "Europe/Dublin" in issue.message  # did you mean


def test_an_unknown_zone_of_a_request_is_reported_with_file_line_and_field(tmp_path):
    """A wrong ``timezone`` cell of requests.csv names the file, the line and the column."""
    folder = _copy(tmp_path)
    _replace_in(folder / "requests.csv", ",phone,Europe/Moscow,", ",phone,Moscow,")
    (issue,) = [i for i in _issues(folder) if i.field == "timezone"]
    assert issue.file == "requests.csv" and issue.line == 12


def test_each_day_is_lived_in_the_zone_of_its_start_place(problem):
    """A day's hours are in the zone of where the guest wakes up; the tour's zone stays ``""``."""
    days = {day.date: day for day in problem.tour.days}
    assert [problem.tour.day_zone(day).key for day in problem.tour.days] == [
        "Europe/Brussels", "Europe/Brussels", "Europe/London", "Europe/Dublin"]
    assert days[date(2019, 5, 14)].timezone == ""  # the tour's own zone
    assert days[date(2019, 5, 16)].start == datetime(2019, 5, 16, 9, 0, tzinfo=LONDON)
    assert days[date(2019, 5, 17)].start == datetime(2019, 5, 17, 9, 0, tzinfo=DUBLIN)
    # Wednesday is a Brussels day: its end (21:30) is Brussels time, though it ends in London.
    assert days[date(2019, 5, 15)].end == datetime(2019, 5, 15, 21, 30, tzinfo=BRUSSELS)
    assert problem.tour.zones == ("Europe/Brussels", "Europe/London", "Europe/Dublin")


def test_the_meal_is_in_the_zone_of_the_day(problem):
    """``[meal]`` 12:00–16:00 means London time on a London day."""
    thursday = next(day for day in problem.tour.days if day.date == date(2019, 5, 16))
    assert thursday.meal_window.start == datetime(2019, 5, 16, 12, 0, tzinfo=LONDON)


def test_windows_are_in_the_zone_of_the_request_place(problem):
    """``Wed 15:30-17:30`` of a London office is London time, on a day lived in Brussels."""
    fco = problem.request("fco")
    assert fco.windows[0].start == datetime(2019, 5, 15, 15, 30, tzinfo=LONDON)
    assert fco.windows_text.timezone == "Europe/London"


def test_a_remote_request_may_name_its_own_zone(problem):
    """A phone interview whose row says Europe/Moscow has its windows in Moscow time."""
    radio = problem.request("radio-moscow")
    assert radio.windows[0].start == datetime(2019, 5, 16, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def test_a_remote_request_without_a_zone_follows_each_day(tmp_path):
    """Without its own zone, a remote request's windows are in the zone of each day."""
    folder = _copy(tmp_path)
    _replace_in(folder / "requests.csv", ",phone,Europe/Moscow,25,3,700000,,Thu 14:00-16:30",
                ",phone,,25,3,700000,,Tue 14:00-14:30; Thu 14:00-16:30")
    radio = load_tour(folder).request("radio-moscow")
    assert radio.windows_text.timezone == ""
    assert [w.start for w in radio.windows] == [datetime(2019, 5, 14, 14, 0, tzinfo=BRUSSELS),
                                                datetime(2019, 5, 16, 14, 0, tzinfo=LONDON)]


def test_a_leg_departs_in_the_zone_of_from_and_arrives_in_that_of_to(problem):
    """The Eurostar leaves at 12:52 Brussels time and arrives at 13:57 London time: 2 h 5 min."""
    train = problem.tour.legs[0]
    assert train.depart == datetime(2019, 5, 15, 12, 52, tzinfo=BRUSSELS)
    assert train.arrive == datetime(2019, 5, 15, 13, 57, tzinfo=LONDON)
    assert train.ride_minutes == 125
    assert problem.tour.departure.at == datetime(2019, 5, 17, 20, 25, tzinfo=DUBLIN)


def test_the_example_plans_and_the_checker_accepts_it(planned):
    """The example is planned in a short time and passes the independent checker."""
    plan, out = planned
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert check_plan(data) == []
    assert "fco" in {e.request_id for e in plan.engagements}  # mandatory, in London
    (left,) = [u for u in plan.unscheduled if u.request_id == "evening-news"]  # on the flight
    assert "Thu 16 May 19:00–19:30" in left.reason  # the reason speaks London time, that day's


def test_the_plan_file_keeps_the_zones_and_reads_back_the_same(planned):
    """Days, requests and places keep their zones in plan.json; reading it gives the plan back."""
    plan, _ = planned
    data = plan_to_dict(plan)
    assert [day["timezone"] for day in data["tour"]["days"]] == [
        "Europe/Brussels", "Europe/Brussels", "Europe/London", "Europe/Dublin"]
    zones = {request["id"]: request["timezone"] for request in data["requests"]}
    assert zones["radio-moscow"] == "Europe/Moscow" and zones["fco"] == "Europe/London"
    assert data["locations"]["LON-FCO"]["timezone"] == "Europe/London"
    again = plan_from_dict(data)
    assert again.problem.tour.days == plan.problem.tour.days
    assert again.problem.request("fco").windows_text == plan.problem.request("fco").windows_text


def test_the_checker_expands_windows_in_the_request_zone(planned):
    """Read in another zone, the Moscow radio's window no longer holds its engagement."""
    plan, _ = planned
    data = plan_to_dict(plan)
    assert check_plan(data) == []
    moved = copy.deepcopy(data)
    for request in moved["requests"]:
        if request["id"] == "radio-moscow":
            request["timezone"] = "America/New_York"
    assert any(v.rule == "outside_window" for v in check_plan(moved))
    wrong = copy.deepcopy(data)
    wrong["requests"][0]["timezone"] = "Mars/Olympus"
    assert [v.rule for v in check_plan(wrong)] == ["schema"]


def test_a_plan_without_zones_means_the_tour_zone(planned):
    """A plan written before zones (no day or request zone) is read in the tour's zone."""
    plan, _ = planned
    data = plan_to_dict(plan)
    for day in data["tour"]["days"]:
        day.pop("timezone")
    for request in data["requests"]:
        request.pop("timezone")
    # Every request of London and Dublin is now read in Brussels time: the checker says so.
    assert any(v.rule == "outside_window" for v in check_plan(data))
    assert plan_from_dict(data).problem.tour.days[2].timezone == ""


def test_calendar_events_carry_their_own_zone(planned):
    """Each event has the TZID of its place; the train departs in Brussels and arrives in
    London; there is a VTIMEZONE for each zone used."""
    plan, out = planned
    calendar = Calendar.from_ical((out / "agenda.ics").read_bytes())
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    fco = next(e for s, e in events.items() if s.startswith("Foreign and Commonwealth"))
    assert fco["DTSTART"].params["TZID"] == "Europe/London"
    assert fco.decoded("DTSTART").tzinfo.key == "Europe/London"
    oireachtas = next(e for s, e in events.items() if s.startswith("Joint Committee"))
    assert oireachtas["DTSTART"].params["TZID"] == "Europe/Dublin"
    train = next(e for s, e in events.items() if s.startswith("Train Eurostar"))
    assert train["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert train["DTEND"].params["TZID"] == "Europe/London"
    assert train.decoded("DTEND").replace(tzinfo=None) == datetime(2019, 5, 15, 13, 57)
    zones = {str(component["TZID"]) for component in calendar.walk("VTIMEZONE")}
    assert {"Europe/Brussels", "Europe/London", "Europe/Dublin"} <= zones
    assert guest_calendar(plan).to_ical() == (out / "agenda.ics").read_bytes()


def test_the_run_sheet_names_the_zone_of_every_day(planned):
    """Each day of the run sheet names its zone, and its times are in that zone."""
    plan, out = planned
    text = (out / "agenda.md").read_text(encoding="utf-8")
    assert "local time in Europe/Brussels, Europe/London and Europe/Dublin" in text
    for day_title, zone in (("Tue 14 May 2019", "Europe/Brussels, CEST"),
                            ("Wed 15 May 2019", "Europe/Brussels, CEST"),
                            ("Thu 16 May 2019", "Europe/London, BST"),
                            ("Fri 17 May 2019", "Europe/Dublin, IST")):
        section = text.split(f"## {day_title}")[1]
        assert section.split("\n\n")[1].startswith(f"Times in {zone}")
    assert "Hours 09:00–21:30" in text.split("## Thu 16 May 2019")[1]
    assert render_markdown(plan) == text


def test_the_summary_names_the_zone_of_every_day(planned):
    """The terminal summary names each day's zone and shows its hours in it."""
    plan, _ = planned
    text = summary_text(plan)
    assert "Thu 16 May 2019 (Europe/London)  hours 09:00–21:30" in text
    assert "Fri 17 May 2019 (Europe/Dublin)  hours 09:00–18:25" in text


def test_a_replan_keeps_the_zones_and_reads_changes_in_the_request_zone(planned):
    """Re-planned on Wednesday morning with the Foreign Office no longer free on Wednesday
    afternoon (London time), the days keep their zones and the checker accepts the plan."""
    from scheduler.app.replanning import compute_replan, read_replan_changes
    plan, _ = planned
    changes, now = read_replan_changes(plan, unavailable=["fco=Wed 15:30-17:30"],
                                       now="2019-05-15T08:00:00+02:00")
    assert changes.unavailable["fco"][0].start == datetime(2019, 5, 15, 15, 30, tzinfo=LONDON)
    result = compute_replan(plan, changes, now, PARAMS)
    new = result.plan
    assert [day.timezone for day in new.problem.tour.days] == [
        day.timezone for day in plan.problem.tour.days]
    fco = new.engagement("fco")
    assert fco is not None and fco.day == date(2019, 5, 16)  # moved to Thursday morning
    assert check_plan(plan_to_dict(new)) == []


def test_now_without_an_offset_is_read_on_the_clock_of_that_day():
    """`--now 2019-05-16 12:00` on a day lived in London means 12:00 in London, not in the
    tour's zone (Brussels); a moment with an offset is taken as it is."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from scheduler.io import load_tour
    from scheduler.io.changes import parse_now

    tour = load_tour(Path(__file__).resolve().parent.parent / "examples" / "brussels-london-dublin-2019").tour
    london_day = next(day for day in tour.days if tour.day_zone(day).key == "Europe/London")
    text = f"{london_day.date.isoformat()} 12:00"
    moment = parse_now(text, tour.zone, tour=tour)
    assert moment == datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/London"))
    assert parse_now(f"{text}+02:00", tour.zone, tour=tour).utcoffset() is not None
    assert parse_now(text, tour.zone) == datetime.fromisoformat(text).replace(tzinfo=tour.zone)
