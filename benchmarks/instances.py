"""Reads Solomon-format (Team) Orienteering Problem with Time Windows instances into exact integers.

The format and its pitfalls are described in ``shared/toptw/README.md``:

- line 1: ``k v N t``, where ``N`` is the number of customers (the file then lists ``N + 1``
  vertices, vertex 0 being the depot);
- line 2: two numbers that do not matter here;
- one line per vertex: ``i x y d S f a list... O C`` — coordinates, service duration, profit,
  then (after a list of variable length) the earliest and latest START of service.

The precision is a parameter, ``decimals``: the Solomon sets truncate travel to one decimal
(the default), the Cordeau-based sets to two (``shared/toptw/README.md``); the file itself
does not say which. Times are multiplied by ``10 ** decimals`` and must then be exact
integers: a value that is not is refused rather than rounded. Travel times are the Euclidean
distances truncated to ``decimals`` decimals, in scaled units ``floor(10**decimals * euclid)``,
computed exactly (no floating point).

When the engine is to work more coarsely than the file (:func:`coarsen`), the instance is
mapped conservatively: every route feasible on the coarse instance is feasible on the exact
one, and :class:`CoarseningCost` says what the rounding took away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

__all__ = [
    "BEST_KNOWN_M1",
    "KNOWN_OPTIMA_M1",
    "SCALE",
    "CoarseningCost",
    "coarsen",
    "InstanceError",
    "ToptwInstance",
    "Vertex",
    "instance_files",
    "parse_instance",
    "read_instance",
    "truncated_distance",
]

SCALE = 10
"""Solomon times carry one decimal: one scaled unit is a tenth of the file's time unit (the
default; ``decimals`` gives another precision)."""

KNOWN_OPTIMA_M1: Mapping[str, int] = MappingProxyType({
    "c101": 320, "c102": 360, "c103": 400, "c104": 420, "c105": 340, "c106": 340,
    "c107": 370, "c108": 370, "c109": 380,
    "r101": 198, "r102": 286, "r103": 293, "r105": 247, "r106": 293, "r107": 299,
    "r109": 277, "r110": 284, "r111": 297, "r112": 298,
    "rc101": 219, "rc102": 266, "rc103": 266, "rc104": 301, "rc105": 244, "rc106": 252,
    "rc107": 277, "rc108": 298,
})
"""Proven optima for one tour (m = 1), Righini & Salani (2009), as listed in the README."""

BEST_KNOWN_M1: Mapping[str, int] = MappingProxyType({"r104": 303})
"""Best scores known but not proven optimal for one tour (r108 has none listed)."""


class InstanceError(ValueError):
    """An instance file does not follow the format, or a value is not exact after scaling."""


@dataclass(frozen=True, slots=True)
class Vertex:
    """One vertex, times in scaled units (tenths).

    Attributes
    ----------
    index
        0 for the depot, 1..N for the customers.
    x, y
        Coordinates as exact fractions of the decimal text.
    service
        Service duration.
    profit
        The score collected when the vertex is visited.
    open, close
        Earliest and latest start of service.
    """

    index: int
    x: Fraction
    y: Fraction
    service: int
    profit: int
    open: int
    close: int


@dataclass(frozen=True, slots=True)
class ToptwInstance:
    """An instance in exact integers: vertices and the truncated travel matrix (scaled)."""

    name: str
    vertices: tuple[Vertex, ...]
    travel: tuple[tuple[int, ...], ...]
    scale: int = SCALE

    def __post_init__(self) -> None:
        count = len(self.vertices)
        if count < 2:
            raise InstanceError(f"{self.name}: needs a depot and at least one customer")
        if len(self.travel) != count or any(len(row) != count for row in self.travel):
            raise InstanceError(f"{self.name}: the travel matrix is not {count} x {count}")

    @property
    def decimals(self) -> int:
        """Decimals of the file's unit one scaled unit is (1: tenths, 2: hundredths)."""
        return len(str(self.scale)) - 1

    @property
    def tmax(self) -> int:
        """The time budget of every tour: the latest start at the depot (scaled)."""
        return self.vertices[0].close

    @property
    def customers(self) -> tuple[Vertex, ...]:
        """Every vertex but the depot."""
        return self.vertices[1:]

    @property
    def total_profit(self) -> int:
        return sum(v.profit for v in self.vertices)

    def distance(self, origin: int, destination: int) -> int:
        """Scaled travel time from ``origin`` to ``destination`` (vertex indices)."""
        return self.travel[origin][destination]


def truncated_distance(a: Vertex, b: Vertex, scale: int = SCALE) -> int:
    """``floor(scale * euclid(a, b))``, exactly.

    ``floor(sqrt(q)) == isqrt(floor(q))`` for any rational ``q >= 0``, so no float is involved.
    """
    squared = (a.x - b.x) ** 2 + (a.y - b.y) ** 2
    return math.isqrt(math.floor(squared * scale * scale))


def _exact(text: str, factor: int, where: str, what: str) -> int:
    """``text`` times ``factor`` as an int; raises unless that product is a whole number."""
    try:
        value = Fraction(text) * factor
    except (ValueError, ZeroDivisionError) as error:
        raise InstanceError(f"{where}: {what} {text!r} is not a number") from error
    if value.denominator != 1:
        raise InstanceError(f"{where}: {what} {text!r} x {factor} is not a whole number")
    return int(value)


def parse_instance(text: str, name: str, decimals: int = 1) -> ToptwInstance:
    """Parse the text of one instance file.

    Parameters
    ----------
    text
        The whole file.
    name
        The instance name (``c101``), used in messages and results.
    decimals
        Travel is the distance truncated to this many decimals, and every time must be
        exact at that precision (1 for the Solomon sets, 2 for the Cordeau-based ones).

    Raises
    ------
    InstanceError
        When the header or a vertex line is malformed, the vertices are not numbered
        0..N in order, their count does not match the header, or a time is not exact
        after scaling.
    """
    if not 0 <= decimals <= 6:
        raise InstanceError(f"{name}: decimals must be 0 to 6, got {decimals}")
    scale = 10 ** decimals
    lines = [(number, line.split()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, fields) for number, fields in lines if fields]
    if len(lines) < 3:
        raise InstanceError(f"{name}: too short to be an instance")
    header_number, header = lines[0]
    if len(header) < 4 and len(header) + len(lines[1][1]) == 6:
        # The header's four numbers and line 2's two, broken at another place (c204 of the
        # 200 series: "2" on line 1, "4 100 1 0 700" on line 2).
        header = header + lines[1][1]
    if len(header) < 3:
        raise InstanceError(f"{name}:{header_number}: the header needs 'k v N t'")
    customers = _exact(header[2], 1, f"{name}:{header_number}", "N")
    vertices: list[Vertex] = []
    for number, fields in lines[2:]:
        where = f"{name}:{number}"
        if len(fields) < 9:
            raise InstanceError(f"{where}: a vertex line needs at least 9 numbers, got {len(fields)}")
        index = _exact(fields[0], 1, where, "vertex number")
        if index != len(vertices):
            raise InstanceError(f"{where}: expected vertex {len(vertices)}, found {index}")
        open_, close = _exact(fields[-2], scale, where, "O"), _exact(fields[-1], scale, where, "C")
        vertex = Vertex(
            index=index,
            x=Fraction(fields[1]),
            y=Fraction(fields[2]),
            service=_exact(fields[3], scale, where, "service"),
            profit=_exact(fields[4], 1, where, "profit"),
            open=open_,
            close=close,
        )
        if vertex.service < 0 or vertex.profit < 0 or open_ < 0 or close < open_:
            raise InstanceError(f"{where}: negative value or window closing before it opens")
        vertices.append(vertex)
    if len(vertices) != customers + 1:
        raise InstanceError(f"{name}: the header announces {customers} customers, "
                            f"the file lists {len(vertices) - 1}")
    travel = tuple(tuple(truncated_distance(a, b, scale) for b in vertices) for a in vertices)
    return ToptwInstance(name=name, vertices=tuple(vertices), travel=travel, scale=scale)


def read_instance(path: str | Path, decimals: int = 1) -> ToptwInstance:
    """Read one instance file at ``decimals`` (see :func:`parse_instance`); its name is the
    file name without extension."""
    path = Path(path)
    return parse_instance(path.read_text(encoding="utf-8"), path.stem, decimals)


@dataclass(frozen=True, slots=True)
class CoarseningCost:
    """What mapping an instance onto a coarser unit took away (in the fine instance's units).

    Attributes
    ----------
    factor
        Fine units per coarse unit (10: hundredths become tenths).
    legs_lengthened
        Ordered pairs of vertices whose travel the rounding made longer.
    most_added
        The most travel one leg gained (below ``factor``).
    customers_lost
        Customers that a tour to them alone reaches on the exact instance but not on the
        coarse one.
    """

    factor: int
    legs_lengthened: int
    most_added: int
    customers_lost: int

    def as_dict(self) -> dict[str, int]:
        return {"factor": self.factor, "legs_lengthened": self.legs_lengthened,
                "most_added": self.most_added, "customers_lost": self.customers_lost}


def _alone_fits(instance: ToptwInstance, vertex: Vertex) -> bool:
    """A tour to ``vertex`` alone keeps its window and Tmax."""
    start = max(instance.distance(0, vertex.index), vertex.open)
    return start <= vertex.close and start + vertex.service + instance.distance(vertex.index, 0) \
        <= instance.tmax


def coarsen(instance: ToptwInstance, decimals: int) -> tuple[ToptwInstance, CoarseningCost]:
    """``instance`` in units of ``10 ** -decimals`` of the file's unit, rounded conservatively.

    Travel and service are rounded up, windows opening up and closing down, Tmax down, so
    that every arrival on the coarse instance (times the factor) is no earlier than on the
    exact one and every bound no later: a route feasible on the coarse instance is feasible
    on the exact one. The exact route checker still judges every answer.

    Raises
    ------
    InstanceError
        When ``decimals`` is finer than the instance's own precision.
    """
    if decimals > instance.decimals:
        raise InstanceError(f"{instance.name}: cannot map {instance.decimals} decimals onto {decimals}")
    factor = 10 ** (instance.decimals - decimals)
    if factor == 1:
        return instance, CoarseningCost(1, 0, 0, 0)

    def up(value: int) -> int:
        return -(-value // factor)

    vertices = tuple(Vertex(v.index, v.x, v.y, up(v.service), v.profit, up(v.open), v.close // factor)
                     for v in instance.vertices)
    travel = tuple(tuple(up(minutes) for minutes in row) for row in instance.travel)
    coarse = ToptwInstance(instance.name, vertices, travel, scale=instance.scale // factor)
    added = [up(m) * factor - m for row in instance.travel for m in row]
    lost = sum(1 for fine, rough in zip(instance.customers, coarse.customers, strict=True)
               if _alone_fits(instance, fine) and not _alone_fits(coarse, rough))
    cost = CoarseningCost(factor, sum(1 for a in added if a), max(added, default=0), lost)
    return coarse, cost


def instance_files(path: str | Path) -> list[Path]:
    """The instance files under ``path`` (a file gives itself), sorted by name."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InstanceError(f"{path}: no such file or folder")
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".txt")
    if not files:
        raise InstanceError(f"{path}: no instance files (*.txt) in this folder")
    return files
