"""``scheduler export``: calendars, invitations and run sheets from a plan file; never solves."""

from __future__ import annotations

from pathlib import Path

import click

from .. import app
from ..app.exporting import EXPORT_CHOICES
from .boundary import EXIT_UNEXPECTED, Fail, guard, report_written


@click.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_CHOICES)),
              default="all", show_default=True, help="What to write.")
@click.option("--audience", type=click.Choice(["team", "guest"]), default=None,
              help="The team's copy holds internal notes and the unscheduled requests; the "
                   "guest's does not. Default: both.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Output folder (default: the plan file's folder).")
@guard
def export(plan_json: Path, fmt: str, audience: str | None, out_dir: Path | None) -> None:
    """Write calendars, invitations and run sheets from a plan file; never solves.

    \b
    Files: agenda.ics (the guest's calendar), agenda-team.ics, invites/<id>.ics (one per
    counterpart, that slot only), agenda.html / .pdf / .md (team) and agenda-guest.*,
    agenda.csv and agenda.xlsx (one row per engagement).
    \b
    Example:
      scheduler export out/plan.json --format pdf --audience guest
    """
    written = app.export_plan(plan_json, out_dir, fmt=fmt, audience=audience)
    if not written.files and written.skipped:
        raise Fail("error: " + "; ".join(written.skipped), EXIT_UNEXPECTED)
    report_written(written)
