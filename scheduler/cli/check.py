"""``scheduler check``: validate a tour folder without planning."""

from __future__ import annotations

from pathlib import Path

import click

from .. import app
from .boundary import guard


@click.command()
@click.argument("tour_dir", type=click.Path(file_okay=False, path_type=Path))
@guard
def check(tour_dir: Path) -> None:
    """Validate a tour folder without planning; lists every problem at once.

    \b
    Example:
      scheduler check examples/spain-2018
    """
    click.echo(f"OK: {app.check_tour(tour_dir).summary()}")
