"""Plan files are checked when a command reads them: `export`, `replan` and `explain` through CliRunner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from factories import small_plan

from scheduler.cli import main
from scheduler.errors import PlanFileError
from scheduler.planfile import read_plan, write_plan

EXIT_INPUT = 2


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    return write_plan(small_plan(), tmp_path / "plan" / "plan.json")


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def psoe_engagement(data: dict[str, Any]) -> dict[str, Any]:
    return next(item for item in data["engagements"] if item["request_id"] == "psoe")


def psoe_ten_minutes_short(data: dict[str, Any]) -> None:
    psoe_engagement(data)["end"] = "2018-10-26T10:50:00+02:00"


def engagement_with_a_bad_date(data: dict[str, Any]) -> None:
    data["engagements"][1]["start"] = "26/10/2018 10:00"


def request_with_a_fractional_duration(data: dict[str, Any]) -> None:
    data["requests"][2]["duration_minutes"] = 59.5


def fields_from_a_newer_writer(data: dict[str, Any]) -> None:
    data["colour"] = "green"
    psoe_engagement(data)["room"] = "3B"
    data["requests"][0]["windows_text"]["source"] = "requests.csv"


COMMANDS = {
    "export": lambda plan, out: ["export", str(plan), "--format", "md", "-o", str(out)],
    "replan": lambda plan, out: ["replan", str(plan), "-o", str(out), "--now", "2018-10-26 08:00",
                                 "--cancel", "radio", "--no-pdf", "--time-limit", "2"],
    "explain": lambda plan, out: ["explain", str(plan), "psoe", "--no-what-if"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_plan_that_breaks_a_rule_exits_2_naming_the_rule(command: str, plan_file: Path, tmp_path: Path) -> None:
    """An engagement shortened by hand: the command refuses the plan and names rule and request."""
    edit(plan_file, psoe_ten_minutes_short)
    result = CliRunner().invoke(main, COMMANDS[command](plan_file, tmp_path / "out"))
    assert result.exit_code == EXIT_INPUT, result.output
    assert "[wrong_duration]" in result.output
    assert "'psoe' (Meeting with PSOE)" in result.output
    assert not (tmp_path / "out").exists()


def test_a_plan_with_a_bad_date_exits_2_naming_the_field(plan_file: Path, tmp_path: Path) -> None:
    """A start that is not a date-time is named by its path in the file."""
    edit(plan_file, engagement_with_a_bad_date)
    result = CliRunner().invoke(main, COMMANDS["export"](plan_file, tmp_path / "out"))
    assert result.exit_code == EXIT_INPUT, result.output
    assert "engagements[1].start" in result.output


def test_a_plan_with_unknown_fields_reads_fine(plan_file: Path, tmp_path: Path) -> None:
    """Fields this version does not know are ignored, as docs/plan-format.md promises."""
    edit(plan_file, fields_from_a_newer_writer)
    result = CliRunner().invoke(main, COMMANDS["export"](plan_file, tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "agenda.md").exists()


def test_reading_without_the_check_still_names_the_field(plan_file: Path) -> None:
    """`check=False` skips the rules; a field of the wrong type is still named by its path."""
    edit(plan_file, request_with_a_fractional_duration)
    with pytest.raises(PlanFileError, match=r"requests\[2\]\.duration_minutes: not a whole number"):
        read_plan(plan_file, check=False)


def test_reading_without_the_check_accepts_a_plan_that_breaks_a_rule(plan_file: Path) -> None:
    """`check=False` rebuilds a plan the checker would refuse (tests of broken plans need it)."""
    edit(plan_file, psoe_ten_minutes_short)
    with pytest.raises(PlanFileError, match="wrong_duration"):
        read_plan(plan_file)
    assert read_plan(plan_file, check=False).engagements


def test_a_checked_plan_reads_back_equal(plan_file: Path) -> None:
    """A plan as written passes the checker and reads back equal."""
    assert read_plan(plan_file) == small_plan()


def test_a_field_the_rules_do_not_use_is_named_by_its_path(plan_file: Path, tmp_path: Path) -> None:
    """The solver report is not judged by the rules, but a bad value there is still named."""
    edit(plan_file, lambda data: data["solver"].update(seconds="fast"))
    result = CliRunner().invoke(main, COMMANDS["export"](plan_file, tmp_path / "out"))
    assert result.exit_code == EXIT_INPUT, result.output
    assert "solver.seconds: not a number" in result.output
