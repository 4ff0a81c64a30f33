"""`scheduler explain` through click's CliRunner, on the bundled demo, and exit 3 in plain words."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from builders import problem, request, window
from conftest import FAST
from scheduler.cli import main
from scheduler.cli.boundary import guard as _guard
from scheduler.cli.explain import explain
from scheduler.diagnose import infeasible_error
from scheduler.errors import InfeasibleError
from scheduler.solve import solve
from test_io_support import one_day_tour, write_files

# One worker: as repeatable as two, and it stops as soon as the search is done.
LIMIT = ["--time-limit", "5", "--seed", "0", "--workers", "1"]
# The what-if's findings asserted here are forced (PP and Telemadrid exclude each other), so a
# short search is enough.
WHAT_IF_LIMIT = ["--time-limit", "2", "--seed", "0", "--workers", "1"]

TOUR = one_day_tour("clash")
LOCATIONS = """id,name,latitude,longitude
HOTEL,Hotel,40.4200,-3.7050
PSOE,PSOE,40.4300,-3.7100
ANTENA3,Antena 3,40.5400,-3.6200
"""
TRAVEL = """from,to,minutes
PSOE,ANTENA3,40
"""
REQUESTS = """id,title,location,duration,mandatory,windows,fixed_start
psoe,PSOE meeting,PSOE,60,yes,Tue 10:00-11:00,
antena3,Antena 3 live,ANTENA3,20,yes,,2018-11-27 11:20
"""


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory) -> Path:
    """The bundled demo planned by `scheduler demo` (5 deterministic seconds)."""
    out = tmp_path_factory.mktemp("demo") / "out"
    result = CliRunner().invoke(main, ["demo", "-o", str(out), *LIMIT])
    assert result.exit_code == 0, result.output
    return out / "plan.json"


def _run(*args: str):
    return CliRunner().invoke(explain, [str(a) for a in args])


@pytest.fixture(scope="module")
def left_out(demo_plan) -> dict[str, str]:
    """`scheduler explain` (with its what-if) for every request the demo leaves out, by id."""
    data = json.loads(demo_plan.read_text(encoding="utf-8"))
    outputs = {}
    for item in data["unscheduled"]:
        result = _run(demo_plan, item["request_id"], *WHAT_IF_LIMIT)
        assert result.exit_code == 0, result.output
        outputs[item["request_id"]] = result.output
    return outputs


def test_explain_answers_every_unscheduled_request_of_the_demo(demo_plan, left_out):
    """Each request the demo leaves out gets a why-not and a what-if in plain words."""
    data = json.loads(demo_plan.read_text(encoding="utf-8"))
    titles = {r["id"]: r["title"] for r in data["requests"]}
    assert set(left_out) == {item["request_id"] for item in data["unscheduled"]} != set()
    for request_id, output in left_out.items():
        assert output.startswith(f"{titles[request_id]} [{request_id}] is not in the agenda.")
        assert "Its windows against the tour's days and hours:" in output
        assert "What if it were mandatory" in output
        assert "Traceback" not in output


def test_explain_pp_names_telemadrid_travel_and_value(left_out):
    """PP and Telemadrid exclude each other by 40 minutes of travel; forcing PP drops Telemadrid."""
    output = left_out["pp"]
    assert "Telemadrid, Telenoticias: recorded interview" in output
    assert "40 min travel between them" in output
    dropped = output.split("Dropped:")[1]
    assert dropped.lstrip().startswith("- Telemadrid, Telenoticias: recorded interview")
    assert "Value served: " in output


def test_explain_weekend_request_cannot_fit_even_when_mandatory(left_out):
    """The Saturday radio show is after the tour: the what-if says it cannot fit, and why."""
    output = left_out["ser-weekend"]
    assert "after the tour's last working day (Fri 30 Nov)" in output
    assert "It cannot fit even then." in output


def test_explain_says_the_reason_in_words_without_its_code(left_out):
    """The reason's code (`no_window`) is for --json; the text gives the words alone."""
    for output in left_out.values():
        said = next(line for line in output.splitlines() if "The plan says" in line)
        assert said.startswith("  The plan says: "), said


def test_check_does_not_say_nothing_was_written(tmp_path):
    """`check` and `explain` never write: their problems are listed without "nothing was
    written", which `plan` says."""
    tour = write_files(tmp_path / "tour", {"tour.toml": "[tour]\n"})
    result = CliRunner().invoke(main, ["check", str(tour)])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0].endswith("problem(s) in the input.")
    assert "nothing was written" not in result.output.lower()
    planned = CliRunner().invoke(main, ["plan", str(tour), "-o", str(tmp_path / "out")])
    assert planned.exit_code == 2
    assert planned.output.splitlines()[0].endswith("problem(s) in the input; nothing was written.")


def test_explain_json_is_machine_readable(demo_plan):
    """`--json` prints one JSON object with the windows and the what-if."""
    result = _run(demo_plan, "pp", "--json", *WHAT_IF_LIMIT)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["request_id"] == "pp" and data["scheduled"] is False
    assert "telemadrid" in [c["request_id"] for c in data["what_if"]["dropped"]]
    assert data["what_if"]["value_change"] == data["what_if"]["value_after"] - data["what_if"]["value_before"]


def test_explain_scheduled_request_says_why_it_is_there(demo_plan):
    """A scheduled request is explained by its window, its neighbours and the day's hours."""
    result = _run(demo_plan, "antena3", "--no-what-if")
    assert result.exit_code == 0, result.output
    assert "is in the agenda" in result.output
    assert "It cannot move without moving something else: its fixed start at 09:15." in result.output


def test_explain_writes_nothing(demo_plan):
    """Explaining (with a what-if) leaves the plan's folder exactly as it was."""
    before = {p: p.stat().st_mtime_ns for p in demo_plan.parent.rglob("*")}
    assert _run(demo_plan, "pp", *WHAT_IF_LIMIT).exit_code == 0
    assert {p: p.stat().st_mtime_ns for p in demo_plan.parent.rglob("*")} == before


def test_unknown_request_is_bad_input_with_a_suggestion(demo_plan):
    """An id the plan does not have exits 2 and suggests the close one."""
    result = _run(demo_plan, "psoe2", "--no-what-if")
    assert result.exit_code == 2
    assert "has no request `psoe2` (did you mean `psoe`?)" in result.output
    assert "Traceback" not in result.output


def test_broken_plan_file_is_bad_input(tmp_path):
    """A file that is not a plan exits 2 with one line."""
    bad = tmp_path / "plan.json"
    bad.write_text("{not json", encoding="utf-8")
    result = _run(bad, "pp")
    assert result.exit_code == 2
    assert "not a plan file" in result.output and "Traceback" not in result.output


def test_explain_help_has_an_example():
    """`explain --help` says what it does and gives an example."""
    result = CliRunner().invoke(explain, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "scheduler explain out/plan.json pp" in result.output


def test_explain_is_a_command_of_the_scheduler():
    """`scheduler explain` is reachable from the main command."""
    assert main.commands["explain"] is explain


def test_conflict_through_the_guard_exits_3_in_plain_words():
    """The re-told error goes through the command line's guard: exit 3, the headline, the details."""
    prob = problem([
        request("c1", [window("10:00", "10:30")], 30, remote="phone", mandatory=True, title="Call one"),
        request("c2", [window("10:15", "10:45")], 30, remote="video", mandatory=True, title="Call two"),
    ])

    @click.command()
    @_guard
    def planning() -> None:
        try:
            solve(prob, FAST)
        except InfeasibleError as error:
            raise infeasible_error(prob, FAST, error) from None

    result = CliRunner().invoke(planning, [])
    assert result.exit_code == 3
    assert result.output.startswith("no feasible plan: Call one (Tue 27 Nov 10:00–10:30) and "
                                    "Call two (Tue 27 Nov 10:15–10:45) cannot both happen: "
                                    "their times overlap.")
    assert "Nothing was written." in result.output


def test_plan_exits_3_naming_the_conflict_in_plain_words(tmp_path):
    """`scheduler plan` on two mandatory slots 40 minutes apart by travel: exit 3, the travel
    named, nothing written."""
    tour = write_files(tmp_path / "tour", {"tour.toml": TOUR, "locations.csv": LOCATIONS,
                                           "travel.csv": TRAVEL, "requests.csv": REQUESTS})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT])
    assert result.exit_code == 3, result.output
    assert ("PSOE meeting (Tue 27 Nov 10:00–11:00) and Antena 3 live (Tue 27 Nov 11:20–11:40) "
            "cannot both happen: 40 min travel between them.") in result.output
    assert not out.exists()


def test_plan_searches_the_conflict_once(tmp_path, monkeypatch):
    """`scheduler plan` on an infeasible tour runs the conflict search once: solve's deletion
    filter tries each set of mandatory requests once, and the diagnosis reuses the set it found
    (adding only the rule analysis) instead of searching the requests again."""
    import scheduler.diagnose.rules
    import scheduler.solve_conflict

    requests = REQUESTS + "radio,Radio interview,HOTEL,30,yes,Tue 16:00-17:00,\n"
    tour = write_files(tmp_path / "tour", {"tour.toml": TOUR, "locations.csv": LOCATIONS,
                                           "travel.csv": TRAVEL, "requests.csv": requests})
    checked: list[frozenset[str]] = []
    check = scheduler.solve_conflict.requests_fit

    def counted(instance, request_ids, params):
        checked.append(frozenset(request_ids))
        return check(instance, request_ids, params)

    monkeypatch.setattr(scheduler.solve_conflict, "requests_fit", counted)
    monkeypatch.setattr(scheduler.diagnose.rules, "requests_fit", counted)
    result = CliRunner().invoke(main, ["plan", str(tour), "-o", str(tmp_path / "out"), *LIMIT])
    assert result.exit_code == 3, result.output
    assert ("PSOE meeting (Tue 27 Nov 10:00–11:00) and Antena 3 live (Tue 27 Nov 11:20–11:40) "
            "cannot both happen: 40 min travel between them.") in result.output
    # The deletion filter: each request left out once; the radio fits beside either.
    assert checked.count(frozenset({"antena3", "radio"})) == 1
    assert checked.count(frozenset({"psoe", "radio"})) == 1
    assert frozenset({"psoe", "antena3", "radio"}) not in checked
    # The rule analysis checks only the conflicting pair, with rules lifted.
    assert set(checked) == {frozenset({"antena3", "radio"}), frozenset({"psoe", "radio"}),
                            frozenset({"psoe", "antena3"})}
