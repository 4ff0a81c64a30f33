"""The tour's rules behind a conflict of mandatory requests: a deletion filter over rule groups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta

from ..domain import Problem, TravelTable
from ..formatting import format_day
from ..model.instance import build_instance
from ..solve import SolveParams, requests_fit
from ..window_fit import TourMinutes, days_touched, hours_text, local_midnight, plural
from .records import Rule

__all__ = ["necessary_rules", "problem_fits", "relaxed_problem"]


def _relaxable_rules(facts: TourMinutes, ids: Sequence[str]) -> list[Rule]:
    """The rule groups that may take part in a conflict of ``ids``, least telling first."""
    problem, tour = facts.problem, facts.tour
    requests = [problem.request(i) for i in ids]
    days: set[int] = set()
    for request in requests:
        for window in request.windows:
            days.update(days_touched(facts, window))
    rules: list[Rule] = []
    if tour.time_step_minutes > 1:
        rules.append(Rule("step", f"starts fall on the tour's {tour.time_step_minutes}-minute grid"))
    if tour.min_buffer_minutes:
        rules.append(Rule("buffer", f"the {tour.min_buffer_minutes}-minute buffer after each engagement"))
    own_places = sorted({r.location_id for r in requests if r.location_id is not None})
    lodging = sorted({p for i in days for p in (tour.days[i].start_location, tour.days[i].end_location)})
    pairs_lodging, pairs_own = [], []
    for a in own_places:
        for b in lodging:
            if a != b and (facts.travel(a, b) or facts.travel(b, a)):
                pairs_lodging.append((a, b))
    for position, a in enumerate(own_places):
        for b in own_places[position + 1:]:
            if facts.travel(a, b) or facts.travel(b, a):
                pairs_own.append((a, b))
    for a, b in pairs_lodging:
        rules.append(_travel_rule(facts, a, b))
    if tour.max_engagements_per_day < len(ids):
        rules.append(Rule("cap", f"the cap of {plural(tour.max_engagements_per_day, 'engagement')} a day"))
    for index in sorted(days):
        day = tour.days[index]
        if day.meal_window is not None:
            rules.append(Rule(f"meal@{day.date.isoformat()}",
                              f"the meal break on {format_day(day.date)} ({day.meal_minutes} min "
                              f"between {facts.hm(facts.grid.minutes_ceil(day.meal_window.start))} and "
                              f"{facts.hm(facts.minute(day.meal_window.end))})"))
    for index in sorted(days):
        day = tour.days[index]
        rules.append(Rule(f"hours@{day.date.isoformat()}",
                          f"the guest's hours on {format_day(day.date)} ({hours_text(facts, index)})"))
    for a, b in pairs_own:
        rules.append(_travel_rule(facts, a, b))
    wanted = set(ids)
    for rule in problem.rules:
        if len(wanted & set(rule.members)) >= 2:
            rules.append(Rule(f"rule@{rule.label}", _rule_text(problem, rule)))
    if tour.max_engagement_minutes_per_day is not None:
        rules.append(Rule("minutes", f"at most {tour.max_engagement_minutes_per_day} min of "
                          "engagements a day"))
    if tour.min_rest_minutes:
        rules.append(Rule("rest", f"{tour.min_rest_minutes // 60} h {tour.min_rest_minutes % 60:02d} "
                          "of rest between the last engagement of a day and the first of the next"))
    return rules


def _rule_text(problem: Problem, rule) -> str:
    """``rule before #1: El País before TVE`` (titles of the requests the problem holds)."""
    def names(ids) -> str:
        return ", ".join(problem.request(i).title if i in {r.id for r in problem.requests} else i
                         for i in ids)
    if rule.kind == "before":
        return f"{rule.label}: {names(rule.first)} before {names(rule.then)}"
    if rule.kind == "apart":
        return f"{rule.label}: at most one a day of {names(rule.requests)}"
    return f"{rule.label}: {rule.minutes} min between any two of {names(rule.requests)}"


def _travel_rule(facts: TourMinutes, a: str, b: str) -> Rule:
    there, back = facts.travel(a, b), facts.travel(b, a)
    minutes = f"{there}" if there == back else f"{there} (back {back})"
    return Rule(f"travel@{a}|{b}",
                f"{minutes} min of travel between {facts.place_name(a)} and {facts.place_name(b)}")


def relaxed_problem(problem: Problem, ids: Sequence[str], relaxed: Iterable[str]) -> Problem:
    """``problem`` with only the requests ``ids`` (all mandatory) and the rules ``relaxed`` lifted.

    Parameters
    ----------
    problem
        The tour's problem.
    ids
        The requests to keep; each is made mandatory.
    relaxed
        Rule keys (see :class:`~scheduler.diagnose.records.Rule`) to lift: the day's hours
        become the whole day, the meal break goes, the cap rises to the number of requests,
        the buffer is 0, the time step 1 minute, the travel between two places 0 minutes, a
        rule between requests (``rule@rule before #1``) goes, the minute limit and the rest go.
    """
    relaxed = set(relaxed)
    tour = problem.tour
    zone = tour.zone
    days = []
    for day in tour.days:
        key = day.date.isoformat()
        if f"hours@{key}" in relaxed:
            day = replace(day, start=local_midnight(day.date, zone),
                          end=local_midnight(day.date + timedelta(days=1), zone))
        if f"meal@{key}" in relaxed:
            day = replace(day, meal_window=None, meal_minutes=0)
        days.append(day)
    wanted = set(ids)
    requests = tuple(replace(r, mandatory=True) for r in problem.requests if r.id in wanted)
    tour = replace(tour, days=tuple(days),
                   max_engagements_per_day=(max(tour.max_engagements_per_day, len(requests))
                                            if "cap" in relaxed else tour.max_engagements_per_day),
                   min_buffer_minutes=0 if "buffer" in relaxed else tour.min_buffer_minutes,
                   time_step_minutes=1 if "step" in relaxed else tour.time_step_minutes)
    minutes = dict(problem.travel.minutes)
    for key in relaxed:
        if key.startswith("travel@"):
            a, b = key[len("travel@"):].split("|")
            for pair in ((a, b), (b, a)):
                if pair in minutes:
                    minutes[pair] = 0
    travel = TravelTable(minutes, problem.travel.estimated)
    if "minutes" in relaxed:
        tour = replace(tour, max_engagement_minutes_per_day=None)
    if "rest" in relaxed:
        tour = replace(tour, min_rest_minutes=0)
    kept_rules = tuple(rule for rule in problem.rules if f"rule@{rule.label}" not in relaxed)
    return Problem(tour, requests, problem.locations, travel, kept_rules, problem.resources)


def problem_fits(problem: Problem, params: SolveParams) -> bool:
    """Whether every request of ``problem`` can be served together.

    Parameters
    ----------
    problem
        A problem whose requests are all mandatory (see :func:`relaxed_problem`).
    params
        Seed and workers of the check (:func:`scheduler.solve.requests_fit`).

    Returns
    -------
    bool
        False as well when a request cannot be placed at all (the engine prunes it).
    """
    instance = build_instance(problem)
    if instance.pruned:
        return False
    return requests_fit(instance, [r.id for r in instance.requests], params)


def necessary_rules(facts: TourMinutes, ids: Sequence[str], params: SolveParams) -> tuple[Rule, ...]:
    """The tour's rule groups without which the requests ``ids`` would fit together.

    A deletion filter: each group in turn is lifted for good when the requests still do not
    fit without it; the groups left are each needed.

    Parameters
    ----------
    facts
        The problem in the engine's minutes.
    ids
        Mandatory requests that cannot all be served.
    params
        Seed and workers of the feasibility checks.

    Returns
    -------
    tuple of Rule
        Rules between requests first, then travel, hours, meal, cap, minutes, rest, buffer
        and time step.
    """
    relaxed: list[str] = []
    needed: list[Rule] = []
    for rule in _relaxable_rules(facts, ids):
        if problem_fits(relaxed_problem(facts.problem, ids, relaxed + [rule.key]), params):
            needed.append(rule)
        else:
            relaxed.append(rule.key)
    order = {"rule": -1, "travel": 0, "hours": 1, "meal": 2, "cap": 3, "minutes": 3, "rest": 3,
             "buffer": 4, "step": 5}
    return tuple(sorted(needed, key=lambda r: order.get(r.key.split("@")[0], 9)))
