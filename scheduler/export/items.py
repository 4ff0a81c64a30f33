"""The rows of a run sheet: a travel leg, a break, an engagement, and a request left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain import utc
from ..formatting import format_duration

__all__ = ["BreakItem", "EngagementItem", "Item", "TravelItem", "UnscheduledItem"]


@dataclass(frozen=True, slots=True)
class TravelItem:
    """A move of the guest between two places.

    Attributes
    ----------
    start, end
        Departure and arrival, aware datetimes in the tour's zone.
    start_text, end_text
        The same as ``HH:MM``.
    origin, destination
        The places' display names.
    origin_id, destination_id
        The places' ids.
    minutes
        Travel time in minutes.
    estimated
        True when the time was estimated from coordinates rather than given by the organizer.
    fixed, mode, ref, notes, checkin_minutes
        A booked leg of the tour (a train, a flight): its own row in the run sheet, with its
        mode, reference, notes and the minutes the guest must be there before it departs.
    guest
        Who of a delegation travels (a short name) in the delegation's copy; ``""`` otherwise.
    """

    start: datetime
    end: datetime
    start_text: str
    end_text: str
    origin: str
    destination: str
    origin_id: str
    destination_id: str
    minutes: int
    estimated: bool
    fixed: bool = False
    mode: str = ""
    ref: str = ""
    notes: str = ""
    checkin_minutes: int = 0
    checkin_text: str = ""
    guest: str = ""

    kind = "travel"

    @property
    def title(self) -> str:
        """``Hotel Central → PSOE, Ferraz``."""
        return f"{self.origin} \u2192 {self.destination}"

    @property
    def label(self) -> str:
        """``Train AVE 03111`` for a fixed leg; ``Travel`` for the others."""
        return f"{self.mode.capitalize()} {self.ref}".strip() if self.fixed else "Travel"

    @property
    def minutes_text(self) -> str:
        """``15 min``, or ``≈15 min (estimated)`` when estimated."""
        text = format_duration(self.minutes)
        return f"\u2248{text} (estimated)" if self.estimated else text


@dataclass(frozen=True, slots=True)
class BreakItem:
    """A break placed in the day (the meal).

    Attributes
    ----------
    start, end, start_text, end_text
        As for :class:`TravelItem`.
    break_kind
        The break's kind as in the plan (``"meal"``).
    guest
        Who of a delegation takes it (a short name) in the delegation's copy; ``""`` otherwise.
    """

    start: datetime
    end: datetime
    start_text: str
    end_text: str
    break_kind: str
    guest: str = ""

    kind = "break"

    @property
    def title(self) -> str:
        """``Meal break``."""
        return f"{self.break_kind.capitalize()} break"

    @property
    def minutes(self) -> int:
        """Length of the break in minutes."""
        return int((utc(self.end) - utc(self.start)) // timedelta(minutes=1))


@dataclass(frozen=True, slots=True)
class EngagementItem:
    """An engagement as the run sheet shows it.

    Attributes
    ----------
    number
        1-based position among the day's engagements; the timeline and the table share it.
    request_id, title, kind, kind_label, counterpart
        What it is (``kind_label`` is ``"TV"`` for ``"tv"``).
    start, end, start_text, end_text
        When, in the tour's zone.
    setup_minutes, arrive_text
        Set-up time before the start (TV make-up) and the time to be there (``""`` without set-up).
    remote
        ``"phone"`` or ``"video"`` for a remote engagement, else ``None``.
    place_id, place, address, city
        The place's id, name, address and city; for a remote engagement the place is where the
        guest is at the time (they need a quiet room there) and ``address`` is empty.
    contact_name, contact_email, contact_phone
        The counterpart's contact person.
    travel_before
        The legs the guest travels after the previous engagement (or the day's start) to get here.
    notes
        Notes for the guest and the team.
    internal_notes
        Notes for the team only; always ``""`` in the guest's view.
    audience, value, mandatory
        How much it matters.
    team
        Who of the team attends (the names of the shared resources it uses), ``""`` for none.
    guests, guests_label
        Who of a delegation attends (``Anna Kowalska, Boris Ivanov``) and the label to show
        before it (``Attending``; ``Together with`` in a member's own copy, which names the
        others of a joint engagement only); both ``""`` in a tour of one guest.
    """

    number: int
    request_id: str
    title: str
    kind: str
    kind_label: str
    counterpart: str
    start: datetime
    end: datetime
    start_text: str
    end_text: str
    setup_minutes: int
    arrive_text: str
    remote: str | None
    place_id: str
    place: str
    address: str
    city: str
    contact_name: str
    contact_email: str
    contact_phone: str
    travel_before: tuple[TravelItem, ...]
    notes: str
    internal_notes: str
    audience: int | None
    value: int
    mandatory: bool
    team: str = ""
    guests: str = ""
    guests_label: str = ""

    @property
    def is_remote(self) -> bool:
        """True for a phone or video engagement."""
        return self.remote is not None

    @property
    def duration_minutes(self) -> int:
        """Length of the engagement itself, set-up excluded."""
        return int((utc(self.end) - utc(self.start)) // timedelta(minutes=1))

    @property
    def setup_start(self) -> datetime:
        """When set-up begins (the start when there is none)."""
        return self.start - timedelta(minutes=self.setup_minutes)

    @property
    def contact_text(self) -> str:
        """The contact's name, e-mail and phone joined with `` · ``."""
        parts = [self.contact_name, self.contact_email, self.contact_phone]
        return " \u00b7 ".join(part for part in parts if part)

    @property
    def where_text(self) -> str:
        """The place and address on one line, or ``Remote (phone), from Hotel Central``."""
        if self.is_remote:
            return f"Remote ({self.remote}), from {self.place}" if self.place else f"Remote ({self.remote})"
        return ", ".join(part for part in (self.place, self.address) if part)

    @property
    def travel_text(self) -> str:
        """The legs before it in words: ``from Hotel Central, 15 min, leave 09:45``.

        A leg that ends elsewhere (before a remote engagement) reads ``PSOE, Ferraz → Hotel
        Central, 15 min, leave 11:10``.
        """
        parts = []
        for leg in self.travel_before:
            route = f"from {leg.origin}" if leg.destination_id == self.place_id else leg.title
            who = f"{leg.guest}: " if leg.guest else ""
            parts.append(f"{who}{route}, {leg.minutes_text}, leave {leg.start_text}")
        return "; ".join(parts)


Item = TravelItem | EngagementItem | BreakItem


@dataclass(frozen=True, slots=True)
class UnscheduledItem:
    """A request left out, for the team's list.

    Attributes
    ----------
    request_id, title, counterpart, kind_label
        Which request.
    value, mandatory
        How much it mattered.
    reason, code
        Why it was left out, in words and as the plan's short code.
    """

    request_id: str
    title: str
    counterpart: str
    kind_label: str
    value: int
    mandatory: bool
    reason: str
    code: str
