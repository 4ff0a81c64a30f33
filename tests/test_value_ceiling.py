"""An agenda that serves every request, when nothing but value counts, is optimal at once."""

from __future__ import annotations

import dataclasses

from conftest import solomon_problem, solve_checked
from scheduler.domain import Objective
from scheduler.model.instance import build_instance
from scheduler.solve import SolveParams
from scheduler.solve_route_bound import tighter, value_ceiling





def test_serving_every_request_on_value_alone_is_proven_optimal_without_cp_sat():
    problem = solomon_problem("c101", 8, 2)
    result = solve_checked(problem, SolveParams(time_limit=5.0, seed=0, workers=2))
    instance = build_instance(problem)
    assert result.value_served == sum(r.value for r in instance.requests)
    assert result.status == "optimal"
    assert result.bound == result.objective == value_ceiling(instance, re_planning=False)
    assert result.gap == 0
    # Nothing after the heuristic could do better: no route bound, no model, no CP-SAT.
    assert [p.name for p in result.phases] == ["instance", "heuristic", "result"]


def test_the_ceiling_is_left_out_when_another_term_could_still_improve():
    problem = solomon_problem("c101", 8, 2)
    assert value_ceiling(build_instance(problem), re_planning=True) is None
    for weights in ({"travel_weight": 1}, {"span_weight": 1}, {"balance_weight": 1}):
        objective = Objective(**{"value_weight": 1, "travel_weight": 0, "span_weight": 0,
                                 **weights})
        weighted = dataclasses.replace(problem,
                                       tour=dataclasses.replace(problem.tour, objective=objective))
        assert value_ceiling(build_instance(weighted), re_planning=False) is None


def test_an_agenda_below_the_ceiling_keeps_its_status_and_bound():
    assert tighter(90.0, 120.0, None, "feasible", 100.0) == (120.0, "feasible")
    assert tighter(100.0, None, None, "feasible", 100.0) == (100.0, "optimal")
    assert tighter(100.0, 130.0, None, "feasible", 100.0) == (100.0, "optimal")
    assert tighter(90.0, None, None, "feasible", None) == (None, "feasible")


def test_the_search_stops_once_its_best_agenda_is_at_the_ceiling():
    from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic

    instance = build_instance(solomon_problem("c101", 8, 2))
    budget = 20 * WORK_PER_SECOND
    for islands in (1, 2):
        result = solve_heuristic(instance, seed=3, work=budget, islands=islands)
        assert result.objective == instance.value_ceiling()
        assert result.work < budget / 10  # it did not search on for nothing
        again = solve_heuristic(instance, seed=3, work=budget, islands=islands)
        assert again.days == result.days and again.work == result.work


def test_the_search_goes_on_at_the_ceiling_when_travel_counts():
    from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic

    problem = solomon_problem("c101", 8, 2)
    objective = Objective(value_weight=10, travel_weight=1, span_weight=0)
    weighted = dataclasses.replace(problem, tour=dataclasses.replace(problem.tour, objective=objective))
    instance = build_instance(weighted)
    assert instance.value_ceiling() is None
    budget = WORK_PER_SECOND // 4
    result = solve_heuristic(instance, seed=3, work=budget, islands=1)
    assert result.work >= budget  # shorter routes could still be found: the whole budget runs
