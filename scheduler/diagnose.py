"""Diagnosis in plain words: why a request is or is not in the agenda, what fitting it costs.

Three questions, one engine. :func:`explain_request` answers "why isn't X in the agenda?"
(each window against the tour's days and hours, what occupies that time, whether travel
makes it unreachable) and "why is X where it is?" (the window, the neighbours and travel
around it, the meal, the day's hours). :func:`what_if_mandatory` answers "what would it
cost to fit X?" by solving the plan's own problem again with X made mandatory, through
:func:`scheduler.solve.solve`. :func:`diagnose_infeasible` answers "why is there no plan?":
a minimal set of mandatory requests (the engine's deletion filter) and a minimal set of the
tour's rules behind it, found by relaxing rule groups one at a time on the engine's own
model, then put in words such as "PSOE meeting (Tue 27 Nov 10:00–11:00) and Antena 3 live
(Tue 27 Nov 10:30) cannot both happen: 40 min travel between them".

Why relaxation and not solver assumptions: naming a rule with ``add_assumptions`` needs an
enforcement literal on every constraint of that rule inside :mod:`scheduler.model.cpmodel`.
Relaxing the *problem* (no meal that day, whole-day hours, no buffer, zero travel between two
places) and rebuilding the same model answers the same question — is this rule group part of
the reason? — with the engine's exact rules and no second model to keep in step.

Arithmetic is in whole minutes on the tour's :class:`~scheduler.timegrid.TimeGrid`, the same
as the engine's, so a time shown here is a time the engine could use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta  # noqa: F401 (date: in annotations)
from collections.abc import Iterable, Sequence
from typing import Any

from ortools.sat.python import cp_model

from .domain import Engagement, Plan, Problem, Request, TravelTable, Window, utc
from .errors import InfeasibleError
from .model.cpmodel import ChangeCosts, PlannerModel
from .model.extract import free_stretches
from .model.instance import build_instance
from .reasons import (
    TourMinutes,
    date_name,
    days_touched,
    fit_alone,
    hours_text,
    local_midnight,
    nowhere_note,
    plural,
    when,
    window_verdicts,
)
from .solve import Baseline, SolveParams, minimal_conflict, solve, solver_parameters

__all__ = [
    "TIE_BREAK_COSTS",
    "Change",
    "Conflict",
    "DayFit",
    "Explanation",
    "Neighbour",
    "Occupant",
    "Placement",
    "Rule",
    "WhatIf",
    "WindowReport",
    "diagnose_infeasible",
    "explain_request",
    "infeasible_error",
    "what_if_mandatory",
]

log = logging.getLogger(__name__)

TIE_BREAK_COSTS = ChangeCosts(shift=1, move_day=1, drop=0)
"""What a what-if pays per engagement it moves, in objective units: one unit, a thousandth of
a value point with the default weights, so it only breaks ties between equally good agendas in
favour of the current one (and never costs value); dropping is not priced, so the value
reported is the best the engine can serve."""

_CHECK_LIMIT = 5.0  # deterministic seconds for one small feasibility check


# ------------------------------------------------------------------------------- records

@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the tour that takes part in a conflict.

    Attributes
    ----------
    key
        ``meal@<date>``, ``hours@<date>``, ``cap``, ``buffer``, ``step`` or
        ``travel@<place>|<place>``.
    text
        The rule in plain words: "the meal break on Tue 27 Nov (60 min between 13:30 and 16:00)".
    """

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """Why no agenda serves every mandatory request: a minimal set of requests and rules.

    Attributes
    ----------
    request_ids
        Mandatory requests that cannot all be served; dropping any one makes the rest fit
        (for requests that cannot be placed at all, each one alone).
    rules
        The tour's rules without which these requests would fit (minimal for them).
    headline
        One sentence for people.
    details
        One sentence per reason: the requests' possible times, the clashes between pairs
        with their travel, the rules.
    """

    request_ids: tuple[str, ...]
    rules: tuple[Rule, ...]
    headline: str
    details: tuple[str, ...]

    def to_error(self) -> InfeasibleError:
        """The :class:`~scheduler.errors.InfeasibleError` the command line shows (exit 3)."""
        return InfeasibleError(self.headline, self.details)

    def text(self) -> str:
        """The headline and one indented line per detail."""
        return "\n".join([self.headline] + [f"  - {line}" for line in self.details])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"request_ids": list(self.request_ids),
                "rules": [{"key": rule.key, "text": rule.text} for rule in self.rules],
                "headline": self.headline, "details": list(self.details)}


@dataclass(frozen=True, slots=True)
class Occupant:
    """Something that takes up part of a window's time on a day in the current agenda.

    Attributes
    ----------
    kind
        ``engagement``, ``travel`` or ``meal``.
    start, end
        Its time (an engagement's own time; set-up and buffer are in ``text``).
    request_id, title, value
        The engagement's request (``None`` / ``""`` for travel and the meal).
    excludes
        For an engagement: true when it and the request cannot both happen on that day at
        all, whatever the order (their windows, set-up, buffer and travel rule it out).
    text
        The occupant in plain words.
    why
        When it excludes the request: both orders worked through, with the times.
    """

    kind: str
    start: datetime
    end: datetime
    request_id: str | None
    title: str
    value: int | None
    excludes: bool
    text: str
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "request_id": self.request_id, "title": self.title, "value": self.value,
                "excludes": self.excludes, "text": self.text, "why": self.why}


@dataclass(frozen=True, slots=True)
class DayFit:
    """A window on one working day: does the request fit there alone, and in the agenda?

    Attributes
    ----------
    date
        The working day.
    verdict
        Alone, against the day's rules: ``fits``, ``too_short`` (the window is shorter than
        the engagement), ``outside_hours`` (not within the guest's hours, set-up included),
        ``unreachable`` (the travel from where the day starts, or back to where it ends,
        leaves no time), ``off_grid`` (no start on the tour's time step) or ``not_fixed``
        (its fixed start is not in this window).
    earliest_start, latest_start
        When it could start there alone (``None`` unless it fits).
    text
        The verdict in plain words, with the times and the travel.
    room
        Only for a request left out and a window it fits alone: ``free`` (the current agenda
        has room), ``travel`` (the free time is there, but the travel to and from the
        neighbours eats it), ``occupied`` (no free time), ``full`` (the daily cap is
        reached); otherwise ``None``.
    room_text
        The room in plain words.
    occupants
        What fills the window's time in the current agenda.
    """

    date: date
    verdict: str
    earliest_start: datetime | None
    latest_start: datetime | None
    text: str
    room: str | None = None
    room_text: str = ""
    occupants: tuple[Occupant, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"date": self.date.isoformat(), "verdict": self.verdict,
                "earliest_start": _iso(self.earliest_start), "latest_start": _iso(self.latest_start),
                "text": self.text, "room": self.room, "room_text": self.room_text,
                "occupants": [occupant.to_dict() for occupant in self.occupants]}


@dataclass(frozen=True, slots=True)
class WindowReport:
    """One window of a request against the tour.

    Attributes
    ----------
    start, end
        The window.
    days
        The working days it touches, each with its verdict.
    note
        When it touches no working day: where it lies instead ("after the tour's last day").
    """

    start: datetime
    end: datetime
    days: tuple[DayFit, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "days": [day.to_dict() for day in self.days], "note": self.note}


@dataclass(frozen=True, slots=True)
class Change:
    """An engagement that a what-if adds, drops or moves.

    Attributes
    ----------
    request_id, title, value
        The request.
    before, after
        Its time in the current agenda and in the what-if (``None`` when absent).
    """

    request_id: str
    title: str
    value: int
    before: tuple[datetime, datetime] | None
    after: tuple[datetime, datetime] | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        def span(pair: tuple[datetime, datetime] | None) -> list[str] | None:
            return None if pair is None else [pair[0].isoformat(), pair[1].isoformat()]
        return {"request_id": self.request_id, "title": self.title, "value": self.value,
                "before": span(self.before), "after": span(self.after)}


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The best agenda with one more request made mandatory, against the current one.

    Attributes
    ----------
    request_id
        The request made mandatory.
    fits
        Whether any agenda serves it with every other mandatory request.
    placed
        Where it would go (``None`` when it cannot fit).
    dropped, moved, added
        Engagements of the current agenda left out, moved (day or time), and other requests
        newly served.
    value_before, value_after
        Value served now and in the what-if (``None`` when it cannot fit).
    solver_status
        ``optimal`` when the what-if agenda is proven best, ``feasible`` when the time limit
        stopped the search first (``None`` when it cannot fit).
    conflict
        Why it cannot fit, when it cannot.
    plan
        The what-if agenda itself (not part of :meth:`to_dict`).
    """

    request_id: str
    fits: bool
    placed: Change | None
    dropped: tuple[Change, ...]
    moved: tuple[Change, ...]
    added: tuple[Change, ...]
    value_before: int
    value_after: int | None
    solver_status: str | None
    conflict: Conflict | None = None
    plan: Plan | None = None

    @property
    def value_change(self) -> int | None:
        """Value gained (positive) or lost (negative) against the current agenda."""
        return None if self.value_after is None else self.value_after - self.value_before

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"request_id": self.request_id, "fits": self.fits,
                "placed": self.placed.to_dict() if self.placed else None,
                "dropped": [c.to_dict() for c in self.dropped],
                "moved": [c.to_dict() for c in self.moved],
                "added": [c.to_dict() for c in self.added],
                "value_before": self.value_before, "value_after": self.value_after,
                "value_change": self.value_change, "solver_status": self.solver_status,
                "conflict": self.conflict.to_dict() if self.conflict else None}


@dataclass(frozen=True, slots=True)
class Neighbour:
    """What comes just before or after a scheduled engagement, and what it imposes.

    Attributes
    ----------
    kind
        ``engagement``, ``day_start`` or ``day_end``.
    request_id, title
        The neighbouring engagement (``None`` / the place for the day's start and end).
    place
        Where the neighbour is (``None`` for a remote call).
    travel_minutes
        Travel between the neighbour's place and the engagement's.
    bound
        The earliest start (for the one before) or the latest start (for the one after) the
        neighbour leaves the engagement.
    text
        In plain words.
    """

    kind: str
    request_id: str | None
    title: str
    place: str | None
    travel_minutes: int
    bound: datetime
    text: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"kind": self.kind, "request_id": self.request_id, "title": self.title,
                "place": self.place, "travel_minutes": self.travel_minutes,
                "bound": self.bound.isoformat(), "text": self.text}


@dataclass(frozen=True, slots=True)
class Placement:
    """Why a scheduled engagement is where it is.

    Attributes
    ----------
    start, end
        The engagement.
    window
        The window of its request that holds it.
    day_start, day_end
        The guest's hours that day.
    before, after
        The in-person neighbours (or the day's start and end places) and their travel; for a
        remote call, the nearest busy items.
    meal
        That day's meal break, if any.
    earliest_start, latest_start
        How far it could move, everything else staying put.
    binding
        What pins the start, in plain words (its fixed start, the window opening, the
        previous engagement plus buffer and travel, ...).
    text
        The whole explanation in plain words.
    """

    start: datetime
    end: datetime
    window: tuple[datetime, datetime] | None
    day_start: datetime
    day_end: datetime
    before: Neighbour | None
    after: Neighbour | None
    meal: tuple[datetime, datetime] | None
    earliest_start: datetime
    latest_start: datetime
    binding: tuple[str, ...]
    text: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "window": None if self.window is None else [self.window[0].isoformat(),
                                                            self.window[1].isoformat()],
                "day": {"start": self.day_start.isoformat(), "end": self.day_end.isoformat()},
                "before": self.before.to_dict() if self.before else None,
                "after": self.after.to_dict() if self.after else None,
                "meal": None if self.meal is None else [self.meal[0].isoformat(), self.meal[1].isoformat()],
                "earliest_start": self.earliest_start.isoformat(),
                "latest_start": self.latest_start.isoformat(),
                "binding": list(self.binding), "text": list(self.text)}


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything :func:`explain_request` says about one request.

    Attributes
    ----------
    request_id, title, value, duration_minutes, mandatory
        The request.
    place
        Where it happens, in words (or ``remote (phone)``).
    scheduled
        Whether the agenda holds it.
    code, reason
        For a request left out, the plan's own code and reason.
    windows
        Each window against the tour's days and hours (and, when left out, the agenda).
    placement
        For a scheduled request, why it is where it is.
    what_if
        For a request left out, the best agenda with it made mandatory (``None`` when not
        asked for).
    """

    request_id: str
    title: str
    value: int
    duration_minutes: int
    mandatory: bool
    place: str
    scheduled: bool
    code: str | None
    reason: str | None
    windows: tuple[WindowReport, ...]
    placement: Placement | None
    what_if: WhatIf | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``--json`` output of ``scheduler explain``)."""
        return {"request_id": self.request_id, "title": self.title, "value": self.value,
                "duration_minutes": self.duration_minutes, "mandatory": self.mandatory,
                "place": self.place, "scheduled": self.scheduled, "code": self.code,
                "reason": self.reason, "windows": [w.to_dict() for w in self.windows],
                "placement": self.placement.to_dict() if self.placement else None,
                "what_if": self.what_if.to_dict() if self.what_if else None}

    def text(self) -> str:
        """The explanation for people, as ``scheduler explain`` prints it."""
        return _explanation_text(self)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# ------------------------------------------------------------------------------- pairs

def _pair_detail(facts: TourMinutes, first: Request, first_range: tuple[int, int], second: Request,
                 second_range: tuple[int, int], *, with_travel: bool = True) -> tuple[bool, str]:
    """Whether ``first`` then ``second`` can happen on one day, and how short it falls."""
    travel = facts.travel(first.location_id, second.location_id) if with_travel else 0
    first_end = first_range[0] + first.duration_minutes
    second_start = first_end + facts.buffer + travel + second.setup_minutes
    possible = second_start <= second_range[1]
    parts = []
    if facts.buffer:
        parts.append(f"{facts.buffer} min of buffer")
    if travel:
        parts.append(f"{travel} min of travel to {facts.place_name(second.location_id)}")
    if second.setup_minutes:
        parts.append(f"{second.setup_minutes} min of set-up")
    gap = " and ".join(parts)
    text = (f"{first.title} ends {facts.hm(first_end)} at the earliest"
            + (f"; with {gap}, " if gap else ", so ")
            + f"{second.title} could start {facts.hm(second_start)} at the earliest, but its "
            f"latest start is {facts.hm(second_range[1])}")
    return possible, text


def _excludes(facts: TourMinutes, a: Request, a_range: tuple[int, int], b: Request,
              b_range: tuple[int, int]) -> tuple[bool, str]:
    """Whether ``a`` and ``b`` cannot both happen on one day in either order, and why."""
    forward, forward_text = _pair_detail(facts, a, a_range, b, b_range)
    backward, backward_text = _pair_detail(facts, b, b_range, a, a_range)
    if forward or backward:
        return False, ""
    return True, f"{forward_text}; the other way round, {backward_text}"


def _overlap_alone(a: Request, a_range: tuple[int, int], b: Request, b_range: tuple[int, int],
                   facts: TourMinutes) -> bool:
    """Whether ``a`` and ``b`` exclude each other even with no travel between them."""
    forward, _ = _pair_detail(facts, a, a_range, b, b_range, with_travel=False)
    backward, _ = _pair_detail(facts, b, b_range, a, a_range, with_travel=False)
    return not (forward or backward)


def _between_text(facts: TourMinutes, a: Request, b: Request, overlap: bool = False) -> str:
    """``40 min travel between them``, or why they collide without travel."""
    if overlap:
        return "their times overlap" + (f" (with the {facts.buffer}-minute buffer)" if facts.buffer else "")
    there = facts.travel(a.location_id, b.location_id)
    back = facts.travel(b.location_id, a.location_id)
    if there == back:
        return f"{there} min travel between them"
    return f"{there} min travel between them ({back} min the other way)"


# ------------------------------------------------------------------------------- the agenda of a day

@dataclass(frozen=True, slots=True)
class _Anchor:
    """A place the guest must be: the day's start or end place, or an in-person engagement."""

    kind: str  # day_start | engagement | day_end
    place: str
    ready: int  # when the guest must be there (start of set-up, or the day's end)
    free: int  # when the guest may leave (end + buffer, or the day's start)
    request_id: str | None
    title: str


def _day_agenda(facts: TourMinutes, plan: Plan, index: int, skip: str | None = None
                ) -> tuple[list[_Anchor], list[tuple[int, int, str]]]:
    """The anchors of a day in time order, and the busy intervals of remote calls and meals."""
    day = facts.instance.days[index]
    tour_day = facts.tour.days[index]
    anchors = [_Anchor("day_start", tour_day.start_location, day.start, day.start, None,
                       facts.place_name(tour_day.start_location))]
    blockers: list[tuple[int, int, str]] = []
    for engagement in plan.engagements_on(tour_day.date):
        if engagement.request_id == skip:
            continue
        request = facts.problem.request(engagement.request_id)
        start, end = facts.minute(engagement.start), facts.minute(engagement.end)
        if engagement.location is None:
            blockers.append((start - request.setup_minutes, end + facts.buffer, request.title))
        else:
            anchors.append(_Anchor("engagement", engagement.location, start - request.setup_minutes,
                                   end + facts.buffer, request.id, request.title))
    for meal in plan.breaks:
        if meal.day == tour_day.date:
            blockers.append((facts.minute(meal.start), facts.minute(meal.end), "the meal break"))
    anchors.append(_Anchor("day_end", tour_day.end_location, day.end, day.end, None,
                           facts.place_name(tour_day.end_location)))
    middle = sorted(anchors[1:-1], key=lambda a: a.ready)
    return [anchors[0], *middle, anchors[-1]], sorted(blockers)


def _free_stretches(low: int, high: int, busy: Iterable[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The stretches of ``[low, high)`` that no busy interval covers, in time order."""
    return free_stretches(low, high, ((start, end) for start, end, _ in busy))


def _earliest(free_from: int, travel: int, occupancy: int, setup: int,
              blockers: Sequence[tuple[int, int, str]], limit: int) -> int | None:
    """The earliest start after leaving at ``free_from``: travel, then set-up, each in free time."""
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


def _latest(ready_by: int, travel: int, occupancy: int, tail: int,
            blockers: Sequence[tuple[int, int, str]], floor: int) -> int | None:
    """The latest start that still leaves the travel to be ready at ``ready_by`` (``tail`` after the end)."""
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


def _snap(low: int, high: int, step: int, fixed: bool) -> tuple[int, int]:
    """``low`` up and ``high`` down to the tour's time step (a fixed start stays where it is)."""
    if fixed or step == 1:
        return low, high
    return -(-low // step) * step, high // step * step


@dataclass(frozen=True, slots=True)
class _Gap:
    """The room for a request between two anchors of the current agenda, with and without travel."""

    before: _Anchor
    after: _Anchor
    low: int | None  # earliest start with travel
    high: int | None
    raw: bool  # whether it would fit without the travel
    travel_in: int
    travel_out: int


def _gaps(facts: TourMinutes, request: Request, span: tuple[int, int], anchors: list[_Anchor],
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


def _starts_between(facts: TourMinutes, request: Request, span: tuple[int, int], before: _Anchor,
                    after: _Anchor, blockers: list[tuple[int, int, str]], travel_in: int,
                    travel_out: int) -> tuple[int | None, int | None]:
    """The earliest and latest start between two anchors with these travel times, or ``None``s."""
    setup, duration = request.setup_minutes, request.duration_minutes
    end_tail = 0 if after.kind == "day_end" and not travel_out else facts.buffer
    occupancy = setup + duration + end_tail
    earliest = _earliest(before.free, travel_in, occupancy, setup, blockers, after.ready)
    latest = _latest(after.ready, travel_out, occupancy, duration + end_tail, blockers, before.free)
    if earliest is None or latest is None:
        return None, None
    low, high = _snap(max(earliest, span[0]), min(latest, span[1]), facts.step,
                      request.fixed_start is not None)
    return (low, high) if low <= high else (None, None)


def _anchor_words(facts: TourMinutes, anchor: _Anchor, leaving: bool) -> str:
    """An anchor for people: ``PSOE meeting (free at 11:15)``, ``Hotel (the day starts at 09:00)``."""
    if anchor.kind == "engagement":
        moment = facts.hm(anchor.free if leaving else anchor.ready)
        return f"{anchor.title} ({'free at' if leaving else 'from'} {moment})"
    return f"{anchor.title} ({'the day starts' if leaving else 'the day ends'} at {facts.hm(anchor.free)})"


def _room(facts: TourMinutes, plan: Plan, request: Request, span: tuple[int, int], index: int
          ) -> tuple[str, str]:
    """Whether the current agenda of day ``index`` has room for ``request``, which may start
    within ``span`` alone."""
    tour_day = facts.tour.days[index]
    count = len(plan.engagements_on(tour_day.date))
    if count >= facts.tour.max_engagements_per_day:
        return "full", (f"the day already holds {count} engagements, the daily cap of "
                        f"{facts.tour.max_engagements_per_day}")
    anchors, blockers = _day_agenda(facts, plan, index, skip=request.id)
    setup, duration = request.setup_minutes, request.duration_minutes
    if request.location_id is None:
        busy = list(blockers) + [(a.ready, a.free, a.title) for a in anchors if a.kind == "engagement"]
        busy += [(facts.minute(leg.depart), facts.minute(leg.arrive), "travel")
                 for leg in plan.travel if leg.day == tour_day.date]
        need = setup + duration + facts.buffer
        for low, high in _free_stretches(span[0] - setup, span[1] + duration + facts.buffer, busy):
            if high - low >= need:
                first = max(span[0], low + setup)
                start, _ = _snap(first, first, facts.step, request.fixed_start is not None)
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


def _occupants(facts: TourMinutes, plan: Plan, request: Request, window: Window, index: int,
               span: tuple[int, int] | None) -> tuple[Occupant, ...]:
    """What fills the window's time on day ``index`` in the current agenda; with ``span``
    (the starts the request has there alone), which engagements exclude it."""
    tour_day = facts.tour.days[index]
    low = max(utc(window.start), utc(tour_day.start))
    high = min(utc(window.end), utc(tour_day.end))
    if low >= high:
        return ()
    buffer = timedelta(minutes=facts.buffer)
    found: list[tuple[datetime, Occupant]] = []
    own = facts.starts(request.id).get(index)
    for engagement in plan.engagements_on(tour_day.date):
        if engagement.request_id == request.id:
            continue
        other = facts.problem.request(engagement.request_id)
        busy_start = utc(engagement.start) - timedelta(minutes=other.setup_minutes)
        busy_end = utc(engagement.end) + buffer
        if not (busy_start < high and low < busy_end):
            continue
        excludes, why = False, ""
        other_range = facts.starts(other.id).get(index)
        if span is not None and own and other_range:
            excludes, why = _excludes(facts, request, span, other, other_range)
        extras = []
        if other.setup_minutes:
            extras.append(f"set-up from {facts.hm(facts.minute(busy_start))}")
        if facts.buffer:
            extras.append(f"free at {facts.hm(facts.minute(busy_end))}")
        text = (f"{other.title}, {facts.hm(facts.minute(engagement.start))}–"
                f"{facts.hm(facts.minute(engagement.end))}"
                + (f" ({', '.join(extras)})" if extras else "")
                + f" at {facts.place_name(engagement.location, other.remote)}, value {other.value}")
        if excludes and span is not None and other_range is not None:
            overlap = _overlap_alone(request, span, other, other_range, facts)
            text += (f": it and this request cannot both happen that day, whatever the order, "
                     f"{_between_text(facts, request, other, overlap)}")
        found.append((utc(engagement.start), Occupant("engagement", engagement.start, engagement.end,
                                                      other.id, other.title, other.value, excludes,
                                                      text, why)))
    for leg in plan.travel:
        if leg.day == tour_day.date and utc(leg.depart) < high and low < utc(leg.arrive):
            text = (f"travel {facts.place_name(leg.origin)} → {facts.place_name(leg.destination)}, "
                    f"{facts.hm(facts.minute(leg.depart))}–{facts.hm(facts.minute(leg.arrive))}")
            found.append((utc(leg.depart), Occupant("travel", leg.depart, leg.arrive, None, "", None,
                                                    False, text)))
    for meal in plan.breaks:
        if meal.day == tour_day.date and utc(meal.start) < high and low < utc(meal.end):
            text = (f"the meal break, {facts.hm(facts.minute(meal.start))}–"
                    f"{facts.hm(facts.minute(meal.end))}")
            found.append((utc(meal.start), Occupant("meal", meal.start, meal.end, None, "", None,
                                                    False, text)))
    return tuple(occupant for _, occupant in sorted(found, key=lambda item: item[0]))


def _window_reports(facts: TourMinutes, request: Request, plan: Plan | None
                    ) -> tuple[WindowReport, ...]:
    """Each window of ``request`` against the tour, day by day, and against ``plan``'s agenda."""
    reports = []
    for window in request.windows:
        touched = days_touched(facts, window)
        if not touched:
            reports.append(WindowReport(window.start, window.end, (), nowhere_note(facts, window)))
            continue
        fits = []
        for index in touched:
            alone = fit_alone(facts, request, window, index)
            span = (alone.low, alone.high) if alone.low is not None and alone.high is not None \
                else None
            room: str | None = None
            room_text = ""
            occupants: tuple[Occupant, ...] = ()
            if plan is not None:
                occupants = _occupants(facts, plan, request, window, index, span)
                if span is not None and plan.engagement(request.id) is None:
                    room, room_text = _room(facts, plan, request, span, index)
            fits.append(DayFit(facts.tour.days[index].date, alone.verdict,
                               facts.moment(span[0]) if span else None,
                               facts.moment(span[1]) if span else None,
                               alone.text, room, room_text, occupants))
        reports.append(WindowReport(window.start, window.end, tuple(fits)))
    return tuple(reports)


# ------------------------------------------------------------------------------- scheduled

def _placement(facts: TourMinutes, plan: Plan, request: Request, engagement: Engagement) -> Placement:
    """Why a scheduled engagement is where it is."""
    index = facts.day_index[engagement.day]
    day = facts.instance.days[index]
    tour_day = facts.tour.days[index]
    start, end = facts.minute(engagement.start), facts.minute(engagement.end)
    setup, duration, buffer = request.setup_minutes, request.duration_minutes, facts.buffer
    window = next((w for w in request.windows if w.contains(engagement.start, engagement.end)), None)
    anchors, blockers = _day_agenda(facts, plan, index, skip=request.id)
    lows: list[tuple[int, str]] = [(day.start + setup,
                                    f"the guest's day starts at {facts.hm(day.start)}")]
    highs: list[tuple[int, str]] = [(day.end - duration,
                                     f"the guest's day ends at {facts.hm(day.end)}")]
    if window is not None:
        opens, closes = facts.grid.minutes_ceil(window.start), facts.minute(window.end)
        lows.append((opens, f"its window opens at {facts.hm(opens)}"))
        highs.append((closes - duration, f"its window closes at {facts.hm(closes)}"))
    before = after = None
    if request.location_id is not None:
        previous = [a for a in anchors if a.kind != "day_end" and a.ready < start]
        following = [a for a in anchors if a.kind != "day_start" and a.ready >= start]
        first, last = previous[-1], following[0]
        t_in = facts.travel(first.place, request.location_id)
        t_out = facts.travel(request.location_id, last.place)
        end_tail = 0 if last.kind == "day_end" and not t_out else buffer
        local_blockers = [b for b in blockers if first.free <= b[0] and b[1] <= last.ready]
        earliest = _earliest(first.free, t_in, setup + duration + end_tail, setup, local_blockers,
                             last.ready)
        latest = _latest(last.ready, t_out, setup + duration + end_tail, duration + end_tail,
                         local_blockers, first.free)
        after_what = (f"{first.title} (free at {facts.hm(first.free)})" if first.kind == "engagement"
                      else f"leaving {first.title} at {facts.hm(first.free)}")
        travel_words = f" and {t_in} min of travel" if t_in else ""
        if earliest is not None:
            lows.append((earliest, f"{after_what}{travel_words}"))
            before = Neighbour(first.kind, first.request_id, first.title, first.place, t_in,
                               facts.moment(earliest),
                               f"before it: {after_what}{travel_words} → {facts.hm(earliest)} "
                               "at the earliest")
        before_what = (f"{last.title} (from {facts.hm(last.ready)})" if last.kind == "engagement"
                       else f"reaching {last.title} by {facts.hm(last.ready)}")
        out_words = f"{t_out} min of travel" if t_out else "no travel"
        if latest is not None:
            highs.append((latest, f"{before_what} with {out_words}"))
            after = Neighbour(last.kind, last.request_id, last.title, last.place, t_out,
                              facts.moment(latest),
                              f"after it: {before_what}, {out_words} → it must start by {facts.hm(latest)}")
    else:
        busy = list(blockers) + [(a.ready, a.free, a.title) for a in anchors if a.kind == "engagement"]
        busy += [(facts.minute(leg.depart), facts.minute(leg.arrive), "travel")
                 for leg in plan.travel if leg.day == tour_day.date]
        prior = [b for b in busy if b[1] <= start - setup]
        later = [b for b in busy if b[0] >= end + buffer]
        if prior:
            b = max(prior, key=lambda item: item[1])
            lows.append((b[1] + setup, f"{b[2]} ends at {facts.hm(b[1])}"))
        if later:
            b = min(later, key=lambda item: item[0])
            highs.append((b[0] - duration - buffer, f"{b[2]} begins at {facts.hm(b[0])}"))
    earliest_start = max(value for value, _ in lows)
    latest_start = min(value for value, _ in highs)
    earliest_start, latest_start = _snap(earliest_start, latest_start, facts.step,
                                         request.fixed_start is not None)
    earliest_start, latest_start = min(earliest_start, start), max(latest_start, start)
    binding: list[str] = []
    if request.fixed_start is not None:
        binding.append(f"its fixed start at {facts.hm(start)}")
    else:
        if start == earliest_start:
            binding += [why for value, why in lows if start - facts.step < value <= start]
        if start == latest_start:
            binding += [why for value, why in highs if start <= value < start + facts.step]
    meal = next(((b.start, b.end) for b in plan.breaks if b.day == tour_day.date), None)
    text = [f"Scheduled {facts.day_name(index)} {facts.hm(start)}–{facts.hm(end)} "
            f"{_at(facts.place_name(engagement.location, request.remote))}"
            + (f", inside its window {when(window.start, window.end, facts.zone)}." if window else ".")]
    text.append(f"The guest's hours that day: {hours_text(facts, index)}, from "
                f"{facts.place_name(tour_day.start_location)} to {facts.place_name(tour_day.end_location)}.")
    if setup:
        text.append(f"The guest must be there {setup} min early, from {facts.hm(start - setup)}.")
    if before is not None:
        text.append(before.text[0].upper() + before.text[1:] + ".")
    if after is not None:
        text.append(after.text[0].upper() + after.text[1:] + ".")
    if meal is not None:
        text.append(f"The meal break that day: {facts.hm(facts.minute(meal[0]))}–"
                    f"{facts.hm(facts.minute(meal[1]))}.")
    if earliest_start == latest_start:
        text.append(f"It cannot move without moving something else: "
                    f"{'; '.join(binding) or 'its neighbours hold it'}.")
    else:
        text.append(f"Everything else staying put, it could start from {facts.hm(earliest_start)} "
                    f"to {facts.hm(latest_start)}"
                    + (f"; it sits where {'; '.join(binding)}" if binding else "")
                    + "; among equally valuable agendas the planner prefers less travel and a shorter day.")
    return Placement(engagement.start, engagement.end,
                     (window.start, window.end) if window is not None else None,
                     tour_day.start, tour_day.end, before, after, meal,
                     facts.moment(earliest_start), facts.moment(latest_start), tuple(binding),
                     tuple(text))


# ------------------------------------------------------------------------------- what if

def _placements(problem: Problem, plan: Plan) -> dict[str, tuple[int, int]]:
    grid_facts = TourMinutes(problem)
    return {e.request_id: (grid_facts.day_index[e.day], grid_facts.minute(e.start))
            for e in plan.engagements if e.day in grid_facts.day_index}


def what_if_mandatory(plan: Plan, request_id: str, params: SolveParams | None = None) -> WhatIf:
    """The best agenda with ``request_id`` made mandatory, compared with ``plan``'s.

    The plan's own problem is solved again by :func:`scheduler.solve.solve` with the request
    made mandatory (``dataclasses.replace``), the current agenda as hints, and
    :data:`TIE_BREAK_COSTS` so that among equally good agendas the current one wins (only
    moves that serve value, or save travel or time, are shown).

    Parameters
    ----------
    plan
        The current plan.
    request_id
        The request to force in.
    params
        Time limit, seed and workers (hints and costs are set here).

    Returns
    -------
    WhatIf
        Where it would go and what would drop or move, with the value lost or gained; or,
        when it cannot fit even then, the conflict.

    Raises
    ------
    KeyError
        When the plan has no such request.
    """
    problem = plan.problem
    request = problem.request(request_id)
    forced = replace(problem, requests=tuple(replace(r, mandatory=True) if r.id == request_id else r
                                             for r in problem.requests))
    current = _placements(problem, plan)
    params = params or SolveParams()
    trial = replace(params, on_progress=None)
    baseline = Baseline(hints=current, previous=current, change_costs=TIE_BREAK_COSTS)
    try:
        result = solve(forced, trial, baseline, created=plan.created)
    except InfeasibleError as error:
        conflict = diagnose_infeasible(forced, params)
        if conflict is None:
            conflict = Conflict((request_id,), (), str(error), tuple(error.conflicts))
        return WhatIf(request_id, False, None, (), (), (), plan.value_served, None, None, conflict)
    new_plan = result.plan
    if new_plan is None:  # solve returns a plan or raises; kept for the type checker
        raise InfeasibleError(f"no agenda with {request_id} made mandatory")
    old = {e.request_id: e for e in plan.engagements}
    new = {e.request_id: e for e in new_plan.engagements}

    def change(rid: str) -> Change:
        r = problem.request(rid)
        before, after = old.get(rid), new.get(rid)
        return Change(rid, r.title, r.value, (before.start, before.end) if before else None,
                      (after.start, after.end) if after else None)

    placed = change(request_id) if request_id in new else None
    dropped = tuple(change(rid) for rid in old if rid not in new)
    moved = tuple(change(rid) for rid in old if rid in new and (
        utc(old[rid].start) != utc(new[rid].start) or old[rid].day != new[rid].day))
    added = tuple(change(rid) for rid in new if rid not in old and rid != request_id)
    log.info("what-if %s: %s", request.id, result.summary())
    return WhatIf(request_id, placed is not None, placed, dropped, moved, added,
                  plan.value_served, new_plan.value_served, result.status, None, new_plan)


# ------------------------------------------------------------------------------- explain

def explain_request(plan: Plan, request_id: str, *, what_if: bool = True,
                    params: SolveParams | None = None) -> Explanation:
    """Why ``request_id`` is, or is not, in the agenda of ``plan``.

    Parameters
    ----------
    plan
        A solved plan (it holds its whole problem).
    request_id
        The request to explain.
    what_if
        For a request left out, also solve the plan's problem with it made mandatory
        (:func:`what_if_mandatory`); this runs the solver.
    params
        Time limit, seed and workers of that solve.

    Returns
    -------
    Explanation
        For a request left out: its windows against the tour's days and hours, what occupies
        that time in the agenda and whether travel makes it unreachable, and the what-if. For
        a scheduled one: the window, the neighbours with their travel, the meal, the hours.

    Raises
    ------
    KeyError
        When the plan has no request ``request_id``.
    """
    problem = plan.problem
    request = problem.request(request_id)
    facts = TourMinutes(problem)
    engagement = plan.engagement(request_id)
    unscheduled = next((u for u in plan.unscheduled if u.request_id == request_id), None)
    windows = _window_reports(facts, request, plan)
    placement = _placement(facts, plan, request, engagement) if engagement is not None else None
    trial = None
    if engagement is None and what_if:
        trial = what_if_mandatory(plan, request_id, params)
    return Explanation(
        request_id=request.id, title=request.title, value=request.value,
        duration_minutes=request.duration_minutes, mandatory=request.mandatory,
        place=facts.place_name(request.location_id, request.remote),
        scheduled=engagement is not None,
        code=unscheduled.code if unscheduled else None,
        reason=unscheduled.reason if unscheduled else None,
        windows=windows, placement=placement, what_if=trial)


def _at(place: str) -> str:
    """``at PSOE, sede federal``, or ``by phone`` for a remote call."""
    if place.startswith("remote (") and place.endswith(")"):
        return f"by {place[len('remote ('):-1]}"
    return "remotely" if place == "remote" else f"at {place}"


def _span(pair: tuple[datetime, datetime] | None) -> str:
    """``Tue 27 Nov 10:00–11:00`` in the times' own zone (the tour's), or ``—``."""
    return "—" if pair is None else when(pair[0], pair[1])


def _change_line(change: Change, kind: str) -> str:
    """One dropped, moved or added engagement for people."""
    if kind == "moved":
        return f"{change.title}: {_span(change.before)} → {_span(change.after)}"
    pair = change.before if kind == "dropped" else change.after
    return f"{change.title} ({_span(pair)}, value {change.value})"


def _explanation_text(explanation: Explanation) -> str:
    """The words of :meth:`Explanation.text`."""
    e = explanation
    head = f"{e.title} [{e.request_id}]"
    lines = [f"{head} is {'in' if e.scheduled else 'not in'} the agenda.",
             f"  {e.duration_minutes} min {_at(e.place)}; value {e.value}; "
             f"{'mandatory' if e.mandatory else 'optional'}."]
    if e.reason:
        lines.append(f"  The plan says ({e.code}): {e.reason}")
    if e.placement is not None:
        lines.append("")
        lines.append("Why it is where it is:")
        lines += [f"  {line}" for line in e.placement.text]
    lines.append("")
    lines.append("Its windows against the tour's days and hours:" if e.windows
                 else "It has no window at all.")
    for report in e.windows:
        lines.append(f"  {when(report.start, report.end)}")
        if report.note:
            lines.append(f"    {report.note[0].upper()}{report.note[1:]}.")
        for fit in report.days:
            lines.append(f"    {date_name(fit.date)}: {fit.text}.")
            if fit.occupants and not e.scheduled:
                lines.append("      In that time now:")
                for occupant in fit.occupants:
                    lines.append(f"        - {occupant.text}")
                    if occupant.why:
                        lines.append(f"          ({occupant.why})")
            if fit.room_text:
                label = {"free": "Room", "travel": "Travel", "occupied": "Room",
                         "full": "Cap"}.get(fit.room or "", "Room")
                lines.append(f"      {label}: {fit.room_text}.")
    if e.what_if is not None:
        w = e.what_if
        lines.append("")
        lines.append("What if it were mandatory (the same planner, the current agenda as a start):")
        if not w.fits:
            lines.append("  It cannot fit even then.")
            if w.conflict is not None:
                lines.append(f"  {w.conflict.headline}")
                lines += [f"    - {detail}" for detail in w.conflict.details]
        else:
            lines.append(f"  It would be placed {_span(w.placed.after if w.placed else None)}.")
            for kind, items in (("dropped", w.dropped), ("moved", w.moved), ("added", w.added)):
                if items:
                    lines.append(f"  {kind.capitalize()}:")
                    lines += [f"    - {_change_line(item, kind)}" for item in items]
            if not (w.dropped or w.moved or w.added):
                lines.append("  Nothing else changes.")
            change = w.value_change or 0
            sign = "+" if change > 0 else ("−" if change < 0 else "±")
            verdict = "gained" if change > 0 else ("lost" if change < 0 else "unchanged")
            lines.append(f"  Value served: {w.value_before} → {w.value_after} "
                         f"({sign}{abs(change)}, {verdict}).")
            if w.solver_status != "optimal":
                lines.append("  (The search stopped at its time limit: a better agenda may exist; "
                             "try a longer --time-limit.)")
    return "\n".join(lines)


# ------------------------------------------------------------------------------- conflicts

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
                              f"the meal break on {date_name(day.date)} ({day.meal_minutes} min "
                              f"between {facts.hm(facts.grid.minutes_ceil(day.meal_window.start))} and "
                              f"{facts.hm(facts.minute(day.meal_window.end))})"))
    for index in sorted(days):
        day = tour.days[index]
        rules.append(Rule(f"hours@{day.date.isoformat()}",
                          f"the guest's hours on {date_name(day.date)} ({hours_text(facts, index)})"))
    for a, b in pairs_own:
        rules.append(_travel_rule(facts, a, b))
    return rules


def _travel_rule(facts: TourMinutes, a: str, b: str) -> Rule:
    there, back = facts.travel(a, b), facts.travel(b, a)
    minutes = f"{there}" if there == back else f"{there} (back {back})"
    return Rule(f"travel@{a}|{b}",
                f"{minutes} min of travel between {facts.place_name(a)} and {facts.place_name(b)}")


def _relaxed_problem(problem: Problem, ids: Sequence[str], relaxed: Iterable[str]) -> Problem:
    """``problem`` with only the requests ``ids`` (all mandatory) and the rules ``relaxed`` lifted."""
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
    return Problem(tour, requests, problem.locations, travel)


def _fits(problem: Problem, params: SolveParams) -> bool:
    """Whether every (mandatory) request of ``problem`` can be served: the engine's own model."""
    instance = build_instance(problem)
    if instance.pruned:
        return False
    planner = PlannerModel(instance)
    planner.model.clear_objective()
    check = SolveParams(time_limit=min(params.time_limit, _CHECK_LIMIT), seed=params.seed,
                        workers=params.workers, extra=dict(params.extra))
    status = solver_parameters(check).solve(planner.model)
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _necessary_rules(facts: TourMinutes, ids: Sequence[str], params: SolveParams) -> tuple[Rule, ...]:
    """A deletion filter over rule groups: those without which ``ids`` would fit together."""
    relaxed: list[str] = []
    needed: list[Rule] = []
    for rule in _relaxable_rules(facts, ids):
        if _fits(_relaxed_problem(facts.problem, ids, relaxed + [rule.key]), params):
            needed.append(rule)
        else:
            relaxed.append(rule.key)
    order = {"travel": 0, "hours": 1, "meal": 2, "cap": 3, "buffer": 4, "step": 5}
    return tuple(sorted(needed, key=lambda r: order.get(r.key.split("@")[0], 9)))


def _pruned_conflict(facts: TourMinutes, ids: Sequence[str]) -> Conflict:
    """Mandatory requests that no window lets the engine place, each on its own."""
    requests = [facts.problem.request(i) for i in ids]
    details = []
    for request in requests:
        if not request.windows:
            details.append(f"{request.title} [{request.id}]: it has no window at all; every time "
                           "it offered was removed.")
        for label, text in window_verdicts(facts, request):
            details.append(f"{request.title} [{request.id}], {label}: {text}.")
        if len(request.windows) > 8:
            details.append(f"{request.title} [{request.id}]: and {len(request.windows) - 8} more "
                           "windows like these.")
    if len(requests) == 1 and len(requests[0].windows) == 1:
        r = requests[0]
        (label, text), = window_verdicts(facts, r)
        return Conflict(tuple(ids), (), f"{r.title} [{r.id}] is mandatory but cannot be placed at "
                        f"all, whatever else happens: its only window ({label}) does not work: "
                        f"{text}.", ())
    if len(requests) == 1:
        r = requests[0]
        headline = (f"{r.title} [{r.id}] is mandatory but cannot be placed at all, whatever else "
                    f"happens: none of its {len(r.windows)} windows leaves room for it.")
    else:
        headline = (f"{len(requests)} mandatory requests cannot be placed at all, whatever else "
                    f"happens: {_titles(requests)}.")
    return Conflict(tuple(ids), (), headline, tuple(details))


def _titles(requests: Sequence[Request]) -> str:
    names = [f"{r.title} [{r.id}]" for r in requests]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _words(facts: TourMinutes, ids: Sequence[str], rules: Sequence[Rule]) -> tuple[str, tuple[str, ...]]:
    """The headline and the details of a conflict of requests ``ids`` under ``rules``."""
    requests = [facts.problem.request(i) for i in ids]
    details: list[str] = []
    for r in requests:
        setup = f" (+{r.setup_minutes} min set-up)" if r.setup_minutes else ""
        details.append(f"{r.title} [{r.id}]: {r.duration_minutes} min{setup} at "
                       f"{facts.place_name(r.location_id, r.remote)}, possible "
                       f"{facts.possible_text(r)}.")
    clashes: list[tuple[Request, Request, bool]] = []
    for position, a in enumerate(requests):
        for b in requests[position + 1:]:
            a_starts, b_starts = facts.starts(a.id), facts.starts(b.id)
            common = sorted(set(a_starts) & set(b_starts))
            if not common:
                continue
            verdicts = [_excludes(facts, a, a_starts[d], b, b_starts[d]) for d in common]
            if all(excluded for excluded, _ in verdicts):
                overlap = all(_overlap_alone(a, a_starts[d], b, b_starts[d], facts) for d in common)
                clashes.append((a, b, overlap))
                day_words = facts.day_name(common[0]) if len(common) == 1 else "any day they share"
                details.append(f"{a.title} and {b.title} cannot both happen on {day_words}: "
                               f"{verdicts[0][1]}.")
    squeeze = ""
    if not clashes and len(requests) > 1:
        shared = set.intersection(*(set(facts.starts(r.id)) for r in requests))
        for index in sorted(shared):
            low = min(facts.starts(r.id)[index][0] - r.setup_minutes for r in requests)
            high = max(facts.starts(r.id)[index][1] + r.duration_minutes for r in requests)
            need = sum(r.setup_minutes + r.duration_minutes for r in requests)
            need += facts.buffer * (len(requests) - 1)
            if need > high - low:
                squeeze = (f"on {facts.day_name(index)} they must all fit between {facts.hm(low)} "
                           f"and {facts.hm(high)} ({high - low} min) but need {need} min "
                           "with set-up and buffers, before any travel")
                details.append(squeeze[0].upper() + squeeze[1:] + ".")
    if rules:
        details.append("The rules involved: " + "; ".join(rule.text for rule in rules) + ".")
    rule_words = " and ".join(rule.text for rule in rules)
    if len(requests) == 1:
        r = requests[0]
        verb = "leaves" if len(rules) == 1 else "leave"
        headline = (f"{r.title} [{r.id}] is mandatory but cannot be served: "
                    f"{rule_words or 'the rules of its day'} {verb} no room for it "
                    f"({facts.possible_text(r)}).")
    elif len(requests) == 2 and clashes:
        a, b = requests
        why = _between_text(facts, a, b, clashes[0][2])
        extra = [rule.text for rule in rules if not rule.key.startswith("travel@")]
        headline = (f"{a.title} ({facts.possible_text(a)}) and {b.title} "
                    f"({facts.possible_text(b)}) cannot both happen: {why}"
                    + (f", with {' and '.join(extra)}" if extra else "") + ".")
    else:
        reasons = [part for part in (rule_words, squeeze) if part]
        headline = (f"{_titles(requests)} cannot {'both' if len(requests) == 2 else 'all'} be served"
                    + (": " + "; ".join(reasons) if reasons else "")
                    + "; dropping any one of them makes the rest fit.")
    return headline, tuple(details)


def diagnose_infeasible(problem: Problem, params: SolveParams | None = None, *,
                        request_ids: Sequence[str] | None = None) -> Conflict | None:
    """Why the mandatory requests of ``problem`` cannot all be served, in plain words.

    Parameters
    ----------
    problem
        A problem on which :func:`scheduler.solve.solve` raised
        :class:`~scheduler.errors.InfeasibleError`.
    params
        Seed, workers and time limit for the small feasibility checks (each at most 5
        deterministic seconds).
    request_ids
        A minimal conflicting set already known (the engine's); found here when not given.

    Returns
    -------
    Conflict or None
        A minimal set of mandatory requests and of the tour's rules that conflict, named in
        words. ``None`` when the mandatory requests do fit together (the solve failed for
        another reason, such as its time limit).
    """
    params = params or SolveParams()
    facts = TourMinutes(problem)
    mandatory = [r.id for r in problem.requests if r.mandatory]
    pruned = [rid for rid in mandatory if rid in facts.pruned]
    if pruned:
        return _pruned_conflict(facts, pruned)
    if request_ids is None:
        if not mandatory or _fits(_relaxed_problem(problem, mandatory, ()), params):
            return None
        request_ids = minimal_conflict(facts.instance, params)
    ids = list(request_ids)
    rules = _necessary_rules(facts, ids, params)
    headline, details = _words(facts, ids, rules)
    return Conflict(tuple(ids), rules, headline, details)


def infeasible_error(problem: Problem, params: SolveParams | None, error: InfeasibleError
                     ) -> InfeasibleError:
    """The engine's :class:`~scheduler.errors.InfeasibleError`, re-told in plain words.

    For the command line: ``scheduler plan`` catches the error of ``solve`` and raises what
    this returns, so exit code 3 comes with a minimal set of requests and rules in words.
    When the mandatory requests do fit together (the solver stopped at its limit), the
    original error is returned unchanged.

    Parameters
    ----------
    problem
        The problem that was solved.
    params
        The parameters it was solved with.
    error
        What :func:`scheduler.solve.solve` raised; its ``request_ids`` (when the engine
        provides them) spare a second search for the minimal set.
    """
    known = getattr(error, "request_ids", None)
    conflict = diagnose_infeasible(problem, params, request_ids=known or None)
    return error if conflict is None else conflict.to_error()
