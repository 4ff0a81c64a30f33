"""Solving the remaining problem with the one engine, the old agenda as its baseline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, Mapping

from ..domain import Day, Engagement, Plan, Problem, Request, Window, utc
from ..errors import InfeasibleError
from ..formatting import format_day, format_time, place_name, when
from ..model.cpmodel import PinError
from ..model.instance import Instance, build_instance
from ..solve import LARGE_MODEL, Baseline, Result, SolveParams, model_size, solve
from ..timegrid import TimeGrid
from .changes import Changes
from .costs import change_costs_for
from .cut import DayCut
from .done_rules import done_rule_holes
from .remainder import Remaining, restrict

__all__ = ["SubPlan", "solve_remaining"]


@dataclass(frozen=True)
class SubPlan:
    """The solved remaining problem (all ``None`` when nothing remains to plan).

    Attributes
    ----------
    plan
        The agenda of what remains.
    instance
        The instance the solver saw (its pruned requests explain what could not fit).
    problem
        The remaining problem as solved (with the windows the re-plan cut out).
    warnings
        What the solve had to bend, in plain words (a stop-over).
    """

    plan: Plan | None
    instance: Instance | None
    problem: Problem | None
    warnings: tuple[str, ...]


def _placements(sub: Problem, remaining: Remaining, problem: Problem,
                engagements: Iterable[Engagement]) -> dict[str, tuple]:
    """Old engagements as (sub-problem day index, start minute); -1 for a day no longer planned.

    In a delegation each placement names its guest, ``(day, start, guest id)``: who attended
    it, or, when they can no longer go, the first of the request's guests who still can.
    """
    grid = TimeGrid.for_tour(sub.tour)
    tour = problem.tour
    present = set(sub.tour.guest_ids)
    placed: dict[str, tuple] = {}
    for engagement in engagements:
        start = grid.minutes(engagement.start)
        if not tour.is_delegation:
            index = next(i for i, d in enumerate(tour.days) if d.date == engagement.day)
            placed[engagement.request_id] = (remaining.day_of.get(("", index), -1), start)
            continue
        request = sub.request(engagement.request_id)
        guest = next((g for g in engagement.guests if g in request.guests), None) or \
            next((g for g in request.guests if g in present), None)
        if guest is None or guest not in present:
            placed[engagement.request_id] = (-1, start)
            continue
        index = next((i for i, d in enumerate(tour.days_of(guest)) if d.date == engagement.day), None)
        day = remaining.day_of.get((guest, index), -1) if index is not None else -1
        placed[engagement.request_id] = (day, start, guest) if day >= 0 else (-1, start)
    return placed


def _fits(instance: Instance, request_id: str, placement: tuple) -> bool:
    """Whether the request can start at ``placement`` (tour day, minute[, guest]) in the instance."""
    data = next((r for r in instance.requests if r.id == request_id), None)
    if data is None or placement[0] < 0:
        return False
    day, minute = instance.on_parts({request_id: placement})[request_id]
    if day not in data.starts:
        return False
    return any(low <= minute <= high for low, high in data.starts[day])


def _goes_to(request: Request, guest: str) -> bool:
    """Whether ``guest`` attends ``request`` wherever it is placed (always, for one guest)."""
    return not guest or (guest in request.guests and not request.guests_any)


def _may_go_to(request: Request, guest: str) -> bool:
    """Whether ``guest`` may attend ``request`` (surely, or as one of "any one of")."""
    return not guest or guest in request.guests


def solve_remaining(plan: Plan, problem: Problem, cuts: list[DayCut], remaining: Remaining,
                    changes: Changes, now: datetime, params: SolveParams) -> SubPlan:
    """Solve what remains with the old agenda as previous placements, hints and pins.

    Parameters
    ----------
    plan
        The plan being re-planned.
    problem
        The whole problem with the changes applied.
    cuts, remaining
        The day cut at ``now`` and the remaining problem made from it.
    changes
        The changes (their pins).
    now
        The moment of the re-plan.
    params
        Solver settings.

    Returns
    -------
    SubPlan
        The remaining agenda; empty when no time is left in the tour.

    Raises
    ------
    InfeasibleError
        When a pinned or mandatory engagement can no longer be kept.
    """
    sub = remaining.problem
    if sub is None:
        return SubPlan(None, None, None, ())
    zone = problem.tour.zone
    warnings: list[str] = []
    sub_ids = {r.id for r in sub.requests}
    done = {e.request_id for cut in cuts for e in cut.engagements}
    future = [e for e in plan.engagements if e.request_id not in done and e.request_id in sub_ids]
    previous = _placements(sub, remaining, problem, future)
    hints = {rid: placed for rid, placed in previous.items() if placed[0] >= 0}
    rules: dict[str, tuple[Window, ...]] = {}
    commit: dict[str, tuple[int, int]] = {}
    cap_days: dict[tuple[str, int], int] = {}  # cut key -> engagements still allowed that day
    minutes_days: dict[tuple[str, int], int] = {}  # cut key -> engagement minutes still allowed
    minutes_cap = problem.tour.max_engagement_minutes_per_day
    for rid, holes in done_rule_holes(problem, cuts).items():
        if rid in sub_ids:
            rules[rid] = rules.get(rid, ()) + holes
    for cut in cuts:
        if cut.past or cut.key not in remaining.day_of:
            continue
        sub_index = remaining.day_of[cut.key]
        sub_day = remaining.sub_days.get(cut.key) or sub.tour.days[sub_index]
        if cut.engagements:
            cap_days[cut.key] = problem.tour.max_engagements_per_day - len(cut.engagements)
            if minutes_cap is not None:
                minutes_days[cut.key] = minutes_cap - sum(
                    problem.request(e.request_id).duration_minutes for e in cut.engagements)
        if cut.heading:
            _hold_course(plan, problem, sub, cut, sub_index, sub_day, previous, commit, rules, warnings)
    sub_day_of = {cut.key: remaining.sub_days.get(cut.key) for cut in cuts if cut.key in remaining.day_of}
    for key, allowed in cap_days.items():
        if allowed <= 0:
            day = sub_day_of[key] or sub.tour.days[remaining.day_of[key]]
            for request in sub.requests:
                if _may_go_to(request, key[0]):
                    rules[request.id] = rules.get(request.id, ()) + (Window(day.start, day.end),)
    restricted = restrict(sub, rules)
    instance = build_instance(restricted)
    pinned = dict(commit)
    for rid in changes.pin:
        if rid in done or rid not in previous:
            continue  # already done or under way: it cannot move anyway
        if not _fits(instance, rid, previous[rid]):
            engagement = plan.engagement(rid)
            raise InfeasibleError(
                f"The pinned engagement cannot stay where it is after the re-plan from {when(now, zone=zone)}:",
                (f"{problem.request(rid).title} [{rid}] at {when(engagement.start, engagement.end, zone)}: "
                 "the guest cannot be there then any more (delay, travel or changed windows).",))
        pinned[rid] = previous[rid]
    # Nothing changed: the old agenda for what is left is still feasible and was chosen for
    # the whole tour, so it stays exactly as it is. On a large tour the change costs alone do
    # not guarantee that: a time-limited search from the old agenda can end elsewhere. Only
    # waiting requests may still join, in the time nothing uses.
    unchanged = _unchanged(instance, previous, done) if changes.is_empty else {}
    baseline = Baseline(pinned={**unchanged, **pinned} or None, previous=previous or None,
                        hints=hints or None, change_costs=change_costs_for(restricted))
    run = params
    if model_size(instance) <= LARGE_MODEL:
        # The old agenda is a complete, near-optimal start: CP-SAT from it proves the small
        # remaining problem in a fraction of the time the primal heuristic would spend first.
        # A large remainder (a long tour re-planned early) is too big for CP-SAT to load and
        # search in a re-plan's budget: there the heuristic starts from the old agenda, and
        # CP-SAT gets its complete agenda as a hint.
        run = replace(run, heuristic=False)
    try:
        result = _solve(restricted, run, baseline, changes, problem, now)
    except InfeasibleError:
        if not unchanged:
            raise
        # The old agenda no longer fits as a whole (the day under way holds the guest
        # elsewhere): plan the rest as after any change, with the change costs.
        baseline = replace(baseline, pinned=pinned or None)
        result = _solve(restricted, run, baseline, changes, problem, now)
    # The engine has one cap for every day, and a day already under way holds engagements
    # that count against it. Keep on such a day only the best of what the solve put there
    # (pinned and mandatory first, then value) and solve again, until no day is over: each
    # round only forbids more (an "any one of" that may go to the member too, for the whole
    # day, which is safe), so it ends within one round a day.
    for _ in range(len(set(cap_days) | set(minutes_days)) + 1):
        over = _over_the_day(result.plan, sub_day_of, problem, cap_days, minutes_days)
        if not over:
            break
        for key in over:
            day = sub_day_of[key]
            there = sorted((problem.request(e.request_id) for e in result.plan.engagements_of(key[0])
                            if e.day == day.date),
                           key=lambda r: (r.id not in pinned, not r.mandatory, -r.value, r.id))
            chosen = _best_within(there, cap_days.get(key), minutes_days.get(key))
            for request in restricted.requests:
                if request.id not in chosen and _may_go_to(request, key[0]):
                    rules[request.id] = rules.get(request.id, ()) + (Window(day.start, day.end),)
        restricted = restrict(sub, rules)
        result = _solve(restricted, run, baseline, changes, problem, now)
    return SubPlan(result.plan, result.instance, restricted, tuple(warnings))


def _over_the_day(plan: Plan, sub_days: Mapping[tuple[str, int], Day], problem: Problem,
                  cap_days: Mapping[tuple[str, int], int],
                  minutes_days: Mapping[tuple[str, int], int]) -> list[tuple[str, int]]:
    """The days under way (by cut key) where the solve placed more than the engagements done
    there leave room for (the engine's cap and minute limit are the same for every day)."""
    over = []
    for key in sorted(set(cap_days) | set(minutes_days)):
        there = [e for e in plan.engagements_of(key[0]) if e.day == sub_days[key].date]
        count = len(there)
        minutes = sum(problem.request(e.request_id).duration_minutes for e in there)
        if (key in cap_days and 0 < cap_days[key] < count) or \
                (key in minutes_days and minutes > max(minutes_days[key], 0)):
            over.append(key)
    return over


def _best_within(ranked, count: int | None, minutes: int | None) -> set[str]:
    """The first of ``ranked`` requests that fit within ``count`` engagements and ``minutes``."""
    chosen: set[str] = set()
    used = 0
    for request in ranked:
        if count is not None and len(chosen) >= count:
            break
        if minutes is not None and used + request.duration_minutes > minutes:
            continue
        chosen.add(request.id)
        used += request.duration_minutes
    return chosen


def _unchanged(instance: Instance, previous: Mapping[str, tuple],
               done: set[str]) -> dict[str, tuple]:
    """The old placements of what is left that still fit where they are, to be pinned."""
    return {rid: placement for rid, placement in previous.items()
            if rid not in done and placement[0] >= 0 and _fits(instance, rid, placement)}


def _hold_course(plan: Plan, problem: Problem, sub: Problem, cut: DayCut, sub_index: int,
                 sub_day: Day, previous: Mapping[str, tuple[int, int]], commit: dict[str, tuple[int, int]],
                 rules: dict[str, tuple[Window, ...]], warnings: list[str]) -> None:
    """The guest is on the way to (or waiting at) ``cut.position``: keep the route coherent.

    The engagement they are heading for stays where it is if it still can; no other
    in-person engagement comes before it; and a guest heading to where the day ends goes out
    to no other place that day (remote calls stay possible).
    """
    zone = problem.tour.zone
    ahead = sorted((e for e in plan.engagements_of(cut.guest)
                    if e.day == cut.day.date and e.location is not None and e not in cut.engagements),
                   key=lambda e: utc(e.start))
    target = ahead[0] if ahead and ahead[0].location == cut.position else None
    if target is None and cut.position == cut.day.end_location:
        hole = (Window(sub_day.start, sub_day.end),)
        for request in sub.requests:
            if request.location_id is not None and request.location_id != cut.position \
                    and _goes_to(request, cut.guest):
                rules[request.id] = rules.get(request.id, ()) + hole
        return
    placed = previous.get(target.request_id) if target is not None else None
    if target is not None and placed is not None and placed[0] == sub_index:
        instance = build_instance(sub)
        if _fits(instance, target.request_id, placed):
            commit[target.request_id] = placed
            hole = (Window(sub_day.start, target.end),)
            for request in sub.requests:
                if request.location_id is not None and request.location_id != cut.position \
                        and _goes_to(request, cut.guest):
                    rules[request.id] = rules.get(request.id, ()) + hole
            return
    what = (f"{plan.problem.request(target.request_id).title} [{target.request_id}]"
            if target is not None else "an engagement that is no longer in the agenda")
    warnings.append(f"{format_day(cut.day.date)}: the guest is on the way to "
                    f"{place_name(problem.locations, cut.position)} for {what}, which cannot happen "
                    f"as planned; the rest of the day starts there at {format_time(cut.free, zone)} "
                    "(a stop-over: the leg there has departed and stays in the plan).")


def _solve(sub: Problem, params: SolveParams, baseline: Baseline, changes: Changes, problem: Problem,
           now: datetime) -> Result:
    """One solve of the remaining problem; a failure names what cannot be kept and why."""
    zone = problem.tour.zone
    moment = when(now, zone=zone)
    try:
        return solve(sub, params, baseline, created=now)
    except PinError as error:
        request = problem.request(error.request_id)
        raise InfeasibleError(f"The engagement cannot stay where it is after the re-plan from "
                              f"{moment}:", (f"{request.title} [{request.id}]",)) from None
    except InfeasibleError as error:
        if changes.pin and baseline.pinned:
            commit_only = {rid: p for rid, p in baseline.pinned.items() if rid not in changes.pin}
            try:
                solve(sub, replace(params, time_limit=min(params.time_limit, 2.0)),
                      replace(baseline, pinned=commit_only or None), created=now)
            except InfeasibleError:
                pass
            else:
                raise InfeasibleError(
                    f"The pinned engagements cannot all stay where they are with the mandatory ones "
                    f"after the re-plan from {moment}; unpin one of them:",
                    tuple(f"{problem.request(rid).title} [{rid}]" for rid in changes.pin
                          if rid in baseline.pinned)) from None
        if error.conflicts:
            raise InfeasibleError(f"The re-plan from {moment} cannot keep every mandatory "
                                  f"engagement. {error}", error.conflicts) from None
        raise InfeasibleError(f"The re-plan from {moment} found no agenda. {error}") from None
