"""Tour folders made to break the reader: control characters in text that goes to the outputs,
TOML nested thousands deep, a cell of megabytes. Each is a problem with file, line and field
(exit 2, nothing written), never a traceback or exit 1.

Runs are repeatable: derandomised, no example database.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.cli import main
from test_io_support import MINIMAL_TOUR, issues_of, make_tour, the_issue
from test_io_support import bundled_data  # noqa: F401 (a fixture: reference data without places)

pytestmark = pytest.mark.usefixtures("bundled_data")

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
REQUEST_TEXT_COLUMNS = ("title", "counterpart", "contact_name", "contact_phone", "notes",
                        "internal_notes")
# Control characters other than a tab and a line break: C0, DEL and C1.
CONTROL = st.sampled_from([chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C,
                                                  *range(0x0E, 0x20), *range(0x7F, 0xA0))])
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


def _requests_csv(column: str, value: str) -> str:
    row = {"id": "psoe", "title": "Meeting with PSOE", "location": "PSOE", "duration": "60",
           column: value}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


@FUZZ
@given(column=st.sampled_from(REQUEST_TEXT_COLUMNS), before=TEXT, control=CONTROL, after=TEXT)
def test_a_control_character_in_text_for_the_outputs_is_a_problem_with_its_field(
        column, before, control, after):
    """An escape, a bell or a form feed in a title or notes is named by file, line and field:
    calendars refuse such text (RFC 5545) and a terminal would obey it. (Around a cell, those
    that are white space, like a vertical tab, are trimmed as spaces are.)"""
    value = f"a{before}{control}{after}z"
    with tempfile.TemporaryDirectory() as root:
        folder = make_tour(Path(root), {"requests.csv": _requests_csv(column, value)})
        if control == "\x00":
            assert any("binary" in issue.message for issue in issues_of(folder))
            return
        issue = the_issue(issues_of(folder), "requests.csv", 2, column)
        assert f"U+{ord(control):04X}" in issue.message


@pytest.mark.parametrize("value", ["two\tcolumns", "two\nlines", "ﻣﺮﺣﺒﺎ 👩\u200d❤️\u200d👩", "\u202eRTL"])
def test_tabs_line_breaks_emoji_and_right_to_left_text_are_read(tmp_path: Path, value: str) -> None:
    """What people type (a tab, a line break, emoji, Arabic, a direction mark) is text."""
    folder = make_tour(tmp_path, {"requests.csv": _requests_csv("notes", value)})
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output


def test_a_control_character_in_a_location_name_is_a_problem(tmp_path: Path) -> None:
    folder = make_tour(tmp_path, {
        "requests.csv": _requests_csv("notes", ""),
        "locations.csv": "id,name,latitude,longitude\nHOTEL,Hotel\x1b[2J,40.42,-3.70\n"
                         "PSOE,PSOE,40.43,-3.72\n"})
    assert "U+001B" in the_issue(issues_of(folder), "locations.csv", 2, "name").message


def test_a_control_character_in_a_toml_text_is_a_problem_with_its_key(tmp_path: Path) -> None:
    """TOML lets `\\u001b` be written as an escape; the tour's name would carry it everywhere."""
    tour = MINIMAL_TOUR.replace('id = "minimal"', 'id = "minimal"\nname = "Visit\\u001b[31m"')
    folder = make_tour(tmp_path, {"tour.toml": tour, "requests.csv": _requests_csv("notes", "")})
    assert "U+001B" in the_issue(issues_of(folder), "tour.toml", 3, "tour.name").message


def test_toml_nested_thousands_deep_is_a_syntax_problem(tmp_path: Path) -> None:
    """tomllib recurses once per level: a hostile file must not end in a RecursionError."""
    tour = MINIMAL_TOUR + "deep = " + "[" * 50_000 + "]" * 50_000 + "\n"
    folder = make_tour(tmp_path, {"tour.toml": tour, "requests.csv": _requests_csv("notes", "")})
    result = CliRunner().invoke(main, ["plan", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "tour.toml: TOML syntax error: arrays or tables nested too deeply" in result.output
    assert not (tmp_path / "out").exists()


def test_a_toml_number_of_thousands_of_digits_is_a_syntax_problem(tmp_path: Path) -> None:
    """Python refuses to read a whole number of over 4,300 digits; tomllib lets its ValueError
    out, which must end as a problem of the file, not a traceback."""
    tour = MINIMAL_TOUR + "huge = " + "9" * 5_000 + "\n"
    folder = make_tour(tmp_path, {"tour.toml": tour, "requests.csv": _requests_csv("notes", "")})
    result = CliRunner().invoke(main, ["plan", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "tour.toml: TOML syntax error: a number with too many digits" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("hostile", ["[" * 50_000 + "]" * 50_000, "9" * 5_000])
def test_every_toml_reader_gets_one_kind_of_error_from_hostile_text(hostile: str) -> None:
    """The one TOML parser turns the recursion and the overlong number into a TOMLDecodeError
    with a plain message; the application layer offers the same function to the web app."""
    import tomllib

    from scheduler import app
    from scheduler.io.tomlfile import parse_toml

    assert app.parse_toml is parse_toml
    with pytest.raises(tomllib.TOMLDecodeError, match="nested too deeply|too many digits"):
        parse_toml("x = " + hostile)


def test_a_key_of_thousands_of_dotted_parts_is_a_problem_at_its_line(tmp_path: Path) -> None:
    """tomllib takes time and memory in the square of a dotted key's parts (30,000 parts: 12 s
    and 3.4 GiB): such a key is refused before parsing, at its line, in a header too."""
    for deep in ("a." * 30_000 + "a = 1", "[" + "a." * 100 + "b]"):
        lines = MINIMAL_TOUR.count("\n")
        folder = make_tour(tmp_path / str(len(deep)),
                           {"tour.toml": MINIMAL_TOUR + deep + "\n",
                            "requests.csv": _requests_csv("notes", "")})
        result = CliRunner().invoke(main, ["plan", str(folder), "-o", str(tmp_path / "out")])
        assert result.exit_code == 2, result.output
        assert f"tour.toml:{lines + 1}: TOML syntax error: a key of more than 64 dotted parts" \
            in result.output
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", [
    "n = \"" + "a." * 1_000 + "\"\n",        # dots in a string are not a key
    "a.b.c = 1\n[x.y]\nz = {p.q = 2}\n",    # keys of a few parts
    "k = 1.5\nl = [2.5, 3.25]\n",            # numbers
])
def test_dotted_text_that_is_not_a_deep_key_is_read(text: str) -> None:
    from scheduler.io.tomlfile import parse_toml

    assert parse_toml(text)


def test_every_reader_takes_times_without_seconds_and_lone_carriage_returns() -> None:
    """docs/input-format.md writes times without seconds (TOML 1.1), which tomllib (TOML 1.0)
    refuses: the one parser completes them, so the web app reads what the command line does."""
    import datetime

    from scheduler.io.tomlfile import parse_toml

    parsed = parse_toml("at = 2018-11-27T12:00\rstart = 09:15\r\nend = \"17:00\"\n")
    assert parsed == {"at": datetime.datetime(2018, 11, 27, 12, 0),
                      "start": datetime.time(9, 15), "end": "17:00"}


def test_a_changes_file_nested_thousands_deep_is_bad_input(tmp_path: Path) -> None:
    from factories import small_plan

    from scheduler.planfile import write_plan

    plan = write_plan(small_plan(), tmp_path / "plan" / "plan.json")
    changes = tmp_path / "changes.toml"
    changes.write_text("cancel = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["replan", str(plan), "-o", str(tmp_path / "out"),
                                       "--changes", str(changes), "--now", "2018-10-26 08:00"])
    assert result.exit_code == 2, result.output
    assert "nested too deeply" in result.output


def test_a_cell_over_the_size_limit_is_named_as_too_long(tmp_path: Path) -> None:
    """A 200,000-character note: the message says the cell is too long, and why it may be."""
    folder = make_tour(tmp_path, {"requests.csv": _requests_csv("notes", "x" * 200_000)})
    issue = the_issue(issues_of(folder), "requests.csv", 2, None)
    assert "longer than 131,072 characters" in issue.message


def test_request_ids_that_differ_only_in_case_are_a_problem(tmp_path: Path) -> None:
    """`PP` and `pp` would both write invites/pp.ics on Windows and macOS: one counterpart
    would receive the other's invitation."""
    rows = _requests_csv("notes", "") + "pp,Meeting with PP,PSOE,45\n"
    folder = make_tour(tmp_path, {"requests.csv": rows.replace("psoe,", "PP,", 1)})
    issue = the_issue(issues_of(folder), "requests.csv", 3, "id")
    assert "`pp` differs from `PP` (line 2) only in upper and lower case" in issue.message


def test_resource_ids_that_differ_only_in_case_are_a_problem(tmp_path: Path) -> None:
    resources = ('\n[[resources]]\nid = "escort"\nkind = "escort"\n'
                 '\n[[resources]]\nid = "Escort"\nkind = "escort"\n')
    folder = make_tour(tmp_path, {"tour.toml": MINIMAL_TOUR + resources,
                                  "requests.csv": _requests_csv("notes", "")})
    issues = [issue for issue in issues_of(folder) if issue.field == "resources.id"]
    assert len(issues) == 1 and "only in upper and lower case" in issues[0].message


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    """A workbook is a zip: one made to unpack kilobytes into gigabytes is refused from its zip
    directory (the limit is lowered here so that the test stays small)."""
    import zipfile

    import openpyxl

    monkeypatch.setattr("scheduler.io.workbook.MAX_UNPACKED_BYTES", 100_000)
    book = openpyxl.Workbook()
    book.active.title = "requests"
    book.active.append(["id", "title", "duration", "location"])
    book.active.append(["psoe", "Meeting with PSOE", 60, "PSOE"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    folder = make_tour(tmp_path, {})
    with zipfile.ZipFile(plain) as source, \
            zipfile.ZipFile(folder / "requests.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        bomb.writestr("xl/padding.bin", b"\0" * 200_000)
    issue = the_issue(issues_of(folder), "requests.xlsx", None, None)
    assert "unpacks to" in issue.message and "save the sheet as CSV" in issue.message


def test_plan_json_on_bad_input_prints_the_problems_as_json_too(tmp_path: Path) -> None:
    """A script reading --json gets one JSON object whatever happens; people get the message."""
    import json

    folder = make_tour(tmp_path, {"requests.csv": _requests_csv("title", "Meeting\x07")})
    result = CliRunner().invoke(main, ["plan", str(folder), "-o", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 2
    account = json.loads(result.stdout)
    assert account["ok"] is False
    assert {"file": "requests.csv", "line": 2, "field": "title"}.items() <= account["problems"][0].items()
    assert "problem(s) in the input" in result.stderr and not (tmp_path / "out").exists()


def test_a_tour_toml_with_lone_carriage_returns_is_read_with_its_lines(tmp_path: Path) -> None:
    """Old Mac line ends, as the CSV files take them; a problem still names its line."""
    tour = MINIMAL_TOUR.replace('end = "20:00"', 'end = "25:61"')
    line = tour.splitlines().index('end = "25:61"') + 1
    folder = make_tour(tmp_path, {"tour.toml": tour.replace("\n", "\r").encode("utf-8"),
                                  "requests.csv": _requests_csv("notes", "")})
    assert "25:61" in the_issue(issues_of(folder), "tour.toml", line, "hours.end").message


@pytest.mark.parametrize("request_id", [".", "..", ".hidden"])
def test_an_id_starting_with_a_dot_is_a_problem(tmp_path: Path, request_id: str) -> None:
    """It names invites/<id>.ics: a hidden file, or `.` and `..` that name folders."""
    folder = make_tour(tmp_path, {"requests.csv": _requests_csv("id", request_id)})
    assert "may not start with a `.`" in the_issue(issues_of(folder), "requests.csv", 2, "id").message
