"""The CP-SAT model of the agenda: variables, one method per rule, the objective.

Each day is a circuit over its in-person candidates between two depot nodes: node 0 is the
day's start place (the guest leaves at ``depart``), node 1 its end place (the guest is back
at ``arrive``); the arc 1 → 0 closes the circuit. A skipped node carries a self-loop.
Remote engagements are not in the circuit: they sit on the guest's timeline beside the
in-person engagements, the travel legs and the meal, in a no-overlap constraint.

Hard rules (constraints) come first, those of tour.toml ``[[rules]]``, the daily limits and
the choice of shared resources and what ties a delegation's guests together last
(:mod:`.cp_tour_rules`, :mod:`.cp_resources`, :mod:`.cp_delegation`); the
objective holds the soft part: value served, travel, the span of each working day, and
(when weighted) the balance of the load over the days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
from ortools.sat.python import cp_model

from .cp_delegation import DelegationConstraints
from .cp_resources import ResourceConstraints
from .cp_tour_rules import TourRuleConstraints
from .instance import DayData, Instance, RequestData

START, END = 0, 1


@dataclass(frozen=True, slots=True)
class ChangeCosts:
    """What each change to a previous agenda costs, in objective units (re-planning).

    The defaults make any change cost less than one value point (1000 units with the default
    weights) only when it is a shift within the day; moving to another day costs more than
    most engagements' gain from it, and dropping a scheduled engagement costs most.
    """

    shift: int = 500
    move_day: int = 5_000
    drop: int = 20_000


class ModelOutOfTime(RuntimeError):
    """Building the model was stopped: the clock's deadline passed (the solve then keeps the
    heuristic's agenda)."""


class PinError(ValueError):
    """A pinned engagement cannot be placed where it is pinned (no such day or start)."""

    def __init__(self, request_id: str):
        self.request_id = request_id
        super().__init__(f"pinned engagement {request_id!r} cannot stay where it is")


@dataclass
class DayVariables:
    """The variables of one day."""

    day: DayData
    depart: cp_model.IntVar
    arrive: cp_model.IntVar
    nodes: list[RequestData] = field(default_factory=list)  # node k+2 is nodes[k]
    arcs: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    remotes: list[RequestData] = field(default_factory=list)
    meal_start: cp_model.IntVar | None = None
    leg_start: dict[int, cp_model.IntVar] = field(default_factory=dict)  # node -> leg start
    leg_minutes: dict[int, cp_model.IntVar] = field(default_factory=dict)  # node -> leg length
    leg_end: dict[int, cp_model.IntVar] = field(default_factory=dict)  # node -> leg end

    def place_of(self, node: int) -> int:
        if node == START:
            return self.day.start_place
        if node == END:
            return self.day.end_place
        return self.nodes[node - 2].place


def shortest_travel(travel) -> list[list[int]]:
    """Shortest travel minutes between places over any chain of places (Floyd-Warshall):
    travel times need not obey the triangle inequality."""
    table = np.array(travel, dtype=np.int64).reshape(len(travel), -1)
    for k in range(len(table)):
        np.minimum(table, table[:, k:k + 1] + table[k:k + 1, :], out=table)
    return table.tolist()


def fits_in_order(instance: Instance, day: int, first: RequestData, second: RequestData,
                  travel: int) -> bool:
    """Whether ``second``'s set-up can start ``travel`` minutes plus the buffer after ``first``
    ends, from ``first``'s earliest start to ``second``'s latest on ``day``."""
    return first.earliest(day) + first.duration + instance.buffer + travel \
        <= second.latest(day) - second.setup


def exclusive_pairs(instance: Instance, day: int, requests: list[RequestData],
                    shortest: list[list[int]]) -> list[tuple[RequestData, RequestData]]:
    """The pairs of ``requests`` that cannot both be served on ``day``, in either order.

    Served in the order (first, second), the second one's set-up starts at least the buffer and
    the ``shortest`` travel between their places after the first one ends, whatever lies
    between them; no travel when either is remote (their occupancies, buffer included, must
    simply not overlap). A pair is exclusive when that fails from the first one's earliest
    start to the second one's latest, in both orders.
    """
    pairs = []
    for i, first in enumerate(requests):
        for second in requests[i + 1:]:
            remote = first.remote or second.remote
            there = 0 if remote else shortest[first.place][second.place]
            back = 0 if remote else shortest[second.place][first.place]
            if not fits_in_order(instance, day, first, second, there) and \
                    not fits_in_order(instance, day, second, first, back):
                pairs.append((first, second))
    return pairs


#: Arcs between two looks at the clock while their rules are added (a few milliseconds).
CLOCK_EVERY_ARCS = 500


class PlannerModel(TourRuleConstraints, ResourceConstraints, DelegationConstraints):
    """Builds the CP-SAT model for an :class:`Instance`; ``solve.py`` runs it."""

    def __init__(self, instance: Instance, *, pinned: Mapping[str, tuple[int, int]] | None = None,
                 previous: Mapping[str, tuple[int, int]] | None = None,
                 change_costs: ChangeCosts | None = None,
                 out_of_time: Callable[[], bool] | None = None):
        # Checked for each candidate while building the arcs, every few hundred arcs while
        # adding their rules and between the rules of a day: a tour too large for the time
        # left raises ModelOutOfTime instead of overrunning the time limit (one day of 300
        # candidates took 1.7 s to build under load).
        self._out_of_time = out_of_time or (lambda: False)
        self.instance = instance
        self.pinned = dict(pinned or {})
        self.previous = dict(previous or {})
        self.change_costs = change_costs or ChangeCosts()
        self.change_terms: list[tuple[cp_model.LinearExprT, int]] = []
        # request index -> (stays, shifted, key) of a priced shift (re-planning), for hints
        self.change_vars: dict[int, tuple[cp_model.IntVar, cp_model.IntVar, tuple[int, int]]] = {}
        self.model = cp_model.CpModel()
        self.present: dict[tuple[int, int], cp_model.IntVar] = {}  # (day, request) -> literal
        self.start: dict[tuple[int, int], cp_model.LinearExprT] = {}  # (day, request) -> start minute
        self.slot: dict[tuple[int, int], cp_model.IntVar] = {}  # (day, request) -> start / step
        self.days: list[DayVariables] = []
        self.value_terms: list[tuple[cp_model.IntVar, int]] = []
        self.travel_terms: list[tuple[cp_model.IntVar, int]] = []
        self._shortest: list[list[int]] | None = None
        self._build_variables()
        self._add_hard_rules()
        self._keep_pinned_engagements()
        self._price_changes_to_the_previous_agenda()
        self._set_objective()

    # ----------------------------------------------------------------- variables
    def _build_variables(self) -> None:
        m = self.model
        for day in self.instance.days:
            self._check_time()
            depart = m.new_int_var(day.start, day.end, f"depart_d{day.index}")
            arrive = m.new_int_var(day.start, day.end, f"arrive_d{day.index}")
            variables = DayVariables(day, depart, arrive)
            for request in self.instance.candidates(day.index):
                key = (day.index, request.index)
                self.present[key] = m.new_bool_var(f"serve_{request.id}_d{day.index}")
                self.start[key] = self._start_variable(request, day.index)
                (variables.remotes if request.remote else variables.nodes).append(request)
            self._build_arcs(variables)
            if day.has_meal:
                # Inside its window and the day's hours (when that leaves room for it).
                low = max(day.meal_earliest, day.start)
                high = min(day.meal_latest, day.end) - day.meal_minutes
                if low > high:
                    low, high = day.meal_earliest, day.meal_latest - day.meal_minutes
                variables.meal_start = m.new_int_var(low, high, f"meal_d{day.index}")
            self.days.append(variables)

    def _check_time(self) -> None:
        if self._out_of_time():
            raise ModelOutOfTime("the time limit passed while building the CP-SAT model")

    def _start_variable(self, request: RequestData, day: int):
        """The start minute; on the tour's time step it is ``step × slot`` for an integer slot."""
        ranges = request.starts[day]
        step = self.instance.step
        name = f"start_{request.id}_d{day}"
        on_grid = all(low % step == 0 and high % step == 0 for low, high in ranges)
        if step == 1 or not on_grid:
            return self.model.new_int_var_from_domain(
                cp_model.Domain.from_intervals([list(r) for r in ranges]), name)
        slots = cp_model.Domain.from_intervals([[low // step, high // step] for low, high in ranges])
        slot = self.model.new_int_var_from_domain(slots, f"slot_{request.id}_d{day}")
        self.slot[(day, request.index)] = slot
        return slot * step

    def _build_arcs(self, v: DayVariables) -> None:
        """Arc literals for every move that can be feasible in time (others are never built)."""
        m = self.model
        inst = self.instance
        d = v.day.index
        v.arcs[(END, START)] = m.new_constant(1)
        v.arcs[(START, END)] = m.new_bool_var(f"empty_d{d}")
        for k, request in enumerate(v.nodes, start=2):
            self._check_time()
            v.arcs[(START, k)] = m.new_bool_var(f"first_{request.id}_d{d}")
            v.arcs[(k, END)] = m.new_bool_var(f"last_{request.id}_d{d}")
            for l, other in enumerate(v.nodes, start=2):
                if k == l:
                    continue
                if fits_in_order(inst, d, request, other, inst.travel[request.place][other.place]):
                    v.arcs[(k, l)] = m.new_bool_var(f"{request.id}_to_{other.id}_d{d}")

    # ----------------------------------------------------------------- hard rules
    def _add_hard_rules(self) -> None:
        for v in self.days:
            for rule in (self._route_is_one_circuit, self._travel_between_consecutive_places,
                         self._timeline_has_no_overlap, self._cap_per_day, self._day_time_budget,
                         self._requests_that_exclude_each_other):
                self._check_time()
                rule(v)
        self._each_request_at_most_once()
        self._add_tour_rules()
        self._add_resource_choices()
        self._add_delegation_rules()

    def _route_is_one_circuit(self, v: DayVariables) -> None:
        """Forbids anything but one route start → engagements → end; skipped nodes loop."""
        arcs = [(a, b, lit) for (a, b), lit in v.arcs.items()]
        for k, request in enumerate(v.nodes, start=2):
            arcs.append((k, k, self.present[(v.day.index, request.index)].Not()))
        self.model.add_circuit(arcs)

    def _travel_between_consecutive_places(self, v: DayVariables) -> None:
        """Forbids starting an engagement before the previous one, buffer and travel are over."""
        m = self.model
        inst = self.instance
        d = v.day.index
        m.add(v.arrive >= v.depart + inst.travel[v.day.start_place][v.day.end_place]) \
            .only_enforce_if(v.arcs[(START, END)])
        self.travel_terms.extend(self._day_travel(v))
        if self._has_timeline(v):
            # The legs on the timeline carry these precedences (see _leg): with the
            # engagements' occupancy in the same no-overlap, each one below is implied.
            return
        for count, ((a, b), lit) in enumerate(v.arcs.items()):
            if count % CLOCK_EVERY_ARCS == 0:
                self._check_time()
            if (a, b) in ((END, START), (START, END)):
                continue
            travel = inst.travel[v.place_of(a)][v.place_of(b)]
            if a == START:
                request = v.nodes[b - 2]
                m.add(self.start[(d, request.index)] - request.setup >= v.depart + travel) \
                    .only_enforce_if(lit)
            elif b == END:
                request = v.nodes[a - 2]
                tail = inst.buffer + travel if travel else 0
                m.add(v.arrive >= self.start[(d, request.index)] + request.duration + tail) \
                    .only_enforce_if(lit)
            else:
                first, second = v.nodes[a - 2], v.nodes[b - 2]
                m.add(self.start[(d, second.index)] - second.setup
                      >= self.start[(d, first.index)] + first.duration + inst.buffer + travel) \
                    .only_enforce_if(lit)

    def _timeline_has_no_overlap(self, v: DayVariables) -> None:
        """Forbids the guest doing two things at once: engagements, legs, remote calls, meal.

        Only needed on days with a meal or remote candidates; otherwise the circuit's
        precedences already keep the in-person engagements and their travel apart.
        """
        if not self._has_timeline(v):
            return
        m = self.model
        inst = self.instance
        d = v.day.index
        intervals = []
        for k, request in enumerate(v.nodes, start=2):
            key = (d, request.index)
            intervals.append(self._occupancy(request, key))
            intervals.append(self._leg(v, k, lambda: self.start[key] + request.duration,
                                       self.present[key]))
        intervals.append(self._leg(v, START, lambda: v.depart, None))
        for request in v.remotes:
            intervals.append(self._occupancy(request, (d, request.index)))
        if v.meal_start is not None:
            intervals.append(m.new_fixed_size_interval_var(v.meal_start, v.day.meal_minutes,
                                                           f"meal_interval_d{d}"))
        m.add_no_overlap(intervals)

    @staticmethod
    def _has_timeline(v: DayVariables) -> bool:
        """Whether the day's timeline (legs, meal, remote calls) is modelled as a no-overlap."""
        return v.meal_start is not None or bool(v.remotes)

    def _occupancy(self, request: RequestData, key: tuple[int, int]) -> cp_model.IntervalVar:
        size = request.setup + request.duration + self.instance.buffer
        return self.model.new_optional_fixed_size_interval_var(
            self.start[key] - request.setup, size, self.present[key], f"busy_{request.id}_d{key[0]}")

    def _leg(self, v: DayVariables, node: int, ready, presence) -> cp_model.IntervalVar:
        """The travel leg leaving ``node``: it starts once the guest is free, ends on arrival."""
        m = self.model
        inst = self.instance
        d = v.day.index
        name = "start" if node == START else v.nodes[node - 2].id
        origin = v.place_of(node)
        outgoing = [(b, lit) for (a, b), lit in v.arcs.items() if a == node and b != node]
        longest = max((inst.travel[origin][v.place_of(b)] for b, _ in outgoing), default=0)
        size = m.new_int_var(0, longest, f"leg_minutes_{name}_d{d}")
        m.add(size == sum(lit * inst.travel[origin][v.place_of(b)] for b, lit in outgoing))
        start = m.new_int_var(v.day.start, v.day.end, f"leg_start_{name}_d{d}")
        v.leg_start[node] = start
        v.leg_minutes[node] = size
        if presence is None:
            m.add(start >= ready())
        else:
            m.add(start >= ready()).only_enforce_if(presence)
        for b, lit in outgoing:
            travel = inst.travel[origin][v.place_of(b)]
            if b == END:
                m.add(v.arrive >= start + travel).only_enforce_if(lit)
            else:
                target = v.nodes[b - 2]
                m.add(self.start[(d, target.index)] - target.setup >= start + travel).only_enforce_if(lit)
        end = m.new_int_var(v.day.start, v.day.end, f"leg_end_{name}_d{d}")
        v.leg_end[node] = end
        if presence is None:
            return m.new_interval_var(start, size, end, f"leg_{name}_d{d}")
        return m.new_optional_interval_var(start, size, end, presence, f"leg_{name}_d{d}")

    def _cap_per_day(self, v: DayVariables) -> None:
        """Forbids more engagements on a day than the tour's cap (a split day's parts together;
        each guest of a delegation has their own cap)."""
        siblings = self.instance.siblings(v.day.index)
        if v.day.index != siblings[0]:
            return  # counted with the day's first part
        parts = [self.days[d] for d in siblings]
        served = [self.present[(w.day.index, r.index)] for w in parts for r in w.nodes + w.remotes]
        if len(served) > self.instance.cap:
            self.model.add(sum(served) <= self.instance.cap)

    def _day_time_budget(self, v: DayVariables) -> None:
        """Redundant: time spent (engagements, buffers, travel, meal) fits in the day's hours.

        It forbids nothing the other rules allow, but it gives the solver a much tighter bound.
        """
        inst = self.instance
        d = v.day.index
        used = [self.present[(d, r.index)] * (r.setup + r.duration + inst.buffer)
                for r in v.nodes + v.remotes]
        used += [lit * minutes for lit, minutes in self._day_travel(v)]
        meal = v.day.meal_minutes if v.meal_start is not None else 0
        if used:
            self.model.add(sum(used) + meal <= v.day.end - v.day.start + inst.buffer)
        self.model.add(v.arrive >= v.depart)
        if v.nodes:
            # Between leaving and coming back lie every in-person engagement (set-up to end
            # plus buffer; the last buffer may be skipped) and every leg: a bound on the span.
            busy = [self.present[(d, r.index)] * (r.setup + r.duration + inst.buffer)
                    for r in v.nodes]
            busy += [lit * minutes for lit, minutes in self._day_travel(v)]
            self.model.add(v.arrive - v.depart >= sum(busy) - inst.buffer)

    def _requests_that_exclude_each_other(self, v: DayVariables) -> None:
        """Redundant: two candidates that fit on the day in neither order (``exclusive_pairs``)
        are not both served.

        It forbids nothing the other rules allow. On days with a timeline (meal, remote calls)
        it hands the relaxation what the no-overlap of optional intervals does not: on a week's
        tour with live slots and official meetings it more than halves the gap to the bound.
        Days that are a route only go without: there it made CP-SAT's probing four times
        slower and cost proofs (``docs/solver.md``).
        """
        if not self._has_timeline(v):
            return
        if self._shortest is None:
            self._shortest = shortest_travel(self.instance.travel)
        d = v.day.index
        for first, second in exclusive_pairs(self.instance, d, v.nodes + v.remotes, self._shortest):
            self.model.add_at_most_one([self.present[(d, first.index)], self.present[(d, second.index)]])

    def _day_travel(self, v: DayVariables) -> list[tuple[cp_model.IntVar, int]]:
        inst = self.instance
        terms = []
        for (a, b), lit in v.arcs.items():
            if (a, b) == (END, START):
                continue
            minutes = inst.travel[v.place_of(a)][v.place_of(b)]
            if minutes:
                terms.append((lit, minutes))
        return terms

    def _each_request_at_most_once(self) -> None:
        """Forbids serving a request twice; a mandatory one must be served exactly once."""
        by_request: dict[int, list[cp_model.IntVar]] = {}
        for (day, request), literal in self.present.items():
            by_request.setdefault(request, []).append(literal)
        for request in self.instance.requests:
            literals = by_request.get(request.index, [])
            if request.mandatory:
                self.model.add_exactly_one(literals)
            elif len(literals) > 1:
                self.model.add_at_most_one(literals)
            self.value_terms.extend((lit, request.value) for lit in literals)

    def _keep_pinned_engagements(self) -> None:
        """Forbids moving a pinned engagement: it is served on its day at its start minute."""
        by_id = self.instance.primaries()
        for request_id, (day, start) in self.pinned.items():
            request = by_id.get(request_id)
            key = (day, request.index) if request is not None else None
            if key not in self.present:
                raise PinError(request_id)
            self.model.add(self.present[key] == 1)
            self.model.add(self.start[key] == start)

    def _price_changes_to_the_previous_agenda(self) -> None:
        """Soft: each change to the previous agenda costs (in objective units) as ChangeCosts says.

        Keeping an engagement where it was costs nothing; shifting it within its day costs
        ``shift``; moving it to another day ``move_day``; dropping it ``drop``.
        """
        costs = self.change_costs
        by_id = self.instance.primaries()
        for request_id, (old_day, old_start) in self.previous.items():
            request = by_id.get(request_id)
            if request is None or request_id in self.pinned:
                continue
            literals = {day: lit for (day, index), lit in self.present.items() if index == request.index}
            served = sum(literals.values()) if literals else 0
            if costs.drop:
                self.change_terms.append((1 - served, costs.drop))
            if costs.move_day:
                moved = [lit for day, lit in literals.items() if day != old_day]
                if moved:
                    self.change_terms.append((sum(moved), costs.move_day))
            same_day = literals.get(old_day)
            if costs.shift and same_day is not None:
                key = (old_day, request.index)
                shifted = self.model.new_bool_var(f"shifted_{request_id}")
                stays = self.model.new_bool_var(f"stays_{request_id}")
                self.model.add(self.start[key] == old_start).only_enforce_if(stays)
                self.model.add(self.start[key] != old_start).only_enforce_if(stays.Not())
                # Served on its old day but not at its old start means shifted (and it is paid).
                self.model.add_bool_or([shifted, stays, same_day.Not()])
                self.change_terms.append((shifted, costs.shift))
                self.change_vars[request.index] = (stays, shifted, key)

    # ----------------------------------------------------------------- objective
    def _set_objective(self) -> None:
        """Maximise value_weight·value − travel_weight·travel minutes − span_weight·day span
        − balance_weight·Σ (engagements a day)² − the price of changes to a previous agenda
        (re-planning). The balance term is there only when its weight is above 0."""
        inst = self.instance
        terms = [-expr * cost for expr, cost in self.change_terms]
        if inst.value_weight:
            terms += [lit * (value * inst.value_weight) for lit, value in self.value_terms if value]
        if inst.travel_weight:
            terms += [-lit * (minutes * inst.travel_weight) for lit, minutes in self.travel_terms]
        if inst.span_weight:
            terms += [-(v.arrive - v.depart) * inst.span_weight for v in self.days]
        if inst.balance_weight > 0:
            terms += [-term for term in self._balance_terms()]
        self.model.maximize(sum(terms))

    # ----------------------------------------------------------------- hints
    def add_hints(self, placements: dict[str, tuple[int, int]]) -> None:
        """Hint a known agenda: ``placements`` maps request id → (day index, start minute).

        Only presence and starts are hinted (CP-SAT completes the rest); for a complete
        agenda with its order, meal and legs use :meth:`add_complete_hints`."""
        self.model.clear_hints()
        for (day, index), literal in self.present.items():
            request = self.instance.requests[index]
            placed = placements.get(request.id)
            self.model.add_hint(literal, placed is not None and placed[0] == day)
            if placed is not None and placed[0] == day:
                key = (day, index)
                if key in self.slot:
                    self.model.add_hint(self.slot[key], placed[1] // self.instance.step)
                else:
                    self.model.add_hint(self.start[key], placed[1])

    def add_complete_hints(self, plans) -> None:
        """Hint every variable from a complete agenda, so CP-SAT starts from it as a solution.

        ``plans`` holds one object per day (see ``heuristic.DayPlan``) with ``day`` (index),
        ``order`` (in-person request indices in visiting order), ``starts`` (request index →
        start minute, remote ones included), ``meal`` (start or ``None``), ``depart``,
        ``arrive`` and ``legs`` (request index, or -1 for the start place → leg start).
        Unserved requests get a start inside their domain (their previous start when
        re-planning, so that nothing looks shifted).
        """
        m = self.model
        m.clear_hints()
        inst = self.instance
        step = inst.step
        by_day = {plan.day: plan for plan in plans}
        start_of: dict[tuple[int, int], int] = {}
        for key in self.present:
            day, index = key
            plan = by_day.get(day)
            served = plan is not None and index in plan.starts
            m.add_hint(self.present[key], served)
            if served:
                value = plan.starts[index]
            else:
                request = inst.requests[index]
                previous = self.previous.get(request.id)
                value = request.starts[day][0][0]
                if previous is not None and previous[0] == day and any(
                        lo <= previous[1] <= hi for lo, hi in request.starts[day]) and (
                        key not in self.slot or previous[1] % step == 0):
                    value = previous[1]
            start_of[key] = value
            if key in self.slot:
                m.add_hint(self.slot[key], value // step)
            else:
                m.add_hint(self.start[key], value)
        served_keys = {key for key in self.present
                       if by_day.get(key[0]) is not None and key[1] in by_day[key[0]].starts}
        self._hint_tour_rules(start_of, served_keys)
        self._hint_resources(start_of, served_keys)
        self._hint_delegation(start_of)
        for index, (stays, shifted, key) in self.change_vars.items():
            same = start_of[key] == self.previous[inst.requests[index].id][1]
            served = by_day.get(key[0]) is not None and index in by_day[key[0]].starts
            m.add_hint(stays, same)
            m.add_hint(shifted, served and not same)
        for v in self.days:
            d = v.day.index
            plan = by_day.get(d)
            node_of = {request.index: k for k, request in enumerate(v.nodes, start=2)}
            order = [node_of[r] for r in plan.order] if plan is not None else []
            m.add_hint(v.depart, plan.depart if plan is not None else v.day.start)
            arrive = plan.arrive if plan is not None else v.day.start + \
                inst.travel[v.day.start_place][v.day.end_place]
            m.add_hint(v.arrive, arrive)
            used = set(zip([START] + order, order + [END]))
            # In one go: the same hint as add_hint arc by arc, four times faster or more on the
            # 90,000 arcs of one day of 300 candidates (the same hint).
            arcs = [(literal.index, int((a, b) in used)) for (a, b), literal in v.arcs.items()
                    if (a, b) != (END, START)]
            m.proto.solution_hint.vars.extend(index for index, _ in arcs)
            m.proto.solution_hint.values.extend(value for _, value in arcs)
            if v.meal_start is not None:
                m.add_hint(v.meal_start, plan.meal if plan is not None and plan.meal is not None
                           else v.meal_start.proto.domain[0])
            following = dict(zip([START] + order, order + [END]))
            for node, leg_start in v.leg_start.items():
                present = node == START or node in following
                if present:
                    origin = -1 if node == START else v.nodes[node - 2].index
                    minutes = inst.travel[v.place_of(node)][v.place_of(following[node])]
                    begin = plan.legs.get(origin, v.day.start) if plan is not None else v.day.start
                else:
                    minutes, begin = 0, v.day.start
                m.add_hint(leg_start, begin)
                m.add_hint(v.leg_minutes[node], minutes)
                m.add_hint(v.leg_end[node], begin + minutes)
