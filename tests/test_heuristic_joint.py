"""The heuristic serves joint meetings as one unit: every guest on one date at one minute."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import assert_hint_valid, day, request, window
from delegation_cases import assert_delegation_valid, delegation

from scheduler.checker import check_plan
from scheduler.io import load_tour
from scheduler.model.cpmodel import PlannerModel
from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic
from scheduler.model.heuristic.construction import construct
from scheduler.model.instance import build_instance
from scheduler.planfile import plan_to_dict
from scheduler.solve import SolveParams, _result, heuristic_solution

BRUSSELS = Path(__file__).resolve().parents[1] / "examples" / "brussels-delegation-2019"
WORK = int(0.4 * WORK_PER_SECOND)


@pytest.fixture(scope="module")
def brussels():
    return load_tour(BRUSSELS)


def joint_placements(instance, result) -> dict[str, list[tuple[int, int]]]:
    """Request id -> (model day, start) of each member served, for the joint requests."""
    joint = {r.id for r in instance.requests if r.is_shadow}
    out: dict[str, list[tuple[int, int]]] = {}
    for plan in result.days:
        for index, start in plan.starts.items():
            if instance.requests[index].id in joint:
                out.setdefault(instance.requests[index].id, []).append((plan.day, start))
    return out


def assert_units_whole(instance, result) -> None:
    """Each joint request served is served by all its members, each on its own guest's day of
    one date, at one start minute."""
    for request_id, placed in joint_placements(instance, result).items():
        primary = instance.primaries()[request_id]
        members = [primary] + instance.shadows_of(primary.index)
        assert len(placed) == len(members), request_id
        assert len({start for _, start in placed}) == 1, request_id
        assert len({instance.days[d].date_index for d, _ in placed}) == 1, request_id
        guests = sorted(instance.days[d].guest for d, _ in placed)
        assert guests == sorted({instance.days[d].guest for m in members for d in m.starts})


def heuristic_plan(prob, instance, result):
    placements, meals = heuristic_solution(instance, result)
    return _result(prob, instance, SolveParams(), None, placements, meals, "feasible",
                   float(result.objective), None, 0.0, prob.total_value).plan


# ------------------------------------------------------------------ the Brussels delegation

def test_the_mandatory_joint_meetings_are_in_the_heuristics_agenda(brussels):
    instance = build_instance(brussels)
    result = solve_heuristic(instance, seed=0, work=WORK)
    assert result.complete
    placed = joint_placements(instance, result)
    assert {"commissioner", "droi-hearing"} <= set(placed)
    assert_units_whole(instance, result)


@pytest.mark.parametrize("seed", [0, 5])
def test_the_heuristics_agenda_is_a_valid_hint_and_passes_the_checker(brussels, seed):
    instance = build_instance(brussels)
    result = solve_heuristic(instance, seed=seed, work=WORK)
    assert_hint_valid(PlannerModel(instance), result)
    plan = heuristic_plan(brussels, instance, result)
    assert check_plan(plan_to_dict(plan)) == []
    joint = [e for e in plan.engagements if brussels.request(e.request_id).joint]
    assert joint and all(e.guests == brussels.request(e.request_id).guests or
                         set(e.guests) == set(brussels.request(e.request_id).guests) for e in joint)


@pytest.mark.parametrize("islands", [1, 2])
def test_the_same_seed_gives_the_same_agenda(brussels, islands):
    instance = build_instance(brussels)
    first = solve_heuristic(instance, seed=11, work=WORK, islands=islands)
    second = solve_heuristic(instance, seed=11, work=WORK, islands=islands)
    assert [(p.day, p.starts, p.meal) for p in first.days] == \
        [(p.day, p.starts, p.meal) for p in second.days]
    assert first.objective == second.objective


# ------------------------------------------------------------------ small delegations

def _tight_joint(mandatory=True):
    """Anna at A 10:00-11:00, Boris at B 11:30-12:30, both at C together for an hour: with
    10 minutes of buffer and 20 of travel the joint meeting fits from 13:00 (or by 09:30)."""
    return delegation([request("joint", [window("09:00", "15:00")], place="C", value=1,
                               mandatory=mandatory, guests=("anna", "boris")),
                       request("a", [window("10:00", "11:00")], place="A", value=30,
                               guests=("anna",)),
                       request("b", [window("11:30", "12:30")], place="B", value=30,
                               guests=("boris",)),
                       request("c", [window("09:30", "10:30")], place="A", value=30,
                               guests=("boris",))],
                      buffer=10, days=[day(meal=("12:00", "15:00", 45))])


def test_a_mandatory_joint_meeting_goes_where_every_guest_is_free():
    prob = _tight_joint()
    instance = build_instance(prob)
    result = solve_heuristic(instance, seed=0, work=WORK)
    assert result.complete and result.value == 91
    assert_units_whole(instance, result)
    (start,) = {start for _, start in joint_placements(instance, result)["joint"]}
    assert start >= instance.grid.minutes(prob.requests[2].windows[0].end) + 30
    assert_hint_valid(PlannerModel(instance), result)
    plan = heuristic_plan(prob, instance, result)
    assert_delegation_valid(plan)
    assert check_plan(plan_to_dict(plan)) == []


def test_removing_one_member_removes_the_unit_and_a_snapshot_brings_it_back():
    prob = _tight_joint(mandatory=False)
    instance = build_instance(prob)
    search = construct(instance, {}, {}, None, None, seed=0)
    primary = instance.primaries()["joint"].index
    (shadow,) = [r.index for r in instance.shadows_of(primary)]
    assert search.day_of[primary] >= 0 and search.day_of[shadow] >= 0
    snapshot = search.snapshot()
    start = search.joint_start[primary]
    assert search.remove(shadow)
    assert search.day_of[primary] == search.day_of[shadow] == -1
    assert primary not in search.joint_start
    assert all(search.start_ranges[d][r] is None for r in (primary, shadow)
               for d in range(search.day_count))
    search.restore(snapshot)
    assert search.joint_start[primary] == start
    assert search.day_of[primary] >= 0 and search.day_of[shadow] >= 0
    assert search.removable().count(primary) == 1 and shadow not in search.removable()


def test_a_pinned_joint_meeting_stays_at_its_minute_for_every_guest():
    prob = _tight_joint(mandatory=False)
    instance = build_instance(prob)
    minute = instance.grid.minutes(prob.requests[0].windows[0].start) + 5 * 60  # 14:00
    result = solve_heuristic(instance, seed=0, work=WORK, pinned={"joint": (0, minute)})
    assert result.complete
    assert {start for _, start in joint_placements(instance, result)["joint"]} == {minute}
    assert_units_whole(instance, result)
    assert_hint_valid(PlannerModel(instance), result)


def test_a_hinted_joint_meeting_is_tried_at_its_minute_first():
    prob = _tight_joint(mandatory=False)
    instance = build_instance(prob)
    minute = instance.grid.minutes(prob.requests[0].windows[0].start) + 5 * 60  # 14:00, not the earliest
    result = solve_heuristic(instance, seed=0, work=0, initial={"joint": (0, minute)})
    assert {start for _, start in joint_placements(instance, result)["joint"]} == {minute}


def test_a_delegations_checks_are_charged_as_work(brussels):
    # The checks across the guests count in the search's budget like every other step: a
    # day's rules, each resource choice the shared resources' check makes, and the requests
    # an insertion would break a rule with (budget.py, "A delegation's checks").
    from scheduler.model.heuristic.budget import DELEGATION_EXCLUDED_WORK, \
        DELEGATION_RULES_WORK, RESOURCE_USE_WORK

    instance = build_instance(brussels)
    search = construct(instance, {}, {}, None, None, seed=0)
    assert search.delegation and search.need_requests
    choices = []
    real = search.resources_used

    def counted(d, r, start):
        before = search.work
        used = real(d, r, start)
        choices.append(search.work - before)
        return used

    search.resources_used = counted
    busy = [d for d in range(search.day_count) if search.items[d]]
    assert busy
    checked = 0
    for d in busy:
        starts = {r: search.placed_start[r] for r in search.items[d] if r >= 0}
        before = search.work
        assert search.delegation_keeps_rules(d, starts)
        assert search.work - before == DELEGATION_RULES_WORK + RESOURCE_USE_WORK * len(choices[checked:])
        checked = len(choices)
        before = search.work
        search.delegation_excluded_on(d)
        assert search.work - before == DELEGATION_EXCLUDED_WORK
    assert choices and set(choices) == {RESOURCE_USE_WORK}
