"""Reads the CSV files of a tour as spreadsheets export them, keeping exact physical line numbers.

Why the ``csv`` module and not pandas: every problem must name the physical line of the file,
and a quoted cell holding a line break makes a record span several lines. ``csv.reader``
counts physical lines as it goes (``line_num``), so the first line of each record, and even
of each cell, is exact. pandas reports record positions, not lines, and guesses types
("007" becomes 7), so it would have to be undone. ``csv`` is also fast enough: 100,000 rows
take well under a second.

What spreadsheets do that this module absorbs:

- the encoding: UTF-8 with or without a byte-order mark, else Windows-1252 (Excel and
  LibreOffice in Spain), and UTF-16 when there is a UTF-16 byte-order mark ("Unicode text");
  a UTF-8 file with a few stray bytes of another encoding is refused at the first of them
  (see :func:`decode_spreadsheet_text`), since reading it as Windows-1252 would garble every
  accent of the rest;
- the delimiter, sniffed from the header line (``,``, ``;`` or a tab), or given by Excel's
  ``sep=;`` first line;
- quoted cells with delimiters and line breaks inside (a line break in a cell is read as
  ``\n`` whatever the file uses), whitespace around cells, rows and columns that are entirely
  empty (anywhere in the file), column names written with another case or with spaces,
  ``-`` or ``_``.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.io.cells import control_problem
from scheduler.io.issues import IssueLog

__all__ = [
    "CsvRow",
    "CsvSchema",
    "CsvTable",
    "StrayBytesError",
    "decode_spreadsheet_text",
    "normalise_column",
    "read_csv",
    "read_csv_text",
    "read_records",
    "sniff_delimiter",
]

_EXCEL_SEPARATOR_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class CsvSchema:
    """The columns a file may have, by their documented (canonical) names.

    ``table`` is the table's name (``requests``): the sheet a workbook is read from.
    ``free_text`` names the columns whose text goes to the outputs as written (a title, notes):
    a control character in one of them is a problem (the other columns are parsed, and their
    own checks name what is wrong).
    """

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    table: str = ""
    free_text: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One non-empty record: its first physical line and its cells by canonical column name.

    ``cell_lines`` is only filled for a record that spans several lines; it gives the line on
    which each cell starts.
    """

    line: int
    cells: Mapping[str, str]
    cell_lines: Mapping[str, int] | None = None

    def get(self, column: str) -> str:
        """The stripped text of ``column``, ``""`` when empty or absent."""
        return self.cells.get(column, "")

    def line_of(self, column: str) -> int:
        """The physical line on which the cell of ``column`` starts."""
        if self.cell_lines is None:
            return self.line
        return self.cell_lines.get(column, self.line)


@dataclass(frozen=True, slots=True)
class CsvTable:
    """A CSV file (or a workbook's sheet) read against a :class:`CsvSchema`.

    ``complete`` is false when reading stopped early at a line that is not CSV (a quote never
    closed): ``rows`` then holds only the records before it, and that problem is reported.
    ``sheet`` names the sheet of a workbook (``None`` for CSV), whose line numbers are the
    spreadsheet's row numbers.
    """

    file: str
    encoding: str
    delimiter: str
    header_line: int
    columns: frozenset[str]
    rows: tuple[CsvRow, ...] = field(default=())
    complete: bool = True
    sheet: str | None = None

    def has(self, column: str) -> bool:
        """Whether the header names ``column``."""
        return column in self.columns

    @property
    def line_word(self) -> str:
        """How messages name a line of this table: ``"line"`` in CSV, ``"row"`` in a sheet."""
        return "line" if self.sheet is None else "row"


class StrayBytesError(ValueError):
    """UTF-8 text with bytes of another encoding in it; where the first one is.

    Attributes
    ----------
    line, column
        The 1-based line of the first stray byte and its character position on that line.
    byte
        The stray byte.
    context
        The text around it on its line, the stray bytes shown as ``\\xNN``.
    later_lines
        The lines of the other stray bytes (each line once).
    """

    def __init__(self, line: int, column: int, byte: int, context: str,
                 later_lines: tuple[int, ...]):
        self.line = line
        self.column = column
        self.byte = byte
        self.context = context
        self.later_lines = later_lines
        super().__init__(f"byte 0x{byte:02X} on line {line}, character {column}, is not UTF-8")


def normalise_column(name: str) -> str:
    """A column name without case, spaces, ``-`` and ``_``: how names are matched."""
    return re.sub(r"[\s_\-]+", "", name).casefold()


def decode_spreadsheet_text(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a spreadsheet export.

    The rule: a UTF-16 byte-order mark means UTF-16; bytes that are all valid UTF-8 are
    UTF-8 (a byte-order mark is dropped); bytes that are not valid UTF-8 are Windows-1252,
    unless the file holds at least as many valid UTF-8 multi-byte characters (``í`` written
    as two bytes) as stray bytes: then it is a UTF-8 file into which text of another encoding
    was pasted or typed, and it is refused at its first stray byte. Reading such a file as
    Windows-1252 would turn every correct accent into two wrong characters ("AmnistÃ­a").

    Returns
    -------
    tuple[str, str]
        The text and the name of the encoding used.

    Raises
    ------
    StrayBytesError
        When UTF-8 text holds stray bytes of another encoding.
    UnicodeDecodeError
        When the bytes are neither UTF-8, UTF-16 with a byte-order mark, nor Windows-1252.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    _refuse_stray_bytes(data)
    return data.decode("cp1252"), "cp1252"


# Stray bytes are shown with this much of their line on either side.
_CONTEXT_CHARACTERS = 20


def _refuse_stray_bytes(data: bytes) -> None:
    """Raise :class:`StrayBytesError` when ``data`` is mostly UTF-8 (see the rule above)."""
    # surrogateescape keeps each undecodable byte as one character U+DC80..U+DCFF, so the
    # text still has one character per decoded character and lines stay where they are.
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    stray = sum(1 for char in text if "\udc80" <= char <= "\udcff")
    multibyte = sum(1 for char in text if char > "\x7f" and not "\udc80" <= char <= "\udcff")
    if multibyte < stray:
        return
    found: list[tuple[int, int, str]] = []
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        for position, char in enumerate(line):
            if "\udc80" <= char <= "\udcff":
                found.append((number, position, line.rstrip("\r\n")))
                break
    number, position, line = found[0]
    start = max(0, position - _CONTEXT_CHARACTERS)
    context = line[start:position + _CONTEXT_CHARACTERS].encode("utf-8", errors="surrogateescape")
    shown = context.decode("utf-8", errors="backslashreplace")
    byte = ord(line[position]) - 0xDC00
    raise StrayBytesError(number, position + 1, byte, shown,
                          tuple(later for later, _, _ in found[1:]))


def sniff_delimiter(header_line: str) -> str:
    """The delimiter the header line uses most (``,`` when it uses none)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def read_csv(path: Path, file: str, schema: CsvSchema, log: IssueLog) -> CsvTable | None:
    """Read one CSV file, recording every problem in ``log``.

    Parameters
    ----------
    path
        The file to read.
    file
        The name used in messages (relative to the tour folder).
    schema
        The columns the file may have.
    log
        Where problems go.

    Returns
    -------
    CsvTable or None
        The rows that could be read, or ``None`` when the file cannot be read at all.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        log.add(file, None, None, f"cannot read the file: {error.strerror or error}")
        return None
    if data.startswith(b"PK\x03\x04"):
        stem = Path(file).stem
        log.add(file, None, None, "this is a spreadsheet workbook (.xlsx or .ods), not CSV; "
                f"name it {stem}.xlsx (or {stem}.ods) to have it read as a workbook, "
                "or save it from the spreadsheet as CSV")
        return None
    try:
        text, encoding = decode_spreadsheet_text(data)
    except StrayBytesError as error:
        log.add(file, error.line, None, stray_bytes_message(error))
        return None
    except UnicodeDecodeError:
        log.add(file, None, None, "the file is neither UTF-8 nor Windows-1252 text; "
                "save it as CSV in UTF-8")
        return None
    return read_csv_text(text, file, schema, log, encoding=encoding)


def stray_bytes_message(error: StrayBytesError) -> str:
    """Where the stray bytes are, what they would be, and how to save the file instead."""
    later = ""
    if error.later_lines:
        shown = ", ".join(str(line) for line in error.later_lines[:5])
        more = f" and {len(error.later_lines) - 5} more" if len(error.later_lines) > 5 else ""
        later = f" (and others on line{'s' if len(error.later_lines) > 1 else ''} {shown}{more})"
    try:
        meant = f" (`{bytes([error.byte]).decode('cp1252')}` in Windows-1252)"
    except UnicodeDecodeError:
        meant = ""
    return (f"character {error.column} is the byte 0x{error.byte:02X}{meant}, which is not UTF-8, "
            f"in a file that is otherwise UTF-8: `{error.context}`{later}. The file mixes two "
            "encodings (text pasted from another program, say); correct the character and save "
            "the file again as CSV UTF-8")


def read_csv_text(text: str, file: str, schema: CsvSchema, log: IssueLog, *,
                  encoding: str = "utf-8") -> CsvTable | None:
    """Read CSV from text already decoded; see :func:`read_csv`."""
    if "\x00" in text:
        log.add(file, None, None, "the file holds binary data, not CSV text")
        return None
    first = _first_text_line(text)
    if first is None:
        log.add(file, None, None, "the file is empty; it needs a header line naming the columns "
                f"({', '.join(schema.required)} at least)")
        return None
    number, line = first
    separator_line = _EXCEL_SEPARATOR_LINE.match(line)
    if separator_line:
        delimiter = separator_line.group(1)
        skip_through = number
    else:
        delimiter = sniff_delimiter(line)
        skip_through = 0
    reader = _RecordReader(text, file, delimiter, skip_through, log)
    overflow_hint = f"; is a `{delimiter}` inside a cell that should be quoted?"
    read = read_records(reader, file, schema, log, overflow_hint=overflow_hint)
    if read is None:
        log.add(file, None, None, "the file has no header line naming the columns "
                f"({', '.join(schema.required)} at least)")
        return None
    header_line, columns, rows = read
    return CsvTable(file, encoding, delimiter, header_line, columns, rows,
                    complete=not reader.failed)


def read_records(records: Iterator[tuple[int, list[str]]], file: str, schema: CsvSchema,
                 log: IssueLog, *, overflow_hint: str = "", column_letters: bool = False,
                 ) -> tuple[int, frozenset[str], tuple[CsvRow, ...]] | None:
    """Read a header and rows from records of cells, as a CSV file's or a sheet's.

    Parameters
    ----------
    records
        ``(line, cells)`` for every record in order; a record whose cells are all blank is
        skipped (the first other one is the header).
    file, schema, log
        As for :func:`read_csv`.
    overflow_hint
        Added to the message about a row with more cells than the header.
    column_letters
        Name columns by position as spreadsheets do (``A``, ``B``, … ``AA``) rather than by
        number (``1``, ``2``).

    Returns
    -------
    tuple or None
        The header's line, the canonical columns it names and the rows; ``None`` when every
        record is blank (no header), which the caller reports in its own words.
    """
    records = iter(records)
    header = next(((line, cells) for line, cells in records
                   if any(cell.strip() for cell in cells)), None)
    if header is None:
        return None
    header_line, header_cells = header
    label = _column_letter if column_letters else (lambda position: str(position + 1))
    layout = _read_header(header_cells, header_line, file, schema, log, label)
    rows = tuple(_rows(records, layout, file, log, overflow_hint, label, schema.free_text))
    return header_line, frozenset(layout.names.values()), rows


def _first_text_line(text: str) -> tuple[int, str] | None:
    """The number and text of the first non-blank physical line (split as ``csv`` splits)."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if line.strip():
            return number, line.rstrip("\r\n")
    return None


@dataclass(slots=True)
class _Layout:
    """Which cell position holds which canonical column, and the unnamed positions."""

    names: dict[int, str]
    unnamed: set[int]
    width: int


class _RecordReader:
    """``csv.reader`` that yields each record with the physical line it starts on."""

    def __init__(self, text: str, file: str, delimiter: str, skip_through: int, log: IssueLog):
        self._reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                  skipinitialspace=True, strict=True)
        self._file = file
        self._log = log
        self._skip_through = skip_through
        self._lines_read = 0
        self.failed = False  # whether reading stopped at a line that is not CSV

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        while True:
            start = self._lines_read + 1
            try:
                cells = next(self._reader)
            except csv.Error as error:
                self._report(error, start)
                raise StopIteration from None
            self._lines_read = self._reader.line_num
            if start > self._skip_through:
                return start, cells

    def _report(self, error: csv.Error, start: int) -> None:
        self.failed = True
        if "end of data" in str(error):
            message = (f"a quoted cell that starts on line {start} is never closed: "
                       "a closing `\"` is missing")
        elif "field limit" in str(error):
            message = (f"a cell of this line is longer than {csv.field_size_limit():,} "
                       "characters, the most a cell may hold; if it should be shorter, a `\"` "
                       "around it is missing or one inside it is not doubled (`\"\"`)")
        else:
            message = (f"cannot read this line as CSV ({error}); a `\"` inside a quoted cell "
                       "must be doubled (`\"\"`)")
        self._log.add(self._file, start, None, message)


def _column_letter(position: int) -> str:
    """A spreadsheet's name for the column at 0-based ``position``: A … Z, AA, AB …"""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _read_header(cells: list[str], line: int, file: str, schema: CsvSchema,
                 log: IssueLog, label: Callable[[int], str]) -> _Layout:
    known = {normalise_column(name): name for name in schema.columns}
    names: dict[int, str] = {}
    unnamed: set[int] = set()
    seen: dict[str, int] = {}
    for position, raw in enumerate(cells):
        written = raw.strip()
        if not written:
            unnamed.add(position)
            continue
        canonical = known.get(normalise_column(written))
        if canonical is None:
            log.add(file, line, written, f"unknown column `{written}`{_column_hint(written, known)}; "
                    f"the columns are: {', '.join(schema.columns)}")
            continue
        if canonical in seen:
            log.add(file, line, canonical, f"the column `{canonical}` appears twice "
                    f"(columns {label(seen[canonical])} and {label(position)})")
            continue
        seen[canonical] = position
        names[position] = canonical
    for column in schema.required:
        if column not in seen:
            log.add(file, line, column, f"the required column `{column}` is missing")
    return _Layout(names, unnamed, len(cells))


def _column_hint(written: str, known: dict[str, str]) -> str:
    close = difflib.get_close_matches(normalise_column(written), list(known), n=1, cutoff=0.6)
    return f" (did you mean `{known[close[0]]}`?)" if close else ""


def _rows(records: Iterator[tuple[int, list[str]]], layout: _Layout, file: str, log: IssueLog,
          overflow_hint: str, label: Callable[[int], str],
          free_text: tuple[str, ...]) -> Iterator[CsvRow]:
    reported_unnamed: set[int] = set()
    for start, raw_cells in records:
        stripped = [_clean(cell) for cell in raw_cells]
        if not any(stripped):
            continue
        cells: dict[str, str] = {}
        overflow = False
        for position, value in enumerate(stripped):
            name = layout.names.get(position)
            if name is not None:
                cells[name] = value
            elif value and position >= layout.width:
                overflow = True
            elif value and position in layout.unnamed and position not in reported_unnamed:
                reported_unnamed.add(position)
                log.add(file, start, None, f"column {label(position)} has no name in the header "
                        "but holds values; name it or empty it")
        if overflow:
            log.add(file, start, None, f"this row has more cells ({len(raw_cells)}) than the "
                    f"header has columns ({layout.width}){overflow_hint}")
        row = CsvRow(start, cells, _cell_lines(start, raw_cells, layout))
        for name in free_text:
            if (problem := control_problem(cells.get(name, ""))) is not None:
                log.add(file, row.line_of(name), name, problem)
        yield row


def _clean(cell: str) -> str:
    """A cell without surrounding whitespace, its line breaks written as ``\\n``."""
    cell = cell.strip()
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell


def _cell_lines(start: int, raw_cells: list[str], layout: _Layout) -> dict[str, int] | None:
    joined = "".join(raw_cells)
    if "\n" not in joined and "\r" not in joined:
        return None
    lines: dict[str, int] = {}
    line = start
    for position, cell in enumerate(raw_cells):
        name = layout.names.get(position)
        if name is not None:
            lines[name] = line
        if "\n" in cell or "\r" in cell:
            line += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
    return lines
