"""The command line: a thin layer over the library; the only place that prints and sets exit codes.

Exit codes: 0 success; 1 anything unexpected (one line, no traceback unless --debug);
2 bad input (every problem with file, line and field; nothing written); 3 no feasible plan.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from .errors import InfeasibleError, InputError, PlanFileError, SchedulerError

EXIT_UNEXPECTED, EXIT_INPUT, EXIT_INFEASIBLE = 1, 2, 3


class _Fail(click.ClickException):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


def _guard(command):
    """Turn library errors into messages and exit codes, the same way for every command."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except InputError as error:
            lines = [f"error: {len(error.problems)} problem(s) in the input; nothing was written."]
            lines += [f"  {p}" for p in error.problems]
            raise _Fail("\n".join(lines), EXIT_INPUT) from None
        except PlanFileError as error:
            raise _Fail(f"error: {error}", EXIT_INPUT) from None
        except InfeasibleError as error:
            lines = [f"no feasible plan: {error}"] + [f"  - {c}" for c in error.conflicts]
            lines.append("Nothing was written.")
            raise _Fail("\n".join(lines), EXIT_INFEASIBLE) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (SchedulerError, OSError, Exception) as error:  # last resort: one line
            if debug:
                raise
            raise _Fail(f"error: {type(error).__name__}: {error} (run with --debug for details)",
                        EXIT_UNEXPECTED) from None

    return wrapper


def _solve_options(command):
    command = click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
                           help="Parallel searches: heuristic processes, then CP-SAT threads.")(command)
    command = click.option("--seed", type=int, default=0, show_default=True,
                           help="Random seed; the same input, seed and limit give the same agenda.")(command)
    command = click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=10.0,
                           show_default=True,
                           help="Seconds for the solver: a work budget calibrated to about that "
                                "much wall clock, which also stops it a second after.")(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks for unexpected errors.")
@click.option("-v", "--verbose", is_flag=True, help="Log what the library does on stderr.")
@click.version_option(package_name="scheduler")
def main(debug: bool, verbose: bool) -> None:
    """Plan the agenda of an activist's advocacy visit: which requests, when, in what order.

    \b
    Example:
      scheduler demo
      scheduler plan examples/spain-2018 -o out/
    """
    if verbose or debug:
        logging.basicConfig(level=logging.DEBUG if debug else logging.INFO,
                            format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command()
@click.argument("tour_dir", type=click.Path(file_okay=False, path_type=Path))
@_guard
def check(tour_dir: Path) -> None:
    """Validate a tour folder without planning; lists every problem at once.

    \b
    Example:
      scheduler check examples/spain-2018
    """
    from .io import load_tour

    problem = load_tour(tour_dir)
    tour = problem.tour
    click.echo(f"OK: {tour.name}: {len(tour.days)} days, {len(problem.requests)} requests, "
               f"{len(problem.used_locations())} places.")


def _plan_and_write(tour_dir: Path, out_dir: Path, time_limit: float, seed: int, workers: int) -> None:
    from .diagnose import infeasible_error
    from .errors import InfeasibleError
    from .export import write_all
    from .fsio import staged_output
    from .io import load_tour
    from .planfile import write_plan
    from .progress import ProgressLine
    from .report import summary_text
    from .solve import SolveParams, solve

    problem = load_tour(tour_dir)
    try:
        with ProgressLine() as line:
            params = SolveParams(time_limit=time_limit, seed=seed, workers=workers,
                                 on_progress=line.update)
            result = solve(problem, params)
    except InfeasibleError as error:
        raise infeasible_error(problem, params, error) from None
    plan = result.plan
    # Everything goes to a staging folder first: a failing exporter changes nothing.
    with staged_output(out_dir) as stage:
        write_plan(plan, stage.path / "plan.json")
        exported = write_all(plan, stage.path)
    click.echo(summary_text(plan))
    click.echo("")
    _report_written(out_dir, stage.files, exported.skipped)


def _report_written(out_dir: Path, files: list[Path], skipped: list[str]) -> None:
    top = sorted({str(p.relative_to(out_dir)).split("/")[0] for p in files})
    invites = sum(1 for p in files if p.parent.name == "invites")
    names = [name for name in top if name != "invites"]
    if invites:
        names.append(f"invites/ ({invites} invitation{'s' if invites != 1 else ''})")
    click.echo(f"Wrote to {out_dir}: " + ", ".join(names))
    for reason in skipped:
        click.echo(f"warning: skipped {reason}", err=True)


@main.command()
@click.argument("tour_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder for plan.json and the exports.")
@_solve_options
@_guard
def plan(tour_dir: Path, out_dir: Path, time_limit: float, seed: int, workers: int) -> None:
    """Plan a tour folder and write plan.json, agenda.csv and the other exports.

    \b
    Example:
      scheduler plan examples/spain-2018 -o out/ --time-limit 20
    """
    _plan_and_write(tour_dir, out_dir, time_limit, seed, workers)


@main.command()
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("scheduler-demo"), show_default=True, help="Folder for the outputs.")
@_solve_options
@_guard
def demo(out_dir: Path, time_limit: float, seed: int, workers: int) -> None:
    """Plan the bundled example (a week in Madrid and Barcelona) and write every output.

    \b
    Example:
      scheduler demo -o demo-out/
    """
    from .resources import demo_tour

    _plan_and_write(demo_tour(), out_dir, time_limit, seed, workers)


@main.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["ics", "invites", "html", "pdf", "md", "csv", "all"]),
              default="all", show_default=True, help="What to write.")
@click.option("--audience", type=click.Choice(["team", "guest"]), default=None,
              help="The team's copy holds internal notes and the unscheduled requests; the "
                   "guest's does not. Default: both.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Output folder (default: the plan file's folder).")
@_guard
def export(plan_json: Path, fmt: str, audience: str | None, out_dir: Path | None) -> None:
    """Write calendars, invitations and run sheets from a plan file; never solves.

    \b
    Files: agenda.ics (the guest's calendar), agenda-team.ics, invites/<id>.ics (one per
    counterpart, that slot only), agenda.html / .pdf / .md (team) and agenda-guest.*,
    agenda.csv.
    \b
    Example:
      scheduler export out/plan.json --format pdf --audience guest
    """
    from .export import DEFAULT_OUTPUTS, write_all
    from .planfile import read_plan

    plan = read_plan(plan_json)
    out_dir = out_dir or plan_json.parent
    outputs = [(f, a) for f, a in DEFAULT_OUTPUTS
               if (fmt == "all" or f == fmt) and (audience is None or f == "invites" or a == audience)]
    if not outputs:  # e.g. --format csv --audience guest
        outputs = [(fmt, audience or "team")]
    from .fsio import staged_output

    with staged_output(out_dir) as stage:
        exported = write_all(plan, stage.path, outputs)
    if not stage.files and exported.skipped:
        raise _Fail("error: " + "; ".join(exported.skipped), EXIT_UNEXPECTED)
    _report_written(out_dir, stage.files, exported.skipped)


@main.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--caldav", "url", required=True, help="The CalDAV server's URL.")
@click.option("--user", default=None, help="User name on the server.")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A file holding the password (never given on the command line).")
@click.option("--calendar", "calendar_name", default=None,
              help="Calendar name (default: one named after the tour).")
@_guard
def publish(plan_json: Path, url: str, user: str | None, password_file: Path | None,
            calendar_name: str | None) -> None:
    """Push the guest's calendar to a CalDAV server; publishing again updates it in place.

    \b
    Events keep their UIDs, so the guest's phone follows changes; events the plan no longer
    has are removed. Credentials are never printed or written.
    \b
    Example:
      scheduler publish out/plan.json --caldav https://cal.example.org/dav/ --user team \\
          --password-file ~/.caldav-password
    """
    from .export.publish import publish as push
    from .planfile import read_plan

    plan = read_plan(plan_json)
    password = None
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise _Fail(f"error: cannot read the password file {password_file}: {error.strerror}",
                        EXIT_INPUT) from None
    report = push(plan, url, username=user, password=password, calendar_name=calendar_name)
    click.echo(report.summary())


# Commands defined in their own modules (they import this module's helpers).
from .commands.replan import replan as _replan_command  # noqa: E402

main.add_command(_replan_command)

from .commands.explain import explain as _explain_command  # noqa: E402

main.add_command(_explain_command)

if __name__ == "__main__":  # pragma: no cover
    main()
