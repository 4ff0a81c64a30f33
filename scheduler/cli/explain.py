"""``scheduler explain``: why a request is, or is not, in the agenda, and what fitting it would cost."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import app
from .boundary import EXIT_INPUT, Fail, guard, solve_options


@click.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("request_id")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON, for machines.")
@click.option("--no-what-if", is_flag=True,
              help="Skip the what-if for a request left out (no solver run, answers at once).")
@click.option("--add-resource", "add_resource", metavar="RESOURCE_ID", default=None,
              help="What if there were a second resource like this one (same kind, hours and "
                   "travel; id RESOURCE_ID-2): which requests it would serve and the value gained. "
                   "Replaces the what-if above.")
@solve_options
@guard
def explain(plan_json: Path, request_id: str, as_json: bool, no_what_if: bool,
            add_resource: str | None, time_limit: float, seed: int, workers: int) -> None:
    """Explain why a request is, or is not, in the agenda of a plan file.

    \b
    For a request left out: each of its windows against the tour's days and the guest's
    hours; what occupies that time (engagements and their value, travel, the meal) and
    whether travel makes it unreachable; and a what-if: the best agenda with the request
    made mandatory (the same planner, the current agenda as a start), naming what would
    drop or move and the value lost or gained, or, when it cannot fit even then, why.
    For a scheduled request: its window, the engagements before and after it with their
    travel, the meal and the day's hours, and how far it could move.
    With --add-resource, the what-if is a second resource like the one named (a second
    interpreter, say): what it would serve, and the value gained.
    Nothing is written.
    \b
    Example:
      scheduler explain out/plan.json pp
      scheduler explain out/plan.json pp --json --time-limit 20
      scheduler explain out/plan.json elpais --add-resource interp-1
    """
    plan = app.load_plan(plan_json)
    unknown = app.unknown_request_message(plan, request_id, str(plan_json))
    if unknown is None and add_resource is not None:
        unknown = app.unknown_resource_message(plan, add_resource, str(plan_json))
    if unknown is not None:
        if as_json:  # a script reads one JSON object whatever happens (docs/cli.md)
            click.echo(json.dumps({"ok": False, "error": unknown}, indent=2, ensure_ascii=False))
        raise Fail(f"error: {unknown}", EXIT_INPUT)
    params = app.SolveParams(time_limit=time_limit, seed=seed, workers=workers)
    explanation = app.explain_request_in(plan, request_id, what_if=not no_what_if, params=params,
                                         add_resource=add_resource)
    if as_json:
        click.echo(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(explanation.text())
