"""Tables kept as workbooks (scheduler.io.workbook): .xlsx and .ods read in place of the CSV."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
pandas = pytest.importorskip("pandas")
pytest.importorskip("odf")

from scheduler.io import load_tour  # noqa: E402
from scheduler.io.csvfile import CsvSchema  # noqa: E402
from scheduler.io.issues import IssueLog  # noqa: E402
from scheduler.io.workbook import cell_text, read_workbook  # noqa: E402
from test_io_support import bundled_data  # noqa: E402,F401 (a fixture)
from test_io_support import MINIMAL_LOCATIONS, issues_of, make_tour, the_issue  # noqa: E402

pytestmark = pytest.mark.usefixtures("bundled_data")

REQUESTS_CSV = """\
id,title,location,duration,priority,windows,fixed_start
psoe,Meeting with PSOE,PSOE,60,5,Tue 10:00-13:00,
tv,Telemadrid live,TV,20,4,,2018-11-28 18:00
"""
HEADER = ["id", "title", "location", "duration", "priority", "windows", "fixed_start"]
ROWS = [["psoe", "Meeting with PSOE", "PSOE", 60.0, 5, "Tue 10:00-13:00", None],
        ["tv", "Telemadrid live", "TV", 20, 4, None, datetime(2018, 11, 28, 18, 0)]]


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook with ``sheets`` (name → rows, row 1 first), written with openpyxl."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def ods(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A LibreOffice workbook with ``sheets``, written by pandas through odfpy."""
    with pandas.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            pandas.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False)
    return path


def tour_with(tmp_path: Path, **workbooks: dict[str, list[list[object]]]) -> Path:
    """The minimal tour with ``requests.xlsx`` (or another table, by keyword) instead of CSV."""
    tour = make_tour(tmp_path, {})
    for name, sheets in workbooks.items():
        stem, suffix = name.rsplit("_", 1)
        (xlsx if suffix == "xlsx" else ods)(tour / f"{stem}.{suffix}", sheets)
    return tour


def read_sheet(path: Path, schema: CsvSchema = CsvSchema(("id", "title"), ("duration",), table="requests")):
    log = IssueLog()
    return read_workbook(path, path.name, schema, log), log


# --- a tour whose tables are workbooks ------------------------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_workbook_reads_as_its_csv_would(tmp_path, suffix):
    """requests.xlsx and requests.ods give the same requests as requests.csv; no CSV needed."""
    (tmp_path / "csv").mkdir()
    (tmp_path / suffix).mkdir()
    from_csv = load_tour(make_tour(tmp_path / "csv", {"requests.csv": REQUESTS_CSV}))
    tour = tour_with(tmp_path / suffix, **{f"requests_{suffix}": {"requests": [HEADER, *ROWS]}})
    assert not (tour / "requests.csv").exists()
    assert load_tour(tour).requests == from_csv.requests


def test_every_table_may_be_a_workbook(tmp_path):
    """availability, locations and travel are read from workbooks the same way."""
    locations = [row.split(",") for row in MINIMAL_LOCATIONS.replace('"PSOE, Ferraz"', "PSOE Ferraz")
                 .splitlines()]
    tour = tour_with(tmp_path, requests_xlsx={"requests": [HEADER, *ROWS]},
                     availability_ods={"availability": [["request_id", "windows", "type"],
                                                        ["psoe", "Tue 10:00-11:00", "unavailable"]]},
                     travel_xlsx={"travel": [["from", "to", "minutes"], ["HOTEL", "PSOE", 17]]})
    (tour / "locations.csv").unlink()
    xlsx(tour / "locations.xlsx", {"locations": [locations[0], *[
        [cell if index < 2 else float(cell) for index, cell in enumerate(row)] for row in locations[1:]]]})
    problem = load_tour(tour)
    psoe = problem.request("psoe")
    assert min(window.start for window in psoe.windows).hour == 11
    assert problem.travel.between("HOTEL", "PSOE") == 17
    assert problem.locations["PSOE"].latitude == pytest.approx(40.4297)


def test_a_problem_names_the_sheet_the_row_and_the_column(tmp_path):
    """`requests.xlsx, sheet "requests", row 7, column duration`: rows as the spreadsheet shows them."""
    rows = [[], HEADER, ROWS[0], ROWS[1], [], [], ["bad", "A bad one", "PSOE", "an hour", 1]]
    tour = tour_with(tmp_path, requests_xlsx={"Notes": [["nothing"]], "requests": rows})
    issue = the_issue(issues_of(tour), "requests.xlsx", 7, "duration")
    assert issue.sheet == "requests"
    assert str(issue).startswith('requests.xlsx, sheet "requests", row 7, column duration: `an hour`')


def test_the_sheet_named_like_the_table_is_read_else_the_first(tmp_path):
    """A sheet named `Requests` (any case) wins over the first; without one, the first is read."""
    named = xlsx(tmp_path / "named.xlsx", {"Notes": [["id", "title"], ["n1", "Not this"]],
                                           " Requests ": [["id", "title"], ["r1", "This"]]})
    table, log = read_sheet(named)
    assert not log.issues and table.sheet == " Requests " and table.rows[0].get("id") == "r1"
    first = xlsx(tmp_path / "first.xlsx", {"Hoja1": [["id", "title"], ["r1", "This"]],
                                           "Hoja2": [["other"]]})
    table, log = read_sheet(first)
    assert not log.issues and table.sheet == "Hoja1"


def test_a_wrongly_named_sheet_says_which_sheet_was_read(tmp_path):
    """When the first sheet is read for lack of a `requests` sheet and lacks columns, it is said."""
    path = xlsx(tmp_path / "requests.xlsx", {"Instructions": [["Fill in the next sheet"]],
                                             "Solicitudes": [["id", "title"], ["r1", "x"]]})
    _, log = read_sheet(path)
    issue = the_issue(log.issues, "requests.xlsx", None, None)
    assert issue.sheet == "Instructions"
    assert 'no sheet is named "requests", so the first sheet, "Instructions", was read' in issue.message


def test_csv_and_workbook_together_is_a_problem_naming_both(tmp_path):
    """Which of requests.csv and requests.xlsx is meant is not guessed."""
    tour = tour_with(tmp_path, requests_xlsx={"requests": [HEADER, *ROWS]})
    (tour / "requests.csv").write_text(REQUESTS_CSV, encoding="utf-8")
    issues = issues_of(tour)
    assert len(issues) == 1
    assert "requests.csv and requests.xlsx" in issues[0].message
    assert "is missing" not in issues[0].message


def test_no_requests_table_at_all_is_still_missing(tmp_path):
    """Without any requests file the problem names the CSV and the workbook forms."""
    issue = the_issue(issues_of(make_tour(tmp_path, {})), "requests.csv", None, None)
    assert "requests.xlsx" in issue.message


def test_spreadsheet_lock_files_are_not_reported(tmp_path):
    """`~$requests.xlsx` (Excel has the file open) is neither read nor called a misnamed table."""
    tour = tour_with(tmp_path, requests_xlsx={"requests": [HEADER, *ROWS]})
    (tour / "~$requests.xlsx").write_bytes(b"\x00owner")
    (tour / ".~lock.requests.ods#").write_text("owner", encoding="utf-8")
    assert load_tour(tour).request("psoe").title == "Meeting with PSOE"


def test_a_misnamed_workbook_is_reported(tmp_path):
    """`request.xlsx` next to no requests table: did you mean `requests.xlsx`?"""
    tour = make_tour(tmp_path, {})
    xlsx(tour / "request.xlsx", {"requests": [HEADER, *ROWS]})
    issue = the_issue(issues_of(tour), "request.xlsx", None, None)
    assert "did you mean `requests.xlsx`" in issue.message


# --- hostile workbooks ------------------------------------------------------------------------


def test_a_file_that_is_not_a_workbook_is_reported(tmp_path):
    """Bytes that are not a workbook under an .xlsx name: one problem, no traceback."""
    for name, data in (("requests.xlsx", b"id,title\nr1,x\n"), ("requests.ods", b"PK\x03\x04broken")):
        path = tmp_path / name
        path.write_bytes(data)
        table, log = read_sheet(path)
        assert table is None
        assert "cannot read the workbook" in log.issues[0].message


@pytest.mark.parametrize("make", [xlsx, ods])
def test_an_empty_sheet_is_reported(tmp_path, make):
    """A sheet with nothing in it needs a header row."""
    path = make(tmp_path / f"requests.{make.__name__}", {"requests": [[]]})
    table, log = read_sheet(path)
    assert table is None
    assert "the sheet is empty" in log.issues[0].message
    assert log.issues[0].sheet == "requests"


def test_formulas_never_run_and_errors_are_reported(tmp_path):
    """A formula's saved value is read; one never computed reads empty; an error cell is a problem."""
    path = xlsx(tmp_path / "requests.xlsx", {"requests": [
        ["id", "title", "duration"],
        ["r1", "=HYPERLINK(\"http://x.example\",\"click\")", "=1+1"],
        ["r2", "Fine", 30],
    ]})
    book = openpyxl.load_workbook(path)
    book["requests"]["C3"].value = "#DIV/0!"
    book["requests"]["C3"].data_type = "e"
    book.save(path)
    table, log = read_sheet(path)
    first, second = table.rows
    assert first.get("title") == "" and first.get("duration") == ""  # written by a program: no value
    assert second.get("duration") == ""
    issue = the_issue(log.issues, "requests.xlsx", 3, "duration")
    assert "shows an error" in issue.message and issue.sheet == "requests"


def test_error_text_in_an_ods_cell_is_reported(tmp_path):
    """LibreOffice's `Err:502` and `#VALUE!` are errors, not titles."""
    path = ods(tmp_path / "requests.ods", {"requests": [["id", "title", "duration"],
                                                         ["r1", "Err:502", "#VALUE!"]]})
    _, log = read_sheet(path)
    assert {(issue.line, issue.field) for issue in log.issues} == {(2, "title"), (2, "duration")}
    assert "`Err:502`" in the_issue(log.issues, "requests.ods", 2, "title").message


def test_huge_numbers_are_reported_not_read(tmp_path):
    """1e20 minutes and a 300-digit float are problems with short messages."""
    tour = tour_with(tmp_path, requests_xlsx={"requests": [
        HEADER, ["a", "A", "PSOE", 1e20, 1], ["b", "B", "PSOE", 1e308, 1], ["c", "C", "PSOE", 60, 1e300]]})
    issues = issues_of(tour)
    for line, column in ((2, "duration"), (3, "duration"), (4, "priority")):
        issue = the_issue(issues, "requests.xlsx", line, column)
        assert "e+" in issue.message and len(issue.message) < 120


def test_merged_header_leaves_the_covered_columns_unnamed(tmp_path):
    """A header cell merged over two columns names the first; values under the second are reported."""
    path = xlsx(tmp_path / "requests.xlsx", {"requests": [
        ["id", "title", None], ["r1", "Meeting", "stray"]]})
    book = openpyxl.load_workbook(path)
    book["requests"].merge_cells("B1:C1")
    book.save(path)
    table, log = read_sheet(path)
    assert table.rows[0].get("title") == "Meeting"
    issue = the_issue(log.issues, "requests.xlsx", 2, None)
    assert "column C has no name" in issue.message


def test_a_title_above_the_header_is_skipped(tmp_path):
    """A title row (merged across the columns) above the header does not hide the header."""
    path = xlsx(tmp_path / "requests.xlsx", {"requests": [
        ["Requests for the visit, November 2018"], [], ["id", "title", "duration"], ["r1", "One", 30]]})
    book = openpyxl.load_workbook(path)
    book["requests"].merge_cells("A1:C1")
    book.save(path)
    table, log = read_sheet(path)
    assert not log.issues
    assert table.header_line == 3 and table.rows[0].line == 4 and table.rows[0].get("title") == "One"


def test_a_header_naming_no_column_is_reported_at_its_row(tmp_path):
    """When no row names a column, the first row is the header and its problems are listed."""
    path = xlsx(tmp_path / "requests.xlsx", {"requests": [["ident", "titel"], ["r1", "One"]]})
    _, log = read_sheet(path)
    assert {(issue.line, issue.field) for issue in log.issues} >= {(1, "ident"), (1, "id"), (1, "title")}


def test_blank_rows_and_columns_keep_row_numbers(tmp_path):
    """The header may start anywhere; rows are counted as the spreadsheet counts them."""
    path = xlsx(tmp_path / "requests.xlsx", {"requests": [
        [], [], [None, "id", "title", "duration"], [None, "r1", "One", 30], [], [None, "r1", "Two", 30]]})
    table, log = read_sheet(path)
    assert table.header_line == 3 and [row.line for row in table.rows] == [4, 6]


def test_dates_typed_as_dates_read_as_the_window_syntax(tmp_path):
    """A date-time in fixed_start or windows works; a time typed into duration is reported."""
    tour = tour_with(tmp_path, requests_xlsx={"requests": [
        HEADER,
        ["tv", "Live", "TV", 20, 1, datetime(2018, 11, 28), datetime(2018, 11, 28, 18, 0)],
        ["radio", "Radio", "TV", time(0, 30), 1, None, None]]})
    issues = issues_of(tour)
    assert [(issue.line, issue.field) for issue in issues] == [(3, "duration")]
    assert "`00:30` is not a whole number" in issues[0].message
    xlsx(tour / "requests.xlsx", {"requests": [
        HEADER, ["tv", "Live", "TV", 20, 1, datetime(2018, 11, 28), datetime(2018, 11, 28, 18, 0)]]})
    request = load_tour(tour).request("tv")
    assert request.fixed_start.hour == 18 and request.windows[0].start.day == 28


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (float("nan"), ""), ("007", "007"), (60, "60"), (60.0, "60"), (40.4168, "40.4168"),
    (0.1 + 0.2, "0.3"), (1e20, "1e+20"), (10 ** 300, "1e+300"), (True, "TRUE"), (False, "FALSE"),
    (datetime(2018, 11, 27, 10, 0), "2018-11-27 10:00"), (datetime(2018, 11, 27), "2018-11-27"),
    (datetime(2018, 11, 27, 9, 59, 59, 999_700), "2018-11-27 10:00"),
    (datetime(2018, 11, 27, 10, 0, 30), "2018-11-27 10:00:30"),
    (pandas.Timestamp("2018-11-27 08:30"), "2018-11-27 08:30"),
    (time(8, 30), "08:30"), (timedelta(hours=1, minutes=30), "1:30"),
])
def test_cell_values_become_the_text_a_csv_export_holds(value, text):
    """Numbers as typed, dates in the window syntax, TRUE/FALSE as Excel writes them."""
    assert cell_text(value) == text


def test_check_json_names_the_sheet(tmp_path):
    """`scheduler check --json` gives the sheet of a workbook's problem (and none for CSV)."""
    import json

    from click.testing import CliRunner

    from scheduler.cli import main

    tour = tour_with(tmp_path, requests_xlsx={"requests": [HEADER, ["bad", "Bad", "PSOE", "x", 1]]})
    result = CliRunner().invoke(main, ["check", str(tour), "--json"])
    assert result.exit_code == 2
    problem, = json.loads(result.output)["problems"]
    assert problem == {"file": "requests.xlsx", "line": 2, "field": "duration", "sheet": "requests",
                       "message": problem["message"]}


def test_new_requests_of_a_replan_may_be_a_workbook(tmp_path):
    """`replan --requests new.xlsx` reads the first sheet (no sheet is named after the file)."""
    from scheduler.io import read_requests_csv

    problem = load_tour(make_tour(tmp_path, {"requests.csv": REQUESTS_CSV}))
    path = xlsx(tmp_path / "new.xlsx", {"Hoja1": [HEADER, ["cope", "COPE radio", "TV", 30, 2, "Wed", None]]})
    read = read_requests_csv(path, problem.tour, problem.locations, taken_ids=["psoe", "tv"])
    assert [request.id for request in read.requests] == ["cope"]
