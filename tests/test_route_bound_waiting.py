"""The route bound with waiting charged: the pricing against every route enumerated, each with
its best span found by brute force."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import day, problem, request, window
from scheduler.model.bound import route_bound
from scheduler.model.bound.days import IN_PERSON, pricing_day
from scheduler.model.bound.labelling import price_day
from scheduler.model.bound.columns import column_cost
from scheduler.model.instance import build_instance
from span_enumeration import best_span
from test_properties import PLACES, tours
from test_route_bound import _cp_optimum


@st.composite
def _waiting_days(draw):
    """One day of 5-7 requests whose windows make the guest wait (narrow ones far apart, and
    some with two start ranges), calls or not, the meal or not, and duals on each."""
    requests = []
    calls = draw(st.booleans())
    for index in range(draw(st.integers(5, 7))):
        ranges = []
        opening = draw(st.integers(8 * 4, 15 * 4)) * 15
        for _ in range(draw(st.sampled_from([1, 1, 2]))):
            closing = min(opening + draw(st.sampled_from([0, 15, 30, 60, 120])), 18 * 60)
            ranges.append(window(f"{opening // 60:02d}:{opening % 60:02d}",
                                 f"{(closing + 60) // 60:02d}:{(closing + 60) % 60:02d}"))
            opening = closing + 60 + draw(st.sampled_from([30, 60, 120]))
            if opening > 17 * 60:
                break
        requests.append(request(
            f"r{index}", ranges, duration=60, value=draw(st.integers(1, 50)),
            place=draw(st.sampled_from(PLACES)),
            remote=draw(st.sampled_from([None, None, "phone"])) if calls else None,
            setup_minutes=draw(st.sampled_from([0, 0, 15]))))
    travel = {(a, b): draw(st.integers(3, 50)) for a in PLACES for b in PLACES if a < b}
    meal = draw(st.sampled_from([None, ("12:00", "14:30", 45)]))
    prob = problem(requests, days=[day(start="08:00", end="21:00", meal=meal)], travel=travel,
                   cap=draw(st.integers(3, 5)), buffer=draw(st.sampled_from([0, 10])))
    duals = draw(st.lists(st.integers(-5_000, 40_000), min_size=7, max_size=7))
    return prob, duals


def _true_cost(pricing, nodes) -> int | None:
    """The route's objective at its best departure (brute force), ``None`` when it does not fit."""
    span = best_span(pricing, nodes)
    if span is None:
        return None
    place = pricing.day.start_place
    relaxed = 0
    worked = False
    for node in nodes:
        if pricing.kind[node] == IN_PERSON:
            relaxed += pricing.travel[place][pricing.place[node]] + pricing.occupancy[node]
            place = pricing.place[node]
            worked = True
    relaxed += pricing.travel[place][pricing.day.end_place] - (pricing.buffer if worked else 0)
    return pricing.route_cost(list(nodes)) - pricing.span_weight * (span - relaxed)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(_waiting_days())
def test_pricing_with_waiting_against_every_route_enumerated(case):
    """Every elementary route enumerated (no dominance, no completion bound) is charged at
    least its real cost at its best departure, exactly that on days without calls or the
    meal, and the column's cost is what the pricing charged it; the pricing with dominance and
    the completion bound finds the best of them."""
    prob, drawn = case
    instance = build_instance(prob)
    pricing = pricing_day(instance, 0, charge_waiting=True)
    elementary = (1 << pricing.size) - 1
    simple = all(kind == IN_PERSON for kind in pricing.kind)
    zero = [0.0] * pricing.size
    every = price_day(pricing, zero, 0.0, True, 10**8, routes_wanted=10**6, threshold=-1e12,
                      critical=elementary, prune=False, dominate=False)
    for cost, nodes in every.routes:
        real = _true_cost(pricing, nodes)
        assert real is not None
        assert cost >= real
        if simple:
            assert cost == real
        assert column_cost(pricing, nodes) == round(cost)
        assert cost <= pricing.route_cost([n for n in nodes]) + 1e-6
    duals = [float(drawn[r]) if r >= 0 else 0.0 for r in pricing.requests]

    def best(**kw):
        return price_day(pricing, duals, 0.0, True, 10**8, threshold=-1e12, critical=elementary,
                         best_first=True, **kw).best

    enumerated = best(prune=False, dominate=False)
    assert abs(best() - enumerated) < 1e-6
    assert abs(best(prune=False) - enumerated) < 1e-6


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_charging_waiting_stays_between_the_optimum_and_the_bound_without_it(prob):
    """Both relaxations converged: the one charging waiting is no higher (its columns cost no
    more, and its pricing finds the routes of highest cost with waiting charged), and never
    below the optimum CP-SAT proves."""
    instance = build_instance(prob)
    if not instance.requests:
        return
    plain = route_bound(instance, work=5_000_000, charge_waiting=False)
    charged = route_bound(instance, work=5_000_000, charge_waiting=True)
    assert plain.converged and charged.converged
    assert charged.bound <= plain.bound
    optimum = _cp_optimum(instance)
    if optimum is not None:
        assert charged.bound >= optimum


def test_a_call_ending_with_the_day_is_priced_with_waiting_charged():
    """A day of one call whose buffer runs past the day's end (the guest never leaves): the
    route serving it is found, as without waiting."""
    prob = problem([request("r0", [window("18:00", "19:00")], duration=60, value=1,
                            remote="phone")],
                   days=[day(start="08:00", end="19:00")], buffer=10, cap=1)
    instance = build_instance(prob)
    plain = route_bound(instance, work=1_000_000, charge_waiting=False)
    charged = route_bound(instance, work=1_000_000, charge_waiting=True)
    assert plain.bound == charged.bound >= 1000
