"""``scheduler versions``: the versions of a plan an output folder keeps, and bringing one back."""

from __future__ import annotations

from pathlib import Path

import click

from .. import app
from .boundary import EXIT_INPUT, Fail, guard, report_written, warn_stale_pdfs

__all__ = ["versions"]


@click.command("versions")
@click.argument("out_dir", metavar="OUT", type=click.Path(file_okay=False, path_type=Path))
@click.option("--restore", "number", type=click.IntRange(1), default=None, metavar="N",
              help="Bring version N back as the next version (the calendars and invitations "
                   "follow it, as after a re-plan); the versions kept stay as they are.")
@click.option("--no-pdf", is_flag=True,
              help="With --restore: skip the PDF run sheets (they take most of the time); the "
                   "HTML ones are written.")
@guard
def versions(out_dir: Path, number: int | None, no_pdf: bool) -> None:
    """List the versions of the plan in OUT (a folder holding plan.json), or bring one back.

    \b
    Every re-plan keeps the version it replaced and the new one in OUT/versions/; a first
    plan keeps none until it is re-planned. Each line gives the number, when the version
    was made and what made it, its engagements and the value it serves, and marks the
    current one. --restore N makes version N's agenda the next version: plan.json,
    changes.md (also printed), the calendars with the same UIDs and SEQUENCE raised on what
    moved, and invitations for the counterparts whose slot changed only.
    A missing version N, or a folder without a readable plan.json, exits 2; nothing is
    written.
    \b
    Example:
      scheduler versions out
      scheduler versions out --restore 1
    """
    if number is None:
        _list(out_dir)
        return
    try:
        outcome = app.bring_back_version(out_dir, number, pdf=not no_pdf)
    except KeyError as error:
        raise Fail(f"error: {error.args[0]}; nothing was written.", EXIT_INPUT) from None
    result = outcome.result
    click.echo(app.changes_text(result))
    click.echo(f"Plan {result.summary()}; version {number} brought back.")
    for warning in (w for w in result.warnings if w != result.made):  # made: "Back to version N."
        click.echo(f"warning: {warning}", err=True)
    warn_stale_pdfs(out_dir, no_pdf)
    report_written(outcome.written)


_UNKNOWN_TIME = "time not recorded"


def _list(out_dir: Path) -> None:
    """Print the kept versions, oldest first, one line each."""
    kept = app.version_summaries(out_dir)
    if not kept:
        click.echo(f"No versions are kept in {out_dir / 'versions'}: a plan keeps its versions from "
                   f"its first re-plan on (or when its tour is planned again into {out_dir}).")
        return
    click.echo(f"Versions of the plan in {out_dir}, oldest first:")
    number_width = len(str(kept[-1].number))
    when_width = max(len(version.when or _UNKNOWN_TIME) for version in kept)
    sizes = {version.number: f"{version.engagements} engagement{'s' if version.engagements != 1 else ''}, "
                             f"value {version.value_served} of {version.value_total}" for version in kept}
    size_width = max(len(size) for size in sizes.values())
    for version in kept:
        if version.problem is not None:
            click.echo(f"  {version.number:>{number_width}}  cannot be read: {version.problem}")
            continue
        current = "  (current)" if version.current else ""
        click.echo(f"  {version.number:>{number_width}}  {version.when or _UNKNOWN_TIME:<{when_width}}  "
                   f"{sizes[version.number]:<{size_width}}  {version.note}{current}")
    if not any(version.current for version in kept):
        click.echo("The current plan.json is none of these versions.")
    click.echo(f"Bring one back with `scheduler versions {out_dir} --restore N`.")
