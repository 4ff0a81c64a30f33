"""The travel-aware completion bound of the exact pricing (scheduler/model/bound/reach.py):
tighter than the cap's where travel decides, and never below a route the pricing finds."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings

from builders import day, problem, request, window
from scheduler.domain import Objective
from scheduler.model.bound import labelling, reach
from scheduler.model.bound.completion import Completion
from scheduler.model.bound.days import pricing_day
from scheduler.model.bound.labelling import price_day
from scheduler.model.instance import build_instance
from test_properties import tours
from test_route_bound import _busy_days, _days_under_duals, _priced_tours

VALUE_ONLY = Objective(value_weight=1, travel_weight=0, span_weight=0)
WITH_TRAVEL = Objective(value_weight=100, travel_weight=1, span_weight=0)


def _label(pricing, place, ready, count=0, memory=0, worked=False):
    label = [None] * 15
    label[labelling.FREE] = label[labelling.LEG_READY] = ready
    label[labelling.PLACE], label[labelling.COUNT] = place, count
    label[labelling.MEMORY], label[labelling.WORKED], label[labelling.ATE] = memory, worked, 0
    label[labelling.COST] = 0.0
    return label


def _far_apart(objective):
    # Two one-hour meetings that must both start 09:00-09:30, an hour's travel apart: one of
    # them fits, never both, whatever the cap says.
    requests = [request("a", [window("09:00", "10:30")], value=10, place="A"),
                request("b", [window("09:00", "10:30")], value=10, place="B")]
    prob = problem(requests, days=[day(start="08:30")], cap=3, objective=objective,
                   travel={("H", "A"): 20, ("H", "B"): 20, ("A", "B"): 60})
    return pricing_day(build_instance(prob), 0)


def test_it_sees_that_travel_leaves_room_for_one_meeting_where_the_cap_sees_two():
    pricing = _far_apart(VALUE_ONLY)
    profit = list(pricing.profit)
    start = _label(pricing, pricing.day.start_place, pricing.day.start, worked=True)
    assert Completion(pricing, profit).still(start) == 20
    paths = reach.ReachBound(pricing, reach.reach_of(pricing), profit)
    assert paths.still(start) == 10
    assert price_day(pricing, [0.0] * pricing.size, 0.0, True, 10**6, threshold=-1.0).best == 10
    # At A at 10:00, "a" done: neither can start by 09:30 any more.
    node_a = pricing.requests.index(0)
    after_a = _label(pricing, pricing.place[node_a], pricing.day.start + 90, count=1,
                     memory=1 << node_a, worked=True)
    assert paths.still(after_a) == 0


def test_it_charges_the_travel_out_and_home():
    pricing = _far_apart(WITH_TRAVEL)
    profit = list(pricing.profit)
    start = _label(pricing, pricing.day.start_place, pricing.day.start, worked=True)
    paths = reach.ReachBound(pricing, reach.reach_of(pricing), profit)
    # 10 of value at 100 a unit, 20 minutes out and 20 back at 1 a minute (the home is H).
    assert paths.still(start) == 1000 - 40
    assert price_day(pricing, [0.0] * pricing.size, 0.0, True, 10**6, threshold=-1e9).best == 960


def test_a_day_too_large_for_its_table_prices_without_it(monkeypatch):
    pricing = _far_apart(VALUE_ONLY)
    monkeypatch.setattr(reach, "MAX_CELLS", 10)
    assert reach.reach_of(pricing) is None
    assert price_day(pricing, [0.0] * pricing.size, 0.0, True, 10**6, threshold=-1.0).best == 10


def _check_day(pricing, duals, critical):
    """With elementary routes (``critical`` every node) the pricing finds the same best route
    with the bound and without it; with ng-memories it finds at least the best elementary
    one (like the completion bound, the bound counts each open call once: a label it drops
    may lead to a better route visiting a call twice, never to a better elementary route,
    which is all the Lagrangian bound needs). The bound at the day's start is at least the
    best elementary route."""
    every = (1 << pricing.size) - 1

    def best(critical, **options):
        return price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12, critical=critical,
                         best_first=True, **options).best

    elementary = best(every, reach_bound=False)
    with_it = best(critical)
    if critical == every:
        assert abs(with_it - elementary) < 1e-6
    else:
        assert with_it >= elementary - 1e-6
    table = reach.reach_of(pricing)
    if table is not None:
        profit = [pricing.profit[n] - duals[n] for n in range(pricing.size)]
        start = _label(pricing, pricing.day.start_place, pricing.day.start)
        assert reach.ReachBound(pricing, table, profit).still(start) >= elementary - 1e-6


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(_busy_days())
def test_it_loses_no_better_route_on_busy_days(case):
    """Long days of calls, set-ups, a meal or not, travel that need not obey the triangle
    inequality and any duals (see ``_check_day``)."""
    prob, drawn = case
    instance = build_instance(prob)
    pricing = pricing_day(instance, 0, 2)
    duals = [float(drawn[r]) if r >= 0 else 0.0 for r in pricing.requests]
    for critical in ((1 << pricing.size) - 1, 0):
        _check_day(pricing, duals, critical)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(_priced_tours())
def test_it_loses_no_better_route_on_tours(case):
    """The same on every day of drawn tours (several days, windows, caps of 1-4)."""
    for pricing, duals, every in _days_under_duals(case):
        _check_day(pricing, duals, every)
        assert math.isfinite(price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12).best)


def test_a_call_twice_on_an_ng_route_is_not_a_route_it_must_keep():
    # Four short meetings at home and one call, all in the first hour, cap three, ng-sets of
    # two: without elementarity the best "route" takes the call twice (call, meeting, call).
    # The bound counts the call once, so it may drop that route, never the best elementary one.
    requests = [request(f"r{i}", [window("08:00", "09:00")], duration=20, value=1, place="H")
                for i in range(4)]
    requests.append(request("r4", [window("08:00", "09:00")], duration=20, value=1,
                            remote="phone"))
    prob = problem(requests, days=[day(start="08:00", end="19:00")], cap=3)
    pricing = pricing_day(build_instance(prob), 0, 2)
    duals = [0.0] * pricing.size
    call = pricing.requests.index(4)
    loose = price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12, critical=0,
                      best_first=True, reach_bound=False)
    assert [nodes.count(call) for _, nodes in loose.routes[:1]] == [2]
    _check_day(pricing, duals, 0)
    _check_day(pricing, duals, (1 << pricing.size) - 1)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_the_choice_of_routes_starts_from_the_heuristics_agenda(prob):
    """The columns that make the heuristic's agenda are found among the route relaxation's
    (it starts from them), one a day; hinted with them, a choice cut short at almost no budget
    is still worth at least those columns."""
    from scheduler.model.bound import plan_routes, route_bound, select_routes
    from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic
    from scheduler.solve_route_bound import agenda_columns

    instance = build_instance(prob)
    if not instance.requests:
        return
    heuristic = solve_heuristic(instance, seed=0, work=int(0.05 * WORK_PER_SECOND))
    if heuristic is None or not heuristic.complete:
        return
    result = route_bound(instance, work=200_000, routes=plan_routes(heuristic.days))
    hint = agenda_columns(result.columns, heuristic)
    if not hint:  # a day's route the pricing's rules refuse (the relaxation does not hold it)
        return
    columns = [result.columns[i] for i in hint]
    assert sorted(c.day for c in columns) == sorted({c.day for c in result.columns})
    served = {plan.day: set(plan.starts) for plan in heuristic.days}
    assert all(set(c.requests) == served.get(c.day, set()) for c in columns)
    chosen = select_routes(instance, result.columns, deterministic_seconds=0.0,
                           wall_seconds=5.0, hint=hint)
    assert chosen is not None and chosen.objective >= sum(c.cost for c in columns)
