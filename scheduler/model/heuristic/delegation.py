"""A delegation in the search: each guest's days as days of their own, and what ties them.

Every guest's day is a day of the search like any other (its route, meal and calls), so the
moves need nothing new. What this mixin adds, in the model's terms
(:mod:`scheduler.model.cp_delegation`, :mod:`scheduler.model.cp_tour_rules`):

- joint requests (their primary and its shadows) are placed, moved and removed as one unit,
  on one date at one start minute for every guest (:mod:`.joint`);
- a shared resource is in one place at a time: two engagements of different guests that
  use it (the resource each would get: the first candidate whose hours hold it, as the
  hint and the agenda take) leave it the buffer and the travel between them;
- ``before`` and ``gap`` are judged in time, across the guests; ``apart`` allows one
  request per tour date across the delegation; the rest holds between one guest's days.

Every day is laid out as early as it goes, and a change to a day that breaks one of these
against the other days is refused, as for the rules between requests (:mod:`.tour_rules`).
"""

from __future__ import annotations

from ..extract import assign_resources
from .budget import DELEGATION_EXCLUDED_WORK, DELEGATION_RULES_WORK, RESOURCE_USE_WORK
from .meal import MEAL


class DelegationChecks:
    """Checks across a delegation's guests (mixed into :class:`~.state.SearchState`)."""

    def prepare_delegation(self) -> None:
        """Joint units apart from the greedy insertion (:mod:`.joint`); the caches the checks read."""
        instance = self.instance
        self.delegation = instance.is_delegation
        self.prepare_joint()
        if not self.delegation:
            return
        self.need_requests = [r.index for r in instance.requests if r.needs and not r.is_shadow]
        days = instance.days
        # Each guest's days in time order, for the rest between one guest's days.
        self.guest_days = {}
        for day in sorted(days, key=lambda day: day.start):
            self.guest_days.setdefault(day.guest, []).append(day.index)

    def delegation_rules_needed(self) -> bool:
        """Whether the checks of a delegation must run (rules, or shared resources)."""
        return self.delegation and (self.instance.has_tour_rules or bool(self.need_requests))

    def _order(self, a: int, b: int) -> int:
        """-1 when day ``a`` ends before day ``b`` starts, 1 when after, else 0."""
        if a == b:
            return 0
        first, second = self.days[a], self.days[b]
        if first.end <= second.start:
            return -1
        return 1 if second.end <= first.start else 0

    def delegation_keeps_rules(self, d: int, starts: dict[int, int]) -> bool:
        """Whether day ``d`` with ``starts`` keeps every rule against the other days."""
        duration, day_of, placed = self.duration, self.day_of, self.placed_start
        self.work += DELEGATION_RULES_WORK
        if self.minutes_cap is not None and sum(duration[r] for r in starts) > self.minutes_cap:
            return False
        date = self.days[d].date_index
        for r, start in starts.items():
            for other in self.apart_partners[r]:
                elsewhere = day_of[other]
                if other in starts or (elsewhere >= 0 and elsewhere != d
                                       and self.days[elsewhere].date_index == date):
                    return False
            for first in self.follows[r]:
                if first in starts:
                    if start < starts[first] + duration[first]:
                        return False
                elif day_of[first] >= 0 and day_of[first] != d:
                    order = self._order(day_of[first], d)
                    if order > 0 or (order == 0 and start < placed[first] + duration[first]):
                        return False
            for then in self.precedes[r]:
                if then not in starts and day_of[then] >= 0 and day_of[then] != d:
                    order = self._order(day_of[then], d)
                    if order < 0 or (order == 0 and placed[then] < start + duration[r]):
                        return False
            for other, minutes in self.gap_partners[r].items():
                if other in starts:
                    other_start = starts[other]
                elif day_of[other] >= 0 and day_of[other] != d:
                    other_start = placed[other]
                else:
                    continue
                if start < other_start + duration[other] + minutes and \
                        other_start < start + duration[r] + minutes:
                    return False
        return self._guest_rest_kept(d, self._bounds(starts)) and self.resources_free(d, starts)

    def _guest_rest_kept(self, d: int, bounds: tuple[int, int] | None) -> bool:
        """The rest from the guest's nearest earlier busy day on another date, and to the next."""
        if not self.rest or bounds is None:
            return True
        own = self.guest_days[self.days[d].guest]
        position = own.index(d)
        date = self.days[d].date_index
        earlier = next((self.day_bounds[e] for e in reversed(own[:position])
                        if self.day_bounds[e] is not None and self.days[e].date_index != date), None)
        later = next((self.day_bounds[e] for e in own[position + 1:]
                      if self.day_bounds[e] is not None and self.days[e].date_index != date), None)
        if earlier is not None and bounds[0] - earlier[1] < self.rest:
            return False
        return later is None or later[0] - bounds[1] >= self.rest

    def resources_used(self, d: int, r: int, start: int) -> tuple[int, ...]:
        """The resources (indices) ``r`` started at ``start`` on day ``d`` gets (charged with
        the comparisons :meth:`resources_free` makes of them)."""
        self.work += RESOURCE_USE_WORK
        chosen = assign_resources(self.instance, self.instance.requests[r], d, start)
        return tuple(self.instance.resources.index(resource) for resource in chosen)

    def resources_free(self, d: int, starts: dict[int, int]) -> bool:
        """Whether no shared resource of ``starts`` is with another guest too close in time."""
        if not self.need_requests:
            return True
        guest = self.days[d].guest
        others = []
        for o in self.need_requests:
            elsewhere = self.day_of[o]
            if elsewhere >= 0 and elsewhere != d and o not in starts and \
                    self.days[elsewhere].guest != guest:
                start = self.placed_start[o]
                others.append((o, start, self.resources_used(elsewhere, o, start)))
        if not others:
            return True
        for r, start in starts.items():
            if not self.instance.requests[r].needs:
                continue
            used = self.resources_used(d, r, start)
            for o, other_start, other_used in others:
                for resource in set(used) & set(other_used):
                    if not self.apart_in_time(resource, r, start, o, other_start):
                        return False
        return True

    def apart_in_time(self, resource: int, a: int, a_start: int, b: int, b_start: int) -> bool:
        """Whether ``resource`` can go from ``a`` to ``b`` or from ``b`` to ``a`` in time."""
        requests = self.instance.requests
        return a_start + self.duration[a] + self.instance.resource_gap(resource, requests[a], requests[b]) \
            <= b_start - self.setup[b] or \
            b_start + self.duration[b] + self.instance.resource_gap(resource, requests[b], requests[a]) \
            <= a_start - self.setup[a]

    def delegation_excluded_on(self, d: int) -> set[int]:
        """Requests an insertion on day ``d`` would surely break a rule with."""
        self.work += DELEGATION_EXCLUDED_WORK
        excluded = set(self.blocked[d])
        date = self.days[d].date_index
        for r in range(self.request_count):
            elsewhere = self.day_of[r]
            if elsewhere >= 0 and self.days[elsewhere].date_index == date:
                excluded |= self.apart_partners[r]
        if self.minutes_cap is not None:
            items = [item for item in self.items[d] if item != MEAL]
            left = self.minutes_cap - sum(self.duration[r] for r in items)
            excluded |= {r for r in self.candidates[d] if self.duration[r] > left}
        return excluded
