"""When the heuristic's agenda leaves a mandatory request out, CP-SAT first seeks any agenda."""

from __future__ import annotations

import pytest
from builders import request, window
from delegation_cases import assert_delegation_valid, delegation

import scheduler.solve as solve_module
from scheduler.checker import check_plan
from scheduler.model.heuristic.joint import JointMeetings
from scheduler.planfile import plan_to_dict
from scheduler.solve import SolveParams, solve

PARAMS = SolveParams(time_limit=3.0, seed=0, workers=1)


@pytest.fixture
def heuristic_without_joint_meetings(monkeypatch):
    """A heuristic that cannot place joint meetings: its agenda is incomplete."""
    monkeypatch.setattr(JointMeetings, "insert_joint_units", lambda self, noise=0.0, blink=0.0: None)
    calls = []
    original = solve_module.first_agenda

    def spy(planner, solver):
        calls.append(solver)
        return original(planner, solver)
    monkeypatch.setattr(solve_module, "first_agenda", spy)
    return calls


def _mandatory_joint():
    return delegation([request("joint", [window("10:00", "16:00")], place="C", value=1,
                               mandatory=True, guests=("anna", "boris")),
                       request("a", [window("10:00", "12:00")], place="A", value=30,
                               guests=("anna",)),
                       request("b", [window("13:00", "15:00")], place="B", value=20,
                               guests=("boris",))], buffer=10)


def test_an_incomplete_hint_gets_a_first_agenda_then_the_usual_solve(heuristic_without_joint_meetings):
    result = solve(_mandatory_joint(), PARAMS)
    assert len(heuristic_without_joint_meetings) == 1
    assert result.plan.engagement("joint") is not None
    assert result.value_served == 51
    assert_delegation_valid(result.plan)
    assert check_plan(plan_to_dict(result.plan)) == []


def test_the_first_agenda_is_kept_when_the_usual_solve_ends_without_one(
        heuristic_without_joint_meetings, monkeypatch):
    """The clock ends the usual solve at once: the feasibility phase's agenda is the plan."""
    original = solve_module.solver_parameters

    def no_time_for_the_second(params, wall_seconds=None, large=False):
        solver = original(params, wall_seconds, large)
        if heuristic_without_joint_meetings:  # the feasibility phase has run
            solver.parameters.max_time_in_seconds = 1e-6
        return solver
    monkeypatch.setattr(solve_module, "solver_parameters", no_time_for_the_second)
    result = solve(_mandatory_joint(), PARAMS)
    assert result.status == "feasible" and result.bound is None
    assert result.plan.engagement("joint") is not None
    assert_delegation_valid(result.plan)
    assert check_plan(plan_to_dict(result.plan)) == []
