"""A re-plan's member and resource calendars cancel what they drop and keep a moved event's UID,
read back with icalendar and imported into khal, a real client, over the first version."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from delegation_export_plans import TUESDAY, WEDNESDAY, at, delegation_plan
from icalendar import Calendar
from test_export_ics import khal_lines

from scheduler.domain import Engagement, TravelLeg
from scheduler.export import write_all
from scheduler.export.updates import write_replan_outputs
from scheduler.planfile import dumps, plan_from_dict
from scheduler.replan import Changes, new_version

CALENDARS = (("guests", "guest"), ("resources", "team"), ("ics", "guest"))


def events(path: Path) -> dict[str, tuple[int, str, str]]:
    """UID → (SEQUENCE, STATUS, SUMMARY) of every event of a calendar file."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): (int(event.get("SEQUENCE", 0)), str(event["STATUS"]), str(event["SUMMARY"]))
            for event in calendar.walk("VEVENT")}


def _reread(plan):
    """The plan as its file gives it back."""
    return plan_from_dict(json.loads(dumps(plan)))


def _leg(day, guest, origin, destination, hour, minute):
    return TravelLeg(day, origin, destination, at(day, hour, minute), at(day, hour, minute + 15), 15,
                     guest=guest)


@pytest.fixture(scope="module")
def versions():
    """The hand-made delegation plan, then a version where the TV interview is cancelled
    (Boris goes straight back to the hotel; the car no longer serves it) and the MEP meeting
    moves from 10:00 to 16:00 on Wednesday (the car with it)."""
    first = delegation_plan()
    tue, wed = TUESDAY, WEDNESDAY
    engagements = tuple(
        replace(e, start=at(wed, 16), end=at(wed, 17)) if e.request_id == "mep" else e
        for e in first.engagements if e.request_id != "tv")
    travel = []
    for leg in first.travel:
        if leg.guest == "boris" and leg.day == tue and "STUDIO" in (leg.origin, leg.destination):
            continue
        if leg.day == wed and leg.guest in ("anna", "chen"):
            leg = replace(leg, depart=leg.depart.replace(hour=leg.depart.hour + 6),
                          arrive=leg.arrive.replace(hour=leg.arrive.hour + 6))
        travel.append(leg)
    travel.append(_leg(tue, "boris", "BERL", "HOTEL", 11, 5))
    second = replace(first, engagements=engagements, travel=tuple(travel))
    problem = replace(first.problem, requests=tuple(r for r in first.problem.requests if r.id != "tv"))
    second = replace(second, problem=problem)
    result = new_version(first, second, now=at(tue, 7), changes=Changes(cancel=("tv",)))
    return first, result


@pytest.fixture(scope="module")
def folders(versions, tmp_path_factory):
    first, result = versions
    root = tmp_path_factory.mktemp("versions")
    write_all(first, root / "v1", CALENDARS)
    write_replan_outputs(result, root / "v2", pdf=False)
    return root / "v1", root / "v2"


def test_a_members_calendar_cancels_the_legs_that_vanished_and_moves_the_rest(folders):
    """Boris's calendar cancels his Tuesday trips to and from the studio under the UIDs it
    sent them with; Anna's keeps her Wednesday legs' UIDs with a higher SEQUENCE; neither
    holds the other's legs."""
    v1, v2 = folders
    boris_before, boris = events(v1 / "guests" / "boris.ics"), events(v2 / "guests" / "boris.ics")
    vanished = [uid for uid in boris_before if "STUDIO" in uid and uid.startswith("2019-03-12")]
    assert len(vanished) == 2
    for uid in vanished:
        sequence, status, summary = boris[uid]
        assert (sequence, status) == (1, "CANCELLED") and summary.startswith("Cancelled: Travel")
    assert boris["tv@brussels-test.scheduler"][:2] == (1, "CANCELLED")
    anna_before, anna = events(v1 / "guests" / "anna.ics"), events(v2 / "guests" / "anna.ics")
    wednesday = [uid for uid in anna_before if uid.startswith("2019-03-13.anna.")]
    assert wednesday and all(anna[uid][:2] == (1, "CONFIRMED") for uid in wednesday)
    assert anna["mep@brussels-test.scheduler"][:2] == (1, "CONFIRMED")
    assert not any(".boris." in uid for uid in anna) and not any(".anna." in uid for uid in boris)


def test_a_resources_calendar_cancels_what_it_no_longer_serves_and_moves_the_rest(folders):
    """The car's calendar cancels the TV interview and moves the MEP meeting under the same
    UIDs; the interpreter's, whose engagements did not change, stays at SEQUENCE 0 and
    still holds only its own engagements."""
    v1, v2 = folders
    car_before, car = events(v1 / "resources" / "car-1.ics"), events(v2 / "resources" / "car-1.ics")
    assert set(car_before) == set(car) == {"car-1.tv@brussels-test.scheduler",
                                           "car-1.mep@brussels-test.scheduler"}
    assert car_before["car-1.tv@brussels-test.scheduler"][:2] == (0, "CONFIRMED")
    assert car["car-1.tv@brussels-test.scheduler"] == (1, "CANCELLED",
                                                      "Cancelled: Boris: Studio interview, Télé Brux")
    assert car["car-1.mep@brussels-test.scheduler"][:2] == (1, "CONFIRMED")
    interpreter = events(v2 / "resources" / "interp-1.ics")
    assert set(interpreter) == {"interp-1.commissioner@brussels-test.scheduler",
                                "interp-1.radio@brussels-test.scheduler"}
    assert all(sequence == 0 and status == "CONFIRMED" for sequence, status, _ in interpreter.values())


def _khal(tmp_path: Path, name: str, files: list[Path]) -> list[str]:
    return khal_lines(tmp_path / name, files, "Europe/Brussels", "2019-03-12", "2019-03-13",
                      fmt="{start}|{end}|{title}|{status}")


def test_khal_drops_the_cancelled_and_moves_the_moved_in_a_members_calendar(folders, tmp_path):
    """Importing Boris's first calendar then the re-plan's into khal: the studio interview
    and his Tuesday trips to and from the studio are replaced by their cancellations (khal
    keeps a cancelled event, marked CANCELLED, in place of the old one); the new leg back is
    there."""
    v1, v2 = folders
    before = _khal(tmp_path, "before", [v1 / "guests" / "boris.ics"])
    after = _khal(tmp_path, "after", [v1 / "guests" / "boris.ics", v2 / "guests" / "boris.ics"])
    assert any("Studio interview" in line for line in before)
    live = [line for line in after if "CANCELLED" not in line and "Cancelled" not in line]
    assert not any("Studio" in line for line in live if line.startswith("2019-03-12")), after
    assert any("Travel: Berlaymont → Hotel Métropole" in line and "11:05" in line for line in live)
    assert len(after) == len(before) + 1  # each event replaced by UID, one leg added


def test_khal_drops_the_cancelled_and_moves_the_moved_in_a_resources_calendar(folders, tmp_path):
    """Importing the car's first calendar then the re-plan's into khal: the TV interview is
    no longer live and the MEP meeting is at 16:00 only."""
    v1, v2 = folders
    after = _khal(tmp_path, "car", [v1 / "resources" / "car-1.ics", v2 / "resources" / "car-1.ics"])
    live = [line for line in after if "CANCELLED" not in line and "Cancelled" not in line]
    assert len(after) == 2, after
    assert [line.split("|")[:3] for line in live] == [["2019-03-13 16:00", "2019-03-13 17:00",
                                                       "Anna, Chen: Meeting with an MEP"]]


def test_exporting_the_replanned_plan_again_gives_the_same_calendars(versions, folders, tmp_path):
    """``scheduler export`` of the re-planned plan, read back from its file, writes the
    members' and resources' calendars the re-plan wrote."""
    _, result = versions
    _, v2 = folders
    write_all(_reread((result.plan)), tmp_path, CALENDARS)
    for name in ("guests/anna.ics", "guests/boris.ics", "guests/chen.ics",
                 "resources/car-1.ics", "resources/interp-1.ics", "agenda.ics"):
        assert events(tmp_path / name) == events(v2 / name), name


def test_a_plan_replanned_before_records_kept_the_traveller_still_exports(versions, tmp_path):
    """A history written before its cancelled legs named the traveller, and without the
    resources' cancellations: the member's calendar still cancels their legs (the UID names
    the traveller), and the car's calendar is written with what it serves."""
    _, result = versions
    history = []
    for entry in result.plan.history:
        entry = {key: value for key, value in entry.items() if key != "cancelled_resource_events"}
        if "cancelled_legs" in entry:
            entry["cancelled_legs"] = [{k: v for k, v in leg.items() if k != "guest"}
                                       for leg in entry["cancelled_legs"]]
        history.append(entry)
    old = _reread((replace(result.plan, history=tuple(history))))
    write_all(old, tmp_path, CALENDARS)
    boris = events(tmp_path / "guests" / "boris.ics")
    assert sum(status == "CANCELLED" and "Travel" in summary
               for _, status, summary in boris.values()) == 2
    assert set(events(tmp_path / "resources" / "car-1.ics")) == {"car-1.mep@brussels-test.scheduler"}


def test_an_engagement_given_to_another_resource_is_cancelled_in_the_first(versions):
    """The radio interview handed from the interpreter to the car: the interpreter's calendar
    cancels it, the car's gains it under its own UID."""
    first, _ = versions
    from scheduler.export.calendar_history import calendar_history
    from scheduler.export.resource_calendars import resource_calendar

    engagements = tuple(replace(e, resources=("car-1",)) if e.request_id == "radio" else e
                        for e in first.engagements)
    result = new_version(first, replace(first, engagements=engagements), now=at(TUESDAY, 7))
    history = calendar_history(result.plan)
    interpreter = result.plan.problem.resource("interp-1")
    calendar = resource_calendar(result.plan, interpreter, sequences=history.sequences,
                                 cancelled=history.resource_events)
    radio = {str(e["UID"]): e for e in calendar.walk("VEVENT")}["interp-1.radio@brussels-test.scheduler"]
    assert (str(radio["STATUS"]), int(radio["SEQUENCE"])) == ("CANCELLED", 1)
    assert isinstance(result.plan.engagement("radio"), Engagement)


def test_an_engagement_given_to_another_member_is_cancelled_in_the_first(versions, tmp_path):
    """The radio interview ("any one of" Anna and Boris) handed from Anna to Boris: Anna's
    calendar cancels it under its UID, Boris's gains it, both at SEQUENCE 1; exporting the
    plan again, read back from its file, says the same; khal, importing Anna's first
    calendar then the new one, no longer has it live."""
    first, _ = versions
    engagements = tuple(replace(e, guests=("boris",)) if e.request_id == "radio" else e
                        for e in first.engagements)
    result = new_version(first, replace(first, engagements=engagements), now=at(TUESDAY, 7))
    v1, v2, exported = tmp_path / "v1", tmp_path / "v2", tmp_path / "exported"
    write_all(first, v1, CALENDARS)
    write_replan_outputs(result, v2, pdf=False)
    write_all(_reread(result.plan), exported, CALENDARS)
    uid = "radio@brussels-test.scheduler"
    for folder in (v2, exported):
        assert events(folder / "guests" / "anna.ics")[uid] == (1, "CANCELLED",
                                                              "Cancelled: Phone interview, Radio Brux")
        assert events(folder / "guests" / "boris.ics")[uid][:2] == (1, "CONFIRMED")
        assert uid not in events(folder / "guests" / "chen.ics")
    after = _khal(tmp_path, "anna", [v1 / "guests" / "anna.ics", v2 / "guests" / "anna.ics"])
    radio = [line for line in after if "Phone interview" in line]
    assert len(radio) == 1 and radio[0].endswith("CANCELLED "), after


def test_the_new_history_records_pass_the_plan_files_checks(versions, tmp_path):
    """The plan file of the re-planned plan, with its new history records, is read back
    through the checker like any other."""
    from scheduler.planfile import read_plan, write_plan

    _, result = versions
    entry = read_plan(write_plan(result.plan, tmp_path / "plan.json")).history[-1]
    assert [r["uid"] for r in entry["cancelled_resource_events"]] == ["car-1.tv@brussels-test.scheduler"]
    assert {leg["guest"] for leg in entry["cancelled_legs"]} == {"boris"}


def test_an_export_reads_the_history_once_and_writes_what_each_writer_writes_alone(
        versions, tmp_path, monkeypatch):
    """Exporting a re-planned plan reads its history's cancellations once for all the calendar
    writers (the guest's and the team's calendars, the invitations, the members' and the
    resources' calendars), and every file is the same as each writer makes on its own."""
    import scheduler.replan.history as history_module
    from scheduler.export import write_format

    _, result = versions
    plan = _reread(result.plan)
    outputs = (*CALENDARS, ("ics", "team"), ("invites", "team"))
    for fmt, audience in outputs:
        write_format(plan, tmp_path / "alone", fmt, audience=audience)
    reads = []
    real = history_module.cancellations

    def counted(plan):
        reads.append(plan)
        return real(plan)

    monkeypatch.setattr(history_module, "cancellations", counted)
    write_all(plan, tmp_path / "together", outputs)
    assert len(reads) == 1
    alone = sorted(p.relative_to(tmp_path / "alone") for p in (tmp_path / "alone").rglob("*") if p.is_file())
    together = sorted(p.relative_to(tmp_path / "together") for p in (tmp_path / "together").rglob("*")
                      if p.is_file())
    assert alone == together and any(p.parts[0] == "invites" for p in alone)
    for path in alone:
        assert (tmp_path / "together" / path).read_bytes() == (tmp_path / "alone" / path).read_bytes(), path
