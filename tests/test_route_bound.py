"""The route relaxation's bound: labelling on hand-made days, and never below an agenda."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

import scheduler.solve_budget as solve_budget
from builders import day, problem, request, window
from scheduler.domain import Objective
from scheduler.model.bound import plan_routes, route_bound
from scheduler.model.bound.completion import Completion
from scheduler.model.bound.days import MEAL, pricing_day
from scheduler.model.bound.labelling import earliest_start, price_day
from scheduler.model.bound import labelling
from scheduler.model.cpmodel import PlannerModel
from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic
from scheduler.model.instance import build_instance
from scheduler.solve import SolveParams, solve
from test_properties import PLACES, tours

VALUE_ONLY = Objective(value_weight=1, travel_weight=0, span_weight=0)


def _best_route(prob, **kw):
    instance = build_instance(prob)
    pricing = pricing_day(instance, 0)
    priced = price_day(pricing, [0.0] * pricing.size, 0.0, True, 10**7, **kw)
    ids = [[instance.requests[pricing.requests[n]].id if pricing.kind[n] != MEAL else "meal"
            for n in nodes] for _, nodes in priced.routes]
    return priced, ids


def test_earliest_start_keeps_ranges_and_the_step():
    assert earliest_start(((600, 620), (700, 800)), False, 5, 590) == 600
    assert earliest_start(((600, 620), (700, 800)), False, 5, 621) == 700
    assert earliest_start(((600, 620), (700, 800)), True, 5, 703) == 705
    assert earliest_start(((600, 620),), False, 5, 621) is None


def test_two_requests_that_do_not_fit_together_are_never_one_route():
    # r1 fills 10:00-11:00 at A; r2 must end by 12:00 at B, 20 minutes away: 11:20-12:20 is late.
    prob = problem([request("r1", [window("10:00", "11:00")], value=10, place="A"),
                    request("r2", [window("10:30", "12:00")], value=7, place="B")],
                   objective=VALUE_ONLY)
    priced, ids = _best_route(prob)
    assert priced.best == 10
    assert ids[0] == ["r1"]
    assert all(set(route) != {"r1", "r2"} for route in ids)


def test_travel_and_span_are_charged_on_the_arcs():
    # Value 10 each (10,000 units), 20 minutes each way: H -> A -> B -> H is 60 minutes of
    # travel (600 units) and a span of at least 60 + 60 + 60 minutes less one buffer of 0.
    prob = problem([request("r1", [window("10:00", "12:00")], value=10, place="A"),
                    request("r2", [window("12:00", "15:00")], value=10, place="B")])
    priced, ids = _best_route(prob)
    assert ids[0] == ["r1", "r2"]
    assert priced.best == 20_000 - 10 * 60 - (60 + 60 + 60)


def test_the_meal_and_remote_calls_take_their_time():
    # A 60-minute meal between 12:00 and 13:00 leaves no room for a call fixed at 12:30.
    prob = problem([request("call", [window("12:30", "13:00")], duration=30, value=5,
                            remote="phone")],
                   days=[day(meal=("12:00", "13:00", 60))], objective=VALUE_ONLY)
    priced, ids = _best_route(prob, threshold=-1.0)
    assert priced.best == 0  # only the meal: the call cannot be placed
    assert ids == [["meal"]]


def test_the_cap_limits_a_route():
    requests = [request(f"r{i}", [window("09:00", "19:00")], duration=20, value=5, place="A")
                for i in range(5)]
    priced, ids = _best_route(problem(requests, cap=3, objective=VALUE_ONLY))
    assert priced.best == 15 and len(ids[0]) == 3


def _start_label(pricing, free, count=0, memory=0, ate=0, worked=False):
    label = [None] * 13
    label[labelling.FREE], label[labelling.COUNT], label[labelling.MEMORY] = free, count, memory
    label[labelling.ATE], label[labelling.WORKED] = ate, worked
    return label


def test_the_completion_bound_takes_the_smaller_of_the_cap_and_the_time_left():
    # Three one-hour calls that may all start 09:00-10:00 on a day that ends at 11:00: the cap
    # (3) allows 30 more, the time left (two hours) only 20; the best route has two.
    requests = [request(f"c{i}", [window("09:00", "11:00")], duration=60, value=10,
                        remote="phone") for i in range(3)]
    prob = problem(requests, days=[day(end="11:00")], cap=3, objective=VALUE_ONLY)
    pricing = pricing_day(build_instance(prob), 0)
    profit = list(pricing.profit)
    bounds = Completion(pricing, profit)
    assert bounds.still(_start_label(pricing, pricing.day.start, worked=True)) == 20
    # By 09:30 only 1.5 hours are left: at most 15 (the fractional knapsack).
    assert bounds.still(_start_label(pricing, pricing.day.start + 30, worked=True)) == 15
    # After the last start nothing is open; a node in the memory is not counted.
    assert bounds.still(_start_label(pricing, pricing.day.start + 61, worked=True)) == 0
    assert bounds.still(_start_label(pricing, pricing.day.start, memory=0b011, worked=True)) \
        == 10
    # One engagement left under the cap.
    assert bounds.still(_start_label(pricing, pricing.day.start, count=2, worked=True)) == 10
    priced = price_day(pricing, [0.0] * pricing.size, 0.0, True, 10**6, threshold=-1.0)
    assert priced.best == 20
    # The fast pricing's bound is the cap's alone: 30, then 20 with one engagement left.
    by_cap = Completion(pricing, profit, by_time=False)
    assert by_cap.still(_start_label(pricing, pricing.day.start, worked=True)) == 30
    assert by_cap.still(_start_label(pricing, pricing.day.start + 30, count=1, worked=True)) == 20


@st.composite
def _priced_tours(draw):
    prob = draw(tours())
    duals = draw(st.lists(st.integers(-20_000, 60_000), min_size=8, max_size=8))
    return prob, duals


def _days_under_duals(case):
    """Each non-empty pricing day of a drawn tour, with the drawn duals and every node critical
    (elementary routes)."""
    prob, drawn = case
    instance = build_instance(prob)
    for day_index in range(len(instance.days)):
        pricing = pricing_day(instance, day_index)
        if not pricing.size:
            continue
        duals = [float(drawn[r % len(drawn)]) if r >= 0 else 0.0 for r in pricing.requests]
        yield pricing, duals, (1 << pricing.size) - 1


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(_priced_tours())
def test_pruning_by_the_completion_bound_loses_no_better_route(case):
    """Elementary pricing with and without the completion bound finds the same best route
    under any duals: a label it drops could not have led to a better one."""
    for pricing, duals, every in _days_under_duals(case):
        results = [price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12, critical=every,
                             prune=prune) for prune in (True, False)]
        assert abs(results[0].best - results[1].best) < 1e-6
        if results[1].routes:
            assert results[0].routes[0][0] == results[1].routes[0][0]


@st.composite
def _busy_days(draw):
    """One long day of 5-9 requests with wide windows (many orders fit, so dominance and the
    memories matter), calls, set-ups, a meal or not, a cap of 3-5, and duals on each."""
    requests = []
    for index in range(draw(st.integers(5, 9))):
        start_minutes = draw(st.integers(8 * 4, 16 * 4)) * 15
        end_minutes = min(start_minutes + draw(st.sampled_from([60, 120, 240, 360])), 19 * 60)
        requests.append(request(
            f"r{index}", [window(f"{start_minutes // 60:02d}:{start_minutes % 60:02d}",
                                 f"{end_minutes // 60:02d}:{end_minutes % 60:02d}")],
            duration=draw(st.sampled_from([20, 30, 45, 60])), value=draw(st.integers(1, 50)),
            place=draw(st.sampled_from(PLACES)), remote=draw(st.sampled_from([None, None, "phone"])),
            setup_minutes=draw(st.sampled_from([0, 0, 15]))))
    travel = {(a, b): draw(st.integers(5, 60)) for a in PLACES for b in PLACES if a < b}
    meal = draw(st.sampled_from([None, ("12:00", "15:00", 45)]))
    prob = problem(requests, days=[day(start="08:00", end="19:00", meal=meal)], travel=travel,
                   cap=draw(st.integers(3, 5)), buffer=draw(st.sampled_from([0, 10])))
    duals = draw(st.lists(st.integers(-20_000, 40_000), min_size=9, max_size=9))
    return prob, duals



@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(_busy_days())
def test_dominance_loses_no_better_route_than_every_route_enumerated(case):
    """Exact dominance (the nodes whose last start has passed counted as visited, the minutes
    left out when the day has no limit) finds the best route that enumerating every route
    finds, elementary or with ng-memories of two; with the completion bound too, the best
    elementary one (the bound only needs that: a label it drops may hold a better route that
    visits a node twice, never a better elementary one)."""
    prob, drawn = case
    instance = build_instance(prob)
    pricing = pricing_day(instance, 0, 2)
    duals = [float(drawn[r]) if r >= 0 else 0.0 for r in pricing.requests]
    elementary = (1 << pricing.size) - 1

    def best(critical, **kw):
        return price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12, critical=critical,
                         best_first=True, **kw).best

    for critical in (elementary, 0):
        assert abs(best(critical, prune=False) - best(critical, prune=False, dominate=False)) < 1e-6
    best_elementary = best(elementary, prune=False, dominate=False)
    assert abs(best(elementary) - best_elementary) < 1e-6
    assert best_elementary - 1e-6 <= best(0) <= best(0, prune=False) + 1e-6


def _cp_optimum(instance):
    planner = PlannerModel(instance)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 1
    code = solver.solve(planner.model)
    if code == cp_model.OPTIMAL:
        return solver.objective_value
    return None


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_the_bound_is_never_below_the_proven_optimum(prob):
    """From the empty routes alone, and from the heuristic's agenda with every route its
    search accepted as the first columns, the bound is at least CP-SAT's proven optimum."""
    instance = build_instance(prob)
    if not instance.requests:
        return
    optimum = _cp_optimum(instance)
    result = route_bound(instance, work=5_000_000)
    assert result.bound is not None and result.converged
    found = solve_heuristic(instance, seed=1, work=WORK_PER_SECOND // 20, seen_routes=20)
    seen = None if found is None else \
        route_bound(instance, work=5_000_000, routes=plan_routes(found.days) + found.seen)
    if optimum is not None:
        assert result.bound >= optimum
        assert seen is None or seen.bound is None or seen.bound >= optimum


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_the_bound_is_never_below_the_heuristics_agenda(prob):
    instance = build_instance(prob)
    if not instance.requests:
        return
    found = solve_heuristic(instance, seed=1, work=WORK_PER_SECOND // 10)
    if found is None or not found.complete:
        return
    result = route_bound(instance, work=5_000_000, routes=plan_routes(found.days))
    assert result.bound is not None
    assert result.bound >= found.objective


def test_the_solve_uses_the_route_bound_when_it_has_a_share(monkeypatch):
    monkeypatch.setattr(solve_budget, "ROUTE_BOUND_SHARE", 0.5)
    prob = problem([request("r1", [window("10:00", "12:00")], value=10, place="A"),
                    request("r2", [window("12:00", "15:00")], value=10, place="B"),
                    request("r3", [window("10:00", "11:00")], value=3, place="C")])
    result = solve(prob, SolveParams(time_limit=3, seed=1, workers=1))
    assert result.status == "optimal"
    assert result.bound is not None and result.bound >= result.objective


def test_the_route_bound_leaves_cp_sat_its_floor():
    assert solve_budget.route_bound_seconds(10.0, 4.0) == 10.0 * solve_budget.ROUTE_BOUND_SHARE
    assert solve_budget.route_bound_seconds(10.0, 2.0) == 1.0
    assert solve_budget.route_bound_seconds(10.0, 0.5) == 0.0


def test_a_delegations_guests_each_have_their_own_cap_in_the_bound():
    """Two guests on one date, a cap of one engagement a day: each serves one, so the bound
    must allow two on that date (a cap shared across guests would cut it below the agenda)."""
    from delegation_cases import delegation

    reqs = [request(f"r{i}", [window("09:00", "17:00")], place="A", value=10, guests=(guest,))
            for i, guest in enumerate(("anna", "boris"))]
    prob = delegation(reqs, cap=1)
    instance = build_instance(prob)
    found = solve(prob, SolveParams(time_limit=2.0, seed=0, workers=1))
    assert len(found.plan.engagements) == 2
    result = route_bound(instance, work=5_000_000)
    assert result.bound is not None and result.bound >= found.objective


def test_the_route_bound_gives_up_at_its_first_bound_work_without_an_exact_round():
    """With too little work for one whole exact round, it stops at ``first_bound_work`` (the
    same way every time): among the fast rounds with no bound, inside the exact round with
    the bound of what that round priced (``tests/test_route_bound_cut_short.py``), beyond
    its give-up point only by the bounds of the days after the cut; with enough work, the
    whole bound."""
    prob = problem([request(f"r{i}", [window("09:00", "18:00")], place="AB"[i % 2], value=5 + i)
                    for i in range(8)])
    instance = build_instance(prob)
    full = route_bound(instance, work=5_000_000)
    assert full.bound is not None
    first = next(i for i, (_, _, bound) in enumerate(full.history) if bound is not None)
    assert first >= 2, "the instance needs two fast rounds before its first exact one"
    among = full.history[1][0] - 1  # inside the second fast round
    starved = [route_bound(instance, work=5_000_000, first_bound_work=among) for _ in range(2)]
    assert starved[0].bound is None and not starved[0].stopped_by_clock
    assert starved[0].work <= among + 1
    assert starved[0] == starved[1]
    inside = (full.history[first - 1][0] + full.history[first][0]) // 2
    cut = route_bound(instance, work=5_000_000, first_bound_work=inside)
    assert cut.bound is not None and cut.bound >= full.bound and not cut.converged
    assert cut.work < full.work
    generous = route_bound(instance, work=5_000_000, first_bound_work=full.work)
    assert generous.bound == full.bound


def test_the_route_bound_gives_up_on_the_clock_only_while_it_has_no_bound():
    """Its clock's give-up point stops it, as the clock does, while no exact round has given
    a bound; once one has, only its own clock stops it."""
    prob = problem([request(f"r{i}", [window("09:00", "18:00")], place="AB"[i % 2], value=5 + i)
                    for i in range(8)])
    instance = build_instance(prob)
    full = route_bound(instance, work=5_000_000)
    assert full.bound is not None
    given_up = route_bound(instance, work=5_000_000, first_bound_out_of_time=lambda: True)
    assert given_up.bound is None and given_up.stopped_by_clock
    # A give-up point that passes at the first exact round's end: the bound is already there.
    asked = []

    def late() -> bool:
        asked.append(1)
        return len(asked) > 10 ** 6

    patient = route_bound(instance, work=5_000_000, first_bound_out_of_time=late)
    assert patient.bound == full.bound and not patient.stopped_by_clock


def _clock_give_up(monkeypatch, started: float, cp_seconds: float):
    """The route bound's clock give-up in a solve of a 10 s limit begun at 100 s whose route
    bound starts at ``started`` with ``cp_seconds`` of CP-SAT's budget before it, and the
    clock to move."""
    import scheduler.model.bound.generation as generation
    import scheduler.solve_route_bound as solve_route_bound
    from scheduler.solve_budget import SolveClock

    seen = {}
    real = generation.route_bound

    def spy(instance, **kw):
        seen["give_up"] = kw["first_bound_out_of_time"]
        return real(instance, **kw)

    monkeypatch.setattr(solve_route_bound, "route_bound", spy)
    prob = problem([request(f"r{i}", [window("09:00", "18:00")], place="AB"[i % 2], value=5 + i)
                    for i in range(8)])
    instance = build_instance(prob)
    found = solve_heuristic(instance, seed=1, work=WORK_PER_SECOND // 10)
    now = [100.0]
    clock = SolveClock(10.0, now=lambda: now[0])
    now[0] = started
    solve_route_bound.run_route_bound(instance, 10.0, cp_seconds, found, clock, False)
    return seen["give_up"], now


def test_the_solve_gives_cp_sat_its_share_when_the_route_bound_has_no_bound(monkeypatch):
    """A route bound that finds no bound stops where CP-SAT would keep less than its
    ``CP_SAT_MIN_SHARE`` of the limit (a heuristic that ran long must not starve CP-SAT)."""
    # The heuristic ran long: the route bound's own stop would be at 109 s.
    give_up, now = _clock_give_up(monkeypatch, 105.0, 5.0)
    now[0] = 100.0 + 10.0 * (1 - solve_budget.CP_SAT_MIN_SHARE) - 0.01
    assert not give_up()
    now[0] += 0.02
    assert give_up()


def _call(rid, start, end, value=5):
    return request(rid, [window(start, end)], duration=30, value=value, remote="phone")


def test_a_leg_is_never_split_around_a_call():
    # r1 ends 11:00 at A, the call is fixed 11:10-11:40, r2 starts at B at 11:50: the 20-minute
    # leg fits in neither gap (10 minutes each), though it would in both together.
    prob = problem([request("r1", [window("10:00", "11:00")], value=10, place="A"),
                    _call("call", "11:10", "11:40"),
                    request("r2", [window("11:50", "12:50")], value=10, place="B")],
                   objective=VALUE_ONLY)
    priced, ids = _best_route(prob, best_first=True)
    assert priced.best == 20
    assert all(set(route) != {"r1", "call", "r2"} for route in ids)


def test_a_leg_may_go_before_a_call_between_two_places():
    # The call may start 11:15-11:30: first (11:15-11:45) it leaves no time for the leg to
    # r2 at 11:50; after the leg (11:00-11:20) it fits 11:20-11:50.
    prob = problem([request("r1", [window("10:00", "11:00")], value=10, place="A"),
                    _call("call", "11:15", "12:00"),
                    request("r2", [window("11:50", "12:50")], value=10, place="B")],
                   objective=VALUE_ONLY)
    for best_first in (False, True):
        priced, ids = _best_route(prob, best_first=best_first)
        assert priced.best == 25
        assert sorted(ids[0]) == ["call", "r1", "r2"]


def test_the_leg_home_ends_by_the_days_end():
    # r1 at A ends at 19:40, 20 minutes from home, and the call must start at 19:40: home
    # before the call or after it, the guest is home only after 20:00, the day's end.
    prob = problem([request("r1", [window("19:00", "19:40")], duration=40, value=10, place="A"),
                    request("call", [window("19:40", "20:00")], duration=20, value=5,
                            remote="phone")],
                   objective=VALUE_ONLY)
    priced, ids = _best_route(prob, best_first=True)
    assert priced.best == 10
    assert all(set(route) != {"r1", "call"} for route in ids)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(_priced_tours())
def test_best_first_and_a_cut_short_pricing_bound_the_best_route(case):
    """Processing labels best first finds the same best elementary route; a pricing cut
    short returns at least it."""
    for pricing, duals, every in _days_under_duals(case):
        full = price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12, critical=every)
        best_first = price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12,
                               critical=every, best_first=True)
        assert abs(full.best - best_first.best) < 1e-6
        for enough in (1, 5, 50):
            cut = price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12, critical=every,
                            best_first=True, enough=enough)
            assert cut.best >= full.best - 1e-6


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_the_best_choice_of_routes_and_its_agenda_are_within_the_bound(prob):
    """One route a day chosen from the columns costs at most the bound, and the agenda CP-SAT
    makes of it (each request's day fixed) is within the bound too; the assumptions are
    cleared after."""
    from scheduler.model.bound import select_routes
    from scheduler.solve_route_bound import hint_pool_agenda

    instance = build_instance(prob)
    if not instance.requests:
        return
    result = route_bound(instance, work=5_000_000)
    chosen = select_routes(instance, result.columns, deterministic_seconds=1.0, wall_seconds=5.0)
    if chosen is None:
        return
    assert chosen.objective <= result.bound
    planner = PlannerModel(instance)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    _, hinted, _ = hint_pool_agenda(planner, chosen, -float("inf"), solver)
    if hinted:
        assert solver.objective_value <= result.bound
        assert not planner.model.proto.assumptions


def _pairwise_fast(bucket, new, credit):
    """The fast dominance as comparing ``new`` with every label kept at the node."""
    F = labelling
    for old in bucket:
        if old[F.FREE] <= new[F.FREE] and old[F.ATE] >= new[F.ATE] and \
                (old[F.COST] - credit if old[F.WORKED] and not new[F.WORKED] else old[F.COST]) \
                >= new[F.COST] - 1e-9:
            return bucket, False
    cost = new[F.COST] + 1e-9
    kept = [old for old in bucket
            if not (new[F.FREE] <= old[F.FREE] and new[F.ATE] >= old[F.ATE]
                    and (cost - credit if new[F.WORKED] and not old[F.WORKED] else cost)
                    >= old[F.COST])]
    return kept + [new], True


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(-30, 30), st.integers(0, 1),
                          st.booleans()), max_size=60),
       st.sampled_from([0, 5, 10]))
def test_the_fast_pricings_staircases_keep_the_labels_every_comparison_keeps(offers, credit):
    """Offering labels to a node's staircases keeps and drops exactly the labels that
    comparing each new one with every label kept there does (so the fast pricing finds the
    same routes), and a label dropped is marked dead."""
    from scheduler.model.bound.fast_dominance import Staircases

    F = labelling
    stairs, bucket = Staircases(), []
    for free, cost, ate, worked in offers:
        label = [0] * 15
        label[F.COST], label[F.FREE], label[F.ATE], label[F.WORKED] = float(cost), free, ate, worked
        label[F.DEAD] = False
        bucket, expected = _pairwise_fast(bucket, label, credit)
        kept, _ = stairs.offer(label, credit)
        assert kept == expected
        held = [id(old) for labels in stairs.labels for old in labels]
        assert sorted(held) == sorted(id(old) for old in bucket)
        assert all(not old[F.DEAD] for old in bucket)


def _after_each(pricing, node, minute):
    """When the guest is free after the call or meal ``node`` placed at its earliest from
    ``minute``, searched on its own (what the one pass of ``_arrivals`` must give)."""
    if pricing.kind[node] == MEAL:
        begin = earliest_start(pricing.ranges[node], False, pricing.step, minute)
        return float("inf") if begin is None else begin + pricing.duration[node]
    begin = earliest_start(pricing.ranges[node], pricing.on_grid[node], pricing.step,
                           minute + pricing.setup[node])
    return float("inf") if begin is None else begin + pricing.duration[node] + pricing.buffer


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(_busy_days(), st.lists(st.integers(0, 90), min_size=40, max_size=40),
       st.integers(8 * 60, 19 * 60), st.booleans())
def test_the_arrivals_after_a_call_are_each_legs_earliest(case, rises, ready, chained):
    """The arrivals after a call or the meal, walked in one pass over its start ranges, are
    for each leg the earlier of placing the call at its earliest after the leg and the leg
    after the call."""
    prob, _ = case
    pricing = pricing_day(build_instance(prob), 0)
    legs = {}
    lengths, _ = labelling._leg_lengths(pricing, pricing.day.start_place, legs)
    label = [None] * 15
    label[labelling.FREE] = label[labelling.LEG_READY] = ready
    label[labelling.PLACE] = pricing.day.start_place
    if chained:
        minute, arrivals = ready, []
        for rise, _length in zip(rises, lengths):
            minute += rise
            arrivals.append(minute)
        label[labelling.ARRIVALS] = tuple(arrivals)
    before = label[labelling.ARRIVALS] or [ready + length for length in lengths]
    for node in range(pricing.size):
        if pricing.kind[node] == labelling.IN_PERSON:
            continue
        free = _after_each(pricing, node, ready)
        if free == float("inf"):
            continue
        expected = tuple(min(_after_each(pricing, node, arrival), free + length)
                         for arrival, length in zip(before, lengths))
        assert labelling._arrivals(pricing, label, node, free, legs) == expected


def test_the_give_up_asks_no_more_for_cp_sat_than_its_budget_planned(monkeypatch):
    """Where the heuristic has most of the limit, CP-SAT is planned less than its minimum
    share: the give-up leaves it what was planned (its budget less the route bound's work to
    its give-up), not more, so that the work's give-up comes first on a machine that keeps
    the calibration."""
    import scheduler.solve_route_bound as solve_route_bound
    from scheduler.solve_budget import route_bound_seconds

    cp_seconds = 2.0
    give_up, now = _clock_give_up(monkeypatch, 107.0, cp_seconds)  # the heuristic used its 80 %
    planned = cp_seconds - solve_route_bound.FIRST_BOUND_SHARE * route_bound_seconds(10.0, cp_seconds)
    assert planned < solve_budget.CP_SAT_MIN_SHARE * 10.0
    now[0] = 110.0 - planned - 0.01
    assert not give_up()
    now[0] += 0.02
    assert give_up()
