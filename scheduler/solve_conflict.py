"""The conflict searches' one feasibility check, and the smallest set of mandatory requests that
cannot all be served."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Collection

from ortools.sat.python import cp_model

from .model.cpmodel import PlannerModel
from .model.instance import Instance
from .solve_budget import solver_parameters

if TYPE_CHECKING:
    from .solve import SolveParams

__all__ = ["CHECK_SECONDS", "minimal_conflict", "requests_fit"]

#: Deterministic seconds for one feasibility check of the conflict searches (a few ms each
#: on the small problems they build).
CHECK_SECONDS = 5.0


def requests_fit(instance: Instance, request_ids: Collection[str], params: "SolveParams") -> bool:
    """Whether the requests ``request_ids`` of ``instance`` can all be served together, with no
    other request: the one feasibility check behind every conflict search.

    Parameters
    ----------
    instance
        The engine's instance (its rules: hours, travel, buffer, meal, cap, time step).
    request_ids
        The requests to serve, all of them.
    params
        Seed, workers and extra CP-SAT parameters; the time limit is at most
        :data:`CHECK_SECONDS`.

    Returns
    -------
    bool
        True when CP-SAT finds any agenda that serves them all (no objective: the first one
        found answers).
    """
    subset = [r for r in instance.requests if r.id in request_ids]
    new_index = {r.index: i for i, r in enumerate(subset)}
    reduced = replace(instance, requests=tuple(
        replace(r, index=i, joint_of=new_index.get(r.joint_of, -1)) for i, r in enumerate(subset)))
    model = PlannerModel(reduced).model
    model.clear_objective()
    solver = solver_parameters(replace(params, time_limit=min(params.time_limit, CHECK_SECONDS)))
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def minimal_conflict(instance: Instance, params: "SolveParams") -> list[str]:
    """A set of mandatory requests that cannot all be served, none of which can be dropped.

    Deletion filter: try without each request in turn; keep it only if the rest would fit.
    """
    conflict = [r.id for r in instance.requests if r.mandatory]
    for request_id in list(conflict):
        trial = [r for r in conflict if r != request_id]
        if not requests_fit(instance, trial, params):
            conflict = trial
    return conflict
