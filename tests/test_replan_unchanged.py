"""A re-plan with nothing changed keeps the agenda of what is left exactly as it was."""

from __future__ import annotations

from dataclasses import replace

from builders import day, problem, request, t, window
from conftest import FAST, solve_checked
from scheduler.checker import assert_valid
from scheduler.domain import utc
from scheduler.planfile import plan_to_dict
from scheduler.replan import Changes, replan


def _plan_with_room_to_improve():
    """`a` sits at 10:00–11:00 and keeps `b` out; with its window as it now reads (from
    09:00), moving `a` an hour earlier would let `b` in: a better agenda, but a changed one."""
    narrow = problem([
        request("a", [window("10:00", "11:00")], 60, value=10, place="A", title="Meeting A"),
        request("b", [window("10:00", "11:30")], 60, value=8, place="A", title="Meeting B"),
    ], days=[day(start="08:00", end="13:00")])
    plan = solve_checked(narrow).plan
    assert [e.request_id for e in plan.engagements] == ["a"]
    wide_a = replace(narrow.request("a"), windows=(window("09:00", "11:00"),))
    wider = replace(narrow, requests=(wide_a, narrow.request("b")))
    return replace(plan, problem=wider)


def test_nothing_changed_nothing_moves():
    """With no change, every engagement still to come stays where it was."""
    plan = _plan_with_room_to_improve()
    result = replan(plan, Changes(), now=t("08:30"), params=FAST)
    assert result.diff.is_empty, result.diff.summary()
    assert [(e.request_id, utc(e.start)) for e in result.plan.engagements] == \
        [(e.request_id, utc(e.start)) for e in plan.engagements]
    assert_valid(plan_to_dict(result.plan))


def test_a_change_may_still_move_things():
    """With a change (here a withdrawn request elsewhere), the engine is free to improve."""
    plan = _plan_with_room_to_improve()
    extra = request("c", [window("12:00", "12:30")], 20, value=1, place="A", title="Extra")
    plan = replace(plan, problem=replace(plan.problem, requests=plan.problem.requests + (extra,)))
    result = replan(plan, Changes(cancel=("c",)), now=t("08:30"), params=FAST)
    assert {e.request_id for e in result.plan.engagements} == {"a", "b"}
