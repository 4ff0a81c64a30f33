"""After a re-plan every file in the folder follows the new version, and exporting it again
keeps what the phones were sent (each event's SEQUENCE, the cancellations)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import DAY, day, next_day, problem, request, t, window
from delegation_cases import delegation
from icalendar import Calendar
from openpyxl import load_workbook

from scheduler.export import write_all
from scheduler.export.updates import write_replan_outputs
from scheduler.replan import Changes, replan
from scheduler.solve import SolveParams, solve

FAST = SolveParams(time_limit=2.0, seed=0, workers=2)
WED = next_day(DAY)


def events(path: Path) -> dict[str, tuple[int, str]]:
    """UID → (SEQUENCE, STATUS) of every event of a calendar file."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]): (int(event.get("SEQUENCE", 0)), str(event["STATUS"]))
            for event in calendar.walk("VEVENT")}


def req(rid, guests, start, end, place="A", on=DAY):
    """A one-hour request of a delegation at ``place`` between ``start`` and ``end`` on ``on``."""
    return request(rid, [window(start, end, on)], duration=60, place=place,
                   guests=tuple(guests.replace("|", ";").split(";")), guests_any="|" in guests)


@pytest.fixture(scope="module")
def one_guest():
    """A tour of one guest, re-planned once: ``b`` cancelled before it began."""
    plan = solve(problem([request("a", [window("10:00", "12:00")]),
                          request("b", [window("14:00", "16:00")], place="B")]), FAST).plan
    assert {e.request_id for e in plan.engagements} == {"a", "b"}
    return replan(plan, Changes(cancel=("b",)), now=t("09:00"), params=FAST)


@pytest.fixture(scope="module")
def members():
    """Anna and Boris over two days, re-planned once: their joint Wednesday meeting cancelled."""
    prob = delegation([req("anna-tue", "anna", "10:00", "11:00", "A"),
                       req("boris-tue", "boris", "10:00", "11:00", "B"),
                       req("joint-wed", "anna;boris", "16:00", "17:00", "C", on=WED)],
                      days=[day(meal=("12:00", "15:00", 45)), day(WED, meal=("13:00", "16:00", 45))])
    plan = solve(prob, FAST).plan
    assert plan.engagement("joint-wed") is not None
    return replan(plan, Changes(cancel=("joint-wed",)), now=t("09:00"), params=FAST)


def test_a_replan_writes_the_workbook_again(one_guest, tmp_path):
    """agenda.xlsx is written again like agenda.csv: the cancelled engagement is gone."""
    write_replan_outputs(one_guest, tmp_path, pdf=False)
    cells = [cell for row in load_workbook(tmp_path / "agenda.xlsx")["agenda"].iter_rows(values_only=True)
             for cell in row]
    assert "a" in cells and "b" not in cells


def test_exporting_a_replanned_plan_keeps_what_the_phones_were_sent(one_guest, tmp_path):
    """``scheduler export`` of a re-planned plan: the calendars carry each event's SEQUENCE
    and the cancelled engagement as the re-plan wrote them, and the counterpart's invitation
    is the cancellation, not a first invitation at SEQUENCE 0 (which phones ignore)."""
    replanned, exported = tmp_path / "replanned", tmp_path / "exported"
    write_replan_outputs(one_guest, replanned, pdf=False)
    write_all(one_guest.plan, exported, (("ics", "guest"), ("ics", "team"), ("invites", "team")))
    for name in ("agenda.ics", "agenda-team.ics"):
        assert events(exported / name) == events(replanned / name), name
    assert events(exported / "agenda.ics")["b@test.scheduler"] == (1, "CANCELLED")
    assert events(exported / "invites" / "b.ics") == events(replanned / "invites" / "b.ics") \
        == {"b@test.scheduler": (1, "CANCELLED")}


def test_a_replan_writes_each_members_files_again(members, tmp_path):
    """Each member's calendar follows the re-plan as the delegation's does: the cancelled
    joint meeting is CANCELLED with SEQUENCE 1 in both members' calendars, and the overview
    and the run sheets no longer show it."""
    write_replan_outputs(members, tmp_path, pdf=False)
    uid = "joint-wed@test.scheduler"
    for guest in ("anna", "boris"):
        assert events(tmp_path / "guests" / f"{guest}.ics")[uid] == (1, "CANCELLED"), guest
    assert "joint-wed" not in (tmp_path / "guests" / "anna.html").read_text(encoding="utf-8")
    assert (tmp_path / "delegation.html").is_file()


def test_a_second_replan_of_a_delegation_after_a_cancellation(members, tmp_path):
    """The cancelled request is gone from the problem; a second re-plan still titles its
    cancelled event (it used to fail: a delegation's request must say who goes)."""
    second = replan(members.plan, Changes(delay_minutes=10), now=t("09:30"), params=FAST)
    write_replan_outputs(second, tmp_path, pdf=False)
    assert events(tmp_path / "agenda.ics")["joint-wed@test.scheduler"] == (1, "CANCELLED")


def test_exporting_a_replanned_delegation_gives_each_member_what_the_replan_gave(members, tmp_path):
    """``scheduler export --format guests`` after a re-plan: the same events, SEQUENCEs and
    cancellations in each member's calendar as the re-plan wrote."""
    replanned, exported = tmp_path / "replanned", tmp_path / "exported"
    write_replan_outputs(members, replanned, pdf=False)
    write_all(members.plan, exported, (("guests", "guest"),))
    for guest in ("anna", "boris"):
        path = Path("guests") / f"{guest}.ics"
        assert events(exported / path) == events(replanned / path), guest
