"""Exporters: a plan to files for people (calendar, invitations, run sheets, tables); never solves.

Every exporter module has ``write(plan, out_dir, *, audience) -> list[Path]``; the calendar
writers (``CALENDAR_FORMATS``) also take the plan's calendar history, which an export of
several formats builds once (:func:`write_all`). The team's
copies hold everything; the guest's leave out internal notes and the unscheduled requests;
invitations hold one counterpart's own slot only. In a delegation each member also gets their
own calendar and run sheet (``guests/``), and the team an overview of everyone's days.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import Plan
from ..errors import SchedulerError
from ..gc_pacing import rare_collections
from .audience import AUDIENCES  # noqa: F401  (public here, as before)
from .calendar_history import CALENDAR_FORMATS, CalendarHistory, calendar_history

log = logging.getLogger(__name__)

# format name -> module under scheduler.export
FORMATS = {
    "csv": "table",
    "xlsx": "workbook",
    "md": "markdown",
    "html": "html",
    "pdf": "pdf",
    "ics": "ics",
    "invites": "invites",
    "resources": "resource_calendars",
    "guests": "member_files",
    "overview": "overview",
}
# What `plan` and `demo` write: (format, audience). The guest's phone gets agenda.ics.
DEFAULT_OUTPUTS = (
    ("csv", "team"), ("xlsx", "team"), ("md", "team"), ("html", "team"), ("pdf", "team"),
    ("md", "guest"), ("html", "guest"), ("pdf", "guest"),
    ("ics", "guest"), ("ics", "team"), ("invites", "team"), ("resources", "team"),
    ("guests", "guest"), ("overview", "team"),
)
# ``guests`` (each member's calendar and run sheet) and ``overview`` (delegation.html) write
# nothing for a tour of one guest.


@dataclass
class Written:
    """Files written, and formats skipped with the reason (e.g. PDF without its libraries)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def write_format(plan: Plan, out_dir: Path, fmt: str, *, audience: str = "team",
                 history: CalendarHistory | None = None) -> list[Path]:
    """Write one format for one audience into ``out_dir``; returns the files written.

    ``history`` (:func:`~scheduler.export.calendar_history.calendar_history` of ``plan``) goes
    to a calendar writer (``CALENDAR_FORMATS``); without it that writer builds its own."""
    if fmt not in FORMATS:
        raise SchedulerError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f".{FORMATS[fmt]}", __name__)
    if fmt in CALENDAR_FORMATS and history is not None:
        return list(module.write(plan, Path(out_dir), audience=audience, history=history))
    return list(module.write(plan, Path(out_dir), audience=audience))


def write_all(plan: Plan, out_dir: Path, outputs=DEFAULT_OUTPUTS) -> Written:
    """Write every (format, audience) of ``outputs``; a PDF that cannot be made is skipped.

    The plan's calendar history (what a re-planned plan's calendars carry) is read once, for
    all the calendar writers among ``outputs``."""
    from .pdf import PdfError

    written = Written()
    history = calendar_history(plan) if any(fmt in CALENDAR_FORMATS for fmt, _ in outputs) \
        else None
    with rare_collections():  # the run sheets' layout makes millions of short-lived objects
        for fmt, audience in outputs:
            try:
                written.files += write_format(plan, out_dir, fmt, audience=audience,
                                              history=history)
            except PdfError as error:
                if f"pdf: {error}" not in written.skipped:
                    written.skipped.append(f"pdf: {error}")
                log.warning("skipped %s for %s: %s", fmt, audience, error)
    return written
