"""The day cut at ``now``: what is done or under way stays, and where and when the guest is free again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain import Break, Day, Engagement, Plan, Problem, TravelLeg, utc
from ..errors import InputIssue
from ..formatting import when
from .changes import Changes

__all__ = ["DayCut", "ceil_minute", "check_past", "cut_days", "occupancy"]


def occupancy(problem: Problem, engagement: Engagement, buffer: int) -> tuple[datetime, datetime]:
    """When ``engagement`` holds the guest (UTC): from its set-up to the end of its buffer."""
    request = problem.request(engagement.request_id)
    return (utc(engagement.start) - timedelta(minutes=request.setup_minutes),
            utc(engagement.end) + timedelta(minutes=buffer))


@dataclass(frozen=True)
class DayCut:
    """One day of the old plan cut at ``now``: what is kept, and where and when the rest starts.

    ``free`` is the moment the guest can continue (UTC) and ``position`` where; ``heading``
    is true when a kept leg brought the guest to ``position`` (travelling or waiting there)
    after the last kept in-person engagement.
    """

    index: int
    day: Day
    past: bool
    engagements: tuple[Engagement, ...] = ()
    breaks: tuple[Break, ...] = ()
    legs: tuple[TravelLeg, ...] = ()
    free: datetime | None = None
    position: str = ""
    heading: bool = False
    released: datetime | None = None
    """When the guest is done with what is kept (UTC), before any delay."""
    guest: str = ""
    """The delegation member whose day this is (``""`` for a tour of one guest); ``index``
    counts that member's days (:meth:`~scheduler.domain.Tour.days_of`)."""

    @property
    def key(self) -> tuple[str, int]:
        """(guest, index): which member's which day."""
        return (self.guest, self.index)

    @property
    def left_start(self) -> bool:
        """Whether the guest has already left (or done something at) the day's start place."""
        return bool(self.legs) or any(e.location is not None for e in self.engagements)


def cut_days(plan: Plan, now: datetime, delay: int) -> list[DayCut]:
    """Every day of ``plan`` cut at ``now``, the guest free ``delay`` minutes later than then.

    Parameters
    ----------
    plan
        The plan being re-planned.
    now
        The moment of the re-plan (zone-aware).
    delay
        Minutes the guest is late.

    Returns
    -------
    list[DayCut]
        One per tour day, in order (in a delegation, one per day of each member, member after
        member: each with that member's engagements, breaks and legs); a day that ended before
        ``now`` is ``past`` and kept whole.
    """
    problem = plan.problem
    cuts = []
    for guest in problem.tour.guest_ids or ("",):
        cuts += _cut_days_of(plan, guest, now, delay)
    return cuts


def _cut_days_of(plan: Plan, guest: str, now: datetime, delay: int) -> list[DayCut]:
    """One guest's days cut at ``now`` (every day's for ``""``, a tour of one guest)."""
    problem = plan.problem
    buffer = problem.tour.min_buffer_minutes
    cuts = []
    now_utc = utc(now)
    mine = plan.engagements_of(guest)
    for index, day in enumerate(problem.tour.days_of(guest)):
        engagements = tuple(e for e in mine if e.day == day.date)
        breaks = tuple(b for b in plan.breaks_of(guest) if b.day == day.date)
        legs = tuple(leg for leg in plan.travel_of(guest) if leg.day == day.date)
        if utc(day.end) <= now_utc:
            cuts.append(DayCut(index, day, True, engagements, breaks, legs, guest=guest))
            continue
        kept_engagements = tuple(e for e in engagements if occupancy(problem, e, buffer)[0] < now_utc)
        kept_breaks = tuple(b for b in breaks if utc(b.start) < now_utc)
        kept_legs = tuple(leg for leg in legs if utc(leg.depart) < now_utc)
        # A fixed leg (a booked train) whose check-in has begun, or that the delay runs
        # into, is taken as booked: the rest of the day goes on from its arrival.
        for leg in legs:
            if leg.fixed and leg not in kept_legs:
                checkin = utc(leg.depart) - timedelta(minutes=leg.checkin_minutes)
                late = max([now_utc] + [utc(kept.arrive) for kept in kept_legs]) + timedelta(minutes=delay)
                if checkin < late:
                    kept_legs += (leg,)
        busy_until = [now_utc]
        busy_until += [occupancy(problem, e, buffer)[1] for e in kept_engagements]
        busy_until += [utc(b.end) for b in kept_breaks] + [utc(leg.arrive) for leg in kept_legs]
        released = max(max(busy_until), utc(day.start))
        free = max(max(busy_until) + timedelta(minutes=delay), utc(day.start))
        moves: list[tuple[datetime, str, bool]] = [
            (occupancy(problem, e, buffer)[0], e.location, False)
            for e in kept_engagements if e.location is not None]
        moves += [(utc(leg.depart), leg.destination, True) for leg in kept_legs]
        moves.sort(key=lambda item: item[0])
        position = moves[-1][1] if moves else day.start_location
        heading = bool(moves) and moves[-1][2]
        cuts.append(DayCut(index, day, False, kept_engagements, kept_breaks, kept_legs,
                           ceil_minute(free), position, heading, ceil_minute(released), guest))
    return cuts


def ceil_minute(moment: datetime) -> datetime:
    """``moment`` in UTC, rounded up to the next whole minute."""
    moment = utc(moment)
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment


def check_past(plan: Plan, changes: Changes, cuts: list[DayCut]) -> list[InputIssue]:
    """Changes that would rewrite what is done or under way: each is refused with its slot."""
    started = {e.request_id: e for cut in cuts for e in cut.engagements}
    zone = plan.problem.tour.zone
    issues = []

    def refuse(source: str, rid: str, what: str) -> None:
        engagement = started[rid]
        issues.append(InputIssue(source, None, rid, f"`{rid}` ({when(engagement.start, engagement.end, zone)}) "
                                 f"has already taken place or is under way, so it cannot be {what}"))

    for rid in changes.cancel:
        if rid in started:
            refuse("--cancel", rid, "cancelled")
    for rid in changes.unavailable:
        if rid in started:
            refuse("--unavailable", rid, "given new windows")
    for request in changes.requests:
        if request.id in started:
            refuse(changes.requests_file or "--requests", request.id, "edited")
    return issues
