"""``scheduler explain``: why a request is, or is not, in the agenda, and what fitting it would cost."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli import EXIT_INPUT, _Fail, _guard, _solve_options

__all__ = ["explain"]

_IDS_SHOWN = 12


@click.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("request_id")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON, for machines.")
@click.option("--no-what-if", is_flag=True,
              help="Skip the what-if for a request left out (no solver run, answers at once).")
@_solve_options
@_guard
def explain(plan_json: Path, request_id: str, as_json: bool, no_what_if: bool, time_limit: float,
            seed: int, workers: int) -> None:
    """Explain why a request is, or is not, in the agenda of a plan file.

    \b
    For a request left out: each of its windows against the tour's days and the guest's
    hours; what occupies that time (engagements and their value, travel, the meal) and
    whether travel makes it unreachable; and a what-if: the best agenda with the request
    made mandatory (the same planner, the current agenda as a start), naming what would
    drop or move and the value lost or gained, or, when it cannot fit even then, why.
    For a scheduled request: its window, the engagements before and after it with their
    travel, the meal and the day's hours, and how far it could move.
    Nothing is written.
    \b
    Example:
      scheduler explain out/plan.json pp
      scheduler explain out/plan.json pp --json --time-limit 20
    """
    from ..diagnose import explain_request
    from ..io.issues import did_you_mean
    from ..planfile import read_plan
    from ..solve import SolveParams

    plan = read_plan(plan_json)
    ids = [request.id for request in plan.problem.requests]
    if request_id not in ids:
        shown = ", ".join(ids[:_IDS_SHOWN]) + (", ..." if len(ids) > _IDS_SHOWN else "")
        raise _Fail(f"error: {plan_json} has no request `{request_id}`"
                    f"{did_you_mean(request_id, ids)}; its requests are: {shown}", EXIT_INPUT)
    params = SolveParams(time_limit=time_limit, seed=seed, workers=workers)
    explanation = explain_request(plan, request_id, what_if=not no_what_if, params=params)
    if as_json:
        click.echo(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(explanation.text())
