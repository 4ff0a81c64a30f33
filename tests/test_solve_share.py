"""The share of the limit after the heuristic: left out on large models where it gives nothing."""

from __future__ import annotations


from conftest import solomon_problem, solve_checked
from scheduler.model.instance import build_instance
from scheduler.solve import SolveParams
from scheduler.solve_budget import CP_MODEL_PAIRS_PER_SECOND, HEURISTIC_SHARE, \
    HEURISTIC_SHARE_ALONE, HEURISTIC_SHARE_LARGE, LARGE_MODEL, LATER_STAGES_PAIRS_PER_SECOND, \
    day_cap_binds, heuristic_share, later_stages_run, model_size
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
    assert not later_stages_run(30_000, 10.0, cap_binds=False)
    assert heuristic_share(30_000, 10.0, cap_binds=False) == HEURISTIC_SHARE_ALONE
    too_big = int(CP_MODEL_PAIRS_PER_SECOND * 10.0) + 1
    for capped in (True, False):
        assert not later_stages_run(too_big, 10.0, capped)
        assert heuristic_share(too_big, 10.0, capped) == 1.0


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
