"""requests.csv and availability.csv: rows into domain requests, with their windows and values.

A row is read in two steps. First every cell is checked on its own (ids, numbers, the place,
the syntax of the windows), which needs no tour. Then, when the tour's days are known, the
windows are expanded, merged with availability.csv, and the request is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from scheduler.domain import (KINDS, REMOTE_MODES, VALUE_BASES, Contact, DomainError, Location, Request, Tour,
                              ValueRule, Window, WindowsText, utc)
from scheduler.io.cells import (
    EMAIL_HINT, CellError, case_clash, case_clash_problem, id_problem, is_email, is_valid_id,
    parse_flag, parse_whole,
)
from scheduler.io.csvfile import CsvRow, CsvSchema, CsvTable
from scheduler.io.delegation import read_guests_cell
from scheduler.io.issues import IssueLog, Suggester
from scheduler.io.places import PlaceEntry, coordinates, read_zone_cell
from scheduler.io.workbook import read_table
from scheduler.io.resources import read_needs
from scheduler.io.windows import (TourCalendar, WindowReader, WindowSyntaxError, parse_window_spec,
                                  parse_window_specs)

__all__ = [
    "AVAILABILITY_SCHEMA",
    "REQUEST_SCHEMA",
    "VALUE_BASES",
    "RequestsRead",
    "ValueRule",
    "read_requests",
    "read_requests_csv",
]

REQUEST_SCHEMA = CsvSchema(
    required=("id", "title", "duration"),
    optional=("kind", "counterpart", "contact_name", "contact_email", "contact_phone",
              "location", "address", "latitude", "longitude", "remote", "priority", "audience",
              "value", "mandatory", "windows", "fixed_start", "setup_minutes", "notes",
              "internal_notes", "timezone", "needs", "guests"),
    table="requests",
    free_text=("title", "counterpart", "contact_name", "contact_phone", "address", "notes",
               "internal_notes"),
)
AVAILABILITY_SCHEMA = CsvSchema(required=("windows",), optional=("request_id", "counterpart", "type"),
                                table="availability")
_NOT_REMOTE = frozenset({"", "no", "false", "0"})
_AVAILABILITY_TYPES = ("available", "unavailable")
# Sanity limits: larger values are typing mistakes (an engagement longer than a day cannot be
# placed in one day), and they keep the solver's integers small.
_MAXIMA = MappingProxyType({"duration": 24 * 60, "setup_minutes": 24 * 60, "priority": 1_000_000,
                            "audience": 10_000_000_000, "value": 1_000_000_000})


@dataclass(frozen=True, slots=True)
class RequestsRead:
    """The requests of a file and the places given inline in it (ids ``@<request id>``)."""

    requests: tuple[Request, ...]
    locations: Mapping[str, Location] = field(default_factory=dict)
    need_lines: Mapping[str, int] = field(default_factory=dict)  # request id -> line of `needs`


@dataclass(slots=True)
class _Draft:
    """A row with each cell read on its own; ``ok`` is false when any cell is wrong."""

    line: int
    ok: bool = True
    id: str = ""
    title: str = ""
    kind: str = "other"
    counterpart: str = ""
    contact: Contact = field(default_factory=Contact)
    location_id: str | None = None
    inline: Location | None = None
    remote: str | None = None
    duration: int | None = None
    priority: int = 1
    audience: int | None = None
    value: int | None = None
    mandatory: bool = False
    windows_text: str = ""
    windows_line: int = 0
    fixed_text: str = ""
    fixed_line: int = 0
    setup_minutes: int = 0
    notes: str = ""
    internal_notes: str = ""
    timezone: str = ""  # the zone of the windows' local times; "" for each day's
    needs: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()
    guests_any: bool = False


@dataclass(frozen=True, slots=True)
class _Availability:
    """A row of availability.csv."""

    line: int
    request_id: str
    counterpart: str
    text: str
    available: bool


class _RowReader:
    """Reads the cells of requests.csv rows, recording every problem."""

    def __init__(self, table: CsvTable, log: IssueLog, locations: Mapping[str, object],
                 taken_ids: Iterable[str], guest_ids: Sequence[str] | None) -> None:
        self.table = table
        self.file = table.file
        self.log = log
        self.locations = locations
        self.suggester = Suggester(locations)
        self.kind_hints = Suggester(KINDS)
        self.seen: dict[str, int] = {}
        self.taken = frozenset(taken_ids)
        self.folded: dict[str, str] = {taken.casefold(): taken for taken in self.taken}
        self.guest_ids = guest_ids

    def problem(self, draft: _Draft, row: CsvRow, column: str | None, message: str) -> None:
        draft.ok = False
        self.log.add(self.file, row.line_of(column) if column else row.line, column, message)

    def read(self, row: CsvRow) -> _Draft:
        draft = _Draft(row.line)
        draft.counterpart = row.get("counterpart")
        self._identity(draft, row)
        self._numbers(draft, row)
        self._place(draft, row)
        draft.contact = Contact(row.get("contact_name"), row.get("contact_email"),
                                row.get("contact_phone"))
        if draft.contact.email and not is_email(draft.contact.email):
            self.problem(draft, row, "contact_email", f"`{draft.contact.email}` is not one "
                         f"e-mail address; {EMAIL_HINT}")
        draft.notes, draft.internal_notes = row.get("notes"), row.get("internal_notes")
        draft.windows_text, draft.windows_line = row.get("windows"), row.line_of("windows")
        draft.fixed_text, draft.fixed_line = row.get("fixed_start"), row.line_of("fixed_start")
        draft.needs, wrong = read_needs(row.get("needs"))
        if wrong is not None:
            self.problem(draft, row, "needs", wrong)
        if self.table.has("guests") or not self.guest_ids:
            draft.guests, draft.guests_any, wrong = read_guests_cell(row.get("guests"), self.guest_ids)
            if wrong is not None:
                self.problem(draft, row, "guests", wrong)
        else:
            draft.ok = False  # the missing column is reported once, at the header
        return draft

    def _identity(self, draft: _Draft, row: CsvRow) -> None:
        request_id = row.get("id")
        if not request_id and not self.table.has("id"):
            draft.ok = False  # the missing column is reported once, at the header
        elif not request_id:
            self.problem(draft, row, "id", "the request has no id")
        elif not is_valid_id(request_id):
            self.problem(draft, row, "id", id_problem(request_id) or "not a valid id")
        elif request_id in self.seen:
            self.problem(draft, row, "id", f"the id `{request_id}` is already used on "
                         f"{self.table.line_word} {self.seen[request_id]}")
        elif request_id in self.taken:
            self.problem(draft, row, "id", f"the id `{request_id}` is already used by a request "
                         "of the tour")
        elif (other := case_clash(request_id, self.folded)) is not None:
            where = (f"{self.table.line_word} {self.seen[other]}" if other in self.seen
                     else "a request of the tour")
            self.problem(draft, row, "id", case_clash_problem(request_id, other, where))
        else:
            self.seen[request_id] = row.line
            self.folded[request_id.casefold()] = request_id
        draft.id = request_id
        draft.title = row.get("title")
        if self.table.has("title") and not draft.title:
            self.problem(draft, row, "title", "the title is empty")
        kind = row.get("kind").casefold() or "other"
        if kind not in KINDS:
            self.problem(draft, row, "kind", f"unknown kind `{row.get('kind')}`"
                         f"{self.kind_hints.hint(kind)}; the kinds are: {', '.join(KINDS)}")
        draft.kind = kind
        if row.get("mandatory"):
            try:
                draft.mandatory = parse_flag(row.get("mandatory"))
            except CellError as error:
                self.problem(draft, row, "mandatory", f"{error}; write yes or no")

    def _whole(self, draft: _Draft, row: CsvRow, column: str, minimum: int,
               default: int | None, unit: str) -> int | None:
        text = row.get(column)
        if not text:
            return default
        try:
            return parse_whole(text, minimum=minimum, maximum=_MAXIMA[column])
        except CellError as error:
            self.problem(draft, row, column, f"{error}; write {unit}")
            return default

    def _numbers(self, draft: _Draft, row: CsvRow) -> None:
        if self.table.has("duration") and not row.get("duration"):
            self.problem(draft, row, "duration", "the duration is empty; write whole minutes above 0")
        draft.duration = self._whole(draft, row, "duration", 1, None, "whole minutes above 0")
        priority = self._whole(draft, row, "priority", 0, 1, "a whole number, 0 or more")
        draft.priority = 1 if priority is None else priority
        draft.audience = self._whole(draft, row, "audience", 0, None, "the number of people reached")
        draft.value = self._whole(draft, row, "value", 0, None, "whole value points, 0 or more")
        setup = self._whole(draft, row, "setup_minutes", 0, 0, "whole minutes, 0 or more")
        draft.setup_minutes = 0 if setup is None else setup

    def _place(self, draft: _Draft, row: CsvRow) -> None:
        location_id, address = row.get("location"), row.get("address")
        latitude, longitude, coordinates_ok = coordinates(row, self.file, self.log)
        draft.ok = draft.ok and coordinates_ok
        inline = latitude is not None
        remote_text = row.get("remote").casefold()
        remote = None if remote_text in _NOT_REMOTE else remote_text
        remote_wrong = remote is not None and remote not in REMOTE_MODES
        if remote_wrong:
            self.problem(draft, row, "remote", f"remote must be phone or video (or empty), "
                         f"not `{row.get('remote')}`")
            remote = None
        ways = [name for name, given in (("a `location` id", location_id),
                                         ("an inline place", inline or address),
                                         ("`remote`", remote)) if given]
        if len(ways) > 1:
            column = "remote" if remote else "location"
            self.problem(draft, row, column, f"give only one of {' and '.join(ways)}: a request "
                         "is at a known location, at a place given inline, or remote")
        elif not ways and coordinates_ok and not remote_wrong:
            self.problem(draft, row, "location", "the request needs a place: a `location` id, "
                         "`latitude` and `longitude`, or `remote` (phone or video)")
        elif address and not inline:
            self.problem(draft, row, "latitude", "an address alone cannot be placed; give "
                         "`latitude` and `longitude` too, or a `location` id")
        if location_id and location_id not in self.locations:
            self.problem(draft, row, "location", f"unknown location `{location_id}`"
                         f"{self.suggester.hint(location_id)}; add it to locations.csv")
        draft.location_id = location_id or None
        draft.remote = remote
        zone = read_zone_cell(row, self.file, self.log)
        if zone is None:
            draft.ok = False
        # Windows are in the zone of the request's place, unless the row names its own.
        draft.timezone = zone or (_place_zone(self.locations.get(location_id)) if location_id else "")
        if inline and draft.id:
            draft.inline = Location(f"@{draft.id}", draft.counterpart or draft.title or draft.id,
                                    address, "", latitude, longitude, timezone=zone or "")
            draft.location_id = draft.inline.id


def _place_zone(place: object) -> str:
    """The ``timezone`` of a known place (a location or where it was read), ``""`` if none."""
    location = place.location if isinstance(place, PlaceEntry) else place
    return location.timezone if isinstance(location, Location) else ""


def _availability_rows(table: CsvTable, log: IssueLog, drafts: Sequence[_Draft]) -> list[_Availability]:
    ids = {draft.id for draft in drafts if draft.id}
    counterparts = {draft.counterpart.casefold(): draft.counterpart for draft in drafts if draft.counterpart}
    id_hints, counterpart_hints = Suggester(ids), Suggester(counterparts.values())
    rows: list[_Availability] = []
    for row in table.rows:
        request_id, counterpart = row.get("request_id"), row.get("counterpart")
        kind = row.get("type").casefold() or "available"
        ok = True
        if bool(request_id) == bool(counterpart):
            log.add(table.file, row.line, "request_id", "give either `request_id` or `counterpart`")
            ok = False
        elif request_id and request_id not in ids:
            log.add(table.file, row.line_of("request_id"), "request_id",
                    f"no request has the id `{request_id}`{id_hints.hint(request_id)}")
            ok = False
        elif counterpart and counterpart.casefold() not in counterparts:
            log.add(table.file, row.line_of("counterpart"), "counterpart",
                    f"no request has the counterpart `{counterpart}`{counterpart_hints.hint(counterpart)}")
            ok = False
        if kind not in _AVAILABILITY_TYPES:
            log.add(table.file, row.line_of("type"), "type",
                    f"`{row.get('type')}` must be available or unavailable")
            ok = False
        if not row.get("windows"):
            log.add(table.file, row.line_of("windows"), "windows", "the windows are empty")
            ok = False
        if ok:
            rows.append(_Availability(row.line_of("windows"), request_id, counterpart.casefold(),
                                      row.get("windows"), kind == "available"))
    return rows


def _subtract(windows: Iterable[Window], holes: Sequence[Window]) -> list[Window]:
    pieces = list(windows)
    for hole in holes:
        remaining: list[Window] = []
        for piece in pieces:
            if not piece.overlaps(hole):
                remaining.append(piece)
                continue
            if utc(piece.start) < utc(hole.start):
                remaining.append(Window(piece.start, hole.start.astimezone(piece.start.tzinfo)))
            if utc(hole.end) < utc(piece.end):
                remaining.append(Window(hole.end.astimezone(piece.end.tzinfo), piece.end))
        pieces = remaining
    return pieces


def _merge(windows: Iterable[Window]) -> tuple[Window, ...]:
    """Overlapping or touching windows as one: the engagement may lie across them."""
    windows = tuple(windows)
    if len(windows) <= 1:
        return windows
    merged: list[Window] = []
    for window in sorted(windows, key=lambda w: (utc(w.start), utc(w.end))):
        if merged and utc(window.start) <= utc(merged[-1].end):
            if utc(window.end) > utc(merged[-1].end):
                merged[-1] = Window(merged[-1].start, window.end)
        else:
            merged.append(window)
    return tuple(merged)


class _Assembler:
    """Expands the windows of drafts over the tour and builds the requests."""

    def __init__(self, file: str, availability_file: str, log: IssueLog,
                 reader: WindowReader, value_rule: ValueRule,
                 availability: Sequence[_Availability]) -> None:
        self.file = file
        self.availability_file = availability_file
        self.log = log
        self.reader = reader
        self.readers: dict[str, WindowReader] = {"": reader}
        self.value_rule = value_rule
        self.by_request: dict[str, list[_Availability]] = {}
        self.by_counterpart: dict[str, list[_Availability]] = {}
        for row in availability:
            if row.request_id:
                self.by_request.setdefault(row.request_id, []).append(row)
            else:
                self.by_counterpart.setdefault(row.counterpart, []).append(row)
        self.reported_rows: set[int] = set()
        self.merged: dict[tuple[str, int, str], tuple[tuple[Window, ...], tuple[str, ...]]] = {}
        self.any_time = _merge(Window(day.start, day.end) for day in reader.calendar.days)

    def _reader(self, draft: _Draft) -> WindowReader:
        """The reader of the draft's zone, one kept per zone (each remembers what it read)."""
        if draft.timezone not in self.readers:
            self.readers[draft.timezone] = WindowReader(self.reader.calendar, ZoneInfo(draft.timezone))
        return self.readers[draft.timezone]

    def build(self, draft: _Draft) -> Request | None:
        """The request of a draft, or ``None`` after recording why not."""
        duration = draft.duration or 1  # stand-in so that the windows are still checked
        rows = self.by_request.get(draft.id, []) + self.by_counterpart.get(draft.counterpart.casefold(), [])
        windows = self._windows(draft, rows, duration)
        fixed_start = None
        if windows is not None and draft.fixed_text:
            fixed = self._fixed(draft, windows, bool(draft.windows_text or rows), duration)
            windows, fixed_start = fixed if fixed is not None else (None, None)
        if windows is None or not draft.ok or draft.duration is None:
            return None
        value = draft.value if draft.value is not None else self.value_rule.value_of(
            draft.priority, draft.audience)
        try:
            return Request(
                id=draft.id, title=draft.title, duration_minutes=draft.duration, windows=windows,
                value=value, kind=draft.kind, counterpart=draft.counterpart,
                contact=draft.contact, location_id=draft.location_id, remote=draft.remote,
                priority=draft.priority, audience=draft.audience, mandatory=draft.mandatory,
                fixed_start=fixed_start, setup_minutes=draft.setup_minutes,
                notes=draft.notes, internal_notes=draft.internal_notes, needs=draft.needs,
                guests=draft.guests, guests_any=draft.guests_any,
                windows_text=WindowsText(draft.windows_text,
                                         tuple(row.text for row in rows if row.available),
                                         tuple(row.text for row in rows if not row.available),
                                         draft.timezone))
        except DomainError as error:
            self.log.add(self.file, draft.line, None, str(error))
            return None

    def _windows(self, draft: _Draft, rows: Sequence[_Availability], duration: int
                 ) -> tuple[Window, ...] | None:
        own: tuple[Window, ...] = ()
        ok = True
        if not rows:
            return self._own_only(draft, duration)
        if draft.windows_text:
            own, problems = self._reader(draft).read(draft.windows_text, duration)
            for problem in problems:
                self.log.add(self.file, draft.windows_line, "windows", problem)
            ok = not problems
        available: list[Window] = []
        unavailable: list[Window] = []
        for row in rows:
            windows, problems = self._reader(draft).read(row.text, duration)
            if problems:
                ok = False
                if row.line not in self.reported_rows:
                    self.reported_rows.add(row.line)
                    for problem in problems:
                        self.log.add(self.availability_file, row.line, "windows", problem)
            (available if row.available else unavailable).extend(windows)
        if not ok:
            draft.ok = False
            return None
        if draft.windows_text:
            base = list(own) + available
        elif any(row.available for row in rows):
            base = available
        else:
            base = list(self.any_time)
        return _merge(_subtract(base, unavailable)) if unavailable else _merge(base)

    def _own_only(self, draft: _Draft, duration: int) -> tuple[Window, ...] | None:
        """The windows of a request that availability.csv does not mention, remembered."""
        if not draft.windows_text:
            return self.any_time
        key = (draft.windows_text, duration, draft.timezone)
        if key not in self.merged:
            own, problems = self._reader(draft).read(draft.windows_text, duration)
            self.merged[key] = (_merge(own), problems)
        windows, problems = self.merged[key]
        if problems:
            draft.ok = False
            for problem in problems:
                self.log.add(self.file, draft.windows_line, "windows", problem)
            return None
        return windows

    def _fixed(self, draft: _Draft, windows: tuple[Window, ...], constrained: bool,
               duration: int) -> tuple[tuple[Window, ...], datetime] | None:
        """The single window ``[start, start + duration]`` of a fixed start, and the start."""
        try:
            start = self._reader(draft).start_of(draft.fixed_text)
        except WindowSyntaxError as error:
            draft.ok = False
            self.log.add(self.file, draft.fixed_line, "fixed_start", str(error))
            return None
        end = (utc(start) + timedelta(minutes=duration)).astimezone(start.tzinfo)
        if constrained and not any(window.contains(start, end) for window in windows):
            draft.ok = False
            self.log.add(self.file, draft.fixed_line, "fixed_start",
                         f"the fixed start {start:%Y-%m-%d %H:%M} (to {end:%H:%M}) lies outside "
                         "every window of the request; correct one of them")
            return None
        return (Window(start, end),), start


def _check_syntax(draft: _Draft, file: str, log: IssueLog) -> None:
    """Without a tour, check what can be checked: the syntax of the time cells."""
    for problem in parse_window_specs(draft.windows_text)[1]:
        log.add(file, draft.windows_line, "windows", problem)
    if draft.fixed_text:
        try:
            parse_window_spec(draft.fixed_text)
        except WindowSyntaxError as error:
            log.add(file, draft.fixed_line, "fixed_start", str(error))


def read_requests(path: Path, file: str, log: IssueLog, *, locations: Mapping[str, object],
                  reader: WindowReader | None, value_rule: ValueRule,
                  availability: tuple[Path, str] | None = None,
                  taken_ids: Iterable[str] = (), guest_ids: Sequence[str] | None = ()) -> RequestsRead:
    """Read requests.csv (and availability.csv), recording every problem in ``log``.

    Parameters
    ----------
    path, file
        The requests file and its name in messages.
    log
        Where problems go.
    locations
        The known location ids (values unused): a ``location`` cell must name one.
    reader
        Expands windows over the tour; ``None`` when the tour could not be read, in which case
        only the syntax of the time cells is checked and no request is built.
    value_rule
        How values follow from priority and audience.
    availability
        The availability file and its name in messages, if any.
    taken_ids
        Ids already used (re-planning): a row may not reuse them.
    guest_ids
        The members of a delegation (``[[guests]]``), whom the ``guests`` column names;
        ``()`` for a tour of one guest (the column must then be empty), ``None`` when
        tour.toml could not be read (only the cells' syntax is checked).

    Returns
    -------
    RequestsRead
        The requests whose rows are correct, and their inline places.
    """
    table = read_table(path, file, REQUEST_SCHEMA, log)
    if table is None:
        return RequestsRead(())
    if not table.rows and table.complete:
        log.add(file, table.header_line + 1, None, "there are no requests: the "
                f"{'file' if table.sheet is None else 'sheet'} has only a header")
    if guest_ids and table.complete and not table.has("guests"):
        log.add(file, table.header_line, "guests", "a delegation's requests say who goes: add a "
                "`guests` column (anna;boris: all of them together; anna|boris: any one of them)")
    rows = _RowReader(table, log, locations, taken_ids, guest_ids)
    drafts = [rows.read(row) for row in table.rows]
    availability_rows: list[_Availability] = []
    availability_file = ""
    if availability is not None:
        availability_file = availability[1]
        extra = read_table(availability[0], availability_file, AVAILABILITY_SCHEMA, log)
        if extra is not None:
            availability_rows = _availability_rows(extra, log, drafts)
    if reader is None:
        for draft in drafts:
            _check_syntax(draft, file, log)
        return RequestsRead(())
    assembler = _Assembler(file, availability_file, log, reader, value_rule, availability_rows)
    requests = [request for draft in drafts if (request := assembler.build(draft)) is not None]
    places = {draft.inline.id: draft.inline for draft in drafts if draft.ok and draft.inline}
    need_lines = {row.get("id"): row.line_of("needs") for row in table.rows if row.get("needs")}
    return RequestsRead(tuple(requests), places, need_lines)


def read_requests_csv(path: str | Path, tour: Tour, locations: Mapping[str, Location], *,
                      value_rule: ValueRule | None = None,
                      availability: str | Path | None = None,
                      taken_ids: Iterable[str] = ()) -> RequestsRead:
    """Read a file of requests against an existing tour (re-planning with new requests).

    Parameters
    ----------
    path
        A file in the requests.csv format, or a workbook (``.xlsx``, ``.ods``) holding it.
    tour
        The tour the requests are for: its zone and days give the windows their meaning.
    locations
        The known locations by id (those of the plan, of the tour folder, of the bundled
        directory): a ``location`` cell must name one.
    value_rule
        How values follow from priority and audience; the defaults of docs/input-format.md
        when not given.
    availability
        An optional file in the availability.csv format for these requests.
    taken_ids
        The ids of the requests already in the plan; a new row may not reuse one.

    Returns
    -------
    RequestsRead
        The requests, and the places given inline (ids ``@<request id>``), which the caller
        adds to the problem's locations (and its travel table).

    Raises
    ------
    InputError
        With every problem found, each naming the file, line and column.
    """
    source = Path(path)
    log = IssueLog()
    reader = WindowReader(TourCalendar.from_days(tour.days, tour.zone))
    extra = None
    if availability is not None:
        extra = (Path(availability), Path(availability).name)
    result = read_requests(source, source.name, log, locations=locations, reader=reader,
                           value_rule=value_rule or ValueRule(), availability=extra,
                           taken_ids=taken_ids, guest_ids=tour.guest_ids)
    log.raise_if_any()
    return result
