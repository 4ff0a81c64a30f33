"""Invitations for counterparts (``invites/<request-id>.ics``): each holds its own slot only.

An invitation is meant to be forwarded: it carries the engagement's title, time, place and the
counterpart's own contact, and nothing about the lodging, the other engagements, the travel,
the notes or the tour's other dates (its VTIMEZONE covers the engagement's day alone).

iTIP (RFC 5546) wants an ORGANIZER and an ATTENDEE in a REQUEST, and an ORGANIZER in a
PUBLISH, so the method steps down when an address is missing: REQUEST with both addresses,
PUBLISH without the counterpart's, and a plain calendar (no METHOD) without the organizer's.
An address that cannot be one (a line break, a space or another control or blank character,
not exactly one "@" with something on each side), as a hand-edited plan.json may hold, counts
as missing: the invitation is written all the same, without that mailto.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Iterable, Mapping

from icalendar import Calendar, Event, vCalAddress

from ..domain import Engagement, Plan, Request
from ..fsio import write_atomic
from .calendar_history import CalendarHistory, calendar_history
from .delegation import names_in_words
from .ics import (
    CalendarError,
    add_place,
    add_times,
    add_timezones,
    calendar_bytes,
    contact_text,
    dtstamp,
    engagement_uid,
    engagement_zone,
    new_calendar,
    safe_file_name,
)

__all__ = ["INVITES_DIR", "METHODS", "cancellation", "invitation", "invite_path", "write"]

INVITES_DIR = "invites"
METHODS = ("REQUEST", "PUBLISH")


def _request(plan: Plan, request_id: str) -> Request:
    try:
        return plan.problem.request(request_id)
    except KeyError:
        raise CalendarError(f"no request {request_id!r} in the plan") from None


def _mail_address(text: str | None) -> str | None:
    """``text`` when it can be one e-mail address, else ``None`` (treated as no address).

    Refused: no text; any line break, space or other blank or control character; anything but
    exactly one ``@`` with something on each side. This is no full RFC 5322 check (the input
    reader does that); it keeps a hand-edited value from breaking the calendar file.
    """
    if not text:
        return None
    if any(char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text):
        return None
    local, _, domain = text.partition("@")
    if not local or not domain or "@" in domain:
        return None
    return text


def _organizer(plan: Plan) -> vCalAddress | None:
    organizer = plan.problem.tour.organizer
    email = _mail_address(organizer.email)
    if email is None:
        return None
    address = vCalAddress(f"mailto:{email}")
    if organizer.name:
        address.params["CN"] = organizer.name
    return address


def _attendee(request: Request, *, rsvp: bool) -> vCalAddress | None:
    email = _mail_address(request.contact.email)
    if email is None:
        return None
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = request.contact.name or request.counterpart or email
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    address.params["PARTSTAT"] = "NEEDS-ACTION"
    if rsvp:
        address.params["RSVP"] = "TRUE"
    return address


def _effective_method(wanted: str, organizer: vCalAddress | None,
                      attendee: vCalAddress | None) -> str | None:
    if organizer is None:
        return None
    if wanted == "REQUEST" and attendee is None:
        return "PUBLISH"
    return wanted


def _description(plan: Plan, request: Request, engagement: Engagement | None) -> str:
    lines = []
    if request.counterpart:
        lines.append(f"With: {request.counterpart}")
    contact = contact_text(request)
    if contact:
        lines.append(f"Contact: {contact}")
    if engagement is not None and engagement.guests:
        # Who of the delegation comes, and nothing of the other members' slots.
        lines.append(f"{names_in_words(plan.problem.tour, engagement.guests)} of the delegation will attend.")
    if engagement is not None and engagement.resources:
        names = ", ".join(plan.problem.resource(r).label for r in engagement.resources)
        lines.append(f"Attending with {'them' if engagement.guests else 'the guest'}: {names}")
    return "\n".join(lines)


def _slot_event(plan: Plan, request: Request, engagement: Engagement | None, *, sequence: int,
                status: str) -> Event:
    """The VEVENT of one slot, built from that request and engagement alone."""
    event = Event()
    event.add("UID", engagement_uid(plan.problem.tour.id, request.id))
    # Without a creation time, the slot's own start: the first day's would tell the
    # counterpart when the guest arrives.
    event.add("DTSTAMP", dtstamp(plan, engagement.start if engagement is not None
                                 else plan.problem.tour.days[0].start))
    event.add("SEQUENCE", sequence)
    event.add("SUMMARY", request.title or request.id)
    if engagement is not None:
        # The counterpart's clock: the zone of the place, else of the day.
        add_times(event, engagement.start, engagement.end, engagement_zone(plan, engagement))
        location = (plan.problem.locations.get(engagement.location)
                    if engagement.location is not None else None)
        add_place(event, location, request.remote)
    description = _description(plan, request, engagement)
    if description:
        event.add("DESCRIPTION", description)
    event.add("STATUS", status)
    event.add("TRANSP", "OPAQUE")
    return event


def _with_zone(calendar: Calendar, plan: Plan, engagement: Engagement | None) -> None:
    if engagement is not None:
        add_timezones(calendar, plan.problem.tour.timezone, [engagement.start, engagement.end])


def invitation(plan: Plan, request_id: str, *, method: str = "REQUEST",
               sequence: int = 0) -> Calendar:
    """The invitation to one scheduled engagement, safe to send to its counterpart.

    Parameters
    ----------
    plan
        The solved plan.
    request_id
        The request whose engagement to send.
    method
        ``"REQUEST"`` (an invitation the counterpart can accept) or ``"PUBLISH"`` (a
        confirmation to add to a calendar). REQUEST becomes PUBLISH when the contact has no
        usable email (see :func:`_mail_address`), and either becomes a plain calendar when the
        organizer has none.
    sequence
        The event's SEQUENCE: 0 first, raised by re-planning each time the slot changes.

    Returns
    -------
    icalendar.Calendar
        One VTIMEZONE (the engagement's day) and one VEVENT with the same UID as in the
        guest's calendar, ORGANIZER (the tour's organizer) and, for a REQUEST, the contact
        as ATTENDEE (REQ-PARTICIPANT, NEEDS-ACTION, RSVP).

    Raises
    ------
    CalendarError
        For an unknown method, or a request that the plan does not schedule.
    """
    if method not in METHODS:
        raise CalendarError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    request = _request(plan, request_id)
    engagement = plan.engagement(request_id)
    if engagement is None:
        raise CalendarError(f"request {request_id!r} is not scheduled in the plan")
    organizer = _organizer(plan)
    attendee = _attendee(request, rsvp=True)
    effective = _effective_method(method, organizer, attendee)
    event = _slot_event(plan, request, engagement, sequence=sequence, status="CONFIRMED")
    if organizer is not None:
        event.add("ORGANIZER", organizer)
    if attendee is not None and effective != "PUBLISH":
        event.add("ATTENDEE", attendee)
    calendar = new_calendar(method=effective)
    calendar.add_component(event)
    _with_zone(calendar, plan, engagement)
    return calendar


def cancellation(plan: Plan, request_id: str, sequence: int, *,
                 engagement: Engagement | None = None) -> Calendar:
    """The cancellation (METHOD:CANCEL) of a counterpart's slot.

    Parameters
    ----------
    plan
        A plan that still lists the request (the new plan after re-planning will do).
    request_id
        The request whose slot is cancelled.
    sequence
        A SEQUENCE above the one of the last invitation sent, so that calendars apply it.
    engagement
        The cancelled slot, to show its time; by default the plan's engagement of the
        request, and with neither the cancellation names the event by its UID only.

    Returns
    -------
    icalendar.Calendar
        One VEVENT with STATUS:CANCELLED and the UID of the invitation it cancels. Without
        the organizer's email (CANCEL needs an ORGANIZER) it is a plain calendar instead.
    """
    request = _request(plan, request_id)
    engagement = engagement or plan.engagement(request_id)
    organizer = _organizer(plan)
    attendee = _attendee(request, rsvp=False)
    event = _slot_event(plan, request, engagement, sequence=sequence, status="CANCELLED")
    if organizer is not None:
        event.add("ORGANIZER", organizer)
    if attendee is not None:
        event.add("ATTENDEE", attendee)
    calendar = new_calendar(method="CANCEL" if organizer is not None else None)
    calendar.add_component(event)
    _with_zone(calendar, plan, engagement)
    return calendar


def invite_path(out_dir: Path, request_id: str) -> Path:
    """Where the invitation of ``request_id`` goes: ``out_dir/invites/<request-id>.ics``."""
    return Path(out_dir) / INVITES_DIR / safe_file_name(request_id)


def write(plan: Plan, out_dir: Path, *, sequences: Mapping[str, int] | None = None,
          cancelled: Iterable[str | Engagement] = (), audience: str | None = None,
          history: CalendarHistory | None = None) -> list[Path]:
    """Write one invitation per scheduled engagement to ``out_dir/invites/``.

    Invitations are meant for third parties, so their files are readable by all (0644),
    unlike the guest's calendar.

    Parameters
    ----------
    plan
        The solved plan.
    out_dir
        The output folder; ``invites/`` is made inside it.
    sequences
        SEQUENCE per event UID (see :func:`scheduler.export.ics.engagement_uid`); 0 when
        missing.
    cancelled
        Slots to cancel (request ids, or Engagements from an earlier plan): their file gets
        a METHOD:CANCEL instead.
    audience
        Accepted for the exporters' common ``write`` signature; invitations are the same
        for every audience.

    Returns
    -------
    list of Path
        The files written, in the plan's order, cancellations last.

    Without ``sequences`` and ``cancelled``, a re-planned plan's invitations carry what its
    history says: each one's SEQUENCE, and a cancellation for each slot dropped and not back
    (``history``: that history when the caller built it already, else it is built here).
    """
    if sequences is None and not cancelled and plan.history:
        history = history or calendar_history(plan)
        plan, sequences, cancelled = history.titles, history.sequences, history.cancelled
    sequences = sequences or {}
    tour_id = plan.problem.tour.id
    cancelled_by_id: dict[str, Engagement | None] = {}
    for item in cancelled:
        if isinstance(item, Engagement):
            cancelled_by_id[item.request_id] = item
        else:
            cancelled_by_id[item] = None
    paths = []
    for engagement in plan.engagements:
        if engagement.request_id in cancelled_by_id:
            continue
        calendar = invitation(plan, engagement.request_id,
                              sequence=sequences.get(engagement_uid(tour_id, engagement.request_id), 0))
        paths.append(write_atomic(invite_path(out_dir, engagement.request_id),
                                  calendar_bytes(calendar), private=False))
    known = {r.id: r for r in plan.problem.requests}
    for request_id, old in cancelled_by_id.items():
        request = known.get(request_id)
        if request is None or (old is not None and old.location is not None and request.location_id is None):
            # (a placeless ghost of a slot that had a place: see calendar_history._with_ghosts)
            # A slot dropped at a place this plan no longer lists (the tour was planned again
            # without it): the history keeps neither the place nor the counterpart's
            # address. ``plan`` turns the invitation already in the folder into its
            # cancellation from the earlier plan file (app/planning.py, settle_old_invitations).
            continue
        calendar = cancellation(plan, request_id, sequences.get(engagement_uid(tour_id, request_id), 0),
                                engagement=old)
        paths.append(write_atomic(invite_path(out_dir, request_id), calendar_bytes(calendar),
                                  private=False))
    return paths
