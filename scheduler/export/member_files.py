"""Each delegation member's own files (``guests/<id>.ics``, ``.html``, ``.pdf``): their engagements, travel and breaks only."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from ..calendar_uids import NightEvent
from ..domain import Engagement, Plan, TravelLeg
from ..fsio import write_atomic
from . import html
from . import pdf as pdf_export
from .calendar_history import CalendarHistory, calendar_history
from .delegation import member_plan
from .ics import add_cancelled_nights, calendar_bytes, cancelled_leg_event, guest_calendar, safe_file_name

__all__ = ["GUESTS_DIR", "member_path", "write", "write_members"]

log = logging.getLogger(__name__)

GUESTS_DIR = "guests"


def member_path(out_dir: Path, guest_id: str, suffix: str) -> Path:
    """Where a member's file goes: ``out_dir/guests/<id><suffix>``."""
    return Path(out_dir) / GUESTS_DIR / safe_file_name(guest_id, suffix)


def write(plan: Plan, out_dir: Path, *, audience: str = "guest",
          history: CalendarHistory | None = None) -> list[Path]:
    """Write each member's calendar and run sheet (the guest's copy: no internal notes, no
    requests left out) into ``out_dir/guests/``; nothing for a tour of one guest.

    Each file holds the member's whole itinerary, so it is private like ``agenda.ics``. A PDF
    that cannot be made (WeasyPrint missing) is left out with a warning: ``agenda.pdf`` is
    skipped for the same reason and the run reports it there.

    Parameters
    ----------
    plan
        The solved plan.
    out_dir
        The output folder.
    audience
        Accepted for the exporters' common signature; a member's copy is always the guest's.
    history
        What the plan's history says the calendars carry, when the caller built it already
        (once per export); else it is built here.

    Returns
    -------
    list of Path
        The files written, member by member in the tour's order.
    """
    history = history or calendar_history(plan)
    return write_members(plan, out_dir, sequences=history.sequences,
                         cancelled=_with_attendees(history.cancelled, plan) + list(history.members_left),
                         titles=history.titles,
                         cancelled_legs=history.legs, cancelled_nights=history.nights)


def write_members(plan: Plan, out_dir: Path, *, pdf: bool = True,
                  sequences: Mapping[str, int] | None = None,
                  cancelled: Iterable[Engagement] = (), titles: Plan | None = None,
                  cancelled_legs: Mapping[str, TravelLeg] | None = None,
                  cancelled_nights: Mapping[tuple[str, str], NightEvent] | None = None) -> list[Path]:
    """Write each member's calendar and run sheets; a re-plan passes what changed.

    Parameters
    ----------
    plan
        The solved plan.
    out_dir
        The output folder.
    pdf
        Whether to write the PDF run sheets (a re-plan may skip them).
    sequences
        SEQUENCE per event UID, as in ``agenda.ics`` after a re-plan.
    cancelled
        Engagements of earlier versions to publish as STATUS:CANCELLED in the calendar of
        each member who attended them (and, for one still planned but given to another
        member, of those who no longer attend it: its guests say whom).
    titles
        The plan whose requests title the cancelled events (the re-plan's plan with the
        withdrawn requests put back); default ``plan``.
    cancelled_legs
        Travel legs of earlier versions, by UID, that no longer are; each member's calendar
        cancels those they travelled (a leg's UID names its traveller, so it is the same in
        the delegation's calendar and the member's).
    cancelled_nights
        Night events of earlier versions, by (calendar, UID), that no longer are; each
        member's calendar cancels its own (the calendar named by their id).

    Returns
    -------
    list of Path
        The files written, member by member in the tour's order.
    """
    dropped = tuple(cancelled)
    written: list[Path] = []
    for guest_id in plan.problem.tour.guest_ids:
        own = member_plan(plan, guest_id)
        own_dropped = [e for e in dropped if guest_id in e.guests]
        calendar = guest_calendar(member_plan(titles or plan, guest_id), audience="guest",
                                  sequences=sequences, cancelled=own_dropped)
        for uid, leg in sorted((cancelled_legs or {}).items()):
            if leg.guest == guest_id:
                calendar.add_component(cancelled_leg_event(own, uid, leg, (sequences or {}).get(uid, 1)))
        add_cancelled_nights(calendar, own, cancelled_nights, sequences, owner=guest_id)
        written.append(write_atomic(member_path(out_dir, guest_id, ".ics"),
                                    calendar_bytes(calendar), private=True))
        written.append(write_atomic(member_path(out_dir, guest_id, ".html"),
                                    html.render(own, audience="guest"), private=True))
        if not pdf:
            continue
        try:
            document = pdf_export.render(own, audience="guest")
        except pdf_export.PdfError as error:
            log.warning("skipped %s: %s", member_path(out_dir, guest_id, ".pdf").name, error)
            continue
        written.append(write_atomic(member_path(out_dir, guest_id, ".pdf"), document, private=True))
    return written



def _with_attendees(cancelled: Iterable[Engagement], plan: Plan) -> list[Engagement]:
    """The dropped slots with who attended them, where the plan's requests still say it.

    A history record keeps no attendees; a request that is still in the plan and names its
    members outright (alone, or all of them together) says whose calendars held it. A
    request withdrawn, or for "any one of", cannot say, and its slot is left out.
    """
    requests = {r.id: r for r in plan.problem.requests}
    attended = []
    for engagement in cancelled:
        request = requests.get(engagement.request_id)
        if engagement.guests:
            attended.append(engagement)
        elif request is not None and request.guests and not request.guests_any:
            attended.append(replace(engagement, guests=request.guests))
    return attended
