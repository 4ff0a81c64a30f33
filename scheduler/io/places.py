"""Places and travel: locations.csv, the bundled directory, travel.csv and great-circle estimates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from scheduler.domain import Location, TravelRules, TravelTable
from scheduler.io.cells import CellError, parse_decimal, parse_flag, parse_whole, parse_zone
from scheduler.io.csvfile import CsvRow, CsvSchema
from scheduler.io.issues import IssueLog, Suggester
from scheduler.io.tomlfile import TomlLines, TomlTable, load_toml
from scheduler.io.workbook import read_table
from scheduler.travel_estimates import EARTH_RADIUS_KM, estimate_between, great_circle_km

__all__ = [
    "EARTH_RADIUS_KM",
    "LOCATION_SCHEMA",
    "TRAVEL_SCHEMA",
    "GivenTravel",
    "PlaceEntry",
    "TravelMode",
    "TravelSettings",
    "default_travel_settings",
    "extend_travel",
    "great_circle_km",
    "read_locations",
    "read_travel",
    "read_travel_modes",
    "travel_table",
]

LOCATION_SCHEMA = CsvSchema(("id",), ("name", "address", "city", "latitude", "longitude",
                                      "approximate", "timezone"), table="locations",
                            free_text=("name", "address", "city"))
TRAVEL_SCHEMA = CsvSchema(("from", "to", "minutes"), ("mode",), table="travel", free_text=("mode",))


@dataclass(frozen=True, slots=True)
class TravelMode:
    """How fast a mode moves and its fixed cost per leg (waiting, stations)."""

    speed_kmh: float
    overhead_minutes: int


@dataclass(frozen=True, slots=True)
class TravelSettings:
    """How missing travel times are estimated (``[travel]`` of tour.toml over the bundled modes)."""

    modes: Mapping[str, TravelMode]
    mode: str = "taxi"
    detour_factor: float = 1.3
    long_distance_km: float = 80.0
    long_distance_mode: str = "train"

    def __post_init__(self) -> None:
        object.__setattr__(self, "modes", MappingProxyType(dict(self.modes)))

    def to_rules(self) -> TravelRules:
        """These settings as the domain's :class:`~scheduler.domain.TravelRules` (kept in plan.json)."""
        return TravelRules(self.mode, self.detour_factor, self.long_distance_km, self.long_distance_mode,
                           {name: mode.speed_kmh for name, mode in self.modes.items()},
                           {name: mode.overhead_minutes for name, mode in self.modes.items()})

    @classmethod
    def from_rules(cls, rules: TravelRules) -> TravelSettings:
        """The settings a plan recorded (re-planning estimates new places the same way)."""
        modes = {name: TravelMode(speed, rules.overhead_minutes[name])
                 for name, speed in rules.speeds_kmh.items()}
        return cls(modes, rules.mode, rules.detour_factor, rules.long_distance_km,
                   rules.long_distance_mode)


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    """A location with where it was defined (for messages).

    ``complete`` is false for a row whose id is right but another cell is not (a latitude of
    140, say): that problem is reported at the row, and the id stays known so that the
    requests, lodgings and travel times naming it are not also reported as naming an unknown
    place. Such an entry never reaches a problem, since its row's problem stops the loading.
    """

    location: Location
    file: str
    line: int
    complete: bool = True


@dataclass(frozen=True, slots=True)
class GivenTravel:
    """The minutes of travel.csv by ordered pair, with the line of each."""

    minutes: Mapping[tuple[str, str], int] = field(default_factory=dict)
    lines: Mapping[tuple[str, str], int] = field(default_factory=dict)


def read_travel_modes(path: Path, file: str, log: IssueLog) -> tuple[float, dict[str, TravelMode]]:
    """The default detour factor and the modes of ``travel_modes.toml``.

    Returns
    -------
    tuple[float, dict[str, TravelMode]]
        The detour factor (1.3 when the file gives none) and the modes by name; empty modes
        when the file cannot be read (the problem is in ``log``).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        log.add(file, None, None, f"cannot read the travel modes: {error}")
        return 1.3, {}
    data = load_toml(text, file, log)
    if data is None:
        return 1.3, {}
    top = TomlTable(data, "", file, TomlLines(text), log)
    detour = top.number("detour_factor", default=1.3, minimum=1.0, maximum=10.0) or 1.3
    modes: dict[str, TravelMode] = {}
    table = top.table("modes", required=True)
    if table is None:
        return detour, {}
    for name in table.data:
        entry = table.table(name)
        if entry is None:
            continue
        entry.check_keys(("speed_kmh", "overhead_minutes"))
        speed = entry.number("speed_kmh", minimum=0.0, above=True, maximum=2000.0)
        overhead = entry.whole("overhead_minutes", default=0, maximum=24 * 60)
        if speed is not None and overhead is not None:
            modes[name] = TravelMode(speed, overhead)
    return detour, modes


def _coordinate(row: CsvRow, column: str, limit: float, file: str, log: IssueLog) -> float | None:
    text = row.get(column)
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except CellError as error:
        log.add(file, row.line_of(column), column, f"{error}; write it like 40.4168 or 40,4168")
        return None
    if not -limit <= value <= limit:
        log.add(file, row.line_of(column), column, f"{value:g} is out of range "
                f"(-{limit:g} to {limit:g})")
        return None
    return value


def coordinates(row: CsvRow, file: str, log: IssueLog) -> tuple[float | None, float | None, bool]:
    """The latitude and longitude of a row (decimal commas allowed).

    Returns
    -------
    tuple
        ``(latitude, longitude, ok)``; ``ok`` is false when a problem was recorded.
    """
    before = len(log)
    latitude = _coordinate(row, "latitude", 90.0, file, log)
    longitude = _coordinate(row, "longitude", 180.0, file, log)
    if len(log) == before and (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        log.add(file, row.line_of(missing), missing, "give both latitude and longitude, or neither")
    ok = len(log) == before
    return (latitude, longitude, True) if ok else (None, None, False)


def read_locations(path: Path, file: str, log: IssueLog) -> dict[str, PlaceEntry]:
    """The locations of a ``locations.csv`` (or of the bundled ``places.csv``) by id."""
    table = read_table(path, file, LOCATION_SCHEMA, log)
    if table is None or not table.has("id"):
        return {}
    places: dict[str, PlaceEntry] = {}
    for row in table.rows:
        entry = _location_row(row, file, log, places, table.line_word)
        if entry is not None:
            places[entry.location.id] = entry
    return places


def _location_row(row: CsvRow, file: str, log: IssueLog, seen: Mapping[str, PlaceEntry],
                  line_word: str = "line") -> PlaceEntry | None:
    place_id = row.get("id")
    ok = True
    if not place_id:
        log.add(file, row.line, "id", "the location has no id")
        ok = False
    elif place_id.startswith("@"):
        log.add(file, row.line, "id", f"`{place_id}`: ids starting with `@` are kept for places "
                "given inline in requests.csv")
        ok = False
    elif place_id in seen:
        log.add(file, row.line, "id", f"the location id `{place_id}` is already used on "
                f"{line_word} {seen[place_id].line}")
        ok = False
    latitude, longitude, coordinates_ok = coordinates(row, file, log)
    approximate = False
    cells_ok = coordinates_ok
    if row.get("approximate"):
        try:
            approximate = parse_flag(row.get("approximate"))
        except CellError as error:
            log.add(file, row.line_of("approximate"), "approximate", f"{error}; write yes or no")
            cells_ok = False
    zone = read_zone_cell(row, file, log)
    cells_ok = cells_ok and zone is not None
    if not ok:
        return None
    if not cells_ok:
        # Reported above; the id stays known so that places naming it are not reported again.
        return PlaceEntry(Location(place_id, row.get("name") or place_id, row.get("address"),
                                   row.get("city")), file, row.line, complete=False)
    location = Location(place_id, row.get("name") or place_id, row.get("address"),
                        row.get("city"), latitude, longitude, approximate, zone)
    return PlaceEntry(location, file, row.line)


def read_zone_cell(row: CsvRow, file: str, log: IssueLog) -> str | None:
    """The ``timezone`` cell of a row: an IANA name, ``""`` when empty, ``None`` when wrong
    (the problem is in ``log``)."""
    text = row.get("timezone")
    if not text:
        return ""
    try:
        return parse_zone(text).key
    except CellError as error:
        log.add(file, row.line_of("timezone"), "timezone", str(error))
        return None


def read_travel(path: Path, file: str, log: IssueLog, known: Mapping[str, object]) -> GivenTravel:
    """The travel times of ``travel.csv``; ids are checked against ``known`` locations."""
    table = read_table(path, file, TRAVEL_SCHEMA, log)
    if table is None or not all(table.has(column) for column in TRAVEL_SCHEMA.required):
        return GivenTravel()
    suggester = Suggester(known)
    minutes: dict[tuple[str, str], int] = {}
    lines: dict[tuple[str, str], int] = {}
    for row in table.rows:
        ok = True
        for column in ("from", "to"):
            place = row.get(column)
            if not place:
                log.add(file, row.line_of(column), column, f"`{column}` is empty")
                ok = False
            elif place not in known:
                log.add(file, row.line_of(column), column,
                        f"unknown location `{place}`{suggester.hint(place)}")
                ok = False
        pair = (row.get("from"), row.get("to"))
        if ok and pair[0] == pair[1]:
            log.add(file, row.line, "to", "`from` and `to` are the same place")
            ok = False
        if ok and pair in lines:
            log.add(file, row.line, "to", f"travel from {pair[0]} to {pair[1]} is already given "
                    f"on {table.line_word} {lines[pair]}")
            ok = False
        try:
            value = parse_whole(row.get("minutes"), minimum=0, maximum=100_000)
        except CellError as error:
            log.add(file, row.line_of("minutes"), "minutes", f"{error}; write whole minutes")
            continue
        if ok:
            minutes[pair] = value
            lines[pair] = row.line
    return GivenTravel(minutes, lines)


def travel_table(used: Sequence[str], locations: Mapping[str, Location],
                 given: Mapping[tuple[str, str], int], settings: TravelSettings
                 ) -> tuple[TravelTable, dict[str, list[str]]]:
    """Travel minutes for every ordered pair of ``used`` locations.

    A time given for ``A → B`` is used for ``B → A`` too unless that direction is given.
    Other pairs are estimated from coordinates: ``ceil(km × detour ÷ speed × 60) +
    overhead``, with the long-distance mode beyond ``long_distance_km`` (great-circle km).

    Parameters
    ----------
    used
        The location ids the days and requests use.
    locations
        Every known location by id (coordinates for the estimates).
    given
        Minutes given by the organizer, by ordered pair.
    settings
        Speeds, overheads, detour factor and the long-distance rule.

    Returns
    -------
    tuple[TravelTable, dict[str, list[str]]]
        The table, and for each location without coordinates the places it needs a given
        time to (empty when nothing is missing).
    """
    ids = sorted(set(used))
    position = {place: index for index, place in enumerate(ids)}
    # the pairs a time is given for, either way, in the order of ``ids`` × ``ids``: found from
    # the few given times rather than by looking each of the n² pairs up
    timed = {pair for origin, destination in given
             if origin != destination and origin in position and destination in position
             for pair in ((origin, destination), (destination, origin))}
    minutes: dict[tuple[str, str], int] = {}
    for pair in sorted(timed, key=lambda pair: (position[pair[0]], position[pair[1]])):
        minutes[pair] = given[pair] if pair in given else given[(pair[1], pair[0])]
    located = [place for place in ids if locations[place].has_coordinates]
    estimated = _estimate(located, locations, minutes, settings)
    minutes.update(estimated)
    missing: dict[str, set[str]] = {}
    unlocated = ids if len(located) < len(ids) else []  # else every pair has its time by now
    for origin in unlocated:
        for destination in ids:
            if origin != destination and (origin, destination) not in minutes:
                blamed = origin if not locations[origin].has_coordinates else destination
                other = destination if blamed == origin else origin
                missing.setdefault(blamed, set()).add(other)
    return (TravelTable(minutes, frozenset(estimated)),
            {place: sorted(others) for place, others in missing.items()})


def _estimate(located: list[str], locations: Mapping[str, Location],
              known: Mapping[tuple[str, str], int], settings: TravelSettings
              ) -> dict[tuple[str, str], int]:
    if len(located) < 2:
        return {}
    return estimate_between(located, locations, settings.to_rules(), known)


def default_travel_settings(modes_path: Path) -> TravelSettings:
    """The travel settings of a tour that overrides nothing, from ``travel_modes.toml``.

    Raises
    ------
    InputError
        When the modes file cannot be read or lacks the default modes.
    """
    log = IssueLog()
    detour, modes = read_travel_modes(modes_path, str(modes_path), log)
    settings = TravelSettings(modes, detour_factor=detour)
    for name in (settings.mode, settings.long_distance_mode):
        if name not in modes:
            log.add(str(modes_path), None, f"modes.{name}", f"the travel mode `{name}` is missing")
    log.raise_if_any()
    return settings


def extend_travel(table: TravelTable, locations: Mapping[str, Location], used: Sequence[str],
                  settings: TravelSettings) -> TravelTable:
    """``table`` completed for every ordered pair of ``used`` (re-planning with new places).

    Minutes already in the table are kept as they are (given or estimated); new pairs are
    estimated from coordinates.

    Raises
    ------
    InputError
        When a new pair cannot be estimated because a place has no coordinates.
    """
    extended, missing = travel_table(used, locations, table.minutes, settings)
    log = IssueLog()
    for place_id, others in sorted(missing.items()):
        log.add("locations", None, place_id, f"`{place_id}` has no coordinates, so travel between "
                f"it and {', '.join(others)} cannot be estimated")
    log.raise_if_any()
    return TravelTable({**table.minutes, **extended.minutes}, table.estimated | extended.estimated)
