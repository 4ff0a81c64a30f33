"""Property: any valid generated tour gets a plan that passes the independent checker."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, event, given, settings, strategies as st

from builders import DAY, day, problem, request, window
from conftest import solve_checked
from scheduler.errors import InfeasibleError
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
