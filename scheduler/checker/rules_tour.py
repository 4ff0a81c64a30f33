"""Rules between requests (before, apart, gap) and the daily limits: engagement minutes, rest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from .plan_view import EngagementView, PlanView
from .timeline import minutes_text
from .violations import Violation


def _served(plan: PlanView, ids: tuple[str, ...]) -> list[EngagementView]:
    wanted = set(ids)
    return [e for e in plan.engagements if e.request_id in wanted]


def rule_before(plan: PlanView) -> Iterator[Violation]:
    """Forbid a ``then`` request of a ``before`` rule starting before a ``first`` one has ended."""
    for rule in plan.rules:
        if rule.kind != "before":
            continue
        for first in _served(plan, rule.first):
            for then in _served(plan, rule.then):
                if then.start < first.end:
                    yield Violation("rule_before",
                                    f"{plan.who(then.request_id)} at {plan.span(then.start, then.end)} starts "
                                    f"before {plan.who(first.request_id)} at {plan.span(first.start, first.end)} "
                                    f"has ended ({rule.label})", then.request_id, then.home)


def rule_apart(plan: PlanView) -> Iterator[Violation]:
    """Forbid two requests of an ``apart`` rule on one day."""
    for rule in plan.rules:
        if rule.kind != "apart":
            continue
        for day in plan.days:
            there = [e for e in plan.engagements_on(day) if e.request_id in rule.requests]
            if len(there) > 1:
                names = ", ".join(plan.who(e.request_id) for e in there)
                yield Violation("rule_apart", f"{day.date} has {names}; at most one of them a day "
                                f"({rule.label})", there[1].request_id, day.date)


def rule_gap(plan: PlanView) -> Iterator[Violation]:
    """Forbid less than a ``gap`` rule's minutes from the end of one of its requests to the
    start of the next one."""
    for rule in plan.rules:
        if rule.kind != "gap":
            continue
        served = sorted(_served(plan, rule.requests), key=lambda e: (e.start, e.index))
        for position, earlier in enumerate(served):
            for later in served[position + 1:]:
                if later.start - earlier.end < rule.minutes:
                    yield Violation("rule_gap",
                                    f"{plan.who(later.request_id)} at {plan.span(later.start, later.end)} "
                                    f"starts less than {minutes_text(rule.minutes)} after "
                                    f"{plan.who(earlier.request_id)} at {plan.span(earlier.start, earlier.end)} "
                                    f"ends ({rule.label})", later.request_id, later.home)


def too_many_minutes_per_day(plan: PlanView) -> Iterator[Violation]:
    """Forbid more engagement minutes (start to end) on a day than ``max_engagement_minutes_per_day``."""
    if plan.minutes_cap is None:
        return
    for day in plan.days:
        engagements = plan.engagements_on(day)
        total = sum((e.end - e.start for e in engagements), start=timedelta(0))
        if total > plan.minutes_cap:
            yield Violation("too_many_minutes_per_day",
                            f"{day.date} has {minutes_text(total)} of engagements; at most "
                            f"{minutes_text(plan.minutes_cap)} a day", None, day.date)


def rest_too_short(plan: PlanView) -> Iterator[Violation]:
    """Forbid less than ``min_rest_minutes`` from the end of a day's last engagement to the
    start of the set-up of the first engagement of the next day with engagements."""
    if not plan.rest:
        return
    previous = None  # (day, end of its last engagement)
    for day in plan.days:
        engagements = plan.engagements_on(day)
        if not engagements:
            continue
        first = min(engagements, key=lambda e: e.start - plan.setup(e))
        begins = first.start - plan.setup(first)
        if previous is not None and begins - previous[1] < plan.rest:
            yield Violation("rest_too_short",
                            f"{day.date} starts at {plan.clock(begins)} ({plan.who(first.request_id)}), "
                            f"less than {minutes_text(plan.rest)} after {previous[0].date} ended at "
                            f"{plan.clock(previous[1])}", first.request_id, day.date)
        previous = (day, max(e.end for e in engagements))
