"""What the heuristic hands back: per-day plans with every value the model's hint needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..instance import Instance
from .meal import MEAL

if TYPE_CHECKING:
    from .state import SearchState


@dataclass
class DayPlan:
    """One day of the heuristic's agenda, with every value the CP-SAT model needs as a hint."""

    day: int
    order: list[int]  # request indices of the in-person engagements, in visiting order
    starts: dict[int, int]  # request index -> start minute (in-person and remote)
    meal: int | None
    depart: int
    arrive: int
    legs: dict[int, int]  # request index (or -1 for the start place) -> leg start minute


@dataclass(frozen=True)
class SearchCount:
    """How many searches ran side by side to the end, of how many were asked, and why fewer.

    Attributes
    ----------
    asked
        Searches the caller asked for (``islands`` of :func:`solve_heuristic`).
    ran
        Searches that took part until the end of the budget (this one included).
    reason
        Why fewer ran than were asked (a worker process could not be started, or ended early);
        ``None`` when all of them ran.
    """

    asked: int = 1
    ran: int = 1
    reason: str | None = None

    @property
    def fell_back(self) -> bool:
        """Fewer searches ran than were asked."""
        return self.ran < self.asked


@dataclass
class HeuristicResult:
    """The best agenda found: per-day plans, its objective and the work it took."""

    days: list[DayPlan]
    objective: int  # the model's objective of this agenda (change costs included)
    value: int
    work: int
    iterations: int
    complete: bool  # every mandatory and pinned request is served
    improvements: list[tuple[int, int]] = field(default_factory=list)  # (work, objective)
    improved_at: list[int] = field(default_factory=list)  # iteration of each improvement
    searches: SearchCount = field(default_factory=SearchCount)
    stopped_by_clock: bool = False  # the wall-clock deadline ended the search, not its budget
    #: Routes of the days accepted agendas changed, as (day index, requests in order), when
    #: asked (``seen_routes`` of :func:`~.search.solve_heuristic`; :mod:`.seen`).
    seen: list[tuple[int, list[int]]] = field(default_factory=list)
    seen_work: int = 0  # the part of ``work`` keeping them took

    def placements(self, instance: Instance) -> dict[str, tuple[int, int]]:
        """Request id -> (day index, start minute), as a baseline's ``hints`` (a joint
        meeting on its primary's day)."""
        out = {}
        for plan in self.days:
            for index, start in plan.starts.items():
                if not instance.requests[index].is_shadow:
                    out[instance.requests[index].id] = (plan.day, start)
        return out


def day_plans(search: SearchState) -> list[DayPlan]:
    """The plans of the search's current days, laid out in full."""
    plans = []
    for d in range(search.day_count):
        items = search.items[d]
        layout = search.lay_out(d, items, detail=True)
        assert layout is not None
        starts_by_position, legs, depart, arrive = layout
        if not search.timeline_day[d]:
            # Leave the start place just in time; the model's span term prefers it.
            route = search.route[d]
            day = search.days[d]
            if route:
                first = route[0]
                depart = starts_by_position[0] - search.setup[first] \
                    - search.travel[day.start_place][search.place[first]]
                legs[-1] = depart
            else:
                depart = day.start
                legs[-1] = depart
        starts, meal = {}, None
        for position, item in enumerate(items):
            if item == MEAL:
                meal = starts_by_position[position]
            else:
                starts[item] = starts_by_position[position]
        order = [item for item in items if item != MEAL and search.place[item] >= 0]
        plans.append(DayPlan(d, order, starts, meal, depart, arrive, legs))
    return plans


def plan_objective(search: SearchState, plans: list[DayPlan]) -> int:
    """The model's objective of ``plans`` (value, travel, span, balance, change costs).

    Parameters
    ----------
    search
        The search state the plans come from (gains, weights, the previous agenda).
    plans
        One :class:`DayPlan` per day.

    Returns
    -------
    int
        The objective the CP-SAT model gives the same agenda.
    """
    total = search.fixed_objective
    for plan in plans:
        d = plan.day
        total += sum(search.gain[d][r] for r in plan.starts)
        travel, _ = search.travel_and_span(d, plan.order, [], plan.arrive, plan.depart)
        total -= search.travel_weight * travel + search.span_weight * (plan.arrive - plan.depart)
        total -= search.balance_cost(len(plan.starts))
        for r, start in plan.starts.items():
            previous = search.previous_placement.get(r)
            if previous is not None and previous[0] == d and previous[1] != start:
                total -= search.shift_cost
    return total
