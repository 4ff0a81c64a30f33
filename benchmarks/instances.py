"""Reads Solomon-format (Team) Orienteering Problem with Time Windows instances into exact integers.

The format and its pitfalls are described in ``shared/toptw/README.md``:

- line 1: ``k v N t``, where ``N`` is the number of customers (the file then lists ``N + 1``
  vertices, vertex 0 being the depot);
- line 2: two numbers that do not matter here;
- one line per vertex: ``i x y d S f a list... O C`` — coordinates, service duration, profit,
  then (after a list of variable length) the earliest and latest START of service.

Times are multiplied by :data:`SCALE` (10) and must then be exact integers: a value that is
not is refused rather than rounded. Travel times are the Euclidean distances truncated to one
decimal, which in scaled units is ``floor(10 * euclid)``, computed exactly (no floating point).
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
    "InstanceError",
    "ToptwInstance",
    "Vertex",
    "instance_files",
    "parse_instance",
    "read_instance",
    "truncated_distance",
]

SCALE = 10
"""Solomon times carry one decimal: one scaled unit is a tenth of the file's time unit."""

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


def parse_instance(text: str, name: str) -> ToptwInstance:
    """Parse the text of one instance file.

    Parameters
    ----------
    text
        The whole file.
    name
        The instance name (``c101``), used in messages and results.

    Raises
    ------
    InstanceError
        When the header or a vertex line is malformed, the vertices are not numbered
        0..N in order, their count does not match the header, or a time is not exact
        after scaling.
    """
    lines = [(number, line.split()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, fields) for number, fields in lines if fields]
    if len(lines) < 3:
        raise InstanceError(f"{name}: too short to be an instance")
    header_number, header = lines[0]
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
        open_, close = _exact(fields[-2], SCALE, where, "O"), _exact(fields[-1], SCALE, where, "C")
        vertex = Vertex(
            index=index,
            x=Fraction(fields[1]),
            y=Fraction(fields[2]),
            service=_exact(fields[3], SCALE, where, "service"),
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
    travel = tuple(tuple(truncated_distance(a, b) for b in vertices) for a in vertices)
    return ToptwInstance(name=name, vertices=tuple(vertices), travel=travel)


def read_instance(path: str | Path) -> ToptwInstance:
    """Read one instance file; its name is the file name without extension."""
    path = Path(path)
    return parse_instance(path.read_text(encoding="utf-8"), path.stem)


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
