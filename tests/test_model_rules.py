"""One pair of tests per hard rule of the model: a case where the rule bites, one where it does not."""

from __future__ import annotations

import pytest

from builders import day, next_day, problem, request, t, window, DAY
from conftest import solve_checked
from scheduler.domain import Objective
from scheduler.errors import InfeasibleError
from scheduler.model.cpmodel import PlannerModel, exclusive_pairs, shortest_travel
from scheduler.model.instance import build_instance


def placed(result):
    return {e.request_id: e for e in result.plan.engagements}


def unscheduled(result):
    return {u.request_id: u for u in result.plan.unscheduled}


def test_engagement_lies_inside_its_window():
    """A 60-minute request with a 10:00–11:00 window starts exactly at 10:00."""
    result = solve_checked(problem([request("a", [window("10:00", "11:00")])]))
    assert placed(result)["a"].start == t("10:00")


def test_window_shorter_than_duration_is_reported():
    """A window shorter than the duration leaves the request out with reason too_short."""
    result = solve_checked(problem([request("a", [window("10:00", "10:45")])]))
    assert "a" not in placed(result)
    assert unscheduled(result)["a"].code == "too_short"


def test_window_outside_the_tour_is_reported():
    """A window on a date without a tour day gives reason no_window."""
    result = solve_checked(problem([request("a", [window("10:00", "12:00", next_day(DAY, 4))])]))
    assert unscheduled(result)["a"].code == "no_window"


def test_travel_time_separates_two_places():
    """Two 60-minute requests whose windows leave 20 minutes between them cannot both happen
    when the places are 40 minutes apart."""
    reqs = [request("a", [window("10:00", "11:00")], place="A", value=10),
            request("b", [window("11:20", "12:20")], place="B", value=20)]
    result = solve_checked(problem(reqs, travel={("A", "B"): 40}))
    assert set(placed(result)) == {"b"}
    assert unscheduled(result)["a"].code == "unreachable"
    assert "Request b" in unscheduled(result)["a"].reason
    assert "40 min away" in unscheduled(result)["a"].reason


def test_travel_time_fits_when_there_is_room():
    """The same two requests both happen when the places are 20 minutes apart."""
    reqs = [request("a", [window("10:00", "11:00")], place="A"),
            request("b", [window("11:20", "12:20")], place="B")]
    result = solve_checked(problem(reqs, travel={("A", "B"): 20}))
    assert set(placed(result)) == {"a", "b"}


def test_day_hours_include_travel_from_lodging():
    """A request at 09:00 sharp cannot be reached when the day starts at 09:00 at the hotel."""
    result = solve_checked(problem([request("a", [window("09:00", "10:00")])]))
    assert unscheduled(result)["a"].code == "unreachable"


def test_meal_break_is_kept():
    """With lunch 60 min inside 13:30–15:00, a 60-minute 13:30–15:30 request goes to 14:30."""
    d = day(meal=("13:30", "15:00", 60))
    result = solve_checked(problem([request("a", [window("13:30", "15:30")], remote="phone")], days=[d]))
    assert placed(result)["a"].start == t("14:30")
    meal = result.plan.breaks[0]
    assert (meal.start, meal.end) == (t("13:30"), t("14:30"))


def test_meal_break_blocks_what_cannot_move():
    """A request filling the whole meal window cannot be served."""
    d = day(meal=("13:30", "14:30", 60))
    result = solve_checked(problem([request("a", [window("13:00", "15:00")], duration=120, remote="video")], days=[d]))
    assert "a" not in placed(result)


def test_cap_per_day():
    """With a cap of 2, only the two most valuable of three easy requests are served."""
    reqs = [request(f"r{i}", [window("10:00", "19:00")], duration=30, value=v, place="A")
            for i, v in enumerate([5, 7, 9])]
    result = solve_checked(problem(reqs, cap=2))
    assert set(placed(result)) == {"r1", "r2"}
    assert "cap" in unscheduled(result)["r0"].reason


def test_cap_not_reached():
    """With a cap of 3, all three are served."""
    reqs = [request(f"r{i}", [window("10:00", "19:00")], duration=30, place="A") for i in range(3)]
    assert len(placed(solve_checked(problem(reqs, cap=3)))) == 3


def test_buffer_between_engagements():
    """Two back-to-back 60-minute requests at one place need the 15-minute buffer between them."""
    reqs = [request("a", [window("10:00", "11:00")]), request("b", [window("11:00", "12:30")])]
    result = solve_checked(problem(reqs, buffer=15))
    assert placed(result)["b"].start >= t("11:15")


def test_buffer_can_make_a_pair_impossible():
    """If the second window ends too early for the buffer, only one is served."""
    reqs = [request("a", [window("10:00", "11:00")], value=10),
            request("b", [window("11:00", "12:10")], value=5)]
    result = solve_checked(problem(reqs, buffer=15))
    assert set(placed(result)) == {"a"}


def test_fixed_start_is_kept():
    """A live show with a fixed start and set-up time starts exactly then."""
    r = request("live", [window("08:30", "09:30")], duration=30, fixed_start=t("08:45"), setup_minutes=20)
    result = solve_checked(problem([r], days=[day(start="07:30")]))
    assert placed(result)["live"].start == t("08:45")


def test_setup_time_needs_arrival_earlier():
    """With 30 minutes of set-up and 20 of travel, a 09:30 start is too early for a 09:00 day."""
    r = request("tv", [window("09:30", "10:30")], duration=60, setup_minutes=30)
    result = solve_checked(problem([r]))
    assert "tv" not in placed(result)


def test_mandatory_wins_over_value():
    """A mandatory request is served even when a rival at the same time is worth more."""
    reqs = [request("must", [window("10:00", "11:00")], value=1, mandatory=True),
            request("rich", [window("10:00", "11:00")], value=100, place="B")]
    result = solve_checked(problem(reqs))
    assert set(placed(result)) == {"must"}


def test_impossible_mandatory_pair_names_both():
    """Two mandatory requests at the same time in different places: no plan, both named."""
    reqs = [request("m1", [window("10:00", "11:00")], mandatory=True, title="PSOE meeting"),
            request("m2", [window("10:00", "11:00")], mandatory=True, place="B", title="Antena 3 live"),
            request("m3", [window("16:00", "17:00")], mandatory=True, place="C", title="Free one")]
    with pytest.raises(InfeasibleError) as caught:
        solve_checked(problem(reqs))
    text = "\n".join(caught.value.conflicts)
    assert "PSOE meeting" in text and "Antena 3 live" in text
    assert "Free one" not in text


def test_mandatory_outside_tour_is_infeasible():
    """A mandatory request with no window on the tour's days makes planning impossible."""
    reqs = [request("m", [window("10:00", "11:00", next_day(DAY, 9))], mandatory=True)]
    with pytest.raises(InfeasibleError, match="Mandatory"):
        solve_checked(problem(reqs))


def test_remote_engagement_never_during_travel():
    """A phone call whose only window is the travel time between two meetings cannot happen."""
    reqs = [request("a", [window("10:00", "11:00")], place="A", value=50),
            request("b", [window("12:00", "13:00")], place="B", value=50),
            request("call", [window("11:00", "12:00")], duration=60, remote="phone", value=5)]
    result = solve_checked(problem(reqs, travel={("A", "B"): 30}))
    assert {"a", "b"} <= set(placed(result))
    assert "call" not in placed(result)


def test_remote_engagement_fits_while_waiting():
    """A 20-minute call fits in the wait between two meetings with enough spare time."""
    reqs = [request("a", [window("10:00", "11:00")], place="A"),
            request("b", [window("12:00", "13:00")], place="B"),
            request("call", [window("11:00", "12:00")], duration=20, remote="phone")]
    result = solve_checked(problem(reqs, travel={("A", "B"): 30}))
    assert set(placed(result)) == {"a", "b", "call"}


def test_lodging_change_day_includes_the_move():
    """A day that ends at another city's hotel reserves the 180-minute move within its hours."""
    d = day(start="09:00", end="14:00", home="H", end_place="C")
    reqs = [request("a", [window("09:30", "14:00")], duration=60, place="A")]
    result = solve_checked(problem(reqs, days=[d], travel={("A", "C"): 180, ("H", "C"): 180}))
    engagement = placed(result)["a"]
    assert engagement.end <= t("11:00")


def test_daylight_saving_keeps_local_times():
    """Across the end of summer time, a 10:00 window is met at 10:00 local on both days."""
    from datetime import date
    sat, mon = date(2018, 10, 27), date(2018, 10, 29)
    reqs = [request("sat", [window("10:00", "11:00", sat)]), request("mon", [window("10:00", "11:00", mon)])]
    result = solve_checked(problem(reqs, days=[day(sat), day(mon)]))
    p = placed(result)
    assert p["sat"].start == t("10:00", sat) and p["mon"].start == t("10:00", mon)
    assert p["sat"].start.utcoffset() != p["mon"].start.utcoffset()


def test_value_then_less_travel():
    """Of two equally valuable places for one slot, the nearer one is chosen."""
    reqs = [request("near", [window("10:00", "11:00")], place="A", value=10),
            request("far", [window("10:00", "11:00")], place="B", value=10)]
    result = solve_checked(problem(reqs, travel={("H", "A"): 10, ("H", "B"): 50}))
    assert set(placed(result)) == {"near"}


def test_same_seed_same_agenda():
    """The same input, seed and limit give the same agenda."""
    reqs = [request(f"r{i}", [window("09:30", "19:00")], duration=45, value=i % 4 + 1,
                    place="ABC"[i % 3]) for i in range(12)]
    p = problem(reqs, days=[day(meal=("13:30", "16:00", 60))])
    first, second = solve_checked(p), solve_checked(p)
    assert first.plan.engagements == second.plan.engagements
    assert first.plan.travel == second.plan.travel


def test_objective_weights_are_respected():
    """With travel weighted above value, the planner prefers not to travel at all."""
    reqs = [request("a", [window("10:00", "11:00")], place="A", value=1)]
    result = solve_checked(problem(reqs, objective=Objective(value_weight=1, travel_weight=10, span_weight=0)))
    assert result.plan.engagements == ()


def _pair_ids(prob):
    instance = build_instance(prob)
    shortest = shortest_travel(instance.travel)
    return instance, {(a.id, b.id) for a, b in exclusive_pairs(instance, 0, instance.candidates(0), shortest)}


def _two_literal_at_most_ones(prob) -> int:
    model = PlannerModel(build_instance(prob)).model.proto
    return sum(1 for c in model.constraints if len(c.at_most_one.literals) == 2)


def test_requests_that_exclude_each_other_are_never_both_served():
    """Two calls at overlapping fixed times on a day with lunch: the model states at once that
    at most one of them is served, and the plan keeps the more valuable one."""
    d = day(meal=("13:00", "15:00", 60))
    reqs = [request("a", [window("10:00", "10:30")], duration=30, remote="phone", value=10),
            request("b", [window("10:15", "10:45")], duration=30, remote="phone", value=20),
            request("c", [window("16:00", "17:00")], duration=30, remote="phone")]
    prob = problem(reqs, days=[d])
    assert _pair_ids(prob)[1] == {("a", "b")}
    assert _two_literal_at_most_ones(prob) == 1
    assert set(placed(solve_checked(prob))) == {"b", "c"}


def test_exclusion_counts_the_shortest_chain_of_travel():
    """A to B is 100 minutes direct but 10 through C: a at A, c at C and b at B all fit in
    that order, so a and b are not exclusive although the direct trip is too long."""
    d = day(meal=("13:00", "15:00", 60))
    reqs = [request("a", [window("10:00", "11:00")], place="A"),
            request("c", [window("11:05", "11:15")], duration=10, place="C"),
            request("b", [window("11:20", "12:20")], place="B")]
    prob = problem(reqs, days=[d], travel={("A", "B"): 100, ("A", "C"): 5, ("C", "B"): 5})
    assert ("a", "b") not in _pair_ids(prob)[1]
    assert set(placed(solve_checked(prob))) == {"a", "b", "c"}


def test_route_only_days_go_without_the_exclusion_rule():
    """On a day without meal or calls the same clash is left to the precedences (the rule
    slows CP-SAT there): no pairwise rule is built, and still only one is served."""
    reqs = [request("a", [window("10:00", "11:00")], value=10),
            request("b", [window("10:30", "11:30")], value=20)]
    prob = problem(reqs)
    assert _pair_ids(prob)[1] == {("a", "b")}
    assert _two_literal_at_most_ones(prob) == 0
    assert set(placed(solve_checked(prob))) == {"b"}
