"""Helpers shared by the ``test_io_*`` modules (no tests here): tour folders and their issues."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.domain import Day
from scheduler.errors import InputError, InputIssue
from scheduler.io import load_tour

TOURS = Path(__file__).parent / "data" / "tours"
MADRID = ZoneInfo("Europe/Madrid")



def madrid_tour(tour_id: str, first_day: date, last_day: date) -> str:
    """The ``tour.toml`` of a tour in Madrid from ``first_day`` to ``last_day``, 09:00-20:00,
    sleeping at ``HOTEL`` from the night before the first day to the last night."""
    return f"""\
[tour]
id = "{tour_id}"
timezone = "Europe/Madrid"
first_day = {first_day}
last_day = {last_day}

[[lodging]]
location = "HOTEL"
first_night = {first_day - timedelta(days=1)}
last_night = {last_day}

[hours]
start = "09:00"
end = "20:00"
"""


MINIMAL_TOUR = madrid_tour("minimal", date(2018, 11, 26), date(2018, 11, 28))
"""Monday 26 to Wednesday 28 November 2018 in Madrid, one hotel, 09:00-20:00."""



def one_day_tour(tour_id: str) -> str:
    """The ``tour.toml`` of one day in Madrid, Tuesday 27 November 2018, 09:00-20:00, with the
    nights before and after at ``HOTEL``: the frame of the small tours the command tests plan."""
    return "\n" + madrid_tour(tour_id, date(2018, 11, 27), date(2018, 11, 27))


MINIMAL_LOCATIONS = """\
id,name,latitude,longitude
HOTEL,Hotel,40.4200,-3.7025
PSOE,"PSOE, Ferraz",40.4297,-3.7174
TV,Telemadrid,40.4062,-3.7817
"""


def make_tour(folder: Path, files: dict[str, str | bytes], *, base: str | None = None) -> Path:
    """A tour folder under ``folder``: a copy of ``tests/data/tours/<base>`` or the minimal
    tour, with ``files`` written over it (text as UTF-8, bytes as they are)."""
    tour = folder / "tour"
    if base is not None:
        shutil.copytree(TOURS / base, tour)
    else:
        write_files(tour, {"tour.toml": MINIMAL_TOUR, "locations.csv": MINIMAL_LOCATIONS})
    return write_files(tour, files)


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    """``folder`` (made if missing) with ``files`` written in it (text as UTF-8, bytes as they
    are); a name may hold folders (``invites/a.ics``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def issues_of(folder: Path) -> tuple[InputIssue, ...]:
    """The problems ``load_tour`` raises for ``folder`` (the test fails if it raises none)."""
    with pytest.raises(InputError) as raised:
        load_tour(folder)
    return raised.value.problems


def places_of(issues: tuple[InputIssue, ...]) -> set[tuple[str, int | None, str | None]]:
    """The ``(file, line, field)`` of each issue."""
    return {(issue.file, issue.line, issue.field) for issue in issues}


def the_issue(issues: tuple[InputIssue, ...], file: str, line: int | None,
              field: str | None) -> InputIssue:
    """The one issue at ``(file, line, field)``."""
    found = [issue for issue in issues if (issue.file, issue.line, issue.field) == (file, line, field)]
    assert len(found) == 1, f"expected one issue at {file}:{line} [{field}], got {issues}"
    return found[0]


def madrid_day(day: date, start: tuple[int, int] = (9, 0), end: tuple[int, int] = (20, 0)) -> Day:
    """A working day in Madrid at the hotel ``H``."""
    return Day(day, datetime(day.year, day.month, day.day, *start, tzinfo=MADRID),
               datetime(day.year, day.month, day.day, *end, tzinfo=MADRID), "H", "H")


@pytest.fixture
def bundled_data(tmp_path_factory, monkeypatch):
    """Reference data holding only the real travel_modes.toml, so that the bundled places
    directory (written elsewhere, and growing) does not change what these tests see."""
    from scheduler.resources import data_dir

    folder = tmp_path_factory.mktemp("bundled")
    shutil.copy(data_dir() / "travel_modes.toml", folder / "travel_modes.toml")
    monkeypatch.setattr("scheduler.io.load.data_dir", lambda: folder)
    return folder
