"""Generates seeded delegation tours (2-4 guests, a shared interpreter and a car) as tour folders.

Usage::

    python benchmarks/generate_delegation.py --guests G --requests N --days D --seed S OUT_DIR
        [--cities C] [--region spain|europe] [--force]

The tour is the one :mod:`benchmarks.generate` makes (cities, hotels, media, ministries, the
same mix of requests), visited by a delegation (``docs/delegations.md``) instead of one guest:

- the members, in this order: Anna, a lawyer who lives in the first city and sleeps at home
  there (her own ``[[guests.lodging]]``); Boris, a survivor who arrives a day later (his own
  ``[guests.arrival]``), works shorter days (his own ``[guests.hours]``) and speaks no
  English, so his interviews and meetings need the interpreter; Chen, the spokesperson, who
  starts early; Dara, a researcher from another time zone who works late;
- ``[[resources]]``: one interpreter (``kind = "interpreter"``, off one afternoon) and one car
  with a driver, both travelling with whoever uses them;
- the ``guests`` column: most requests for one member, some for any one of two or more
  (``anna|boris``), some joint (``anna;boris`` or the whole delegation); the rare mandatory
  requests (ministries) are joint meetings of the whole delegation;
- the ``needs`` column: ``kind:interpreter`` for everything Boris attends and for some other
  interviews in the local language, ``car-1`` for some studios far out and evening events.

A request for given members is only put on dates when they work (Boris: not the first).
The same arguments and seed give byte-identical files. Nothing is read from the clock.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import (  # noqa: E402
    MAX_CITIES, MAX_DAYS, REGIONS, REQUEST_COLUMNS, GeneratedTour, GeneratorError, _Builder,
    _offset, _Place, _toml_string, tour_files, write_tour,
)

__all__ = ["MAX_GUESTS", "MEMBERS", "Member", "generate_delegation"]

COLUMNS = REQUEST_COLUMNS + ("needs", "guests")
"""requests.csv's columns: the one-guest tour's, then ``needs`` and ``guests``."""


@dataclass(frozen=True, slots=True)
class Member:
    """A member of the generated delegation and what sets their days apart."""

    id: str
    name: str
    role: str
    timezone: str = ""
    hours: tuple[str, str] | None = None
    arrives_late: bool = False
    sleeps_at_home: bool = False
    needs_interpreter: bool = False


MEMBERS: tuple[Member, ...] = (
    Member("anna", "Anna Kowalska", "lawyer, lives in the first city", sleeps_at_home=True),
    Member("boris", "Boris Ivanov", "survivor, arrives a day later, speaks Russian only",
           timezone="Europe/Kyiv", hours=("09:30", "18:30"), arrives_late=True, needs_interpreter=True),
    Member("chen", "Chen Wei", "spokesperson", hours=("08:00", "20:30")),
    Member("dara", "Dara Mensah", "researcher", timezone="Europe/London", hours=("10:00", "21:30")),
)
"""The members a delegation of ``G`` guests takes, the first ``G`` of them."""

MAX_GUESTS = len(MEMBERS)

_INTERVIEWS = ("tv", "radio", "print", "agency", "online", "podcast")


class _DelegationBuilder(_Builder):
    """The one-guest builder with members: who goes to each request, and what it needs."""

    def __init__(self, requests: int, days: int, cities: int, seed: int, region: str | None,
                 guests: int, mandatory: bool = True):
        super().__init__(requests, days, cities, seed, region)
        self.mandatory = mandatory
        self.members = MEMBERS[:guests]
        self.home: _Place | None = None

    def _make_places(self) -> None:
        super()._make_places()
        city = self.cities[0]
        latitude, longitude = _offset(self.rng, city, 3.0, 7.0)
        self.home = _Place(f"HOME-{city.code}", f"{self.members[0].name}'s home", f"Residential area, {city.name}",
                           city.name, latitude, longitude)
        self.places.append(self.home)

    def _days_of(self, member: Member) -> set[int]:
        return set(range(1 if member.arrives_late else 0, len(self.plan.dates)))

    def _who(self, maker_name: str) -> tuple[list[Member], str]:
        """The members a request names and how (``"one"``, ``"any"`` or ``"joint"``)."""
        rng = self.rng
        members = list(self.members)
        draw = rng.random()
        joint_share = 0.4 if maker_name == "_political" else 0.05 if maker_name == "_live" else 0.15
        if draw < joint_share:
            kind = "joint"
        elif draw < joint_share + 0.2:
            kind = "any"
        else:
            return [rng.choice(members)], "one"
        if kind == "joint" and len(members) > 2 and rng.random() < 0.3:
            return members, kind
        chosen = sorted(rng.sample(range(len(members)), 2 if len(members) == 2 or rng.random() < 0.7 else 3))
        return [members[k] for k in chosen], kind

    def requests(self) -> list[dict[str, str]]:
        makers = ((self._political, 0.22), (self._live, 0.15), (self._flexible, 0.33),
                  (self._remote, 0.18), (self._event, 0.12))
        weights = [w for _, w in makers]
        rows = []
        working = [self._working_days(c) for c in range(len(self.cities))]
        cities = [c for c in range(len(self.cities)) if working[c]]
        city_weights = [len(working[c]) for c in cities]
        everyone = set.intersection(*(self._days_of(m) for m in self.members))
        for number in range(1, self.count + 1):
            maker = self.rng.choices([m for m, _ in makers], weights)[0]
            city = self.rng.choices(cities, city_weights)[0]
            who, kind = self._who(maker.__name__)
            if maker.__name__ == "_political":
                # A meeting's date must suit the whole delegation: a must becomes a joint one.
                allowed = everyone
            elif kind == "any":
                allowed = set.union(*(self._days_of(m) for m in who))
            else:
                allowed = set.intersection(*(self._days_of(m) for m in who))
            days = [d for d in working[city] if d in allowed]
            whole_delegation = maker.__name__ == "_political" and bool(days)
            if not days:  # that city's days are before a member arrives: one who is there goes
                present = [m for m in self.members if self._days_of(m) & set(working[city])]
                who, kind = [self.rng.choice(present)], "one"
                days = [d for d in working[city] if d in self._days_of(who[0])]
            row = maker(number, city, days)
            if row["mandatory"] and whole_delegation:
                who, kind = list(self.members), "joint"
                if not self.mandatory:  # the same tour, its musts made optional
                    row["mandatory"] = ""
            elif row["mandatory"]:
                row["mandatory"] = ""  # a must is a meeting of the whole delegation
            row["guests"] = (";" if kind == "joint" else "|").join(m.id for m in who)
            row["needs"] = self._needs(row, who, kind)
            rows.append(row)
        return rows

    def _needs(self, row: dict[str, str], who: Sequence[Member], kind: str) -> str:
        """``kind:interpreter`` whenever a member who needs one surely attends, and for some
        interviews in the local language; the car for some far studios and late events."""
        rng = self.rng
        needs = []
        surely = who if kind != "any" else [m for m in self.members if all(w is m for w in who)]
        interview = row["kind"] in _INTERVIEWS
        if any(m.needs_interpreter for m in surely) and (interview or row["kind"] == "meeting"):
            needs.append("kind:interpreter")
        elif interview and rng.random() < 0.25:
            needs.append("kind:interpreter")
        in_person = bool(row["location"]) and not row["remote"]
        if in_person and ("-STUDIO" in row["location"] and rng.random() < 0.6
                          or row["kind"] == "event" and rng.random() < 0.3):
            needs.append("car-1")
        return ";".join(needs)

    def tour_toml(self, tour_id: str) -> str:
        text = super().tour_toml(tour_id)
        zone = self.region.zone
        text = text.replace(f'[guest]\nname = "Guest of the tour"\ntimezone = {_toml_string(zone)}\n',
                            '[guest]\nname = "The delegation of the Equality Advocacy Project"\n')
        lodging = tomllib.loads(text).get("lodging", [])
        dates = self.plan.dates
        lines = [text.rstrip("\n"), ""]
        for member in self.members:
            lines += ["[[guests]]", f"id = {_toml_string(member.id)}", f"name = {_toml_string(member.name)}",
                      f"# {member.role}"]
            if member.timezone:
                lines.append(f"timezone = {_toml_string(member.timezone)}")
            if member.arrives_late:
                lines += ["", "[guests.arrival]", f"at = {dates[1].isoformat()}T08:15:00",
                          f"location = {_toml_string(self.hubs[0].id)}", "buffer_minutes = 60"]
            if member.hours is not None:
                lines += ["", "[guests.hours]", f"start = {_toml_string(member.hours[0])}",
                          f"end = {_toml_string(member.hours[1])}"]
            if member.sleeps_at_home:
                for entry in lodging:
                    at_home = entry["location"] == self.hotels[0].id
                    lines += ["", "[[guests.lodging]]",
                              f"location = {_toml_string(self.home.id if at_home else entry['location'])}",
                              f"first_night = {entry['first_night'].isoformat()}",
                              f"last_night = {entry['last_night'].isoformat()}"]
            lines.append("")
        afternoon_off = dates[min(2, len(dates) - 1)]
        lines += ["[[resources]]", 'id = "interp-1"', 'name = "Olena Marchenko (interpreter, Russian-English)"',
                  'kind = "interpreter"', "travels = true", "", "[resources.hours]", 'start = "09:00"',
                  'end = "19:00"', "", "[[resources.hours.day]]", f"date = {afternoon_off.isoformat()}",
                  'end = "13:00"', "",
                  "[[resources]]", 'id = "car-1"', 'name = "Car with driver"', 'kind = "car"', "travels = true",
                  "", "[resources.hours]", 'start = "07:00"', 'end = "23:00"', ""]
        return "\n".join(lines)


def generate_delegation(guests: int, requests: int, days: int, seed: int, *, cities: int = 1,
                        region: str | None = None, mandatory: bool = True) -> GeneratedTour:
    """Generate a delegation tour folder's files.

    Parameters
    ----------
    guests
        Members of the delegation, 2 to 4 (the first of :data:`MEMBERS`).
    requests
        Number of requests (rows of ``requests.csv``), 1 or more.
    days
        Working days of the tour, 2 to 14 (one member arrives on the second).
    seed
        Seed of the only random generator used: the same arguments give the same bytes.
    cities
        Cities visited one after the other, 1 to 4 and at most ``days``.
    region
        ``"spain"`` or ``"europe"``; by default chosen by the seed.
    mandatory
        Keep the mandatory joint meetings mandatory (default); ``False`` gives the same tour
        with them optional.

    Raises
    ------
    GeneratorError
        For arguments out of range.
    """
    if not 2 <= guests <= MAX_GUESTS:
        raise GeneratorError(f"guests must be between 2 and {MAX_GUESTS}")
    if requests < 1:
        raise GeneratorError("requests must be 1 or more")
    if not 2 <= days <= MAX_DAYS:
        raise GeneratorError(f"days must be between 2 and {MAX_DAYS} (a member arrives on the second)")
    if not 1 <= cities <= MAX_CITIES or cities > days:
        raise GeneratorError(f"cities must be between 1 and {MAX_CITIES}, and at most the days")
    if region is not None and region not in REGIONS:
        raise GeneratorError(f"unknown region {region!r}; choose from {', '.join(sorted(REGIONS))}")
    builder = _DelegationBuilder(requests, days, cities, seed, region, guests, mandatory)
    builder._rest_days()
    builder._make_places()
    rows = builder.requests()
    tour_id = f"deleg-{builder.region_name}-g{guests}-r{requests}-d{days}-c{cities}-s{seed}" + \
        ("" if mandatory else "-optional")
    return tour_files(builder, tour_id, COLUMNS, rows, False, days=days, requests=requests)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="benchmarks/generate_delegation.py",
        description="Generate a seeded delegation tour (2-4 guests, an interpreter and a car) as a "
                    "tour folder (docs/delegations.md).",
        epilog="example: python benchmarks/generate_delegation.py --guests 3 --requests 100 --days 5 "
               "--seed 1 /tmp/deleg-3-100")
    parser.add_argument("out_dir", type=Path, help="the tour folder to write")
    parser.add_argument("--guests", type=int, required=True, help=f"members, 2 to {MAX_GUESTS}")
    parser.add_argument("--requests", type=int, required=True, help="number of requests")
    parser.add_argument("--days", type=int, required=True, help=f"working days, 2 to {MAX_DAYS}")
    parser.add_argument("--cities", type=int, default=1, help=f"cities, 1 to {MAX_CITIES} (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--region", choices=sorted(REGIONS), help="default: chosen by the seed")
    parser.add_argument("--mandatory", action=argparse.BooleanOptionalAction, default=True,
                        help="keep the mandatory joint meetings mandatory (default: yes)")
    parser.add_argument("--force", action="store_true", help="overwrite a non-empty folder")
    args = parser.parse_args(argv)
    try:
        tour = generate_delegation(args.guests, args.requests, args.days, args.seed, cities=args.cities,
                                   region=args.region, mandatory=args.mandatory)
        folder = write_tour(tour, args.out_dir, force=args.force)
    except GeneratorError as error:
        print(f"generate_delegation: {error}", file=sys.stderr)
        return 2
    print(f"wrote {folder}: {args.guests} guests, {tour.requests} requests, {tour.days} days, "
          f"{', '.join(tour.cities)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
