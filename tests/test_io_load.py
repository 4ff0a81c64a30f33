"""Loading whole tour folders (scheduler.io.load): the happy path and every problem at once."""

from __future__ import annotations

import shutil

import pytest

from scheduler.errors import InputError
from scheduler.io import load_locations, load_tour
from scheduler.resources import data_dir
from test_io_support import bundled_data  # noqa: F401 (a fixture)
from test_io_support import MINIMAL_TOUR, TOURS, issues_of, make_tour, places_of, the_issue

REQUEST = "id,title,location,duration\npsoe,PSOE,PSOE,60\n"


@pytest.mark.usefixtures("bundled_data")
def test_basic_tour_loads():
    """The basic folder gives its days, requests, used places and a full travel table."""
    problem = load_tour(TOURS / "basic")
    assert len(problem.tour.days) == 5
    assert [request.id for request in problem.requests] == ["psoe", "tv", "radio", "congreso", "cafe"]
    used = set(problem.used_locations())
    assert set(problem.locations) == used
    assert len(problem.travel.minutes) == len(used) * (len(used) - 1)


@pytest.mark.usefixtures("bundled_data")
def test_all_problems_of_all_files_at_once():
    """A folder broken in every file reports every problem in one error, each at its file,
    physical line and field."""
    issues = issues_of(TOURS / "broken")
    assert places_of(issues) == {
        ("tour.toml", 3, "tour.timezone"),
        ("tour.toml", 5, "tour.frist_day"),
        ("tour.toml", 9, "lodging.location"),
        ("tour.toml", 15, "hours.end"),
        ("requests.csv", 1, "titel"),
        ("requests.csv", 1, "title"),
        ("requests.csv", 3, "id"),
        ("requests.csv", 3, "duration"),
        ("requests.csv", 5, "windows"),  # the record starts on line 4, its windows cell on 5
        ("requests.csv", 6, "remote"),  # after the two-line record
        ("requests.csv", 7, "duration"),
        ("requests.csv", 7, "location"),
        ("requests.csv", 7, "windows"),
        ("availability.csv", 2, "request_id"),
        ("availability.csv", 3, "type"),
        ("locations.csv", 4, "latitude"),
        ("locations.csv", 5, "id"),
        ("travel.csv", 2, "minutes"),
        ("travel.csv", 3, "to"),
    }
    assert len(issues) == 19
    assert "did you mean `Europe/Madrid`" in the_issue(issues, "tour.toml", 3, "tour.timezone").message
    assert "did you mean `title`" in the_issue(issues, "requests.csv", 1, "titel").message
    assert "did you mean `HOTEL-MAD`" in the_issue(issues, "tour.toml", 9, "lodging.location").message


@pytest.mark.usefixtures("bundled_data")
def test_problems_are_listed_file_by_file_and_by_line():
    """The error lists tour.toml first, then requests.csv, ..., each by line."""
    issues = issues_of(TOURS / "broken")
    files = [issue.file for issue in issues]
    assert files == sorted(files, key=["tour.toml", "requests.csv", "availability.csv",
                                       "locations.csv", "travel.csv"].index)
    lines = [issue.line for issue in issues if issue.file == "requests.csv"]
    assert lines == sorted(lines)


def test_missing_folder(tmp_path):
    """A folder that does not exist is one issue naming it."""
    with pytest.raises(InputError) as raised:
        load_tour(tmp_path / "nowhere")
    [issue] = raised.value.problems
    assert "does not exist" in issue.message


@pytest.mark.usefixtures("bundled_data")
def test_missing_required_files(tmp_path):
    """Without tour.toml and requests.csv, both are reported."""
    (tmp_path / "empty").mkdir()
    assert places_of(issues_of(tmp_path / "empty")) == {("tour.toml", None, None),
                                                        ("requests.csv", None, None)}


@pytest.mark.usefixtures("bundled_data")
def test_misnamed_file_is_reported(tmp_path):
    """`location.csv` would be silently ignored; it is reported with the right name."""
    folder = make_tour(tmp_path, {"requests.csv": REQUEST})
    (folder / "locations.csv").rename(folder / "location.csv")
    issue = the_issue(issues_of(folder), "location.csv", None, None)
    assert "did you mean `locations.csv`" in issue.message


@pytest.mark.usefixtures("bundled_data")
def test_broken_tour_toml_still_checks_requests(tmp_path):
    """When tour.toml cannot be read, requests.csv is still checked cell by cell."""
    folder = make_tour(tmp_path, {"tour.toml": "[tour\n", "requests.csv":
                                  "id,title,location,duration,windows\na,A,PSOE,0,Tue 12:00-11:00\n"})
    assert places_of(issues_of(folder)) == {("tour.toml", 1, None), ("requests.csv", 2, "duration"),
                                            ("requests.csv", 2, "windows")}


def test_bundled_directory_is_used_and_the_tours_rows_win(tmp_path, bundled_data):
    """A place only in the bundled places.csv can be used; a tour row with its id wins."""
    (bundled_data / "places.csv").write_text(
        "id,name,address,city,latitude,longitude,approximate\n"
        "MAD-CONGRESO,Congreso de los Diputados,Carrera de San Jerónimo,Madrid,40.4163,-3.6966,no\n"
        "PSOE,Old PSOE,,Madrid,10.0,10.0,yes\n", encoding="utf-8")
    folder = make_tour(tmp_path, {"requests.csv": REQUEST + "congreso,Congreso,MAD-CONGRESO,45\n"})
    problem = load_tour(folder)
    assert problem.locations["MAD-CONGRESO"].name == "Congreso de los Diputados"
    assert problem.locations["PSOE"].name == "PSOE, Ferraz"


def test_load_locations_merges_tour_over_bundled(tmp_path, bundled_data):
    """`load_locations` gives the bundled places with the tour's rows over them."""
    (bundled_data / "places.csv").write_text("id,name\nA,Bundled A\nB,Bundled B\n", encoding="utf-8")
    folder = make_tour(tmp_path, {"requests.csv": REQUEST,
                                  "locations.csv": "id,name\nB,Tour B\n"})
    monkeypatched = load_locations(folder)
    assert (monkeypatched["A"].name, monkeypatched["B"].name) == ("Bundled A", "Tour B")


def test_real_bundled_directory_reads_cleanly():
    """The bundled places.csv, when present, has no problems (absent, it is simply empty)."""
    places = load_locations()
    if not (data_dir() / "places.csv").is_file():
        assert places == {}


@pytest.mark.usefixtures("bundled_data")
def test_tour_folder_copied_elsewhere_loads_the_same(tmp_path):
    """Nothing depends on where the folder is: a copy loads to an equal problem."""
    shutil.copytree(TOURS / "basic", tmp_path / "copy")
    assert load_tour(tmp_path / "copy") == load_tour(TOURS / "basic")


@pytest.mark.usefixtures("bundled_data")
def test_unknown_place_is_reported_once(tmp_path):
    """An unknown lodging place is one issue at its line, not also a broken problem."""
    folder = make_tour(tmp_path, {"requests.csv": REQUEST,
                                  "tour.toml": MINIMAL_TOUR.replace('"HOTEL"', '"MOTEL"')})
    assert places_of(issues_of(folder)) == {("tour.toml", 8, "lodging.location")}
