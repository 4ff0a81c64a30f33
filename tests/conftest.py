"""Shared fixtures: every solve in the tests goes through the independent plan checker."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from scheduler.checker import assert_valid  # noqa: E402
from scheduler.planfile import plan_to_dict  # noqa: E402
from scheduler.solve import SolveParams, solve  # noqa: E402

FAST = SolveParams(time_limit=5.0, seed=0, workers=2)


def solve_checked(problem, params: SolveParams = FAST):
    """Solve and verify the plan with the independent checker; returns the Result."""
    result = solve(problem, params)
    assert_valid(plan_to_dict(result.plan))
    return result


@pytest.fixture
def checked_solve():
    return solve_checked


def solomon_problem(name: str, customers: int, tours: int = 1):
    """The first ``customers`` customers of the Solomon instance ``name`` (copied into
    tests/data/toptw) as a problem of ``tours`` days, read the way the benchmarks read it."""
    import dataclasses

    from benchmarks.instances import read_instance
    from benchmarks.to_domain import instance_to_problem
    inst = read_instance(Path(__file__).parent / "data" / "toptw" / f"{name}.txt")
    kept = inst.vertices[:customers + 1]
    inst = dataclasses.replace(inst, vertices=kept,
                               travel=tuple(row[:customers + 1] for row in inst.travel[:customers + 1]))
    return instance_to_problem(inst, tours)


def heuristic_budgets(monkeypatch) -> list[int]:
    """Record the work budget of every heuristic run the solve starts (the list fills as the
    tests solve); the heuristic runs as it would."""
    import scheduler.solve as solve_module

    budgets: list[int] = []
    real = solve_module.solve_heuristic

    def counted(*args, work, **options):
        budgets.append(work)
        return real(*args, work=work, **options)

    monkeypatch.setattr(solve_module, "solve_heuristic", counted)
    return budgets
