"""The guest's timeline of a day: busy intervals, anchors, stop-overs and moves between places."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .plan_view import DayView, EngagementView, LegView, PlanView, RequestView


@dataclass(frozen=True, slots=True)
class Busy:
    """An interval of the guest's timeline: an engagement's occupancy, a break or a leg."""

    key: tuple[str, Any]
    start: datetime
    end: datetime
    what: str
    request_id: str | None

    @property
    def is_leg(self) -> bool:
        return self.key[0] == "leg"


def busy_intervals(plan: PlanView, day: DayView, with_legs: bool) -> list[Busy]:
    items = []
    for engagement in plan.engagements_on(day):
        start, end = plan.occupancy(engagement)
        items.append(Busy(("engagement", engagement.index), start, end,
                           f"{plan.who(engagement.request_id)}, occupying {plan.span(start, end)} "
                           f"(set-up and buffer included)", engagement.request_id))
    for item in day.breaks:
        items.append(Busy(("break", item.path), item.start, item.end,
                           f"the {item.kind} break {plan.span(item.start, item.end)}", None))
    if with_legs:
        for leg in plan.legs_on(day):
            what = "the fixed leg" if leg.fixed else "the travel leg"
            items.append(Busy(("leg", leg.index), leg.busy_start, leg.arrive,
                               f"{what} {leg.origin} → {leg.destination} "
                               f"{plan.span(leg.busy_start, leg.arrive)}", None))
    return sorted(items, key=lambda item: (item.start, item.end))


def overlapping_pairs(items: list[Busy]) -> Iterator[tuple[Busy, Busy]]:
    """Pairs of non-empty intervals that share an instant (touching ends do not overlap)."""
    for position, first in enumerate(items):
        for second in items[position + 1:]:
            if second.start >= first.end:
                break
            if first.start < first.end and second.start < second.end:
                yield first, second


def longest_free(start: datetime, end: datetime, blockers: Iterable[tuple[datetime, datetime]]) -> timedelta:
    """The longest stretch of [start, end) that no blocker covers."""
    if end <= start:
        return timedelta(0)
    clipped = sorted((max(b_start, start), min(b_end, end)) for b_start, b_end in blockers
                     if b_start < end and b_end > start and b_start < b_end)
    longest, cursor = timedelta(0), start
    for b_start, b_end in clipped:
        longest = max(longest, b_start - cursor)
        cursor = max(cursor, b_end)
    return max(longest, end - cursor)


@dataclass(frozen=True, slots=True)
class Move:
    """A change of place between two consecutive in-person anchors of a day."""

    origin: str
    destination: str
    after: datetime       # the stretch starts: the day's start, or the end of the occupancy left
    before: datetime      # the stretch ends: the day's end, or the start of the occupancy reached
    minutes: int
    free: timedelta       # the longest free stretch in between
    leaving: str
    reaching: str
    request_id: str | None

    @property
    def too_short(self) -> bool:
        return self.free < timedelta(minutes=self.minutes)


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where the guest must be over an interval: a day's start or end, or an in-person engagement."""

    begin: datetime
    finish: datetime
    place: str
    what: str
    engagement: EngagementView | None
    fixed_leg: int | None = None  # the index in tour.legs of a fixed leg this anchor ends or starts


def anchors_of(plan: PlanView, day: DayView) -> list[Anchor]:
    """The day's start place, its in-person engagements by occupancy and its stop-overs in
    time order, the day's end place."""
    start = Anchor(day.start, day.start, day.start_place, f"the day's start at {day.start_place}", None)
    end = Anchor(day.end, day.end, day.end_place, f"the day's end at {day.end_place}", None)
    in_person = []
    for engagement in plan.engagements_on(day):
        place = plan.place(engagement)
        if place is not None:
            begin, finish = plan.occupancy(engagement)
            in_person.append(Anchor(begin, finish, place, f"{plan.who(engagement.request_id)} at {place}",
                                     engagement))
    in_person.sort(key=lambda anchor: (anchor.begin, anchor.finish, anchor.engagement.index))
    # A fixed leg: the guest is at its origin by the check-in and at its destination on arrival.
    for leg in plan.fixed_legs_on(day):
        in_person.append(Anchor(leg.busy_start, leg.busy_start, leg.origin,
                                f"the {leg.label} at {leg.origin}", None, leg.index))
        in_person.append(Anchor(leg.arrive, leg.arrive, leg.destination,
                                f"the {leg.label} arriving at {leg.destination}", None, leg.index))
    # A stop-over comes before an engagement whose occupancy begins as the guest arrives.
    stops = sorted(stop_overs(plan, day, in_person + [end]), key=lambda anchor: anchor.finish)
    middle = sorted(stops + in_person, key=lambda anchor: (anchor.begin, anchor.engagement is not None))
    return [start, *middle, end]


def stop_overs(plan: PlanView, day: DayView, ahead: list[Anchor]) -> list[Anchor]:
    """The stop-overs of a day: where legs that departed before the last re-plan left the guest.

    A leg between different places that departed before ``plan.replanned`` is history. When
    it does not lead to the place of the next anchor (the first in-person engagement whose
    occupancy begins at or after its departure, else the day's end), the guest is at its
    destination from its arrival on, and the rest of the day goes on from there. Its anchor
    begins at the arrival (at the day's end at the latest, so the leg still lands within the
    day's hours) and ends at the arrival.
    """
    if plan.replanned is None:
        return []
    stops = []
    for leg in plan.legs_on(day):
        if leg.depart >= plan.replanned or leg.origin == leg.destination or leg.fixed:
            continue  # a fixed leg is an anchor of its own (anchors_of)
        following = next((anchor for anchor in ahead if anchor.begin >= leg.depart), ahead[-1])
        if following.place == leg.destination:
            continue
        stops.append(Anchor(min(leg.arrive, day.end), leg.arrive, leg.destination,
                             f"the stop-over at {leg.destination} (the travel leg {leg.origin} → "
                             f"{leg.destination} arriving {plan.clock(leg.arrive)} departed before the "
                             f"re-plan of {plan.clock(plan.replanned)})", None))
    return stops


def moves_of(plan: PlanView, day: DayView) -> list[Move]:
    """The changes of place of a day, between consecutive anchors at different places."""
    anchors = anchors_of(plan, day)
    busy = busy_intervals(plan, day, with_legs=False)
    busy += [Busy(("fixed", leg.index), leg.busy_start, leg.arrive, leg.label, None)
             for leg in plan.fixed_legs_on(day)]
    moves = []
    for left, reached in zip(anchors, anchors[1:], strict=False):
        if left.fixed_leg is not None and left.fixed_leg == reached.fixed_leg:
            continue  # the fixed leg itself
        minutes = plan.travel.get((left.place, reached.place))
        if left.place == reached.place or minutes is None:
            # No time for a place only an unknown request names: unknown_request says it.
            continue
        skip = {("engagement", a.engagement.index) for a in (left, reached) if a.engagement is not None}
        blockers = [(item.start, item.end) for item in busy if item.key not in skip]
        about = reached.engagement or left.engagement
        moves.append(Move(left.place, reached.place, left.finish, reached.begin, minutes,
                           longest_free(left.finish, reached.begin, blockers), left.what, reached.what,
                           about.request_id if about is not None else None))
    return moves


def match_legs(plan: PlanView, day: DayView) -> tuple[list[Move], dict[int, LegView], list[LegView]]:
    """Pair each move with a leg of the same places: first legs inside its stretch, then any.

    Returns the moves, the leg of each matched move (by position) and the legs left over.
    Legs between identical places are not moves and are left out of the pairing.
    """
    moves = moves_of(plan, day)
    unused = [leg for leg in plan.legs_on(day) if leg.origin != leg.destination and not leg.fixed]
    leg_of: dict[int, LegView] = {}
    for inside_only in (True, False):
        for position, move in enumerate(moves):
            if position in leg_of:
                continue
            for leg in unused:
                if (leg.origin, leg.destination) != (move.origin, move.destination):
                    continue
                if inside_only and not (move.after <= leg.depart and leg.arrive <= move.before):
                    continue
                leg_of[position] = leg
                unused.remove(leg)
                break
    return moves, leg_of, unused


def scheduled(plan: PlanView) -> Iterator[tuple[EngagementView, RequestView]]:
    for engagement in plan.engagements:
        request = plan.request(engagement.request_id)
        if request is not None:
            yield engagement, request


def minutes_text(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} min"


def where_text(place: str | None) -> str:
    return "remote (location null)" if place is None else f"at {place}"


def offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds() // 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"

