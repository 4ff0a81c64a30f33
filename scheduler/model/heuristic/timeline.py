"""Timeline days (a meal or remote candidates): every item laid out exactly, one after another.

On such a day the guest's timeline - engagements from set-up to end plus buffer, remote
calls likewise, the meal, and each travel leg - holds no overlap. A leg may sit anywhere
between the two engagements it joins; the layout puts it where the rest of the day can start
earliest. A zero-minute leg is an interval too (CP-SAT forbids it strictly inside another),
so on such days the last engagement's buffer ends by the end of the day.
"""

from __future__ import annotations

from typing import NamedTuple

from .budget import GAP_CALL_WORK, GAP_WORK, TIMELINE_ITEM_WORK, TIMELINE_WORK
from .meal import MEAL


class TracedLayout(NamedTuple):
    """A timeline day's last layout, to resume insertions from (see ``TimelineDays.lay_out``)."""

    items: list[int]
    # Per position: (free from, place, origin of the next leg, placeless items pending).
    states: list[tuple]
    free_after: list[int | None]  # when the guest is free after each in-person engagement
    arrival: int


class TimelineDays:
    """Exact layouts of timeline days (mixed into :class:`~.state.SearchState`)."""

    def lay_out(self, d: int, items: list[int], detail: bool = False,
                trace: tuple[list, list] | None = None, insert_at: int | None = None):
        """Lay out a day's items in order, each as early as it can go; ``None`` if it cannot.

        Returns the arrival at the end place, or with ``detail`` a :class:`~.result.DayPlan`-like
        tuple (starts by item position, leg starts by origin, depart, arrive).

        ``trace`` (two lists: empty, and one ``None`` per item) records the layout for the
        insertions of :meth:`best_slot`: the state before each position and the time the guest
        is free after each in-person engagement. With ``insert_at``, ``items`` is the traced
        day (``self.traced[d]``) with one item inserted at that position: the layout resumes
        from the traced state there and stops as soon as an in-person engagement after it ends
        when it ended in the traced layout, since all that follows is then the same.
        """
        day = self.days[d]
        travel, place, setup, duration, buffer = \
            self.travel, self.place, self.setup, self.duration, self.buffer
        starts = [0] * len(items) if detail else None
        legs = {} if detail else None
        depart = day.start
        first_leg = True
        if insert_at is None:
            first = 0
            free, here, origin, pending = day.start, day.start_place, -1, []
            self.work += TIMELINE_WORK + TIMELINE_ITEM_WORK * len(items)
        else:
            first = insert_at
            _, traced_states, traced_free, traced_arrival = self.traced[d]
            free, here, origin, pending = traced_states[insert_at]
            pending = list(pending)
            # Charged for the whole rest of the day, less what an early stop saves.
            self.work += TIMELINE_WORK + TIMELINE_ITEM_WORK * (len(items) - insert_at)
        states, free_after = trace if trace is not None else (None, None)
        for position in range(first, len(items)):
            item = items[position]
            if states is not None:
                states.append((free, here, origin, tuple(pending)))
            if item == MEAL or place[item] < 0:
                pending.append(position)
                continue
            target = place[item]
            gap_end = self.lay_out_gap(d, free, travel[here][target], pending, items, starts, legs,
                                       origin)
            if gap_end is None:
                return None
            gap_empty = not pending
            start = self.earliest_start_from(d, item, gap_end + setup[item])
            if start is None:
                return None
            if detail:
                starts[position] = start
                if first_leg:
                    if gap_empty:  # leave the start place just in time
                        legs[origin] = start - setup[item] - travel[here][target]
                    depart = legs[origin]
            first_leg = False
            free = start + duration[item] + buffer
            here = target
            origin = item
            pending = []
            if free_after is not None:
                free_after[position] = free
            elif insert_at is not None and position > insert_at and \
                    free == traced_free[position - 1]:
                self.work -= TIMELINE_ITEM_WORK * (len(items) - 1 - position)
                return traced_arrival
        if states is not None:
            states.append((free, here, origin, tuple(pending)))
        minutes = travel[here][day.end_place]
        if not pending and not self.timeline_day[d]:
            # Without a timeline the last leg needs the buffer only when there is travel.
            if origin >= 0:
                arrive = free - buffer + (buffer + minutes if minutes else 0)
            else:
                arrive = free + minutes
            if detail:
                legs[origin] = arrive - minutes
        else:
            arrive = self.lay_out_gap(d, free, minutes, pending, items, starts, legs, origin,
                                      final=True)
        if arrive is None or arrive > day.end:
            return None
        if not detail:
            return arrive
        if first_leg:
            depart = legs[origin]
        return starts, legs, depart, arrive

    def lay_out_gap(self, d, free, minutes, pending, items, starts, legs, origin, final=False):
        """Lay out the placeless items between two places and the ``minutes`` leg joining them.

        The leg goes where the gap ends earliest (for the final gap: where it arrives
        earliest). Returns that time, or ``None`` when no placement fits; with ``starts`` and
        ``legs`` (a detailed layout) it records the items' and the leg's starts.
        """
        if not pending:
            if legs is not None:
                legs[origin] = free
            return free + minutes
        best = None
        best_leg_position = 0
        leg_positions = range(len(pending) + 1) if minutes else (len(pending),)
        self.work += GAP_CALL_WORK + GAP_WORK * len(pending) * len(leg_positions)
        for leg_position in leg_positions:
            time = free
            leg_end = None
            fits = True
            for i, position in enumerate(pending):
                if i == leg_position:
                    time += minutes
                    leg_end = time
                time = self.free_after_placeless(d, items[position], time)
                if time is None:
                    fits = False
                    break
            if not fits:
                continue
            if leg_position == len(pending):
                time += minutes
                leg_end = time
            key = leg_end if final else time
            if best is None or key < best:
                best, best_leg_position = key, leg_position
        if best is None:
            return None
        if starts is not None:
            time = free
            for i, position in enumerate(pending):
                if i == best_leg_position:
                    legs[origin] = time
                    time += minutes
                item = items[position]
                start = self.placeless_start(d, item, time)
                starts[position] = start
                time = start + (self.days[d].meal_minutes if item == MEAL
                                else self.duration[item] + self.buffer)
            if best_leg_position == len(pending):
                legs[origin] = time
        return best

    def placeless_start(self, d: int, item: int, time: int) -> int | None:
        """Earliest start of a placeless item (meal or remote request) once the guest is free."""
        if item == MEAL:
            earliest, latest = self.meal_ranges[d][0]
            start = max(time, earliest)
            return start if start <= latest else None
        return self.earliest_start_from(d, item, time + self.setup[item])

    def free_after_placeless(self, d: int, item: int, time: int) -> int | None:
        """When the guest is free again after a placeless item placed as early as it can go."""
        start = self.placeless_start(d, item, time)
        if start is None:
            return None
        if item == MEAL:
            return start + self.days[d].meal_minutes
        return start + self.duration[item] + self.buffer

    # ------------------------------------------------------------------ exact insertion
    def slots_before(self, d: int, route_position: int) -> range:
        """Slots of ``items[d]`` inside the gap before the in-person engagement at
        ``route_position`` of the route (after the last one: up to the end of the day)."""
        items = self.items[d]
        in_person = [i for i, item in enumerate(items) if item != MEAL and self.place[item] >= 0]
        low = in_person[route_position - 1] + 1 if route_position > 0 else 0
        high = in_person[route_position] if route_position < len(in_person) else len(items)
        return range(low, high + 1)

    def best_slot(self, d: int, r: int, slots) -> tuple[int, int] | None:
        """The slot where ``r`` fits with the earliest arrival, and that arrival; slot -1
        when only moving the meal makes room (the new items are in ``meal_moves``)."""
        items = self.items[d]
        best = None
        resume = self.traced[d] is not None and self.traced[d][0] == items
        for slot in slots:
            trial = items[:slot] + [r] + items[slot:]
            arrive = self.lay_out(d, trial, insert_at=slot if resume else None)
            if arrive is not None and (best is None or arrive < best[1]):
                best = (slot, arrive)
        if best is not None or MEAL not in items:
            return best
        # Moving the meal may make room: try every place for it around ``r``.
        meal = items.index(MEAL)
        without_meal = items[:meal] + items[meal + 1:]
        tried = set()
        for slot in slots:
            slot = slot - 1 if slot > meal else slot
            if slot in tried:
                continue
            tried.add(slot)
            with_r = without_meal[:slot] + [r] + without_meal[slot:]
            if self.lay_out(d, with_r) is None:
                continue  # it does not fit even without the meal: no place for the meal helps
            for meal_slot in range(len(with_r) + 1):
                trial = with_r[:meal_slot] + [MEAL] + with_r[meal_slot:]
                arrive = self.lay_out(d, trial)
                if arrive is not None and (best is None or arrive < best[1]):
                    best = (-1, arrive)
                    self.meal_moves[(d, r)] = trial
        return best
