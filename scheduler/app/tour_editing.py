"""Use cases of editing a tour folder in place: its frame and its requests, versioned, checked first.

A face (the web app) shows ``tour.toml`` as a form and ``requests.csv`` as a table. Each file
has a version (a hash of its bytes); a save names the version it was made on and is refused
when the file changed since, so two people editing one tour never lose a change silently.
A candidate is checked exactly as ``scheduler check`` checks a folder, on a copy, before it
replaces anything.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..errors import InputError, InputIssue, SchedulerError
from ..fsio import file_lock, remove_old_lock_files, write_atomic
from ..io.csvfile import StrayBytesError, decode_spreadsheet_text, stray_bytes_message
from ..io.issues import IssueLog
from ..io.requests import REQUEST_SCHEMA
from ..io.tomlfile import parse_toml
from ..io.workbook import WORKBOOK_SUFFIXES, read_workbook
from .planning import check_tour
from .plans import file_version

__all__ = [
    "REQUEST_COLUMNS",
    "TOUR_FILES",
    "EditConflict",
    "FrameText",
    "RequestTable",
    "check_candidate",
    "frame_text",
    "new_tour_folder",
    "read_frame",
    "read_requests",
    "requests_csv_text",
    "save_frame",
    "save_requests",
]

#: The files of a tour folder, in the order ``scheduler check`` reports them.
TOUR_FILES = ("tour.toml", "requests.csv", "availability.csv", "locations.csv", "travel.csv")

#: The columns of ``requests.csv`` (docs/input-format.md), in the order a new file has them.
REQUEST_COLUMNS = ("id", "title", "kind", "counterpart", "contact_name", "contact_email",
                   "contact_phone", "location", "remote", "duration", "priority", "audience",
                   "mandatory", "windows", "fixed_start", "setup_minutes", "notes", "internal_notes")

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class EditConflict(SchedulerError):
    """A save made on an outdated version of a file: someone changed it in between."""

    def __init__(self, file: str, expected: str, current: str):
        self.file, self.expected, self.current = file, expected, current
        super().__init__(f"{file} was changed by someone else since you opened it; your change "
                         f"was not saved. Reload to see the current version, then make your "
                         f"change again.")


def _require_version(path: Path, expected: str | None) -> None:
    current = file_version(path)
    if expected is not None and expected != current:
        raise EditConflict(path.name, expected, current)


def check_candidate(tour_dir: str | Path, replacements: Mapping[str, str]) -> tuple[InputIssue, ...]:
    """Every problem ``scheduler check`` would report if ``replacements`` (name → text) were saved.

    The tour's files are copied to a temporary folder, the replacements written over them,
    and the copy read; the tour folder itself is not touched.
    """
    with tempfile.TemporaryDirectory(prefix="scheduler-check-") as scratch:
        copy = Path(scratch)
        for name in TOUR_FILES:
            source = Path(tour_dir) / name
            if source.is_file():
                shutil.copyfile(source, copy / name)
        for name, text in replacements.items():
            (copy / name).write_text(text, encoding="utf-8")
        try:
            check_tour(copy)
        except InputError as error:
            return error.problems
    return ()


# --------------------------------------------------------------------------- the frame

@dataclass(frozen=True)
class FrameText:
    """A frame written as TOML, and which key each line holds.

    Attributes
    ----------
    text
        The ``tour.toml`` text.
    keys
        Line number (1-based) → (dotted key, index of its ``[[array]]`` entry or ``None``).
    """

    text: str
    keys: Mapping[int, tuple[str, int | None]]

    def key_of(self, issue: InputIssue) -> tuple[str | None, int | None]:
        """The dotted key and entry index a problem of this text is about, as far as known."""
        if issue.line is not None and issue.line in self.keys:
            key, index = self.keys[issue.line]
            if issue.field and (issue.field == key or issue.field.startswith(key + ".")):
                return issue.field, index
            return (issue.field or key), index
        return issue.field, None


def read_frame(tour_dir: str | Path) -> tuple[dict[str, Any], str]:
    """The frame of a tour (``tour.toml`` as a dictionary) and its version.

    Raises
    ------
    InputError
        When ``tour.toml`` is not TOML (the line and column are named).
    """
    path = Path(tour_dir) / "tour.toml"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        return parse_toml(text), file_version(path)
    except tomllib.TOMLDecodeError as error:
        raise InputError([InputIssue("tour.toml", None, None, f"not TOML: {error}")]) from None


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        for char, code in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
            escaped = escaped.replace(char, code)
        escaped = "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in escaped)
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def frame_text(frame: Mapping[str, Any]) -> FrameText:
    """Write a frame dictionary as ``tour.toml`` (tables, arrays of tables, plain values)."""
    lines: list[str] = []
    keys: dict[int, tuple[str, int | None]] = {}

    def table(prefix: str, values: Mapping[str, Any], index: int | None) -> None:
        for key, value in values.items():
            if not isinstance(value, dict) and not _is_table_array(value):
                lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
                keys[len(lines)] = (f"{prefix}.{key}" if prefix else key, index)
        for key, value in values.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                lines.extend([""] if lines else [])
                lines.append(f"[{'.'.join(_toml_key(p) for p in path.split('.'))}]")
                keys[len(lines)] = (path, index)
                table(path, value, index)
            elif _is_table_array(value):
                for position, entry in enumerate(value):
                    lines.extend([""] if lines else [])
                    lines.append(f"[[{'.'.join(_toml_key(p) for p in path.split('.'))}]]")
                    keys[len(lines)] = (path, position)
                    table(path, entry, position)

    table("", frame, None)
    return FrameText("\n".join(lines) + "\n", keys)


def save_frame(tour_dir: str | Path, frame: Mapping[str, Any], version: str | None
               ) -> tuple[str, tuple[InputIssue, ...]]:
    """Check a new frame and, when ``tour.toml`` has no problem, save it.

    Parameters
    ----------
    tour_dir
        The tour folder.
    frame
        The whole frame as a dictionary (what :func:`read_frame` gives, edited).
    version
        The version of ``tour.toml`` the edit was made on (``None``: do not compare).

    Returns
    -------
    tuple
        The new version (the old one when nothing was saved) and every problem of the
        folder with the new frame. The file is saved only when none of them is in
        ``tour.toml``; the earlier file is kept as ``tour.toml.~N~``.

    Raises
    ------
    EditConflict
        When ``tour.toml`` is no longer at ``version``.
    """
    path = Path(tour_dir) / "tour.toml"
    text = frame_text(frame).text
    with file_lock(path):  # see save_requests
        _require_version(path, version)
        problems = check_candidate(tour_dir, {"tour.toml": text})
        if any(problem.file == "tour.toml" for problem in problems):
            return file_version(path), problems
        write_atomic(path, text, private=True)
        _remove_old_lock_files(path.parent)
        return file_version(path), problems


def new_tour_folder(folder: str | Path, frame: Mapping[str, Any], requests_csv: bytes | None = None) -> Path:
    """Create a tour folder with a frame and a requests file (a header only when none given).

    Raises
    ------
    FileExistsError
        When ``folder`` exists.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=False)
    write_atomic(folder / "tour.toml", frame_text(frame).text, private=True, keep_previous=False)
    body = requests_csv if requests_csv is not None else (",".join(REQUEST_COLUMNS) + "\n").encode()
    write_atomic(folder / "requests.csv", body, private=True, keep_previous=False)
    return folder


def requests_csv_from_upload(name: str, data: bytes) -> bytes:
    """An uploaded requests spreadsheet as the bytes of ``requests.csv``.

    A CSV is kept as it came; an ``.xlsx`` or ``.ods`` workbook is read as ``scheduler check``
    reads one (the sheet named ``requests``, else the first) and written as CSV, so the
    requests table of the web app can edit it.

    Raises
    ------
    InputError
        When the workbook cannot be read or has no requests header (sheet, row and column
        named).
    """
    suffix = Path(name).suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        return data
    log = IssueLog()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"requests{suffix}"
        path.write_bytes(data)
        table = read_workbook(path, name, REQUEST_SCHEMA, log)
    log.raise_if_any()
    if table is None:
        raise InputError([InputIssue(name, None, None, "the workbook cannot be read")])
    columns = [c for c in REQUEST_COLUMNS if table.has(c)] + \
        sorted(c for c in table.columns if c not in REQUEST_COLUMNS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in table.rows:
        writer.writerow([row.get(column) for column in columns])
    return buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- the requests

@dataclass(frozen=True)
class RequestTable:
    """``requests.csv`` as text cells: its columns, its rows (column → cell), its version."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    version: str

    def lines(self) -> tuple[int, ...]:
        """The physical line each row starts on in :func:`requests_csv_text` (the header is 1)."""
        starts, line = [], 2
        for row in self.rows:
            starts.append(line)
            line += sum(str(row.get(column, "")).count("\n") for column in self.columns) + 1
        return tuple(starts)


def _decode(data: bytes, file: str = "requests.csv") -> str:
    """The text of a table, decoded by the readers' rule (:func:`decode_spreadsheet_text`):
    a UTF-8 file with stray bytes of another encoding is refused where they are, never read
    as Windows-1252 (which would turn every accent into two wrong characters, and a save
    would write them back)."""
    try:
        return decode_spreadsheet_text(data)[0]
    except StrayBytesError as error:
        raise InputError([InputIssue(file, error.line, None, stray_bytes_message(error))]) from None
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_requests(tour_dir: str | Path) -> RequestTable:
    """The requests of a tour as text cells (comma- or semicolon-separated, UTF-8 or Windows-1252)."""
    path = Path(tour_dir) / "requests.csv"
    text = _decode(path.read_bytes()) if path.exists() else ",".join(REQUEST_COLUMNS) + "\n"
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    columns = [name.strip() for name in header] or list(REQUEST_COLUMNS)
    for name in REQUEST_COLUMNS[:2]:
        if name not in columns:
            columns.append(name)
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        rows.append({column: (cells[i] if i < len(cells) else "") for i, column in enumerate(columns)})
    return RequestTable(tuple(columns), tuple(rows), file_version(path))


def requests_csv_text(columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> str:
    """Rows of text cells as ``requests.csv`` (comma-separated, UTF-8, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def save_requests(tour_dir: str | Path, columns: Sequence[str], rows: Sequence[Mapping[str, str]],
                  version: str | None, *, force: bool = False) -> tuple[str, tuple[InputIssue, ...]]:
    """Check new requests and, when ``requests.csv`` has no problem (or ``force``), save them.

    Returns
    -------
    tuple
        The new version (the old one when nothing was saved) and every problem of the folder
        with the new requests; the earlier file is kept as ``requests.csv.~N~``.

    Raises
    ------
    EditConflict
        When ``requests.csv`` is no longer at ``version``.
    """
    path = Path(tour_dir) / "requests.csv"
    text = requests_csv_text(columns, rows)
    # The version is compared, the candidate checked and the file written under the file's
    # lock: two saves made on one version (two organizers, two threads of the web app) take
    # turns, and the second is refused, instead of both passing the check and the second
    # silently writing over the first.
    with file_lock(path):
        _require_version(path, version)
        problems = check_candidate(tour_dir, {"requests.csv": text})
        if not force and any(problem.file == "requests.csv" for problem in problems):
            return file_version(path), problems
        write_atomic(path, text, private=True)
        _remove_old_lock_files(path.parent)
        return file_version(path), problems


def _remove_old_lock_files(tour_dir: Path) -> None:
    """Remove ``.tour.toml.lock`` and ``.requests.csv.lock``, which saves made before the
    tour folder itself was locked left empty in it (:func:`~scheduler.fsio.remove_old_lock_files`);
    call it holding the folder's lock."""
    remove_old_lock_files(tour_dir / "tour.toml", tour_dir / "requests.csv")
