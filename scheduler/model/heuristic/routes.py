"""Route days (no meal, no remote candidates): earliest and latest starts of the engagements.

On these days an insertion check is O(1) per (candidate, position): each day keeps, per
engagement of its route, its earliest start (forward) and the latest start that still lets
the rest of the day happen (backward), both exact for several start ranges and the step grid.
The same test filters the candidates of timeline days before their exact layout.
"""

from __future__ import annotations

from operator import add, sub

import numpy as np

#: A latest start no engagement reaches (after the last engagement of a route).
NO_LIMIT = 1 << 60
#: The quick scoring's keys of cells that fit are below ``UNFIT`` (2 ** 30); the others are
#: all ones, read unsigned (``route_options.py``).
UNFIT_BIT = 30
UNFIT = 1 << UNFIT_BIT
#: A latest arrival no engagement reaches, for the int32 arrays of the quick scoring: every
#: time they hold is below a quarter of it, so a time subtracted from it stays in int32.
NARROW_LIMIT = UNFIT


class RouteDays:
    """Times of a day's in-person route (mixed into :class:`~.state.SearchState`)."""

    def route_times(self, d: int, route: list[int],
                    changed_at: int | None = None) -> tuple[list[int], list[int]] | None:
        """Earliest and latest starts of an in-person sequence (rules without the timeline);
        ``None`` when the sequence does not fit.

        The day's cached route is a consistent start: an engagement's earliest start depends
        only on the route up to it and its latest start only on the route from it, so the
        earliest starts of the part both routes begin with and the latest starts of the part
        both end with are kept, not computed again (not with joint meetings, whose members'
        ranges change as they move). And the walks stop early: once an engagement of the
        common end starts as early as it did, so do all after it (each earliest start follows
        from the one before and the two engagements); once one of the common beginning has the
        latest start it had, so do all before it. The same numbers as computing them all.

        ``changed_at``: ``route`` is the day's cached route with one engagement put in or
        taken out at that position, so the parts both routes begin and end with are known
        without comparing them (every engagement of a route is another request).
        """
        day = self.days[d]
        travel, place, setup, busy = self.travel, self.place, self.setup, self.busy
        window = self.window[d]
        length = len(route)
        old = self.route[d] if not self.joint_members else ()
        old_length = len(old)
        most = min(length, old_length)
        if changed_at is not None and old:
            prefix, suffix = changed_at, most - changed_at
        else:
            prefix = 0
            while prefix < most and route[prefix] == old[prefix]:
                prefix += 1
            suffix = 0
            most -= prefix
            while suffix < most and route[length - 1 - suffix] == old[old_length - 1 - suffix]:
                suffix += 1
        if prefix:
            earliest = self.earliest[d][:prefix]
            last = route[prefix - 1]
            free, here = earliest[-1] + busy[last], place[last]
        else:
            earliest = []
            free, here = day.start, day.start_place
        keep = length - suffix
        old_earliest = self.earliest[d]
        moved = old_length - length  # a position of the common end, in the old route
        for position in range(prefix, length):
            r = route[position]
            to = place[r]
            arrival = free + travel[here][to] + setup[r]
            bounds = window[r]
            if bounds is not None:
                low, high = bounds
                start = arrival if arrival > low else low
                if start > high:
                    return None
            else:
                start = self.earliest_start_from(d, r, arrival)
                if start is None:
                    return None
            earliest.append(start)
            if position >= keep and start == old_earliest[position + moved]:
                earliest += old_earliest[position + moved + 1:]
                break
            free, here = start + busy[r], to
        old_latest = self.latest[d]
        if suffix:
            latest = [0] * keep + old_latest[old_length - suffix:]
            following = route[keep]
        else:
            latest = [0] * length
            following = None
        for position in range(keep - 1, -1, -1):
            r = route[position]
            if following is None:
                limit = self.start_ranges[d][r][-1][1]
            else:
                minute = latest[position + 1] - setup[following] \
                    - travel[place[r]][place[following]] - busy[r]
                bounds = window[r]
                if bounds is not None:
                    low, high = bounds
                    if minute < low:
                        return None
                    limit = minute if minute < high else high
                else:
                    limit = self.latest_start_by(d, r, minute)
                    if limit is None:
                        return None
            latest[position] = limit
            if position < prefix and limit == old_latest[position]:
                latest[:position] = old_latest[:position]
                break
            following = r
        return earliest, latest

    def travel_and_span(self, d: int, route: list[int], earliest: list[int], arrive: int,
                        depart: int | None = None) -> tuple[int, int]:
        """(travel minutes, span) of a day whose route has earliest starts ``earliest``."""
        day = self.days[d]
        travel, place = self.travel, self.place
        here = day.start_place
        minutes = 0
        for r in route:
            minutes += travel[here][place[r]]
            here = place[r]
        minutes += travel[here][day.end_place]
        if depart is None:
            if route:
                first = route[0]
                depart = earliest[0] - self.setup[first] - travel[day.start_place][place[first]]
            else:
                depart = arrive - travel[day.start_place][day.end_place]
        return minutes, arrive - depart

    def route_positions(self, d: int, narrow: bool = False):
        """Per insertion position of day ``d``'s route (before each engagement, then before
        the end place): when the guest is free, the places before and after, the latest
        arrival the next engagement allows, the arrival without the insertion and its travel.

        With ``narrow``, the first five in int32 (the latest arrival before the end place
        :data:`NARROW_LIMIT`) for :meth:`~.insertion.Insertion.quick_options`.
        """
        day = self.days[d]
        route, earliest, latest = self.route[d], self.earliest[d], self.latest[d]
        travel, place, duration, buffer, setup = \
            self.travel, self.place, self.duration, self.buffer, self.setup
        if narrow:
            # The same five columns as below, built as one flat list (one conversion).
            places = list(map(place.__getitem__, route))
            free_from = [day.start]
            free_from += map(add, earliest, map(self.busy.__getitem__, route))
            place_before = [day.start_place] + places
            places.append(day.end_place)
            columns = free_from + place_before + places
            columns += map(sub, latest, map(setup.__getitem__, route))
            columns.append(NARROW_LIMIT)
            columns += [free + travel[before][after]
                        for free, before, after in zip(free_from, place_before, places)]
            columns = np.array(columns, dtype=np.int32).reshape(5, -1)
            return columns[0], columns[1], columns[2], columns[3], columns[4]
        places = [place[r] for r in route]
        free_from = [day.start] + [start + duration[r] + buffer
                                   for start, r in zip(earliest, route)]
        place_before = [day.start_place] + places
        place_after = places + [day.end_place]
        arrive_by = [start - setup[r] for start, r in zip(latest, route)]
        direct_travel = [travel[before][after] for before, after in zip(place_before, place_after)]
        direct_arrival = [free + minutes for free, minutes in zip(free_from, direct_travel)]
        arrive_by.append(NO_LIMIT)
        columns = np.array((free_from, place_before, place_after, arrive_by, direct_arrival,
                            direct_travel), dtype=np.int64)
        return columns[0], columns[1], columns[2], columns[3], columns[4], columns[5]
