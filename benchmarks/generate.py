"""Generates realistic, seeded advocacy tours as tour folders in the documented input format.

Usage::

    python benchmarks/generate.py --requests N --days D --cities C --seed S OUT_DIR
        [--region spain|europe] [--excel] [--force]

A tour has 1-14 days over 1-4 cities, with lodging changes between cities (the day of a move
starts at the old hotel and ends at the new one), an arrival and a departure, a meal break
each day, a cap on engagements per day, a buffer between them, and a rest day on Sundays of
long tours. Its requests follow the mix the domain describes (``shared/DOMAIN.md``):

- political meetings (parties, ministries, parliament) with one to three narrow windows,
  a few of them mandatory;
- live TV and radio with a fixed start and a set-up time (make-up, sound check), some early
  in the morning or late in the evening, with the guest's hours stretched on those days;
- print, agency and online interviews with wide windows, or none ("any time");
- remote interviews (phone or video), with no travel;
- events and meetings with activists in the evening.

The output follows ``docs/input-format.md``: ``tour.toml``, ``requests.csv``,
``locations.csv`` (the places are invented around real city centres), ``travel.csv`` (the
times between cities that an organizer would know) and ``availability.csv``. The same
arguments and seed give byte-identical files. Nothing is read from the clock.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Sequence

__all__ = ["GeneratedTour", "GeneratorError", "REGIONS", "generate_tour", "write_tour"]

MAX_DAYS = 14
MAX_CITIES = 4


class GeneratorError(ValueError):
    """The generator was asked for something it cannot make (for example 5 cities in 2 days)."""


@dataclass(frozen=True, slots=True)
class City:
    """A city of a region: code, name, centre, airport and station names."""

    code: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Region:
    """Cities that a tour can combine, their zone and local habits (meal, outlets, offices)."""

    zone: str
    cities: tuple[City, ...]
    meal: tuple[str, str, int]
    outlets_tv: tuple[str, ...]
    outlets_radio: tuple[str, ...]
    outlets_print: tuple[str, ...]
    outlets_online: tuple[str, ...]
    political: tuple[str, ...]
    civil: tuple[str, ...]
    street: str
    phone_prefix: str


REGIONS: Mapping[str, Region] = MappingProxyType({
    "spain": Region(
        zone="Europe/Madrid",
        cities=(City("MAD", "Madrid", 40.4168, -3.7038), City("BCN", "Barcelona", 41.3874, 2.1686),
                City("VLC", "Valencia", 39.4699, -0.3763), City("SVQ", "Sevilla", 37.3891, -5.9845)),
        meal=("13:30", "16:00", 60),
        outlets_tv=("Telemadrid", "Antena 3", "RTVE", "laSexta", "Cuatro", "À Punt", "TV3", "Canal Sur"),
        outlets_radio=("Cadena SER", "Onda Cero", "COPE", "RNE", "Catalunya Ràdio"),
        outlets_print=("El País", "El Mundo", "La Vanguardia", "El Periódico", "ABC", "Europa Press",
                       "Agencia EFE", "Público", "Levante-EMV", "Diario de Sevilla"),
        outlets_online=("eldiario.es", "infoLibre", "El Confidencial", "Shangay", "Prisma LGTBI",
                        "La Mirada Común", "El Closet LGTBI", "Noticiero Digital"),
        political=("PSOE", "Partido Popular", "Sumar", "Ciudadanos", "Ministerio de Asuntos Exteriores",
                   "Defensor del Pueblo", "Comisión de Derechos Humanos", "Ayuntamiento",
                   "Parlamento autonómico", "Delegación del Gobierno"),
        civil=("Amnistía Internacional", "FELGTB", "CEAR", "Fundación Triángulo", "Cruz Roja",
               "colectivos LGTBI locales"),
        street="Calle",
        phone_prefix="+34 600",
    ),
    "europe": Region(
        zone="Europe/Brussels",
        cities=(City("BRU", "Brussels", 50.8467, 4.3525), City("SXB", "Strasbourg", 48.5734, 7.7521),
                City("LUX", "Luxembourg", 49.6116, 6.1319), City("PAR", "Paris", 48.8566, 2.3522)),
        meal=("12:00", "14:30", 45),
        outlets_tv=("RTBF", "VRT", "Euronews", "France 24", "Arte", "RTL"),
        outlets_radio=("La Première", "Radio France Internationale", "Deutsche Welle Radio", "BX1"),
        outlets_print=("Le Soir", "De Standaard", "Le Monde", "Libération", "Politico Europe",
                       "Agence France-Presse", "Reuters", "Dernières Nouvelles d'Alsace"),
        outlets_online=("EUobserver", "Euractiv", "Têtu", "Mediapart", "Brussels Times"),
        political=("European Parliament, DROI subcommittee", "European Commission, DG JUST",
                   "Council of Europe, PACE", "Permanent Representation", "Ministry of Foreign Affairs",
                   "OSCE office", "Intergroup on LGBTIQ Rights", "City Hall"),
        civil=("ILGA-Europe", "Human Rights Watch", "Amnesty International EU office",
               "Civil Rights Defenders", "local LGBTIQ groups"),
        street="Rue",
        phone_prefix="+32 470",
    ),
})
"""The regions a tour can be set in: cities reachable by train from each other, one zone each."""

_FIRST_NAMES = ("Lucía", "Javier", "Marta", "Pablo", "Elena", "Carmen", "Sergio", "Raquel", "Diego",
                "Alberto", "Isabel", "Rubén", "Ana", "Nerea", "Tomás", "Laura", "Hugo", "Jordi",
                "Montse", "Claire", "Pieter", "Sophie", "Luc", "Anna", "Marc")
_LAST_NAMES = ("Romero", "Ortega", "Gil", "Herrero", "Castro", "Vega", "Prieto", "Domínguez", "Marín",
               "Fuentes", "Moreno", "Calvo", "Beltrán", "Ibáñez", "Rey", "Pineda", "Serrano", "Puig",
               "Vidal", "Dubois", "Janssens", "Peeters", "Martin", "Weber", "Müller")

REQUEST_COLUMNS = ("id", "title", "kind", "counterpart", "contact_name", "contact_email",
                   "contact_phone", "location", "remote", "duration", "priority", "audience",
                   "mandatory", "windows", "fixed_start", "setup_minutes", "notes", "internal_notes")


@dataclass(frozen=True, slots=True)
class GeneratedTour:
    """The files of a generated tour folder, by file name, and a few facts about it."""

    files: Mapping[str, bytes]
    days: int
    cities: tuple[str, ...]
    requests: int


@dataclass(slots=True)
class _Place:
    id: str
    name: str
    address: str
    city: str
    latitude: float
    longitude: float


@dataclass(slots=True)
class _Plan:
    """The frame decided first: dates, the city of each day, hours overrides, rest days."""

    dates: list[date]
    city_of_day: list[int]
    off: set[int] = field(default_factory=set)
    start_override: dict[int, str] = field(default_factory=dict)
    end_override: dict[int, str] = field(default_factory=dict)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML for these texts)."""
    return json.dumps(text, ensure_ascii=False)


def _offset(rng: random.Random, city: City, low_km: float, high_km: float) -> tuple[float, float]:
    """A point between ``low_km`` and ``high_km`` from the city centre, in a random direction."""
    distance = rng.uniform(low_km, high_km)
    bearing = rng.uniform(0, 2 * math.pi)
    latitude = city.latitude + distance * math.cos(bearing) / 111.0
    longitude = city.longitude + distance * math.sin(bearing) / (111.0 * math.cos(math.radians(city.latitude)))
    return round(latitude, 4), round(longitude, 4)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle kilometres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _split_days(rng: random.Random, days: int, cities: int) -> list[int]:
    """The city index of each day: ``cities`` contiguous blocks of at least one day."""
    cuts = sorted(rng.sample(range(1, days), cities - 1)) if cities > 1 else []
    bounds = [0] + cuts + [days]
    city_of_day = []
    for city, (start, end) in enumerate(zip(bounds, bounds[1:])):
        city_of_day += [city] * (end - start)
    return city_of_day


class _Builder:
    """Builds one tour; all randomness comes from one seeded generator, in a fixed order."""

    def __init__(self, requests: int, days: int, cities: int, seed: int, region: str | None):
        self.rng = random.Random(seed)
        self.region_name = region or self.rng.choice(sorted(REGIONS))
        self.region = REGIONS[self.region_name]
        self.count = requests
        self.cities = list(self.region.cities[:cities]) if cities == 1 else \
            [self.region.cities[0]] + self.rng.sample(self.region.cities[1:], cities - 1)
        first = date(2030, 1, 7) + timedelta(days=7 * self.rng.randint(0, 45) + self.rng.randint(0, 4))
        dates = [first + timedelta(days=k) for k in range(days)]
        self.plan = _Plan(dates=dates, city_of_day=_split_days(self.rng, days, cities))
        self.places: list[_Place] = []
        self.pool: dict[tuple[int, str], list[_Place]] = {}
        self.hotels: list[_Place] = []
        self.hubs: list[_Place] = []
        self.mandatory_days: set[int] = set()

    # -- frame -------------------------------------------------------------------------------
    def _moves(self) -> set[int]:
        plan = self.plan
        return {k for k in range(1, len(plan.dates)) if plan.city_of_day[k] != plan.city_of_day[k - 1]}

    def _rest_days(self) -> None:
        plan = self.plan
        if len(plan.dates) < 6:
            return
        fixed = self._moves() | {0, len(plan.dates) - 1}
        for k, day in enumerate(plan.dates):
            if day.weekday() == 6 and k not in fixed:
                plan.off.add(k)

    def _make_places(self) -> None:
        kinds = (("GOV", 0.3, 2.5, "office"), ("NEWS", 1.0, 6.0, "newsroom"),
                 ("STUDIO", 8.0, 18.0, "studios"), ("CAFE", 0.2, 2.0, "café"),
                 ("HALL", 0.5, 4.0, "community centre"))
        per_city = max(4, self.count // (2 * len(self.cities)) + 2)
        for index, city in enumerate(self.cities):
            latitude, longitude = _offset(self.rng, city, 0.2, 1.0)
            hotel = _Place(f"HOTEL-{city.code}", f"Guest's hotel in {city.name}", f"Centre, {city.name}",
                           city.name, latitude, longitude)
            latitude, longitude = _offset(self.rng, city, 10.0, 16.0)
            hub = _Place(f"{city.code}-AIRPORT", f"{city.name} airport", f"Airport, {city.name}",
                         city.name, latitude, longitude)
            self.hotels.append(hotel)
            self.hubs.append(hub)
            self.places += [hotel, hub]
            for code, low, high, noun in kinds:
                count = max(1, per_city // len(kinds) + (1 if code in ("GOV", "NEWS") else 0))
                made = []
                for number in range(1, count + 1):
                    latitude, longitude = _offset(self.rng, city, low, high)
                    place = _Place(f"{city.code}-{code}{number:02d}", f"{city.name} {noun} {number}",
                                   f"{self.region.street} {self.rng.choice(_LAST_NAMES)} {self.rng.randint(1, 150)}, "
                                   f"{city.name}", city.name, latitude, longitude)
                    made.append(place)
                self.pool[(index, code)] = made
                self.places += made

    def _working_days(self, city: int) -> list[int]:
        plan = self.plan
        return [k for k, c in enumerate(plan.city_of_day) if c == city and k not in plan.off]

    # -- requests ----------------------------------------------------------------------------
    def _window_day(self, day: int, start: int, end: int, weekday_form: bool) -> str:
        """One window on ``day``; in weekday form when that weekday falls on no other tour day."""
        plan = self.plan
        weekday = plan.dates[day].weekday()
        alone = sum(1 for d in plan.dates if d.weekday() == weekday) == 1
        if weekday_form and alone:
            name = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[weekday]
            return f"{name} {_clock(start)}-{_clock(end)}"
        return f"{plan.dates[day].isoformat()} {_clock(start)}-{_clock(end)}"

    def _contact(self, number: int) -> tuple[str, str, str]:
        name = f"{self.rng.choice(_FIRST_NAMES)} {self.rng.choice(_LAST_NAMES)}"
        phone = f"{self.region.phone_prefix} {number // 1000:03d} {number % 1000:03d}" if self.rng.random() < 0.5 else ""
        return name, f"contact{number:03d}@example.org", phone

    def _row(self, number: int, **values: object) -> dict[str, str]:
        name, email, phone = self._contact(number)
        row = {column: "" for column in REQUEST_COLUMNS}
        row.update(id=f"r{number:03d}", contact_name=name, contact_email=email, contact_phone=phone)
        row.update({key: str(value) for key, value in values.items()})
        return row

    def _political(self, number: int, city: int, days: list[int]) -> dict[str, str]:
        rng = self.rng
        counterpart = rng.choice(self.region.political)
        duration = rng.choice((30, 45, 45, 60, 60, 90))
        mandatory = False
        # A must goes on a day that starts in its city (not a travel day), one per day at most.
        moves = self._moves()
        free = [d for d in days if d not in self.mandatory_days and d not in moves]
        if free and rng.random() < 0.08 and len(self.mandatory_days) < max(1, len(self.plan.dates) // 3):
            mandatory = True
        preferred = [d for d in days if self.plan.dates[d].weekday() in (1, 2, 3)] or days
        if mandatory:
            chosen = [rng.choice(free)]
            self.mandatory_days.add(chosen[0])
            spans = [(rng.choice((600, 660)), 180)]
        else:
            chosen = sorted(rng.sample(preferred, min(len(preferred), rng.choice((1, 1, 2, 3)))))
            spans = [(rng.choice((570, 600, 630, 660, 720, 960, 1020, 1050)),
                      duration + rng.choice((0, 15, 30, 30, 60))) for _ in chosen]
        windows = [self._window_day(day, start, start + length, rng.random() < 0.5)
                   for day, (start, length) in zip(chosen, spans)]
        place = rng.choice(self.pool[(city, "GOV")])
        return self._row(
            number, title=f"Meeting with {counterpart} ({self.cities[city].name})", kind="meeting",
            counterpart=counterpart, location=place.id, duration=duration,
            priority=rng.choice((3, 4, 4, 5, 5)), mandatory="yes" if mandatory else "",
            windows="; ".join(windows),
            notes="Bring the report; passports for the security check.",
            internal_notes="Confirmed by phone with the chief of staff." if rng.random() < 0.3 else "")

    def _live(self, number: int, city: int, days: list[int]) -> dict[str, str]:
        rng = self.rng
        plan = self.plan
        tv = rng.random() < 0.55
        day = rng.choice(days)
        slot = rng.choice(("early", "morning", "morning", "evening"))
        if slot == "early":
            start = rng.choice((480, 495, 510, 525))
        elif slot == "morning":
            start = rng.choice((600, 630, 660, 690, 720))
        else:
            start = rng.choice((1230, 1260, 1275))
        setup = rng.choice((30, 45)) if tv else rng.choice((10, 15))
        duration = rng.choice((10, 15, 20, 25)) if tv else rng.choice((15, 20, 30))
        phone = not tv and rng.random() < 0.4
        if slot == "early" and not phone:
            earliest = min(start - setup - 60, 450)
            plan.start_override[day] = _clock(min(earliest, self._start_minutes(day)))
        if slot == "evening":
            plan.end_override[day] = "22:30"
        outlet = rng.choice(self.region.outlets_tv if tv else self.region.outlets_radio)
        when = f"{plan.dates[day].isoformat()} {_clock(start)}"
        as_window = rng.random() < 0.3
        values: dict[str, object] = dict(
            title=f"{outlet}: live {'interview' if tv else 'radio interview'}",
            kind="tv" if tv else "radio", counterpart=outlet, duration=duration,
            priority=rng.choice((3, 4, 5)), audience=rng.choice((150000, 400000, 1300000, 3000000)),
            windows=when if as_window else "", fixed_start="" if as_window else when,
            setup_minutes=setup,
            notes="Live: be there early for make-up and sound check." if tv else "Live on air.")
        if phone:
            values["remote"] = "phone"
        else:
            values["location"] = rng.choice(self.pool[(city, "STUDIO" if tv else "NEWS")]).id
        return self._row(number, **values)

    def _start_minutes(self, day: int) -> int:
        text = self.plan.start_override.get(day, "09:00")
        hours, minutes = text.split(":")
        return int(hours) * 60 + int(minutes)

    def _flexible(self, number: int, city: int, days: list[int]) -> dict[str, str]:
        rng = self.rng
        kind = rng.choice(("print", "print", "agency", "online", "podcast"))
        outlets = self.region.outlets_online if kind in ("online", "podcast") else self.region.outlets_print
        outlet = rng.choice(outlets)
        form = rng.random()
        chosen = sorted(rng.sample(days, min(len(days), rng.randint(1, 4))))
        if form < 0.15:
            windows = ""
        elif form < 0.45:
            windows = "; ".join(self.plan.dates[d].isoformat() for d in chosen)
        else:
            pieces = []
            for day in chosen:
                pieces.append(self._window_day(day, 570, 810, False))
                pieces.append(self._window_day(day, 960, 1140, False))
            windows = "; ".join(pieces)
        return self._row(
            number, title=f"{outlet}: interview", kind=kind, counterpart=outlet,
            location=rng.choice(self.pool[(city, rng.choice(("NEWS", "NEWS", "CAFE")))]).id,
            duration=rng.choice((30, 45, 45, 60, 60, 90)), priority=rng.choice((1, 2, 2, 3, 4)),
            audience=rng.choice((20000, 60000, 250000, 600000, 1500000, 4000000)), windows=windows,
            notes="Interview at the newsroom, then photos." if kind == "print" else "")

    def _remote(self, number: int, city: int, days: list[int]) -> dict[str, str]:
        rng = self.rng
        outlet = rng.choice(self.region.outlets_online + self.region.outlets_radio)
        mode = rng.choice(("phone", "video"))
        if rng.random() < 0.4:
            windows = f"daily {_clock(rng.choice((540, 600)))}-{_clock(rng.choice((1080, 1140)))}"
        else:
            chosen = sorted(rng.sample(days, min(len(days), rng.randint(1, 3))))
            windows = "; ".join(self._window_day(d, 570, 720, rng.random() < 0.5) for d in chosen)
        return self._row(
            number, title=f"{outlet}: {mode} interview", kind=rng.choice(("online", "radio", "podcast")),
            counterpart=outlet, remote=mode, duration=rng.choice((20, 25, 30, 45)),
            priority=rng.choice((1, 1, 2, 2, 3)), audience=rng.choice((15000, 30000, 40000, 120000)),
            windows=windows, notes="A quiet room; the link comes the day before." if mode == "video" else "")

    def _event(self, number: int, city: int, days: list[int]) -> dict[str, str]:
        rng = self.rng
        counterpart = rng.choice(self.region.civil)
        chosen = sorted(rng.sample(days, min(len(days), rng.choice((1, 2)))))
        windows = "; ".join(self._window_day(d, rng.choice((1050, 1080)), 1230, rng.random() < 0.5)
                            for d in chosen)
        return self._row(
            number, title=f"Meeting with {counterpart} ({self.cities[city].name})",
            kind=rng.choice(("event", "meeting")), counterpart=counterpart,
            location=rng.choice(self.pool[(city, rng.choice(("HALL", "CAFE")))]).id,
            duration=rng.choice((60, 90, 105, 120)), priority=rng.choice((2, 3, 4, 5)), windows=windows,
            notes="Interpreter on site.",
            internal_notes="Closed meeting: no press, do not publish the venue." if rng.random() < 0.5 else "")

    def requests(self) -> list[dict[str, str]]:
        makers = ((self._political, 0.22), (self._live, 0.15), (self._flexible, 0.33),
                  (self._remote, 0.18), (self._event, 0.12))
        weights = [w for _, w in makers]
        rows = []
        working = [self._working_days(c) for c in range(len(self.cities))]
        cities = [c for c in range(len(self.cities)) if working[c]]
        city_weights = [len(working[c]) for c in cities]
        for number in range(1, self.count + 1):
            maker = self.rng.choices([m for m, _ in makers], weights)[0]
            city = self.rng.choices(cities, city_weights)[0]
            rows.append(maker(number, city, working[city]))
        return rows

    def availability(self, rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
        """A few late changes: a request that becomes unavailable for part of one of its days."""
        extra = []
        for row in rows:
            if row["kind"] in ("print", "agency") and row["windows"] and self.rng.random() < 0.08:
                piece = row["windows"].split("; ")[0]
                day = piece.split(" ")[0]
                if len(day) == 10:
                    extra.append({"request_id": row["id"], "counterpart": "",
                                  "windows": f"{day} 11:00-12:30", "type": "unavailable"})
        return extra

    # -- files -------------------------------------------------------------------------------
    def tour_toml(self, tour_id: str) -> str:
        plan = self.plan
        rng = self.rng
        first, last = plan.dates[0], plan.dates[-1]
        arrive_evening = rng.random() < 0.5
        arrival_day = first - timedelta(days=1) if arrive_evening else first
        arrival_time = "19:40:00" if arrive_evening else "07:30:00"
        meal_earliest, meal_latest, meal_minutes = self.region.meal
        lines = [
            f"# Generated tour (benchmarks/generate.py): {len(plan.dates)} days, "
            f"{len(self.cities)} cities, {self.count} requests.",
            "", "[tour]", f"id = {_toml_string(tour_id)}",
            f"name = {_toml_string('Advocacy visit: ' + ', '.join(c.name for c in self.cities))}",
            f"timezone = {_toml_string(self.region.zone)}",
            f"first_day = {first.isoformat()}", f"last_day = {last.isoformat()}",
            "", "[guest]", 'name = "Guest of the tour"', f"timezone = {_toml_string(self.region.zone)}",
            "", "[organizer]", 'name = "The Equality Advocacy Project"', 'email = "agenda@example.org"',
            "", "[arrival]", f"at = {arrival_day.isoformat()}T{arrival_time}",
            f"location = {_toml_string(self.hubs[0].id)}", "buffer_minutes = 90",
            "", "[departure]", f"at = {last.isoformat()}T19:00:00",
            f"location = {_toml_string(self.hubs[plan.city_of_day[-1]].id)}", "buffer_minutes = 120",
        ]
        for city in range(len(self.cities)):
            nights = [k for k, c in enumerate(plan.city_of_day) if c == city and k < len(plan.dates) - 1]
            first_night = plan.dates[nights[0]] if nights else None
            if city == 0 and arrive_evening:
                first_night = arrival_day
            if not nights and first_night is None:
                continue
            last_night = plan.dates[nights[-1]] if nights else arrival_day
            lines += ["", "[[lodging]]", f"location = {_toml_string(self.hotels[city].id)}",
                      f"first_night = {first_night.isoformat()}", f"last_night = {last_night.isoformat()}"]
        lines += ["", "[hours]", 'start = "09:00"', 'end = "20:30"']
        for k, day in enumerate(plan.dates):
            if k in plan.off or k in plan.start_override or k in plan.end_override:
                lines += ["", "[[hours.day]]", f"date = {day.isoformat()}"]
                if k in plan.off:
                    lines.append("off = true")
                    continue
                if k in plan.start_override:
                    lines.append(f"start = {_toml_string(plan.start_override[k])}")
                if k in plan.end_override:
                    lines.append(f"end = {_toml_string(plan.end_override[k])}")
        lines += ["", "[meal]", f"earliest = {_toml_string(meal_earliest)}",
                  f"latest = {_toml_string(meal_latest)}", f"minutes = {meal_minutes}",
                  "", "[limits]", f"max_engagements_per_day = {rng.choice((5, 6, 6, 7, 8))}",
                  f"min_buffer_minutes = {rng.choice((10, 15, 15))}",
                  "", "[travel]", 'mode = "taxi"', "detour_factor = 1.3", "long_distance_km = 80",
                  'long_distance_mode = "train"',
                  "", "[objective]", 'value = "priority+audience"', "priority_points = 10",
                  "audience_points = 1", "value_weight = 1000", "travel_weight = 10", "span_weight = 1", ""]
        return "\n".join(lines)

    def travel_rows(self) -> list[dict[str, str]]:
        """What an organizer knows by heart: hotel to airport, and the trains between cities."""
        rows = []
        for hotel, hub in zip(self.hotels, self.hubs):
            minutes = 25 + round(_km((hotel.latitude, hotel.longitude), (hub.latitude, hub.longitude)) * 1.5)
            rows.append({"from": hotel.id, "to": hub.id, "minutes": str(minutes), "mode": "taxi"})
        for a in range(len(self.cities)):
            for b in range(a + 1, len(self.cities)):
                km = _km((self.hotels[a].latitude, self.hotels[a].longitude),
                         (self.hotels[b].latitude, self.hotels[b].longitude))
                minutes = 75 + math.ceil(km * 1.2 / 220 * 60)
                rows.append({"from": self.hotels[a].id, "to": self.hotels[b].id,
                             "minutes": str(minutes), "mode": "train"})
        return rows


def _csv_bytes(header: Sequence[str], rows: Sequence[Mapping[str, str]], excel: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), delimiter=";" if excel else ",",
                            lineterminator="\r\n" if excel else "\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" if excel else "").encode("utf-8") + buffer.getvalue().encode("utf-8")


def generate_tour(requests: int, days: int, cities: int, seed: int, *, region: str | None = None,
                  excel: bool = False) -> GeneratedTour:
    """Generate a tour folder's files.

    Parameters
    ----------
    requests
        Number of requests (rows of ``requests.csv``), 1 or more.
    days
        Working days of the tour, 1 to 14.
    cities
        Cities visited one after the other, 1 to 4 and at most ``days``.
    seed
        Seed of the only random generator used: the same arguments give the same bytes.
    region
        ``"spain"`` or ``"europe"``; by default chosen by the seed.
    excel
        Write the CSV files as a Spanish spreadsheet exports them: ``;`` and a UTF-8 BOM.

    Raises
    ------
    GeneratorError
        For arguments out of range.
    """
    if requests < 1:
        raise GeneratorError("requests must be 1 or more")
    if not 1 <= days <= MAX_DAYS:
        raise GeneratorError(f"days must be between 1 and {MAX_DAYS}")
    if not 1 <= cities <= MAX_CITIES or cities > days:
        raise GeneratorError(f"cities must be between 1 and {MAX_CITIES}, and at most the days")
    if region is not None and region not in REGIONS:
        raise GeneratorError(f"unknown region {region!r}; choose from {', '.join(sorted(REGIONS))}")
    builder = _Builder(requests, days, cities, seed, region)
    builder._rest_days()
    builder._make_places()
    rows = builder.requests()
    tour_id = f"gen-{builder.region_name}-r{requests}-d{days}-c{cities}-s{seed}"
    return tour_files(builder, tour_id, REQUEST_COLUMNS, rows, excel, days=days, requests=requests)


def tour_files(builder, tour_id: str, columns: Sequence[str], rows: list[dict], excel: bool, *,
               days: int, requests: int) -> GeneratedTour:
    """The files of a tour folder from a builder that has made its places and ``rows``."""
    files = {
        "tour.toml": builder.tour_toml(tour_id).encode("utf-8"),
        "requests.csv": _csv_bytes(columns, rows, excel),
        "locations.csv": _csv_bytes(
            ("id", "name", "address", "city", "latitude", "longitude", "approximate"),
            [{"id": p.id, "name": p.name, "address": p.address, "city": p.city,
              "latitude": f"{p.latitude:.4f}", "longitude": f"{p.longitude:.4f}", "approximate": "yes"}
             for p in builder.places], excel),
        "travel.csv": _csv_bytes(("from", "to", "minutes", "mode"), builder.travel_rows(), excel),
        "availability.csv": _csv_bytes(("request_id", "counterpart", "windows", "type"),
                                       builder.availability(rows), excel),
    }
    return GeneratedTour(files=MappingProxyType(files), days=days,
                         cities=tuple(c.name for c in builder.cities), requests=requests)


def write_tour(tour: GeneratedTour, folder: str | Path, *, force: bool = False) -> Path:
    """Write ``tour`` into ``folder`` (created); refuses a non-empty folder unless ``force``."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not force:
        raise GeneratorError(f"{folder} is not empty (use --force to overwrite)")
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(tour.files.items()):
        (folder / name).write_bytes(data)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="benchmarks/generate.py",
        description="Generate a realistic, seeded advocacy tour as a tour folder "
                    "(docs/input-format.md).",
        epilog="example: python benchmarks/generate.py --requests 60 --days 5 --cities 2 "
               "--seed 1 /tmp/tour-60")
    parser.add_argument("out_dir", type=Path, help="the tour folder to write")
    parser.add_argument("--requests", type=int, required=True, help="number of requests")
    parser.add_argument("--days", type=int, required=True, help=f"working days, 1 to {MAX_DAYS}")
    parser.add_argument("--cities", type=int, default=1, help=f"cities, 1 to {MAX_CITIES} (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--region", choices=sorted(REGIONS), help="default: chosen by the seed")
    parser.add_argument("--excel", action="store_true",
                        help="CSV as Spanish spreadsheets export it: ';' and a UTF-8 BOM")
    parser.add_argument("--force", action="store_true", help="overwrite a non-empty folder")
    args = parser.parse_args(argv)
    try:
        tour = generate_tour(args.requests, args.days, args.cities, args.seed, region=args.region,
                             excel=args.excel)
        folder = write_tour(tour, args.out_dir, force=args.force)
    except GeneratorError as error:
        print(f"generate: {error}", file=sys.stderr)
        return 2
    print(f"wrote {folder}: {tour.requests} requests, {tour.days} days, {', '.join(tour.cities)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
