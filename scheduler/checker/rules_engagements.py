"""Rules about each engagement: its day, window, duration, place, fixed start and hours."""

from __future__ import annotations

from collections.abc import Iterator

from .plan_view import PlanView
from .timeline import minutes_text, scheduled, where_text
from .violations import Violation


def wrong_day(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement or leg whose ``day`` is not the day whose hours hold its start."""
    for engagement in plan.engagements:
        if engagement.home is not None and engagement.home != engagement.label:
            yield Violation("wrong_day",
                            f"{plan.who(engagement.request_id)} at {plan.span(engagement.start, engagement.end)} "
                            f"is on day {engagement.home} but says day {engagement.label}",
                            engagement.request_id, engagement.home)
    for leg in plan.legs:
        if leg.home is not None and leg.home != leg.label:
            yield Violation("wrong_day",
                            f"the travel leg {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} is on day {leg.home} but says day {leg.label}",
                            None, leg.home)


def outside_window(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement that does not lie inside one of its request's windows (ends included)."""
    for engagement, request in scheduled(plan):
        if not any(start <= engagement.start and engagement.end <= end for start, end in request.windows):
            windows = "; ".join(plan.span(start, end) for start, end in request.windows) or "none"
            yield Violation("outside_window",
                            f"{plan.who(request.id)} at {plan.span(engagement.start, engagement.end)} is "
                            f"outside its windows ({windows})", request.id, engagement.home)


def wrong_duration(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement whose length differs from its request's ``duration_minutes``."""
    for engagement, request in scheduled(plan):
        length = engagement.end - engagement.start
        if length != request.duration:
            yield Violation("wrong_duration",
                            f"{plan.who(request.id)} at {plan.span(engagement.start, engagement.end)} lasts "
                            f"{minutes_text(length)}, but the request is for {minutes_text(request.duration)}",
                            request.id, engagement.home)


def wrong_location(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement whose location is not its request's (``null`` for a remote one)."""
    for engagement, request in scheduled(plan):
        if engagement.place != request.place:
            yield Violation("wrong_location",
                            f"{plan.who(request.id)} at {plan.span(engagement.start, engagement.end)} is "
                            f"placed {where_text(engagement.place)}, but the request is {where_text(request.place)}",
                            request.id, engagement.home)


def not_fixed_start(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement of a fixed-start request that starts at any other instant."""
    for engagement, request in scheduled(plan):
        if request.fixed_start is not None and engagement.start != request.fixed_start:
            yield Violation("not_fixed_start",
                            f"{plan.who(request.id)} starts {plan.clock(engagement.start)}, but its start "
                            f"is fixed at {plan.clock(request.fixed_start)}", request.id, engagement.home)


def outside_hours(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement (from ``start - setup_minutes`` to ``end``) or a break outside its
    day's hours, and an engagement or leg on no day of the tour."""
    for engagement in plan.engagements:
        if engagement.home is None:
            yield Violation("outside_hours",
                            f"{plan.who(engagement.request_id)} at {plan.span(engagement.start, engagement.end)} "
                            f"is on no day of the tour", engagement.request_id, engagement.label)
            continue
        day = plan.day(engagement.home)
        begin = engagement.start - plan.setup(engagement)
        if begin < day.start or engagement.end > day.end:
            yield Violation("outside_hours",
                            f"{plan.who(engagement.request_id)} needs the guest {plan.span(begin, engagement.end)} "
                            f"(set-up included), outside the day's hours {plan.span(day.start, day.end)}",
                            engagement.request_id, day.date)
    for day in plan.days:
        for item in day.breaks:
            if item.start < day.start or item.end > day.end:
                yield Violation("outside_hours",
                                f"the {item.kind} break {plan.span(item.start, item.end)} is outside the "
                                f"day's hours {plan.span(day.start, day.end)}", None, day.date)
    for leg in plan.legs:
        if leg.home is None:
            yield Violation("outside_hours",
                            f"the travel leg {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} is on no day of the tour", None, leg.label)

