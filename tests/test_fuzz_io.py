"""Hypothesis fuzzing of the reader: whatever a file holds, the answer is a problem or a list of
problems (InputError), never a crash; and what a spreadsheet writes comes back as written.

Runs are repeatable: derandomised, no example database.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Problem
from scheduler.errors import InputError
from scheduler.io import load_tour
from scheduler.io.csvfile import CsvSchema, read_csv, read_csv_text
from scheduler.io.issues import IssueLog
from scheduler.io.load import TOUR_FILES
from scheduler.io.windows import TourCalendar, WindowReader
from test_io_support import MINIMAL_LOCATIONS, MINIMAL_TOUR, madrid_day
from test_io_support import bundled_data  # noqa: F401 (a fixture: reference data without places)

FUZZ = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SCHEMA = CsvSchema(required=("id", "title"), optional=("notes", "duration"))
NO_SURROGATES = st.characters(blacklist_categories=("Cs",))
# What a spreadsheet can save in a cell: any character but NUL (a file holding NUL is binary).
SPREADSHEET_TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")

# Cells that look like what organisers type, so that the fuzzing reaches past the header.
CELLS = st.one_of(
    st.text(NO_SURROGATES, max_size=20),
    st.sampled_from(["psoe", "tv", "PSOE", "TV", "HOTEL", "60", "0", "-5", "1.500.000", "40,4168",
                     "yes", "no", "sí", "phone", "video", "meeting", "Tue 10:00-11:30",
                     "2018-11-27 10:00-11:30", "Wed 17:00", "daily", "Mon-Wed 16:00-18:00",
                     "2018-11-27T10:00+01:00/2018-11-27T11:30+01:00", "24:00", "27/11/2018",
                     "2018-10-28 02:30", "\"", "=1+1", "a@b.org", ""]),
)
COLUMNS = ["id", "title", "kind", "counterpart", "contact_email", "location", "address",
           "latitude", "longitude", "remote", "duration", "priority", "audience", "value",
           "mandatory", "windows", "fixed_start", "setup_minutes", "notes", "colour", "Titel"]


def _check_outcome(folder: Path) -> None:
    """``load_tour`` gives a problem or an InputError whose problems each name a file, on one
    printable line."""
    try:
        result = load_tour(folder)
    except InputError as error:
        assert error.problems
        for issue in error.problems:
            assert issue.file and issue.message
            assert issue.line is None or issue.line >= 1
            assert "\n" not in issue.message and "\x1b" not in issue.message  # one printable line
        return
    assert isinstance(result, Problem)


def _tour_folder(root: str, requests: bytes | str, tour: str = MINIMAL_TOUR) -> Path:
    folder = Path(root)
    (folder / "tour.toml").write_text(tour, encoding="utf-8")
    (folder / "locations.csv").write_text(MINIMAL_LOCATIONS, encoding="utf-8")
    data = requests.encode("utf-8") if isinstance(requests, str) else requests
    (folder / "requests.csv").write_bytes(data)
    return folder


@FUZZ
@given(st.text(NO_SURROGATES, max_size=300))
def test_any_text_is_read_or_reported(text):
    """Any text is read as CSV or reported, with the file named: never an exception."""
    log = IssueLog()
    table = read_csv_text(text, "file.csv", SCHEMA, log)
    assert table is not None or log.issues
    assert all(issue.file == "file.csv" for issue in log.issues)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_reported(data):
    """Any bytes (any encoding, binary, a workbook's signature) are read or reported."""
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "file.csv"
        path.write_bytes(data)
        log = IssueLog()
        table = read_csv(path, "file.csv", SCHEMA, log)
        assert table is not None or log.issues


@FUZZ
@given(rows=st.lists(st.lists(st.text(SPREADSHEET_TEXT, max_size=15), min_size=3, max_size=3),
                     min_size=1, max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_cells_written_by_a_spreadsheet_come_back(rows, delimiter, encoding):
    """Cells quoted by a CSV writer (delimiters, quotes, line breaks inside) come back as written,
    trimmed, line breaks as ``\\n``, in any of the encodings spreadsheets use."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "title", "notes"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "file.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        log = IssueLog()
        table = read_csv(path, "file.csv", SCHEMA, log)
    assert not log.issues
    expected = [[cell.strip().replace("\r\n", "\n").replace("\r", "\n") for cell in row] for row in rows]
    expected = [row for row in expected if any(row)]
    got = [[row.get("id"), row.get("title"), row.get("notes")] for row in table.rows]
    assert got == expected


@FUZZ
@given(st.text(NO_SURROGATES, max_size=400))
def test_any_requests_file_is_loaded_or_reported(bundled_data, text):
    """A tour whose requests.csv holds any text loads or lists its problems."""
    with tempfile.TemporaryDirectory() as root:
        _check_outcome(_tour_folder(root, text))


@FUZZ
@given(header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True),
       rows=st.lists(st.lists(CELLS, min_size=8, max_size=8), max_size=5),
       delimiter=st.sampled_from([",", ";"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_requests_that_look_real_are_loaded_or_reported(bundled_data, header, rows, delimiter,
                                                       encoding):
    """Rows of plausible and implausible cells, under any mix of columns, load or list their
    problems, in every encoding spreadsheets use."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(row[:len(header)] for row in rows)
    data = buffer.getvalue().encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as root:
        _check_outcome(_tour_folder(root, data))


TOML_VALUES = st.one_of(
    st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=True).map(repr),
    st.text(NO_SURROGATES, max_size=12).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"')
                                          .replace("\n", "\\n") + '"'),
    st.sampled_from(["true", "false", "2018-11-26", "2018-11-26T08:30", "09:00:00", '"09:00"',
                     '"25:00"', '"Europe/Madrid"', '"Mars/Olympus"', "[]", "{}", '"HOTEL"',
                     "1970-01-01", "2999-12-31", "0", "-1", "inf"]),
)
TOML_KEYS = {
    "tour": ["id", "name", "timezone", "first_day", "last_day", "frist_day"],
    "guest": ["name", "timezone"],
    "arrival": ["at", "location", "buffer_minutes"],
    "departure": ["at", "location", "buffer_minutes"],
    "hours": ["start", "end"],
    "meal": ["earliest", "latest", "minutes"],
    "limits": ["max_engagements_per_day", "min_buffer_minutes", "time_step_minutes"],
    "travel": ["mode", "detour_factor", "long_distance_km", "long_distance_mode"],
    "objective": ["value", "priority_points", "audience_points", "value_weight"],
    "organizer": ["name", "email"],
}


@st.composite
def tour_files(draw) -> str:
    """The minimal tour with some keys of some tables overwritten by generated values."""
    lines = MINIMAL_TOUR.splitlines()
    extra = []
    for table in draw(st.lists(st.sampled_from(sorted(TOML_KEYS)), max_size=4, unique=True)):
        keys = draw(st.lists(st.sampled_from(TOML_KEYS[table]), min_size=1, max_size=3, unique=True))
        body = [f"{key} = {draw(TOML_VALUES)}" for key in keys]
        if table in ("tour", "hours"):
            header = lines.index(f"[{table}]")
            kept = [line for line in lines[header + 1:] if line.split(" = ")[0] not in keys]
            lines = lines[:header + 1] + body + kept
        else:
            extra += ["", f"[{table}]", *body]
    return "\n".join(lines + extra) + "\n"


@FUZZ
@given(tour=tour_files())
def test_any_tour_file_is_loaded_or_reported(bundled_data, tour):
    """A tour.toml with generated values in its keys loads or lists its problems."""
    requests = "id,title,location,duration,windows\npsoe,PSOE,PSOE,60,Tue 10:00-11:30\n"
    with tempfile.TemporaryDirectory() as root:
        _check_outcome(_tour_folder(root, requests, tour))


@FUZZ
@given(cell=st.one_of(st.text(NO_SURROGATES, max_size=60),
                      st.lists(CELLS, max_size=4).map("; ".join)),
       duration=st.one_of(st.none(), st.integers(-5, 2000)))
def test_any_windows_cell_is_read_or_reported(cell, duration):
    """Any windows cell gives windows or problems in words over the days of a tour."""
    days = [madrid_day(date(2018, 10, day)) for day in (26, 27, 28, 29)]
    reader = WindowReader(TourCalendar.from_days(days, days[0].start.tzinfo))
    windows, problems = reader.read(cell, duration)
    assert all(isinstance(problem, str) and problem for problem in problems)
    assert all(window.minutes > 0 for window in windows)


def test_the_files_read_are_the_documented_ones():
    """The fuzzed loader reads the five files of docs/input-format.md."""
    assert TOUR_FILES == ("tour.toml", "requests.csv", "availability.csv", "locations.csv",
                          "travel.csv")
