"""Rules about the guest's timeline: overlaps, travel time and the legs of each change of place."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from .plan_view import PlanView
from .timeline import busy_intervals, match_legs, minutes_text, moves_of, overlapping_pairs
from .violations import Violation


def overlap(plan: PlanView) -> Iterator[Violation]:
    """Forbid two engagements, or an engagement and a break, sharing time.

    An engagement occupies the guest from ``start - setup_minutes`` to
    ``end + min_buffer_minutes``; remote engagements too.
    """
    for day in plan.days:
        for first, second in overlapping_pairs(busy_intervals(plan, day, with_legs=False)):
            yield Violation("overlap", f"{first.what} overlaps {second.what}",
                            first.request_id or second.request_id, day.date)


def leg_overlap(plan: PlanView) -> Iterator[Violation]:
    """Forbid a travel leg sharing time with an engagement's occupancy, a break or another leg.

    A leg may start exactly when an occupancy ends (``end + min_buffer_minutes``).
    """
    for day in plan.days:
        for first, second in overlapping_pairs(busy_intervals(plan, day, with_legs=True)):
            if first.is_leg or second.is_leg:
                yield Violation("leg_overlap", f"{first.what} overlaps {second.what}",
                                first.request_id or second.request_id, day.date)


def travel_too_short(plan: PlanView) -> Iterator[Violation]:
    """Forbid a change of place without a contiguous free stretch as long as the travel time.

    Judged on the engagements and breaks alone, whatever legs the plan lists.
    """
    for day in plan.days:
        for move in moves_of(plan, day):
            if move.too_short:
                yield Violation("travel_too_short",
                                f"from {move.leaving} to {move.reaching} the guest needs {move.minutes} min "
                                f"of travel ({move.origin} → {move.destination}), but between "
                                f"{plan.span(move.after, move.before)} the longest free stretch is "
                                f"{minutes_text(move.free)}", move.request_id, day.date)


def leg_missing(plan: PlanView) -> Iterator[Violation]:
    """Forbid a change of place with no leg of the same places in the plan's ``travel``.

    A move already reported as ``travel_too_short`` is not reported again (no leg can fit it),
    and a move of 0 minutes (two places in one building) needs no leg.
    """
    for day in plan.days:
        moves, leg_of, _ = match_legs(plan, day)
        for position, move in enumerate(moves):
            if position not in leg_of and not move.too_short and move.minutes > 0:
                yield Violation("leg_missing",
                                f"no travel leg {move.origin} → {move.destination} on {day.date} takes the "
                                f"guest from {move.leaving} to {move.reaching} "
                                f"(between {plan.span(move.after, move.before)})", move.request_id, day.date)


def leg_misplaced(plan: PlanView) -> Iterator[Violation]:
    """Forbid a leg outside the stretch of its move: before the day's start or the end of the
    occupancy it leaves, or after the start of the occupancy it reaches or the day's end."""
    for day in plan.days:
        moves, leg_of, _ = match_legs(plan, day)
        for position, leg in sorted(leg_of.items()):
            move = moves[position]
            if leg.depart < move.after or leg.arrive > move.before:
                yield Violation("leg_misplaced",
                                f"the travel leg {leg.origin} → {leg.destination} at "
                                f"{plan.span(leg.depart, leg.arrive)} must lie between "
                                f"{plan.span(move.after, move.before)}, from {move.leaving} to {move.reaching}",
                                move.request_id, day.date)


def leg_unexpected(plan: PlanView) -> Iterator[Violation]:
    """Forbid a leg between two different places that matches no change of place of its day."""
    for day in plan.days:
        _, _, left_over = match_legs(plan, day)
        for leg in left_over:
            yield Violation("leg_unexpected",
                            f"the travel leg {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} matches no change of place of the guest "
                            f"on {day.date}", None, day.date)


def leg_wrong_minutes(plan: PlanView) -> Iterator[Violation]:
    """Forbid a leg whose ``minutes`` differ from ``travel_minutes`` (0 between identical
    places) or from ``arrive - depart``."""
    for leg in plan.legs:
        expected = 0 if leg.origin == leg.destination else plan.travel.get((leg.origin, leg.destination))
        if leg.fixed:
            expected = None  # a booked ride takes its own time
        taken = leg.arrive - leg.depart
        if expected is not None and leg.minutes != expected:
            yield Violation("leg_wrong_minutes",
                            f"the travel leg {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} says {leg.minutes} min, but the travel "
                            f"table says {expected} min", None, leg.home)
        elif taken != timedelta(minutes=leg.minutes):
            yield Violation("leg_wrong_minutes",
                            f"the travel leg {leg.origin} → {leg.destination} says {leg.minutes} min, but "
                            f"it departs {plan.clock(leg.depart)} and arrives {plan.clock(leg.arrive)} "
                            f"({minutes_text(taken)})", None, leg.home)



def fixed_leg(plan: PlanView) -> Iterator[Violation]:
    """Forbid a plan whose ``travel`` misses, moves or invents a fixed leg of ``tour.legs``.

    Every fixed leg on a working day is in ``travel`` with ``fixed`` true, the same places,
    departure, arrival and check-in; no other leg of ``travel`` is ``fixed``.
    """
    written = [leg for leg in plan.legs if leg.fixed]
    for leg in plan.fixed_legs:
        if leg.home is None:
            continue
        match = next((item for item in written if (item.origin, item.destination, item.depart, item.arrive,
                                                     item.checkin) == (leg.origin, leg.destination, leg.depart,
                                                                       leg.arrive, leg.checkin)), None)
        if match is None:
            yield Violation("fixed_leg", f"the {leg.label} {leg.origin} → {leg.destination} at "
                            f"{plan.span(leg.depart, leg.arrive)} is not in the plan's travel as a fixed "
                            "leg with the same times and check-in", None, leg.home)
        else:
            written.remove(match)
    for item in written:
        yield Violation("fixed_leg", f"the fixed leg {item.origin} → {item.destination} at "
                        f"{plan.span(item.depart, item.arrive)} is no leg of tour.legs", None, item.home)
