"""The one independent judge of every solver's answer: recomputes the routes and scores them.

It trusts nothing a solver reports about times. For each route it starts at the depot at
time 0, travels on the truncated distances, waits when it arrives before a window opens,
checks that service starts no later than the window closes, and checks that the tour is back
at the depot by Tmax. Starting each service as early as possible is optimal for a fixed order
(waiting never helps later vertices), so a route this check refuses has no feasible schedule.

:func:`check_routes_in_file` reads the instance file itself, with its own few lines of
parsing and exact rational arithmetic at the precision given, sharing nothing with the
reader the solvers' instances come from (:mod:`benchmarks.instances`): a mistake there, or a
solver working on a conservatively coarsened copy, cannot make it accept a route the file
forbids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

from benchmarks.instances import ToptwInstance

__all__ = ["CheckedRoute", "RouteCheck", "RouteViolation", "check_routes", "check_routes_in_file",
           "check_routes_in_text"]


class RouteViolation(ValueError):
    """A route breaks a rule of the instance; the message says which route, vertex and rule."""


@dataclass(frozen=True, slots=True)
class CheckedRoute:
    """One route with its recomputed schedule (scaled units).

    ``arrivals[k]`` and ``starts[k]`` belong to ``vertices[k]``; ``back`` is when the tour
    returns to the depot.
    """

    vertices: tuple[int, ...]
    arrivals: tuple[int, ...]
    starts: tuple[int, ...]
    back: int
    travel: int
    profit: int


@dataclass(frozen=True, slots=True)
class RouteCheck:
    """A feasible answer: its score (total profit), travel and the checked routes."""

    score: int
    travel: int
    routes: tuple[CheckedRoute, ...]

    @property
    def visited(self) -> int:
        return sum(len(route.vertices) for route in self.routes)


def _check_one(instance: ToptwInstance, number: int, route: Sequence[int]) -> CheckedRoute:
    vertices = instance.vertices
    time = 0
    here = 0
    travel = 0
    arrivals: list[int] = []
    starts: list[int] = []
    for position, vertex in enumerate(route):
        where = f"route {number}, position {position} (vertex {vertex})"
        leg = instance.distance(here, vertex)
        arrival = time + leg
        start = max(arrival, vertices[vertex].open)
        if start > vertices[vertex].close:
            raise RouteViolation(f"{where}: service would start at {start}, "
                                 f"after the window closes at {vertices[vertex].close}")
        arrivals.append(arrival)
        starts.append(start)
        travel += leg
        time = start + vertices[vertex].service
        here = vertex
    leg = instance.distance(here, 0)
    back = time + leg
    travel += leg
    if back > instance.tmax:
        raise RouteViolation(f"route {number}: back at the depot at {back}, after Tmax {instance.tmax}")
    profit = sum(vertices[v].profit for v in route)
    return CheckedRoute(tuple(route), tuple(arrivals), tuple(starts), back, travel, profit)


def check_routes(instance: ToptwInstance, tours: int, routes: Sequence[Sequence[int]]) -> RouteCheck:
    """Check an answer to ``instance`` with ``tours`` tours and return its score.

    Parameters
    ----------
    instance
        The instance, in scaled integer units.
    tours
        How many tours (m) the answer may use.
    routes
        One list of vertex ids per tour in visiting order, without the depot (0). Fewer
        lists than tours means the other tours stay at the depot; empty lists are allowed.

    Raises
    ------
    RouteViolation
        More routes than tours; a vertex id that is not an int, is the depot or is out of
        range; a vertex visited twice; a service that would start after its window closes;
        a tour back at the depot after Tmax.
    """
    if tours < 1:
        raise RouteViolation(f"the number of tours must be at least 1, got {tours}")
    if len(routes) > tours:
        raise RouteViolation(f"{len(routes)} routes for {tours} tours")
    count = len(instance.vertices)
    seen: dict[int, int] = {}
    for number, route in enumerate(routes):
        for vertex in route:
            if isinstance(vertex, bool) or not isinstance(vertex, int):
                raise RouteViolation(f"route {number}: vertex {vertex!r} is not an integer")
            if vertex == 0:
                raise RouteViolation(f"route {number}: the depot (0) is inside the route")
            if not 0 < vertex < count:
                raise RouteViolation(f"route {number}: vertex {vertex} does not exist (1..{count - 1})")
            if vertex in seen:
                raise RouteViolation(f"vertex {vertex} is visited twice (routes {seen[vertex]} and {number})")
            seen[vertex] = number
    checked = tuple(_check_one(instance, number, list(route)) for number, route in enumerate(routes))
    return RouteCheck(score=sum(r.profit for r in checked), travel=sum(r.travel for r in checked),
                      routes=checked)


@dataclass(frozen=True, slots=True)
class _RawVertex:
    x: Fraction
    y: Fraction
    service: Fraction
    profit: Fraction
    open: Fraction
    close: Fraction


def _raw_vertices(text: str) -> list[_RawVertex]:
    """The vertex lines of an instance file as exact fractions (lines 3 onwards)."""
    rows = [line.split() for line in text.splitlines() if line.split()][2:]
    try:
        return [_RawVertex(Fraction(f[1]), Fraction(f[2]), Fraction(f[3]), Fraction(f[4]),
                           Fraction(f[-2]), Fraction(f[-1])) for f in rows]
    except (IndexError, ValueError) as error:
        raise RouteViolation(f"the instance file cannot be read: {error}") from error


def _travel(a: _RawVertex, b: _RawVertex, decimals: int) -> Fraction:
    """The Euclidean distance truncated to ``decimals`` decimals, exactly."""
    scale = 10 ** decimals
    squared = ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) * scale * scale
    return Fraction(math.isqrt(math.floor(squared)), scale)


def check_routes_in_text(text: str, decimals: int, tours: int,
                         routes: Sequence[Sequence[int]]) -> RouteCheck:
    """Check an answer against the raw text of an instance file, exactly.

    Parameters
    ----------
    text
        The whole instance file.
    decimals
        The precision its travel is truncated to (1: Solomon, 2: Cordeau-based).
    tours, routes
        As for :func:`check_routes`.

    Returns
    -------
    RouteCheck
        The score and the routes; times and travel in units of ``10 ** -decimals`` of the
        file's unit, rounded up (for reading; the check itself is exact).

    Raises
    ------
    RouteViolation
        As :func:`check_routes`, judged on the file's own numbers.
    """
    vertices = _raw_vertices(text)
    if tours < 1:
        raise RouteViolation(f"the number of tours must be at least 1, got {tours}")
    if len(routes) > tours:
        raise RouteViolation(f"{len(routes)} routes for {tours} tours")
    seen: dict[int, int] = {}
    for number, route in enumerate(routes):
        for vertex in route:
            if isinstance(vertex, bool) or not isinstance(vertex, int) or not 0 < vertex < len(vertices):
                raise RouteViolation(f"route {number}: vertex {vertex!r} is not a customer")
            if vertex in seen:
                raise RouteViolation(f"vertex {vertex} is visited twice (routes {seen[vertex]} and {number})")
            seen[vertex] = number
    scale = 10 ** decimals

    def units(value: Fraction) -> int:
        return math.ceil(value * scale)

    checked = []
    tmax = vertices[0].close
    for number, route in enumerate(routes):
        time = Fraction(0)
        here = 0
        travel = Fraction(0)
        arrivals, starts = [], []
        for position, vertex in enumerate(route):
            leg = _travel(vertices[here], vertices[vertex], decimals)
            arrival = time + leg
            start = max(arrival, vertices[vertex].open)
            if start > vertices[vertex].close:
                raise RouteViolation(f"route {number}, position {position} (vertex {vertex}): service "
                                     f"would start at {float(start):g}, after the window closes at "
                                     f"{float(vertices[vertex].close):g} (exact, {decimals} decimals)")
            arrivals.append(units(arrival))
            starts.append(units(start))
            travel += leg
            time = start + vertices[vertex].service
            here = vertex
        leg = _travel(vertices[here], vertices[0], decimals)
        back = time + leg
        travel += leg
        if back > tmax:
            raise RouteViolation(f"route {number}: back at the depot at {float(back):g}, after Tmax "
                                 f"{float(tmax):g} (exact, {decimals} decimals)")
        profit = sum(vertices[v].profit for v in route)
        checked.append(CheckedRoute(tuple(route), tuple(arrivals), tuple(starts), units(back),
                                    units(travel), int(profit)))
    return RouteCheck(score=sum(r.profit for r in checked), travel=sum(r.travel for r in checked),
                      routes=tuple(checked))


def check_routes_in_file(path: str | Path, decimals: int, tours: int,
                         routes: Sequence[Sequence[int]]) -> RouteCheck:
    """:func:`check_routes_in_text` on the file at ``path``."""
    return check_routes_in_text(Path(path).read_text(encoding="utf-8"), decimals, tours, routes)
