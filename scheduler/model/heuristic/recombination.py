"""Recombining the best days: a pool of the day routes the search has seen, and CP-SAT
choosing the best agenda they make together (one route a day, each request at most once).

The pool keeps every route of every accepted agenda (and of the other searches' best ones at
the islands' meetings), by kind of day: on days of one kind (the same places, length and
start ranges relative to the day's start, see :mod:`.interday`) a route fits any of them with
the same objective, so a route found on one day is offered to all. Now and then
:meth:`.annealing.Annealing.recombine` lets :func:`~scheduler.model.bound.select_routes`
choose the best combination and lays it out on the search state, whose own checks decide:
the pool is never trusted (a route that does not fit its new day, a tour day over the cap or
a request served twice leave the agenda as it was). CP-SAT's deterministic seconds are
counted as work, so the search stays repeatable and within its budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .budget import WORK_PER_SECOND

if TYPE_CHECKING:
    from .state import SearchState

#: Settings (measured in BENCHMARKS.md, "Recombining the best days"; off: no gain measured,
#: neither within one search nor at the islands' meetings):
#: nominal seconds of work between two recombinations (``every``, 0: never), whether the
#: islands recombine at their meetings (``at_meetings``), the routes kept per kind of day
#: (``pool``), CP-SAT's deterministic seconds per choice (``seconds``), and whether the
#: chosen routes may share requests (``overlap``: each counted once, its copies then taken
#: out of all routes but the first).
RECOMBINE = {"every": 0, "at_meetings": False, "pool": 300, "seconds": 0.05, "overlap": False}
#: Work charged per route of the pool handed to CP-SAT (building its part of the model, which
#: CP-SAT's deterministic time leaves out), and per day of an agenda added to the pool.
COLUMN_WORK = 200
POOL_DAY_WORK = 30


class RoutePool:
    """The distinct day routes seen, by kind of day, each with its part of the search key.

    Only searches that recombine (``RECOMBINE``) and whose days are all route days that may
    exchange engagements (no meal, no remote calls, no delegation, joint meetings or rules
    between requests) keep one: :attr:`enabled` says whether this one does.
    """

    def __init__(self, search: SearchState) -> None:
        self.enabled = bool((RECOMBINE["every"] or RECOMBINE["at_meetings"])
                            and search.interday_enabled and all(search.interday_day))
        self.routes: dict[int, dict[tuple[int, ...], tuple[int, int]]] = {}
        if not self.enabled:
            return  # every search starts one: nothing to work out when it stays unused
        # A day of no shared kind is a kind of its own; days of one kind share routes only
        # when each request is worth as much on them (change costs can tell them apart).
        kinds: dict[object, int] = {}
        self.kind = [kinds.setdefault(
            (search.day_kind[d] if search.day_kind[d] is not None else ("day", d),
             tuple(search.gain[d])), len(kinds)) for d in range(search.day_count)]
        self.empty = [self._empty_score(search, d) for d in range(search.day_count)]
        # Routes may share requests in the choice only when a request is worth as much on
        # every day (its value is then counted once, whichever route keeps it).
        self.overlap = bool(RECOMBINE["overlap"]) and \
            all(search.gain[d] == search.gain[0] for d in range(search.day_count))

    @staticmethod
    def _empty_score(search: SearchState, d: int) -> tuple[int, int]:
        """(objective, length) of day ``d`` with nothing on it."""
        day = search.days[d]
        arrive = day.start + search.travel[day.start_place][day.end_place]
        travel, span = search.travel_and_span(d, [], [], arrive)
        objective = -search.travel_weight * travel - search.span_weight * span \
            - search.balance_cost(0)
        return objective, arrive - day.start

    def add(self, search: SearchState) -> None:
        """Keep the routes of the search's current agenda (its days' cached scores)."""
        if not self.enabled:
            return
        for d in range(search.day_count):
            route = tuple(search.items[d])
            if not route:
                continue
            routes = self.routes.setdefault(self.kind[d], {})
            if route not in routes:
                bonus = sum(search.bonus[r] for r in route)
                routes[route] = (search.day_objective[d] + bonus, search.day_length[d])
                if len(routes) > 2 * RECOMBINE["pool"]:
                    self._prune(routes)
        search.work += POOL_DAY_WORK * search.day_count

    def add_snapshot(self, search: SearchState, snapshot: list[list[int]]) -> None:
        """Keep the routes of another agenda (another search's best): each is scored on its
        day by the route checks alone, and left out when it does not fit there."""
        if not self.enabled:
            return
        for d in range(search.day_count):
            route = tuple(snapshot[d])
            routes = self.routes.setdefault(self.kind[d], {})
            if not route or route in routes:
                continue
            score = route_score(search, d, list(route))
            if score is not None:
                routes[route] = score
                if len(routes) > 2 * RECOMBINE["pool"]:
                    self._prune(routes)

    @staticmethod
    def _prune(routes: dict[tuple[int, ...], tuple[int, int]]) -> None:
        """Keep the best ``RECOMBINE["pool"]`` routes (by objective, then shorter; ties in
        the order they came)."""
        ranked = sorted(routes.items(), key=lambda entry: (-entry[1][0], entry[1][1]))
        kept = dict(ranked[:RECOMBINE["pool"]])
        for route in [route for route in routes if route not in kept]:
            del routes[route]

    def size(self) -> int:
        """Routes held, over every kind of day."""
        return sum(len(routes) for routes in self.routes.values())


def route_score(search: SearchState, d: int, route: list[int]) -> tuple[int, int] | None:
    """(objective with the search bonus, length) of ``route`` on route day ``d``, or ``None``
    when it does not fit there (the same rules as :meth:`~.state.SearchState.refresh_day`)."""
    if any(search.start_ranges[d][r] is None for r in route):
        return None
    times = search.route_times(d, route)
    if times is None:
        return None
    earliest = times[0]
    day = search.days[d]
    last = route[-1]
    back = search.travel[search.place[last]][day.end_place]
    arrive = earliest[-1] + search.duration[last] + (search.buffer + back if back else 0)
    if arrive > day.end:
        return None
    travel, span = search.travel_and_span(d, route, earliest, arrive)
    objective = sum(search.gain[d][r] + search.bonus[r] for r in route) \
        - search.travel_weight * travel - search.span_weight * span \
        - search.balance_cost(len(route))
    return objective, arrive - day.start


def best_combination(search: SearchState, pool: RoutePool,
                     best: list[list[int]]) -> list[list[int]] | None:
    """The best agenda of one pool route a day (``best``'s days among them and given to
    CP-SAT as its first choice), or ``None`` when CP-SAT finds nothing better than ``best``.

    CP-SAT's deterministic seconds and the model's size are added to the search's work.
    """
    from ..bound.master import Column
    from ..bound.pool import select_routes

    pool.add_snapshot(search, best)
    # Objective first, then less time used: the search key's order, in one integer.
    scale = 1 + sum(day.end - day.start for day in search.days)
    worth = [search.gain[0][r] + search.bonus[r] for r in range(search.request_count)]
    columns: list[Column] = []
    hint: list[int] = []
    for d in range(search.day_count):
        if not best[d]:
            hint.append(len(columns))
        objective, length = pool.empty[d]
        columns.append(Column(d, (), objective * scale - length, 0))
        for route, (objective, length) in pool.routes.get(pool.kind[d], {}).items():
            if route == tuple(best[d]):
                hint.append(len(columns))
            if pool.overlap:
                objective -= sum(worth[r] for r in route)
            columns.append(Column(d, route, objective * scale - length, len(route)))
    if len(hint) != search.day_count:
        return None  # a day of ``best`` is missing from the pool: do not guess
    values = {r: worth[r] * scale for r in range(search.request_count)} if pool.overlap \
        else None
    wall = search.deadline.remaining()
    seconds = RECOMBINE["seconds"]
    chosen = select_routes(search.instance, columns, deterministic_seconds=seconds,
                           wall_seconds=min(1.0, 4 * seconds + 0.05) if wall is None
                           else max(0.01, min(wall, 4 * seconds + 0.05)),
                           seed=0, hint=hint, request_values=values)
    search.work += COLUMN_WORK * len(columns) + \
        int((chosen.seconds if chosen is not None else seconds) * WORK_PER_SECOND)
    if chosen is None:
        return None
    hinted = sum(columns[index].cost for index in hint) + \
        (sum(values[r] for items in best for r in items) if values is not None else 0)
    if chosen.objective <= hinted:
        return None
    days, seen = [], set()
    for d in range(search.day_count):
        # A request on several chosen routes stays on the first (overlap only).
        days.append([r for r in chosen.days.get(d, ()) if r not in seen])
        seen.update(days[-1])
    return days


def lay_agenda(search: SearchState, days: list[list[int]]) -> bool:
    """Put ``days`` (one route a day) on the search state, checked by its own day checks,
    the cap and each request at most once; when any fails, the agenda stays as it was."""
    served = [r for route in days for r in route]
    if len(served) != len(set(served)):
        return False
    for d in range(search.day_count):
        if sum(len(days[p]) for p in search.siblings[d]) > search.cap:
            return False
    before = search.snapshot()
    _place(search, days)
    if all(search.refresh_day(d) for d in range(search.day_count)):
        search.unblock()
        return True
    search.restore(before)
    return False


def _place(search: SearchState, days: list[list[int]]) -> None:
    """Set every day's items and who serves each request (times are left to the caller:
    unlike :meth:`~.state.SearchState.restore`, whose agenda is known to fit, these days are
    checked before they are kept)."""
    for d in range(search.day_count):
        for item in search.items[d]:
            search.day_of[item] = -1
            search.unserved[item] = True
    for d in range(search.day_count):
        search.items[d] = list(days[d])
        for item in days[d]:
            search.day_of[item] = d
            search.unserved[item] = False
