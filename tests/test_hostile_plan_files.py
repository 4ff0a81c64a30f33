"""Hostile plan files (edited by hand or made to break us): every command that reads one refuses
it with exit 2 and one clear line naming the file, never a traceback or exit 1.

Runs are repeatable: derandomised, no example database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from factories import small_plan
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.checker import check_plan_file
from scheduler.cli import main
from scheduler.errors import PlanFileError
from scheduler.planfile import read_plan, write_plan

EXIT_INPUT = 2
FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

COMMANDS = {
    "export": lambda plan, out: ["export", str(plan), "--format", "md", "-o", str(out)],
    "replan": lambda plan, out: ["replan", str(plan), "-o", str(out), "--now", "2018-10-26 08:00",
                                 "--cancel", "radio", "--no-pdf", "--time-limit", "2"],
    "explain": lambda plan, out: ["explain", str(plan), "psoe", "--no-what-if"],
}

# The text of a plan file, given the text of a valid one: each breaks a reader differently.
HOSTILE_TEXTS = {
    "arrays nested 100,000 deep": lambda text: "[" * 100_000 + "]" * 100_000,
    "objects nested 50,000 deep": lambda text: '{"a":' * 50_000 + "1" + "}" * 50_000,
    "a number of 5,000 digits": lambda text: text.replace('"duration_minutes": 60',
                                                          '"duration_minutes": ' + "9" * 5000, 1),
    "an engagement in the year 1": lambda text: text.replace("2018-10-26T10:00:00+02:00",
                                                             "0001-01-01T00:30:00+02:00", 1),
    "an engagement in the year 9999": lambda text: text.replace("2018-10-26T11:00:00+02:00",
                                                                "9999-12-31T23:30:00-02:00", 1),
    "a duration of 10**30 minutes": lambda text: text.replace('"duration_minutes": 60',
                                                              '"duration_minutes": 1' + "0" * 30, 1),
    "a buffer of 10**30 minutes": lambda text: text.replace('"min_buffer_minutes": ',
                                                            '"min_buffer_minutes": 1' + "0" * 30 + ", \"x\": ", 1),
    "NUL bytes": lambda text: text.replace('"psoe"', '"ps\x00oe"', 1),
    "Latin-1 bytes": lambda text: "\udcff",  # written as the byte 0xFF below
}


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    return write_plan(small_plan(), tmp_path / "plan" / "plan.json")


def _write_hostile(plan_file: Path, name: str) -> None:
    text = plan_file.read_text(encoding="utf-8")
    hostile = HOSTILE_TEXTS[name](text)
    assert hostile != text, f"the mutation {name!r} did not apply"
    plan_file.write_bytes(hostile.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_hostile_plan_file_exits_2_without_a_traceback(command: str, name: str, plan_file: Path,
                                                         tmp_path: Path) -> None:
    """Deep nesting, huge numbers, dates out of the calendar: exit 2, the file named, nothing written."""
    _write_hostile(plan_file, name)
    result = CliRunner().invoke(main, COMMANDS[command](plan_file, tmp_path / "out"))
    assert result.exit_code == EXIT_INPUT, (name, result.output)
    assert "Traceback" not in result.output
    assert str(plan_file) in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_the_checker_reports_a_hostile_plan_file_as_a_violation(name: str, plan_file: Path) -> None:
    """The independent checker names what is wrong instead of raising."""
    _write_hostile(plan_file, name)
    try:
        violations = check_plan_file(plan_file)
    except UnicodeDecodeError:
        return  # documented: a file that is not UTF-8 cannot be read (OSError family)
    assert violations, name


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, path + (key,))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, path + (index,))]
    return [path]


HOSTILE_VALUES = st.one_of(
    st.sampled_from([None, True, -1, 0, 10 ** 30, -(10 ** 30), 1e308, -1e308, 0.5, "", "x" * 5000,
                     "0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00",
                     "9999-12-31T23:59:00-14:00", "2018-10-26T10:00:00", "Mars/Olympus",
                     "../../etc/passwd", [], {}, [[[[]]]], {"a": {"b": {}}}]),
    st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
)


@FUZZ
@given(data=st.data())
def test_any_one_value_edited_by_hand_is_read_or_refused_as_a_plan_file_error(data, tmp_path_factory) -> None:
    """Whatever one field of a valid plan file is changed to, reading it gives the plan or a
    PlanFileError naming the file: never another exception (an overflow, a recursion)."""
    folder = tmp_path_factory.mktemp("plan")
    path = write_plan(small_plan(), folder / "plan.json")
    plan = json.loads(path.read_text(encoding="utf-8"))
    leaf = data.draw(st.sampled_from(_leaves(plan)))
    value = data.draw(HOSTILE_VALUES)
    holder = plan
    for key in leaf[:-1]:
        holder = holder[key]
    holder[leaf[-1]] = value
    path.write_text(json.dumps(plan), encoding="utf-8")
    try:
        read_plan(path)
    except PlanFileError as error:
        assert str(path) in str(error)


def test_a_replan_from_a_moment_outside_the_years_of_a_plan_is_bad_input(plan_file: Path, tmp_path: Path) -> None:
    """`--now 0001-01-01 10:00` would go into the new plan file, which no reader then accepts."""
    result = CliRunner().invoke(main, ["replan", str(plan_file), "-o", str(tmp_path / "out"),
                                       "--now", "0001-01-01 10:00", "--cancel", "radio", "--no-pdf"])
    assert result.exit_code == EXIT_INPUT, result.output
    assert "--now: the year of `0001-01-01 10:00` is not between 1970 and 2999" in result.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_id_to_explain_is_quoted_harmlessly(plan_file: Path) -> None:
    """A terminal escape in the id is shown escaped, a very long id cut."""
    result = CliRunner().invoke(main, ["explain", str(plan_file), "ps\x1b[2Joe", "--no-what-if"])
    assert result.exit_code == EXIT_INPUT, result.output
    assert "\x1b" not in result.output and "ps\\x1b[2Joe" in result.output
    result = CliRunner().invoke(main, ["explain", str(plan_file), "x" * 10_000, "--no-what-if"])
    assert result.exit_code == EXIT_INPUT and len(result.output) < 1000
