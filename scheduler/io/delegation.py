"""A delegation in tour.toml (``[[guests]]``, ``[[legs]] guests``) and the ``guests`` cell of requests.csv.

A member's days are built by the tour's day builder (:func:`~scheduler.io.tour_days.build_days`)
from the tour's frame with what the member gives instead: their hours (key by key, their
``[[guests.hours.day]]`` over the tour's ``[[hours.day]]``), their lodging (replacing the
tour's), their arrival and departure (their days run from one to the other) and the legs they
travel on (a ``[[legs]]`` entry without ``guests`` is everyone's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from scheduler.domain import GUEST_ID, Day, DomainError, Endpoint, Guest, utc
from scheduler.io.day_settings import (HoursOverride, LocationRef, Lodging, read_endpoint,
                                       read_hours, read_lodging)
from scheduler.io.issues import IssueLog, Suggester, did_you_mean
from scheduler.io.legs import LegEntry, resolve_legs
from scheduler.io.tomlfile import EntryIds, TomlTable
from scheduler.io.tour_days import DayFrame, build_days

__all__ = ["GuestEntry", "build_delegation", "check_leg_guests", "delegation_name", "member_frames",
           "read_guests", "read_guests_cell", "widened_days"]

FILE = "tour.toml"
PATH = "guests"
_KEYS = ("id", "name", "timezone", "arrival", "departure", "hours", "lodging")
_CELL_HINT = ("write guest ids separated by `;` (all of them, together: anna;boris) or by `|` "
              "(any one of them, chosen by the planner: anna|boris)")


@dataclass(frozen=True, slots=True)
class GuestEntry:
    """A ``[[guests]]`` entry read correctly; ``None`` (or ``()``) where the tour's applies."""

    id: str
    name: str
    timezone: str
    index: int
    line: int | None
    hours_start: int | None = None
    hours_end: int | None = None
    overrides: Mapping[date, HoursOverride] | None = None
    lodging: tuple[Lodging, ...] | None = None
    arrival: Endpoint | None = None
    departure: Endpoint | None = None
    own: frozenset[str] = frozenset()


def read_guests(top: TomlTable, zone: ZoneInfo | None, place_zones: Mapping[str, str],
                refs: list[LocationRef]) -> tuple[GuestEntry, ...]:
    """Every ``[[guests]]`` entry of tour.toml that could be read, recording each problem.

    Parameters
    ----------
    top
        The whole tour.toml.
    zone
        The tour's zone (``None`` when it could not be read): a member's default zone, and
        the zone of their arrival and departure times without an offset at a place without one.
    place_zones
        The zone of each known place that has one.
    refs
        Where the places a member names go, to be checked against the known places.
    """
    entries: list[GuestEntry] = []
    ids = EntryIds("guest", GUEST_ID, "a guest id")
    counts = {"hours.day": 0, "lodging": 0}  # arrays of tables are counted over the whole file
    for index, table in enumerate(top.tables(PATH)):
        before = len(table.log)
        table.check_keys(_KEYS)
        guest_id = table.text("id", required=True)
        if ids.check(table, guest_id):
            ids.keep(guest_id, table.line("id"))
        timezone = _zone_name(table, zone)
        own = frozenset(key for key in ("hours", "lodging", "arrival", "departure") if table.has(key))
        hours = table.table("hours")
        start = end = overrides = None
        if hours is not None:
            days = _counted(hours, "day", counts, "hours.day")
            start, end, overrides = read_hours(hours, days, required=False)
        lodging = None
        if table.has("lodging"):
            lodging = read_lodging(_counted(table, "lodging", counts, "lodging"), refs)
        ends = {name: read_endpoint(sub, zone, place_zones, refs) if (sub := table.table(name)) else None
                for name in ("arrival", "departure")}
        if len(table.log) == before and guest_id is not None and timezone is not None:
            entries.append(GuestEntry(guest_id, table.text("name") or guest_id, timezone, index,
                                      table.line("id"), start, end, overrides, lodging,
                                      ends["arrival"], ends["departure"], own))
    return tuple(entries)


def _counted(parent: TomlTable, key: str, counts: dict[str, int], counter: str) -> list[TomlTable]:
    """``parent.tables(key)`` numbered over the whole file, as :class:`TomlLines` counts them."""
    tables = parent.tables(key)
    offset = counts[counter]
    counts[counter] += len(tables)
    return [TomlTable(t.data, t.path, t.file, t.lines, t.log, offset + position)
            for position, t in enumerate(tables)]


def _zone_name(table: TomlTable, zone: ZoneInfo | None) -> str | None:
    name = table.text("timezone")
    if name is None:
        return zone.key if zone is not None else None
    try:
        return ZoneInfo(name).key
    except (ZoneInfoNotFoundError, ValueError, OSError):
        table.problem("timezone", f"unknown time zone `{name}`{did_you_mean(name, available_timezones())}; "
                      "use an IANA name like Europe/Madrid")
        return None


def delegation_name(given: str, entries: Sequence[GuestEntry]) -> str:
    """The delegation's display name: ``[guest] name`` if given, else the members' names
    joined (``Anna Kowalska, Boris Ivanov and Chen Wei``)."""
    if given or not entries:
        return given
    names = [entry.name for entry in entries]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def check_leg_guests(tables: Sequence[TomlTable], guest_ids: Sequence[str]) -> None:
    """Each ``[[legs]]`` ``guests`` list names members of ``[[guests]]`` (with a suggestion);
    a tour without ``[[guests]]`` takes no ``guests`` on a leg."""
    suggester = Suggester(guest_ids)
    for table in tables:
        names = table.data.get("guests")
        if names is None:
            continue
        if not guest_ids:
            table.problem("guests", "the leg names guests, but tour.toml has no [[guests]]; "
                          "leave `guests` out: the guest takes every leg")
            continue
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            table.problem("guests", "`guests` must be a list of guest ids, like [\"anna\", \"boris\"]")
            continue
        for name in names:
            if name not in guest_ids:
                table.problem("guests", f"`{name}` is not a guest of [[guests]]{suggester.hint(name)}")


def build_delegation(frame: DayFrame, entries: Sequence[GuestEntry], legs: Sequence[LegEntry],
                     tour_days: Sequence[Day], log: IssueLog) -> tuple[Guest, ...] | None:
    """Each member of the delegation with their own days, legs, arrival and departure.

    Parameters
    ----------
    frame
        The tour's day frame (its hours, lodging, meal, arrival and departure).
    entries
        The ``[[guests]]`` entries, in file order.
    legs
        Every ``[[legs]]`` entry; one without ``guests`` is every member's.
    tour_days
        The tour's working days: a member works on some of them only.
    log
        Where problems go.

    Returns
    -------
    tuple of Guest or None
        ``None`` when a problem was found (it is in ``log``).
    """
    before = len(log)
    tour_dates = {day.date for day in tour_days}
    members = []
    for entry in entries:
        member_legs = _legs_of(entry, legs)
        member_frame = _member_frame(frame, entry, member_legs, log)
        if member_frame is None:
            continue
        days = build_days(member_frame, log)
        resolved = resolve_legs(member_legs, frame.zone_of, IssueLog())
        if days is None or resolved is None:
            continue
        for day in days:
            if day.date not in tour_dates:
                log.add(FILE, entry.line, f"{PATH}.id", f"guest `{entry.id}` works on {day.date}, "
                        "which is not a working day of the tour; a member works on the tour's "
                        "working days only (give that date hours in [[hours.day]], or mark it off "
                        "for the member with [[guests.hours.day]])")
        try:
            members.append(Guest(entry.name, entry.timezone, entry.id, days,
                                 tuple(leg for leg, _ in resolved), member_frame.arrival,
                                 member_frame.departure))
        except DomainError as error:
            log.add(FILE, entry.line, PATH, str(error))
    return tuple(members) if len(log) == before else None


def member_frames(frame: DayFrame, entries: Sequence[GuestEntry],
                  legs: Sequence[LegEntry]) -> dict[str, DayFrame]:
    """By member id, the frame their days are built from (as :func:`build_delegation` builds
    them): for the lines and keys of tour.toml that a problem with those days names."""
    frames = {}
    for entry in entries:
        member_frame = _member_frame(frame, entry, _legs_of(entry, legs), IssueLog())
        if member_frame is not None:
            frames[entry.id] = member_frame
    return frames


def _legs_of(entry: GuestEntry, legs: Sequence[LegEntry]) -> list[LegEntry]:
    """The legs a member takes: those naming them, and those naming nobody."""
    return [leg for leg in legs if not leg.guests or entry.id in leg.guests]


def _member_frame(frame: DayFrame, entry: GuestEntry, legs: Sequence[LegEntry],
                  log: IssueLog) -> DayFrame | None:
    """The tour's frame with what the member gives instead; their days run from their
    arrival's date to their departure's."""
    arrival = entry.arrival or frame.arrival
    departure = entry.departure or frame.departure
    first_day, last_day = frame.first_day, frame.last_day
    if entry.arrival is not None:
        first_day = max(first_day, entry.arrival.at.date())
    if entry.departure is not None:
        last_day = min(last_day, entry.departure.at.date())
    ok = True
    for name, end in (("arrival", entry.arrival), ("departure", entry.departure)):
        if end is not None and not frame.first_day <= end.at.date() <= frame.last_day:
            log.add(FILE, frame.lines.line_of(f"{PATH}.{name}.at", entry.index), f"{PATH}.{name}.at",
                    f"guest `{entry.id}`'s {name} on {end.at.date()} is outside the tour "
                    f"({frame.first_day} to {frame.last_day})")
            ok = False
    if arrival is not None and departure is not None and utc(departure.at) <= utc(arrival.at):
        log.add(FILE, entry.line, f"{PATH}.departure.at",
                f"guest `{entry.id}` departs before they arrive")
        ok = False
    for override in (entry.overrides or {}).values():
        if not frame.first_day <= override.date <= frame.last_day:
            log.add(FILE, override.date_line, f"{override.path}.date", f"{override.date} is not a "
                    f"day of the tour ({frame.first_day} to {frame.last_day})")
            ok = False
    if not ok:
        return None
    overrides = {day: override for day, override in {**frame.overrides, **(entry.overrides or {})}.items()
                 if first_day <= day <= last_day}
    return replace(
        frame, first_day=first_day, last_day=last_day,
        hours_start=frame.hours_start if entry.hours_start is None else entry.hours_start,
        hours_end=frame.hours_end if entry.hours_end is None else entry.hours_end,
        overrides=overrides, arrival=arrival, departure=departure,
        lodging=frame.lodging if entry.lodging is None else entry.lodging, legs=tuple(legs),
        member=entry.id, member_path=PATH, member_index=entry.index,
        own=entry.own - ({"hours"} if entry.hours_start is None and entry.hours_end is None else set()))


def widened_days(tour_days: Sequence[Day], members: Sequence[Guest]) -> tuple[Day, ...]:
    """The tour's days, each widened to the hours of every member working that date: what the
    windows of requests are expanded over (``any time`` is whenever some member works)."""
    widened = []
    for day in tour_days:
        theirs = [d for guest in members for d in guest.days if d.date == day.date]
        start = min([day.start] + [d.start for d in theirs], key=utc)
        end = max([day.end] + [d.end for d in theirs], key=utc)
        widened.append(replace(day, start=start.astimezone(day.start.tzinfo),
                               end=end.astimezone(day.end.tzinfo)))
    return tuple(widened)


def read_guests_cell(text: str, guest_ids: Sequence[str] | None) -> tuple[tuple[str, ...], bool, str | None]:
    """The guests a ``guests`` cell names, whether any one of them will do (``|``), and what is
    wrong with it (``None``: nothing).

    ``guest_ids`` are the members of ``[[guests]]`` (``()`` for a tour of one guest, ``None``
    when tour.toml could not be read: then only the cell's own syntax is checked).
    """
    text = text.strip()
    if guest_ids is not None and not guest_ids:
        if text:
            return (), False, ("the request names guests, but tour.toml has no [[guests]]; "
                               "leave `guests` empty for a tour of one guest")
        return (), False, None
    if not text:
        if guest_ids:
            return (), False, f"a delegation's request says who goes; {_CELL_HINT}"
        return (), False, None
    if ";" in text and "|" in text:
        return (), False, f"`{text}` mixes `;` and `|`; {_CELL_HINT}"
    any_one = "|" in text
    ids = tuple(part.strip() for part in text.split("|" if any_one else ";"))
    if not all(ids):
        return (), False, f"`{text}` has no guest between two separators; {_CELL_HINT}"
    for guest in ids:
        if not GUEST_ID.match(guest):
            return (), False, f"`{guest}` is not a guest id; {_CELL_HINT}"
    repeated = sorted({guest for guest in ids if ids.count(guest) > 1})
    if repeated:
        return (), False, f"`{repeated[0]}` is named twice; name each guest once"
    if any_one and len(ids) < 2:
        return (), False, f"`{text}` names one guest; write `{ids[0]}` alone, or name two or more"
    unknown = [guest for guest in ids if guest_ids is not None and guest not in guest_ids]
    if unknown:
        hint = Suggester(guest_ids or ()).hint(unknown[0])
        return (), False, (f"`{unknown[0]}` is not a guest of [[guests]]{hint}; "
                           f"the guests are: {', '.join(guest_ids or ())}")
    return ids, any_one, None

