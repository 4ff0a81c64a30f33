"""Each delegation member's own files (``guests/<id>.ics``, ``.html``, ``.pdf``): their engagements, travel and breaks only."""

from __future__ import annotations

import logging
from pathlib import Path

from ..domain import Plan
from ..fsio import write_atomic
from . import html, pdf
from .delegation import member_plan
from .ics import calendar_bytes, guest_calendar, safe_file_name

__all__ = ["GUESTS_DIR", "member_path", "write"]

log = logging.getLogger(__name__)

GUESTS_DIR = "guests"


def member_path(out_dir: Path, guest_id: str, suffix: str) -> Path:
    """Where a member's file goes: ``out_dir/guests/<id><suffix>``."""
    return Path(out_dir) / GUESTS_DIR / safe_file_name(guest_id, suffix)


def write(plan: Plan, out_dir: Path, *, audience: str = "guest") -> list[Path]:
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

    Returns
    -------
    list of Path
        The files written, member by member in the tour's order.
    """
    written: list[Path] = []
    for guest_id in plan.problem.tour.guest_ids:
        own = member_plan(plan, guest_id)
        written.append(write_atomic(member_path(out_dir, guest_id, ".ics"),
                                    calendar_bytes(guest_calendar(own, audience="guest")), private=True))
        written.append(write_atomic(member_path(out_dir, guest_id, ".html"),
                                    html.render(own, audience="guest"), private=True))
        try:
            document = pdf.render(own, audience="guest")
        except pdf.PdfError as error:
            log.warning("skipped %s: %s", member_path(out_dir, guest_id, ".pdf").name, error)
            continue
        written.append(write_atomic(member_path(out_dir, guest_id, ".pdf"), document, private=True))
    return written
