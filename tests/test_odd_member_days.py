"""A delegation member's days that cannot hold their own moves, read by the rules of the one
guest's (tests/test_odd_tours.py): refused at the line that sets where the day ends, or, for
an arrival or departure day too short for its transfer, left out."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.checker import check_plan
from scheduler.cli import main
from scheduler.io import load_tour
from test_io_support import write_files
from test_odd_tours import MOVE_FAR, requests_csv, tour_toml as one_guest_tour_toml

LOCATIONS = """id,name,latitude,longitude
HOTEL,Hotel,40.4200,-3.7025
PSOE,"PSOE, Ferraz",40.4297,-3.7174
TV,Telemadrid,40.4062,-3.7817
FAR,Far away,28.4636,-16.2518
AIRPORT,Airport,40.4936,-3.5668
"""
REQUESTS = ("id,title,location,duration,value,guests\n"
            "r0,Request 0,PSOE,30,1,anna\n"
            "r1,Request 1,TV,30,2,boris\n")
HOTEL = '[[lodging]]\nlocation = "HOTEL"\nfirst_night = 2018-11-25\nlast_night = 2018-11-28\n'
ANNA = '\n[[guests]]\nid = "anna"\nname = "Anna"\n'
BORIS = '\n[[guests]]\nid = "boris"\nname = "Boris"\n'


def tour_toml(lodging: str = HOTEL, extra: str = "", members: str = ANNA + BORIS) -> str:
    """Monday 26 to Wednesday 28 November 2018 in Madrid, 09:00-20:00, for Anna and Boris;
    ``lodging`` is the tour's, ``members`` their ``[[guests]]`` entries."""
    return one_guest_tour_toml(lodging, extra + members, tour_id="odd-members")


def make(folder: Path, toml: str, travel: str = "") -> Path:
    files = {"tour.toml": toml, "locations.csv": LOCATIONS, "requests.csv": REQUESTS}
    if travel:
        files["travel.csv"] = travel
    return write_files(folder, files)


def check(tour: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["check", str(tour), "--json"])
    return result.exit_code, json.loads(result.stdout).get("problems", [])


def plan(tour: Path, out: Path):
    return CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), "--time-limit", "1",
                                     "--seed", "1", "--json"])


def line_of(toml: str, text: str, occurrence: int = 1) -> int:
    """The line (from 1) of the ``occurrence``-th line of ``toml`` that is ``text``."""
    lines = [number for number, line in enumerate(toml.splitlines(), 1) if line == text]
    return lines[occurrence - 1]


# ------------------------------------------------------- a day that cannot hold its own moves

BORIS_MOVES_FAR = BORIS + (
    '\n[[guests.lodging]]\nlocation = "HOTEL"\nfirst_night = 2018-11-25\nlast_night = 2018-11-26\n'
    '\n[[guests.lodging]]\nlocation = "FAR"\nfirst_night = 2018-11-27\nlast_night = 2018-11-28\n')


def test_a_members_move_to_their_own_far_lodging_is_refused_at_its_line(tmp_path):
    # Before, the problem was given with no line at all.
    toml = tour_toml(members=ANNA + BORIS_MOVES_FAR)
    tour = make(tmp_path / "tour", toml)
    code, problems = check(tour)
    assert code == 2
    assert [(p["file"], p["line"], p["field"]) for p in problems] == [
        ("tour.toml", line_of(toml, "[[guests.lodging]]", 2), "guests.lodging.location")]
    assert ("on 2018-11-27 guest `boris` cannot get from HOTEL to FAR within the day's hours "
            "(09:00-20:00)") in problems[0]["message"]
    assert "[[legs]]" in problems[0]["message"]
    assert plan(tour, tmp_path / "out").exit_code == 2
    assert not (tmp_path / "out").exists()


def test_a_move_every_member_inherits_is_refused_at_the_tours_lodging_for_each_member(tmp_path):
    toml = tour_toml(MOVE_FAR)
    code, problems = check(make(tmp_path / "tour", toml))
    assert code == 2
    line = line_of(toml, "[[lodging]]", 2)
    assert [(p["line"], p["field"]) for p in problems] == [(line, "lodging.location")] * 2
    assert ["guest `anna`" in problems[0]["message"], "guest `boris`" in problems[1]["message"]] == [
        True, True]


def test_the_tours_far_lodging_no_member_sleeps_at_is_not_refused(tmp_path):
    # The tour's days of a delegation are no one's route: only the members' days are checked.
    near = ('\n[[guests.lodging]]\nlocation = "HOTEL"\nfirst_night = 2018-11-25\n'
            'last_night = 2018-11-28\n')
    code, problems = check(make(tmp_path / "tour", tour_toml(MOVE_FAR, members=ANNA + near + BORIS + near)))
    assert (code, problems) == (0, [])


def test_a_members_own_departure_too_far_for_their_only_day_is_refused_at_its_line(tmp_path):
    # Boris lands at 10:00 and flies home from Tenerife at 19:00 the same day: his only day,
    # so it is not left out, and no agenda could hold it.
    ends = ('\n[guests.arrival]\nat = 2018-11-26T10:00\nlocation = "AIRPORT"\n'
            '\n[guests.departure]\nat = 2018-11-26T19:00\nlocation = "FAR"\n')
    toml = tour_toml(members=ANNA + BORIS + ends)
    code, problems = check(make(tmp_path / "tour", toml))
    assert code == 2
    (problem,) = problems
    assert (problem["line"], problem["field"]) == (
        line_of(toml, 'location = "FAR"'), "guests.departure.location")
    assert "on 2018-11-26 guest `boris` cannot get from AIRPORT to FAR" in problem["message"]


@pytest.mark.parametrize("minutes, refused", [(0, False), (660, False), (661, True), (2000, True)])
def test_a_members_move_is_refused_exactly_when_their_hours_cannot_hold_it(tmp_path, minutes, refused):
    # 09:00-20:00 holds 660 minutes of travel, not one more.
    tour = make(tmp_path / "tour", tour_toml(members=ANNA + BORIS_MOVES_FAR),
                f"from,to,minutes,mode\nHOTEL,FAR,{minutes},flight\n")
    code, problems = check(tour)
    assert (code == 2) == refused, problems
    if refused:
        assert [p["field"] for p in problems] == ["guests.lodging.location"]


def test_a_members_meal_break_counts_against_their_move(tmp_path):
    meal = '\n[meal]\nearliest = "09:00"\nlatest = "20:00"\nminutes = 60\n'
    tour = make(tmp_path / "tour", tour_toml(extra=meal, members=ANNA + BORIS_MOVES_FAR),
                "from,to,minutes,mode\nHOTEL,FAR,650,flight\n")
    code, problems = check(tour)
    assert code == 2
    assert "it is 650 min away, and the day has a 60-minute meal break" in problems[0]["message"]


# ------------------------------------------ arrival and departure days too short for the transfer

def test_a_members_arrival_and_departure_days_too_short_for_the_transfer_are_left_out(tmp_path):
    # Boris lands at 19:35, 55 minutes from the hotel, with the hours ending at 20:00, and
    # leaves at 09:30 from there. Before, both days were problems; now, as for one guest, they
    # are not his working days, and his calendar still shows the transfers.
    ends = ('\n[guests.arrival]\nat = 2018-11-26T19:35\nlocation = "AIRPORT"\n'
            '\n[guests.departure]\nat = 2018-11-28T09:30\nlocation = "AIRPORT"\n')
    tour = make(tmp_path / "tour", tour_toml(members=ANNA + BORIS + ends))
    anna, boris = load_tour(tour).tour.delegation
    assert [day.date for day in boris.days] == [date(2018, 11, 27)]
    assert len(anna.days) == 3
    result = plan(tour, tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert check_plan(data) == []
    calendar = (tmp_path / "out" / "guests" / "boris.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Travel: Airport → Hotel" in calendar
    assert "SUMMARY:Travel: Hotel → Airport" in calendar


def test_the_tours_short_arrival_day_is_left_out_for_members_who_arrive_with_it(tmp_path):
    # Anna arrives with the tour at 19:35; Boris came in the morning and works that day.
    ends = '\n[arrival]\nat = 2018-11-26T19:35\nlocation = "AIRPORT"\n'
    boris_arrival = '\n[guests.arrival]\nat = 2018-11-26T10:00\nlocation = "AIRPORT"\n'
    tour = make(tmp_path / "tour", tour_toml(extra=ends, members=ANNA + BORIS + boris_arrival))
    assert check(tour) == (0, [])
    anna, boris = load_tour(tour).tour.delegation
    assert [day.date for day in anna.days] == [date(2018, 11, 27), date(2018, 11, 28)]
    assert [day.date for day in boris.days] == [date(2018, 11, d) for d in (26, 27, 28)]
    result = plan(tour, tmp_path / "out")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "plan.json").read_text(encoding="utf-8"))
    assert check_plan(data) == []


# ------------------------------------------------------- the hint names the table to edit

def _one_guest(folder: Path, toml: str) -> Path:
    """A tour of one guest (its requests name no member)."""
    return write_files(folder, {"tour.toml": toml, "locations.csv": LOCATIONS,
                                "requests.csv": requests_csv([1, 2])})


def test_a_guests_day_too_short_for_its_move_points_to_the_tours_hours_of_that_day(tmp_path):
    """The one guest's day too short for its move says to widen that day's hours in the
    tour's ``[[hours.day]]``, the table that sets them."""
    code, problems = check(_one_guest(tmp_path / "tour", one_guest_tour_toml(MOVE_FAR)))
    assert code == 2
    (problem,) = problems
    assert "widen that day's hours with [[hours.day]]," in problem["message"]


def test_a_members_day_too_short_for_its_move_points_to_the_members_own_hours_of_that_day(tmp_path):
    """A member's day too short for their move says to widen that day's hours in their own
    ``[[guests.hours.day]]`` (which comes before the tour's), not the tour's ``[[hours.day]]``:
    for a move of their own lodging and for one they inherit from the tour."""
    for name, toml in (("own", tour_toml(members=ANNA + BORIS_MOVES_FAR)),
                       ("inherited", tour_toml(MOVE_FAR))):
        code, problems = check(make(tmp_path / name, toml))
        assert code == 2 and problems, name
        for problem in problems:
            assert "widen that day's hours with [[guests.hours.day]]," in problem["message"], name
            assert "[[hours.day]]" not in problem["message"].replace("[[guests.hours.day]]", ""), name


def test_a_members_leg_outside_their_hours_points_to_the_members_own_hours_of_that_day(tmp_path):
    """A leg of one member that does not fit in their working hours says to widen that day's
    hours in their ``[[guests.hours.day]]``; the same leg of the one guest, in ``[[hours.day]]``."""
    leg = ('\n[[legs]]\nfrom = "HOTEL"\nto = "PSOE"\ndepart = 2018-11-27T19:30\n'
           'arrive = 2018-11-27T20:30\nmode = "train"\n')
    member_leg = leg + 'guests = ["boris"]\n'
    code, problems = check(make(tmp_path / "member", tour_toml(extra=member_leg)))
    assert code == 2
    (problem,) = [p for p in problems if "does not fit in the working hours" in p["message"]]
    assert "widen that day's hours with [[guests.hours.day]] so that" in problem["message"]
    code, problems = check(_one_guest(tmp_path / "guest", one_guest_tour_toml(extra=leg)))
    assert code == 2
    (problem,) = [p for p in problems if "does not fit in the working hours" in p["message"]]
    assert "widen that day's hours with [[hours.day]] so that" in problem["message"]
