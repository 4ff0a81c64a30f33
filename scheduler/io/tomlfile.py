"""Typed, located access to a TOML document: every wrong value becomes an issue with its line.

``tomllib`` parses but forgets where each key was written; :class:`TomlLines` finds the line
again by a light scan of the text (table headers and ``key =`` lines), which is exact for the
way ``tour.toml`` is written and falls back to the table's line for inline tables.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from scheduler.io.cells import case_clash, case_clash_problem, control_problem
from scheduler.io.issues import IssueLog, did_you_mean
from scheduler.io.windows import WindowSyntaxError, check_year, parse_clock, parse_date

__all__ = ["EntryIds", "TomlLines", "TomlTable", "load_toml", "parse_toml"]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY_PART = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_SHORT_TIME = re.compile(r"([=,\[]\s*)((?:\d{4}-\d{2}-\d{2}[T ])?\d{2}:\d{2})(?![:\d])")
MAX_WHOLE = 1_000_000_000
"""The largest whole number a key takes unless it says otherwise (keeps time arithmetic sane)."""
MAX_NUMBER = 1_000_000.0
"""The largest number a key takes unless it says otherwise."""
MAX_KEY_PARTS = 64
"""The most dotted parts a key may have (``tour.toml``'s keys have at most three)."""
# Where a key stands: at a line's start or a table header's, or after an inline table's
# ``{`` or ``,``.
_DEEP_KEY = re.compile(
    rf"(?:^|[{{,])[ \t]*+(?:\[\[?+[ \t]*+)?+(?:{_KEY_PART}[ \t]*+\.[ \t]*+){{{MAX_KEY_PARTS},}}"
    rf"{_KEY_PART}", re.MULTILINE)
_ERROR_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
# What a missing key or table of tour.toml looks like when written, for the message that
# asks for it: a first tour.toml is written by someone who has not read the format yet.
_WRITTEN_LIKE = {
    "tour": '[tour] with id, timezone, first_day and last_day',
    "tour.id": 'id = "spain-2018"',
    "tour.timezone": 'timezone = "Europe/Madrid"',
    "tour.first_day": "first_day = 2018-11-26",
    "tour.last_day": "last_day = 2018-11-30",
    "hours": '[hours] with start = "09:00" and end = "20:30"',
    "hours.start": 'start = "09:00"',
    "hours.end": 'end = "20:30"',
    "meal.earliest": 'earliest = "13:30"',
    "meal.latest": 'latest = "16:00"',
    "meal.minutes": "minutes = 60",
    "lodging.location": 'location = "HOTEL-MAD" (a location id)',
    "lodging.first_night": "first_night = 2018-11-26",
    "lodging.last_night": "last_night = 2018-11-28",
}


def _dotted(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


class TomlLines:
    """Where each key of a TOML text is written: ``(dotted path, array index) -> line``."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, int | None], int] = {}
        table, index = "", None
        counts: dict[str, int] = {}
        in_multiline = False
        for number, line in enumerate(text.splitlines(), start=1):
            quotes = line.count('"""') + line.count("'''")
            if in_multiline:
                in_multiline = quotes % 2 == 0
                continue
            if header := _HEADER.match(line):
                table = _dotted(header.group(2))
                if header.group(1) == "[[":
                    counts[table] = counts.get(table, -1) + 1
                    index = counts[table]
                else:
                    index = self._index_of_parent(table, counts)
                self._lines.setdefault((table, index), number)
            elif key := _KEY.match(line):
                path = f"{table}.{_dotted(key.group(1))}" if table else _dotted(key.group(1))
                self._lines.setdefault((path, index), number)
            in_multiline = quotes % 2 == 1

    @staticmethod
    def _index_of_parent(table: str, counts: dict[str, int]) -> int | None:
        parents = [name for name in counts if table.startswith(name + ".")]
        return counts[max(parents, key=len)] if parents else None

    def line_of(self, path: str, index: int | None = None) -> int | None:
        """The line of ``path`` (or of the nearest enclosing table written), if found."""
        parts = path.split(".")
        while parts:
            line = self._lines.get((".".join(parts), index))
            if line is not None:
                return line
            parts.pop()
        return None


def complete_seconds(text: str) -> str:
    """Add ``:00`` to unquoted times written without seconds (``2018-11-26T08:30``).

    TOML 1.1 lets seconds be omitted, and docs/input-format.md writes times that way, but
    ``tomllib`` reads TOML 1.0, which requires them. Only a value right after ``=``, ``,`` or
    ``[`` is touched, so quoted text is left alone; no line moves.
    """
    return _SHORT_TIME.sub(r"\1\2:00", text)


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML text as every reader of the package reads it; whatever is wrong with it,
    hostile or not, is a ``TOMLDecodeError``.

    Every reader of TOML in the package parses through here, so the command line and the web
    app accept the same files, and a file built to break the parser fails each of them the
    same plain way instead of with an internal error. Before parsing, lines ending in a lone
    carriage return (old Mac editors) end in a line feed, and times written without seconds
    get them (:func:`complete_seconds`): both change only text ``tomllib`` would refuse.

    Parameters
    ----------
    text
        The TOML document.

    Returns
    -------
    dict
        The document as ``tomllib`` reads it.

    Raises
    ------
    tomllib.TOMLDecodeError
        When ``text`` is not TOML; also for arrays or tables nested thousands deep
        (``tomllib`` recurses once per level), for a whole number longer than Python converts
        (4,300 digits), which ``tomllib`` lets out as ``RecursionError`` and ``ValueError``,
        and for a key of more than ``MAX_KEY_PARTS`` dotted parts, whose time and memory
        ``tomllib`` takes in the square of its parts (30,000 parts: 12 s and 3.4 GiB).
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if deep := _DEEP_KEY.search(text):
        line = text.count("\n", 0, deep.start()) + 1
        raise tomllib.TOMLDecodeError(
            f"a key of more than {MAX_KEY_PARTS} dotted parts (at line {line}, column "
            f"{deep.start() - text.rfind(chr(10), 0, deep.start())})")
    try:
        return tomllib.loads(complete_seconds(text))
    except tomllib.TOMLDecodeError:
        raise
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or tables nested too deeply") from None
    except ValueError:
        raise tomllib.TOMLDecodeError("a number with too many digits") from None


def load_toml(text: str, file: str, log: IssueLog) -> dict[str, Any] | None:
    """Parse TOML text; a syntax error becomes an issue at the line TOML reports.

    Lines may end in a lone carriage return (old Mac editors), as in the CSV files: TOML allows
    none outside a CRLF, so making each a line feed changes only files it would refuse.
    """
    try:
        return parse_toml(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _ERROR_LINE.search(message)
        line = int(found.group(1)) if found else None
        plain = _ERROR_LINE.sub("", message)
        where = f" (column {found.group(2)})" if found else ""
        log.add(file, line, None, f"TOML syntax error: {plain}{where}")
        return None


class TomlTable:
    """One table of a TOML document, read key by key into checked Python values.

    Every getter returns ``None`` (or the default) after recording a problem, so a caller can
    go on reading and report everything at once.
    """

    def __init__(self, data: Mapping[str, Any], path: str, file: str, lines: TomlLines,
                 log: IssueLog, index: int | None = None) -> None:
        self.data = data
        self.path = path
        self.file = file
        self.lines = lines
        self.log = log
        self.index = index

    def name(self, key: str) -> str:
        """The dotted name of ``key``, as messages show it (``hours.start``)."""
        return f"{self.path}.{key}" if self.path else key

    def line(self, key: str | None = None) -> int | None:
        """The line where ``key`` (or this table) is written."""
        return self.lines.line_of(self.name(key) if key else self.path, self.index)

    def problem(self, key: str | None, message: str) -> None:
        """Record a problem about ``key`` (or the table itself)."""
        self.log.add(self.file, self.line(key), self.name(key) if key else self.path or None,
                     message)

    def has(self, key: str) -> bool:
        return key in self.data

    def check_keys(self, allowed: Iterable[str]) -> None:
        """Record every key that is not one of ``allowed``, suggesting the closest."""
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                where = f"[{self.path}]" if self.path else "the top level"
                self.problem(key, f"unknown key `{key}` in {where}{did_you_mean(key, allowed)}; "
                             f"the keys are: {', '.join(allowed)}")

    def _missing(self, key: str) -> None:
        where = f"[{self.path}]" if self.path else "the file"
        like = _WRITTEN_LIKE.get(self.name(key))
        self.log.add(self.file, self.line(), self.name(key), f"`{key}` is required in {where}"
                     + (f", like `{like}` (docs/input-format.md)" if like else ""))

    def table(self, key: str, *, required: bool = False) -> TomlTable | None:
        """The sub-table ``key``, or ``None`` when absent or not a table."""
        value = self.data.get(key)
        if value is None:
            if required:
                like = _WRITTEN_LIKE.get(self.name(key))
                self.log.add(self.file, None, self.name(key), f"the table [{self.name(key)}] is required"
                             + (f": add {like} (docs/input-format.md)" if like else ""))
            return None
        if not isinstance(value, dict):
            self.problem(key, f"`{self.name(key)}` must be a table, like [{self.name(key)}]")
            return None
        return TomlTable(value, self.name(key), self.file, self.lines, self.log, self.index)

    def tables(self, key: str) -> list[TomlTable]:
        """The entries of the array of tables ``key`` (``[[key]]``)."""
        value = self.data.get(key)
        if value is None:
            return []
        if not (isinstance(value, list) and all(isinstance(item, dict) for item in value)):
            self.problem(key, f"`{self.name(key)}` must be written as [[{self.name(key)}]] tables")
            return []
        return [TomlTable(item, self.name(key), self.file, self.lines, self.log, position)
                for position, item in enumerate(value)]

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        """A non-empty string."""
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return default
        if not isinstance(value, str) or not value.strip():
            self.problem(key, f"`{self.name(key)}` must be a non-empty text in quotes")
            return default
        if (problem := control_problem(value)) is not None:
            self.problem(key, f"`{self.name(key)}` {problem}")
            return default
        return value.strip()

    def whole(self, key: str, *, required: bool = False, default: int | None = None,
              minimum: int = 0, maximum: int = MAX_WHOLE) -> int | None:
        """A whole number from ``minimum`` to ``maximum``."""
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if (isinstance(value, bool) or not isinstance(value, int)
                or not minimum <= value <= maximum):
            self.problem(key, f"`{self.name(key)}` must be a whole number from {minimum} to "
                         f"{maximum}, not {value!r}")
            return default
        return value

    def number(self, key: str, *, default: float | None = None, minimum: float = 0.0,
               above: bool = False, maximum: float = MAX_NUMBER) -> float | None:
        """A finite number not below (with ``above``: above) ``minimum``, at most ``maximum``."""
        value = self.data.get(key)
        if value is None:
            return default
        wrong = isinstance(value, bool) or not isinstance(value, (int, float))
        if not wrong:
            low = value <= minimum if above else value < minimum
            wrong = low or not math.isfinite(value) or value > maximum
        if wrong:
            bound = "above" if above else "from"
            self.problem(key, f"`{self.name(key)}` must be a number {bound} {minimum:g} "
                         f"{'and at most' if above else 'to'} {maximum:g}, not {value!r}")
            return default
        return float(value)

    def flag(self, key: str, *, default: bool = False) -> bool:
        """``true`` or ``false``."""
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(key, f"`{self.name(key)}` must be true or false, not {value!r}")
            return default
        return value

    def day(self, key: str, *, required: bool = False) -> date | None:
        """A date: TOML ``2018-11-26`` or the text ``"2018-11-26"``."""
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return None
        try:
            if isinstance(value, date) and not isinstance(value, datetime):
                check_year(value.year, str(value))
                return value
            if isinstance(value, str):
                return parse_date(value)
        except WindowSyntaxError as error:
            self.problem(key, str(error))
            return None
        self.problem(key, f"`{self.name(key)}` must be a date like 2018-11-26, not {value!r}")
        return None

    def clock(self, key: str, *, required: bool = False, allow_end_of_day: bool = False
              ) -> int | None:
        """A time of day as minutes after midnight: ``"09:00"`` or TOML ``09:00:00``."""
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return None
        if isinstance(value, time):
            if value.second or value.microsecond or value.tzinfo is not None:
                self.problem(key, f"`{self.name(key)}` must be a time like \"09:00\"")
                return None
            return value.hour * 60 + value.minute
        if isinstance(value, str):
            try:
                return parse_clock(value, allow_end_of_day=allow_end_of_day)
            except WindowSyntaxError as error:
                self.problem(key, str(error))
                return None
        self.problem(key, f"`{self.name(key)}` must be a time like \"09:00\", not {value!r}")
        return None

    def moment(self, key: str, *, required: bool = False) -> datetime | None:
        """A date and time, naive (local) or with an offset: TOML or ISO 8601 text."""
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                pass
        if not isinstance(value, datetime):
            self.problem(key, f"`{self.name(key)}` must be a date and time like "
                         f"2018-11-26T08:30, not {value!r}")
            return None
        if value.second or value.microsecond:
            self.problem(key, f"`{self.name(key)}` has seconds; times are in whole minutes")
            return None
        try:
            check_year(value.year, value.isoformat())
        except WindowSyntaxError as error:
            self.problem(key, str(error))
            return None
        return value


class EntryIds:
    """The ids of an array of tables read so far (``[[guests]]``, ``[[resources]]``).

    Each new id must be well formed, not taken, and differ from the others in more than case
    (ids name files, and Windows and macOS take ``A.ics`` and ``a.ics`` for one).

    Parameters
    ----------
    noun
        What an entry is, for the messages (``guest``).
    pattern
        A whole good id.
    id_words
        What a good id is, for the messages (``a guest id``).
    """

    def __init__(self, noun: str, pattern: re.Pattern[str], id_words: str) -> None:
        self.noun, self.pattern, self.id_words = noun, pattern, id_words
        self.lines: dict[str, int | None] = {}
        self.folded: dict[str, str] = {}  # by casefolded id: the first id so written

    def check(self, table: TomlTable, identifier: str | None) -> bool:
        """Whether ``identifier`` (``None``: missing, already reported) is a good new id; a
        problem with the table's ``id`` is recorded when it is not."""
        if identifier is None:
            return False
        if not self.pattern.match(identifier):
            table.problem("id", f"`{identifier}` is not {self.id_words}: use letters, digits, "
                          "`-` and `_`")
        elif identifier in self.lines:
            table.problem("id", f"the {self.noun} `{identifier}` is already on line "
                          f"{self.lines[identifier]}")
        elif (other := case_clash(identifier, self.folded)) is not None:
            table.problem("id", case_clash_problem(identifier, other, f"line {self.lines[other]}"))
        else:
            return True
        return False

    def keep(self, identifier: str, line: int | None) -> None:
        """Take ``identifier``, written on ``line``, as read (the first line of an id stays)."""
        self.lines.setdefault(identifier, line)
        self.folded.setdefault(identifier.casefold(), identifier)
