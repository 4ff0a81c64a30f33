"""``scheduler publish``: push the guest's calendar to a CalDAV server."""

from __future__ import annotations

from pathlib import Path

import click

from .. import app
from ..errors import InputError, OutputFolderError, PlanFileError, SchedulerError
from .boundary import EXIT_INPUT, EXIT_UNEXPECTED, Fail, guard


@click.command()
@click.argument("plan_json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--caldav", "url", required=True, help="The CalDAV server's URL, the account's calendar home, or the URL of one calendar.")
@click.option("--user", default=None, help="User name on the server.")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A file holding the password (never given on the command line).")
@click.option("--calendar", "calendar_name", default=None,
              help="Calendar name, found or made in the account's calendar home (default: the "
                   "tour's name; a --caldav URL that is a calendar is used as it is).")
@guard
def publish(plan_json: Path, url: str, user: str | None, password_file: Path | None,
            calendar_name: str | None) -> None:
    """Push the guest's calendar to a CalDAV server; publishing again updates it in place.

    \b
    All events go into one calendar: the --caldav URL when it is a calendar, else the
    calendar named after the tour (or --calendar) in the account's calendar home, made when
    missing. Events keep their UIDs, so the guest's phone follows changes; events the plan no
    longer has are removed. Credentials are never printed or written.
    \b
    Example:
      scheduler publish out/plan.json --caldav https://cal.example.org/dav/ --user team \\
          --password-file ~/.caldav-password
    """
    password = None
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise Fail(f"error: cannot read the password file {password_file}: {error.strerror}",
                       EXIT_INPUT) from None
    try:
        report = app.publish_plan(plan_json, url, username=user, password=password,
                                  calendar_name=calendar_name)
    except (InputError, OutputFolderError, PlanFileError):
        raise
    except SchedulerError as error:  # the server's answer or its silence: the cause is the message
        raise Fail(f"error: {error}", EXIT_UNEXPECTED) from None
    click.echo(report.summary())
