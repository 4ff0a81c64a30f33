"""Rules between requests (before, apart, gap), the daily limits and the balance term: in the
model and in the heuristic, each biting once and idle once, and random tours with random rules."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from builders import DAY, day, next_day, problem, request, t, window
from conftest import solve_checked
from scheduler.domain import DomainError, Objective, TourRule
from test_heuristic import heuristic_checked, tours

TWO_DAYS = [day(DAY), day(next_day(DAY))]


def with_rules(prob, *rules, minutes_cap=None, rest=0, balance=0):
    tour = dataclasses.replace(prob.tour, max_engagement_minutes_per_day=minutes_cap,
                               min_rest_minutes=rest,
                               objective=dataclasses.replace(prob.tour.objective,
                                                             balance_weight=balance))
    return dataclasses.replace(prob, tour=tour, rules=tuple(rules))


def starts(result):
    return {e.request_id: e.start for e in result.plan.engagements}


def both_ways(prob):
    """The engine's plan (checked) and the heuristic's agenda alone (checked twice)."""
    result = solve_checked(prob)
    heuristic_checked(prob)
    return result


def test_before_puts_then_after_first_on_one_day():
    """The exclusive ``first`` may go from 9:00 and the ``then`` is worth more early: it still waits."""
    reqs = [request("first", [window("09:00", "18:00")], value=5),
            request("then", [window("09:00", "18:00")], value=50, place="A")]
    result = both_ways(with_rules(problem(reqs), TourRule("before", 1, first=("first",),
                                                          then=("then",))))
    placed = starts(result)
    assert placed["then"] >= placed["first"] + timedelta(minutes=60)


def test_before_drops_the_first_when_the_then_comes_earlier_only():
    """``then`` only on day 1, ``first`` only on day 2: both cannot be served."""
    reqs = [request("first", [window("09:00", "12:00", next_day(DAY))], value=5),
            request("then", [window("09:00", "12:00")], value=50)]
    rule = TourRule("before", 1, first=("first",), then=("then",))
    assert set(starts(both_ways(with_rules(problem(reqs, days=TWO_DAYS), rule)))) == {"then"}
    assert set(starts(both_ways(problem(reqs, days=TWO_DAYS)))) == {"first", "then"}


def test_apart_puts_rival_channels_on_different_days():
    reqs = [request(r, [window("09:00", "18:00"), window("09:00", "18:00", next_day(DAY))],
                    value=10 + i) for i, r in enumerate(("tve", "antena3", "cuatro"))]
    rule = TourRule("apart", 1, requests=("tve", "antena3", "cuatro"))
    result = both_ways(with_rules(problem(reqs, days=TWO_DAYS), rule))
    days = [e.day for e in result.plan.engagements]
    assert len(days) == len(set(days)) == 2
    assert len(both_ways(problem(reqs, days=TWO_DAYS)).plan.engagements) == 3


def test_gap_keeps_two_interviews_apart():
    reqs = [request("a", [window("10:00", "12:00")], place="A"),
            request("b", [window("10:00", "14:00")], place="A")]
    rule = TourRule("gap", 1, requests=("a", "b"), minutes=90)
    placed = starts(both_ways(with_rules(problem(reqs), rule)))
    first, second = sorted(placed.values())
    assert second - first >= timedelta(minutes=60 + 90)
    tight = TourRule("gap", 1, requests=("a", "b"), minutes=200)
    assert len(starts(both_ways(with_rules(problem(reqs), tight)))) == 1


def test_engagement_minutes_a_day_are_limited():
    reqs = [request(f"r{i}", [window("09:00", "19:00")], value=10, place="A") for i in range(4)]
    assert len(starts(both_ways(with_rules(problem(reqs), minutes_cap=150)))) == 2
    assert len(starts(both_ways(with_rules(problem(reqs), minutes_cap=240)))) == 4


def test_rest_between_days_moves_the_morning_engagement():
    """A late evening engagement and an early one the next day: 12 hours of rest apart."""
    days = [day(DAY, "09:00", "23:00"), day(next_day(DAY), "07:00", "20:00")]
    reqs = [request("late", [window("21:00", "22:00")], value=20),
            request("early", [window("07:00", "12:00", next_day(DAY))], value=10)]
    placed = starts(both_ways(with_rules(problem(reqs, days=days), rest=12 * 60)))
    assert placed["early"] >= placed["late"] + timedelta(hours=13)
    cut = [reqs[0], request("early", [window("07:00", "09:00", next_day(DAY))], value=10)]
    assert set(starts(both_ways(with_rules(problem(cut, days=days), rest=12 * 60)))) == {"late"}


def test_balance_spreads_the_engagements_over_the_days():
    """Four requests open on both days: without balance the travel and span terms may bunch
    them; with it they are two and two."""
    reqs = [request(f"r{i}", [window("09:00", "18:00"), window("09:00", "18:00", next_day(DAY))],
                    value=10, duration=30) for i in range(4)]
    balanced = with_rules(problem(reqs, days=TWO_DAYS, objective=Objective(1000, 10, 1)), balance=500)
    result = both_ways(balanced)
    per_day = [len(result.plan.engagements_on(d.date)) for d in balanced.tour.days]
    assert per_day == [2, 2]


def test_a_rule_naming_a_request_twice_is_refused():
    with pytest.raises(DomainError, match="twice"):
        TourRule("before", 1, first=("a",), then=("a",))
    with pytest.raises(DomainError, match="two requests"):
        TourRule("apart", 1, requests=("a",))


@st.composite
def ruled_tours(draw):
    """The heuristic's random small tours with random rules, a minute limit and rest."""
    prob = draw(tours())
    ids = [r.id for r in prob.requests]
    rules = []
    if len(ids) >= 2:
        for number in range(1, draw(st.integers(0, 2)) + 1):
            members = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=4, unique=True))
            kind = draw(st.sampled_from(["before", "apart", "gap"]))
            if kind == "before":
                cut = draw(st.integers(1, len(members) - 1))
                rules.append(TourRule("before", number, first=tuple(members[:cut]),
                                      then=tuple(members[cut:])))
            else:
                rules.append(TourRule(kind, number, requests=tuple(members),
                                      minutes=draw(st.sampled_from([0, 30, 120])) if kind == "gap" else 0))
    return with_rules(prob, *rules, minutes_cap=draw(st.sampled_from([None, 60, 120])),
                      rest=draw(st.sampled_from([0, 0, 14 * 60])),
                      balance=draw(st.sampled_from([0, 0, 50])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ruled_tours(), st.integers(0, 2))
def test_random_tours_with_rules_give_plans_the_checker_accepts(tour, seed):
    """Whatever the rules, the heuristic's agenda keeps them (exact model and checker agree,
    with the same objective) and so does the engine's plan."""
    if any(r.mandatory for r in tour.requests):
        tour = dataclasses.replace(tour, requests=tuple(dataclasses.replace(r, mandatory=False)
                                                        for r in tour.requests))
    heuristic_checked(tour, seed=seed, work=60_000)
    solve_checked(tour)


def test_a_replan_keeps_a_before_rule_with_one_side_done():
    """The ``then`` is done on day 1 before the re-plan; the ``first``, planned on day 2 by a
    plan made without the rule, cannot be served after it. With the ``first`` done, the
    ``then`` stays."""
    from scheduler.planfile import plan_to_dict
    from scheduler.checker import assert_valid
    from scheduler.replan import Changes, replan
    from scheduler.solve import SolveParams, solve

    reqs = [request("then", [window("09:00", "10:30")], value=10),
            request("first", [window("09:00", "18:00", next_day(DAY))], value=10),
            request("other", [window("11:00", "18:00", next_day(DAY))], value=5, place="B")]
    rule = TourRule("before", 1, first=("first",), then=("then",))
    params = SolveParams(time_limit=2.0, seed=0, workers=2)
    loose = solve(problem(reqs, days=TWO_DAYS), params).plan
    assert {e.request_id for e in loose.engagements} == {"then", "first", "other"}
    ruled = dataclasses.replace(loose, problem=with_rules(loose.problem, rule))
    after = replan(ruled, Changes(), now=t("12:00"), params=params)
    assert_valid(plan_to_dict(after.plan))
    assert {e.request_id for e in after.plan.engagements} == {"then", "other"}
    assert after.plan.problem.rules == (rule,)
    reversed_rule = TourRule("before", 1, first=("then",), then=("first",))
    kept = dataclasses.replace(loose, problem=with_rules(loose.problem, reversed_rule))
    again = replan(kept, Changes(), now=t("12:00"), params=params)
    assert_valid(plan_to_dict(again.plan))
    assert {e.request_id for e in again.plan.engagements} == {"then", "first", "other"}


def test_the_reason_names_the_rule():
    """The ``then`` can only come before the exclusive ``first``, which is worth more."""
    reqs = [request("elpais", [window("11:00", "12:00")], value=50, title="El País"),
            request("tve", [window("09:00", "11:00")], value=10, title="TVE")]
    rule = TourRule("before", 1, first=("elpais",), then=("tve",))
    result = solve_checked(with_rules(problem(reqs), rule))
    reason = {u.request_id: u.reason for u in result.plan.unscheduled}["tve"]
    assert "must come after El País" in reason and "rule before #1" in reason
    apart = TourRule("apart", 1, requests=("elpais", "tve"))
    result = solve_checked(with_rules(problem(reqs), apart))
    assert "rule apart #1" in {u.request_id: u.reason for u in result.plan.unscheduled}["tve"]


def test_the_conflict_search_names_the_rule():
    """Two mandatory rival channels whose only windows are on the one day: the apart rule."""
    from scheduler.diagnose import diagnose_infeasible
    from conftest import FAST

    reqs = [request("tve", [window("10:00", "11:00")], 30, mandatory=True, title="TVE"),
            request("a3", [window("15:00", "16:00")], 30, mandatory=True, title="Antena 3")]
    conflict = diagnose_infeasible(with_rules(problem(reqs), TourRule("apart", 1, requests=("tve", "a3"))),
                                   FAST)
    assert [rule.key for rule in conflict.rules] == ["rule@rule apart #1"]
    assert "rule apart #1: at most one a day of TVE, Antena 3" in conflict.headline


RULES_TOML = '''
[[rules]]
kind = "before"
first = ["elpais"]
then = ["telemadrid", "elpais"]

[[rules]]
kind = "gap"
requests = ["elpais", "lavangardia"]
minutes = -5

[[rules]]
kind = "bfore"
'''


def _tour_with(tmp_path, extra: str, limits: str = ""):
    import shutil
    from scheduler.resources import demo_tour

    folder = tmp_path / "tour"
    shutil.copytree(demo_tour(), folder)
    text = (folder / "tour.toml").read_text(encoding="utf-8")
    text = text.replace("min_buffer_minutes = 15", "min_buffer_minutes = 15\n" + limits)
    (folder / "tour.toml").write_text(text + extra, encoding="utf-8")
    return folder


def test_reading_rules_names_every_problem_with_line_and_field(tmp_path):
    from scheduler.errors import InputError
    from scheduler.io import load_tour

    with pytest.raises(InputError) as caught:
        load_tour(_tour_with(tmp_path, RULES_TOML, "min_rest_hours = 30\n"))
    text = str(caught.value)
    assert "[limits.min_rest_hours]" in text
    assert "[rules.then]: rule before #1 names `elpais` in both first and then" in text
    assert "rule gap #1 names `lavangardia`, which is not a request (did you mean `lavanguardia`?)" in text
    assert "[rules.minutes]: `rules.minutes` must be a whole number from 0" in text
    assert "unknown rule kind `bfore` (did you mean `before`?)" in text


def test_rules_and_limits_are_read_and_kept_by_the_plan_file(tmp_path):
    from scheduler.io import load_tour
    from scheduler.planfile import plan_from_dict, plan_to_dict
    from scheduler.solve import SolveParams, solve

    folder = _tour_with(tmp_path, '''balance_weight = 20

[[rules]]
kind = "apart"
requests = ["telemadrid", "antena3"]
''', "max_engagement_minutes_per_day = 300\nmin_rest_hours = 11.5\n")
    prob = load_tour(folder)
    assert prob.rules == (TourRule("apart", 1, requests=("telemadrid", "antena3")),)
    assert prob.tour.min_rest_minutes == 690 and prob.tour.max_engagement_minutes_per_day == 300
    assert prob.tour.objective.balance_weight == 20
    plan = solve(prob, SolveParams(time_limit=3.0, seed=0, workers=2)).plan
    data = plan_to_dict(plan)
    from scheduler.checker import assert_valid
    assert_valid(data)
    again = plan_from_dict(data)
    assert again.problem.rules == prob.rules and again.problem.tour == prob.tour
