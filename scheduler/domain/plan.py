"""The plan: engagements, travel legs, breaks, the requests left out, the solver's honest account."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from types import MappingProxyType
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from .base import _check, utc
from .problem import Day, FixedLeg, Problem


@dataclass(frozen=True, slots=True)
class Engagement:
    """A request placed in the agenda. ``location`` is ``None`` for a remote engagement.

    ``resources`` holds the id of the resource that meets each of the request's needs, in
    the order of the needs (empty when it needs none). ``guests`` are the delegation's members
    who attend, in the tour's order (empty in a tour of one guest).
    """

    request_id: str
    day: date
    start: datetime
    end: datetime
    location: str | None
    resources: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check(utc(self.end) > utc(self.start), f"engagement {self.request_id} ends before it starts")
        object.__setattr__(self, "resources", tuple(self.resources))
        object.__setattr__(self, "guests", tuple(self.guests))


@dataclass(frozen=True, slots=True)
class TravelLeg:
    """A move of the guest between two places on a day.

    A ``fixed`` leg is a booked one of the tour (:class:`FixedLeg`): ``mode``, ``ref``,
    ``notes`` and ``checkin_minutes`` come from it and ``minutes`` is the ride. Other legs are
    placed by the planner; their ``mode`` is empty.
    """

    day: date
    origin: str
    destination: str
    depart: datetime
    arrive: datetime
    minutes: int
    estimated: bool = False
    fixed: bool = False
    mode: str = ""
    ref: str = ""
    notes: str = ""
    checkin_minutes: int = 0
    guest: str = ""  # the delegation member who travels; "" for a tour of one guest


@dataclass(frozen=True, slots=True)
class Break:
    """A break placed in a day (the meal)."""

    day: date
    start: datetime
    end: datetime
    kind: str = "meal"
    guest: str = ""  # the delegation member who takes it; "" for a tour of one guest


@dataclass(frozen=True, slots=True)
class Unscheduled:
    """A request left out of the agenda, with the reason in words and a short code."""

    request_id: str
    reason: str
    code: str = "displaced"


STATUSES = ("optimal", "feasible", "infeasible", "unknown", "model_invalid")
STOPPED_BY = ("budget", "clock")
"""What ended a solve: its work budget (a repeatable run) or the clock (the time limit)."""


@dataclass(frozen=True, slots=True)
class SolverReport:
    """What the solver says about the agenda, honestly: status, objective, best bound, gap."""

    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    seed: int
    time_limit: float
    workers: int
    value_served: int = 0
    value_total: int = 0
    stopped_by: str = "budget"

    def __post_init__(self) -> None:
        _check(self.status in STATUSES, f"unknown solver status {self.status!r}")
        _check(self.stopped_by in STOPPED_BY,
               f"solver stopped_by {self.stopped_by!r} is neither 'budget' nor 'clock'")
        if self.gap is not None:
            _check(not math.isnan(self.gap), "gap is not a number")

    @property
    def proven_optimal(self) -> bool:
        return self.status == "optimal"


@dataclass(frozen=True, slots=True)
class Plan:
    """A solved agenda with the problem it solves, so it stands on its own."""

    problem: Problem
    engagements: tuple[Engagement, ...]
    travel: tuple[TravelLeg, ...]
    breaks: tuple[Break, ...]
    unscheduled: tuple[Unscheduled, ...]
    solver: SolverReport
    created: datetime | None = None
    history: tuple[Mapping, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "engagements",
                           tuple(sorted(self.engagements, key=lambda e: (utc(e.start), e.request_id))))
        object.__setattr__(self, "travel", tuple(sorted(self.travel, key=lambda t: (utc(t.depart), t.guest))))
        object.__setattr__(self, "breaks", tuple(sorted(self.breaks, key=lambda b: (utc(b.start), b.guest))))
        object.__setattr__(self, "unscheduled", tuple(sorted(self.unscheduled, key=lambda u: u.request_id)))
        object.__setattr__(self, "history", tuple(MappingProxyType(dict(h)) for h in self.history))

    def engagements_on(self, day: date) -> tuple[Engagement, ...]:
        return tuple(e for e in self.engagements if e.day == day)

    def engagements_of(self, guest_id: str) -> tuple[Engagement, ...]:
        """The engagements a delegation member attends (every one for ``""``)."""
        return tuple(e for e in self.engagements if not guest_id or guest_id in e.guests)

    def travel_of(self, guest_id: str) -> tuple[TravelLeg, ...]:
        """A member's travel (every leg for ``""``)."""
        return tuple(t for t in self.travel if not guest_id or t.guest == guest_id)

    def breaks_of(self, guest_id: str) -> tuple[Break, ...]:
        """A member's breaks (every break for ``""``)."""
        return tuple(b for b in self.breaks if not guest_id or b.guest == guest_id)

    def engagement(self, request_id: str) -> Engagement | None:
        for engagement in self.engagements:
            if engagement.request_id == request_id:
                return engagement
        return None

    @property
    def value_served(self) -> int:
        served = {e.request_id for e in self.engagements}
        return sum(r.value for r in self.problem.requests if r.id in served)

    @property
    def travel_minutes(self) -> int:
        """Minutes of the legs the planner placed (the fixed legs' rides are not counted)."""
        return sum(leg.minutes for leg in self.travel if not leg.fixed)


def day_of(days: Iterable[Day], moment: datetime) -> Day | None:
    """The day whose hours contain ``moment``, or ``None``."""
    for day in days:
        if utc(day.start) <= utc(moment) < utc(day.end):
            return day
    return None
