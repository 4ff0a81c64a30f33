"""Compaction: move single items within a day while that brings the arrival earlier."""

from __future__ import annotations

from .meal import MEAL


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
            for i, j, trial in self.relocations(items):
                if self.deadline.passed():
                    break
                arrive = self.route_arrival_after_move(d, trial, i, j) if route \
                    else self.lay_out(d, trial)
                if arrive is not None and arrive < current:
                    before_move = list(items)
                    items[:] = trial
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
        ``(from position, to position, new order)``."""
        count = len(items)
        for i in range(count):
            item = items[i]
            if item != MEAL and self.pinned[item]:
                continue
            rest = items[:i] + items[i + 1:]
            for j in range(count):
                if j != i:
                    yield i, j, rest[:j] + [item] + rest[j:]

    def route_arrival_after_move(self, d: int, trial: list[int], i: int, j: int) -> int | None:
        """The arrival of ``trial`` (the day's route with the engagement at ``i`` moved to
        ``j``) on a day without a timeline, when it is earlier than now; else ``None``.

        The check starts at the first position the move changes, from the day's current
        earliest times, and gives up as soon as an engagement after both changed positions
        starts no earlier than it does now (the rest of the day is then the same or later).
        """
        day = self.days[d]
        earliest, latest = self.earliest[d], self.latest[d]
        travel, place, setup, duration, buffer = \
            self.travel, self.place, self.setup, self.duration, self.buffer
        first, last = (i, j) if i < j else (j, i)
        length = len(trial)
        self.work += 20 + 12 * (length - first)
        if first == 0:
            free, here = day.start, day.start_place
        else:
            before = trial[first - 1]
            free, here = earliest[first - 1] + duration[before] + buffer, place[before]
        for position in range(first, length):
            item = trial[position]
            start = self.earliest_start_from(d, item,
                                             free + travel[here][place[item]] + setup[item])
            if start is None or (position > last and
                                 (start > latest[position] or start >= earliest[position])):
                return None
            free = start + duration[item] + buffer
            here = place[item]
        back = travel[here][day.end_place]
        arrive = free - buffer + (buffer + back if back else 0)
        return arrive if arrive <= day.end else None
