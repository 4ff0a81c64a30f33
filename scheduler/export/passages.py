"""The guest's arrival and departure as calendar events, with the transfer to or from the lodging."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping

from icalendar import Event

from ..calendar_uids import UID_SUFFIX
from ..domain import Endpoint, Plan
from ..formatting import place_text

__all__ = ["passage_events"]


def passage_events(plan: Plan, stamp: datetime, sequences: Mapping[str, int]) -> list[Event]:
    """The arrival (landing to leaving the airport) and the departure (check-in to take-off),
    each with the transfer the planned days do not already hold.

    The transfer after the arrival is added when the first working day does not start at the
    arrival place (the guest lands the evening before); the transfer before the departure
    when the last working day does not end at the departure place. Its minutes come from the
    plan's travel table; without them it is left out. ``stamp`` is every event's DTSTAMP.
    """
    tour = plan.problem.tour
    events: list[Event] = []
    first, last = tour.days[0], tour.days[-1]
    if tour.arrival is not None:
        arrival = tour.arrival
        zone = plan.problem.place_zone(arrival.location, arrival.at)
        free = arrival.at + timedelta(minutes=arrival.buffer_minutes)
        events.append(_event(plan, "arrival", f"Arrival{_label(arrival)} at {_name(plan, arrival.location)}",
                             arrival.at, free, arrival.location, arrival, sequences,
                             [f"Lands at {arrival.at.astimezone(zone):%H:%M}; the programme starts no "
                              f"earlier than {free.astimezone(zone):%H:%M}"], stamp))
        if first.start_location != arrival.location:
            minutes = _minutes(plan, arrival.location, first.start_location)
            if minutes is not None:
                events.append(_transfer(plan, "arrival-transfer", arrival.location, first.start_location,
                                        free, minutes, sequences, stamp))
    if tour.departure is not None:
        departure = tour.departure
        zone = plan.problem.place_zone(departure.location, departure.at)
        be_there = departure.at - timedelta(minutes=departure.buffer_minutes)
        events.append(_event(plan, "departure", f"Departure{_label(departure)} from "
                             f"{_name(plan, departure.location)}", be_there, departure.at,
                             departure.location, departure, sequences,
                             [f"Be there by {be_there.astimezone(zone):%H:%M}; departs "
                              f"{departure.at.astimezone(zone):%H:%M}"], stamp))
        if last.end_location != departure.location:
            minutes = _minutes(plan, last.end_location, departure.location)
            if minutes is not None:
                events.append(_transfer(plan, "departure-transfer", last.end_location, departure.location,
                                        be_there - timedelta(minutes=minutes), minutes, sequences, stamp))
    return events


def _label(end: Endpoint) -> str:
    return f": {end.label}" if end.label else ""


def _name(plan: Plan, location_id: str) -> str:
    location = plan.problem.locations.get(location_id)
    return location.name if location is not None and location.name else location_id


def _minutes(plan: Plan, origin: str, destination: str) -> int | None:
    if origin == destination:
        return 0
    return plan.problem.travel.minutes.get((origin, destination))


def _uid(plan: Plan, name: str) -> str:
    return f"{name}@travel.{plan.problem.tour.id}.{UID_SUFFIX}"


def _base(plan: Plan, name: str, summary: str, start: datetime, end: datetime,
          sequences: Mapping[str, int], stamp: datetime, place: str | None = None,
          end_place: str | None = None) -> Event:
    problem = plan.problem
    zone, end_zone = problem.place_zone(place, start), problem.place_zone(end_place or place, end)
    uid = _uid(plan, name)
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", stamp)
    event.add("SEQUENCE", sequences.get(uid, 0))
    event.add("SUMMARY", summary)
    event.add("DTSTART", start.astimezone(zone))
    event.add("DTEND", end.astimezone(end_zone))
    event.add("CATEGORIES", ["travel"])
    event.add("STATUS", "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    event.add("X-SCHEDULER-KIND", "travel")
    return event


def _event(plan: Plan, name: str, summary: str, start: datetime, end: datetime, location_id: str,
           passage: Endpoint, sequences: Mapping[str, int], lines: list[str], stamp: datetime) -> Event:
    event = _base(plan, name, summary, start, end, sequences, stamp, location_id)
    location = plan.problem.locations.get(location_id)
    event.add("LOCATION", place_text(location, None) if location else location_id)
    details = [*([f"Mode: {passage.mode}"] if passage.mode else []),
               *([f"Reference: {passage.ref}"] if passage.ref else []), *lines]
    event.add("DESCRIPTION", "\n".join(details))
    return event


def _transfer(plan: Plan, name: str, origin: str, destination: str, start: datetime, minutes: int,
              sequences: Mapping[str, int], stamp: datetime) -> Event:
    end = start + timedelta(minutes=minutes)
    event = _base(plan, name, f"Travel: {_name(plan, origin)} → {_name(plan, destination)}",
                  start, end, sequences, stamp, origin, destination)
    event.add("LOCATION", _name(plan, origin))
    event.add("DESCRIPTION", f"From: {_name(plan, origin)}\nTo: {_name(plan, destination)}\n"
                             f"{minutes} minutes")
    return event
