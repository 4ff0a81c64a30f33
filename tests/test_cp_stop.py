"""What ended a CP-SAT solve: the wall clock only when the solve ran into it.

With several workers interleaved in batches CP-SAT can end on its deterministic budget with
the time it reports short of the limit; such a solve repeats, and counting it as stopped by
the clock told users an agenda might not repeat when it would.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from ortools.sat.python import cp_model

from scheduler.model.cp_stop import ended_by_clock


def _solver(deterministic_time: float, budget: float, wall: float, wall_time: float = 0.0):
    """A stand-in for a solver after a solve: its limits and the times it reports (its own
    ``wall_time`` leaves the loading out)."""
    return SimpleNamespace(
        parameters=SimpleNamespace(max_deterministic_time=budget, max_time_in_seconds=wall),
        response_proto=SimpleNamespace(deterministic_time=deterministic_time,
                                       wall_time=wall_time))


@pytest.mark.parametrize("status", [cp_model.OPTIMAL, cp_model.INFEASIBLE])
def test_a_proof_is_never_the_clock(status):
    assert not ended_by_clock(_solver(0.1, 5.0, 1.0), status, elapsed=1.5)


def test_a_solve_that_used_its_budget_ended_on_it():
    # The loading (outside CP-SAT's own clock) took the call past the wall-clock limit.
    assert not ended_by_clock(_solver(5.0, 5.0, 3.0, wall_time=2.5), cp_model.FEASIBLE,
                              elapsed=3.2)
    assert not ended_by_clock(_solver(7.3, 5.0, 3.0, wall_time=2.5), cp_model.FEASIBLE,
                              elapsed=3.2)


def test_a_solve_at_its_wall_clock_limit_is_the_clock_whatever_its_budget_says():
    """The case measured: a delegation's model, whose last batch the clock cut short, reported
    2.70 deterministic seconds of a budget of 1.78 at 3.725 s of the 3.712 it was given."""
    assert ended_by_clock(_solver(2.701, 1.78, 3.712, wall_time=3.725), cp_model.FEASIBLE,
                          elapsed=3.725)
    assert ended_by_clock(_solver(1.80, 1.78, 3.712, wall_time=3.56), cp_model.FEASIBLE,
                          elapsed=3.6)
    assert not ended_by_clock(_solver(2.701, 1.78, 3.712, wall_time=3.725), cp_model.OPTIMAL,
                              elapsed=3.725)


def test_a_batch_ending_short_of_the_budget_well_within_the_clock_is_the_budget():
    """The case measured: 2.16 of 2.50 deterministic seconds after 2.0 s of 3.2 allowed."""
    assert not ended_by_clock(_solver(2.158, 2.498, 3.2), cp_model.FEASIBLE, elapsed=2.0)


@pytest.mark.parametrize("status", [cp_model.FEASIBLE, cp_model.UNKNOWN])
def test_a_solve_that_ran_into_its_wall_clock_is_the_clock(status):
    assert ended_by_clock(_solver(1.0, 4.7, 0.83), status, elapsed=0.831)
    # Measured under load: CP-SAT stopped at 0.669 s of the 0.70 it was given.
    assert ended_by_clock(_solver(0.596, 6.42, 0.70), status, elapsed=0.669)


def test_the_limit_nearer_its_end_is_the_one_that_stopped_it():
    assert ended_by_clock(_solver(1.0, 4.0, 2.0), cp_model.FEASIBLE, elapsed=1.2)  # 30 % / 60 %
    assert not ended_by_clock(_solver(3.0, 4.0, 2.0), cp_model.FEASIBLE, elapsed=1.2)  # 75 % / 60 %


def _hard_model() -> cp_model.CpModel:
    """A random job shop of 20 jobs on 15 machines (as Taillard's): no proof of its optimum
    within seconds."""
    model = cp_model.CpModel()
    seed = 12345

    def draw(bound: int) -> int:
        nonlocal seed
        seed = (seed * 1103515245 + 12345) % 2**31
        return seed % bound

    jobs, machines = 20, 15
    horizon = jobs * machines * 99
    ends = []
    by_machine: dict[int, list] = {m: [] for m in range(machines)}
    for job in range(jobs):
        order = list(range(machines))
        for i in range(machines - 1, 0, -1):  # a random order of the machines
            j = draw(i + 1)
            order[i], order[j] = order[j], order[i]
        previous = None
        for step, machine in enumerate(order):
            duration = 1 + draw(99)
            start = model.new_int_var(0, horizon, f"s{job}_{step}")
            end = model.new_int_var(0, horizon, f"e{job}_{step}")
            by_machine[machine].append(model.new_interval_var(start, duration, end, f"i{job}_{step}"))
            if previous is not None:
                model.add(start >= previous)
            previous = end
        ends.append(previous)
    for intervals in by_machine.values():
        model.add_no_overlap(intervals)
    makespan = model.new_int_var(0, horizon, "makespan")
    model.add_max_equality(makespan, ends)
    model.minimize(makespan)
    return model


def _solve(model: cp_model.CpModel, budget: float, wall: float):
    """Solve ``model`` on one worker with these limits: the solver, its status, the seconds."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = budget
    solver.parameters.max_time_in_seconds = wall
    began = time.perf_counter()
    status = solver.solve(model)
    return solver, status, time.perf_counter() - began


def test_a_real_solve_stopped_by_its_wall_clock_says_clock_and_by_its_budget_says_budget():
    model = _hard_model()
    solver, status, elapsed = _solve(model, budget=1000.0, wall=0.3)
    assert status == cp_model.FEASIBLE
    assert ended_by_clock(solver, status, elapsed)

    solver, status, elapsed = _solve(model, budget=0.05, wall=100.0)
    assert status in (cp_model.FEASIBLE, cp_model.UNKNOWN)
    assert not ended_by_clock(solver, status, elapsed)
