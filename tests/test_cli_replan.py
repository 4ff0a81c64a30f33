"""`scheduler replan`: arguments, exit codes, what it prints and writes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from scheduler.checker import assert_valid
from conftest import solve_checked
from scheduler.cli import main
from scheduler.cli.replan import replan
from scheduler.io import load_tour
from scheduler.planfile import read_plan, write_plan
from scheduler.resources import demo_tour
from scheduler.solve import SolveParams

NOON_DAY_TWO = "2018-11-27 12:00"


@pytest.fixture(scope="module")
def cli() -> click.Group:
    """The `scheduler` group."""
    return main


@pytest.fixture(scope="module")
def demo_plan_file(tmp_path_factory) -> Path:
    """The bundled example planned once and written as `scheduler demo` writes plan.json."""
    result = solve_checked(load_tour(demo_tour()), SolveParams(time_limit=10.0, seed=0, workers=2))
    return write_plan(result.plan, tmp_path_factory.mktemp("demo") / "plan.json")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, cli: click.Group, *args: str):
    return runner.invoke(cli, ["replan", *args, "--time-limit", "2", "--no-pdf"])


def test_replan_is_registered_on_the_main_group():
    """`scheduler replan` is a command of the main group (scheduler/cli/__init__.py registers it)."""
    assert main.commands["replan"] is replan


def test_help_has_an_example(runner, cli):
    """`replan --help` explains the command and shows an example."""
    result = runner.invoke(cli, ["replan", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "scheduler replan" in result.output
    for option in ("--now", "--cancel", "--unavailable", "--delay", "--requests", "--changes", "--pin"):
        assert option in result.output


def test_cancel_in_the_middle_of_day_two(runner, cli, demo_plan_file, tmp_path):
    """Cancelling Podemos at noon on Tuesday: the diff is printed and written, the new plan is
    valid, and only Podemos's counterpart gets a file (its cancellation)."""
    out = tmp_path / "v2"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--now", NOON_DAY_TWO,
                    "--cancel", "podemos")
    assert result.exit_code == 0, result.output
    assert "## Dropped" in result.output
    assert "Tue 27 Nov 17:00–18:00  Meeting with Podemos" in result.output
    assert (out / "changes.md").read_text(encoding="utf-8") in result.output
    assert [p.name for p in (out / "invites").iterdir()] == ["podemos.ics"]
    assert sorted(p.name for p in (out / "versions").iterdir()) == ["plan-v1.json", "plan-v2.json"]
    assert_valid(json.loads((out / "plan.json").read_text(encoding="utf-8")))
    assert (out / "agenda.ics").is_file() and (out / "agenda.html").is_file()


def test_cancel_while_the_guest_travels_there_is_a_valid_stop_over(runner, cli, demo_plan_file, tmp_path):
    """PSOE cancelled at 12:40 on Tuesday, while the guest rides there (12:15–12:46): exit 0,
    a warning names the stop-over, and the new plan, which keeps that ride, is valid."""
    out = tmp_path / "v2"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--now", "2018-11-27 12:40",
                    "--cancel", "psoe")
    assert result.exit_code == 0, result.output
    assert "stop-over" in result.stderr and "on the way to PSOE" in result.stderr
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert_valid(data)
    assert any((leg["from"], leg["to"], leg["depart"]) ==
               ("MAD-TELEMADRID", "MAD-PSOE", "2018-11-27T12:15:00+01:00") for leg in data["travel"])
    assert [p.name for p in (out / "invites").iterdir()] == ["psoe.ics"]


def test_bad_arguments_exit_2_listing_every_problem_and_write_nothing(runner, cli, demo_plan_file, tmp_path):
    """Unknown ids and an unreadable window are all listed; exit 2; the folder is not made."""
    out = tmp_path / "never"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--now", NOON_DAY_TWO,
                    "--cancel", "podemo", "--unavailable", "elpais=Tux 10:00", "--pin", "nobody")
    assert result.exit_code == 2
    assert "3 problem(s)" in result.output
    assert "podemo" in result.output and "Tux" in result.output and "nobody" in result.output
    assert not out.exists()


def test_unreadable_now_exits_2(runner, cli, demo_plan_file, tmp_path):
    """A `--now` that is not a date and time is bad input."""
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(tmp_path / "x"), "--now", "noonish")
    assert result.exit_code == 2
    assert "--now" in result.output


def test_impossible_mandatory_exits_3_naming_it(runner, cli, demo_plan_file, tmp_path):
    """PSOE (mandatory) losing both its windows: exit 3, PSOE named, nothing written."""
    out = tmp_path / "never"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--now", NOON_DAY_TWO,
                    "--unavailable", "psoe=Tue 12:30-14:00; Wed 17:00-18:30")
    assert result.exit_code == 3
    assert "[psoe]" in result.output and "mandatory" in result.output
    assert not out.exists()


def test_changes_file_and_options_add_up(runner, cli, demo_plan_file, tmp_path):
    """A changes file (now, a cancellation) and a --cancel option are applied together."""
    changes = tmp_path / "changes.toml"
    changes.write_text('now = "2018-11-26 08:00"\ncancel = ["podemos"]\n', encoding="utf-8")
    out = tmp_path / "v2"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--changes", str(changes),
                    "--cancel", "shangay")
    assert result.exit_code == 0, result.output
    plan = read_plan(out / "plan.json")
    assert plan.history[-1]["changes"]["cancel"] == ["podemos", "shangay"]
    assert plan.history[-1]["now"] == "2018-11-26T08:00:00+01:00"


def test_new_requests_from_a_csv(runner, cli, demo_plan_file, tmp_path):
    """--requests adds a request from a CSV; it is planned and gets a new invitation."""
    csv = tmp_path / "late.csv"
    csv.write_text("id,title,kind,counterpart,contact_email,location,duration,priority,windows\n"
                   "ser-friday,Cadena SER: studio interview,radio,Cadena SER,cm@ser.example.com,"
                   "MAD-SER,30,3,Wed 16:45-18:00\n", encoding="utf-8")
    out = tmp_path / "v2"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--now", NOON_DAY_TWO,
                    "--requests", str(csv))
    assert result.exit_code == 0, result.output
    assert "## Added" in result.output and "[ser-friday]" in result.output
    assert [p.name for p in (out / "invites").iterdir()] == ["ser-friday.ics"]


def test_now_defaults_to_the_current_time(runner, cli, demo_plan_file, tmp_path):
    """Without --now the re-plan is from today: the 2018 tour is all done, so nothing changes."""
    out = tmp_path / "today"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out))
    assert result.exit_code == 0, result.output
    plan = read_plan(out / "plan.json")
    assert datetime.fromisoformat(plan.history[-1]["now"]).year >= 2024
    assert plan.engagements == read_plan(demo_plan_file).engagements
    assert not (out / "invites").exists()


def test_a_version_written_in_place_meanwhile_is_not_undone(runner, cli, demo_plan_file, tmp_path, monkeypatch):
    """`replan out/plan.json -o out` while another re-plan writes a version into out: the
    slower one exits 2 saying someone else changed the plan, and the other's version stays
    (it is not overwritten with the same version number)."""
    from scheduler.app import replanning

    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_bytes(demo_plan_file.read_bytes())
    original = replanning.compute_replan

    def solved_while_another_writes(plan, changes, now, params=None):
        monkeypatch.setattr(replanning, "compute_replan", original)  # the other one solves plainly
        result = original(plan, changes, now, params)
        replanning.replan_plan(out / "plan.json", out, cancel=["psoe"], now=NOON_DAY_TWO,
                               params=SolveParams(time_limit=1.0, seed=0, workers=1), pdf=False)
        return result

    monkeypatch.setattr(replanning, "compute_replan", solved_while_another_writes)
    result = invoke(runner, cli, str(out / "plan.json"), "-o", str(out), "--now", NOON_DAY_TWO,
                    "--cancel", "podemos")
    assert result.exit_code == 2, result.output
    assert "someone else changed the plan" in result.output
    entry = read_plan(out / "versions" / "plan-v2.json").history[-1]
    assert entry["changes"]["cancel"] == ["psoe"]


def test_json_is_the_outcome_for_machines(runner, cli, demo_plan_file, tmp_path):
    """`replan --json` prints one JSON object and nothing else on stdout: the version, what
    changed (the cancelled engagement as it was), the new agenda as plan.json has it, and the
    files written."""
    out = tmp_path / "v2"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--now", NOON_DAY_TWO,
                    "--cancel", "podemos", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    written = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    before = json.loads(demo_plan_file.read_text(encoding="utf-8"))
    assert data["version"] == 2 and data["now"] == "2018-11-27T12:00:00+01:00"
    [dropped] = data["changes"]["dropped"]
    assert dropped["request"] == "podemos" and dropped["cancelled"] is True
    assert dropped["was"]["start"] == "2018-11-27T17:00:00+01:00"
    assert [(e["request"], e["start"], e["end"]) for e in data["engagements"]] == \
        [(e["request_id"], e["start"], e["end"]) for e in written["engagements"]]
    assert data["value_served_before"] == before["solver"]["value_served"]
    assert data["value_served"] == written["solver"]["value_served"]
    assert data["stopped_by"] in ("budget", "clock") and data["status"] in ("optimal", "feasible")
    kept = set(data["changes"]["kept"])
    moved = {m["request"]: m for m in data["changes"]["moved"]}
    assert kept | set(moved) | {a["request"] for a in data["changes"]["added"]} | \
        set(data["changes"]["updated"]) == {e["request"] for e in data["engagements"]}
    starts = {e["request"]: e["start"] for e in data["engagements"]}
    assert all(m["to"]["start"] == starts[r] for r, m in moved.items())
    assert str(out / "plan.json") in data["written"]["files"]
    assert "## Dropped" not in result.stdout


def test_quiet_prints_nothing_but_writes(runner, cli, demo_plan_file, tmp_path):
    """`replan -q` prints nothing on stdout and writes the new version as without it."""
    out = tmp_path / "v2"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--now", NOON_DAY_TWO,
                    "--cancel", "podemos", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert (out / "changes.md").is_file() and (out / "versions" / "plan-v2.json").is_file()


def test_a_failure_under_json_is_json_too(runner, cli, demo_plan_file, tmp_path):
    """Under --json, bad arguments still give one JSON object on stdout (exit 2, nothing written)."""
    out = tmp_path / "never"
    result = invoke(runner, cli, str(demo_plan_file), "-o", str(out), "--now", NOON_DAY_TWO,
                    "--cancel", "podemo", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False and any("podemo" in p["message"] for p in data["problems"])
    assert not out.exists()
