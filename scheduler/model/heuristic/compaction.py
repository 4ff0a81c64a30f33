"""Compaction: move single items within a day while that brings the arrival earlier."""

from __future__ import annotations

import numpy as np

from .budget import MOVE_POSITION_WORK, MOVE_WORK, NEAREST_CANDIDATES_PER_OPERATION, NEAREST_WORK
from .meal import MEAL

#: Days longer than this many items move each engagement only near its neighbours.
GRANULAR_FROM = 16
#: How many nearest engagements a move may land next to (granular compaction).
GRANULAR_NEIGHBOURS = 10


class Compaction:
    """Compaction of a day (mixed into :class:`~.state.SearchState`)."""

    def compact_day(self, d: int) -> bool:
        """Move single items (engagements, the meal) within day ``d`` while that brings the
        arrival earlier; True when some move did."""
        items = self.items[d]
        if len(items) < 2 or self.compacted[d]:
            return False
        route = not self.timeline_day[d]  # in-person engagements only: the fast check applies
        improved = False
        current = None if route else self.lay_out(d, items)
        for _ in range(3):
            if route:
                current = self.day_length[d] + self.days[d].start
            for i, j in self.relocation_pairs(items):
                if self.deadline.passed():
                    break
                if route:
                    arrive = self.route_arrival_after_move(d, i, j)
                    trial = None
                else:
                    trial = moved(items, i, j)
                    arrive = self.lay_out(d, trial)
                if arrive is not None and arrive < current:
                    before_move = list(items)
                    items[:] = trial if trial is not None else moved(items, i, j)
                    # The fast check needs the new day's earliest and latest starts; a move
                    # may break a rule between requests (an order, a gap, the rest).
                    if (route or self.rules_active) and not self.refresh_day(d):
                        items[:] = before_move
                        ok = self.refresh_day(d)
                        assert ok
                        continue
                    current = arrive
                    improved = True
                    break
            else:
                break
        if improved and not route:
            ok = self.refresh_day(d)
            assert ok
        self.compacted[d] = True
        return improved

    def relocations(self, items: list[int]):
        """Every order with one item moved elsewhere, in a fixed order (pinned ones stay):
        ``(from position, to position, new order)``; see :meth:`relocation_pairs`."""
        for i, j in self.relocation_pairs(items):
            yield i, j, moved(items, i, j)

    def relocation_pairs(self, items: list[int]):
        """Every move of one item elsewhere, in a fixed order (pinned ones stay), as ``(from
        position, to position)``: the new order is ``moved(items, i, j)``, built only for the
        moves that need it (a route day's check reads it from the route as it is).

        On a long day (more than ``GRANULAR_FROM`` items) an engagement moves only next to
        one of its ``GRANULAR_NEIGHBOURS`` nearest engagements of that day, or by at most two
        places: the other moves seldom bring the arrival earlier, and trying them all is
        cubic in the day's length (four fifths of the search on 50-engagement days).
        """
        count = len(items)
        granular = count > GRANULAR_FROM
        pinned = self.pinned
        # The caller changes ``items`` only after the last pair it takes: the positions hold.
        position_of = {other: k for k, other in enumerate(items)} if granular else None
        for i in range(count):
            item = items[i]
            if item != MEAL and pinned[item]:
                continue
            targets = self.near_positions_in(item, items, i, position_of) \
                if granular and item != MEAL else range(count)
            for j in targets:
                if j != i:
                    yield i, j

    def near_positions(self, item: int, rest: list[int], i: int) -> list[int]:
        """Positions of ``rest`` (the day without ``item``, which stood at ``i``) where
        ``item`` lands next to one of its nearest engagements, or within two of ``i``."""
        return self.near_positions_in(item, rest[:i] + [item] + rest[i:], i)

    def near_positions_in(self, item: int, items: list[int], i: int,
                          position_of: dict[int, int] | None = None) -> list[int]:
        """:meth:`near_positions` read from the day as it is (``items``, ``item`` at ``i``;
        ``position_of``, when given, each item's position in ``items``)."""
        near = self.nearest_of(item)
        wanted = set(range(max(0, i - 2), min(len(items) - 1, i + 2) + 1))
        found = [k for k, other in enumerate(items) if other in near] if position_of is None \
            else [position_of[other] for other in near if other in position_of]
        # ``item`` is not among its own nearest: past ``i`` a position moves one down.
        for position in found:
            if position > i:
                position -= 1
            wanted.add(position)
            wanted.add(position + 1)
        return sorted(wanted)

    def nearest_of(self, item: int) -> frozenset[int]:
        """The ``GRANULAR_NEIGHBOURS`` requests nearest ``item`` (travel both ways), cached."""
        cache = self.nearest_cache
        near = cache.get(item)
        if near is None:
            place, travel = self.place, self.travel_array
            here = place[item]
            if here < 0:
                near = frozenset()
            else:
                others = [r for r in range(self.request_count) if r != item and place[r] >= 0]
                places = np.array([place[r] for r in others], dtype=np.int64)
                distance = travel[here, places] + travel[places, here] if others else places
                order = np.argsort(distance, kind="stable")[:GRANULAR_NEIGHBOURS]
                near = frozenset(others[k] for k in order.tolist())
                self.work += NEAREST_WORK + len(others) // NEAREST_CANDIDATES_PER_OPERATION
            cache[item] = near
        return near

    def nearest_sorted(self, item: int) -> list[int]:
        """:meth:`nearest_of` in increasing order of request index, cached."""
        near = self.nearest_sorted_of.get(item)
        if near is None:
            near = self.nearest_sorted_of[item] = sorted(self.nearest_of(item))
        return near

    def route_arrival_after_move(self, d: int, i: int, j: int) -> int | None:
        """The arrival of the day's route with the engagement at ``i`` moved to ``j`` (the
        order ``moved(route, i, j)``) on a day without a timeline, when it is earlier than
        now; else ``None``.

        The check starts at the first position the move changes, from the day's current
        earliest times, and gives up as soon as an engagement after both changed positions
        starts no earlier than it does now (the rest of the day is then the same or later).
        The new order is read from the route as it is, not built.
        """
        day = self.days[d]
        earliest, latest, route = self.earliest[d], self.latest[d], self.route[d]
        travel, place, setup, busy = self.travel, self.place, self.setup, self.busy
        window = self.window[d]
        first, last = (i, j) if i < j else (j, i)
        # Between the two changed positions the others move one place towards ``i``.
        step = 1 if i < j else -1
        length = len(route)
        if first == 0:
            free, here = day.start, day.start_place
        else:
            before = route[first - 1]
            free, here = earliest[first - 1] + busy[before], place[before]
        arrive = None
        moving = route[i]
        position = first
        fits = True
        # Between the changed positions: each engagement, then the tail while it starts
        # earlier than now. Two loops with the same few lines rather than one with a test of
        # the position: this is the search's hottest loop (BENCHMARKS.md, "Large days,
        # cheaper again"), as the one-range window written inline is (``state._windows``).
        for position in range(first, last + 1):
            item = moving if position == j else route[position + step]
            to = place[item]
            arrival = free + travel[here][to] + setup[item]
            bounds = window[item]
            if bounds is not None:
                low, high = bounds
                start = arrival if arrival > low else low
                if start > high:
                    fits = False
                    break
            else:
                start = self.earliest_start_from(d, item, arrival)
                if start is None:
                    fits = False
                    break
            free, here = start + busy[item], to
        if fits:
            for position in range(last + 1, length):
                item = route[position]
                to = place[item]
                arrival = free + travel[here][to] + setup[item]
                bounds = window[item]
                if bounds is not None:
                    low, high = bounds
                    start = arrival if arrival > low else low
                    if start > high:
                        fits = False
                        break
                else:
                    start = self.earliest_start_from(d, item, arrival)
                    if start is None:
                        fits = False
                        break
                if start >= earliest[position] or start > latest[position]:
                    fits = False
                    break
                free, here = start + busy[item], to
        if fits:
            buffer = self.buffer
            back = travel[here][day.end_place]
            arrive = free - buffer + (buffer + back if back else 0)
            if arrive > day.end:
                arrive = None
        # Charged for the positions checked: on a long day most checks stop after a few.
        self.work += MOVE_WORK + MOVE_POSITION_WORK * (position + 1 - first)
        return arrive


def moved(items: list[int], i: int, j: int) -> list[int]:
    """``items`` with the item at ``i`` moved to position ``j`` of the result."""
    rest = items[:i] + items[i + 1:]
    return rest[:j] + [items[i]] + rest[j:]
