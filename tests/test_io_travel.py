"""Travel times: travel.csv and the great-circle estimates (scheduler.io.places).

Expected estimates are worked out by hand: one degree of latitude is 6371 km × π / 180 =
111.19 km along a meridian; minutes = ceil(km × detour ÷ speed × 60) + overhead, with the
bundled taxi (22 km/h, 5 min) and train (160 km/h, 60 min).
"""

from __future__ import annotations

import pytest

from scheduler.domain import Location
from scheduler.io import extend_travel, load_tour, load_travel_settings
from test_io_support import bundled_data  # noqa: F401 (a fixture)
from test_io_support import MINIMAL_TOUR, issues_of, make_tour, the_issue

pytestmark = pytest.mark.usefixtures("bundled_data")

# HOTEL, then STUDIO 0.1° north (11.12 km) and TOWN 1° north (111.19 km) on the same meridian.
LOCATIONS = """\
id,name,latitude,longitude
HOTEL,Hotel,40.0,-3.0
STUDIO,Studio,40.1,-3.0
TOWN,Town hall,41.0,-3.0
UNUSED,Not used by anyone,40.5,-3.5
"""
REQUESTS = "id,title,location,duration\nstudio,Studio,STUDIO,30\ntown,Town,TOWN,30\n"


def travel(tmp_path, tour: str = MINIMAL_TOUR, **files: str):
    folder = make_tour(tmp_path, {"tour.toml": tour, "locations.csv": LOCATIONS,
                                  "requests.csv": REQUESTS,
                                  **{name.replace("_", "."): text for name, text in files.items()}})
    return load_tour(folder).travel


def test_city_leg_is_estimated_by_taxi(tmp_path):
    """11.12 km × 1.3 ÷ 22 km/h × 60 = 39.4 → 40 minutes + 5 overhead = 45."""
    table = travel(tmp_path)
    assert table.between("HOTEL", "STUDIO") == table.between("STUDIO", "HOTEL") == 45
    assert table.is_estimate("HOTEL", "STUDIO")


def test_long_leg_is_estimated_by_train(tmp_path):
    """Beyond 80 km the train: 111.19 km × 1.3 ÷ 160 × 60 = 54.2 → 55 + 60 = 115, and
    100.08 km from the studio → 48.8 → 49 + 60 = 109."""
    table = travel(tmp_path)
    assert table.between("HOTEL", "TOWN") == 115
    assert table.between("STUDIO", "TOWN") == 109


def test_speed_override(tmp_path):
    """`[travel.speeds_kmh] taxi = 11`: 14.455 km ÷ 11 × 60 = 78.8 → 79 + 5 = 84."""
    tour = MINIMAL_TOUR + "\n[travel.speeds_kmh]\ntaxi = 11\n"
    assert travel(tmp_path, tour).between("HOTEL", "STUDIO") == 84


def test_detour_factor_and_threshold(tmp_path):
    """`detour_factor = 1.0`: 11.12 ÷ 22 × 60 = 30.3 → 31 + 5 = 36; with `long_distance_km =
    200` the town is by taxi: 111.19 ÷ 22 × 60 = 303.3 → 304 + 5 = 309."""
    tour = MINIMAL_TOUR + "\n[travel]\ndetour_factor = 1.0\nlong_distance_km = 200\n"
    table = travel(tmp_path, tour)
    assert table.between("HOTEL", "STUDIO") == 36
    assert table.between("HOTEL", "TOWN") == 309


def test_given_time_wins_and_serves_both_directions(tmp_path):
    """A time in travel.csv is used, for the way back too, and is not an estimate."""
    table = travel(tmp_path, travel_csv="from,to,minutes,mode\nHOTEL,STUDIO,12,taxi\n")
    assert table.between("HOTEL", "STUDIO") == table.between("STUDIO", "HOTEL") == 12
    assert not table.is_estimate("HOTEL", "STUDIO") and not table.is_estimate("STUDIO", "HOTEL")
    assert table.is_estimate("HOTEL", "TOWN")


def test_each_direction_given(tmp_path):
    """When both directions are given, each keeps its own time."""
    table = travel(tmp_path, travel_csv="from,to,minutes\nHOTEL,STUDIO,12\nSTUDIO,HOTEL,20\n")
    assert (table.between("HOTEL", "STUDIO"), table.between("STUDIO", "HOTEL")) == (12, 20)


def test_table_covers_the_used_places_only(tmp_path):
    """Every ordered pair of the places days and requests use, and nothing else."""
    folder = make_tour(tmp_path, {"locations.csv": LOCATIONS, "requests.csv": REQUESTS})
    problem = load_tour(folder)
    used = {"HOTEL", "STUDIO", "TOWN"}
    assert set(problem.locations) == used
    assert set(problem.travel.minutes) == {(a, b) for a in used for b in used if a != b}


def test_place_without_coordinates_needs_given_times(tmp_path):
    """A used place without coordinates is an issue at its locations.csv line, naming the
    places it needs times to."""
    issues = issues_of(make_tour(tmp_path, {
        "locations.csv": LOCATIONS + "CONGRESO,Congreso,,\n",
        "requests.csv": REQUESTS + "congreso,Congress,CONGRESO,45\n"}))
    issue = the_issue(issues, "locations.csv", 6, "latitude")
    assert "HOTEL, STUDIO, TOWN" in issue.message and "travel.csv" in issue.message


def test_place_without_coordinates_with_given_times(tmp_path):
    """With every time to it given, a place without coordinates is fine."""
    table = travel(tmp_path, locations_csv=LOCATIONS + "CONGRESO,Congreso,,\n",
                   requests_csv=REQUESTS + "congreso,Congress,CONGRESO,45\n",
                   travel_csv="from,to,minutes\nCONGRESO,HOTEL,10\nCONGRESO,STUDIO,30\nTOWN,CONGRESO,100\n")
    assert (table.between("HOTEL", "CONGRESO"), table.between("CONGRESO", "TOWN")) == (10, 100)


@pytest.mark.parametrize("row, field, words", [
    ("HOTEL,STUDOI,10", "to", "did you mean `STUDIO`"),
    ("HOTEL,HOTEL,10", "to", "same place"),
    ("HOTEL,STUDIO,ten", "minutes", "not a whole number"),
    ("HOTEL,STUDIO,-3", "minutes", "0 or more"),
    (",STUDIO,10", "from", "empty"),
])
def test_travel_row_issue(tmp_path, row, field, words):
    """Each kind of wrong travel.csv row is an issue at its line and column."""
    issues = issues_of(make_tour(tmp_path, {"locations.csv": LOCATIONS, "requests.csv": REQUESTS,
                                            "travel.csv": f"from,to,minutes\n{row}\n"}))
    assert words in the_issue(issues, "travel.csv", 2, field).message


def test_pair_given_twice(tmp_path):
    """The same pair on two lines is an issue on the second."""
    issues = issues_of(make_tour(tmp_path, {"locations.csv": LOCATIONS, "requests.csv": REQUESTS,
                                            "travel.csv": "from,to,minutes\nHOTEL,TOWN,10\nHOTEL,TOWN,12\n"}))
    assert "already given on line 2" in the_issue(issues, "travel.csv", 3, "to").message


def test_extend_travel_for_a_new_place(tmp_path):
    """Re-planning: a new place gets estimates to every used place; old minutes stay."""
    folder = make_tour(tmp_path, {"locations.csv": LOCATIONS, "requests.csv": REQUESTS,
                                  "travel.csv": "from,to,minutes\nHOTEL,STUDIO,12\n"})
    problem = load_tour(folder)
    locations = {**problem.locations, "@new": Location("@new", "New", latitude=40.1, longitude=-3.0)}
    table = extend_travel(problem.travel, locations, [*problem.used_locations(), "@new"],
                          load_travel_settings(folder))
    assert table.between("HOTEL", "STUDIO") == 12 and not table.is_estimate("HOTEL", "STUDIO")
    assert table.between("HOTEL", "@new") == 45 and table.is_estimate("@new", "HOTEL")
    assert table.between("STUDIO", "@new") == 5  # the same point: only the taxi's overhead


def test_travel_settings_of_a_tour(tmp_path):
    """`load_travel_settings` reads `[travel]` over the bundled modes."""
    folder = make_tour(tmp_path, {"tour.toml": MINIMAL_TOUR + "\n[travel.speeds_kmh]\ntaxi = 11\n",
                                  "requests.csv": REQUESTS})
    assert load_travel_settings(folder).modes["taxi"].speed_kmh == 11
    assert load_travel_settings().modes["taxi"].speed_kmh == 22
