"""The bad-input corpus (tests/data/bad/): every case through the command line, as a user meets it.

Each case is a small tour folder with an ``expected.txt``. Its first line after the comment
says what must happen:

- problem lines, one per problem, written as the command line prints them
  (``requests.csv:2 [duration]: must be above 0``: file, line, field, then a fragment of the
  message): ``scheduler plan`` exits 2, lists exactly these problems, writes nothing and shows
  no traceback;
- ``OK``: the folder is read correctly (``scheduler check`` exits 0), and each following line
  ``request <id>.<attribute> = <value>`` or ``location <id>.<attribute> = <value>`` holds
  (``#len`` compares a length);
- ``EXIT 3``: the input is well formed but a mandatory request can never be placed (a
  window outside the tour, a duration longer than every window: by design these are planning
  outcomes, not input errors): ``scheduler plan`` exits 3, writes nothing, and its message
  holds each following line.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.io import load_tour
from test_io_support import bundled_data  # noqa: F401 (a fixture: reference data without places)

CORPUS = Path(__file__).parent / "data" / "bad"
PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:\s\[]+)(?::(?P<line>\d+))?(?: \[(?P<field>[^\]]+)\])?: (?P<text>.*)$")
LIMIT = ["--time-limit", "2", "--workers", "1"]

pytestmark = pytest.mark.usefixtures("bundled_data")


@dataclass(frozen=True)
class Case:
    """One folder of the corpus and what it expects."""

    name: str
    folder: Path
    kind: str  # "bad", "ok" or "exit3"
    lines: tuple[str, ...]


def _case(folder: Path) -> Case:
    lines = [line for line in (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    if lines[0] == "OK":
        return Case(folder.name, folder, "ok", tuple(lines[1:]))
    if lines[0] == "EXIT 3":
        return Case(folder.name, folder, "exit3", tuple(lines[1:]))
    return Case(folder.name, folder, "bad", tuple(lines))


CASES = [_case(folder) for folder in sorted(CORPUS.iterdir()) if folder.is_dir()]


def _of(kind: str) -> list:
    return [pytest.param(case, id=case.name) for case in CASES if case.kind == kind]


def _problem(text: str) -> tuple[str, int | None, str | None, str]:
    match = PROBLEM_LINE.match(text)
    assert match, f"not a problem line: {text!r}"
    line = int(match["line"]) if match["line"] else None
    return match["file"], line, match["field"], match["text"]


def test_the_corpus_is_large_enough():
    """At least 30 bad inputs, and the inputs that must be read correctly, are in the corpus."""
    assert sum(case.kind == "bad" for case in CASES) >= 30
    assert {"ok-utf8-bom", "ok-semicolons", "ok-windows-1252", "ok-decimal-commas",
            "ok-quoted-newlines"} <= {case.name for case in CASES}


@pytest.mark.parametrize("case", _of("bad"))
def test_bad_input_exits_2_listing_every_problem_and_writing_nothing(case: Case, tmp_path):
    """`scheduler plan` lists exactly the expected problems (file, line, field, message),
    exits 2, creates no output folder and shows no traceback."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(case.folder), "-o", str(out), *LIMIT])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not out.exists()
    head, *listed = result.output.rstrip("\n").split("\n")
    assert head == f"error: {len(case.lines)} problem(s) in the input; nothing was written.", result.output
    printed = [_problem(line[2:]) for line in listed]
    for expected in map(_problem, case.lines):
        found = [p for p in printed if p[:3] == expected[:3] and expected[3] in p[3]]
        assert found, f"{case.name}: no problem like {expected} in\n{result.output}"
        printed.remove(found[0])
    assert printed == [], f"{case.name}: problems not expected: {printed}"


def _value(problem, subject: str) -> object:
    kind, _, path = subject.partition(" ")
    item_id, _, attribute = path.partition(".")
    attribute, _, measure = attribute.partition("#")
    value = problem.request(item_id) if kind == "request" else problem.locations[item_id]
    for name in attribute.split("."):
        value = getattr(value, name)
    return len(value) if measure == "len" else value


@pytest.mark.parametrize("case", _of("ok"))
def test_awkward_spreadsheet_export_is_read_correctly(case: Case):
    """BOM, semicolons, Windows-1252, decimal commas, quoted line breaks: `check` accepts the
    folder and every value comes out as written."""
    result = CliRunner().invoke(main, ["check", str(case.folder)])
    assert result.exit_code == 0, result.output
    problem = load_tour(case.folder)
    for line in case.lines:
        subject, _, literal = line.partition(" = ")
        assert _value(problem, subject) == ast.literal_eval(literal), line


@pytest.mark.parametrize("case", _of("exit3"))
def test_mandatory_request_that_can_never_be_placed_exits_3(case: Case, tmp_path):
    """A well-formed tour whose mandatory request has no usable window: exit 3, the reason in
    words, nothing written."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(case.folder), "-o", str(out), *LIMIT])
    assert result.exit_code == 3, result.output
    assert not out.exists() and "Traceback" not in result.output
    for fragment in case.lines:
        assert fragment in result.output, result.output


def _big_tour(folder: Path, rows: int, bad: dict[int, str]) -> Path:
    """A tour whose requests.csv has ``rows`` rows; ``bad`` maps a physical line to its row."""
    folder.mkdir()
    corpus = CORPUS / "zero-duration"
    for name in ("tour.toml", "locations.csv"):
        (folder / name).write_bytes((corpus / name).read_bytes())
    lines = ["id,title,location,duration,windows"]
    for line in range(2, rows + 2):
        place = "PSOE" if line % 2 else "TV"
        lines.append(bad.get(line, f"r{line},Request {line},{place},30,Tue 10:00-11:30; Wed 12:00-14:00"))
    (folder / "requests.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_100000_rows_with_two_bad_ones_name_exactly_those(tmp_path):
    """In a 100,000-row requests.csv the two bad rows are named by their lines, and nothing is
    written."""
    tour = _big_tour(tmp_path / "big", 100_000, {50_001: "r50001,Zero,PSOE,0,Tue 10:00-11:30",
                                                 100_001: "r100001,Typo,PSEO,30,Tue 10:00-11:30"})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT])
    assert result.exit_code == 2, result.output[:2000]
    assert result.output.splitlines()[1:] == [
        "  requests.csv:50001 [duration]: must be above 0, not 0; write whole minutes above 0",
        "  requests.csv:100001 [location]: unknown location `PSEO` (did you mean `PSOE`?); "
        "add it to locations.csv"]
    assert not out.exists()


def test_100000_good_rows_are_all_read(tmp_path):
    """A correct 100,000-row requests.csv is read whole."""
    tour = _big_tour(tmp_path / "big", 100_000, {})
    result = CliRunner().invoke(main, ["check", str(tour)])
    assert result.exit_code == 0, result.output
    assert "100000 requests" in result.output
