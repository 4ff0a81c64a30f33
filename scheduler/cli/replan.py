"""``scheduler replan``: plan again from now after cancellations, new windows, delays, new requests."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import app
from .boundary import guard, output_options, report_written, warn_stale_pdfs
from .progress import ProgressLine

__all__ = ["replan"]


@click.command("replan")
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder for the new plan.json, versions/, changes.md, calendars, "
                                  "changed invitations and run sheets.")
@click.option("--now", "now_text", metavar="DATETIME", default=None,
              help="The moment of the re-plan, like '2018-11-27 12:00' (without a UTC offset, on "
                   "the clock of that day of the tour). Default: the current time.")
@click.option("--cancel", multiple=True, metavar="ID",
              help="A request withdrawn by its counterpart (repeat for several).")
@click.option("--unavailable", multiple=True, metavar="ID=WINDOWS",
              help="Windows a counterpart can no longer do, like 'elpais=Wed 10:00-12:00' "
                   "(the window syntax of requests.csv; repeat for several).")
@click.option("--delay", "delay_minutes", type=click.IntRange(0, 24 * 60), default=None,
              metavar="MINUTES", help="The guest is free this many minutes later than planned.")
@click.option("--requests", "requests_csv", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="New or edited requests (requests.csv format; an existing id "
                                 "replaces that request).")
@click.option("--changes", "changes_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="A TOML file with many changes at once (see docs/replanning.md); "
                                 "the options above add to it.")
@click.option("--absent", multiple=True, metavar="GUEST",
              help="A member of the delegation who can attend nothing more from --now (ill, called "
                   "away): their engagements not begun drop, joint meetings go on with the others "
                   "(repeat for several; a changes file's [[absent]] can give an end and drop "
                   "joint meetings instead).")
@click.option("--pin", multiple=True, metavar="ID",
              help="A scheduled engagement that must stay exactly where it is (repeat for several).")
@click.option("--no-pdf", is_flag=True,
              help="Skip the PDF run sheets (they take most of the time); the HTML ones are written.")
@click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=2.0, show_default=True,
              help="Seconds for the solver, as for plan (a work budget calibrated to about that "
                   "much wall clock); the rest of the tour is small, so less is needed.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed; the same input, seed, limit and workers give the same agenda "
                   "when the work budget, not the clock, stopped the solver.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Parallel searches, as for plan.")
@output_options("Print the outcome as JSON (the version, what changed engagement by engagement, "
                "solver status, engagements, requests left out with reasons, files written), "
                "for machines.")
@guard
def replan(plan_json: Path, out_dir: Path, now_text: str | None, cancel: tuple[str, ...],
           unavailable: tuple[str, ...], delay_minutes: int | None, requests_csv: Path | None,
           changes_file: Path | None, absent: tuple[str, ...], pin: tuple[str, ...], no_pdf: bool,
           time_limit: float, seed: int, workers: int, as_json: bool, quiet: bool) -> None:
    """Re-plan during the visit: keep what is done, move as little as possible, fill freed time.

    \b
    Everything that ended before --now stays as it was, and so does what is under way; the
    rest of the tour is planned again from where the guest is. A change to a confirmed
    engagement is made only when the agenda then serves more value (shifting within a day
    costs least, moving to another day more, dropping most). Writes OUT_DIR/plan.json (the
    latest), versions/plan-v<N>.json (every version, never overwritten), changes.md (also
    printed), agenda.ics (same UIDs, SEQUENCE raised on what changed, dropped ones
    CANCELLED), invites/ for the counterparts whose slot changed only, the run sheets and
    agenda.xlsx, and a delegation's guests/, resources/ and delegation.html.
    Bad arguments exit 2 and an impossible mandatory engagement exits 3; nothing is written.
    \b
    Example:
      scheduler replan demo-out/plan.json -o demo-v2 --now "2018-11-27 12:00" --cancel podemos
      scheduler replan out/plan.json -o out --delay 40 --unavailable "elpais=Wed 10:00-12:00"
      scheduler replan out/plan.json -o out --now "2019-03-12 08:00" --absent anna
    """
    with ProgressLine(enabled=not (as_json or quiet)) as line:
        params = app.SolveParams(time_limit=time_limit, seed=seed, workers=workers,
                                 on_progress=line.update)
        outcome = app.replan_plan(plan_json, out_dir, cancel=cancel, unavailable=unavailable,
                                  delay_minutes=delay_minutes, requests_csv=requests_csv,
                                  changes_file=changes_file, pin=pin, now=now_text, params=params,
                                  pdf=not no_pdf, absent=absent)
    result = outcome.result
    if not (as_json or quiet):
        click.echo(app.changes_text(result))
        click.echo(f"Plan {result.summary()}; solver {result.plan.solver.status} in "
                   f"{result.plan.solver.seconds:.2f} s.")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    days = result.plan.problem.tour.days
    if now_text is None and days and result.now > days[-1].end:
        # Without --now the clock's time is used; the warning above says nothing could change.
        click.echo("warning: re-planned from the current time; give --now with the moment the "
                   "re-plan is for", err=True)
    warn_stale_pdfs(out_dir, no_pdf)
    if as_json:
        click.echo(json.dumps(outcome.to_dict(), indent=2, ensure_ascii=False))
    else:
        report_written(outcome.written, quiet=quiet)
