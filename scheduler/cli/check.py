"""``scheduler check``: validate a tour folder without planning."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import app
from ..errors import InputError
from .boundary import EXIT_INPUT, guard


@click.command()
@click.argument("tour_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (problems with file, line, field), for machines.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the folder is valid.")
@guard
def check(tour_dir: Path, as_json: bool, quiet: bool) -> None:
    """Validate a tour folder without planning; lists every problem at once.

    \b
    Example:
      scheduler check examples/spain-2018
      scheduler check examples/spain-2018 --json
    """
    if not as_json:
        outcome = app.check_tour(tour_dir)
        for warning in outcome.warnings:
            click.echo(f"warning: {warning}", err=True)
        if not quiet:
            click.echo(f"OK: {outcome.summary()}")
        return
    try:
        data = app.check_tour(tour_dir).to_dict()
    except InputError as error:
        click.echo(json.dumps({"ok": False, "problems": [
            {"file": p.file, "line": p.line, "field": p.field, "message": p.message}
            | ({"sheet": p.sheet} if p.sheet is not None else {})
            for p in error.problems]}, indent=2, ensure_ascii=False))
        raise click.exceptions.Exit(EXIT_INPUT) from None
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
