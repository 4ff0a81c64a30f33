"""The command line's boundary: exit codes, the error guard, shared options and output lines.

Every command imports these; this module imports no command.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from ..errors import InfeasibleError, InputError, OutputFolderError, PlanChanged, PlanFileError

EXIT_UNEXPECTED, EXIT_INPUT, EXIT_INFEASIBLE = 1, 2, 3

__all__ = ["EXIT_INFEASIBLE", "EXIT_INPUT", "EXIT_UNEXPECTED", "Fail", "guard", "output_options",
           "report_written", "solve_options", "warn_stale_pdfs"]


class Fail(click.ClickException):
    """A message for the user and the exit code to end with."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


#: Commands that never write a file: their failures do not say "nothing was written".
READ_ONLY_COMMANDS = frozenset({"check", "explain"})


def guard(command):
    """Turn library errors into messages and exit codes, the same way for every command."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        as_json = kwargs.get("as_json", False)
        writes = ctx.command.name not in READ_ONLY_COMMANDS
        try:
            return command(*args, **kwargs)
        except InputError as error:
            _json_failure(as_json, problems=[
                {"file": p.file, "line": p.line, "field": p.field, "message": p.message}
                | ({"sheet": p.sheet} if p.sheet is not None else {}) for p in error.problems])
            lines = [f"error: {len(error.problems)} problem(s) in the input"
                     + ("; nothing was written." if writes else ".")]
            lines += [f"  {p}" for p in error.problems]
            raise Fail("\n".join(lines), EXIT_INPUT) from None
        except (PlanFileError, OutputFolderError, PlanChanged) as error:
            _json_failure(as_json, error=str(error))
            raise Fail(f"error: {error}", EXIT_INPUT) from None
        except InfeasibleError as error:
            _json_failure(as_json, infeasible=str(error), conflicts=list(error.conflicts))
            lines = [f"no feasible plan: {error}"] + [f"  - {c}" for c in error.conflicts]
            if writes:
                lines.append("Nothing was written.")
            raise Fail("\n".join(lines), EXIT_INFEASIBLE) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # last resort: one line
            if debug:
                raise
            raise Fail(f"error: {type(error).__name__}: {error} (run with --debug for details)",
                       EXIT_UNEXPECTED) from None

    return wrapper


def _json_failure(as_json: bool, **account) -> None:
    """Under ``--json``, a failure is one JSON object on standard output too (``"ok": false``
    and what went wrong, as ``check --json`` gives problems), so that a script reads JSON
    whatever happens; the message for people still goes to standard error."""
    if as_json:
        click.echo(json.dumps({"ok": False, **account}, indent=2, ensure_ascii=False))


def solve_options(command):
    """The solver's options, shared by every command that solves."""
    command = click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
                           help="Parallel searches: heuristic processes, then CP-SAT threads.")(command)
    command = click.option("--seed", type=int, default=0, show_default=True,
                           help="Random seed; the same input, seed, limit and workers give the "
                                "same agenda when the work budget, not the clock, stopped the "
                                "solver (the summary says which).")(command)
    command = click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=10.0,
                           show_default=True,
                           help="Seconds for the solver: a work budget calibrated to about that "
                                "much wall clock; the solve ends by the limit plus 5 % or half a "
                                "second, whichever is more.")(command)
    return command


PLAN_JSON_HELP = ("Print the outcome as JSON (solver status, engagements, requests left out "
                  "with reasons, files written), for machines.")


def output_options(json_help: str = PLAN_JSON_HELP):
    """``--json`` and ``-q``, shared by the commands that plan (``plan``, ``demo``, ``replan``);
    ``json_help`` says what the JSON holds."""
    def decorate(command):
        command = click.option("-q", "--quiet", is_flag=True,
                               help="Print only warnings and errors.")(command)
        return click.option("--json", "as_json", is_flag=True, help=json_help)(command)
    return decorate


def warn_stale_pdfs(out_dir: Path, no_pdf: bool) -> None:
    """After a new version written with ``--no-pdf``: say which PDF run sheets in ``out_dir``
    still show an earlier version (the guest's and the team's, a delegation's members'),
    and the export that brings each up to date."""
    if not no_pdf:
        return
    stale = [name for name in ("agenda.pdf", "agenda-guest.pdf") if (out_dir / name).exists()]
    if stale:
        click.echo(f"warning: {' and '.join(stale)} in {out_dir} show an earlier version; run "
                   f"`scheduler export {out_dir / 'plan.json'} --format pdf` to bring them up to date",
                   err=True)
    members = sorted((out_dir / "guests").glob("*.pdf"))
    if members:  # a delegation's own run sheets, written again by --format guests
        click.echo(f"warning: the members' PDF run sheets in {out_dir / 'guests'} "
                   f"({', '.join(path.name for path in members)}) show an earlier version; run "
                   f"`scheduler export {out_dir / 'plan.json'} --format guests` to bring them up to date",
                   err=True)


def report_written(written, quiet: bool = False) -> None:
    """Say what a commit wrote (top-level names, invitations counted, backups) and what it
    skipped; ``quiet``: only what it skipped (a warning)."""
    if not quiet:
        _report_files(written)
    for reason in written.skipped:
        click.echo(f"warning: skipped {reason}", err=True)


def _report_files(written) -> None:
    out_dir: Path = written.out_dir
    top = sorted({str(p.relative_to(out_dir)).split("/")[0] for p in written.files})
    invites = sum(1 for p in written.files if p.parent.name == "invites")
    calendars = sum(1 for p in written.files if p.parent.name == "resources")
    members = len({p.stem for p in written.files if p.parent.name == "guests"})
    names = [name for name in top if name not in ("invites", "resources", "guests")]
    if members:
        names.append(f"guests/ (a calendar and run sheet for each of {members} guests)")
    if calendars:
        names.append(f"resources/ ({calendars} calendar{'s' if calendars != 1 else ''} of the team)")
    if invites:
        names.append(f"invites/ ({invites} invitation{'s' if invites != 1 else ''})")
    click.echo(f"Wrote to {out_dir}: " + ", ".join(names))
    if written.backups:
        kept = ", ".join(str(p.relative_to(out_dir)) for p in written.backups)
        click.echo(f"Kept the earlier versions of replaced files: {kept}")
    for note in getattr(written, "notes", ()):
        click.echo(note)
