"""The share of the limit after the heuristic: left out on large models where it gives nothing."""

from __future__ import annotations

import pytest

import scheduler.solve as solve_module
from conftest import heuristic_budgets, solomon_problem, solve_checked
from scheduler.model.heuristic import WORK_PER_SECOND
from scheduler.model.instance import build_instance
from scheduler.solve import SolveParams
from scheduler.solve_budget import CP_MODEL_PAIRS_PER_SECOND, HEURISTIC_SHARE, \
    HEURISTIC_SHARE_ALONE, HEURISTIC_SHARE_LARGE, LARGE_MODEL, LATER_STAGES_PAIRS_PER_SECOND, \
    cp_model_fits, day_cap_binds, heuristic_share, later_stages_run, model_size
from test_time_limit import _tour





def test_the_later_stages_run_on_small_models_on_capped_days_and_with_time_for_them():
    assert later_stages_run(LARGE_MODEL, 1.0, cap_binds=False)
    assert heuristic_share(LARGE_MODEL, 1.0, cap_binds=False) == HEURISTIC_SHARE
    # The 300-request, 14-day tour (six engagements a day) at 10 s: CP-SAT gives its bound.
    assert later_stages_run(68_876, 10.0, cap_binds=True)
    assert heuristic_share(68_876, 10.0, cap_binds=True) == HEURISTIC_SHARE_LARGE
    # Two 100-customer Solomon days at 10 s: exactly at the line, CP-SAT still runs.
    assert later_stages_run(20_000, 10.0, cap_binds=False)
    assert 20_000 == LATER_STAGES_PAIRS_PER_SECOND * 10


def test_the_heuristic_works_alone_on_uncapped_days_above_the_pairs_per_second():
    """Above the pairs per second on uncapped days the later stages are left out and the
    heuristic gets ``HEURISTIC_SHARE_ALONE`` of the work."""
    assert not later_stages_run(30_000, 10.0, cap_binds=False)
    assert heuristic_share(30_000, 10.0, cap_binds=False) == HEURISTIC_SHARE_ALONE


@pytest.mark.parametrize("limit", [0.5, 2.0, 10.0, 60.0])
def test_a_model_too_large_to_build_leaves_the_heuristic_a_margin_before_the_clock(limit):
    """When the CP-SAT model is not built the heuristic works alone as on any other model the
    later stages are left out of: on ``HEURISTIC_SHARE_ALONE`` of the work, below all of it,
    so that its budget and not its deadline (the limit itself) ends it."""
    too_big = int(CP_MODEL_PAIRS_PER_SECOND * limit) + 1
    for capped in (True, False):
        assert not later_stages_run(too_big, limit, capped)
        assert heuristic_share(too_big, limit, capped) == HEURISTIC_SHARE_ALONE < 1.0


class _StillClock:
    """A monotonic clock that never moves: only the work budgets can end the solve."""

    def __call__(self) -> float:
        return 1000.0


def test_a_solve_whose_model_is_not_built_ends_on_the_heuristics_budget(monkeypatch):
    """On a model too large to build for the limit the solve is the heuristic's, on
    ``HEURISTIC_SHARE_ALONE`` of the limit's work: with a clock that never runs out (the most
    generous limit there is) the budget ends it, the plan says so, and it repeats."""
    still = _StillClock()

    class StillSolveClock(solve_module.SolveClock):
        def __init__(self, time_limit: float) -> None:
            super().__init__(time_limit, still)

    monkeypatch.setattr(solve_module, "SolveClock", StillSolveClock)
    budgets = heuristic_budgets(monkeypatch)
    problem = solomon_problem("r101", 30, 2)
    limit = 0.08
    assert not cp_model_fits(model_size(build_instance(problem)), limit)
    params = SolveParams(time_limit=limit, seed=0, workers=1)
    first = solve_checked(problem, params)
    again = solve_checked(problem, params)
    assert [p.name for p in first.phases] == ["instance", "heuristic", "result"]
    assert first.phases[1].ended_by == "work"
    assert first.plan.solver.stopped_by == "budget" and not first.stopped_by_clock
    assert budgets == [int(HEURISTIC_SHARE_ALONE * limit * WORK_PER_SECOND)] * 2
    assert [(e.request_id, e.start) for e in first.plan.engagements] == \
        [(e.request_id, e.start) for e in again.plan.engagements]


def test_a_cap_binds_on_a_tour_and_not_on_a_toptw_instance():
    assert day_cap_binds(build_instance(_tour()))
    assert not day_cap_binds(build_instance(solomon_problem("r101", 80, 2)))


def test_a_large_model_at_a_short_limit_is_the_heuristics_alone_to_the_limit():
    problem = solomon_problem("r101", 80, 2)
    instance = build_instance(problem)
    size = model_size(instance)
    assert size > LARGE_MODEL and not later_stages_run(size, 2.0, day_cap_binds(instance))
    result = solve_checked(problem, SolveParams(time_limit=2.0, seed=0, workers=2))
    assert [p.name for p in result.phases] == ["instance", "heuristic", "result"]
    heuristic = result.phases[1]
    # No CP-SAT model follows: the heuristic's clock runs to the limit itself.
    assert heuristic.deadline is not None and heuristic.deadline >= 2.0 - 0.05
    assert result.status in ("feasible", "optimal")
