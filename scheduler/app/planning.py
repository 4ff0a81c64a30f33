"""Use cases of a tour folder: check it, plan it, write a plan's files."""

from __future__ import annotations

from pathlib import Path

from ..diagnose import infeasible_error
from ..domain import Plan, Problem
from ..errors import InfeasibleError
from ..export import write_all
from ..io import load_tour
from ..planfile import write_plan
from ..resources import demo_tour as _bundled_demo
from ..solve import SolveParams, solve
from ..staging import staged_output
from .results import CheckOutcome, PlanOutcome, Written


def check_tour(tour_dir: str | Path) -> CheckOutcome:
    """Read and validate a tour folder without planning.

    Raises
    ------
    InputError
        With every problem of the folder's files (file, line, field).
    """
    return CheckOutcome(load_tour(Path(tour_dir)))


def demo_tour() -> Path:
    """The bundled example tour folder (a week in Madrid and Barcelona)."""
    return _bundled_demo()


def solve_tour(problem: Problem, params: SolveParams | None = None) -> PlanOutcome:
    """Plan a problem already read; nothing is written.

    Raises
    ------
    InfeasibleError
        When the mandatory requests cannot all be served; it names the smallest set of
        requests and tour rules that conflict.
    """
    params = params or SolveParams()
    try:
        result = solve(problem, params)
    except InfeasibleError as error:
        raise infeasible_error(problem, params, error) from None
    return PlanOutcome(result)


def plan_tour(tour_dir: str | Path, out_dir: str | Path | None = None,
              params: SolveParams | None = None) -> PlanOutcome:
    """Read a tour folder, plan it and, given ``out_dir``, write the plan file and every export.

    Parameters
    ----------
    tour_dir
        The tour folder (``tour.toml``, ``requests.csv``, ...).
    out_dir
        Where to write ``plan.json`` and the exports, all at once (see
        :func:`write_plan_outputs`); ``None`` writes nothing.
    params
        The solver's settings.

    Raises
    ------
    InputError
        Bad input, every problem listed; nothing is written.
    InfeasibleError
        No feasible plan; nothing is written.
    """
    outcome = solve_tour(load_tour(Path(tour_dir)), params)
    if out_dir is None:
        return outcome
    return PlanOutcome(outcome.result, write_plan_outputs(outcome.plan, out_dir))


def write_plan_outputs(plan: Plan, out_dir: str | Path) -> Written:
    """Write ``plan.json`` and every export of ``plan`` into ``out_dir`` in one commit.

    Everything is written into a staging folder first; the output folder then switches to
    the new version in one step, keeping any different earlier file as ``name.~N~``. A
    failing exporter changes nothing.
    """
    with staged_output(out_dir) as stage:
        write_plan(plan, stage.path / "plan.json")
        exported = write_all(plan, stage.path)
    return Written(Path(out_dir), tuple(stage.files), tuple(stage.backups), tuple(exported.skipped))
