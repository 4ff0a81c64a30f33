"""Reading fields of the plan dictionary: each reader raises Malformed at the first problem."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any

from .plan_view import Stamp
from .violations import Violation


FIRST_YEAR, LAST_YEAR = 1970, 2999
"""The years a plan's dates may fall in (as in the tour's files): outside them, date
arithmetic overflows, and no visit is planned there."""


class Malformed(Exception):
    """A field is missing or has the wrong shape; becomes a ``schema`` violation."""


def required(raw: Any, key: str, path: str) -> Any:
    if not isinstance(raw, Mapping):
        raise Malformed(f"{path}: not an object")
    if key not in raw:
        raise Malformed(f"{path}.{key}: missing" if path != "the plan" else f"{key}: missing")
    return raw[key]


def text_of(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise Malformed(f"{path}: {value!r} is not a non-empty text")
    return value


MAX_WHOLE = 1_000_000_000
"""The largest count or number of minutes a plan holds (as the tour's files allow): a
billion minutes added to a date stays in the calendar; more would overflow."""


def whole_number(value: Any, path: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise Malformed(f"{path}: {value!r} is not a whole number of at least {minimum}")
    if value > MAX_WHOLE:
        raise Malformed(f"{path}: {value!r} is more than {MAX_WHOLE:,}")
    return value


def flag(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise Malformed(f"{path}: {value!r} is not true or false")
    return value


def items_of(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise Malformed(f"{path}: not a list")
    return value


def calendar_date(value: Any, path: str) -> str:
    try:
        if (isinstance(value, str) and date.fromisoformat(value).isoformat() == value
                and FIRST_YEAR <= int(value[:4]) <= LAST_YEAR):
            return value
    except ValueError:
        pass
    raise Malformed(f"{path}: {value!r} is not a date YYYY-MM-DD")


def known_place(value: Any, path: str, places: Iterable[str]) -> str:
    place = text_of(value, path)
    if place not in places:
        raise Malformed(f"{path}: {place!r} is not in `locations`")
    return place


class FieldReader:
    """Reads times (keeping each as written for the offset rule) and collects schema problems."""

    def __init__(self) -> None:
        self.problems: list[Violation] = []
        self.stamps: list[Stamp] = []

    def instant(self, value: Any, path: str, request_id: str | None = None,
                day: str | None = None) -> datetime:
        """Parse an ISO 8601 time with offset; return it in UTC."""
        if not isinstance(value, str):
            raise Malformed(f"{path}: {value!r} is not a date-time (ISO 8601)")
        try:
            written = datetime.fromisoformat(value)
        except ValueError as error:
            raise Malformed(f"{path}: {value!r} is not a date-time (ISO 8601)") from error
        if written.tzinfo is None or written.utcoffset() is None:
            raise Malformed(f"{path}: {value!r} is a date-time without a UTC offset")
        if not FIRST_YEAR <= written.year <= LAST_YEAR:
            raise Malformed(f"{path}: {value!r} is not in the years {FIRST_YEAR} to {LAST_YEAR}")
        self.stamps.append(Stamp(path, written, request_id, day))
        return written.astimezone(timezone.utc)

    def optional_instant(self, value: Any, path: str, request_id: str | None = None) -> datetime | None:
        return None if value is None else self.instant(value, path, request_id)

    def each(self, values: list[Any], path: str, read: Callable[[Any, str, int], Any]) -> list[Any]:
        """Read every item, recording the problem of each bad one and going on."""
        read_items = []
        for index, raw in enumerate(values):
            try:
                read_items.append(read(raw, f"{path}[{index}]", index))
            except Malformed as problem:
                self.problems.append(Violation("schema", str(problem)))
        return read_items

    def guard(self, read: Callable[[], Any], default: Any) -> Any:
        try:
            return read()
        except Malformed as problem:
            self.problems.append(Violation("schema", str(problem)))
            return default

