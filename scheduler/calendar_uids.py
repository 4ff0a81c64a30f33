"""Calendar UIDs of a plan's events, made from ids only so that they survive re-runs and re-plans.

Both the exporters (scheduler/export/ics.py) and re-planning (which numbers each event's
SEQUENCE by its UID) need the same names; this module holds them below both.
"""

from __future__ import annotations

from datetime import date

from .domain import TravelLeg

__all__ = ["UID_SUFFIX", "engagement_uid", "night_uid", "resource_uid", "travel_uid", "trip_key"]

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
