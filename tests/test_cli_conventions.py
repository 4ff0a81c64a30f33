"""Command-line conventions: -V, --json and --quiet on check and plan, completion, backups listed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.checker import check_plan
from scheduler.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from test_data_safety import _tour  # noqa: E402

LIMIT = ["--time-limit", "0.5", "--workers", "1"]


def test_short_version_flag():
    """-V prints the version, as --version does."""
    short = CliRunner().invoke(main, ["-V"])
    long = CliRunner().invoke(main, ["--version"])
    assert short.exit_code == 0 and short.output == long.output and "version" in short.output


def test_check_json_on_a_valid_folder(tmp_path):
    """check --json prints one JSON object saying the folder is valid, with its counts."""
    result = CliRunner().invoke(main, ["check", str(_tour(tmp_path / "tour")), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["ok"] is True and data["requests"] == 3 and data["days"] == 1


def test_check_json_lists_every_problem_with_file_line_and_field(tmp_path):
    """check --json on a bad folder: exit 2, and each problem as a record for machines."""
    tour = _tour(tmp_path / "tour", "id,title,counterpart,location,duration,windows\n"
                                    "a,A,Org,A,sixty,Tue 10:00-12:00\n"
                                    "b,B,Org,A,30,Someday\n")
    result = CliRunner().invoke(main, ["check", str(tour), "--json"])
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert data["ok"] is False
    fields = {(p["file"], p["line"], p["field"]) for p in data["problems"]}
    assert ("requests.csv", 2, "duration") in fields and ("requests.csv", 3, "windows") in fields


def test_check_quiet_prints_nothing_when_valid(tmp_path):
    result = CliRunner().invoke(main, ["check", str(_tour(tmp_path / "tour")), "-q"])
    assert result.exit_code == 0 and result.output == ""


def test_plan_json_is_the_outcome_for_machines(tmp_path):
    """plan --json prints the solver's account, the agenda and the files, nothing else."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(_tour(tmp_path / "tour")), "-o", str(out),
                                       "--json", *LIMIT])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] in ("optimal", "feasible")
    assert {e["request"] for e in data["engagements"]} <= {"a", "f", "m"}
    assert data["value_served"] <= data["value_total"]
    assert str(out / "plan.json") in data["written"]["files"]
    assert check_plan(json.loads((out / "plan.json").read_text(encoding="utf-8"))) == []


def test_plan_quiet_prints_nothing_but_writes(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(_tour(tmp_path / "tour")), "-o", str(out), "-q",
                                       *LIMIT])
    assert result.exit_code == 0 and result.output == ""
    assert (out / "plan.json").exists() and (out / "agenda.ics").exists()


def test_planning_again_lists_the_backups_it_kept(tmp_path):
    """When a second plan replaces files with other content, the output names the copies kept."""
    out = tmp_path / "out"
    tour = _tour(tmp_path / "tour")
    assert CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT]).exit_code == 0
    (tour / "requests.csv").write_text((tour / "requests.csv").read_text().replace("Meeting A", "Meeting A2"))
    result = CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT])
    assert result.exit_code == 0
    assert "Kept the earlier versions of replaced files:" in result.output
    assert "plan.json.~1~" in result.output and (out / "plan.json.~1~").exists()


def test_shell_completion_script_is_produced():
    """The documented completion line gives a bash completion script."""
    env = dict(os.environ, _SCHEDULER_COMPLETE="bash_source")
    done = subprocess.run([sys.executable, "-m", "scheduler.cli"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert "complete" in done.stdout and "_SCHEDULER_COMPLETE" in done.stdout


@pytest.mark.parametrize("module", ["scheduler", "scheduler.cli"])
def test_the_package_runs_as_the_command(module):
    """``python -m scheduler`` (where the command's directory is not on the PATH) is the
    ``scheduler`` command."""
    done = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("scheduler")
    usage = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True,
                           text=True, timeout=60)
    assert "Usage: scheduler " in usage.stdout


def test_planning_again_turns_invitations_of_dropped_requests_into_cancellations(tmp_path):
    """A request no longer in the agenda on a second plan: its live invitation becomes a
    cancellation (STATUS:CANCELLED, a higher SEQUENCE), the run says so, and the earlier
    invitation is kept as a backup."""
    out = tmp_path / "out"
    tour = _tour(tmp_path / "tour")
    assert CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT]).exit_code == 0
    old = (out / "invites" / "a.ics").read_text(encoding="utf-8")
    assert "STATUS:CONFIRMED" in old
    csv_text = (tour / "requests.csv").read_text(encoding="utf-8")
    (tour / "requests.csv").write_text("\n".join(line for line in csv_text.splitlines()
                                                 if not line.startswith("a,")) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT])
    assert result.exit_code == 0, result.output
    assert "invites/a.ics is now a cancellation" in result.output
    import icalendar
    calendar = icalendar.Calendar.from_ical((out / "invites" / "a.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) >= 1
    assert (out / "invites" / "a.ics.~1~").read_text(encoding="utf-8") == old


def test_stale_invitation_without_its_plan_is_left_out_and_kept(tmp_path):
    """An invitation whose request the folder's plan does not know is left out of the new
    version, kept as a numbered backup, and the run says so."""
    out = tmp_path / "out"
    tour = _tour(tmp_path / "tour")
    assert CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT]).exit_code == 0
    (out / "invites" / "ghost.ics").write_text("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n")
    result = CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT])
    assert result.exit_code == 0
    assert "invites/ghost.ics was left out" in result.output
    assert not (out / "invites" / "ghost.ics").exists()
    assert (out / "invites" / "ghost.ics.~1~").exists()


def test_check_warns_of_a_mandatory_request_outside_the_tour(tmp_path):
    """A mandatory request whose only window lies outside the tour passes the file checks,
    but `check` warns that `plan` would stop on it, naming the request and why."""
    tour = _tour(tmp_path / "tour", "id,title,counterpart,location,duration,windows,mandatory\n"
                                    "a,Meeting A,Org A,A,60,Tue 10:00-12:00,\n"
                                    "late,Weekend radio,Radio,A,30,2018-12-01 10:00-11:00,yes\n")
    result = CliRunner().invoke(main, ["check", str(tour)])
    assert result.exit_code == 0
    assert "warning: mandatory request cannot be served" in result.output
    assert "late" in result.output
    data = json.loads(CliRunner().invoke(main, ["check", str(tour), "--json"]).output)
    assert any("late" in w for w in data["warnings"])
    clean = CliRunner().invoke(main, ["check", str(_tour(tmp_path / "clean"))])
    assert "warning" not in clean.output
