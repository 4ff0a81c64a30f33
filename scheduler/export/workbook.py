"""The agenda as an Excel workbook (``agenda.xlsx``): the rows of ``agenda.csv`` in one sheet.

The sheet ``agenda`` holds the columns and rows of :mod:`scheduler.export.table`, every cell
as text, neutralised the same way (a cell that starts like a formula gets a leading
apostrophe, so it shows and never runs). The header row is bold and stays in view.

The same plan gives the same bytes: the workbook's creation and modification times and the
times of the files inside it are the plan's ``created`` time (else the first day's start),
not the moment of writing, so that writing an unchanged plan again leaves the file as it was
(and keeps no needless backup of it).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ..domain import Plan
from .table import neutralise, rows
from .view import PlanView, build_view, write_copy

__all__ = ["SHEET", "render", "render_view", "write"]

SHEET = "agenda"
# Excel refuses a cell longer than this (it offers to "repair" the file).
_MAX_CELL_CHARACTERS = 32_767
_WIDEST_COLUMN = 60


def _cell(text: str) -> str:
    """``text`` as a safe cell: neutralised, control characters shown, within Excel's limit."""
    # XML 1.0 cannot hold most control characters; show them as the messages do (\x1b).
    safe = ILLEGAL_CHARACTERS_RE.sub(lambda match: match.group().encode("unicode_escape").decode(),
                                     neutralise(text))
    if len(safe) > _MAX_CELL_CHARACTERS:
        safe = safe[:_MAX_CELL_CHARACTERS - 1] + "…"
    return safe


class _StampedZip(ZipFile):
    """A zip archive whose members all carry one given time instead of the clock's."""

    def __init__(self, file: io.BytesIO, moment: datetime):
        super().__init__(file, "w", ZIP_DEFLATED)
        self._date_time = (max(moment.year, 1980), moment.month, moment.day, moment.hour,
                           moment.minute, moment.second)

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):  # noqa: ANN001 -- ZipFile's own
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=self._date_time)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
        return super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):  # noqa: ANN001 -- ZipFile's own
        # openpyxl writes each sheet to a temporary file and adds it with write(), which
        # would take the temporary file's time.
        return self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def _stamp(plan: Plan) -> datetime:
    """The moment the workbook says it was made: the plan's, so equal plans give equal bytes."""
    moment = plan.created or plan.problem.tour.days[0].start
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def render_view(view: PlanView, moment: datetime) -> bytes:
    """The ``.xlsx`` bytes of a prepared view.

    Parameters
    ----------
    view
        From :func:`scheduler.export.view.build_view`.
    moment
        The workbook's creation time (naive UTC), also given to every file inside it.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    table = rows(view)
    for row in table:
        sheet.append([_cell(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for position in range(len(table[0])):
        longest = max(len(line) for row in table for line in (row[position] or " ").split("\n"))
        sheet.column_dimensions[get_column_letter(position + 1)].width = min(longest + 2, _WIDEST_COLUMN)
    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    # openpyxl's save_workbook stamps the file with the clock; its writer alone does not.
    ExcelWriter(book, _StampedZip(buffer, moment)).save()
    return buffer.getvalue()


def render(plan: Plan, *, audience: str = "team") -> bytes:
    """The agenda of ``plan`` as an ``.xlsx`` workbook: one row per engagement, in time order.

    Parameters
    ----------
    plan
        A solved plan.
    audience
        ``"team"`` adds an ``Internal notes`` column; ``"guest"`` leaves it out.

    Returns
    -------
    bytes
        The workbook.
    """
    return render_view(build_view(plan, audience=audience), _stamp(plan))


def write(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write ``agenda.xlsx`` (team) or ``agenda-guest.xlsx`` (guest) into ``out_dir``, privately."""
    return write_copy(out_dir, ".xlsx", render(plan, audience=audience), audience)
