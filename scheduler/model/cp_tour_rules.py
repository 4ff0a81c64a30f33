"""The CP-SAT constraints of the rules between requests, the daily limits and the balance term.

Mixed into :class:`~scheduler.model.cpmodel.PlannerModel`, which holds ``present`` (day,
request index → literal), ``start`` (→ start minute) and ``model``. The rules name requests
by id; a request the instance does not hold (pruned, or done before a re-plan) is never
served, so the rules about it hold by themselves.

In a delegation the rules ``before`` and ``gap`` are about time, whoever attends (days of
two guests on one date overlap in time); ``apart`` allows one of its requests per tour date
across the delegation; the minute limit, the rest and the balance hold per guest (each model
day is one guest's). A joint request counts once, by its primary.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..domain import TourRule
from .instance import RequestData


class TourRuleConstraints:
    """Rules between requests (before, apart, gap), minutes a day, rest, and the balance term."""

    def _add_tour_rules(self) -> None:
        """Hard rules of tour.toml ``[[rules]]`` and ``[limits]`` beyond those of every tour."""
        self.rule_vars: dict[str, dict] = {"busy": {}, "first": {}, "last": {}, "load": {}}
        for rule in self.instance.rules:
            if rule.kind == "before":
                self._first_ends_before_then_starts(rule)
            elif rule.kind == "apart":
                self._at_most_one_a_day(rule)
            else:
                self._gap_between_any_two(rule)
        if self.instance.minutes_cap is not None:
            self._engagement_minutes_per_day()
        if self.instance.rest:
            self._rest_between_days()

    def _rule_requests(self, ids) -> list[RequestData]:
        by_id = self.instance.primaries()
        return [by_id[request_id] for request_id in ids if request_id in by_id]

    def _first_ends_before_then_starts(self, rule: TourRule) -> None:
        """Forbids a ``then`` request starting before a served ``first`` one has ended.

        On different days the order of the days decides (days never overlap): a ``then`` on
        an earlier day than a ``first`` excludes it; on one day the ``then`` starts no
        earlier than the ``first`` ends.
        """
        m = self.model
        for first in self._rule_requests(rule.first):
            for then in self._rule_requests(rule.then):
                for first_day in first.starts:
                    for then_day in then.starts:
                        both = [self.present[(first_day, first.index)],
                                self.present[(then_day, then.index)]]
                        order = self._day_order(first_day, then_day)
                        if order > 0:
                            m.add_bool_or([literal.Not() for literal in both])
                        elif order == 0 and \
                                first.earliest(first_day) + first.duration > then.latest(then_day):
                            m.add_bool_or([literal.Not() for literal in both])
                        elif order == 0 and \
                                then.earliest(then_day) < first.latest(first_day) + first.duration:
                            m.add(self.start[(then_day, then.index)]
                                  >= self.start[(first_day, first.index)] + first.duration) \
                                .only_enforce_if(both)

    def _day_order(self, a: int, b: int) -> int:
        """-1 when day ``a`` comes before day ``b``, 1 after, 0 for one day or two guests'
        days that overlap in time (days of one guest never overlap)."""
        if a == b:
            return 0
        if not self.instance.is_delegation:
            return -1 if a < b else 1
        first, second = self.instance.days[a], self.instance.days[b]
        if first.end <= second.start:
            return -1
        return 1 if second.end <= first.start else 0

    def _at_most_one_a_day(self, rule: TourRule) -> None:
        """Forbids serving two requests of an ``apart`` rule on one day (in a delegation, on one
        tour date, whoever attends)."""
        members = self._rule_requests(rule.requests)
        groups: dict[int, list] = {}
        for day in self.instance.days:
            group = day.date_index if self.instance.is_delegation else day.index
            groups.setdefault(group, []).extend(
                self.present[(day.index, r.index)] for r in members if day.index in r.starts)
        for literals in groups.values():
            if len(literals) > 1:
                self.model.add_at_most_one(literals)

    def _gap_between_any_two(self, rule: TourRule) -> None:
        """Forbids less than ``minutes`` from the end of one request of a ``gap`` rule to the
        start of the next: on one day each one with its gap after it occupies a stretch the
        others may not overlap; across days the later one starts that long after the other ends.
        """
        m = self.model
        members = self._rule_requests(rule.requests)
        if self.instance.is_delegation:
            # Times are absolute and two guests' days may overlap: one no-overlap over every
            # day says exactly the rule.
            m.add_no_overlap([m.new_optional_fixed_size_interval_var(
                self.start[(d, r.index)], r.duration + rule.minutes, self.present[(d, r.index)],
                f"gap{rule.number}_{r.id}_d{d}") for r in members for d in r.starts])
            return
        for day in self.instance.days:
            d = day.index
            stretches = [m.new_optional_fixed_size_interval_var(
                self.start[(d, r.index)], r.duration + rule.minutes, self.present[(d, r.index)],
                f"gap{rule.number}_{r.id}_d{d}") for r in members if d in r.starts]
            if len(stretches) > 1:
                m.add_no_overlap(stretches)
        for earlier in members:
            for later in members:
                if earlier is later:
                    continue
                for early_day in earlier.starts:
                    for late_day in later.starts:
                        if late_day <= early_day or later.earliest(late_day) >= \
                                earlier.latest(early_day) + earlier.duration + rule.minutes:
                            continue
                        m.add(self.start[(late_day, later.index)]
                              >= self.start[(early_day, earlier.index)] + earlier.duration
                              + rule.minutes).only_enforce_if(
                            [self.present[(early_day, earlier.index)],
                             self.present[(late_day, later.index)]])

    def _engagement_minutes_per_day(self) -> None:
        """Forbids more engagement minutes (durations, set-up and travel aside) on a day than
        ``max_engagement_minutes_per_day``."""
        cap = self.instance.minutes_cap
        for day in self.instance.days:
            served = [(self.present[(day.index, r.index)], r.duration)
                      for r in self.instance.candidates(day.index)]
            if sum(minutes for _, minutes in served) > cap:
                self.model.add(sum(literal * minutes for literal, minutes in served) <= cap)

    def _rest_between_days(self) -> None:
        """Forbids less than the rest from the end of a day's last engagement to the start of
        the set-up of the first engagement of a later day (both days with engagements).

        Only pairs of days whose hours leave less than the rest between them need it.
        """
        days = self.instance.days
        rest = self.instance.rest
        for early, late in self._day_pairs():
            if late.start - early.end >= rest:
                continue
            if not self.instance.candidates(early.index) or not self.instance.candidates(late.index):
                continue
            self.model.add(self._first_of(late.index) - self._last_of(early.index) >= rest) \
                .only_enforce_if([self._busy(early.index), self._busy(late.index)])

    def _day_pairs(self):
        """Each earlier and later day of one guest: in index order for one guest (as ever), in
        time order per guest and on two different dates in a delegation."""
        days = self.instance.days
        if not self.instance.is_delegation:
            return [(early, late) for early in days for late in days[early.index + 1:]]
        pairs = []
        for guest in range(len(self.instance.guests)):
            own = sorted((day for day in days if day.guest == guest), key=lambda day: day.start)
            pairs += [(early, late) for position, early in enumerate(own) for late in own[position + 1:]
                      if late.date_index != early.date_index]
        return pairs

    def _busy(self, d: int) -> cp_model.IntVar:
        """True when the day has an engagement (it may be true on an empty day: only needed one way)."""
        if d not in self.rule_vars["busy"]:
            busy = self.model.new_bool_var(f"busy_d{d}")
            for r in self.instance.candidates(d):
                self.model.add_implication(self.present[(d, r.index)], busy)
            self.rule_vars["busy"][d] = busy
        return self.rule_vars["busy"][d]

    def _first_of(self, d: int) -> cp_model.IntVar:
        """At most the set-up start of every engagement of day ``d``."""
        if d not in self.rule_vars["first"]:
            day = self.instance.days[d]
            first = self.model.new_int_var(day.start, day.end, f"first_setup_d{d}")
            for r in self.instance.candidates(d):
                self.model.add(first <= self.start[(d, r.index)] - r.setup) \
                    .only_enforce_if(self.present[(d, r.index)])
            self.rule_vars["first"][d] = first
        return self.rule_vars["first"][d]

    def _last_of(self, d: int) -> cp_model.IntVar:
        """At least the end of every engagement of day ``d``."""
        if d not in self.rule_vars["last"]:
            day = self.instance.days[d]
            last = self.model.new_int_var(day.start, day.end, f"last_end_d{d}")
            for r in self.instance.candidates(d):
                self.model.add(last >= self.start[(d, r.index)] + r.duration) \
                    .only_enforce_if(self.present[(d, r.index)])
            self.rule_vars["last"][d] = last
        return self.rule_vars["last"][d]

    def _balance_terms(self) -> list:
        """Soft: ``balance_weight × (engagements of the day)²`` for each day, to subtract.

        Unit: objective units per engagement squared. With a given number of engagements the
        sum of squares is least when they are spread evenly; one more engagement on a day
        that has ``c`` costs ``(2c + 1) × balance_weight``. The square is the largest of its
        tangent lines ``(2k + 1)·c − k(k + 1)`` (exact on whole numbers), so it stays linear.
        """
        terms = []
        for day in self.instance.days:
            literals = [self.present[(day.index, r.index)] for r in self.instance.candidates(day.index)]
            most = min(len(literals), self.instance.cap)
            if most == 0:
                continue
            count = sum(literals)
            load = self.model.new_int_var(0, most * most, f"load_squared_d{day.index}")
            for k in range(most):
                self.model.add(load >= (2 * k + 1) * count - k * (k + 1))
            self.rule_vars["load"][day.index] = load
            terms.append(load * self.instance.balance_weight)
        return terms

    def _hint_tour_rules(self, starts: dict[tuple[int, int], int], served: set[tuple[int, int]]) -> None:
        """Hint the variables of this mixin from a complete agenda (``served`` keys, their starts)."""
        m = self.model
        inst = self.instance
        for d, busy in self.rule_vars["busy"].items():
            m.add_hint(busy, any((d, r.index) in served for r in inst.candidates(d)))
        for d, first in self.rule_vars["first"].items():
            setups = [starts[(d, r.index)] - r.setup for r in inst.candidates(d) if (d, r.index) in served]
            m.add_hint(first, min(setups) if setups else inst.days[d].start)
        for d, last in self.rule_vars["last"].items():
            ends = [starts[(d, r.index)] + r.duration for r in inst.candidates(d) if (d, r.index) in served]
            m.add_hint(last, max(ends) if ends else inst.days[d].start)
        for d, load in self.rule_vars["load"].items():
            count = sum(1 for r in inst.candidates(d) if (d, r.index) in served)
            m.add_hint(load, count * count)
