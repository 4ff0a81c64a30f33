"""The agenda as a spreadsheet table (``agenda.csv``): one row per engagement, safe to open in Excel.

The file is UTF-8 with a byte-order mark (so Excel reads the accents right), comma-separated,
with CRLF line ends and quotes where a cell needs them. A cell that a spreadsheet would run
as a formula (one that starts with ``=``, ``+``, ``-``, ``@``, their fullwidth forms ``＝``, ``＋``,
``－``, ``＠``, a tab or a carriage return) gets a leading apostrophe: the text shows, nothing runs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..domain import Plan
from .view import EngagementItem, PlanView, build_view, write_copy

__all__ = ["FORMULA_STARTS", "columns", "neutralise", "render", "render_view", "rows", "write"]

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What a spreadsheet reads as the start of a formula: the ASCII signs, a tab, a carriage
return, and the fullwidth ＝ ＋ － ＠ that spreadsheets in East Asian locales also take."""

_COLUMNS = ("Day", "Start", "End", "Zone", "Title", "Kind", "Counterpart", "Place", "Address",
            "Contact", "Travel before", "Notes")
_TEAM_COLUMNS = ("Internal notes",)
_TAIL_COLUMNS = ("Request id",)


def neutralise(cell: str) -> str:
    """``cell`` with a leading apostrophe when a spreadsheet would read it as a formula.

    Parameters
    ----------
    cell
        The cell's text.

    Returns
    -------
    str
        ``"'=1+1"`` for ``"=1+1"``; other text unchanged.
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def columns(audience: str = "team") -> tuple[str, ...]:
    """The header of the table for ``audience`` (the guest's has no ``Internal notes``)."""
    middle = _TEAM_COLUMNS if audience == "team" else ()
    return _COLUMNS + middle + _TAIL_COLUMNS


def _row(day_iso: str, zone: str, item: EngagementItem, is_team: bool) -> list[str]:
    place = f"Remote ({item.remote})" if item.is_remote else item.place
    cells = [day_iso, item.start_text, item.end_text, zone, item.title, item.kind_label,
             item.counterpart, place, item.address, item.contact_text, item.travel_text, item.notes]
    if is_team:
        cells.append(item.internal_notes)
    cells.append(item.request_id)
    return cells


def rows(view: PlanView) -> list[list[str]]:
    """The table's rows (header first), cells not yet neutralised.

    Parameters
    ----------
    view
        From :func:`scheduler.export.view.build_view`.
    """
    table = [list(columns(view.audience))]
    for day in view.days:
        for item in day.engagements:
            zone = item.start.tzname() or day.zone_abbreviation
            table.append(_row(day.date.isoformat(), zone, item, view.is_team))
    return table


def render_view(view: PlanView) -> str:
    """The CSV text (byte-order mark first) of a prepared view."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    for row in rows(view):
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + buffer.getvalue()


def render(plan: Plan, *, audience: str = "team") -> str:
    """The agenda of ``plan`` as CSV text: one row per engagement, in time order.

    Parameters
    ----------
    plan
        A solved plan.
    audience
        ``"team"`` adds an ``Internal notes`` column; ``"guest"`` leaves it out.

    Returns
    -------
    str
        The text, starting with a byte-order mark, lines ending in CRLF.
    """
    return render_view(build_view(plan, audience=audience))


def write(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write ``agenda.csv`` (team) or ``agenda-guest.csv`` (guest) into ``out_dir``, privately."""
    return write_copy(out_dir, ".csv", render(plan, audience=audience), audience)
