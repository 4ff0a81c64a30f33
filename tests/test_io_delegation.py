"""A delegation read from a tour folder: ``[[guests]]``, ``[[legs]] guests`` and the ``guests`` column."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from scheduler import app
from scheduler.io import load_tour
from test_io_support import bundled_data  # noqa: F401 (a fixture)
from test_io_support import MADRID, MINIMAL_TOUR, issues_of, make_tour, places_of, the_issue

pytestmark = pytest.mark.usefixtures("bundled_data")

MEMBERS = """
[[guests]]
id = "anna"
name = "Anna Kowalska"

[[guests]]
id = "boris"
name = "Boris Ivanov"
timezone = "Europe/Moscow"

[guests.hours]
start = "07:00"

[[guests.hours.day]]
date = 2018-11-28
off = true

[[guests]]
id = "chen"
name = "Chen Wei"

[guests.arrival]
at = 2018-11-27T12:00
location = "PSOE"
buffer_minutes = 60

[[guests.lodging]]
location = "TV"
first_night = 2018-11-25
last_night = 2018-11-28
"""
REQUESTS = ("id,title,location,remote,duration,guests\n"
            "psoe,Meeting at PSOE,PSOE,,60,anna;boris\n"
            "tv,TV show,TV,,30,anna|chen\n"
            "call,Call,,phone,30,chen\n")


def at(d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2018, 11, d, h, mi, tzinfo=MADRID)


def delegation(tmp_path, tour_extra: str = "", requests: str = REQUESTS, guest: str = ""):
    return make_tour(tmp_path, {"tour.toml": MINIMAL_TOUR + guest + tour_extra + MEMBERS,
                                "requests.csv": requests})


def test_members_have_their_own_days(tmp_path):
    """Each member's days: the tour's, with the member's own hours, arrival and lodging."""
    tour = load_tour(delegation(tmp_path)).tour
    assert tour.guest_ids == ("anna", "boris", "chen")
    anna, boris, chen = tour.delegation
    assert [(d.date, d.start, d.end) for d in anna.days] == [(d.date, d.start, d.end) for d in tour.days]
    assert boris.timezone == "Europe/Moscow"
    assert [(d.date, d.start) for d in boris.days] == [(date(2018, 11, 26), at(26, 7)),
                                                       (date(2018, 11, 27), at(27, 7))]
    # Chen's days run from the arrival, at the arrival place after the buffer, to Chen's lodging.
    first = chen.days[0]
    assert (first.date, first.start, first.start_location, first.end_location) == (
        date(2018, 11, 27), at(27, 13), "PSOE", "TV")
    assert [d.start_location for d in chen.days] == ["PSOE", "TV"]
    assert chen.arrival is not None and chen.arrival.location == "PSOE"


def test_display_name_joins_the_members_or_takes_guest_name(tmp_path):
    assert load_tour(delegation(tmp_path)).tour.guest.name == "Anna Kowalska, Boris Ivanov and Chen Wei"
    (tmp_path / "named").mkdir()
    named = delegation(tmp_path / "named", guest='\n[guest]\nname = "The survivors\' delegation"\n')
    assert load_tour(named).tour.guest.name == "The survivors' delegation"


def test_requests_say_who_goes(tmp_path):
    problem = load_tour(delegation(tmp_path))
    psoe, tv, call = (problem.request(i) for i in ("psoe", "tv", "call"))
    assert (psoe.guests, psoe.joint) == (("anna", "boris"), True)
    assert (tv.guests, tv.guests_any) == (("anna", "chen"), True)
    assert (call.guests, call.joint, call.guests_any) == (("chen",), False, False)


def test_windows_any_time_cover_every_member_s_hours(tmp_path):
    """A request without windows may be placed whenever some member works (Boris from 07:00)."""
    problem = load_tour(delegation(tmp_path))
    assert problem.request("psoe").windows[0].start == at(26, 7)


LEG = """
[[legs]]
from = "HOTEL"
to = "TV"
depart = 2018-11-27T10:00
arrive = 2018-11-27T10:30
mode = "car"
checkin_minutes = 0
guests = ["boris"]
"""


def test_a_leg_with_guests_is_theirs_only(tmp_path):
    tour = load_tour(delegation(tmp_path, LEG)).tour
    anna, boris, _ = tour.delegation
    assert [leg.destination for leg in boris.legs] == ["TV"]
    assert anna.legs == () and not any(day.legs for day in anna.days + tour.days)
    assert [leg.destination for day in boris.days for leg in day.legs] == ["TV"]
    assert [leg.destination for leg in tour.legs] == ["TV"]


def test_every_guests_problem_at_once_with_file_line_and_column(tmp_path):
    requests = ("id,title,location,remote,duration,guests\n"
                "a,A,PSOE,,60,anna;boris|chen\n"
                "b,B,PSOE,,60,ana\n"
                "c,C,PSOE,,60,\n"
                "d,D,PSOE,,60,anna|\n"
                "e,E,PSOE,,60,anna;anna\n"
                "f,F,PSOE,,60,chen|chen|anna\n")
    issues = issues_of(delegation(tmp_path, LEG.replace('["boris"]', '["borris"]'), requests))
    assert "mixes `;` and `|`" in the_issue(issues, "requests.csv", 2, "guests").message
    assert "did you mean `anna`?" in the_issue(issues, "requests.csv", 3, "guests").message
    assert "says who goes" in the_issue(issues, "requests.csv", 4, "guests").message
    assert "no guest between" in the_issue(issues, "requests.csv", 5, "guests").message
    assert "named twice" in the_issue(issues, "requests.csv", 6, "guests").message
    assert "named twice" in the_issue(issues, "requests.csv", 7, "guests").message
    leg = [issue for issue in issues if issue.field == "legs.guests"]
    assert len(leg) == 1 and "did you mean `boris`?" in leg[0].message and leg[0].line is not None


def test_a_delegation_needs_the_guests_column(tmp_path):
    issues = issues_of(delegation(tmp_path, requests="id,title,location,duration\npsoe,P,PSOE,60\n"))
    assert places_of(issues) == {("requests.csv", 1, "guests")}


def test_guests_in_a_tour_of_one_guest_is_an_error(tmp_path):
    folder = make_tour(tmp_path, {"requests.csv": REQUESTS, "tour.toml": MINIMAL_TOUR + LEG})
    issues = issues_of(folder)
    assert {(i.file, i.line, i.field) for i in issues if i.file == "requests.csv"} == {
        ("requests.csv", line, "guests") for line in (2, 3, 4)}
    assert any(i.field == "legs.guests" and "no [[guests]]" in i.message for i in issues)


def test_a_member_s_problems_name_their_keys_and_lines(tmp_path):
    bad = MEMBERS.replace('start = "07:00"', 'start = "7 am"').replace(
        'timezone = "Europe/Moscow"', 'timezone = "Europe/Moskow"')
    folder = make_tour(tmp_path, {"tour.toml": MINIMAL_TOUR + bad, "requests.csv": REQUESTS})
    issues = issues_of(folder)
    text = (folder / "tour.toml").read_text().splitlines()
    zone = the_issue(issues, "tour.toml", text.index('timezone = "Europe/Moskow"') + 1, "guests.timezone")
    assert "Europe/Moscow" in zone.message
    the_issue(issues, "tour.toml", text.index('start = "7 am"') + 1, "guests.hours.start")


def test_a_member_with_no_working_day_is_an_error(tmp_path):
    members = MEMBERS.replace("[guests.hours]", "[[guests.hours.day]]\ndate = 2018-11-26\noff = true\n\n"
                              "[guests.hours]")
    members = members.replace("date = 2018-11-28\noff = true", "date = 2018-11-28\noff = true\n\n"
                              "[[guests.hours.day]]\ndate = 2018-11-27\noff = true")
    folder = make_tour(tmp_path, {"tour.toml": MINIMAL_TOUR + members, "requests.csv": REQUESTS})
    issues = issues_of(folder)
    found = [i for i in issues if i.field == "guests.id"]
    assert len(found) == 1 and "guest `boris` has no working day" in found[0].message


def test_a_member_working_on_a_day_the_tour_is_off(tmp_path):
    tour_off = "\n[[hours.day]]\ndate = 2018-11-27\noff = true\n"
    members = MEMBERS.replace("date = 2018-11-28\noff = true", 'date = 2018-11-27\nstart = "10:00"')
    folder = make_tour(tmp_path, {"tour.toml": MINIMAL_TOUR + tour_off + members, "requests.csv": REQUESTS})
    found = [i for i in issues_of(folder) if "not a working day of the tour" in i.message]
    assert len(found) == 1 and "boris" in found[0].message


def test_check_warns_of_a_guest_no_request_names_and_a_request_never_attendable(tmp_path):
    requests = ("id,title,location,remote,duration,windows,guests\n"
                "psoe,Meeting at PSOE,PSOE,,60,Wed 10:00-12:00,anna;boris\n"
                "call,Call,,phone,30,,anna\n")
    outcome = app.check_tour(delegation(tmp_path, requests=requests))
    assert any("guest `chen` (Chen Wei) goes to no request" in w for w in outcome.warnings)
    assert any("request `psoe` cannot be served" in w and "anna and boris" in w
               for w in outcome.warnings)
    assert "3 guests" in outcome.summary() and outcome.to_dict()["guests"] == {
        "anna": 3, "boris": 2, "chen": 2}


def test_check_of_a_one_guest_tour_is_unchanged(tmp_path):
    folder = make_tour(tmp_path, {"requests.csv": "id,title,remote,duration\ncall,Call,phone,30\n"})
    outcome = app.check_tour(folder)
    assert outcome.warnings == () and "guests" not in outcome.to_dict()
    assert outcome.summary().startswith("minimal: 3 days")


@pytest.mark.parametrize("table", ["guests", "resources"])
def test_entry_ids_must_be_well_formed_new_and_differ_in_more_than_case(tmp_path, table: str) -> None:
    """A `[[guests]]` or `[[resources]]` id written twice names the first line; one differing
    only in case names the id it clashes with; one with a space is not an id."""
    entries = "".join(f'\n[[{table}]]\nid = "{entry_id}"\nname = "N"\n'
                      + ('kind = "car"\n' if table == "resources" else "")
                      for entry_id in ("car", "car", "Car", "a car"))
    text = MINIMAL_TOUR + entries
    issues = issues_of(make_tour(tmp_path, {"tour.toml": text, "requests.csv": REQUESTS}))
    lines = [index + 1 for index, line in enumerate(text.splitlines()) if line.startswith("id = ")]
    first, second, third, fourth = lines[1:]  # the first is the tour's
    noun = "guest" if table == "guests" else "resource"
    field = f"{table}.id"
    assert the_issue(issues, "tour.toml", second, field).message == \
        f"the {noun} `car` is already on line {first}"
    assert f"differs from `car` (line {first}) only in upper and lower case" in \
        the_issue(issues, "tour.toml", third, field).message
    assert "`a car` is not" in the_issue(issues, "tour.toml", fourth, field).message
