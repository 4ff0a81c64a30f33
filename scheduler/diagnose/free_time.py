"""Free time in a day of the current agenda: where the guest must be, and the room between."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..domain import Plan, Request
from ..model.extract import free_stretches
from ..window_fit import TourMinutes
from .guest_days import model_day, working_day

__all__ = [
    "Anchor",
    "day_agenda",
    "earliest_start_after",
    "latest_start_before",
    "room_in_agenda",
    "snap_to_step",
]


@dataclass(frozen=True, slots=True)
class Anchor:
    """A place the guest must be: the day's start or end place, or an in-person engagement."""

    kind: str  # day_start | engagement | day_end
    place: str
    ready: int  # when the guest must be there (start of set-up, or the day's end)
    free: int  # when the guest may leave (end + buffer, or the day's start)
    request_id: str | None
    title: str


def day_agenda(facts: TourMinutes, plan: Plan, index: int, skip: str | None = None,
               guest: str = "") -> tuple[list[Anchor], list[tuple[int, int, str]]]:
    """The anchors of a day in time order, and the busy intervals of remote calls and meals.

    Parameters
    ----------
    facts
        The problem in the engine's minutes.
    plan
        The current plan.
    index
        The day's index in the tour.
    skip
        A request whose engagement is left out (the one being explained).
    guest
        In a delegation, whose day it is: their hours, places, engagements and meal (they
        must have a working day that date).

    Returns
    -------
    (list of Anchor, list of (int, int, str))
        The day's start place, the in-person engagements and the day's end place; then the
        remote calls and the meal break as (start minute, end minute, name).
    """
    day = facts.instance.days[model_day(facts, index, guest)]
    tour_day = working_day(facts, index, guest)
    anchors = [Anchor("day_start", tour_day.start_location, day.start, day.start, None,
                       facts.place_name(tour_day.start_location))]
    blockers: list[tuple[int, int, str]] = []
    for engagement in plan.engagements_of(guest):
        if engagement.day != tour_day.date:
            continue
        if engagement.request_id == skip:
            continue
        request = facts.problem.request(engagement.request_id)
        start, end = facts.minute(engagement.start), facts.minute(engagement.end)
        if engagement.location is None:
            blockers.append((start - request.setup_minutes, end + facts.buffer, request.title))
        else:
            anchors.append(Anchor("engagement", engagement.location, start - request.setup_minutes,
                                   end + facts.buffer, request.id, request.title))
    for meal in plan.breaks_of(guest):
        if meal.day == tour_day.date:
            blockers.append((facts.minute(meal.start), facts.minute(meal.end), "the meal break"))
    anchors.append(Anchor("day_end", tour_day.end_location, day.end, day.end, None,
                           facts.place_name(tour_day.end_location)))
    middle = sorted(anchors[1:-1], key=lambda a: a.ready)
    return [anchors[0], *middle, anchors[-1]], sorted(blockers)


def _free_stretches(low: int, high: int, busy: Iterable[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The stretches of ``[low, high)`` that no busy interval covers, in time order."""
    return free_stretches(low, high, ((start, end) for start, end, _ in busy))


def earliest_start_after(free_from: int, travel: int, occupancy: int, setup: int,
                         blockers: Sequence[tuple[int, int, str]], limit: int) -> int | None:
    """The earliest start after leaving at ``free_from``: travel, then set-up, each in free time.

    Parameters
    ----------
    free_from
        When the guest may leave the previous place (minute).
    travel
        Minutes of travel to the request's place.
    occupancy
        Minutes the request takes there: set-up, the engagement and what must follow it.
    setup
        Its set-up minutes (the start comes after them).
    blockers
        Busy intervals (remote calls, the meal) as (start, end, name).
    limit
        The minute by which everything must be over.

    Returns
    -------
    int or None
        The start minute, or ``None`` when no free time is long enough.
    """
    stretches = _free_stretches(free_from, limit, blockers)
    arrive = None
    for low, high in stretches:
        if high - low >= travel:
            arrive = low + travel
            break
    if arrive is None:
        return None
    for low, high in _free_stretches(arrive, limit, blockers):
        if high - low >= occupancy:
            return low + setup
    return None


def latest_start_before(ready_by: int, travel: int, occupancy: int, tail: int,
                        blockers: Sequence[tuple[int, int, str]], floor: int) -> int | None:
    """The latest start that still leaves the travel to be ready at ``ready_by``.

    Parameters
    ----------
    ready_by
        When the guest must be at the next place (minute).
    travel
        Minutes of travel from the request's place to it.
    occupancy
        Minutes the request takes: set-up, the engagement and what must follow it.
    tail
        Minutes from the start to the moment the guest may leave (the engagement and what
        must follow it).
    blockers
        Busy intervals (remote calls, the meal) as (start, end, name).
    floor
        The minute before which nothing may start.

    Returns
    -------
    int or None
        The start minute, or ``None`` when no free time is long enough.
    """
    stretches = _free_stretches(floor, ready_by, blockers)
    leave = None
    for low, high in reversed(stretches):
        if high - low >= travel:
            leave = high - travel
            break
    if leave is None:
        return None
    for low, high in reversed(_free_stretches(floor, leave, blockers)):
        if high - low >= occupancy:
            return high - tail
    return None


def snap_to_step(low: int, high: int, step: int, fixed: bool) -> tuple[int, int]:
    """``low`` up and ``high`` down to the tour's time step (a ``fixed`` start stays where it is)."""
    if fixed or step == 1:
        return low, high
    return -(-low // step) * step, high // step * step


@dataclass(frozen=True, slots=True)
class _Gap:
    """The room for a request between two anchors of the current agenda, with and without travel."""

    before: Anchor
    after: Anchor
    low: int | None  # earliest start with travel
    high: int | None
    raw: bool  # whether it would fit without the travel
    travel_in: int
    travel_out: int


def _gaps(facts: TourMinutes, request: Request, span: tuple[int, int], anchors: list[Anchor],
          blockers: list[tuple[int, int, str]]) -> list[_Gap]:
    """For an in-person request that may start within ``span`` alone, its room between each
    two consecutive anchors of a day."""
    setup, duration, buffer = request.setup_minutes, request.duration_minutes, facts.buffer
    gaps = []
    for before, after in zip(anchors, anchors[1:], strict=False):
        if before.free >= span[1] + duration + buffer or after.ready <= span[0] - setup:
            continue  # this gap lies outside the window
        travel_in = facts.travel(before.place, request.location_id)
        travel_out = facts.travel(request.location_id, after.place)
        low, high = _starts_between(facts, request, span, before, after, blockers, travel_in,
                                    travel_out)
        raw_low, _ = _starts_between(facts, request, span, before, after, blockers, 0, 0)
        gaps.append(_Gap(before, after, low, high, raw_low is not None, travel_in, travel_out))
    return gaps


def _starts_between(facts: TourMinutes, request: Request, span: tuple[int, int], before: Anchor,
                    after: Anchor, blockers: list[tuple[int, int, str]], travel_in: int,
                    travel_out: int) -> tuple[int | None, int | None]:
    """The earliest and latest start between two anchors with these travel times, or ``None``s."""
    setup, duration = request.setup_minutes, request.duration_minutes
    end_tail = 0 if after.kind == "day_end" and not travel_out else facts.buffer
    occupancy = setup + duration + end_tail
    earliest = earliest_start_after(before.free, travel_in, occupancy, setup, blockers,
                                    after.ready)
    latest = latest_start_before(after.ready, travel_out, occupancy, duration + end_tail, blockers,
                                 before.free)
    if earliest is None or latest is None:
        return None, None
    low, high = snap_to_step(max(earliest, span[0]), min(latest, span[1]), facts.step,
                             request.fixed_start is not None)
    return (low, high) if low <= high else (None, None)


def _anchor_words(facts: TourMinutes, anchor: Anchor, leaving: bool) -> str:
    """An anchor for people: ``PSOE meeting (free at 11:15)``, ``Hotel (the day starts at 09:00)``."""
    if anchor.kind == "engagement":
        moment = facts.hm(anchor.free if leaving else anchor.ready)
        return f"{anchor.title} ({'free at' if leaving else 'from'} {moment})"
    return f"{anchor.title} ({'the day starts' if leaving else 'the day ends'} at {facts.hm(anchor.free)})"


def room_in_agenda(facts: TourMinutes, plan: Plan, request: Request, span: tuple[int, int],
                   index: int, guest: str = "") -> tuple[str, str]:
    """Whether the current agenda of day ``index`` has room for ``request``.

    Parameters
    ----------
    facts
        The problem in the engine's minutes.
    plan
        The current plan (``request`` is not in its agenda).
    request
        The request left out.
    span
        Its earliest and latest start minutes that day, alone.
    index
        The day's index in the tour.
    guest
        In a delegation, whose agenda it is read against.

    Returns
    -------
    (str, str)
        ``free``, ``travel`` (the time is free but the travel eats it), ``occupied`` or
        ``full`` (the daily cap), and the same in plain words.
    """
    tour_day = facts.tour.days[index]
    count = len([e for e in plan.engagements_of(guest) if e.day == tour_day.date])
    if count >= facts.tour.max_engagements_per_day:
        return "full", (f"the day already holds {count} engagements, the daily cap of "
                        f"{facts.tour.max_engagements_per_day}")
    anchors, blockers = day_agenda(facts, plan, index, skip=request.id, guest=guest)
    setup, duration = request.setup_minutes, request.duration_minutes
    if request.location_id is None:
        busy = list(blockers) + [(a.ready, a.free, a.title) for a in anchors if a.kind == "engagement"]
        busy += [(facts.minute(leg.depart), facts.minute(leg.arrive), "travel")
                 for leg in plan.travel_of(guest) if leg.day == tour_day.date]
        need = setup + duration + facts.buffer
        for low, high in _free_stretches(span[0] - setup, span[1] + duration + facts.buffer, busy):
            if high - low >= need:
                first = max(span[0], low + setup)
                start, _ = snap_to_step(first, first, facts.step, request.fixed_start is not None)
                if start + duration + facts.buffer <= high:
                    return "free", f"the agenda has room for the call, starting {facts.hm(start)}"
        return "occupied", "no free stretch of the window is long enough for the call"
    gaps = _gaps(facts, request, span, anchors, blockers)
    for gap in gaps:
        if gap.low is not None and gap.high is not None:
            return "free", (f"there is room between {_anchor_words(facts, gap.before, True)} and "
                            f"{_anchor_words(facts, gap.after, False)}, starting "
                            f"{facts.hm(gap.low)}–{facts.hm(gap.high)}")
    for gap in gaps:
        if gap.raw:
            name = facts.place_name(request.location_id)
            return "travel", (f"between {_anchor_words(facts, gap.before, True)} and "
                              f"{_anchor_words(facts, gap.after, False)} the time is free, but "
                              f"{gap.travel_in} min of travel from {facts.place_name(gap.before.place)} "
                              f"to {name} and {gap.travel_out} min on to "
                              f"{facts.place_name(gap.after.place)} leave no room for "
                              f"{_needs(request, facts.buffer)}")
    return "occupied", (f"no stretch of the window is free for {_needs(request, facts.buffer)}, "
                        "even without travel")


def _needs(request: Request, buffer: int) -> str:
    """``45 min plus 20 min of set-up and 15 min of buffer``."""
    parts = [f"{request.duration_minutes} min"]
    if request.setup_minutes:
        parts.append(f"{request.setup_minutes} min of set-up")
    if buffer:
        parts.append(f"{buffer} min of buffer")
    return " plus ".join(parts) if len(parts) < 3 else f"{parts[0]} plus {parts[1]} and {parts[2]}"
