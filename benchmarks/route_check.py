"""The one independent judge of every solver's answer: recomputes the routes and scores them.

It trusts nothing a solver reports about times. For each route it starts at the depot at
time 0, travels on the truncated distances, waits when it arrives before a window opens,
checks that service starts no later than the window closes, and checks that the tour is back
at the depot by Tmax. Starting each service as early as possible is optimal for a fixed order
(waiting never helps later vertices), so a route this check refuses has no feasible schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from benchmarks.instances import ToptwInstance

__all__ = ["CheckedRoute", "RouteCheck", "RouteViolation", "check_routes"]


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
