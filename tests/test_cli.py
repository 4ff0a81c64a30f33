"""The command line through click's CliRunner: exit codes, messages, files written or not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.checker import check_plan
from scheduler.cli import main
from scheduler.resources import demo_tour

TOUR = """
[tour]
id = "mini"
name = "Mini tour"
timezone = "Europe/Madrid"
first_day = 2018-11-27
last_day = 2018-11-28

[guest]
name = "Guest"

[[lodging]]
location = "HOTEL"
first_night = 2018-11-26
last_night = 2018-11-28

[hours]
start = "09:00"
end = "20:00"

[meal]
earliest = "13:30"
latest = "16:00"
minutes = 60

[limits]
max_engagements_per_day = 4
min_buffer_minutes = 10
"""

LOCATIONS = """id,name,address,city,latitude,longitude,approximate
HOTEL,Hotel,Gran Vía 1,Madrid,40.4200,-3.7050,yes
A,Place A,Calle A,Madrid,40.4300,-3.7100,yes
B,Place B,Calle B,Madrid,40.4000,-3.6900,yes
"""

REQUESTS = """id,title,kind,counterpart,location,remote,duration,priority,mandatory,windows
a,Meeting A,meeting,Org A,A,,60,3,yes,Tue 10:00-12:00
b,Interview B,print,Paper B,B,,45,2,,Tue 10:00-12:00; Wed 16:00-18:00
c,Call C,radio,Radio C,,phone,20,1,,daily 12:00-13:00
"""


def write_tour(folder: Path, requests: str = REQUESTS, tour: str = TOUR) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tour.toml").write_text(tour, encoding="utf-8")
    (folder / "locations.csv").write_text(LOCATIONS, encoding="utf-8")
    (folder / "requests.csv").write_text(requests, encoding="utf-8")
    return folder


@pytest.fixture
def runner():
    return CliRunner()


def test_every_command_has_help_with_an_example(runner):
    """Each command answers --help with its purpose and an example."""
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, name
        assert command.help, name


def test_check_accepts_a_valid_tour(runner, tmp_path):
    """`check` on a valid tour exits 0 and counts days and requests."""
    result = runner.invoke(main, ["check", str(write_tour(tmp_path / "t"))])
    assert result.exit_code == 0, result.output
    assert "2 days, 3 requests" in result.output


def test_check_lists_every_problem_with_line_and_field(runner, tmp_path):
    """A tour with two bad rows exits 2 and names both, with file, line and field."""
    bad = REQUESTS.replace("60,3,yes", "sixty,3,yes").replace("B,,45", "NOWHERE,,45")
    result = runner.invoke(main, ["check", str(write_tour(tmp_path / "t", bad))])
    assert result.exit_code == 2
    assert "requests.csv:2" in result.output and "duration" in result.output
    assert "requests.csv:3" in result.output and "location" in result.output
    assert "Traceback" not in result.output


def test_plan_writes_a_valid_plan(runner, tmp_path):
    """`plan` writes plan.json that passes the independent checker, and prints the agenda."""
    out = tmp_path / "out"
    result = runner.invoke(main, ["plan", str(write_tour(tmp_path / "t")), "-o", str(out),
                                  "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert check_plan(data) == []
    assert "Meeting A" in result.output and "proven optimal" in result.output
    assert (out / "plan.json").stat().st_mode & 0o077 == 0


def test_plan_keeps_a_copy_of_a_different_old_plan(runner, tmp_path):
    """Planning again into the same folder keeps the previous, different plan.json."""
    tour = write_tour(tmp_path / "t")
    out = tmp_path / "out"
    assert runner.invoke(main, ["plan", str(tour), "-o", str(out)]).exit_code == 0
    first = (out / "plan.json").read_text(encoding="utf-8")
    (tour / "requests.csv").write_text(REQUESTS.replace("Meeting A", "Meeting A2"), encoding="utf-8")
    assert runner.invoke(main, ["plan", str(tour), "-o", str(out)]).exit_code == 0
    assert (out / "plan.json.~1~").read_text(encoding="utf-8") == first
    assert "Meeting A2" in (out / "plan.json").read_text(encoding="utf-8")
    assert check_plan(json.loads(first)) == []
    assert check_plan(json.loads((out / "plan.json").read_text(encoding="utf-8"))) == []


def test_bad_input_writes_nothing(runner, tmp_path):
    """With bad input, `plan` exits 2 and does not even create the output folder."""
    bad = REQUESTS.replace("60,3,yes", "0,3,yes")
    out = tmp_path / "out"
    result = runner.invoke(main, ["plan", str(write_tour(tmp_path / "t", bad)), "-o", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_conflicting_mandatory_requests_exit_3(runner, tmp_path):
    """Two mandatory requests at the same time in different places: exit 3, both named."""
    clash = REQUESTS.replace("45,2,,Tue 10:00-12:00; Wed 16:00-18:00", "120,2,yes,Tue 10:00-12:00")
    clash = clash.replace("60,3,yes,Tue 10:00-12:00", "120,3,yes,Tue 10:00-12:00")
    out = tmp_path / "out"
    result = runner.invoke(main, ["plan", str(write_tour(tmp_path / "t", clash)), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "Meeting A" in result.output and "Interview B" in result.output
    assert not out.exists()


def test_missing_folder_is_bad_input(runner, tmp_path):
    """A tour folder that does not exist is reported as bad input, without a traceback."""
    result = runner.invoke(main, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unexpected_error_is_one_line(runner, tmp_path, monkeypatch):
    """An unexpected failure exits 1 with one line, and --debug shows the traceback."""
    import scheduler.app.planning

    def boom(folder):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(scheduler.app.planning, "load_tour", boom)
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "disk on fire" in result.output
    debug = runner.invoke(main, ["--debug", "check", str(tmp_path)])
    assert isinstance(debug.exception, RuntimeError)


def test_demo_plans_the_bundled_example(runner, tmp_path):
    """`demo` plans the bundled example: a checked plan and an agenda naming the parties."""
    out = tmp_path / "demo"
    result = runner.invoke(main, ["demo", "-o", str(out), "--time-limit", "10"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert check_plan(data) == []
    assert "PSOE" in result.output
    assert data["solver"]["status"] in ("optimal", "feasible")
    reasons = {u["request_id"]: u["code"] for u in data["unscheduled"]}
    assert reasons.get("ser-weekend") == "no_window"


def test_demo_tour_is_a_complete_folder():
    """The bundled example can be found and holds its required files."""
    folder = demo_tour()
    assert (folder / "tour.toml").is_file() and (folder / "requests.csv").is_file()
