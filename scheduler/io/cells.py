"""Reading single spreadsheet cells: whole numbers, decimals, yes/no, ids, time zones."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from scheduler.suggest import did_you_mean

__all__ = ["CellError", "EMAIL_HINT", "MAX_ID_LENGTH", "id_problem", "is_email", "is_valid_id",
           "parse_decimal", "parse_flag", "parse_whole", "parse_zone"]

MAX_ID_LENGTH = 64
"""The longest id, in characters. Ids name files (``invites/<id>.ics``, where a name may have
255 bytes) and go into calendar UIDs with the tour's id; 64 leaves room for both."""

_WHOLE = re.compile(r"^[+]?\d+$")
# Spreadsheets group thousands: 1.500.000 (Spain), 1,500,000, 1 500 000 (also non-breaking).
_GROUPED = re.compile(r"^\d{1,3}(?P<sep>[.,\u00a0\u202f ])\d{3}(?:(?P=sep)\d{3})*$")
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
_ID = re.compile(r"^(?!\.)[A-Za-z0-9_.\-]+$")  # not `.`, `..` or `.x`: they name files
# One address: no space, line break or control character, one `@` with text on both sides.
# Calendars put it in a single mailto: line, where a line break cannot go.
_EMAIL = re.compile(r"^[^\s\x00-\x1f\x7f@<>\",;]+@[^\s\x00-\x1f\x7f@<>\",;]+$")
EMAIL_HINT = "write one address like name@example.org (put any other in the notes)"
_YES = frozenset({"yes", "true", "1", "sí", "si"})
_NO = frozenset({"no", "false", "0"})


class CellError(ValueError):
    """A cell whose text is not a value of the expected type; the message says what to write."""


def parse_zone(text: str) -> ZoneInfo:
    """An IANA time zone (``Europe/London``).

    Raises
    ------
    CellError
        When no zone has that name; the message suggests the closest one.
    """
    name = text.strip()
    try:
        if name and not name.startswith(("/", ".")):
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise CellError(f"unknown time zone `{name}`{did_you_mean(name, available_timezones())}; "
                    "use an IANA name like Europe/Madrid")


def parse_whole(text: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number from ``minimum`` to ``maximum``; thousands may be grouped (``1.500.000``).

    Raises
    ------
    CellError
        When the text is not such a number.
    """
    compact = text.strip()
    if _WHOLE.match(compact):
        value = int(compact)
    elif _GROUPED.match(compact):
        value = int(re.sub(r"\D", "", compact))
    elif re.match(r"^-\s*\d+$", compact):
        value = -int(re.sub(r"\D", "", compact))
    else:
        raise CellError(f"`{text}` is not a whole number")
    if value < minimum:
        bound = "above 0" if minimum == 1 else f"{minimum} or more"
        raise CellError(f"must be {bound}, not {value}")
    if maximum is not None and value > maximum:
        raise CellError(f"must be at most {maximum:,}, not {value:,}")
    return value


def parse_decimal(text: str) -> float:
    """A decimal number with a point or a decimal comma (``40,4168``).

    Raises
    ------
    CellError
        When the text is not such a number.
    """
    compact = text.strip().replace("\u2212", "-")
    if not _DECIMAL.match(compact):
        raise CellError(f"`{text}` is not a number")
    return float(compact.replace(",", "."))


def parse_flag(text: str) -> bool:
    """``yes``/``no``, ``true``/``false``, ``1``/``0``, ``sí``/``si``, any case.

    Raises
    ------
    CellError
        When the text is none of them.
    """
    folded = text.strip().casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise CellError(f"`{text}` is not yes or no")


def is_valid_id(text: str) -> bool:
    """Whether ``text`` is an id of letters, digits, ``-``, ``_`` and ``.``, at most
    :data:`MAX_ID_LENGTH` characters long."""
    return len(text) <= MAX_ID_LENGTH and bool(_ID.match(text))


def id_problem(text: str, allowed: str = "letters, digits, `-`, `_` and `.`",
               pattern: re.Pattern[str] = _ID) -> str | None:
    """What is wrong with ``text`` as an id, in words; ``None`` when it is a good one.

    Parameters
    ----------
    text
        The id as written.
    allowed
        The characters allowed, in words, for the message.
    pattern
        The characters allowed, as a pattern matching a whole good id.
    """
    if len(text) > MAX_ID_LENGTH:
        return (f"`{text[:24]}…` is {len(text)} characters long; an id may have at most "
                f"{MAX_ID_LENGTH} (it names files and calendar entries)")
    if text.startswith("."):
        return (f"`{text}` may not start with a `.`: the id names a file (`invites/<id>.ics`), "
                "which would be hidden, or `.` and `..`, which name folders")
    if not pattern.match(text):
        return f"`{text}` may only hold {allowed}"
    return None


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_problem(text: str) -> str | None:
    """What is wrong with a text that holds a control character, in words; ``None`` when none.

    A tab and a line break are text; the other control characters (a terminal's escape, a
    bell, a form feed) are not: RFC 5545 forbids them in a calendar, where real clients
    refuse the file, and printed they would drive the terminal of whoever reads the agenda.
    """
    found = _CONTROL.search(text)
    if found is None:
        return None
    return (f"holds the control character U+{ord(found.group()):04X} at character "
            f"{found.start() + 1}, which calendars and printouts cannot show; delete it "
            "(it often comes with text pasted from another program)")


def case_clash(identifier: str, others: dict[str, str]) -> str | None:
    """The id of ``others`` (keyed by :meth:`str.casefold`) that ``identifier`` differs from
    only in upper and lower case; ``None`` when there is none or it is the very same id."""
    other = others.get(identifier.casefold())
    return other if other is not None and other != identifier else None


def case_clash_problem(identifier: str, other: str, where: str) -> str:
    """Why an id may not differ from another one only in case, in words."""
    return (f"the id `{identifier}` differs from `{other}` ({where}) only in upper and lower "
            "case; ids name files (`invites/<id>.ics`, `resources/<id>.ics`, `guests/<id>.ics`), "
            "and Windows and macOS take `A.ics` and `a.ics` for one file, so one would overwrite "
            "the other (a counterpart would get another's invitation): choose ids that differ "
            "in more than case")


def is_email(text: str) -> bool:
    """Whether ``text`` is one e-mail address (no spaces, line breaks or lists)."""
    return bool(_EMAIL.match(text))
