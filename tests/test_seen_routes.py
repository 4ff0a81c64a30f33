"""The routes the heuristic's search accepted, kept for the route bound's first columns."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from scheduler.model.bound import plan_routes, route_bound
from scheduler.model.bound.days import pricing_day
from scheduler.model.heuristic import MEAL, WORK_PER_SECOND, solve_heuristic
from scheduler.model.heuristic.annealing import Annealing
from scheduler.model.heuristic.construction import construct
from scheduler.model.heuristic.seen import SeenRoutes
from scheduler.model.heuristic.state import SearchState
from scheduler.model.instance import build_instance
from test_properties import tours

WORK = WORK_PER_SECOND // 20


def _searched(instance, per_day: int, seed: int = 1) -> Annealing:
    search = construct(instance, {}, {}, None, None, seed)
    annealing = Annealing(search, WORK, None, seen_routes=per_day)
    annealing.run(annealing.budget)
    return annealing


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_keeping_the_routes_seen_leaves_the_agenda_as_it_was(prob):
    """With the same seed and work the search makes the same agenda whether it keeps the
    routes it accepted or not; only the work it reports grows, by what keeping them cost."""
    instance = build_instance(prob)
    plain = solve_heuristic(instance, seed=3, work=WORK)
    keeping = solve_heuristic(instance, seed=3, work=WORK, seen_routes=5)
    if plain is None:
        assert keeping is None
        return
    assert keeping.days == plain.days and keeping.objective == plain.objective
    assert keeping.iterations == plain.iterations and keeping.improvements == plain.improvements
    assert plain.seen == [] and plain.seen_work == 0
    assert keeping.work == plain.work + keeping.seen_work


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_the_routes_seen_are_distinct_and_each_one_its_day_can_do(prob):
    """Each kept route lays out on its day by the search's own checks, with the objective it
    was kept at, in the order of its starts (as ``plan_routes`` orders a day); the pricing's
    rules allow it, and its column costs at least that objective (the relaxation's)."""
    instance = build_instance(prob)
    if construct(instance, {}, {}, None, None, 1) is None:
        return
    annealing = _searched(instance, per_day=6)
    fresh = SearchState(instance, 1, {}, {}, None)
    days = [pricing_day(instance, d.index) for d in instance.days]
    for d, routes in enumerate(annealing.seen.routes):
        assert len(routes) <= 2 * 6
        node_of = {request: node for node, request in enumerate(days[d].requests)
                   if request >= 0}
        for items, objective in routes.items():
            fresh.items[d] = list(items)
            assert fresh.refresh_day(d)
            assert fresh.day_objective[d] == objective
            starts = fresh.lay_out(d, list(items), detail=True)[0]
            assert starts == sorted(starts)
            nodes = [node_of[r] for r in items if r != MEAL]
            assert days[d].allows(nodes)
            assert days[d].route_cost(nodes) >= objective
    given_routes = annealing.seen.best()
    assert len({(d, tuple(route)) for d, route in given_routes}) == len(given_routes)
    assert all(MEAL not in route and route for _, route in given_routes)


def test_only_the_best_routes_a_day_are_kept_in_the_order_they_came():
    """Past twice the routes a day asked for, the best ones are kept (ties: the first seen)."""
    seen = SeenRoutes(1, 2)
    state = type("State", (), {})()
    state.day_count = 1
    for route, objective in [((1,), 5), ((2,), 9), ((3,), 5), ((4,), 7), ((5,), 1)]:
        state.items = [list(route)]
        state.day_objective = [objective]
        seen.add(state)
    assert seen.best() == [(0, [2]), (0, [4])]
    state.items, state.day_objective = [[4]], [7]
    before = seen.work
    seen.add(state, [[4]])  # the day did not change: nothing kept
    assert seen.best() == [(0, [2]), (0, [4])] and seen.work > before


def test_a_route_the_pricing_would_not_allow_is_not_a_column():
    """A known route that visits a request twice or in an order no successor allows is left
    out of the master: the columns are the relaxation's alone."""
    from builders import day, problem, request, window
    prob = problem([request("a", [window("09:00", "10:00")], duration=30),
                    request("b", [window("15:00", "16:00")], duration=30, place="B")],
                   days=[day(start="08:00", end="18:00")])
    instance = build_instance(prob)
    a, b = (next(r.index for r in instance.requests if r.id == name) for name in "ab")
    wrong = route_bound(instance, work=1_000_000, routes=[(0, [b, a]), (0, [a, a])])
    assert all(column.requests in ((), (a,), (b,), (a, b)) for column in wrong.columns)
    assert (b, a) not in {column.requests for column in wrong.columns}
    right = route_bound(instance, work=1_000_000, routes=[(0, [a, b])])
    assert (a, b) in {column.requests for column in right.columns}


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_the_bound_from_the_routes_seen_is_never_below_the_agenda(prob):
    """Started from every route the search accepted, the bound is still at least the
    heuristic's agenda."""
    instance = build_instance(prob)
    if not instance.requests:
        return
    found = solve_heuristic(instance, seed=1, work=WORK, seen_routes=20)
    if found is None or not found.complete:
        return
    seen = route_bound(instance, work=5_000_000, routes=plan_routes(found.days) + found.seen)
    assert seen.bound is not None and seen.bound >= found.objective


def test_the_solve_hands_the_routes_seen_to_the_route_bound_when_asked(monkeypatch):
    """With ``SEEN_ROUTES`` the solve's route bound starts from the heuristic's agenda and
    the routes its search accepted; without, from the agenda alone (one route a day)."""
    import scheduler.solve_budget as solve_budget
    import scheduler.solve_route_bound as stage
    from builders import DAY, day, problem, request, window
    from datetime import timedelta
    from scheduler.solve import SolveParams, solve

    monkeypatch.setattr(solve_budget, "ROUTE_BOUND_SHARE", 0.5)
    given: list[list] = []

    def spied(instance, **kwargs):
        given.append(list(kwargs["routes"]))
        return route_bound(instance, **kwargs)

    monkeypatch.setattr(stage, "route_bound", spied)
    days = [DAY, DAY + timedelta(days=1)]
    prob = problem([request(f"r{i}", [window(f"{9 + i}:00", f"{11 + i}:00", d) for d in days],
                            value=5 + i, place="ABC"[i % 3]) for i in range(7)],
                   days=[day(d) for d in days], cap=3)
    for seen in (0, 4):
        monkeypatch.setattr(stage, "SEEN_ROUTES", seen)
        solve(prob, SolveParams(time_limit=3, seed=1, workers=1))
    plain, with_seen = given
    assert len(plain) <= 2 and plain == with_seen[:len(plain)]
    assert len(with_seen) > len(plain)
