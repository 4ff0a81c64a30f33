"""Reads the tables of a tour from workbooks (``.xlsx``, ``.ods``) as the CSV reader reads text.

Organizers keep their requests in Excel or LibreOffice. A table may be ``requests.csv``,
``requests.xlsx`` or ``requests.ods`` (one of them); :func:`read_table` picks the reader by
the file's suffix, and both give the same :class:`~scheduler.io.csvfile.CsvTable`, so the
readers of requests, availability, locations and travel do not know which it was.

What a sheet holds becomes the text a CSV export of it would hold:

- the sheet read is the one named like the table (``requests``, any case, spaces, ``-`` and
  ``_`` ignored), else the first sheet;
- line numbers are the row numbers the spreadsheet shows (the first row is 1, blank rows
  count), and problems name the sheet;
- the header is the first row that names a column of the table, after up to five title
  rows that name none (else the first row that is not blank);
- a number typed as a number comes back as written (``60``, not ``60.0``; ``40.4168``); a
  number too long to be typed (``1e+20``) in scientific notation, so that it is reported;
- a date or time typed as one (the spreadsheet turned ``2018-11-27 10:00`` into a date) comes
  back in the form the window syntax reads: ``2018-11-27 10:00``, ``2018-11-27`` at
  midnight, ``10:00`` for a time alone, to the nearest second;
- ``TRUE``/``FALSE`` cells as ``TRUE``/``FALSE``;
- a formula as the value the spreadsheet last computed and saved; a cell showing an error
  (``#DIV/0!``, ``#N/A``, ``#REF!``, ``Err:502``) is a problem, not a value.

Why pandas: it reads both formats (openpyxl for ``.xlsx``, odfpy for ``.ods``) with the same
call, keeps blank rows (so row numbers stay exact), and its readers have met far more odd
workbooks than a reader of our own would. It is imported only when a workbook is read.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from scheduler.io.csvfile import CsvSchema, CsvTable, normalise_column, read_csv, read_records
from scheduler.io.issues import IssueLog

__all__ = ["TABLE_SUFFIXES", "WORKBOOK_SUFFIXES", "cell_text", "find_table", "read_table",
           "read_workbook"]

WORKBOOK_SUFFIXES = (".xlsx", ".ods")
TABLE_SUFFIXES = (".csv",) + WORKBOOK_SUFFIXES
_ENGINES = {".xlsx": ("openpyxl", "openpyxl"), ".ods": ("odf", "odfpy")}  # engine, package
# What spreadsheets show in a cell whose formula failed (Excel, then LibreOffice).
_ERROR_TEXT = re.compile(r"^(#(DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!|GETTING_DATA)"
                         r"|Err:\d{3})$")
# A double has 15 to 17 significant digits: a whole number longer than this was not typed.
_LONGEST_TYPED_NUMBER = 10 ** 15
# At most this many rows that name no column (titles) may come before the header.
_TITLE_ROWS_SKIPPED = 5


def find_table(root: Path, table: str, log: IssueLog) -> Path | None:
    """The file holding ``table`` in a tour folder: ``<table>.csv``, ``.xlsx`` or ``.ods``.

    Parameters
    ----------
    root
        The tour folder.
    table
        The table's name (``requests``).
    log
        Where it goes when the folder holds the table twice (``requests.csv`` and
        ``requests.xlsx``): which one is meant is not the reader's guess.

    Returns
    -------
    Path or None
        The one file, or ``None`` when there is none or more than one.
    """
    present = [root / f"{table}{suffix}" for suffix in TABLE_SUFFIXES
               if (root / f"{table}{suffix}").is_file()]
    if len(present) > 1:
        names = [path.name for path in present]
        listed = " and ".join([", ".join(names[:-1]), names[-1]])
        log.add(names[0], None, None, f"the folder holds both {listed}; keep only the one "
                f"with the {table} (move or rename the others)")
        return None
    return present[0] if present else None


def read_table(path: Path, file: str, schema: CsvSchema, log: IssueLog) -> CsvTable | None:
    """Read a table from a CSV file or a workbook, by its suffix; see :func:`read_workbook`.

    Parameters
    ----------
    path
        The file to read.
    file
        The name used in messages.
    schema
        The columns the table may have; ``schema.table`` names the sheet to read.
    log
        Where problems go.

    Returns
    -------
    CsvTable or None
        The rows that could be read, or ``None`` when the file cannot be read at all.
    """
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return read_workbook(path, file, schema, log)
    return read_csv(path, file, schema, log)


MAX_UNPACKED_BYTES = 100_000_000
"""What the parts of a workbook may add up to once unpacked. Both formats are zip files; one
made to break the reader (a "zip bomb") unpacks a few kilobytes into gigabytes."""


def _unpacked_bytes(path: Path) -> int | None:
    """The size of a workbook's parts once unpacked (as its zip directory declares them, which
    the reader cannot exceed); ``None`` when it is not a zip file (pandas then says why)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def read_workbook(path: Path, file: str, schema: CsvSchema, log: IssueLog) -> CsvTable | None:
    """Read one sheet of an ``.xlsx`` or ``.ods`` workbook as a table, recording every problem.

    The sheet is the one named like ``schema.table``, else the first one; every problem of the
    file then names that sheet and the spreadsheet's row number (module docstring).

    Parameters
    ----------
    path
        The workbook.
    file
        The name used in messages (relative to the tour folder).
    schema
        The columns the table may have.
    log
        Where problems go.

    Returns
    -------
    CsvTable or None
        The rows that could be read, or ``None`` when the workbook cannot be read at all.
    """
    engine, package = _ENGINES[path.suffix.lower()]
    unpacked = _unpacked_bytes(path)
    if unpacked is not None and unpacked > MAX_UNPACKED_BYTES:
        log.add(file, None, None, f"the workbook unpacks to {unpacked / 1e6:,.0f} MB, more than "
                f"the {MAX_UNPACKED_BYTES // 1_000_000} MB a workbook may hold (a table of "
                "requests is far smaller); save the sheet as CSV, or remove what else it holds")
        return None
    try:
        import pandas
        book = pandas.ExcelFile(path, engine=engine)
    except ImportError:
        log.add(file, None, None, f"reading {path.suffix} workbooks needs the Python packages "
                f"pandas and {package}; install them, or save the sheet as CSV")
        return None
    except Exception as error:  # noqa: BLE001 -- the parsers of two formats raise anything on a broken file
        log.add(file, None, None, f"cannot read the workbook ({type(error).__name__}: {error}); "
                f"open it in the spreadsheet and save it again as {path.suffix}, or as CSV")
        return None
    with book:
        sheet, named = _choose_sheet([str(name) for name in book.sheet_names], schema.table)
        if sheet is None:
            log.add(file, None, None, "the workbook has no sheets")
            return None
        log.read_from_sheet(file, sheet)
        try:
            frame = pandas.read_excel(book, sheet_name=sheet, header=None, dtype=object,
                                      keep_default_na=False, na_values=[])
        except Exception as error:  # noqa: BLE001 -- as above
            log.add(file, None, None, f"cannot read this sheet ({type(error).__name__}: {error}); "
                    f"open it in the spreadsheet and save it again as {path.suffix}, or as CSV")
            return None
    records, errors = _records(frame.itertuples(index=False, name=None))
    read = read_records(iter(records[_header_index(records, schema):]), file, schema, log,
                        column_letters=True)
    if read is None:
        where = "" if named or not schema.table else (
            f" (no sheet is named \"{schema.table}\", so the first sheet was read)")
        log.add(file, None, None, f"the sheet is empty{where}; it needs a header row naming the "
                f"columns ({', '.join(schema.required)} at least)")
        return None
    header_line, columns, rows = read
    if not named and schema.table and not all(column in columns for column in schema.required):
        log.add(file, None, None, f"no sheet is named \"{schema.table}\", so the first "
                f"sheet, \"{sheet}\", was read; name the sheet with the {schema.table} "
                f"\"{schema.table}\"")
    _report_error_cells(errors, records[header_line - 1][1], header_line, file, schema, log)
    return CsvTable(file, path.suffix.lower().lstrip("."), "", header_line, columns, rows,
                    sheet=sheet)


def cell_text(value: object) -> str:
    """The text a CSV export would hold for a cell's value (module docstring).

    Parameters
    ----------
    value
        A value as pandas reads it from a sheet.

    Returns
    -------
    str
        The cell as text; ``""`` for an empty cell.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value) if abs(value) < _LONGEST_TYPED_NUMBER else format(float(value), ".15g")
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < _LONGEST_TYPED_NUMBER:
            return str(int(value))
        return format(value, ".15g")  # what a spreadsheet shows: 15 significant digits
    if isinstance(value, datetime):
        return _datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _time_text(value)
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        text = f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}"
        return text + (f":{seconds % 60:02d}" if seconds % 60 else "")
    if str(value) == "NaT":
        return ""
    return str(value)


def _datetime_text(value: datetime) -> str:
    if value.tzinfo is not None:
        return value.isoformat()
    # Spreadsheets keep times as fractions of a day: 10:00 may come back a microsecond early.
    value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
    if value.time() == time(0, 0):
        return value.date().isoformat()
    return f"{value.date().isoformat()} {_time_text(value.time())}"


def _time_text(value: time) -> str:
    if value.microsecond >= 500_000:
        value = (datetime.combine(date(2000, 1, 1), value) + timedelta(seconds=1)).time()
    text = f"{value.hour:02d}:{value.minute:02d}"
    return text + (f":{value.second:02d}" if value.second else "")


def _header_index(records: Sequence[tuple[int, list[str]]], schema: CsvSchema) -> int:
    """Where the header is: the first row naming a column, when title rows come before it.

    Organizers put a title ("Requests for the visit", often merged across the columns) above
    the header. Of the first few rows that are not blank, the first that names a column of
    the table is the header; when none does, the first row that is not blank is, and its
    problems are reported.
    """
    known = {normalise_column(name) for name in schema.columns}
    looked_at = 0
    for index, (_, cells) in enumerate(records):
        if not any(cell.strip() for cell in cells):
            continue
        if any(normalise_column(cell) in known for cell in cells if cell.strip()):
            return index
        looked_at += 1
        if looked_at == _TITLE_ROWS_SKIPPED + 1:
            break
    return 0


def _choose_sheet(names: Sequence[str], table: str) -> tuple[str | None, bool]:
    """The sheet named like ``table`` (and ``True``), else the first sheet (and ``False``)."""
    if not names:
        return None, False
    if table in names:
        return table, True
    wanted = normalise_column(table)
    for name in names:
        if table and normalise_column(name) == wanted:
            return name, True
    return names[0], False


def _records(rows: Iterable[tuple[object, ...]],
             ) -> tuple[list[tuple[int, list[str]]], list[tuple[int, int, str]]]:
    """The rows as ``(row number, cells as text)``, and the cells showing an error.

    A cell showing an error is read as empty, and listed as ``(row, position, what it
    shows)`` to be reported once the header tells its column.
    """
    records: list[tuple[int, list[str]]] = []
    errors: list[tuple[int, int, str]] = []
    for number, values in enumerate(rows, start=1):
        cells: list[str] = []
        for position, value in enumerate(values):
            shown = _error_shown(value)
            if shown is None:
                cells.append(cell_text(value))
            else:
                errors.append((number, position, shown))
                cells.append("")
        records.append((number, cells))
    return records, errors


def _error_shown(value: object) -> str | None:
    """What a cell that shows an error shows (``#DIV/0!``), ``None`` for any other cell."""
    if isinstance(value, float) and math.isnan(value):
        return "an error"  # pandas reads an .xlsx error cell as NaN, whichever error it was
    if isinstance(value, str) and _ERROR_TEXT.match(value.strip()):
        return f"`{value.strip()}`"
    return None


def _report_error_cells(errors: Sequence[tuple[int, int, str]], header: Sequence[str],
                        header_line: int, file: str, schema: CsvSchema, log: IssueLog) -> None:
    """Report each cell below the header, under a known column, that shows an error."""
    known = {normalise_column(name): name for name in schema.columns}
    columns = {position: known.get(normalise_column(text)) for position, text in enumerate(header)}
    for number, position, shown in errors:
        column = columns.get(position)
        if number > header_line and column is not None:
            log.add(file, number, column, f"the cell shows {shown} instead of a value; "
                    "correct its formula or type the value")
