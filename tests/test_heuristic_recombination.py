"""Recombining the best days: the pool, CP-SAT's choice against every combination, the agenda
laid out only when the search's own checks accept it, every rule kept, and repeatable runs."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from builders import assert_hint_valid
from scheduler.model.cpmodel import PlannerModel
from scheduler.model.heuristic import WORK_PER_SECOND, recombination, solve_heuristic
from scheduler.model.heuristic.annealing import Annealing
from scheduler.model.heuristic.construction import construct
from scheduler.model.heuristic.recombination import RoutePool, best_combination, lay_agenda
from scheduler.model.instance import build_instance
from test_heuristic import heuristic_checked
from test_heuristic_interday import random_agenda, _route_tour, route_tours, serve_days


@pytest.fixture
def recombining(monkeypatch):
    """A recombination every 20,000 operations (a few iterations) and at the islands'
    meetings."""
    monkeypatch.setitem(recombination.RECOMBINE, "every", 20_000 / WORK_PER_SECOND)
    monkeypatch.setitem(recombination.RECOMBINE, "at_meetings", True)


def _pool_of_random_agendas(seed: int, agendas: int = 8):
    """A search on a tour of days of one kind, its pool holding the routes of ``agendas``
    random agendas (not the first agenda's, which random ones seldom beat), and the best of
    those agendas."""
    instance = build_instance(_route_tour(seed, same_days=True, count=12, days=3))
    search = construct(instance, {}, {}, None, None, seed)
    pool = RoutePool(search)
    rand = random.Random(seed)
    best, best_key = None, None
    for _ in range(agendas):
        random_agenda(search, rand)
        serve_days(search)
        pool.add(search)
        if best_key is None or search.search_key() > best_key:
            best, best_key = search.snapshot(), search.search_key()
    return instance, search, pool, best, best_key


def _best_by_enumeration(search, pool) -> tuple[int, int]:
    """The best (objective, -length) of one pool route (or none) a day, each request at most
    once and each day within the cap, by trying every combination."""
    best = None
    choices = [[((), pool.empty[d])] + list(pool.routes.get(pool.kind[d], {}).items())
               for d in range(search.day_count)]
    for combination in itertools.product(*choices):
        served = [r for route, _ in combination for r in route]
        if len(served) != len(set(served)) or any(len(route) > search.cap
                                                  for route, _ in combination):
            continue
        key = (sum(score[0] for _, score in combination),
               -sum(score[1] for _, score in combination))
        best = key if best is None or key > best else best
    return best


@pytest.mark.parametrize("seed", range(6))
def test_the_choice_is_the_best_combination_and_the_exact_model_accepts_it(recombining, seed):
    instance, search, pool, best, best_key = _pool_of_random_agendas(seed)
    search.restore(best)
    target = _best_by_enumeration(search, pool)
    days = best_combination(search, pool, best)
    if days is None:
        assert target <= best_key  # nothing better than the best agenda
        return
    assert lay_agenda(search, days)
    assert search.search_key() == target > best_key
    result = Annealing(search, 1, None).result()
    assert result.complete
    assert_hint_valid(PlannerModel(instance), result)


def test_at_least_one_pool_gives_a_better_agenda_than_its_best(recombining):
    """Random agendas mix into something better often enough to be seen on a few seeds."""
    found = 0
    for seed in range(6):
        _, search, pool, best, _ = _pool_of_random_agendas(seed)
        found += best_combination(search, pool, best) is not None
    assert found


def test_an_agenda_that_breaks_a_rule_is_refused_and_nothing_changes(recombining):
    _, search, _, best, _ = _pool_of_random_agendas(1)
    search.restore(best)
    before = (search.snapshot(), list(search.day_objective), list(search.day_of))
    served = [r for items in best for r in items]
    assert served
    twice = [list(items) for items in best]
    twice[(search.day_of[served[0]] + 1) % search.day_count].append(served[0])
    assert not lay_agenda(search, twice)
    over_cap = [list(items) for items in best]
    over_cap[0] = list(range(search.request_count))[:search.cap + 1]
    over_cap[1:] = [[] for _ in over_cap[1:]]
    assert not lay_agenda(search, over_cap)
    # Every request on the first day, in reverse order of their windows: it does not fit.
    ranges = search.start_ranges[0]
    late_first = sorted((r for r in range(search.request_count) if ranges[r] is not None),
                        key=lambda r: -ranges[r][0][0])[:search.cap]
    assert search.route_times(0, late_first) is None
    assert not lay_agenda(search, [late_first] + [[] for _ in best[1:]])
    assert (search.snapshot(), list(search.day_objective), list(search.day_of)) == before


def test_the_pool_and_the_agenda_repeat(recombining):
    from conftest import solomon_problem

    instance = build_instance(solomon_problem("c101", 60, 3))
    pools = []
    for _ in range(2):
        search = construct(instance, {}, {}, None, None, 4)
        annealing = Annealing(search, 2_000_000, None)
        annealing.run(annealing.budget)
        assert annealing.recombined[0] > 0
        pools.append([(kind, list(routes.items()))
                      for kind, routes in annealing.pool.routes.items()])
    assert pools[0] == pools[1]
    runs = [solve_heuristic(instance, seed=2, work=3_000_000) for _ in range(2)]
    assert runs[0].placements(instance) == runs[1].placements(instance)


def test_no_pool_where_days_cannot_exchange_engagements(recombining):
    from builders import busy_day

    search = construct(build_instance(busy_day(6)), {}, {}, None, None, 0)
    pool = RoutePool(search)
    assert not pool.enabled
    pool.add(search)
    assert pool.size() == 0


def test_no_pool_when_recombination_is_off(monkeypatch):
    monkeypatch.setitem(recombination.RECOMBINE, "every", 0)
    monkeypatch.setitem(recombination.RECOMBINE, "at_meetings", False)
    search = construct(build_instance(_route_tour(0, same_days=True)), {}, {}, None, None, 0)
    assert not RoutePool(search).enabled


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(route_tours(), st.integers(0, 3))
def test_random_route_tours_keep_every_rule_with_the_recombination(recombining, tour, seed):
    """With a recombination every few iterations, the heuristic's agenda is feasible for the
    exact model and accepted by the independent checker."""
    heuristic_checked(tour, seed=seed, work=150_000)


def test_two_islands_recombining_at_their_meetings_keep_every_rule_and_repeat(recombining):
    from conftest import solomon_problem

    prob = solomon_problem("r101", 50, 2)
    instance = build_instance(prob)
    runs = [heuristic_checked(prob, seed=1, work=4_000_000, islands=2)[1] for _ in range(2)]
    assert runs[0].placements(instance) == runs[1].placements(instance)


@pytest.mark.parametrize("seed", range(6))
def test_overlapping_routes_lose_their_copies_and_the_exact_model_accepts_the_agenda(
        recombining, monkeypatch, seed):
    monkeypatch.setitem(recombination.RECOMBINE, "overlap", True)
    instance, search, pool, best, best_key = _pool_of_random_agendas(seed)
    assert pool.overlap
    search.restore(best)
    days = best_combination(search, pool, best)
    if days is None or not lay_agenda(search, days):
        assert search.snapshot() == best
        return
    served = [r for route in days for r in route]
    assert len(served) == len(set(served))
    result = Annealing(search, 1, None).result()
    assert result.complete
    assert_hint_valid(PlannerModel(instance), result)
