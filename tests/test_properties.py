"""Property: any valid generated tour gets a plan that passes the independent checker."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import HealthCheck, event, given, settings, strategies as st
from ortools.sat.python import cp_model

from builders import DAY, day, problem, request, window
from conftest import solve_checked
from scheduler.errors import InfeasibleError
from scheduler.model.cpmodel import PlannerModel, exclusive_pairs, shortest_travel
from scheduler.model.instance import build_instance
from scheduler.solve import SolveParams

PLACES = ("H", "A", "B", "C")
QUICK = SolveParams(time_limit=1.0, seed=0, workers=1)


@st.composite
def tours(draw):
    """Small tours: 1–3 days, 1–8 requests with 1–2 windows, remote ones, meals, caps, buffers."""
    n_days = draw(st.integers(1, 3))
    days = []
    for i in range(n_days):
        date = DAY + timedelta(days=i)
        start = draw(st.sampled_from(["08:00", "09:00", "10:00"]))
        end = draw(st.sampled_from(["17:00", "19:00", "21:00"]))
        meal = draw(st.sampled_from([None, ("13:00", "15:00", 45), ("13:30", "16:00", 60)]))
        days.append(day(date, start, end, meal=meal))
    requests = []
    for index in range(draw(st.integers(1, 8))):
        windows = []
        for _ in range(draw(st.integers(1, 2))):
            date = DAY + timedelta(days=draw(st.integers(0, n_days)))  # may fall after the tour
            start_minutes = draw(st.integers(8, 19)) * 60 + draw(st.sampled_from([0, 15, 30]))
            end_minutes = min(start_minutes + draw(st.sampled_from([30, 60, 90, 180])), 23 * 60 + 55)
            windows.append(window(f"{start_minutes // 60:02d}:{start_minutes % 60:02d}",
                                  f"{end_minutes // 60:02d}:{end_minutes % 60:02d}", date))
        remote = draw(st.sampled_from([None, None, None, "phone"]))
        requests.append(request(
            f"r{index}", windows, duration=draw(st.sampled_from([20, 30, 45, 60])),
            value=draw(st.integers(0, 50)), place=draw(st.sampled_from(PLACES[1:])),
            remote=remote, setup_minutes=draw(st.sampled_from([0, 0, 15])),
            mandatory=draw(st.booleans()) and index == 0))
    travel = {(a, b): draw(st.integers(5, 60)) for a in PLACES for b in PLACES if a < b}
    return problem(requests, days=days, travel=travel, cap=draw(st.integers(1, 4)),
                   buffer=draw(st.sampled_from([0, 10, 15])))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tours())
def test_any_valid_tour_gets_a_checked_plan(tour):
    """Every generated tour gets a plan the checker accepts, or a reasoned InfeasibleError
    (only possible when a mandatory request is present)."""
    try:
        result = solve_checked(tour, QUICK)
    except InfeasibleError as error:
        assert any(r.mandatory for r in tour.requests)
        assert error.conflicts
        event("infeasible")
        return
    event(f"served {len(result.plan.engagements)}")
    served = {e.request_id for e in result.plan.engagements}
    missing = {u.request_id for u in result.plan.unscheduled}
    assert served | missing == {r.id for r in tour.requests}
    assert result.plan.value_served <= tour.total_value


class _WithoutExclusion(PlannerModel):
    """The model without its redundant pairwise rule, to check that rule against the others."""

    def _requests_that_exclude_each_other(self, v) -> None:
        return None


@st.composite
def crowded_days(draw):
    """One day with lunch and 4–10 requests in a morning, with set-ups, buffers, calls and
    travel times that need not obey the triangle inequality: many pairs clash."""
    requests = []
    for index in range(draw(st.integers(4, 10))):
        start_minutes = draw(st.integers(9 * 4, 12 * 4)) * 15
        length = draw(st.sampled_from([0, 15, 30, 60, 120]))
        duration = draw(st.sampled_from([20, 30, 45, 60]))
        end_minutes = start_minutes + duration + length
        requests.append(request(
            f"r{index}", [window(f"{start_minutes // 60:02d}:{start_minutes % 60:02d}",
                                 f"{end_minutes // 60:02d}:{end_minutes % 60:02d}")],
            duration=duration, place=draw(st.sampled_from(PLACES[1:])),
            remote=draw(st.sampled_from([None, None, "phone"])),
            setup_minutes=draw(st.sampled_from([0, 0, 15]))))
    travel = {(a, b): draw(st.integers(1, 90)) for a in PLACES for b in PLACES if a != b}
    return problem(requests, days=[day(start="08:00", meal=("13:00", "16:00", 45))], travel=travel,
                   buffer=draw(st.sampled_from([0, 10, 15])))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_days())
def test_exclusive_pairs_cannot_be_served_together(tour):
    """Every pair the redundant rule excludes really cannot share its day: the model without
    the rule, holding only those two requests and forced to serve both, has no solution."""
    instance = build_instance(tour)
    shortest = shortest_travel(instance.travel)
    checked = 0
    for d in instance.days:
        candidates = instance.candidates(d.index)
        for first, second in exclusive_pairs(instance, d.index, candidates, shortest):
            pair = tuple(dataclasses.replace(r, index=i, starts={d.index: r.starts[d.index]})
                         for i, r in enumerate((first, second)))
            reduced = dataclasses.replace(instance, requests=pair, cap=max(instance.cap, 2))
            planner = _WithoutExclusion(reduced)
            for literal in planner.present.values():
                planner.model.add(literal == 1)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            assert solver.solve(planner.model) == cp_model.INFEASIBLE, (first.id, second.id, d.index)
            checked += 1
    event(f"exclusive pairs checked: {min(checked, 3)}{'+' if checked >= 3 else ''}")
