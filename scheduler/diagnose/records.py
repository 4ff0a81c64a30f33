"""The diagnosis's results as frozen records: conflicts, window verdicts, what-ifs, placements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..domain import Plan
from ..errors import InfeasibleError
from .text import explanation_text, resource_what_if_lines

__all__ = [
    "Change",
    "Conflict",
    "DayFit",
    "Explanation",
    "Neighbour",
    "Occupant",
    "Placement",
    "ResourceWhatIf",
    "Rule",
    "WhatIf",
    "WindowReport",
]


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
        return InfeasibleError(self.headline, self.details, request_ids=self.request_ids)

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
class ResourceWhatIf:
    """The best agenda with a second resource like one of the tour's, against the current one.

    Attributes
    ----------
    resource_id
        The resource copied.
    copy_id, copy_name
        The copy's id (``interp-1-2``) and name.
    request_id
        The request being explained (``None`` when none).
    request_served
        Whether that request would be served.
    served, dropped, moved
        Requests newly served, engagements left out, and engagements moved.
    uses
        The requests the copy would serve, in time order.
    value_before, value_after
        Value served now and with the copy.
    solver_status
        ``optimal`` when proven best, ``feasible`` when the time limit stopped the search.
    plan
        The agenda with the copy (not part of :meth:`to_dict`).
    """

    resource_id: str
    copy_id: str
    copy_name: str
    request_id: str | None
    request_served: bool
    served: tuple[Change, ...]
    dropped: tuple[Change, ...]
    moved: tuple[Change, ...]
    uses: tuple[str, ...]
    value_before: int
    value_after: int
    solver_status: str
    plan: Plan | None = None

    @property
    def value_change(self) -> int:
        """Value gained (positive) or lost (negative) against the current agenda."""
        return self.value_after - self.value_before

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"resource_id": self.resource_id, "copy_id": self.copy_id, "copy_name": self.copy_name,
                "request_id": self.request_id, "request_served": self.request_served,
                "served": [c.to_dict() for c in self.served],
                "dropped": [c.to_dict() for c in self.dropped],
                "moved": [c.to_dict() for c in self.moved], "uses": list(self.uses),
                "value_before": self.value_before, "value_after": self.value_after,
                "value_change": self.value_change, "solver_status": self.solver_status}

    def text(self) -> str:
        """The what-if for people."""
        return "\n".join(resource_what_if_lines(self))


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
    resource_what_if
        The best agenda with a second resource like one of the tour's (``None`` when not
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
    resource_what_if: ResourceWhatIf | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``--json`` output of ``scheduler explain``)."""
        out = {"request_id": self.request_id, "title": self.title, "value": self.value,
               "duration_minutes": self.duration_minutes, "mandatory": self.mandatory,
               "place": self.place, "scheduled": self.scheduled, "code": self.code,
               "reason": self.reason, "windows": [w.to_dict() for w in self.windows],
               "placement": self.placement.to_dict() if self.placement else None,
               "what_if": self.what_if.to_dict() if self.what_if else None}
        if self.resource_what_if is not None:
            out["resource_what_if"] = self.resource_what_if.to_dict()
        return out

    def text(self) -> str:
        """The explanation for people, as ``scheduler explain`` prints it."""
        return explanation_text(self)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
