"""A tour's phases count their budget at the rates of its kind of model.

On a model with timeline days (a meal or remote candidates) CP-SAT is given its nominal
seconds at ``CP_SAT_TIMELINE_RATE`` deterministic seconds each, and the route bound's work a
nominal second is ``LABEL_WORK_PER_SECOND / LABEL_TIMELINE_COST``; a route-only model keeps
one deterministic second and ``LABEL_WORK_PER_SECOND``; a delegation's small model gives the
heuristic ``HEURISTIC_SHARE_DELEGATION`` of the limit and CP-SAT the rest at
``CP_SAT_DELEGATION_RATE``. Whatever a phase used comes off the
later phases' budget in nominal seconds. Nothing here measures time: the clock stands still,
so every phase ends on its budget, and the tests look at the budgets each phase was given
(every plan judged by the independent checker).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from builders import DAY, day, next_day, problem, request, window
from scheduler.model.instance import build_instance
import scheduler.solve as solve_module
import scheduler.solve_budget as budget_module
import scheduler.solve_route_bound as route_bound_module
from conftest import heuristic_budgets, solve_checked
from scheduler.solve import SolveParams
from scheduler.solve_budget import cp_sat_rate, route_bound_seconds, route_bound_share
from scheduler.solve_route_bound import LABEL_TIMELINE_COST, label_work_per_second, \
    route_bound_used
from scheduler.model.bound import LABEL_WORK_PER_SECOND
# The solve's clock stands still unless a test moves it: every phase ends on its budget.
from test_time_limit_phases import clock  # noqa: F401  (a fixture)

LIMIT = 4.0


def _tour(meal=None, remote=False):
    """Two days, fourteen requests at four places (a remote one when ``remote``), cap six."""
    d2 = next_day(DAY)
    reqs = [request(f"r{i}", [window("09:00", "17:00"), window("09:30", "16:00", d2)],
                    place="ABCD"[i % 4], value=7 + (5 * i) % 13, duration=30 + 15 * (i % 3))
            for i in range(14)]
    if remote:
        reqs.append(request("call", [window("10:00", "12:00", d2)], remote="phone", duration=30))
    travel = {("A", "B"): 20, ("B", "C"): 25, ("A", "C"): 35, ("C", "D"): 15, ("A", "D"): 40,
              ("B", "D"): 30}
    return problem(reqs, days=[day(meal=meal), day(d2, meal=meal)], travel=travel,
                   places=("H", "A", "B", "C", "D"), cap=6)


ROUTE_ONLY = _tour()
WITH_MEAL = _tour(meal=("12:30", "15:00", 45))
WITH_CALL = _tour(remote=True)


def test_timeline_days_are_a_meal_or_a_remote_candidate():
    assert not build_instance(ROUTE_ONLY).has_timeline_days
    assert build_instance(WITH_MEAL).has_timeline_days
    assert build_instance(WITH_CALL).has_timeline_days


def test_the_rates_follow_the_kind_of_model():
    assert cp_sat_rate(build_instance(ROUTE_ONLY)) == 1.0
    assert cp_sat_rate(build_instance(WITH_MEAL)) == budget_module.CP_SAT_TIMELINE_RATE < 1.0
    assert label_work_per_second(build_instance(ROUTE_ONLY)) == LABEL_WORK_PER_SECOND
    assert label_work_per_second(build_instance(WITH_CALL)) == \
        LABEL_WORK_PER_SECOND / LABEL_TIMELINE_COST < LABEL_WORK_PER_SECOND


def _spy_budgets(monkeypatch):
    """Record the nominal seconds left after the heuristic and every CP-SAT budget given."""
    seen = {"after_heuristic": [], "cp_sat": []}
    real_heuristic = solve_module._run_heuristic
    real_parameters = solve_module.solver_parameters

    def heuristic(*args, **kwargs):
        result, cp_limit = real_heuristic(*args, **kwargs)
        seen["after_heuristic"].append(cp_limit)
        return result, cp_limit

    def parameters(params, *args, **kwargs):
        seen["cp_sat"].append(params.time_limit)
        return real_parameters(params, *args, **kwargs)

    monkeypatch.setattr(solve_module, "_run_heuristic", heuristic)
    monkeypatch.setattr(solve_module, "solver_parameters", parameters)
    return seen


@pytest.mark.parametrize("tour", [ROUTE_ONLY, WITH_MEAL, WITH_CALL],
                         ids=["route-only", "meal", "remote call"])
def test_cp_sat_gets_what_is_left_at_the_models_rate(monkeypatch, clock, tour):
    # The route bound left out, CP-SAT's budget is all that the heuristic left.
    monkeypatch.setattr(budget_module, "ROUTE_BOUND_SHARE", 0.0)
    monkeypatch.setattr(budget_module, "ROUTE_BOUND_SHARE_TIMELINE", 0.0)
    seen = _spy_budgets(monkeypatch)
    result = solve_checked(tour, SolveParams(time_limit=LIMIT, seed=1, workers=1))
    assert result.plan.solver.stopped_by == "budget"
    [left] = seen["after_heuristic"]
    rate = cp_sat_rate(build_instance(tour))
    assert seen["cp_sat"] == [pytest.approx(left * rate)]
    assert 0 < left < LIMIT


@pytest.mark.parametrize("tour, cost", [(ROUTE_ONLY, 1.0), (WITH_MEAL, LABEL_TIMELINE_COST)],
                         ids=["route-only", "meal"])
def test_the_route_bound_counts_its_work_at_the_models_cost(monkeypatch, clock, tour, cost):
    seen = _spy_budgets(monkeypatch)
    works = []
    real = route_bound_module.route_bound

    def spy(instance, *, work, **options):
        works.append(work)
        return real(instance, work=work, **options)

    monkeypatch.setattr(route_bound_module, "route_bound", spy)
    solve_checked(tour, SolveParams(time_limit=LIMIT, seed=1, workers=1))
    [left] = seen["after_heuristic"]
    seconds = route_bound_seconds(LIMIT, left, route_bound_share(build_instance(tour)))
    assert works == [int(seconds * LABEL_WORK_PER_SECOND / cost)]


def test_the_route_bounds_work_comes_off_in_nominal_seconds_at_the_models_cost():
    # What the route bound used comes off CP-SAT's budget: twice the nominal seconds for the
    # same work on a tour's model, whose units cost twice as much.
    work = SimpleNamespace(work=3 * LABEL_WORK_PER_SECOND)
    assert route_bound_used(work, build_instance(ROUTE_ONLY)) == pytest.approx(3.0)
    assert route_bound_used(work, build_instance(WITH_MEAL)) == \
        pytest.approx(3.0 * LABEL_TIMELINE_COST)
    assert route_bound_used(None, build_instance(WITH_MEAL)) == 0.0


def test_a_delegation_gives_cp_sat_more_of_the_limit_at_its_own_rate(monkeypatch, clock):
    # A delegation's CP-SAT improves the heuristic's agenda far more than a tour's: on a small
    # model the heuristic takes HEURISTIC_SHARE_DELEGATION of the limit's work, and CP-SAT
    # gets what is left at CP_SAT_DELEGATION_RATE deterministic seconds a nominal second.
    from pathlib import Path

    from scheduler.io import load_tour
    from scheduler.model.heuristic import WORK_PER_SECOND
    from scheduler.solve_budget import CP_SAT_DELEGATION_RATE, HEURISTIC_SHARE, \
        HEURISTIC_SHARE_DELEGATION, LARGE_MODEL, heuristic_share

    assert heuristic_share(LARGE_MODEL, LIMIT, delegation=True) == HEURISTIC_SHARE_DELEGATION \
        < HEURISTIC_SHARE
    assert heuristic_share(LARGE_MODEL + 1, LIMIT, delegation=True) == \
        heuristic_share(LARGE_MODEL + 1, LIMIT)
    brussels = load_tour(Path(__file__).resolve().parents[1] / "examples"
                         / "brussels-delegation-2019")
    instance = build_instance(brussels)
    assert instance.is_delegation and cp_sat_rate(instance) == CP_SAT_DELEGATION_RATE
    budgets = heuristic_budgets(monkeypatch)
    monkeypatch.setattr(budget_module, "ROUTE_BOUND_SHARE", 0.0)
    seen = _spy_budgets(monkeypatch)
    solve_checked(brussels, SolveParams(time_limit=LIMIT, seed=1, workers=1))
    assert budgets == [int(HEURISTIC_SHARE_DELEGATION * LIMIT * WORK_PER_SECOND)]
    [left] = seen["after_heuristic"]
    assert seen["cp_sat"][-1] == pytest.approx(left * CP_SAT_DELEGATION_RATE)


def test_a_small_tour_with_timeline_days_gives_the_route_bound_more_of_the_limit(monkeypatch, clock):
    # A tour's small model with timeline days: the heuristic takes HEURISTIC_SHARE_TIMELINE of
    # the limit's work and the route bound ROUTE_BOUND_SHARE_TIMELINE, without giving up
    # before its share's end (FIRST_BOUND_SHARE_TIMELINE); route-only, large and delegation
    # models keep their shares.
    from scheduler.model.heuristic import WORK_PER_SECOND
    from scheduler.solve_budget import HEURISTIC_SHARE, HEURISTIC_SHARE_TIMELINE, LARGE_MODEL, \
        ROUTE_BOUND_SHARE, ROUTE_BOUND_SHARE_TIMELINE, heuristic_share, timeline_tour

    assert timeline_tour(build_instance(WITH_MEAL)) and timeline_tour(build_instance(WITH_CALL))
    assert not timeline_tour(build_instance(ROUTE_ONLY))
    assert route_bound_share(build_instance(WITH_MEAL)) == ROUTE_BOUND_SHARE_TIMELINE
    assert route_bound_share(build_instance(ROUTE_ONLY)) == ROUTE_BOUND_SHARE
    assert heuristic_share(LARGE_MODEL, LIMIT, timeline=True) == HEURISTIC_SHARE_TIMELINE \
        < HEURISTIC_SHARE
    assert heuristic_share(LARGE_MODEL + 1, LIMIT, timeline=True) == \
        heuristic_share(LARGE_MODEL + 1, LIMIT)
    monkeypatch.setattr(budget_module, "LARGE_MODEL", 10)
    assert not timeline_tour(build_instance(WITH_MEAL))
    monkeypatch.undo()

    budgets, bounds = heuristic_budgets(monkeypatch), []
    real_bound = route_bound_module.route_bound

    def bound(instance, *, work, first_bound_work, **options):
        bounds.append((work, first_bound_work))
        return real_bound(instance, work=work, first_bound_work=first_bound_work, **options)

    monkeypatch.setattr(route_bound_module, "route_bound", bound)
    seen = _spy_budgets(monkeypatch)
    solve_checked(WITH_MEAL, SolveParams(time_limit=LIMIT, seed=1, workers=1))
    assert budgets == [int(HEURISTIC_SHARE_TIMELINE * LIMIT * WORK_PER_SECOND)]
    [left] = seen["after_heuristic"]
    work = int(route_bound_seconds(LIMIT, left, ROUTE_BOUND_SHARE_TIMELINE)
               * label_work_per_second(build_instance(WITH_MEAL)))
    assert bounds == [(work, work)]
    solve_checked(ROUTE_ONLY, SolveParams(time_limit=LIMIT, seed=1, workers=1))
    assert budgets[-1] == int(HEURISTIC_SHARE * LIMIT * WORK_PER_SECOND)
    assert bounds[-1][1] == int(route_bound_module.FIRST_BOUND_SHARE * bounds[-1][0]) < bounds[-1][0]



def _cut_short(solve_heuristic):
    """``solve_heuristic`` on 2,000 units of work: an agenda the routes' best choice beats."""
    return lambda *args, work, **options: solve_heuristic(*args, work=2_000, **options)


def test_when_cp_sat_ends_without_an_agenda_the_route_agenda_it_was_hinted_is_the_answer(
        monkeypatch, clock):
    # A heuristic cut short leaves an agenda the routes' best choice beats; that agenda, made
    # by CP-SAT with each request's day fixed, is hinted. If the last CP-SAT then ends with
    # no agenda (here: almost no budget), the answer is that route agenda, not the
    # heuristic's poorer one.
    from ortools.sat.python import cp_model

    monkeypatch.setattr(solve_module, "solve_heuristic", _cut_short(solve_module.solve_heuristic))
    agendas = []
    real_agenda = solve_module.route_agenda

    def agenda(*args, **kwargs):
        used, by_clock, solver = real_agenda(*args, **kwargs)
        agendas.append(solver)
        return used, by_clock, solver

    real_parameters = solve_module.solver_parameters
    finals = []

    def parameters(params, *args, **kwargs):
        solver = real_parameters(params, *args, **kwargs)
        if agendas:  # the last CP-SAT: no budget to speak of
            solver.parameters.max_deterministic_time = 1e-9
            finals.append(solver)
        return solver

    monkeypatch.setattr(solve_module, "route_agenda", agenda)
    monkeypatch.setattr(solve_module, "solver_parameters", parameters)
    heuristics = []
    real_solution = solve_module.heuristic_solution
    monkeypatch.setattr(solve_module, "heuristic_solution",
                        lambda instance, result: heuristics.append(result) or
                        real_solution(instance, result))
    result = solve_checked(WITH_MEAL, SolveParams(time_limit=LIMIT, seed=1, workers=1))
    [route_solver] = agendas
    assert route_solver is not None, "the routes' choice should beat a heuristic cut short"
    [final] = finals
    assert final.response_proto.status == cp_model.UNKNOWN
    assert result.objective == route_solver.objective_value
    assert not heuristics  # the heuristic's agenda was not read


def test_late_on_the_clock_the_routes_agenda_comes_before_cp_sat(monkeypatch):
    """With little of the limit left after the route bound, the choice of routes still runs
    (it used to wait for CP-SAT's whole share) and its agenda gets the wall clock left after
    its own loading and the floor: too little for both, CP-SAT is the one left out."""
    from scheduler.model.bound import route_bound
    from scheduler.model.heuristic import solve_heuristic
    from scheduler.solve_budget import CP_SAT_MIN_SHARE, CP_SAT_MIN_WALL_SHARE, SolveClock

    limit = 5.0
    instance = build_instance(WITH_MEAL)
    heuristic = solve_heuristic(instance, seed=1, work=2_000)
    routes = route_bound(instance, work=5_000_000)
    now = [100.0]
    late = SolveClock(limit, now=lambda: now[0])
    left = 0.5 * CP_SAT_MIN_SHARE * limit  # half of CP-SAT's share: the choice used to wait
    now[0] = late.solver_end - left
    chosen, _, by_clock = route_bound_module.pool_selection(instance, routes, heuristic, limit,
                                                            late)
    assert not by_clock and chosen is not None and chosen.objective > heuristic.objective
    walls = []

    def make_solver(budget, wall):
        walls.append(wall)
        return SimpleNamespace(solve=lambda model: 0)

    monkeypatch.setattr(route_bound_module, "hint_pool_agenda",
                        lambda planner, chosen, objective, solver: (0.0, False, False))
    load = 0.1
    route_bound_module.route_agenda(None, chosen, heuristic.objective, load, limit, late,
                                    make_solver)
    margin = CP_SAT_MIN_WALL_SHARE * limit
    assert walls == [pytest.approx(left - load - margin)]
    # With room for both, both: the agenda leaves CP-SAT its loading and its floor.
    now[0] = late.solver_end - 2.0
    route_bound_module.route_agenda(None, chosen, heuristic.objective, load, limit, late,
                                    make_solver)
    assert walls[-1] == pytest.approx(min(2.0 * route_bound_module.POOL_AGENDA_SHARE * limit
                                          + 0.5, 2.0 - 2 * load - 2 * margin))


def test_a_tours_route_agenda_has_its_own_share(monkeypatch):
    """The route agenda's share: ``POOL_AGENDA_SHARE_TIMELINE`` on a small tour's model with
    timeline days (its deterministic second lasts longest there), ``POOL_AGENDA_SHARE`` on a
    model of routes alone; the solve passes it on."""
    from scheduler.solve_route_bound import POOL_AGENDA_SHARE, POOL_AGENDA_SHARE_TIMELINE, \
        route_agenda_share

    assert route_agenda_share(build_instance(WITH_MEAL)) == POOL_AGENDA_SHARE_TIMELINE \
        < POOL_AGENDA_SHARE == route_agenda_share(build_instance(ROUTE_ONLY))
    shares = []
    real = solve_module.route_agenda

    def agenda(*args):
        shares.append(args[-1])
        return real(*args)

    monkeypatch.setattr(solve_module, "route_agenda", agenda)
    monkeypatch.setattr(solve_module, "solve_heuristic", _cut_short(solve_module.solve_heuristic))
    solve_checked(WITH_MEAL, SolveParams(time_limit=LIMIT, seed=1, workers=1))
    assert shares == [POOL_AGENDA_SHARE_TIMELINE]
