"""tour.toml ``[[resources]]`` and the ``needs`` column of requests.csv: read, checked, built."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain import (KIND_PREFIX, Day, DomainError, Request, Resource, Window, need_candidates,
                              need_kind)
from scheduler.io.issues import IssueLog, Suggester
from scheduler.io.tomlfile import EntryIds, TomlTable
from scheduler.io.windows import LocalTimeError, local_instant

__all__ = ["DayHours", "ResourceEntry", "build_resources", "check_needs", "read_needs", "read_resources"]

_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
_KEYS = ("id", "name", "kind", "hours", "travels", "location")
_NEEDS_HINT = "write resource ids or kind:<kind>, separated by `;` (escort-1;kind:interpreter)"


@dataclass(frozen=True, slots=True)
class DayHours:
    """A ``[[resources.hours.day]]`` entry: other hours that date, or none (``off``)."""

    date: date
    start: int | None
    end: int | None
    off: bool
    line: int | None


@dataclass(frozen=True, slots=True)
class ResourceEntry:
    """A ``[[resources]]`` entry read correctly. ``start`` and ``end`` (minutes after midnight)
    are ``None`` when it has no ``hours``: it then keeps the guest's hours."""

    id: str
    name: str
    kind: str
    travels: bool
    location: str | None
    start: int | None
    end: int | None
    days: Mapping[date, DayHours] = field(default_factory=dict)
    line: int | None = None


def read_resources(top: TomlTable) -> tuple[ResourceEntry, ...]:
    """Read every ``[[resources]]`` entry of tour.toml, recording each problem with its line and key.

    Parameters
    ----------
    top
        The whole tour.toml.

    Returns
    -------
    tuple of ResourceEntry
        The entries without problems, in file order.
    """
    entries: list[ResourceEntry] = []
    ids = EntryIds("resource", _ID, "an id")
    day_count = 0  # the [[resources.hours.day]] tables counted over the file, for their lines
    for table in top.tables("resources"):
        before = len(table.log)
        table.check_keys(_KEYS)
        resource_id = table.text("id", required=True)
        ids.check(table, resource_id)
        kind = table.text("kind", required=True)
        if kind is not None and not _ID.match(kind):
            table.problem("kind", f"`{kind}` is not one word: a kind is like interpreter, escort, car, room")
        travels = table.flag("travels", default=True)
        location = table.text("location")
        if not travels and location is None:
            table.problem("travels", "a resource that does not travel (a room) needs its `location`")
        start = end = None
        days: dict[date, DayHours] = {}
        hours = table.table("hours")
        if hours is not None:
            start, end, days, day_count = _hours(hours, day_count)
        if resource_id is not None:
            ids.keep(resource_id, table.line("id"))
        if len(table.log) == before and resource_id is not None and kind is not None:
            entries.append(ResourceEntry(resource_id, table.text("name") or resource_id, kind, travels,
                                         location, start, end, days, table.line("id")))
    return tuple(entries)


def _hours(hours: TomlTable, day_count: int) -> tuple[int | None, int | None, dict[date, DayHours], int]:
    hours.check_keys(("start", "end", "day"))
    start = hours.clock("start", required=True)
    end = hours.clock("end", required=True, allow_end_of_day=True)
    if start is not None and end is not None and end <= start:
        hours.problem("end", "the hours end before they start")
    days: dict[date, DayHours] = {}
    raw = hours.data.get("day")
    for position, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict):
            continue
        entry = TomlTable(item, hours.name("day"), hours.file, hours.lines, hours.log, day_count + position)
        entry.check_keys(("date", "start", "end", "off"))
        day = entry.day("date", required=True)
        override = DayHours(day, entry.clock("start"), entry.clock("end", allow_end_of_day=True),
                            entry.flag("off"), entry.line("date")) if day is not None else None
        if override is None:
            continue
        if day in days:
            entry.problem("date", f"{day} already has hours on line {days[day].line}")
            continue
        days[day] = override
    if raw is not None and not isinstance(raw, list):
        hours.problem("day", f"`{hours.name('day')}` must be written as [[{hours.name('day')}]] tables")
    return start, end, days, day_count + (len(raw) if isinstance(raw, list) else 0)


def build_resources(entries: Iterable[ResourceEntry], days: tuple[Day, ...], zone: ZoneInfo,
                    file: str, log: IssueLog) -> tuple[Resource, ...]:
    """The domain resources: each one's hours on every working day of the tour.

    A resource without ``hours`` keeps the guest's hours each day; one with ``hours`` has
    them every working day, unless a ``[[resources.hours.day]]`` entry gives other hours that
    date or marks it ``off``.

    Parameters
    ----------
    entries
        The ``[[resources]]`` entries as :func:`read_resources` read them.
    days
        The working days of the tour.
    zone
        The tour's zone: the hours are read on its clocks.
    file, log
        Where problems go, under this file name.

    Returns
    -------
    tuple of Resource
        The resources whose hours hold together, in file order.
    """
    dates = {day.date for day in days}
    built = []
    for entry in entries:
        for override in entry.days.values():
            if override.date not in dates:
                log.add(file, override.line, "resources.hours.day.date",
                        f"{override.date} is not a working day of the tour")
        windows = []
        for day in days:
            if entry.start is None:
                windows.append(Window(day.start, day.end))
                continue
            override = entry.days.get(day.date)
            if override is not None and override.off:
                continue
            start = override.start if override and override.start is not None else entry.start
            end = override.end if override and override.end is not None else entry.end
            if end <= start:
                log.add(file, override.line if override else entry.line, "resources.hours",
                        f"resource `{entry.id}`: on {day.date} its hours end before they start")
                continue
            try:
                windows.append(Window(_instant(day.date, start, zone), _instant(day.date, end, zone)))
            except LocalTimeError as error:
                log.add(file, entry.line, "resources.hours", f"resource `{entry.id}`: {error}")
        try:
            built.append(Resource(entry.id, entry.name, entry.kind, tuple(windows), entry.travels,
                                  entry.location))
        except DomainError as error:
            log.add(file, entry.line, "resources", str(error))
    return tuple(built)


def _instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    return local_instant(datetime.combine(day, time()) + timedelta(minutes=minute), zone)


def read_needs(text: str) -> tuple[tuple[str, ...], str | None]:
    """The needs written in a ``needs`` cell, and what is wrong with the cell (``None``: nothing)."""
    needs = tuple(part.strip() for part in text.split(";") if part.strip())
    for need in needs:
        kind = need_kind(need)
        word = kind if kind is not None else need
        if not _ID.match(word):
            return (), f"`{need}` is not a resource id or kind:<kind>; {_NEEDS_HINT}"
    repeated = sorted({need for need in needs if needs.count(need) > 1})
    if repeated:
        return (), f"`{repeated[0]}` is needed twice; name each need once"
    return needs, None


def check_needs(requests: Iterable[Request], lines: Mapping[str, int], resources: Iterable[ResourceEntry],
                file: str, log: IssueLog) -> None:
    """Record every need that names no resource or kind of tour.toml, with a suggestion, and
    every need that only a resource elsewhere (a room at another place) could meet.

    Parameters
    ----------
    requests
        The requests read.
    lines
        The line of each request's ``needs`` cell, by request id.
    resources
        The ``[[resources]]`` entries of tour.toml, or the resources of a plan (anything with
        ``id``, ``name``, ``kind``, ``travels`` and ``location``).
    file, log
        Where problems go, under the requests file's name.
    """
    entries = tuple(resources)
    ids = Suggester([entry.id for entry in entries])
    kinds = Suggester(sorted({entry.kind for entry in entries}))
    stand_ins = [Resource(entry.id, entry.name, entry.kind, (), entry.travels, entry.location)
                 for entry in entries]
    for request in requests:
        for need in request.needs:
            kind = need_kind(need)
            line = lines.get(request.id)
            if kind is not None and not any(entry.kind == kind for entry in entries):
                log.add(file, line, "needs", f"no resource in tour.toml is of the kind `{kind}`"
                        f"{kinds.hint(kind)}; add a [[resources]] with kind = \"{kind}\"")
            elif kind is None and not any(entry.id == need for entry in entries):
                log.add(file, line, "needs", f"`{need}` is not a resource of tour.toml{ids.hint(need)}; "
                        f"name a [[resources]] id, or {KIND_PREFIX}<kind> for any one of a kind")
            elif not need_candidates(need, stand_ins, request.location_id):
                log.add(file, line, "needs", f"`{need}` stays at its own place, and this request is "
                        f"at {request.location_id}: meet there, or make the request remote")
