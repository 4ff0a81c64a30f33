"""When the heuristic leaves a mandatory request out: a first CP-SAT phase that only seeks an agenda.

Without a complete hint CP-SAT must find its first agenda itself, and with the objective it
looks for good agendas from the start. On the Brussels delegation (two mandatory joint
meetings) CP-SAT alone needed 0.39 deterministic seconds for its first agenda with the
objective and 0.16 without it (2.9 s and 2.1 s of wall clock on a loaded 2-core machine), and
when the heuristic had used its share of the limit first the clock often ended CP-SAT before
any. So, when the heuristic's agenda is incomplete, :func:`first_agenda` solves a copy of the
model with no objective until its first agenda (on CP-SAT's budget and the clock), and that
agenda, every variable of it, becomes the complete hint of the usual solve, which then
improves it with what is left of the budget.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .model.cp_stop import ended_by_clock
from .model.cpmodel import PlannerModel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FirstAgenda:
    """What the feasibility phase found.

    Attributes
    ----------
    status
        CP-SAT's status: ``OPTIMAL`` (an agenda: with no objective any agenda is optimal),
        ``INFEASIBLE`` (none exists) or ``UNKNOWN`` (none found in time).
    deterministic_time
        The deterministic seconds it used (taken from CP-SAT's budget).
    wall_time
        The seconds of wall clock it used.
    objective
        The model's objective of the agenda found (``None`` without one).
    stopped_by_clock
        None found, and the wall clock it was given, not its budget, ended the search.
    solver
        The solver that found it: :func:`scheduler.solve.read_solution` reads the agenda from
        it when the usual solve that follows ends without one of its own.
    """

    status: int
    deterministic_time: float
    wall_time: float
    objective: float | None = None
    stopped_by_clock: bool = False
    solver: cp_model.CpSolver | None = None

    @property
    def found(self) -> bool:
        return self.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def first_agenda(planner: PlannerModel, solver: cp_model.CpSolver) -> FirstAgenda:
    """Find any agenda of ``planner``'s model, objective aside, and hint all of it.

    Parameters
    ----------
    planner
        The model; its hints (a partial agenda, if any) guide the search. When an agenda is
        found, every variable of the model is hinted with its value (a complete hint).
    solver
        A solver with the budget and clock of CP-SAT's whole share (see
        :func:`scheduler.solve.solver_parameters`); it stops at the first agenda.

    Returns
    -------
    FirstAgenda
        The status and the time used.
    """
    model = planner.model
    feasibility = model.clone()
    feasibility.clear_objective()
    solver.parameters.stop_after_first_solution = True
    began = time.perf_counter()
    status = solver.solve(feasibility)
    elapsed = time.perf_counter() - began
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = list(solver.response_proto.solution) if found else []
    used = FirstAgenda(status, solver.response_proto.deterministic_time, solver.wall_time,
                       _objective(model, values) if found else None,
                       status == cp_model.UNKNOWN and ended_by_clock(solver, status, elapsed),
                       solver)
    log.info("solve: first agenda without the objective: %s in %.2f s (%.2f deterministic)",
             solver.status_name(status), used.wall_time, used.deterministic_time)
    if found:
        model.clear_hints()
        hint = model.proto.solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)
    return used


def _objective(model: cp_model.CpModel, values: list[int]) -> float:
    """The objective of ``model`` at the variables' ``values`` (by index), as CP-SAT reports it."""
    objective = model.proto.objective
    total = sum(coefficient * (values[ref] if ref >= 0 else -values[-ref - 1])
                for ref, coefficient in zip(objective.vars, objective.coeffs))
    return float((objective.scaling_factor or 1.0) * (total + objective.offset))


def hint_served(planner: PlannerModel, plans) -> None:
    """Hint the presence and start of what a partial agenda serves (``plans``: the
    heuristic's :class:`~scheduler.model.heuristic.DayPlan` list), every other request absent;
    each guest's side of a joint meeting on its own day."""
    model = planner.model
    model.clear_hints()
    starts = {(plan.day, index): start for plan in plans for index, start in plan.starts.items()}
    step = planner.instance.step
    for key, literal in planner.present.items():
        model.add_hint(literal, key in starts)
        if key in starts:
            if key in planner.slot:
                model.add_hint(planner.slot[key], starts[key] // step)
            else:
                model.add_hint(planner.start[key], starts[key])
