"""A version whose tour has other lodging than the plan it follows (an earlier version brought
back, or a what-if accepted, after the tour was planned again with other ``[[lodging]]``):
the calendars' nights keep their UIDs, raise their SEQUENCE and cancel the nights that go,
read back with icalendar and imported into khal over the first version."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from test_export_ics import khal_lines
from test_io_support import write_files
from test_odd_member_days import ANNA, BORIS, HOTEL, LOCATIONS, REQUESTS, tour_toml
from test_odd_tours import requests_csv, tour_toml as one_guest_tour_toml

from scheduler.export import write_all
from scheduler.export.updates import write_replan_outputs
from scheduler.io import load_tour
from scheduler.planfile import dumps, plan_from_dict, read_plan, write_plan
from scheduler.replan import new_version
from scheduler.solve import SolveParams, solve

CALENDARS = (("ics", "guest"), ("guests", "guest"))
NOW = datetime(2018, 11, 25, 20, 0, tzinfo=ZoneInfo("Europe/Madrid"))
OTHER = "HOTEL2,Other hotel,40.4300,-3.6900\n"
#: Boris sleeps at the other hotel on Monday night, at the hotel otherwise.
BORIS_ELSEWHERE = BORIS + (
    '\n[[guests.lodging]]\nlocation = "HOTEL"\nfirst_night = 2018-11-25\nlast_night = 2018-11-25\n'
    '\n[[guests.lodging]]\nlocation = "HOTEL2"\nfirst_night = 2018-11-26\nlast_night = 2018-11-26\n'
    '\n[[guests.lodging]]\nlocation = "HOTEL"\nfirst_night = 2018-11-27\nlast_night = 2018-11-28\n')
#: The one guest at the other hotel on Monday night.
ELSEWHERE = ('[[lodging]]\nlocation = "HOTEL"\nfirst_night = 2018-11-25\nlast_night = 2018-11-25\n\n'
             '[[lodging]]\nlocation = "HOTEL2"\nfirst_night = 2018-11-26\nlast_night = 2018-11-26\n\n'
             '[[lodging]]\nlocation = "HOTEL"\nfirst_night = 2018-11-27\nlast_night = 2018-11-28\n')


def nights(path: Path) -> dict[str, tuple[int, str, str]]:
    """UID → (SEQUENCE, STATUS, SUMMARY) of every night of a calendar file."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): (int(e.get("SEQUENCE", 0)), str(e["STATUS"]), str(e["SUMMARY"]))
            for e in calendar.walk("VEVENT") if str(e.get("X-SCHEDULER-KIND")) == "night"}


def planned(folder: Path, toml: str, requests: str = REQUESTS):
    write_files(folder, {"tour.toml": toml, "locations.csv": LOCATIONS + OTHER, "requests.csv": requests})
    return solve(load_tour(folder), SolveParams(time_limit=1, seed=1, workers=1)).plan


def reread(plan):
    """The plan as its file gives it back."""
    return plan_from_dict(json.loads(dumps(plan)))


@pytest.fixture(scope="module")
def delegation(tmp_path_factory):
    """A delegation planned with everyone at the hotel, then a version of its tour planned
    with Boris at the other hotel on Monday night, made the next version of the first; the
    calendars of both versions and an export of the second read back from its file."""
    root = tmp_path_factory.mktemp("lodging")
    first = planned(root / "a", tour_toml())
    other = planned(root / "b", tour_toml(members=ANNA + BORIS_ELSEWHERE))
    result = new_version(first, other, now=NOW)
    write_all(first, root / "v1", CALENDARS)
    write_replan_outputs(result, root / "v2", pdf=False)
    write_all(reread(result.plan), root / "exported", CALENDARS)
    return result, root


def test_a_night_the_delegation_no_longer_shares_is_cancelled_in_its_calendar(delegation):
    """The delegation's calendar had one night for everyone at the hotel on Monday; now Anna
    and Boris sleep apart: that night is cancelled under its UID (SEQUENCE 1) and each place
    gets its own night naming who sleeps there, in the re-plan's calendar and in a later
    export alike; the other nights stay as they were."""
    _, root = delegation
    before = nights(root / "v1" / "agenda.ics")
    assert set(before) == {f"2018-11-{d}@night.odd-members.scheduler" for d in (25, 26, 27, 28)}
    for folder in ("v2", "exported"):
        after = nights(root / folder / "agenda.ics")
        assert after == {
            "2018-11-26@night.odd-members.scheduler": (1, "CANCELLED", "Cancelled: Night: Hotel"),
            "2018-11-26.HOTEL@night.odd-members.scheduler": (0, "CONFIRMED", "Night (Anna): Hotel"),
            "2018-11-26.HOTEL2@night.odd-members.scheduler": (0, "CONFIRMED", "Night (Boris): Other hotel"),
            **{f"2018-11-{d}@night.odd-members.scheduler": (0, "CONFIRMED", "Night: Hotel")
               for d in (25, 27, 28)}}, folder


def test_a_members_night_at_other_lodging_keeps_its_uid_with_a_higher_sequence(delegation):
    """Boris's own calendar keeps one night a date: Monday's now at the other hotel under the
    same UID, SEQUENCE 1; nothing of his is cancelled, and Anna's calendar still has every
    night at the hotel."""
    _, root = delegation
    for folder in ("v2", "exported"):
        boris = nights(root / folder / "guests" / "boris.ics")
        assert {uid: event[1:] for uid, event in boris.items()} == {
            f"2018-11-{d}@night.odd-members.scheduler":
                ("CONFIRMED", "Night: Other hotel" if d == 26 else "Night: Hotel")
            for d in (25, 26, 27, 28)}
        assert boris["2018-11-26@night.odd-members.scheduler"][0] == 1
        anna = nights(root / folder / "guests" / "anna.ics")
        assert {event[1:] for event in anna.values()} == {("CONFIRMED", "Night: Hotel")}


def test_the_cancelled_nights_are_recorded_and_pass_the_plan_files_checks(delegation, tmp_path):
    """The history entry records each night the version cancelled, with its place, and the
    plan file is read back through the checker like any other."""
    result, _ = delegation
    entry = read_plan(write_plan(result.plan, tmp_path / "plan.json")).history[-1]
    assert entry["cancelled_nights"] == [
        {"uid": "2018-11-26@night.odd-members.scheduler", "night": "2018-11-26", "location": "HOTEL"}]
    assert entry["sequences"]["2018-11-26@night.odd-members.scheduler"] == 1


def test_khal_keeps_one_live_night_per_place_after_the_lodging_changes(delegation, tmp_path):
    """Importing the first delegation calendar then the new one into khal: Monday's shared
    night is replaced by its cancellation, beside Anna's and Boris's own nights."""
    _, root = delegation
    lines = khal_lines(tmp_path / "khal", [root / "v1" / "agenda.ics", root / "v2" / "agenda.ics"],
                       "Europe/Madrid", "2018-11-26", "2018-11-26", fmt="{title}|{status}")
    monday = sorted(line.strip() for line in lines if "Night" in line)
    assert monday == ["Cancelled: Night: Hotel|CANCELLED", "Night (Anna): Hotel|CONFIRMED",
                      "Night (Boris): Other hotel|CONFIRMED"], lines


def test_the_one_guests_nights_at_other_lodging_keep_their_uids_with_a_higher_sequence(tmp_path):
    """The one guest's tour planned again at another hotel on Monday night and made the next
    version: that night keeps its UID at SEQUENCE 1 with the new place, the others stay at 0,
    nothing is cancelled; khal, importing both calendars, has one night on Monday."""
    first = planned(tmp_path / "a", one_guest_tour_toml(HOTEL), requests_csv([1, 2]))
    other = planned(tmp_path / "b", one_guest_tour_toml(ELSEWHERE), requests_csv([1, 2]))
    result = new_version(first, other, now=NOW)
    write_all(first, tmp_path / "v1", CALENDARS)
    write_replan_outputs(result, tmp_path / "v2", pdf=False)
    write_all(reread(result.plan), tmp_path / "exported", CALENDARS)
    for folder in ("v2", "exported"):
        assert nights(tmp_path / folder / "agenda.ics") == {
            f"2018-11-{d}@night.odd.scheduler":
                (1, "CONFIRMED", "Night: Other hotel") if d == 26 else (0, "CONFIRMED", "Night: Hotel")
            for d in (25, 26, 27, 28)}
    lines = khal_lines(tmp_path / "khal", [tmp_path / "v1" / "agenda.ics", tmp_path / "v2" / "agenda.ics"],
                       "Europe/Madrid", "2018-11-26", "2018-11-26", fmt="{title}|{location}")
    assert [line for line in lines if "Night" in line] == ["Night: Other hotel|Other hotel"], lines
