"""The rules between requests and the daily limits, kept by the search as the model keeps them.

The model's terms (:mod:`scheduler.model.cp_tour_rules`): a ``before`` rule's ``then`` starts
no earlier than a served ``first`` ends; two requests of an ``apart`` rule never share a day;
two of a ``gap`` rule are ``minutes`` apart, end to start; a day's engagement minutes stay
within the limit; from a day's last engagement end to the set-up of a later day's first
engagement lies the rest. Every day is laid out as early as it goes (the starts the agenda
will have), and a change to a day that breaks a rule against the other days is refused.
"""

from __future__ import annotations

from .meal import MEAL


class TourRuleChecks:
    """Rule checks and the times they need (mixed into :class:`~.state.SearchState`)."""

    def prepare_tour_rules(self) -> None:
        """Per request, the others each rule ties it to; the caches the checks read."""
        instance = self.instance
        request_count, day_count = self.request_count, self.day_count
        self.rules_active = instance.has_tour_rules or self.delegation_rules_needed()
        self.minutes_cap = instance.minutes_cap
        self.rest = instance.rest
        self.balance_weight = instance.balance_weight
        index_of = {request_id: request.index for request_id, request in instance.primaries().items()}
        self.apart_partners: list[set[int]] = [set() for _ in range(request_count)]
        self.follows: list[set[int]] = [set() for _ in range(request_count)]  # firsts of a then
        self.precedes: list[set[int]] = [set() for _ in range(request_count)]  # thens of a first
        self.gap_partners: list[dict[int, int]] = [{} for _ in range(request_count)]
        for rule in instance.rules:
            if rule.kind == "before":
                for first in (index_of[i] for i in rule.first if i in index_of):
                    for then in (index_of[i] for i in rule.then if i in index_of):
                        self.precedes[first].add(then)
                        self.follows[then].add(first)
                continue
            members = [index_of[i] for i in rule.requests if i in index_of]
            for r in members:
                for other in members:
                    if other == r:
                        continue
                    if rule.kind == "apart":
                        self.apart_partners[r].add(other)
                    else:
                        self.gap_partners[r][other] = max(self.gap_partners[r].get(other, 0),
                                                          rule.minutes)
        self.placed_start: list[int | None] = [None] * request_count
        self.day_bounds: list[tuple[int, int] | None] = [None] * day_count
        self.blocked: list[set[int]] = [set() for _ in range(day_count)]
        self.check_tour_rules = True  # off while restoring an agenda known to keep them

    def balance_cost(self, count: int) -> int:
        """The balance term of a day with ``count`` engagements (objective units)."""
        return self.balance_weight * count * count

    def tour_rules_hold(self, d: int, items: list[int], starts_by_position: list[int]) -> bool:
        """Whether day ``d`` laid out with these starts keeps every rule against the other days;
        when it does (or checks are off) its times become the ones the checks read."""
        starts = {item: starts_by_position[p] for p, item in enumerate(items) if item != MEAL}
        if self.check_tour_rules and not self._day_keeps_rules(d, starts):
            return False
        for r, start in starts.items():
            self.placed_start[r] = start
        self.day_bounds[d] = self._bounds(starts)
        return True

    def _bounds(self, starts: dict[int, int]) -> tuple[int, int] | None:
        if not starts:
            return None
        return (min(start - self.setup[r] for r, start in starts.items()),
                max(start + self.duration[r] for r, start in starts.items()))

    def _day_keeps_rules(self, d: int, starts: dict[int, int]) -> bool:
        if self.delegation:
            return self.delegation_keeps_rules(d, starts)
        duration, day_of = self.duration, self.day_of
        if self.minutes_cap is not None and sum(duration[r] for r in starts) > self.minutes_cap:
            return False
        for r, start in starts.items():
            if any(other in starts for other in self.apart_partners[r]):
                return False
            for first in self.follows[r]:
                if first in starts:
                    if start < starts[first] + duration[first]:
                        return False
                elif day_of[first] > d:
                    return False
            for then in self.precedes[r]:
                if then not in starts and 0 <= day_of[then] < d:
                    return False
            for other, minutes in self.gap_partners[r].items():
                if other in starts:
                    other_start = starts[other]
                elif day_of[other] >= 0 and day_of[other] != d:
                    other_start = self.placed_start[other]
                else:
                    continue
                if start < other_start + duration[other] + minutes and \
                        other_start < start + duration[r] + minutes:
                    return False
        return self._rest_kept(d, self._bounds(starts))

    def _rest_kept(self, d: int, bounds: tuple[int, int] | None) -> bool:
        """The rest from the nearest earlier day with engagements, and to the nearest later one."""
        if not self.rest or bounds is None:
            return True
        earlier = next((self.day_bounds[e] for e in range(d - 1, -1, -1)
                        if self.day_bounds[e] is not None), None)
        later = next((self.day_bounds[e] for e in range(d + 1, self.day_count)
                      if self.day_bounds[e] is not None), None)
        if earlier is not None and bounds[0] - earlier[1] < self.rest:
            return False
        return later is None or later[0] - bounds[1] >= self.rest

    def excluded_on(self, d: int) -> set[int]:
        """Requests an insertion on day ``d`` would surely break a rule with (or that broke one
        there already: ``blocked``), so that the search does not try them again."""
        if self.delegation:
            return self.delegation_excluded_on(d)
        excluded = set(self.blocked[d])
        if not self.rules_active:
            return excluded
        items = [item for item in self.items[d] if item != MEAL]
        for r in items:
            excluded |= self.apart_partners[r]
        if self.minutes_cap is not None:
            left = self.minutes_cap - sum(self.duration[r] for r in items)
            excluded |= {r for r in self.candidates[d] if self.duration[r] > left}
        for r in range(self.request_count):
            served_on = self.day_of[r]
            if served_on > d:
                excluded |= self.precedes[r]
            elif 0 <= served_on < d:
                excluded |= self.follows[r]
        return excluded

    def unblock(self) -> None:
        """Forget refused insertions: the agenda they were refused in has changed."""
        for blocked in self.blocked:
            blocked.clear()
