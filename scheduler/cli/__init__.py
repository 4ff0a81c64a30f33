"""The command line: argument parsing and printing over the application layer (:mod:`scheduler.app`).

It is the only place that prints for people and sets exit codes: 0 success; 1 anything
unexpected (one line, no traceback unless --debug); 2 bad input (every problem with file,
line and field; nothing written); 3 no feasible plan. Each command lives in its own module;
the shared helpers are in :mod:`scheduler.cli.boundary`.
"""

from __future__ import annotations

import logging
import sys

import click

from ..errors import POSIX_ONLY
from .check import check
from .explain import explain
from .export import export
from .plan import demo, plan
from .publish import publish
from .replan import replan
from .serve import serve
from .versions import versions

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks for unexpected errors.")
@click.option("-v", "--verbose", is_flag=True, help="Log what the library does on stderr.")
@click.version_option(None, "-V", "--version", package_name="scheduler")
def main(debug: bool, verbose: bool) -> None:
    """Plan the agenda of an activist's advocacy visit: which requests, when, in what order.

    \b
    Example:
      scheduler demo
      scheduler plan examples/spain-2018 -o out/
    \b
    Shell completion (bash; zsh and fish alike, see docs/cli.md):
      eval "$(_SCHEDULER_COMPLETE=bash_source scheduler)"
    """
    if sys.platform == "win32":
        raise click.ClickException(POSIX_ONLY)
    _tolerant_output()
    if verbose or debug:
        logging.basicConfig(level=logging.DEBUG if debug else logging.INFO,
                            format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _tolerant_output() -> None:
    """Print what a terminal's encoding cannot show as ``?`` rather than stop on it.

    Titles, places and names come in every script, and the agenda uses a dash and arrows; a
    terminal set to Latin-1 (or any encoding other than UTF-8) made the first such character
    end the command with a UnicodeEncodeError, after the plan had been written, so it read as
    a failure. The files are always UTF-8; only what is printed is affected."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict" \
                and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a stream that cannot change any more
                pass


for _command in (check, plan, demo, export, publish, replan, versions, explain, serve):
    main.add_command(_command)
