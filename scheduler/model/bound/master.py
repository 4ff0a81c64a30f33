"""The master problem of the route relaxation: a linear program over day routes (GLOP).

    maximise    Σ c_r x_r
    subject to  Σ_{r ∋ i} x_r ≤ 1       for each request i (= 1 when mandatory)
                Σ_{r on day d} x_r = 1   for each model day d (the empty route is a column)
                Σ_{r on tour day t} n_r x_r ≤ cap   for each tour day split into parts
                x ≥ 0

where c_r is a route's relaxed objective (:meth:`PricingDay.route_cost`; with waiting charged,
:func:`.columns.column_cost`) and n_r its count of engagements. A mandatory row has an
artificial slack at a large penalty, so that the program is feasible from the first column
on; its duals are still valid multipliers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from .days import MEAL, PricingDay
from .columns import column_cost_and_work


class MasterFailed(RuntimeError):
    """GLOP ended the master without an optimum: numerically troubled (status ABNORMAL on
    objective coefficients of 10^12 and more: values near the reader's limit of 10^9 points
    times the value weight), out of its own limits, or wrongly modelled."""


@dataclass(frozen=True, slots=True)
class Column:
    """A day route of the master: its day, its requests in visiting order and its cost."""

    day: int
    requests: tuple[int, ...]  # request indices (the meal left out)
    cost: int
    count: int


class Master:
    """The restricted master program; columns are added as the pricing finds them.

    Parameters
    ----------
    days
        The pricing data of every model day, by day index.
    mandatory
        For each request index, whether it must be served.
    cap
        The tour's cap on engagements a day.
    parts
        Tour day → its model days, for tour days split into several parts.
    penalty
        The cost of leaving a mandatory request out (above any route's value).
    """

    def __init__(self, days: list[PricingDay], mandatory: list[bool], cap: int,
                 parts: dict[int, list[int]], penalty: float) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        infinity = self.solver.infinity()
        self.objective = self.solver.Objective()
        self.objective.SetMaximization()
        self.request_rows = []
        for index, must in enumerate(mandatory):
            row = self.solver.Constraint(1.0 if must else -infinity, 1.0, f"request_{index}")
            if must:
                slack = self.solver.NumVar(0.0, infinity, f"missing_{index}")
                row.SetCoefficient(slack, 1.0)
                self.objective.SetCoefficient(slack, -penalty)
            self.request_rows.append(row)
        self.day_rows = [self.solver.Constraint(1.0, 1.0, f"day_{d}") for d in range(len(days))]
        self.cap = cap
        self.cap_rows = {}
        for tour_day, model_days in parts.items():
            row = self.solver.Constraint(-infinity, float(cap), f"cap_{tour_day}")
            for model_day in model_days:
                self.cap_rows[model_day] = row
        self.columns: list[Column] = []
        self._variables = []
        self._known: dict[tuple[int, tuple[int, ...]], int] = {}
        self.value = None
        #: Work spent costing columns with waiting charged (:func:`.columns.column_cost`).
        self.work = 0

    def add(self, day: PricingDay, nodes: tuple[int, ...]) -> bool:
        """Add the route visiting ``nodes`` (pricing nodes of ``day``); a route serving the
        same requests as a known one replaces it when it costs less (another order)."""
        requests = tuple(day.requests[n] for n in nodes if day.kind[n] != MEAL)
        key = (day.day.index, tuple(sorted(requests)))
        if day.charge_waiting:
            cost, work = column_cost_and_work(day, nodes)
            self.work += work
        else:
            cost = day.route_cost(list(nodes))
        known = self._known.get(key)
        if known is not None:
            if cost <= self.columns[known].cost:
                return False
            self.columns[known] = Column(day.day.index, requests, cost, len(requests))
            self.objective.SetCoefficient(self._variables[known], float(cost))
            return True
        self._known[key] = len(self.columns)
        column = Column(day.day.index, requests, cost, len(requests))
        variable = self.solver.NumVar(0.0, self.solver.infinity(), f"route_{len(self.columns)}")
        self.objective.SetCoefficient(variable, float(column.cost))
        self.day_rows[column.day].SetCoefficient(variable, 1.0)
        for request in requests:
            self.request_rows[request].SetCoefficient(variable, 1.0)
        if column.day in self.cap_rows and column.count:
            self.cap_rows[column.day].SetCoefficient(variable, float(column.count))
        self.columns.append(column)
        self._variables.append(variable)
        return True

    def solve(self) -> tuple[list[float], list[float], dict[int, float]]:
        """Solve the program; returns the duals of the request rows, of the day rows and of
        the cap rows (by model day)."""
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise MasterFailed(f"the route master ended with status {status}")
        self.value = self.objective.Value()
        requests = [max(0.0, row.dual_value()) if row.lb() < 0 else row.dual_value()
                    for row in self.request_rows]
        days = [row.dual_value() for row in self.day_rows]
        caps = {day: max(0.0, row.dual_value()) for day, row in self.cap_rows.items()}
        return requests, days, caps

    def cap_term(self, caps: dict[int, float]) -> float:
        """Σ cap · (the cap row's dual) over the split tour days (each row counted once)."""
        seen = {}
        for day, price in caps.items():
            seen[id(self.cap_rows[day])] = price
        return self.cap * sum(seen.values())

    def solution(self) -> list[tuple[Column, float]]:
        """The columns with a positive value in the last solution."""
        return [(column, variable.solution_value())
                for column, variable in zip(self.columns, self._variables)
                if variable.solution_value() > 1e-9]
