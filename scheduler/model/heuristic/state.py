"""The search state: the problem in lists of ints, each day's items and their cached times.

Throughout the package ``d`` is a day index, ``r`` a request index, and a day's ``items`` is
its sequence of request indices and :data:`~.meal.MEAL`. What the state keeps, in the model's
own terms (:mod:`scheduler.model.cpmodel`):

- each request starts inside one of its start ranges of that day, on the time step when its
  ranges are on the step grid (``RequestData.starts`` already holds only such starts);
- set-up (``setup`` minutes before the start), then the engagement, then the buffer, then
  the travel leg to the next place: ``start_b - setup_b >= start_a + duration_a + buffer +
  travel`` (the buffer even between two engagements at the same place); from the day's start
  place ``start - setup >= depart + travel`` with ``depart >= day start``; back to the end
  place the buffer counts only when there is travel (the pruned ranges hold that rule);
- on a day with a meal or remote candidates (the model's no-overlap days, "timeline days")
  every item of the guest's timeline - engagements from set-up to end plus buffer, remote
  calls likewise, the meal, and each travel leg - is laid out one after the other without
  overlap (:mod:`.timeline`); the other days are routes of in-person engagements
  (:mod:`.routes`);
- the cap per day, each request at most once, pinned requests fixed on their day and minute;
- the rules between requests, the engagement minutes a day and the rest between days
  (:mod:`.tour_rules`), checked on the day's laid-out starts against the other days;
- in a delegation, what ties the guests' days together (:mod:`.delegation`).
"""

from __future__ import annotations

import random
from typing import Mapping

import numpy as np

from ..instance import Instance
from .budget import REFRESH_ITEM_WORK, REFRESH_WORK
from .clock import NO_DEADLINE
from .compaction import Compaction
from .delegation import DelegationChecks
from .insertion import Insertion
from .interday import InterDayMoves
from .joint import JointMeetings
from .meal import MEAL, meal_range
from .route_options import RouteDayOptions
from .routes import RouteDays
from .ruin import Ruin
from .string_removal import StringRemoval
from .timeline import TimelineDays, TracedLayout
from .tour_rules import TourRuleChecks


class SearchState(RouteDays, TimelineDays, Insertion, RouteDayOptions, Ruin, StringRemoval,
                  Compaction, InterDayMoves, TourRuleChecks, DelegationChecks, JointMeetings):
    """The state and moves of one search. Lists of ints, numpy for the vectorised checks.

    The moves live in the mixins, one file each: route and timeline days, insertion
    (recreate), removal (ruin, string removal), compaction and the moves between days. ``feasible`` is False when the search cannot
    even start (a pinned request off its ranges, a meal or an empty day that cannot fit).
    """

    def __init__(self, instance: Instance, seed: int, pinned: Mapping[str, tuple[int, int]],
                 previous: Mapping[str, tuple[int, int]], change_costs) -> None:
        self.instance = instance
        self.random = random.Random(seed)
        self.numpy_random = np.random.Generator(np.random.PCG64(seed))
        request_count = self.request_count = len(instance.requests)
        day_count = self.day_count = len(instance.days)
        self.travel = [list(row) for row in instance.travel]
        self.travel_array = np.array(instance.travel, dtype=np.int64) \
            .reshape(len(instance.travel), -1) \
            if instance.travel else np.zeros((1, 1), dtype=np.int64)
        self.buffer = instance.buffer
        self.cap = instance.cap
        self.value_weight = instance.value_weight
        self.travel_weight = instance.travel_weight
        self.span_weight = instance.span_weight
        requests = instance.requests
        self.duration = [request.duration for request in requests]
        self.setup = [request.setup for request in requests]
        # An engagement's duration and the buffer after it, summed once for the route walks.
        self.busy = [duration + self.buffer for duration in self.duration]
        self.place = [(-1 if request.place is None else request.place) for request in requests]
        self.value = [request.value for request in requests]
        self.mandatory = [request.mandatory for request in requests]
        self.feasible = True
        # Start ranges and the step their starts keep, per day and request.
        self.start_ranges: list[list[tuple | None]] = \
            [[None] * request_count for _ in range(day_count)]
        self.start_step: list[list[int]] = [[1] * request_count for _ in range(day_count)]
        step = instance.step
        for request in requests:
            for d, ranges in request.starts.items():
                self.start_ranges[d][request.index] = tuple(ranges)
                on_grid = all(low % step == 0 and high % step == 0 for low, high in ranges)
                self.start_step[d][request.index] = step if (step > 1 and on_grid) else 1
        self.prepare_delegation()
        self._pin(pinned)
        self._windows()
        self._price(pinned, previous, change_costs)
        self._classify_days()
        # What an insertion uses up: its share of the day's hours plus its share of the
        # day's engagements (the cap); value per share is what insertion ranks by.
        self.time_unit = [1.0 / max(1, day.end - day.start) for day in instance.days]
        self.slot_unit = 1.0 / max(1, self.cap)
        self.build_candidate_rows()
        # State.
        self.items: list[list[int]] = \
            [[MEAL] if self.days[d].has_meal else [] for d in range(day_count)]
        self.day_of = [-1] * request_count  # the day serving each request, -1 when unserved
        self.engagement_count = [0] * day_count
        # The model days sharing a tour day (fixed legs split a day), for the cap per day.
        self.siblings = [instance.siblings(day.index) for day in instance.days]
        self.earliest: list[list[int]] = [[] for _ in range(day_count)]  # per route position
        self.latest: list[list[int]] = [[] for _ in range(day_count)]  # per route position
        self.route: list[list[int]] = [[] for _ in range(day_count)]  # in-person order
        self.day_objective = [0] * day_count  # gains - travel - span of each day
        # Earliest arrival at the end place minus the day's start (breaks ties).
        self.day_length = [0] * day_count
        self.unserved = np.ones(request_count, dtype=bool)
        self.work = 0
        self.refreshes = 0  # days' times recomputed so far: a change of the agenda
        self.deadline = NO_DEADLINE  # the wall clock's stop, checked between moves (clock.py)
        self.options_stale = [True] * day_count  # the day's insertion options need evaluating
        self.compacted = [False] * day_count  # compacted since the day last changed
        self.options_rule: list[tuple[float, float] | None] = [None] * day_count
        self.meal_moves: dict[tuple[int, int], list[int]] = {}  # (day, request) -> new items
        # Timeline days: the day's last layout (see TracedLayout), to resume insertions from.
        self.traced: list[tuple | None] = [None] * day_count
        # Each request's nearest ones (compaction's nearest_of), and in index order.
        self.nearest_cache: dict[int, frozenset[int]] = {}
        self.nearest_sorted_of: dict[int, list[int]] = {}
        self.prepare_tour_rules()
        self.prepare_interday()
        self.prepare_options_cache()
        for d in range(day_count):
            if self.feasible and not self.refresh_day(d):
                self.feasible = False  # even the empty day does not fit (meal window, travel)

    def _pin(self, pinned: Mapping[str, tuple[int, int]] | None) -> None:
        """Pinned requests: one allowed start on one day, never removed."""
        self.index_of = {request_id: request.index
                         for request_id, request in self.instance.primaries().items()}
        self.pinned = [False] * self.request_count
        for request_id, (pinned_day, pinned_start) in (pinned or {}).items():
            r = self.index_of.get(request_id)
            if r is not None and r in self.joint_members and 0 <= pinned_day < self.day_count:
                self.feasible = self.pin_joint(r, pinned_day, pinned_start) and self.feasible
                continue
            if r is None or not (0 <= pinned_day < self.day_count) or \
                    self.start_ranges[pinned_day][r] is None or \
                    not self.allowed_start(pinned_day, r, pinned_start):
                self.feasible = False
                continue
            for d in range(self.day_count):
                self.start_ranges[d][r] = None
            self.start_ranges[pinned_day][r] = ((pinned_start, pinned_start),)
            self.start_step[pinned_day][r] = 1
            self.pinned[r] = True

    def _windows(self) -> None:
        """Per day, the one start range ``(low, high)`` of each request whose starts are every
        minute of one range, else ``None`` (several ranges, a time step, not a candidate, a
        joint meeting's member, whose ranges change as it moves): the hot checks take the
        earliest and latest start of such a request inline instead of calling
        :meth:`earliest_start_from` and :meth:`latest_start_by`."""
        self.window: list[list[tuple[int, int] | None]] = [
            [ranges[0] if ranges is not None and len(ranges) == 1 and steps[r] == 1
             and self.unit_of[r] < 0 else None
             for r, ranges in enumerate(day_ranges)]
            for day_ranges, steps in zip(self.start_ranges, self.start_step)]

    def _price(self, pinned, previous, change_costs) -> None:
        """What serving a request on a day is worth, in objective units (change costs
        included), and the search-only bonus of mandatory and pinned requests."""
        request_count, day_count = self.request_count, self.day_count
        self.gain = [[0] * request_count for _ in range(day_count)]
        self.fixed_objective = 0  # objective part that does not depend on the agenda (drop costs)
        previous_placement = {}
        for request_id, (previous_day, previous_start) in (previous or {}).items():
            r = self.index_of.get(request_id)
            if r is not None and request_id not in (pinned or {}):
                previous_placement[r] = (previous_day, previous_start)
        self.previous_placement: dict[int, tuple[int, int]] = previous_placement
        for r in range(request_count):
            for d in range(day_count):
                if self.start_ranges[d][r] is None and d not in self.joint_ranges.get(r, ()):
                    continue
                gain = self.value_weight * self.value[r]
                if r in previous_placement and change_costs is not None:
                    gain += change_costs.drop
                    if d != previous_placement[r][0]:
                        gain -= change_costs.move_day
                self.gain[d][r] = gain
        for r, _ in previous_placement.items():
            if change_costs is not None and change_costs.drop:
                self.fixed_objective -= change_costs.drop
        self.shift_cost = change_costs.shift if change_costs is not None else 0
        # Search-only bonus: mandatory and pinned requests come before anything else.
        top = max([abs(gain) for row in self.gain for gain in row] + [1])
        self.bonus = [(top * 4 * (request_count + 1)
                       if (self.mandatory[r] or self.pinned[r]) else 0)
                      for r in range(request_count)]
        self.bonus_requests = [r for r in range(request_count) if self.bonus[r]]

    def _classify_days(self) -> None:
        """Which days are timelines (a meal or remote candidates), and their meal ranges."""
        self.days = self.instance.days
        self.timeline_day = [False] * self.day_count
        self.meal_ranges: list[tuple | None] = [None] * self.day_count
        for day in self.instance.days:
            d = day.index
            # The model's no-overlap applies to days with remote candidates (also pinned away).
            self.timeline_day[d] = self.instance.timeline_day(d) or any(
                self.start_ranges[d][r] is not None and self.place[r] < 0
                for r in range(self.request_count))
            if day.has_meal:
                self.meal_ranges[d] = meal_range(day)
                if self.meal_ranges[d] is None:
                    self.feasible = False

    # ------------------------------------------------------------------ start ranges
    def allowed_start(self, d: int, r: int, start: int) -> bool:
        """Whether ``r`` may start at minute ``start`` on day ``d``."""
        step = self.start_step[d][r]
        if step > 1 and start % step:
            return False
        return any(low <= start <= high for low, high in self.start_ranges[d][r])

    def earliest_start_from(self, d: int, r: int, minute: int) -> int | None:
        """The earliest allowed start of ``r`` on day ``d`` at or after ``minute``."""
        for low, high in self.start_ranges[d][r]:
            if minute <= high:
                if minute <= low:
                    return low
                step = self.start_step[d][r]
                return -(-minute // step) * step if step > 1 else minute
        return None

    def latest_start_by(self, d: int, r: int, minute: int) -> int | None:
        """The latest allowed start of ``r`` on day ``d`` at or before ``minute``."""
        for low, high in reversed(self.start_ranges[d][r]):
            if minute >= low:
                if minute >= high:
                    return high
                step = self.start_step[d][r]
                return minute // step * step if step > 1 else minute
        return None

    # ------------------------------------------------------------------ day cache
    def refresh_day(self, d: int, changed_at: int | None = None) -> bool:
        """Recompute the cached times and objective of day ``d``; False if it is infeasible.

        ``changed_at``: on a route day, the position where one engagement was just put in or
        taken out (the route otherwise as the day's cached one; see :meth:`route_times`)."""
        items = self.items[d]
        # A route day holds in-person engagements only (remote candidates make a timeline).
        if self.timeline_day[d]:
            route = [item for item in items if item != MEAL and self.place[item] >= 0]
            changed_at = None
        else:
            route = list(items)
        times = self.route_times(d, route, changed_at)
        if times is None:
            return False
        earliest, latest = times
        if self.timeline_day[d]:
            trace = ([], [None] * len(items))
            layout = self.lay_out(d, items, detail=True, trace=trace)
            if layout is None:
                return False
            starts, legs, depart, arrive = layout
            if self.rules_active and not self.tour_rules_hold(d, items, starts):
                return False
            self.traced[d] = TracedLayout(list(items), trace[0], trace[1], arrive)
            travel, span = self.travel_and_span(d, route, earliest, arrive, depart) \
                if self.travel_weight or self.span_weight else (0, 0)
        else:
            day = self.days[d]
            if route:
                last = route[-1]
                back = self.travel[self.place[last]][day.end_place]
                arrive = earliest[-1] + self.duration[last] + (self.buffer + back if back else 0)
            else:
                arrive = day.start + self.travel[day.start_place][day.end_place]
            if arrive > day.end:
                return False
            if self.rules_active and not self.tour_rules_hold(
                    d, items, self.lay_out(d, items, detail=True)[0]):
                return False
            # Without weights on them (the TOPTW benchmarks) the day's minutes go unused.
            travel, span = self.travel_and_span(d, route, earliest, arrive) \
                if self.travel_weight or self.span_weight else (0, 0)
        self.route[d], self.earliest[d], self.latest[d] = route, earliest, latest
        gain = self.gain[d]
        gains = sum([gain[item] for item in items if item != MEAL]) if self.timeline_day[d] \
            else sum(map(gain.__getitem__, route))
        self.engagement_count[d] = len(items) - (1 if self.days[d].has_meal else 0)
        self.day_objective[d] = gains - self.travel_weight * travel - self.span_weight * span \
            - self.balance_cost(self.engagement_count[d])
        self.day_length[d] = arrive - self.days[d].start
        self.options_stale[d] = True
        self.compacted[d] = False
        self.refreshes += 1
        self.work += REFRESH_WORK + REFRESH_ITEM_WORK * len(items)
        return True

    # ------------------------------------------------------------------ agenda as a whole
    def objective(self) -> int:
        """The objective of the current agenda, without the fixed part (drop costs)."""
        return sum(self.day_objective)

    def search_key(self) -> tuple[int, int]:
        """Objective (with the search-only bonus) and, to break ties, time left in the days."""
        day_of = self.day_of
        bonus = sum([self.bonus[r] for r in self.bonus_requests if day_of[r] >= 0])
        return self.objective() + bonus, -sum(self.day_length)

    def snapshot(self) -> list:
        """The items of every day, then (with joint requests) the start of each joint unit
        served: enough to restore this agenda."""
        days = [list(items) for items in self.items]
        return days + [dict(self.joint_start)] if self.joint_members else days

    def restore(self, snapshot: list) -> None:
        """Go back to the agenda of ``snapshot``, refreshing only the days that differ."""
        joint_starts = snapshot[self.day_count] if self.joint_members else {}
        moved = self.joint_days_changed(joint_starts) if self.joint_members else set()
        changed = [d for d in range(self.day_count) if snapshot[d] != self.items[d] or d in moved]
        for d in changed:
            for item in self.items[d]:
                if item != MEAL:
                    self.day_of[item] = -1
                    self.unserved[item] = True
            self.items[d] = list(snapshot[d])
        for d in changed:
            for item in self.items[d]:
                if item != MEAL:
                    self.day_of[item] = d
                    self.unserved[item] = False
        if self.joint_members:
            self.set_joint_starts(joint_starts)
        # The snapshot kept every rule; checked day by day against days not yet restored
        # it might not seem to.
        self.check_tour_rules = False
        try:
            for d in changed:
                ok = self.refresh_day(d)
                assert ok
        finally:
            self.check_tour_rules = True
        if changed:
            self.unblock()

    def day_is_full(self, d: int) -> bool:
        """Whether the tour day of model day ``d`` holds the cap's number of engagements (the
        guest's, in a delegation)."""
        parts = self.siblings[d]
        if len(parts) == 1:
            return self.engagement_count[d] >= self.cap
        return sum(self.engagement_count[p] for p in parts) >= self.cap
