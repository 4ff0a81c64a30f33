"""`scheduler export` and `scheduler publish` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from factories import small_plan
from scheduler.cli import main
from scheduler.planfile import write_plan
from test_publish import PASSWORD, USER, calendar_url, radicale, server_events  # noqa: F401


@pytest.fixture
def plan_file(tmp_path) -> Path:
    return write_plan(small_plan(), tmp_path / "plan" / "plan.json")


def test_export_all_writes_every_format(plan_file, tmp_path):
    """`export` with no format writes calendars, invitations and both copies of the run sheets."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(plan_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"agenda.ics", "agenda-team.ics", "agenda.html", "agenda-guest.html", "agenda.md",
            "agenda-guest.md", "agenda.csv", "agenda.pdf", "agenda-guest.pdf", "invites"} <= names
    assert {p.name for p in (out / "invites").iterdir()} == {"psoe.ics", "radio.ics", "tv.ics"}


def test_export_one_format_for_the_guest(plan_file, tmp_path):
    """`--format html --audience guest` writes only the guest's HTML, without internal notes."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(plan_file), "--format", "html",
                                       "--audience", "guest", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["agenda-guest.html"]
    assert "Ask about the EU motion" not in (out / "agenda-guest.html").read_text(encoding="utf-8")


def test_export_defaults_to_the_plan_folder(plan_file):
    """Without -o the files go beside the plan file."""
    result = CliRunner().invoke(main, ["export", str(plan_file), "--format", "ics"])
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical((plan_file.parent / "agenda.ics").read_bytes())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("psoe@")] == ["Meeting with PSOE"]


def test_export_of_a_broken_plan_file_is_bad_input(tmp_path):
    """A file that is not a plan gives exit 2 and a one-line reason."""
    bad = tmp_path / "plan.json"
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", str(bad)])
    assert result.exit_code == 2
    assert "not a plan file" in result.output and "Traceback" not in result.output


def test_publish_pushes_the_guest_calendar(plan_file, calendar_url, tmp_path):  # noqa: F811
    """`publish` puts every event on a real CalDAV server and never prints the password."""
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["publish", str(plan_file), "--caldav", calendar_url,
                                       "--user", USER, "--password-file", str(secret)])
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    uids = set(server_events(calendar_url))
    assert {"psoe@small.scheduler", "radio@small.scheduler", "tv@small.scheduler"} <= uids


def test_publish_with_a_missing_password_file_is_bad_input(plan_file, tmp_path):
    """A password file that cannot be read gives exit 2 naming the file."""
    result = CliRunner().invoke(main, ["publish", str(plan_file), "--caldav", "http://127.0.0.1:9/",
                                       "--password-file", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "password file" in result.output


def test_publish_to_a_server_that_cannot_be_reached_says_why_in_one_line(plan_file):
    """A CalDAV server that cannot be reached: exit 1 and the cause, without the error's
    class name or the advice to run with --debug (it is not a bug)."""
    result = CliRunner().invoke(main, ["publish", str(plan_file), "--caldav", "http://127.0.0.1:9/dav/"])
    assert result.exit_code == 1
    assert result.output.startswith("error: CalDAV server http://127.0.0.1:9/dav/: cannot connect")
    assert "PublishError" not in result.output and "--debug" not in result.output
