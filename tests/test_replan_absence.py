"""Re-planning per guest: a member of a delegation falls ill or is called away for a time."""

from __future__ import annotations

import pytest
from builders import DAY, day, next_day, request, t, window
from click.testing import CliRunner
from delegation_cases import assert_delegation_valid, delegation

from scheduler.errors import InputError
from scheduler.export.changes_md import changes_markdown
from scheduler.io.changes import read_changes
from scheduler.replan import Changes, replan
from scheduler.replan.absence import Absence
from scheduler.solve import SolveParams, solve

FAST = SolveParams(time_limit=2.0, seed=0, workers=2)
WED = next_day(DAY)


def req(rid, guests, start, end, place="A", on=DAY, **kw):
    """A one-hour request at ``place`` between ``start`` and ``end`` on ``on``."""
    return request(rid, [window(start, end, on)], duration=60, place=place,
                   guests=tuple(guests.replace("|", ";").split(";")), guests_any="|" in guests, **kw)


@pytest.fixture(scope="module")
def plan():
    """Anna and Boris over two days: their own meetings, a joint one on each day, and one
    that either of them can take (Anna has it)."""
    prob = delegation([req("anna-tue", "anna", "10:00", "11:00", "A"),
                       req("boris-tue", "boris", "10:00", "11:00", "B"),
                       req("joint-tue", "anna;boris", "15:00", "16:00", "C"),
                       req("anna-wed", "anna", "10:00", "11:00", "A", on=WED),
                       req("either-wed", "anna|boris", "12:00", "13:00", "B", on=WED),
                       req("joint-wed", "anna;boris", "16:00", "17:00", "C", on=WED)],
                      days=[day(meal=("12:00", "15:00", 45)), day(WED, meal=("13:00", "16:00", 45))])
    result = solve(prob, FAST)
    assert {e.request_id: e.guests for e in result.plan.engagements} == {
        "anna-tue": ("anna",), "boris-tue": ("boris",), "joint-tue": ("anna", "boris"),
        "anna-wed": ("anna",), "either-wed": ("anna",), "joint-wed": ("anna", "boris")}
    return result.plan


def attending(result) -> dict[str, tuple[str, ...]]:
    return {e.request_id: e.guests for e in result.plan.engagements}


def test_anna_ill_her_engagements_drop_and_joint_meetings_continue_with_boris(plan):
    """The issue's case: Anna falls ill at 10:30 during her first meeting. It stays (under
    way); her engagements not begun drop, naming her absence; the joint meetings go on with
    Boris at the same times, and the one either can take goes to Boris."""
    result = replan(plan, Changes(absent=(Absence("anna"),)), now=t("10:30"), params=FAST)
    assert_delegation_valid(result.plan)
    assert attending(result) == {"anna-tue": ("anna",), "boris-tue": ("boris",),
                                 "joint-tue": ("boris",), "either-wed": ("boris",),
                                 "joint-wed": ("boris",)}
    for rid in ("joint-tue", "either-wed", "joint-wed"):
        assert result.plan.engagement(rid).start == plan.engagement(rid).start
    assert result.plan.problem.request("joint-tue").guests == ("boris",)
    assert result.plan.problem.request("either-wed").guests == ("anna", "boris")  # the request stays
    [dropped] = result.diff.dropped
    assert dropped.request_id == "anna-wed"
    assert "Anna Kowalska is absent from Tue 27 Nov 10:30 to the end of the tour" in dropped.reason
    # Who attends changed: those invitations go out again (they name who now attends).
    assert {e.request_id for e in result.diff.updated} == {"joint-tue", "either-wed", "joint-wed"}
    # Anna goes back to where her day ends and has no meal or engagement planned any more.
    assert not [b for b in result.plan.breaks_of("anna") if b.day == WED]
    assert [leg.destination for leg in result.plan.travel_of("anna") if leg.day == DAY] == ["A", "H"]
    text = changes_markdown(result)
    assert "Changes: Anna Kowalska absent." in text
    assert "- Anna Kowalska is absent from Tue 27 Nov 10:30 to the end of the tour; joint " \
           "meetings continue with the others." in text
    assert "- Request joint-tue [joint-tue] (joint meeting, Tue 27 Nov 15:00–16:00): continues " \
           "with Boris Ivanov." in text
    assert "(one of Anna Kowalska and Boris Ivanov, Wed 28 Nov 12:00–13:00): Boris Ivanov goes " \
           "instead." in text
    entry = result.plan.history[-1]["changes"]["absent"]
    assert entry == [{"guest": "anna", "from": None, "until": None, "joint": "continue"}]


def test_joint_drop_takes_the_joint_meetings_out_with_anna(plan):
    result = replan(plan, Changes(absent=(Absence("anna", joint="drop"),)), now=t("09:00"),
                    params=FAST)
    assert_delegation_valid(result.plan)
    assert attending(result) == {"boris-tue": ("boris",), "either-wed": ("boris",)}
    reasons = {d.request_id: d.reason for d in result.diff.dropped}
    assert set(reasons) == {"anna-tue", "joint-tue", "anna-wed", "joint-wed"}
    assert all(reason.startswith("Anna Kowalska is absent from Tue 27 Nov 09:00") for reason in reasons.values())
    assert result.plan.problem.request("joint-tue").guests == ("anna", "boris")
    assert "joint meetings drop" in changes_markdown(result)


def test_a_cancelled_joint_meeting_still_drops(plan):
    result = replan(plan, Changes(cancel=("joint-wed",), absent=(Absence("anna"),)), now=t("09:00"),
                    params=FAST)
    assert "joint-wed" not in attending(result)
    assert attending(result)["joint-tue"] == ("boris",)
    assert [d.cancelled for d in result.diff.dropped if d.request_id == "joint-wed"] == [True]


def test_an_absence_with_an_until_gives_anna_her_wednesday_back(plan):
    """Anna is away from 09:00 on Tuesday until Wednesday 09:00: Tuesday's meetings drop or go
    on without her, Wednesday is planned as before."""
    absence = Absence("anna", start=t("09:00"), end=t("09:00", WED))
    result = replan(plan, Changes(absent=(absence,)), now=t("08:00"), params=FAST)
    assert_delegation_valid(result.plan)
    assert attending(result) == {"boris-tue": ("boris",), "joint-tue": ("boris",),
                                 "anna-wed": ("anna",), "either-wed": ("anna",),
                                 "joint-wed": ("anna", "boris")}
    assert [d.request_id for d in result.diff.dropped] == ["anna-tue"]
    assert "until Wed 28 Nov 09:00" in result.diff.dropped[0].reason
    assert result.plan.problem.request("joint-wed").guests == ("anna", "boris")
    assert {b.day for b in result.plan.breaks_of("anna")} == {WED}


def test_an_absence_inside_a_day_keeps_the_hours_around_it():
    """Away 12:00-13:30 on the one day: her 12:40 meeting moves out of the absence (she is
    back at her lodging by 12:00, out again from 13:30), her 14:00 one stays."""
    prob = delegation([request("a", [window("09:00", "18:00")], duration=60, place="A", guests=("anna",)),
                       req("b", "anna", "14:00", "15:00", "B")], guests=("anna", "boris"))
    before = solve(prob, FAST).plan
    assert before.engagement("a").start == t("12:40")
    absence = Absence("anna", start=t("12:00"), end=t("13:30"))
    result = replan(before, Changes(absent=(absence,)), now=t("08:00"), params=FAST)
    assert_delegation_valid(result.plan)
    moved = result.plan.engagement("a")
    assert moved is not None and (moved.end <= t("11:40") or moved.start >= t("15:20"))
    assert result.plan.engagement("b").start == t("14:00")


def test_a_member_of_one_guests_request_absent_leaves_the_others_alone(plan):
    """Boris away: Anna's agenda is untouched."""
    result = replan(plan, Changes(absent=(Absence("boris", joint="drop"),)), now=t("09:00"), params=FAST)
    assert_delegation_valid(result.plan)
    assert attending(result) == {"anna-tue": ("anna",), "anna-wed": ("anna",), "either-wed": ("anna",)}
    assert {e.request_id for e in result.diff.kept} == {"anna-tue", "anna-wed", "either-wed"}


# ------------------------------------------------------------------ reading an absence

CHANGES = """now = "2018-11-27 10:30"

[[absent]]
guest = "ana"
until = "2018-11-27 09:00"

[[absent]]
guest = "boris"
joint = "later"
"""


def test_bad_absences_name_file_line_and_field(plan, tmp_path):
    path = tmp_path / "changes.toml"
    path.write_text(CHANGES, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_changes(plan, changes_file=path)
    found = {(p.file, p.line, p.field): p.message for p in caught.value.problems}
    assert "unknown guest `ana` (did you mean `anna`?)" in found[("changes.toml", 4, "guest")]
    assert "is not after the absence begins" in found[("changes.toml", 4, "until")]
    assert "write \"continue\"" in found[("changes.toml", 8, "joint")]


def test_the_changes_file_reads_an_absence(plan, tmp_path):
    path = tmp_path / "changes.toml"
    path.write_text('[[absent]]\nguest = "anna"\nfrom = 2018-11-27T12:00:00\n'
                    'until = "2018-11-28 09:00"\njoint = "drop"\n', encoding="utf-8")
    changes, _ = read_changes(plan, changes_file=path, absent=["boris"])
    assert changes.absent == (Absence("anna", t("12:00"), t("09:00", WED), "drop", "changes.toml", 2),
                              Absence("boris"))


def test_the_command_refuses_an_unknown_guest_and_writes_nothing(plan, tmp_path, monkeypatch):
    """Until plan.json carries a delegation, the command is given the plan in memory."""
    from scheduler.app import replanning
    from scheduler.cli import main
    monkeypatch.setattr(replanning, "load_plan", lambda path: plan)
    out = tmp_path / "v2"
    result = CliRunner().invoke(main, ["replan", str(tmp_path / "plan.json"), "-o", str(out),
                                       "--now", "2018-11-27 10:30", "--absent", "bors", "--no-pdf"])
    assert result.exit_code == 2, result.output
    assert "--absent" in result.output and "unknown guest `bors` (did you mean `boris`?)" in result.output
    assert not out.exists()


def test_the_command_says_who_is_absent(plan, tmp_path, monkeypatch):
    from scheduler.app import replanning
    from scheduler.cli import main
    monkeypatch.setattr(replanning, "load_plan", lambda path: plan)
    out = tmp_path / "v2"
    result = CliRunner().invoke(main, ["replan", str(tmp_path / "plan.json"), "-o", str(out),
                                       "--now", "2018-11-27 10:30", "--absent", "anna", "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert "## Absent" in result.output and "continues with Boris Ivanov" in result.output
    assert "## Absent" in (out / "changes.md").read_text(encoding="utf-8")


def test_a_one_guest_tour_has_no_absences_and_records_none(demo_plan_file, tmp_path):
    """A tour of one guest: --absent is refused (exit 2, nothing written), and a re-plan
    without it records exactly the keys it always did."""
    from scheduler.cli import main
    out = tmp_path / "v2"
    result = CliRunner().invoke(main, ["replan", str(demo_plan_file), "-o", str(out),
                                       "--now", "2018-11-27 12:00", "--absent", "anna", "--no-pdf"])
    assert result.exit_code == 2 and "this tour has one guest" in result.output
    assert not out.exists()
    assert set(Changes(cancel=("x",)).to_dict(_plan_of(demo_plan_file))) == {
        "cancel", "unavailable", "requests_added", "requests_edited", "requests_file",
        "delay_minutes", "pin"}


@pytest.fixture(scope="module")
def demo_plan_file(tmp_path_factory):
    from scheduler.io import load_tour
    from scheduler.planfile import write_plan
    from scheduler.resources import demo_tour
    result = solve(load_tour(demo_tour()), SolveParams(time_limit=3.0, seed=0, workers=2))
    return write_plan(result.plan, tmp_path_factory.mktemp("demo") / "plan.json")


def _plan_of(path):
    from scheduler.app import load_plan
    return load_plan(path)


def test_a_member_taking_over_an_any_of_stays_within_the_cap_of_a_day_under_way():
    """Chen's Tuesday is under way with one engagement done, the cap is two a day. Anna falls
    ill: the request either can take could move to Chen, but Chen's own, worth more, takes
    the one place left; the re-plan must not give Chen three engagements that day."""
    prob = delegation([req("c1", "chen", "09:30", "11:30", "A", value=5),
                       req("c2", "chen", "14:00", "15:00", "B", value=10),
                       req("either", "anna|chen", "16:00", "17:00", "C", value=5)],
                      guests=("anna", "chen"), cap=2)
    plan = solve(prob, FAST).plan
    assert {e.request_id: e.guests for e in plan.engagements} == {
        "c1": ("chen",), "c2": ("chen",), "either": ("anna",)}
    result = replan(plan, Changes(absent=(Absence("anna"),)), now=t("12:00"), params=FAST)
    assert_delegation_valid(result.plan)
    chen = [e.request_id for e in result.plan.engagements if "chen" in e.guests]
    assert sorted(chen) == ["c1", "c2"]
