"""Calendar UIDs of a plan's events, made from ids only so that they survive re-runs and re-plans.

Both the exporters (scheduler/export/ics.py) and re-planning (which numbers each event's
SEQUENCE by its UID) need the same names; this module holds them below both.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from .domain import Day, Endpoint, Tour, TravelLeg

__all__ = ["NightEvent", "UID_SUFFIX", "engagement_uid", "lodging_nights", "night_events", "night_uid",
           "nights_of_days", "resource_uid", "travel_uid", "trip_key"]

UID_SUFFIX = "scheduler"


def engagement_uid(tour_id: str, request_id: str) -> str:
    """The UID of a request's event: ``<request-id>@<tour-id>.scheduler``.

    It depends on the ids only, so it survives re-runs and re-plans, and the guest's
    calendar, the counterpart's invitation and the CalDAV copy all name the same event.
    """
    return f"{request_id}@{tour_id}.{UID_SUFFIX}"


def resource_uid(tour_id: str, resource_id: str, request_id: str) -> str:
    """The UID of an engagement in a resource's calendar (``resources/<id>.ics``):
    ``<resource-id>.<request-id>@<tour-id>.scheduler``.

    It names the resource and the request, never a position, so a moved engagement keeps it;
    it differs from the guest's UID because a resource's event is another event (its own
    title, no notes) that a shared calendar may hold beside the guest's.
    """
    return f"{resource_id}.{engagement_uid(tour_id, request_id)}"


def travel_uid(tour_id: str, leg: TravelLeg, occurrence: int = 1) -> str:
    """The UID of a travel leg: day, who travels (in a delegation), origin and destination,
    and a count from the second leg that repeats the same trip on the same day (counted per
    traveller: see :func:`trip_key`)."""
    repeat = f".{occurrence}" if occurrence > 1 else ""
    who = f"{leg.guest}." if leg.guest else ""
    return (f"{leg.day.isoformat()}.{who}{leg.origin}.{leg.destination}{repeat}"
            f"@travel.{tour_id}.{UID_SUFFIX}")


def trip_key(leg: TravelLeg) -> tuple[date, str, str, str]:
    """What makes two legs the same trip for :func:`travel_uid`'s count: day, traveller,
    origin and destination."""
    return leg.day, leg.guest, leg.origin, leg.destination


def night_uid(tour_id: str, night: date, location_id: str = "") -> str:
    """The UID of the lodging event of the night that starts on ``night``; a delegation whose
    members sleep in several places adds the place to tell the events apart."""
    where = f".{location_id}" if location_id else ""
    return f"{night.isoformat()}{where}@night.{tour_id}.{UID_SUFFIX}"


class NightEvent(NamedTuple):
    """A night's lodging event as one calendar holds it: the date the night starts, the
    place, and who sleeps there (``()``: everyone the calendar is for)."""

    night: date
    location: str
    guests: tuple[str, ...] = ()


def nights_of_days(days: tuple[Day, ...], arrival: Endpoint | None = None,
                   departure: Endpoint | None = None) -> tuple[tuple[date, str], ...]:
    """The nights around working days and where the guest sleeps: ``(date the night starts,
    place id)``.

    A day starts at the lodging of the night before and ends at the lodging of its own night
    (or where the guest arrives or departs), so between two working days the guest sleeps
    where the next day starts, every night of the gap. The night before the first day is
    slept where the first day starts, unless the guest arrives there that day (``arrival``:
    the day starts at the airport or station); the night after the last day where it ends,
    unless the guest departs from there that day. Without ``arrival`` (or ``departure``), the
    night is added only when the place is one slept at between days, as a place of arrival
    cannot be told from a lodging. A one-day tour that starts and ends at the same place
    sleeps there both nights.
    """
    result: list[tuple[date, str]] = []
    lodgings: set[str] = set()
    for before, after in zip(days, days[1:], strict=False):
        lodgings.update((before.end_location, after.start_location))
        night = before.date
        while night < after.date:
            result.append((night, after.start_location))
            night += timedelta(days=1)
    first, last = days[0], days[-1]
    if len(days) == 1 and first.start_location == first.end_location:
        lodgings.add(first.start_location)
    arrives = arrival is not None and (arrival.location, arrival.at.date()) == (first.start_location, first.date)
    departs = departure is not None and (departure.location, departure.at.date()) == (last.end_location, last.date)
    if first.start_location in lodgings or (arrival is not None and not arrives):
        result.insert(0, (first.date - timedelta(days=1), first.start_location))
    if last.end_location in lodgings or (departure is not None and not departs):
        result.append((last.date, last.end_location))
    return tuple(result)


def _nights(tour: Tour, guest_id: str = "") -> tuple[tuple[date, str], ...]:
    """:func:`nights_of_days` of a guest's days (a member's own, or the tour's), with the
    arrival and departure that bound them (a member's own, else the tour's)."""
    member = tour.member(guest_id) if guest_id and guest_id in tour.guest_ids else None
    arrival = (member.arrival if member is not None else None) or tour.arrival
    departure = (member.departure if member is not None else None) or tour.departure
    return nights_of_days(tour.days_of(guest_id) if member is not None else tour.days, arrival, departure)


def lodging_nights(tour: Tour) -> tuple[NightEvent, ...]:
    """The nights of a tour's calendar (``agenda.ics``) and who sleeps where, ``guests`` empty
    when everyone of the tour sleeps there (always for one guest, and in a plan cut for one
    member of a delegation). Members with their own lodging sleep elsewhere than the others:
    each place of a night then gets its own event, naming who sleeps there."""
    if not tour.is_delegation or tour.guest.id in tour.guest_ids:
        return tuple(NightEvent(night, place) for night, place in _nights(tour, tour.guest.id))
    sleepers: dict[tuple[date, str], list[str]] = {}
    for guest_id in tour.guest_ids:
        for night, place in _nights(tour, guest_id):
            sleepers.setdefault((night, place), []).append(guest_id)
    everyone = list(tour.guest_ids)
    return tuple(NightEvent(night, place, () if ids == everyone else tuple(ids))
                 for (night, place), ids in sorted(sleepers.items()))


def night_events(tour: Tour) -> dict[tuple[str, str], NightEvent]:
    """Every night event of a plan's calendars by (calendar, UID): the calendar ``""`` is the
    tour's (``agenda.ics``, ``agenda-team.ics``), a member's id that member's own
    (``guests/<id>.ics``, a delegation only). A night's UID names its date, and in the tour's
    calendar of a delegation whose members sleep apart also the place (:func:`night_uid`), so
    it stays the same while the lodging of that night changes, and a re-plan can raise its
    SEQUENCE or cancel it."""
    events = {("", night_uid(tour.id, event.night, event.location if event.guests else "")): event
              for event in lodging_nights(tour)}
    if tour.is_delegation and tour.guest.id not in tour.guest_ids:
        for guest_id in tour.guest_ids:
            for night, place in _nights(tour, guest_id):
                events[(guest_id, night_uid(tour.id, night))] = NightEvent(night, place)
    return events
