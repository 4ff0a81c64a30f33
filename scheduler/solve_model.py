"""The CP-SAT model inside a solve: built and hinted only when it fits the size and the clock."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .model.cpmodel import ModelOutOfTime, PlannerModel
from .model.heuristic import HeuristicResult
from .model.instance import Instance
from .solve_budget import CP_SAT_LOAD_FACTOR, CP_SAT_MIN_WALL_SHARE, SolveClock, cp_model_fits
from .solve_feasibility import hint_served

if TYPE_CHECKING:
    from .solve import Baseline

log = logging.getLogger(__name__)


def build_model(instance: Instance, baseline: "Baseline", heuristic: HeuristicResult | None,
                 size: int, limit: float, clock: SolveClock
                 ) -> tuple[PlannerModel | None, float, bool]:
    """Build the CP-SAT model (pins, previous agenda and hints from ``baseline``) and hint it
    from the heuristic's agenda, when it fits the size (:func:`cp_model_fits`) and the clock:
    it must leave CP-SAT ``CP_SAT_MIN_WALL_SHARE`` of the limit after hinting and loading it,
    which take up to ``CP_SAT_LOAD_FACTOR`` times what the building took.

    Returns the model (``None`` when it is left out), the seconds its hinting and loading are
    expected to take still, and whether the clock left it out.
    """
    if not cp_model_fits(size, limit):
        return None, 0.0, False
    min_wall = CP_SAT_MIN_WALL_SHARE * limit
    deadline = clock.solver_end - min_wall
    if clock.now() >= deadline:
        clock.skip("model", deadline)
        return None, 0.0, True
    with clock.phase("model", deadline) as phase:
        try:
            planner = PlannerModel(instance, pinned=baseline.pinned, previous=baseline.previous,
                                   change_costs=baseline.change_costs,
                                   out_of_time=lambda: clock.now() >= deadline)
        except ModelOutOfTime:
            log.info("solve: the time limit passed while building the CP-SAT model")
            phase.ended_by = "clock"
            return None, 0.0, True
    built = clock.phases[-1].ended - clock.phases[-1].started
    load = CP_SAT_LOAD_FACTOR * built
    if clock.solver_left() < load + min_wall:
        log.info("solve: no time left to hint and load the CP-SAT model (%.2f s left)",
                 clock.solver_left())
        clock.skip("hints", clock.solver_end - load - min_wall)
        return None, 0.0, True
    hinted = clock.now()
    with clock.phase("hints"):
        if heuristic is not None and heuristic.complete:
            planner.add_complete_hints(heuristic.days)
        elif baseline.hints:
            planner.add_hints(baseline.hints)
        elif heuristic is not None:
            hint_served(planner, heuristic.days)
    return planner, max(0.0, load - (clock.now() - hinted)), False
