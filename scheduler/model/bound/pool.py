"""The best agenda the generated day routes make together: a set-partitioning program (CP-SAT)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping, Sequence

from ortools.sat.python import cp_model

from ..cp_stop import ended_by_clock
from ..instance import Instance
from .master import Column


@dataclass(frozen=True)
class Selection:
    """The routes chosen, one a model day: ``objective`` is the sum of their costs (at least
    the objective of any agenda serving them so, since a route's cost leaves out waiting
    time), ``days`` the requests of each model day (in visiting order), ``seconds`` the
    deterministic seconds CP-SAT took to choose, ``by_clock`` whether its wall clock rather
    than its budget or a proof ended it."""

    objective: int
    days: dict[int, tuple[int, ...]]
    seconds: float = 0.0
    by_clock: bool = False


def select_routes(instance: Instance, columns: list[Column], *, deterministic_seconds: float,
                  wall_seconds: float, seed: int = 0, hint: Sequence[int] = (),
                  request_values: Mapping[int, int] | None = None) -> Selection | None:
    """Choose one column a model day, each request at most once (exactly once when
    mandatory) and a split tour day's parts within the cap, of highest total cost.

    With ``request_values``, a request may be on several chosen columns instead (at least
    one when mandatory) and is worth its value once, whatever the number: the columns' costs
    then leave their requests' values out, and the caller takes the copies out of all but
    one route.

    Parameters
    ----------
    instance
        The problem the columns were generated for.
    columns
        The route relaxation's columns (:attr:`.RouteBound.columns`); every day has its
        empty route among them.
    deterministic_seconds
        CP-SAT's work budget (one worker and a fixed seed: the same columns give the same
        choice whenever the budget ends it).
    wall_seconds
        Its wall clock.
    seed
        CP-SAT's seed.
    hint
        Indices of columns making a known choice (one a day), given to CP-SAT as its first
        solution: it then never ends with less than that choice.
    request_values
        Request index -> its value, counted once however many chosen columns hold it.

    Returns
    -------
    Selection | None
        The best choice found, ``None`` when none was found in time.
    """
    covered = {request for column in columns for request in column.requests}
    if any(r.mandatory and r.index not in covered for r in instance.requests):
        return None
    model = cp_model.CpModel()
    chosen = [model.new_bool_var(f"route_{i}") for i in range(len(columns))]
    by_day: dict[int, list] = {}
    by_request: dict[int, list] = {}
    for variable, column in zip(chosen, columns):
        by_day.setdefault(column.day, []).append(variable)
        for request in column.requests:
            by_request.setdefault(request, []).append(variable)
    for variables in by_day.values():
        model.add_exactly_one(variables)
    served = {}
    for request, variables in sorted(by_request.items()):
        if request_values is not None:
            served[request] = model.new_bool_var(f"served_{request}")
            model.add_bool_or(variables).only_enforce_if(served[request])
            if instance.requests[request].mandatory:
                model.add(served[request] == 1)
        elif instance.requests[request].mandatory:
            model.add_exactly_one(variables)
        else:
            model.add_at_most_one(variables)
    parts = {tuple(instance.siblings(day.index)) for day in instance.days}
    for members in sorted(parts):
        if len(members) > 1:
            model.add(sum(column.count * variable for variable, column in zip(chosen, columns)
                          if column.day in members) <= instance.cap)
    model.maximize(sum(column.cost * variable for variable, column in zip(chosen, columns))
                   + sum(request_values[request] * variable
                         for request, variable in served.items()))
    if hint:
        hinted = set(hint)
        for index, variable in enumerate(chosen):
            model.add_hint(variable, index in hinted)
        hinted_requests = {request for index in hinted for request in columns[index].requests}
        for request, variable in served.items():
            model.add_hint(variable, request in hinted_requests)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = max(0.01, deterministic_seconds)
    solver.parameters.max_time_in_seconds = max(0.01, wall_seconds)
    began = time.perf_counter()
    code = solver.solve(model)
    elapsed = time.perf_counter() - began
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    days = {column.day: column.requests for variable, column in zip(chosen, columns)
            if solver.value(variable)}
    by_clock = ended_by_clock(solver, code, elapsed)
    return Selection(round(solver.objective_value), days, solver.deterministic_time, by_clock)
