"""Moves between two route days: relocate, swap, 2-opt* and the served-for-unserved swap.

Each move is first checked in O(1) per changed position from the days' cached earliest and
latest starts (:mod:`.routes`), walking forward from the first changed position and stopping
as soon as an engagement starts when it did before (the rest of the day is then unchanged);
a move that passes is applied and both days refreshed (the exact check), and taken back
unless the search key got better. Only on route days (no meal, no remote candidates), and
only when the instance has no joint meetings, no delegation and no rules between requests:
moving engagements between days would otherwise need the checks of :mod:`.tour_rules` and
:mod:`.delegation` on two days at once.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .budget import INTERDAY_KEPT_WORK, INTERDAY_MOVE_WORK, INTERDAY_POSITION_WORK
from .insertion import NO_SCORE

#: Variants of the search (measured in BENCHMARKS.md, "Moves between days"): the local
#: search between days at every agenda better than the current one (``local_search``:
#: kept), or only at a new best one (``only_at_best`` too), an unserved request taking a
#: served one's place that moves to another day (``eject``), and the probability of the
#: string removal replacing the ruin of an iteration (``string_ruin``).
INTERDAY = {"local_search": True, "only_at_best": False, "eject": False, "string_ruin": 0.0}
#: Rounds of the local search over the changed days, at most, per call.
INTERDAY_ROUNDS = 3
#: A check not kept (``arrival_with``).
_UNKNOWN = object()


class InterDayMoves:
    """Local search between days (mixed into :class:`~.state.SearchState`)."""

    def prepare_interday(self) -> None:
        """Which days may exchange engagements, and which pairs of them are the same day
        shifted in time (their earliest and latest starts then hold on each other)."""
        instance = self.instance
        allowed = not (self.delegation or self.joint_members or self.rules_active)
        self.interday_day = [allowed and not self.timeline_day[d] for d in range(self.day_count)]
        self.interday_enabled = sum(self.interday_day) >= 2
        self.in_person = np.array([place >= 0 for place in self.place], dtype=bool)
        self.day_kind: list[object] = [None] * self.day_count
        # Pairs of days of one kind (a 2-opt* may exchange their tails), and whether every
        # request is worth as much on both; kept here because comparing two kinds or two
        # days' gains walks every request, and the moves asked it for each neighbour.
        self.same_kind = [[False] * self.day_count for _ in range(self.day_count)]
        self.same_gains = [[False] * self.day_count for _ in range(self.day_count)]
        self.interday_seen: list[tuple | None] = [None] * self.day_count
        # The checks since the last change of a day (arrival_with).
        self.arrival_memo: dict[tuple, int | None] = {}
        self.arrival_memo_at = -1
        # What the checks' walks read.
        self.walk_constants = (self.travel, self.place, self.setup, self.busy)
        if not self.interday_enabled:
            return
        step = instance.step
        kinds: dict[tuple, tuple] = {}
        for d in range(self.day_count):
            if not self.interday_day[d]:
                continue
            day = self.days[d]
            shift = day.start
            if any(self.pinned[r] and self.start_ranges[d][r] is not None
                   for r in range(self.request_count)):
                continue  # a pinned request belongs to its day: no kind shared with others
            ranges = tuple(
                None if self.start_ranges[d][r] is None
                else (self.start_step[d][r],
                      tuple((low - shift, high - shift) for low, high in self.start_ranges[d][r]))
                for r in range(self.request_count))
            # The hash before the ranges: two kinds that differ mostly differ there at once.
            kind = (day.start_place, day.end_place, day.end - day.start,
                    shift % step if step > 1 else 0, hash(ranges), ranges)
            self.day_kind[d] = kinds.setdefault(kind, kind)  # one object for equal kinds
        for d in range(self.day_count):
            for e in range(self.day_count):
                if self.day_kind[d] is not None and self.day_kind[d] is self.day_kind[e]:
                    self.same_kind[d][e] = True
                    self.same_gains[d][e] = self.gain[d] == self.gain[e]

    # ------------------------------------------------------------------ checks
    def head_state(self, d: int, length: int) -> tuple[int, int]:
        """(free from, place) after the first ``length`` engagements of day ``d``'s route."""
        if length == 0:
            day = self.days[d]
            return day.start, day.start_place
        last = self.route[d][length - 1]
        return self.earliest[d][length - 1] + self.duration[last] + self.buffer, self.place[last]

    def arrival_with(self, d: int, head: int, middle: Sequence[int], tail_day: int,
                     tail_from: int) -> int | None:
        """The arrival at day ``d``'s end place of the route made of day ``d``'s first
        ``head`` engagements, then ``middle``, then day ``tail_day``'s route from position
        ``tail_from``; ``None`` when it does not fit.

        The tail keeps its day's latest starts (shifted when it comes from another day of
        the same kind), so it is checked only until one of its engagements starts when it
        did: the rest of it is then the same, and so is its arrival. Charged
        ``INTERDAY_POSITION_WORK`` for the call, for each engagement of ``middle`` that fits
        and for each position of the tail looked at.

        Kept until a day changes (``refreshes``; charged ``INTERDAY_KEPT_WORK`` then): a swap
        or a 2-opt* is looked at from both of its engagements, and a third to a half of the
        checks of a pass repeat one.
        """
        self.fresh_checks()
        return self.kept_arrival(d, head, middle, tail_day, tail_from)

    def fresh_checks(self) -> None:
        """Forget the checks kept when a day changed since (``refreshes``)."""
        if self.arrival_memo_at != self.refreshes:
            self.arrival_memo.clear()
            self.arrival_memo_at = self.refreshes

    def kept_arrival(self, d: int, head: int, middle: Sequence[int], tail_day: int,
                     tail_from: int) -> int | None:
        """:meth:`arrival_with` once :meth:`fresh_checks` has been called since the last
        change of a day (the moves call it as they start, and :meth:`try_move` after it
        changes a day), not at every check."""
        if type(middle) is not tuple:
            middle = tuple(middle)
        key = (d, head, middle, tail_day, tail_from)
        arrive = self.arrival_memo.get(key, _UNKNOWN)
        if arrive is not _UNKNOWN:
            self.work += INTERDAY_KEPT_WORK
            return arrive
        # The walk, in this one frame (the hottest loop of the moves between days); ``walked``
        # counts what it is charged for.
        travel, place, setup, busy = self.walk_constants
        window = self.window[d]
        day = self.days[d]
        if head:
            last = self.route[d][head - 1]
            free, here = self.earliest[d][head - 1] + busy[last], place[last]
        else:
            free, here = day.start, day.start_place
        walked = 1
        arrive = None
        for r in middle:
            if self.start_ranges[d][r] is None:
                break
            to = place[r]
            arrival = free + travel[here][to] + setup[r]
            bounds = window[r]
            if bounds is not None:
                low, high = bounds
                start = arrival if arrival > low else low
                if start > high:
                    break
            else:
                start = self.earliest_start_from(d, r, arrival)
                if start is None:
                    break
            free, here = start + busy[r], to
            walked += 1
        else:
            route, earliest, latest = \
                self.route[tail_day], self.earliest[tail_day], self.latest[tail_day]
            shift = self.days[tail_day].start - day.start
            length = len(route)
            walked += length - tail_from  # less the positions a stop does not reach
            for position in range(tail_from, length):
                r = route[position]
                to = place[r]
                arrival = free + travel[here][to] + setup[r]
                bounds = window[r]
                if bounds is not None:
                    low, high = bounds
                    start = arrival if arrival > low else low
                    if start > high:
                        walked -= length - 1 - position
                        break
                else:
                    start = self.earliest_start_from(d, r, arrival)
                    if start is None:
                        walked -= length - 1 - position
                        break
                if start > latest[position] - shift:
                    walked -= length - 1 - position
                    break
                if start == earliest[position] - shift:
                    walked -= length - 1 - position
                    arrive = self.days[tail_day].start + self.day_length[tail_day] - shift
                    break
                free, here = start + busy[r], to
            else:
                if walked == 1 and head == 0:  # nothing on the day
                    arrive = day.start + travel[day.start_place][day.end_place]
                else:
                    back = travel[here][day.end_place]
                    arrive = free - self.buffer + (self.buffer + back if back else 0)
                    if arrive > day.end:
                        arrive = None
        self.work += INTERDAY_POSITION_WORK * walked
        self.arrival_memo[key] = arrive
        return arrive

    def kept_insertion(self, d: int, head: int, single: tuple[int], tail_from: int) -> int | None:
        """:meth:`kept_arrival` of ``(d, head, single, d, tail_from)``: one engagement (the
        1-tuple ``single``) put into day ``d``'s own route after its first ``head``, the
        route going on from ``tail_from`` (a relocation, a swap's half, an unserved request
        in a served one's place). The same number, kept and charged alike; most checks of
        the moves between days are of this shape, and this walk has less to look up."""
        key = (d, head, single, d, tail_from)
        arrive = self.arrival_memo.get(key, _UNKNOWN)
        if arrive is not _UNKNOWN:
            self.work += INTERDAY_KEPT_WORK
            return arrive
        r = single[0]
        walked = 1
        if self.start_ranges[d][r] is not None:
            travel, place, setup, busy = self.walk_constants
            route, earliest = self.route[d], self.earliest[d]
            if head:
                last = route[head - 1]
                free, here = earliest[head - 1] + busy[last], place[last]
            else:
                day = self.days[d]
                free, here = day.start, day.start_place
            window = self.window[d]
            to = place[r]
            arrival = free + travel[here][to] + setup[r]
            bounds = window[r]
            if bounds is not None:
                low, high = bounds
                start = arrival if arrival > low else low
                if start > high:
                    start = None
            else:
                start = self.earliest_start_from(d, r, arrival)
            if start is not None:
                free, here = start + busy[r], to
                latest = self.latest[d]
                length = len(route)
                walked += 1 + length - tail_from  # less the positions a stop does not reach
                for position in range(tail_from, length):
                    r = route[position]
                    to = place[r]
                    arrival = free + travel[here][to] + setup[r]
                    bounds = window[r]
                    if bounds is not None:
                        low, high = bounds
                        start = arrival if arrival > low else low
                        if start > high:
                            walked -= length - 1 - position
                            break
                    else:
                        start = self.earliest_start_from(d, r, arrival)
                        if start is None:
                            walked -= length - 1 - position
                            break
                    if start > latest[position]:
                        walked -= length - 1 - position
                        break
                    if start == earliest[position]:
                        walked -= length - 1 - position
                        self.work += INTERDAY_POSITION_WORK * walked
                        arrive = self.arrival_memo[key] = self.days[d].start + self.day_length[d]
                        return arrive
                    free, here = start + busy[r], to
                else:
                    day = self.days[d]
                    buffer = self.buffer
                    back = travel[here][day.end_place]
                    arrive = free - buffer + (buffer + back if back else 0)
                    self.work += INTERDAY_POSITION_WORK * walked
                    arrive = self.arrival_memo[key] = arrive if arrive <= day.end else None
                    return arrive
        self.work += INTERDAY_POSITION_WORK * walked
        self.arrival_memo[key] = None
        return None

    def tour_day_count(self, d: int, changes: dict[int, int]) -> int:
        """Engagements of model day ``d``'s tour day after ``changes`` (day -> new count)."""
        return sum(changes.get(p, self.engagement_count[p]) for p in self.siblings[d])

    # ------------------------------------------------------------------ applying
    def try_move(self, new_routes: dict[int, list[int]], gain_change: int,
                 length_change: int) -> bool:
        """Apply ``new_routes`` (day -> its new route) when the estimate of the search key
        improves and the days' exact refresh agrees; otherwise leave the agenda as it was."""
        if gain_change < 0 or (gain_change == 0 and length_change >= 0):
            return False
        counts = {d: len(route) for d, route in new_routes.items()}
        if any(self.tour_day_count(d, counts) > self.cap for d in new_routes):
            return False
        before = {d: list(self.items[d]) for d in new_routes}
        key_before = self.pair_key(new_routes)
        served_before = {r for items in before.values() for r in items}
        served_after = {r for route in new_routes.values() for r in route}
        for d, route in new_routes.items():
            self.items[d] = list(route)
        ok = all(self.refresh_day(d) for d in new_routes)
        if ok and self.pair_key(new_routes, served_after - served_before,
                                served_before - served_after) > key_before:
            for d, route in new_routes.items():
                for r in route:
                    self.day_of[r] = d
                    self.unserved[r] = False
            for r in served_before - served_after:
                self.day_of[r] = -1
                self.unserved[r] = True
            for d in new_routes:
                for p in self.siblings[d]:
                    self.options_stale[p] = True
            self.fresh_checks()
            return True
        for d, items in before.items():
            self.items[d] = items
        for d in before:
            ok = self.refresh_day(d)
            assert ok
        self.fresh_checks()
        return False

    def pair_key(self, days, added=(), dropped=()) -> tuple[int, int]:
        """The part of the search key that ``days`` hold (objective with the bonus of
        ``added`` less that of ``dropped``, and their time used)."""
        bonus = sum(self.bonus[r] for r in added) - sum(self.bonus[r] for r in dropped)
        return (sum(self.day_objective[d] for d in days) + bonus,
                -sum(self.day_length[d] for d in days))

    def gain_of(self, d: int, r: int) -> int:
        """Gain and search bonus of serving ``r`` on day ``d``."""
        return self.gain[d][r] + self.bonus[r]

    # ------------------------------------------------------------------ the local search
    def interday_search(self) -> bool:
        """First-improvement local search over pairs of route days one of which changed
        since the last call; True when some move was made."""
        if not self.interday_enabled:
            return False
        improved = False
        for _ in range(INTERDAY_ROUNDS):
            changed = [d for d in range(self.day_count) if self.interday_day[d]
                       and self.interday_seen[d] != tuple(self.items[d])]
            if not changed:
                break
            dirty = set(changed)
            # Days a move of this round changes are looked at again in the next one.
            seen = {d: tuple(self.items[d]) for d in changed}
            moved = False
            served = [r for d in range(self.day_count) if self.interday_day[d]
                      for r in self.items[d] if not self.pinned[r]]
            self.random.shuffle(served)
            for r in served:
                if self.deadline.passed():
                    return improved
                if self.day_of[r] >= 0 and self.moves_of_served(r, dirty):
                    moved = True
            unserved = np.flatnonzero(self.unserved & self.in_person).tolist()
            for r in unserved:
                if self.deadline.passed():
                    return improved
                if self.unserved[r] and self.replace_with_unserved(r, dirty):
                    moved = True
            for d, items in seen.items():
                self.interday_seen[d] = items
            improved = improved or moved
            if not moved:
                break
        return improved

    def moves_of_served(self, r: int, dirty: set[int]) -> bool:
        """Relocate ``r`` next to a neighbour on another day, swap the two, or exchange the
        days' tails after them (2-opt*); the first that improves is made."""
        d = self.day_of[r]
        if not self.interday_day[d]:
            return False
        self.work += INTERDAY_MOVE_WORK
        # A move that is not made leaves the days as they were, and the first one made ends
        # the loop: the positions listed stay valid throughout.
        route_d = self.route[d]
        i = route_d.index(r)
        without = unknown = object()  # the arrival of d without r (None: it breaks the day)
        gain_d, bonus, start_ranges_d = self.gain[d], self.bonus, self.start_ranges[d]
        start_d = self.days[d].start
        self.fresh_checks()
        arrival_with, insertion, alone = self.kept_arrival, self.kept_insertion, (r,)
        day_of, interday_day, pinned, routes = self.day_of, self.interday_day, self.pinned, self.route
        every_day = d in dirty  # else only the days that changed
        near = self.nearest_sorted_of.get(r)
        if near is None:
            near = self.nearest_sorted(r)
        # r's nearest requests served on another route day, not pinned, where that day or d
        # changed, read one by one.
        for n in near:
            e = day_of[n]
            if e < 0 or e == d or not (every_day or e in dirty) or not interday_day[e] \
                    or pinned[n]:
                continue
            route_e = routes[e]
            j = route_e.index(n)
            gain_e = self.gain[e]
            old_length = self.day_length[d] + self.day_length[e]
            start_e = self.days[e].start
            serves_r = self.start_ranges[e][r] is not None
            # Relocate r into e, before or after n.
            if serves_r:
                if without is unknown:
                    without = arrival_with(d, i, (), d, i + 1)
                if without is not None:
                    for at in (j, j + 1):
                        arrive = insertion(e, at, alone, at)
                        if arrive is None:
                            continue
                        change = without - start_d + arrive - start_e - old_length
                        gain = (gain_e[r] + bonus[r]) - (gain_d[r] + bonus[r])
                        # try_move's first test, before the new routes are built.
                        if (gain > 0 or (gain == 0 and change < 0)) and self.try_move(
                                {d: route_d[:i] + route_d[i + 1:],
                                 e: route_e[:at] + [r] + route_e[at:]}, gain, change):
                            return True
            # Swap r and n.
            if serves_r and start_ranges_d[n] is not None:
                arrive_d = insertion(d, i, (n,), i + 1)
                arrive_e = insertion(e, j, alone, j + 1) if arrive_d is not None \
                    else None
                if arrive_e is not None:
                    change = arrive_d - start_d + arrive_e - start_e - old_length
                    gain = (gain_d[n] + bonus[n]) + (gain_e[r] + bonus[r]) \
                        - (gain_d[r] + bonus[r]) - (gain_e[n] + bonus[n])
                    if (gain > 0 or (gain == 0 and change < 0)) and self.try_move(
                            {d: route_d[:i] + [n] + route_d[i + 1:],
                             e: route_e[:j] + [r] + route_e[j + 1:]}, gain, change):
                        return True
            # 2-opt*: r then n (d keeps its head to r and takes e's tail from n), and n then r.
            if self.same_kind[d][e]:
                # Every request worth as much on both days: a tail moved changes no gain.
                same_gains = self.same_gains[d][e]
                for head_d, head_e in ((i + 1, j), (i, j + 1)):
                    arrive_d = arrival_with(d, head_d, (), e, head_e)
                    arrive_e = arrival_with(e, head_e, (), d, head_d) \
                        if arrive_d is not None else None
                    if arrive_e is None:
                        continue
                    change = arrive_d - start_d + arrive_e - start_e - old_length
                    if same_gains:
                        gain = 0
                    else:
                        gain = sum(self.gain_of(d, x) - self.gain_of(e, x)
                                   for x in route_e[head_e:]) + \
                            sum(self.gain_of(e, x) - self.gain_of(d, x) for x in route_d[head_d:])
                    if (gain > 0 or (gain == 0 and change < 0)) and self.try_move(
                            {d: route_d[:head_d] + route_e[head_e:],
                             e: route_e[:head_e] + route_d[head_d:]}, gain, change):
                        return True
        return False

    def replace_with_unserved(self, u: int, dirty: set[int]) -> bool:
        """Serve the unserved ``u`` in place of a served neighbour on a changed route day,
        when that is worth more (or as much, in less time).

        The neighbours are ``u``'s nearest requests served on a changed route day, not pinned,
        read one by one: most are worth more than ``u`` and skipped before their position is
        looked for.
        """
        self.work += INTERDAY_MOVE_WORK
        self.fresh_checks()
        eject = INTERDAY["eject"]
        bonus, day_of, interday_day, pinned = self.bonus, self.day_of, self.interday_day, self.pinned
        start_ranges, gains = self.start_ranges, self.gain
        near = self.nearest_sorted_of.get(u)
        if near is None:
            near = self.nearest_sorted(u)
        for n in near:
            e = day_of[n]
            if e < 0 or e not in dirty or not interday_day[e] or pinned[n] \
                    or start_ranges[e][u] is None:
                continue
            gain_e = gains[e]
            gain = (gain_e[u] + bonus[u]) - (gain_e[n] + bonus[n])
            if gain < 0 and not eject:
                continue
            route_e = self.route[e]
            j = route_e.index(n)
            arrive = self.kept_insertion(e, j, (u,), j + 1)
            if arrive is None:
                continue
            change = arrive - self.days[e].start - self.day_length[e]
            replaced = route_e[:j] + [u] + route_e[j + 1:]
            if gain >= 0 and self.try_move({e: replaced}, gain, change):
                return True
            if eject and self.reinsert_elsewhere(n, e, replaced, gain):
                return True
        return False

    def reinsert_elsewhere(self, n: int, e: int, replaced: list[int], gain: int) -> bool:
        """Serve ``n``, which an unserved request replaces on day ``e`` (its route then
        ``replaced``), on another route day where the insertion's cache says it fits."""
        for f in range(self.day_count):
            if f == e or not self.interday_day[f] or self.options_stale[f]:
                continue
            offset = self.row_offsets[f]
            for row in self.rows_of_request[f].get(n, ()):
                if not self.row_score[offset + row] > NO_SCORE:
                    continue
                position = int(self.row_position[offset + row])
                route_f = self.route[f]
                arrive = self.arrival_with(f, position, (n,), f, position)
                if arrive is None:
                    continue
                total = gain + self.gain_of(f, n)
                if total > 0 and self.try_move(
                        {e: replaced, f: route_f[:position] + [n] + route_f[position:]}, total, 0):
                    return True
        return False
