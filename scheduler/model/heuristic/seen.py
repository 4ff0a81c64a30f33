"""The day routes the search has accepted along the way, kept for the route bound's master.

The route relaxation's master (:mod:`scheduler.model.bound.master`) started from the empty
routes and the heuristic's final agenda is degenerate on large tours: its duals say little
for many rounds. The routes of the days an accepted move changed are good, diverse routes
each day can really do; handed to ``route_bound(..., routes=...)`` they give the master
meaningful duals from its first round (BENCHMARKS.md, "The heuristic's routes as first
columns").

Keeping them never changes the search's decisions: the search does not look at them, and
their cost (in the search's operations) is counted apart, in :attr:`SeenRoutes.work`, and
added to the heuristic's reported work once the search has ended, so that a solve takes it
off what follows and stays repeatable.

Each route is kept as the day's items in their order, the meal among them (the layout puts
them in that order, so that the day can be laid out again from them); handed on without the
meal: the in-person engagements in visiting order and the remote calls among them where the
day's layout puts them, as :func:`~scheduler.model.bound.plan_routes` gives a day plan's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .meal import MEAL

if TYPE_CHECKING:
    from .state import SearchState

#: Work charged per day compared with the agenda before an accepted move, and per day that
#: changed (the tuple made, its look-up and, now and then, its share of a pruning). Measured
#: (2026-12-07, CPU time inside :meth:`SeenRoutes.add` on r60-d7 and r120-d7, seed 1, 200 a
#: day): 0.014 s and 0.018 s where these weights charge 0.0105 s and 0.013 s at the runs' CPU
#: seconds a nominal second, 0.3-0.5 % of the search's CPU time.
SEEN_DAY_WORK = 12
SEEN_ROUTE_WORK = 120


class SeenRoutes:
    """The distinct routes of the days accepted agendas changed, the best ``per_day`` of
    each day by the day's objective (ties: the one seen first).

    Parameters
    ----------
    day_count
        Days of the search.
    per_day
        Routes kept per day; 0 keeps none (and costs nothing).
    """

    def __init__(self, day_count: int, per_day: int) -> None:
        self.per_day = per_day
        #: By day: the day's items (the meal among them) -> the day's objective with them.
        self.routes: list[dict[tuple[int, ...], int]] = [{} for _ in range(day_count)]
        #: The search's operations this cost (not charged to the search while it runs).
        self.work = 0

    @property
    def enabled(self) -> bool:
        return self.per_day > 0

    def add(self, search: SearchState, before: list | None = None) -> None:
        """Keep the routes of the search's current days that differ from ``before`` (a
        snapshot; ``None``: every day)."""
        if not self.per_day:
            return
        self.work += SEEN_DAY_WORK * search.day_count
        for d in range(search.day_count):
            items = search.items[d]
            if before is not None and before[d] == items:
                continue
            route = tuple(items)
            routes = self.routes[d]
            self.work += SEEN_ROUTE_WORK
            if route in routes or not any(item != MEAL for item in route):
                continue
            routes[route] = search.day_objective[d]
            if len(routes) > 2 * self.per_day:
                self._prune(routes)

    def _prune(self, routes: dict[tuple[int, ...], int]) -> None:
        """Keep the best ``per_day`` routes (ties in the order they came)."""
        ranked = sorted(routes.items(), key=lambda entry: -entry[1])[:self.per_day]
        kept = dict(ranked)
        for route in [route for route in routes if route not in kept]:
            del routes[route]
        self.work += SEEN_ROUTE_WORK * len(ranked)

    def best(self) -> list[tuple[int, list[int]]]:
        """The routes kept, as (day index, requests in order, the meal left out): each day's
        best ``per_day`` by objective (one of those that differ only in where the meal is),
        days in order."""
        out = []
        for d, routes in enumerate(self.routes):
            ranked = sorted(routes.items(), key=lambda entry: -entry[1])[:self.per_day]
            given = set()
            for items, _ in ranked:
                route = tuple(item for item in items if item != MEAL)
                if route not in given:
                    given.add(route)
                    out.append((d, list(route)))
        return out
