"""The time limit as a promise: every stage stops on the clock, and the plan says what stopped it.

No test here measures time: the clock is a fake one, or a deadline already passed.
"""

from __future__ import annotations

import time

import pytest

from builders import DAY, day, next_day, problem, request, window
from conftest import solve_checked
from scheduler.checker import assert_valid
from scheduler.domain import SolverReport
from scheduler.domain import DomainError
from scheduler.model.cpmodel import ModelOutOfTime, PlannerModel
from scheduler.model.heuristic import solve_heuristic
from scheduler.model.heuristic.clock import Deadline
from scheduler.model.instance import build_instance
from scheduler.planfile import plan_to_dict
from scheduler.planfile_read import plan_from_dict
from scheduler.report import summary_text
import scheduler.solve as solve_module
from scheduler.solve import SolveParams, promised_seconds


def _tour():
    d2 = next_day(DAY)
    reqs = [request(f"r{i}", [window("09:00", "17:00"), window("09:30", "16:00", d2)],
                    place="ABCD"[i % 4], value=7 + (5 * i) % 13, duration=30 + 15 * (i % 3))
            for i in range(14)]
    travel = {("A", "B"): 20, ("B", "C"): 25, ("A", "C"): 35, ("C", "D"): 15, ("A", "D"): 40,
              ("B", "D"): 30}
    return problem(reqs, days=[day(), day(d2)], travel=travel, places=("H", "A", "B", "C", "D"),
                   cap=6)


class FakeClock:
    """A clock that stands still until ``jump_after`` readings, then leaps an hour ahead."""

    def __init__(self, jump_after: int) -> None:
        self.readings = 0
        self.jump_after = jump_after

    def __call__(self) -> float:
        self.readings += 1
        return 1000.0 + (3600.0 if self.readings > self.jump_after else 0.0)


def test_a_deadline_stays_passed_once_reached():
    clock = FakeClock(jump_after=2)
    deadline = Deadline(1500.0, clock)
    assert not deadline.passed() and not deadline.passed()
    assert deadline.passed() and deadline.hit
    assert deadline.remaining() == 0.0
    assert Deadline().remaining() is None and not Deadline().passed()


def test_the_promise_is_the_limit_plus_half_a_second_or_five_percent():
    assert promised_seconds(2) == 2.5
    assert promised_seconds(10) == 10.5
    assert promised_seconds(60) == pytest.approx(63.0)


def test_a_passed_deadline_stops_the_heuristic_with_a_valid_agenda():
    instance = build_instance(_tour())
    result = solve_heuristic(instance, seed=1, work=10**12, deadline=Deadline(time.monotonic() - 1))
    assert result is not None and result.stopped_by_clock
    assert result.iterations == 0
    unbounded = solve_heuristic(instance, seed=1, work=200_000)
    assert not unbounded.stopped_by_clock


def test_worker_processes_stop_on_the_same_deadline():
    """Two searches side by side with a budget that would run for hours end at once."""
    instance = build_instance(_tour())
    result = solve_heuristic(instance, seed=1, work=10**12, islands=2,
                             deadline=Deadline(time.monotonic() - 1))
    assert result is not None and result.stopped_by_clock


def test_building_the_model_stops_on_the_clock():
    instance = build_instance(_tour())
    with pytest.raises(ModelOutOfTime):
        PlannerModel(instance, out_of_time=lambda: True)


@pytest.mark.parametrize("jump_after", [1, 3, 10])
def test_a_solve_the_clock_stops_says_so_and_keeps_every_rule(monkeypatch, jump_after):
    """Whatever stage the clock stops (the heuristic, the model, CP-SAT), the plan is valid
    and its solver report says "clock"."""
    clock = FakeClock(jump_after)

    class FakeSolveClock(solve_module.SolveClock):
        def __init__(self, time_limit: float) -> None:
            super().__init__(time_limit, clock)

    monkeypatch.setattr(solve_module, "SolveClock", FakeSolveClock)
    result = solve_checked(_tour(), SolveParams(time_limit=5, seed=0, workers=1))
    assert result.stopped_by_clock
    assert result.plan.solver.stopped_by == "clock"
    data = plan_to_dict(result.plan)
    assert data["solver"]["stopped_by"] == "clock"
    assert_valid(data)
    assert plan_from_dict(data).solver.stopped_by == "clock"
    assert "stopped by the clock" in summary_text(result.plan)


def test_a_solve_the_budget_ends_says_budget():
    result = solve_checked(_tour(), SolveParams(time_limit=5, seed=0, workers=1))
    if result.status == "optimal":  # a proof ends the run before any clock could
        assert result.plan.solver.stopped_by == "budget"
        assert "stopped by its work budget" in summary_text(result.plan)


def test_plans_written_before_stopped_by_existed_read_as_budget():
    result = solve_checked(_tour(), SolveParams(time_limit=5, seed=0, workers=1))
    data = plan_to_dict(result.plan)
    del data["solver"]["stopped_by"]
    assert plan_from_dict(data).solver.stopped_by == "budget"


def test_stopped_by_is_budget_or_clock():
    with pytest.raises(DomainError):
        SolverReport("feasible", 1.0, None, None, 1.0, 0, 1.0, 1, stopped_by="tired")
