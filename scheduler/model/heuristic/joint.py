"""Joint meetings in the search: a primary and its shadows placed, moved and removed as one unit.

A joint request is one primary on its first guest's days and a shadow on each other guest's
days (:mod:`scheduler.model.instance`); the model serves them all on one tour date at one
start minute (:mod:`scheduler.model.cp_delegation`). The search does the same:

- a unit is inserted on a date at a common start, each member on its guest's day at the
  position where that day arrives earliest, and kept only when every guest's day stays
  feasible and the delegation's rules hold (each insertion is a day refresh, which checks
  them); otherwise every member is taken out again;
- a placed member's start ranges on its day are that one minute (as for a pinned request),
  so every later move of the day (insertion, compaction, the meal) keeps it there: the unit
  moves only by being removed and inserted again;
- removing one member removes the unit.

Outside a placement a member has no start ranges in the search (its own are kept in
``joint_ranges``), so the greedy insertion never offers it on its own.
"""

from __future__ import annotations

from .budget import JOINT_POSITION_WORK, JOINT_ROOM_WORK

#: Starts tried per interval of common free time, and per date, when inserting a unit.
STARTS_PER_INTERVAL = 3
STARTS_PER_DATE = 8
#: Minutes between the starts tried in one interval of common free time.
START_SPACING = 30


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _intersect(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return _merge([(max(a, c), min(b, d)) for a, b in first for c, d in second
                   if max(a, c) <= min(b, d)])


class JointMeetings:
    """Joint units: insertion, removal and the snapshot's part (mixed into
    :class:`~.state.SearchState`)."""

    def prepare_joint(self) -> None:
        """Each joint unit's members and their own start ranges, out of the search's ranges."""
        instance = self.instance
        self.unit_of = [-1] * self.request_count  # member -> the unit's primary (-1: none)
        self.joint_members: dict[int, tuple[int, ...]] = {}  # primary -> primary, shadows
        self.joint_ranges: dict[int, dict[int, tuple]] = {}  # member -> day -> its ranges
        self.joint_step: dict[int, dict[int, int]] = {}
        self.joint_start: dict[int, int] = {}  # primary -> common start, while served
        self.pinned_joint: dict[int, tuple[int, int]] = {}  # primary -> (date, start)
        for shadow in instance.requests:
            if shadow.is_shadow:
                members = self.joint_members.setdefault(shadow.joint_of, (shadow.joint_of,))
                self.joint_members[shadow.joint_of] = members + (shadow.index,)
        for primary, members in self.joint_members.items():
            for r in members:
                self.unit_of[r] = primary
                self.joint_ranges[r] = dict(instance.requests[r].starts)
                self.joint_step[r] = {d: self.start_step[d][r] for d in instance.requests[r].starts}
                for d in range(self.day_count):
                    self.start_ranges[d][r] = None
        # Mandatory units first, then the most valuable (the order construction tries them in).
        self.joint_order = sorted(self.joint_members,
                                  key=lambda p: (not self.mandatory[p], -self.value[p], p))

    def joint_dates(self, primary: int) -> list[int]:
        """The tour dates (indices) on which every member of the unit has a day, in order."""
        dates = None
        for r in self.joint_members[primary]:
            own = {self.days[d].date_index for d in self.joint_ranges[r]}
            dates = own if dates is None else dates & own
        return sorted(dates or ())

    def pin_joint(self, primary: int, day: int, start: int) -> bool:
        """Pin a unit at ``start`` on the date of its primary's ``day``; False if it cannot be."""
        days = self.instance.days  # the state's own ``days`` is not set yet when pinning
        date = days[day].date_index
        if not self._allowed(primary, day, start):
            return False
        for r in self.joint_members[primary]:
            kept = {d: ((start, start),) for d in self.joint_ranges[r]
                    if days[d].date_index == date and self._allowed(r, d, start)}
            if r == primary:
                kept = {day: ((start, start),)}
            if not kept:
                return False
            self.joint_ranges[r] = kept
            self.joint_step[r] = {d: 1 for d in kept}
            self.pinned[r] = True
        self.pinned_joint[primary] = (date, start)
        return True

    # ------------------------------------------------------------------ insertion
    def _allowed(self, r: int, d: int, start: int) -> bool:
        ranges = self.joint_ranges[r].get(d)
        if not ranges:
            return False
        step = self.joint_step[r][d]
        return (step == 1 or start % step == 0) and any(low <= start <= high for low, high in ranges)

    def _free_for(self, d: int, r: int) -> list[tuple[int, int]]:
        """Starts of member ``r`` on day ``d`` that the day's in-person route leaves room for
        (necessary, not sufficient, on a day with a meal or calls), within its ranges."""
        ranges = list(self.joint_ranges[r].get(d, ()))
        if not ranges or self.day_is_full(d):
            return []
        if self.place[r] < 0:
            return ranges
        day = self.days[d]
        route, earliest, latest = self.route[d], self.earliest[d], self.latest[d]
        travel, place, setup, duration, buffer = \
            self.travel, self.place, self.setup, self.duration, self.buffer
        target = place[r]
        free, here = day.start, day.start_place
        room = []
        for position in range(len(route) + 1):
            if position:
                before = route[position - 1]
                free, here = earliest[position - 1] + duration[before] + buffer, place[before]
            low = free + travel[here][target] + setup[r]
            if position < len(route):
                following = route[position]
                high = latest[position] - setup[following] - travel[target][place[following]] \
                    - buffer - duration[r]
            else:
                high = ranges[-1][1]
            if low <= high:
                room.append((low, high))
        self.work += JOINT_ROOM_WORK + JOINT_POSITION_WORK * len(route)
        return _intersect(_merge(room), ranges)

    def _starts_to_try(self, primary: int, date: int) -> list[int]:
        """Common starts of the unit on ``date``, earliest first, a few per interval."""
        common = None
        for r in self.joint_members[primary]:
            free = _merge([piece for d in self._parts(r, date) for piece in self._free_for(d, r)])
            common = free if common is None else _intersect(common, free)
            if not common:
                return []
        step = max(max(self.joint_step[r].get(d, 1) for d in self._parts(r, date))
                   for r in self.joint_members[primary])
        starts = []
        for low, high in common:
            start = -(-low // step) * step
            for _ in range(STARTS_PER_INTERVAL):
                if start > high:
                    break
                starts.append(start)
                start += -(-START_SPACING // step) * step
        return starts[:STARTS_PER_DATE]

    def _parts(self, r: int, date: int) -> list[int]:
        return [d for d in self.joint_ranges[r] if self.days[d].date_index == date]

    def _insert_fixed(self, d: int, r: int, start: int) -> bool:
        """Insert member ``r`` on day ``d`` at exactly ``start``, where the day arrives earliest."""
        self.start_ranges[d][r] = ((start, start),)
        self.start_step[d][r] = 1
        items = self.items[d]
        before = list(items)
        if self.timeline_day[d]:
            found = self.best_slot(d, r, range(len(items) + 1))
            if found is not None:
                if found[0] < 0:
                    items[:] = self.meal_moves.pop((d, r))
                else:
                    items.insert(found[0], r)
                if self.refresh_day(d):
                    return True
        else:
            for position in range(len(items) + 1):
                items.insert(position, r)
                if self.refresh_day(d):
                    return True
                items.pop(position)
        items[:] = before
        ok = self.refresh_day(d)
        assert ok
        self.start_ranges[d][r] = None
        return False

    def _place_unit(self, primary: int, date: int, start: int) -> list[tuple[int, int, list]] | None:
        """Every member on its guest's day of ``date`` at ``start``: (day, member, the day's
        items before) for each, or ``None`` (nothing changed) when some member does not fit."""
        done: list[tuple[int, int, list]] = []
        for r in self.joint_members[primary]:
            for d in self._parts(r, date):
                if not self._allowed(r, d, start) or self.day_is_full(d):
                    continue
                before = list(self.items[d])
                if self._insert_fixed(d, r, start):
                    self.day_of[r] = d
                    self.unserved[r] = False
                    done.append((d, r, before))
                    break
            else:
                self._take_back(done)
                return None
        self.joint_start[primary] = start
        return done

    def _take_back(self, done: list[tuple[int, int, list]]) -> None:
        """Undo a placement: each day back to its items before, in reverse order."""
        self.check_tour_rules = False  # the days go back to an agenda that kept the rules
        try:
            for d, r, before in reversed(done):
                self.items[d][:] = before
                ok = self.refresh_day(d)
                assert ok
                self.start_ranges[d][r] = None
                self.day_of[r] = -1
                self.unserved[r] = True
        finally:
            self.check_tour_rules = True
        if done:
            self.joint_start.pop(self.unit_of[done[0][1]], None)

    def insert_joint(self, primary: int, dates: list[int] | None = None,
                     first_start: int | None = None, noise: float = 0.0, force: bool = False) -> bool:
        """Serve the unit of ``primary`` at the date and common start that improve the
        objective most (with ``noise``, each date's gain times a random factor in
        [1 - noise, 1 + noise] and its starts tried in random order); False when it fits
        nowhere, or (unless ``force``: a hint, a pin) when it would lower the objective.
        ``dates`` limits the dates; ``first_start`` is tried first on each."""
        if self.day_of[primary] >= 0:
            return True
        if primary in self.pinned_joint:
            dates, first_start = [self.pinned_joint[primary][0]], self.pinned_joint[primary][1]
        best = None
        for date in (dates if dates is not None else self.joint_dates(primary)):
            starts = self._starts_to_try(primary, date)
            if noise:
                self.random.shuffle(starts)
            if first_start is not None:
                starts = [first_start] + [s for s in starts if s != first_start]
            days = {d for r in self.joint_members[primary] for d in self._parts(r, date)}
            for start in starts:
                before = sum(self.day_objective[d] for d in days)
                done = self._place_unit(primary, date, start)
                if done is None:
                    continue
                gain = sum(self.day_objective[d] for d in days) - before
                self._take_back(done)
                if noise:
                    gain *= 1.0 + noise * (2.0 * self.random.random() - 1.0)
                if best is None or gain > best[0]:
                    best = (gain, date, start)
                break
        if best is None or (best[0] + self.bonus[primary] <= 0 and not force):
            return False
        done = self._place_unit(primary, best[1], best[2])
        if done is None:
            return False
        if self.rules_active:
            self.unblock()
        return True

    def insert_joint_units(self, noise: float = 0.0, blink: float = 0.0) -> None:
        """Try every unserved unit, mandatory ones first, then the most valuable; with
        ``blink``, an optional one is skipped with that probability."""
        for primary in self.joint_order:
            if self.day_of[primary] >= 0 or self.deadline.passed():
                continue
            if blink and not self.mandatory[primary] and self.random.random() < blink:
                continue
            self.insert_joint(primary, noise=noise)

    # ------------------------------------------------------------------ removal
    def remove_joint(self, member: int) -> bool:
        """Take the whole unit of ``member`` out; kept (False) when a day would break."""
        primary = self.unit_of[member]
        if self.pinned[primary]:
            return False
        taken = []
        for r in self.joint_members[primary]:
            d = self.day_of[r]
            if d < 0:
                continue
            items = self.items[d]
            before = list(items)
            items.remove(r)
            if not self.refresh_day(d):
                items[:] = before
                ok = self.refresh_day(d)
                assert ok
                self._restore_members(taken)
                return False
            taken.append((d, r, before))
        for d, r, _ in taken:
            self.start_ranges[d][r] = None
            self.day_of[r] = -1
            self.unserved[r] = True
        self.joint_start.pop(primary, None)
        if self.rules_active:
            self.unblock()
        return True

    def _restore_members(self, taken: list[tuple[int, int, list]]) -> None:
        self.check_tour_rules = False
        try:
            for d, _, before in reversed(taken):
                self.items[d][:] = before
                ok = self.refresh_day(d)
                assert ok
        finally:
            self.check_tour_rules = True

    # ------------------------------------------------------------------ snapshots
    def joint_days_changed(self, starts: dict[int, int]) -> set[int]:
        """The days whose joint members start elsewhere in ``starts`` than now."""
        changed = set()
        for primary, members in self.joint_members.items():
            if self.joint_start.get(primary) != starts.get(primary):
                changed |= {d for r in members for d in self.joint_ranges[r]}
        return changed

    def set_joint_starts(self, starts: dict[int, int]) -> None:
        """Fix each served member's ranges to its unit's start in ``starts`` (after a restore
        has put the items and ``day_of`` back)."""
        for primary, members in self.joint_members.items():
            for r in members:
                for d in self.joint_ranges[r]:
                    self.start_ranges[d][r] = None
                if primary in starts and self.day_of[r] >= 0:
                    d = self.day_of[r]
                    self.start_ranges[d][r] = ((starts[primary], starts[primary]),)
                    self.start_step[d][r] = 1
        self.joint_start = dict(starts)
