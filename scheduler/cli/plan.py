"""``scheduler plan`` and ``scheduler demo``: plan a tour folder and write every output."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import app
from ..report import summary_text
from .boundary import guard, output_options, report_written, solve_options
from .progress import ProgressLine


def _plan_and_write(tour_dir: Path, out_dir: Path, time_limit: float, seed: int, workers: int,
                    as_json: bool, quiet: bool) -> None:
    with ProgressLine(enabled=not (as_json or quiet)) as line:
        params = app.SolveParams(time_limit=time_limit, seed=seed, workers=workers,
                                 on_progress=line.update)
        outcome = app.plan_tour(tour_dir, out_dir, params)
    for warning in outcome.result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(outcome.to_dict(), indent=2, ensure_ascii=False))
        return
    if not quiet:
        click.echo(summary_text(outcome.plan))
        click.echo("")
    report_written(outcome.written, quiet=quiet)


@click.command()
@click.argument("tour_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder for plan.json and the exports.")
@solve_options
@output_options()
@guard
def plan(tour_dir: Path, out_dir: Path, time_limit: float, seed: int, workers: int, as_json: bool,
         quiet: bool) -> None:
    """Plan a tour folder and write plan.json, agenda.csv and the other exports.

    \b
    Example:
      scheduler plan examples/spain-2018 -o out/ --time-limit 20
    """
    _plan_and_write(tour_dir, out_dir, time_limit, seed, workers, as_json, quiet)


@click.command()
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("scheduler-demo"), show_default=True, help="Folder for the outputs.")
@solve_options
@output_options()
@guard
def demo(out_dir: Path, time_limit: float, seed: int, workers: int, as_json: bool, quiet: bool) -> None:
    """Plan the bundled example (a week in Madrid and Barcelona) and write every output.

    \b
    Example:
      scheduler demo -o demo-out/
    """
    _plan_and_write(app.demo_tour(), out_dir, time_limit, seed, workers, as_json, quiet)
