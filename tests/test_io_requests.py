"""requests.csv and availability.csv into requests (scheduler.io.requests)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from scheduler.errors import InputError
from scheduler.io import ValueRule, load_tour, read_requests_csv
from test_io_support import bundled_data  # noqa: F401 (a fixture)
from test_io_support import MADRID, MINIMAL_TOUR, TOURS, issues_of, make_tour, the_issue

pytestmark = pytest.mark.usefixtures("bundled_data")

HEADER = "id,title,location,remote,duration,priority,audience,value,windows,fixed_start\n"


def at(d: int, h: int, mi: int = 0) -> datetime:
    """A time in November 2018, Madrid."""
    return datetime(2018, 11, d, h, mi, tzinfo=MADRID)


def load_rows(tmp_path, rows: str, tour: str = MINIMAL_TOUR, **files: str):
    folder = make_tour(tmp_path, {"requests.csv": HEADER + rows, "tour.toml": tour,
                                  **{name.replace("_", "."): text for name, text in files.items()}})
    return {request.id: request for request in load_tour(folder).requests}


def row_issues(tmp_path, rows: str, **files: str):
    folder = make_tour(tmp_path, {"requests.csv": HEADER + rows,
                                  **{name.replace("_", "."): text for name, text in files.items()}})
    return issues_of(folder)


def windows_of(request) -> list[tuple[datetime, datetime]]:
    return [(window.start, window.end) for window in request.windows]


def test_request_fields():
    """Every column lands in its field of the request."""
    requests = {request.id: request for request in load_tour(TOURS / "basic").requests}
    psoe = requests["psoe"]
    assert (psoe.title, psoe.kind, psoe.counterpart, psoe.contact.name) == (
        "Meeting with PSOE", "meeting", "PSOE", "Pilar")
    assert (psoe.location_id, psoe.remote, psoe.duration_minutes, psoe.mandatory) == ("PSOE", None, 60, True)
    tv = requests["tv"]
    assert (tv.setup_minutes, tv.notes, tv.audience) == (30, "Line one\nLine two", 500000)
    radio = requests["radio"]
    assert (radio.remote, radio.location_id) == ("phone", None)


def test_value_from_priority_and_audience(tmp_path):
    """By default value = priority × 10 + round(audience / 100,000 × 1)."""
    requests = load_rows(tmp_path, "a,A,PSOE,,30,4,250000,,,\nb,B,PSOE,,30,,,,,\n")
    assert requests["a"].value == 43  # 40 + round(2.5), rounded half up
    assert requests["b"].value == 10  # priority 1 by default, no audience


def test_explicit_value_wins(tmp_path):
    """A `value` cell overrides priority and audience."""
    assert load_rows(tmp_path, "a,A,PSOE,,30,4,250000,7,,\n")["a"].value == 7


def test_value_rule_from_tour(tmp_path):
    """`[objective] value = "audience"` counts the audience only, with its points."""
    tour = MINIMAL_TOUR + '\n[objective]\nvalue = "audience"\naudience_points = 2\n'
    assert load_rows(tmp_path, "a,A,PSOE,,30,4,1.500.000,,,\n", tour)["a"].value == 30


def test_value_rule_rounds_half_up():
    """Each part of the value is rounded half up, exactly."""
    rule = ValueRule("priority+audience", priority_points=0.5, audience_points=1)
    assert rule.value_of(priority=1, audience=150_000) == 1 + 2
    assert rule.value_of(priority=3, audience=None) == 2


def test_empty_windows_mean_any_time_of_the_tour(tmp_path):
    """An empty `windows` cell is every working day's hours."""
    request = load_rows(tmp_path, "a,A,PSOE,,30,,,,,\n")["a"]
    assert windows_of(request) == [(at(d, 9), at(d, 20)) for d in (26, 27, 28)]


def test_windows_outside_the_tour_are_kept(tmp_path):
    """A window outside the tour is not an error; the planner reports the request later."""
    request = load_rows(tmp_path, "a,A,PSOE,,30,,,,2018-12-01 10:00-12:00,\n")["a"]
    assert windows_of(request) == [(datetime(2018, 12, 1, 10, tzinfo=MADRID),
                                    datetime(2018, 12, 1, 12, tzinfo=MADRID))]


def test_recurring_window_on_no_tour_day_leaves_no_window(tmp_path):
    """A weekday the tour does not have gives the request no window (it stays unschedulable)."""
    assert load_rows(tmp_path, "a,A,PSOE,,30,,,,Sat 10:00-12:00,\n")["a"].windows == ()


def test_overlapping_windows_are_merged(tmp_path):
    """Touching or overlapping windows become one: the engagement may lie across them."""
    request = load_rows(tmp_path, 'a,A,PSOE,,90,,,,"Tue 10:00-11:00; Tue 11:00-12:00; Tue 11:30-12:30",\n')["a"]
    assert windows_of(request) == [(at(27, 10), at(27, 12, 30))]


def test_fixed_start(tmp_path):
    """`fixed_start` is the request's start and its only window is [start, start + duration]."""
    request = load_rows(tmp_path, "a,A,PSOE,,45,,,,,2018-11-27 08:30\n")["a"]
    assert request.fixed_start == at(27, 8, 30)
    assert windows_of(request) == [(at(27, 8, 30), at(27, 9, 15))]


def test_fixed_start_by_weekday(tmp_path):
    """`Tue 08:30` is the tour's only Tuesday at 08:30."""
    assert load_rows(tmp_path, "a,A,PSOE,,45,,,,,Tue 08:30\n")["a"].fixed_start == at(27, 8, 30)


def test_fixed_start_inside_the_windows(tmp_path):
    """A fixed start inside one of the given windows is accepted."""
    request = load_rows(tmp_path, "a,A,PSOE,,45,,,,Tue 08:00-10:00,Tue 08:30\n")["a"]
    assert windows_of(request) == [(at(27, 8, 30), at(27, 9, 15))]


def test_fixed_start_outside_the_windows(tmp_path):
    """A fixed start that does not fit in any given window is an issue."""
    issues = row_issues(tmp_path, "a,A,PSOE,,45,,,,Tue 10:00-11:00,Tue 08:30\n")
    assert "outside every window" in the_issue(issues, "requests.csv", 2, "fixed_start").message


def test_ambiguous_weekday_fixed_start(tmp_path):
    """A weekday start that matches two days of a longer tour asks for the date."""
    tour = MINIMAL_TOUR.replace("last_day = 2018-11-28", "last_day = 2018-12-05").replace(
        "last_night = 2018-11-28", "last_night = 2018-12-05")
    folder = make_tour(tmp_path, {"requests.csv": HEADER + "a,A,PSOE,,45,,,,,Tue 08:30\n", "tour.toml": tour})
    issue = the_issue(issues_of(folder), "requests.csv", 2, "fixed_start")
    assert "matches 2 days" in issue.message


def test_inline_place(tmp_path):
    """Latitude and longitude in requests.csv make a location `@<id>` with travel to it."""
    folder = make_tour(tmp_path, {"requests.csv":
        "id;title;counterpart;address;latitude;longitude;duration\n"
        "cafe;Activists;Colectivo;Calle Mayor 1;40,4154;-3,7074;90\n"})
    problem = load_tour(folder)
    assert problem.requests[0].location_id == "@cafe"
    place = problem.locations["@cafe"]
    assert (place.name, place.address, place.latitude, place.longitude) == (
        "Colectivo", "Calle Mayor 1", 40.4154, -3.7074)
    assert problem.travel.is_estimate("HOTEL", "@cafe")


def test_remote_no_is_not_remote(tmp_path):
    """`remote = no` is read as not remote."""
    assert load_rows(tmp_path, "a,A,PSOE,no,30,,,,,\n")["a"].remote is None


@pytest.mark.parametrize("cell, expected", [("yes", True), ("Sí", True), ("si", True), ("TRUE", True),
                                            ("1", True), ("no", False), ("0", False), ("", False)])
def test_mandatory_spellings(tmp_path, cell, expected):
    """`mandatory` accepts yes/no, true/false, 1/0 and sí/si in any case."""
    folder = make_tour(tmp_path, {"requests.csv": f"id,title,remote,duration,mandatory\na,A,phone,30,{cell}\n"})
    assert load_tour(folder).requests[0].mandatory is expected


@pytest.mark.parametrize("rows, line, field, words", [
    ("a,A,PSOE,,30,,,,,\na,B,PSOE,,30,,,,,\n", 3, "id", "already used on line 2"),
    ("a b,A,PSOE,,30,,,,,\n", 2, "id", "may only hold"),
    (",A,PSOE,,30,,,,,\n", 2, "id", "no id"),
    ("a,,PSOE,,30,,,,,\n", 2, "title", "title is empty"),
    ("a,A,PSOE,,0,,,,,\n", 2, "duration", "above 0"),
    ("a,A,PSOE,,-15,,,,,\n", 2, "duration", "above 0"),
    ("a,A,PSOE,,1h,,,,,\n", 2, "duration", "not a whole number"),
    ("a,A,PSOE,,,,,,,\n", 2, "duration", "empty"),
    ("a,A,PSOE,,30,high,,,,\n", 2, "priority", "not a whole number"),
    ("a,A,PSOE,,30,,lots,,,\n", 2, "audience", "not a whole number"),
    ("a,A,PSOE,,30,,,-1,,\n", 2, "value", "0 or more"),
    ("a,A,PSEO,,30,,,,,\n", 2, "location", "did you mean `PSOE`"),
    ("a,A,PSOE,phone,30,,,,,\n", 2, "remote", "give only one of"),
    ("a,A,,,30,,,,,\n", 2, "location", "needs a place"),
    ("a,A,,skype,30,,,,,\n", 2, "remote", "phone or video"),
    ("a,A,PSOE,,30,,,,Tue 12:00-11:00,\n", 2, "windows", "ends before it starts"),
    ("a,A,PSOE,,30,,,,asap,\n", 2, "windows", "cannot read"),
    ("a,A,PSOE,,30,,,,Tuesdy 10:00-11:00,\n", 2, "windows", "did you mean `tuesday`"),
    ("a,A,PSOE,,30,,,,,tomorrow 9\n", 2, "fixed_start", "cannot read"),
    ("a,A,PSOE,,30,,,,,Tue 10:00-11:00\n", 2, "fixed_start", "not one moment"),
])
def test_row_issue(tmp_path, rows, line, field, words):
    """Each kind of wrong cell is an issue naming requests.csv, the line and the column."""
    assert words in the_issue(row_issues(tmp_path, rows), "requests.csv", line, field).message


def test_unknown_kind_suggests(tmp_path):
    """A misspelt kind suggests the closest kind."""
    folder = make_tour(tmp_path, {"requests.csv": "id,title,kind,remote,duration\na,A,radoi,phone,30\n"})
    assert "did you mean `radio`" in the_issue(issues_of(folder), "requests.csv", 2, "kind").message


def test_inline_place_with_location_id(tmp_path):
    """A location id and an inline place on the same row is an issue."""
    folder = make_tour(tmp_path, {"requests.csv": "id,title,location,latitude,longitude,duration\n"
                                                  "a,A,PSOE,40.1,-3.1,30\n"})
    assert "give only one of" in the_issue(issues_of(folder), "requests.csv", 2, "location").message


def test_latitude_without_longitude(tmp_path):
    """Half a coordinate pair is an issue."""
    folder = make_tour(tmp_path, {"requests.csv": "id,title,latitude,longitude,duration\na,A,40.1,,30\n"})
    the_issue(issues_of(folder), "requests.csv", 2, "longitude")


def test_address_alone(tmp_path):
    """An address without coordinates cannot be placed: an issue."""
    folder = make_tour(tmp_path, {"requests.csv": "id,title,address,duration\na,A,Calle Mayor 1,30\n"})
    assert "address alone" in the_issue(issues_of(folder), "requests.csv", 2, "latitude").message


def test_header_only(tmp_path):
    """A requests.csv with a header and no rows is an issue."""
    folder = make_tour(tmp_path, {"requests.csv": HEADER})
    assert "no requests" in the_issue(issues_of(folder), "requests.csv", 2, None).message


AVAILABILITY = "request_id,counterpart,windows,type\n"


def test_available_rows_give_the_windows_of_an_empty_cell(tmp_path):
    """A request without its own windows gets only the `available` rows' windows."""
    requests = load_rows(tmp_path, "a,A,PSOE,,30,,,,,\n",
                         availability_csv=AVAILABILITY + "a,,Tue 10:00-11:00,available\n")
    assert windows_of(requests["a"]) == [(at(27, 10), at(27, 11))]


def test_available_rows_add_to_own_windows(tmp_path):
    """`available` rows are added to the request's own windows."""
    requests = load_rows(tmp_path, "a,A,PSOE,,30,,,,Mon 10:00-11:00,\n",
                         availability_csv=AVAILABILITY + "a,,Tue 10:00-11:00,\n")
    assert windows_of(requests["a"]) == [(at(26, 10), at(26, 11)), (at(27, 10), at(27, 11))]


def test_unavailable_rows_are_removed(tmp_path):
    """`unavailable` windows are cut out of the request's windows."""
    requests = load_rows(tmp_path, "a,A,PSOE,,30,,,,Tue 09:00-13:00,\n",
                         availability_csv=AVAILABILITY + "a,,Tue 10:00-11:00,unavailable\n")
    assert windows_of(requests["a"]) == [(at(27, 9), at(27, 10)), (at(27, 11), at(27, 13))]


def test_counterpart_rows_apply_to_all_its_requests(tmp_path):
    """A row naming a counterpart applies to each of its requests (case aside)."""
    folder = make_tour(tmp_path, {
        "requests.csv": "id,title,counterpart,remote,duration\na,A,Radio Uno,phone,30\n"
                        "b,B,Radio Uno,phone,30\nc,C,Other,phone,30\n",
        "availability.csv": AVAILABILITY + ",radio uno,2018-11-26,unavailable\n"})
    requests = {request.id: request for request in load_tour(folder).requests}
    assert windows_of(requests["a"]) == windows_of(requests["b"]) == [(at(d, 9), at(d, 20)) for d in (27, 28)]
    assert len(requests["c"].windows) == 3


@pytest.mark.parametrize("row, field, words", [
    ("x,,Tue,\n", "request_id", "no request has the id"),
    (",Nobody,Tue,\n", "counterpart", "no request has the counterpart"),
    ("a,Someone,Tue,\n", "request_id", "either"),
    ("a,,Tue,maybe\n", "type", "available or unavailable"),
    ("a,,,\n", "windows", "empty"),
    ("a,,Tue 11:00-10:00,\n", "windows", "ends before it starts"),
])
def test_availability_issue(tmp_path, row, field, words):
    """Each kind of wrong availability row is an issue naming availability.csv and its line."""
    issues = row_issues(tmp_path, "a,A,PSOE,,30,,,,,\n", availability_csv=AVAILABILITY + row)
    assert words in the_issue(issues, "availability.csv", 2, field).message


def test_read_requests_csv_against_a_tour(tmp_path):
    """A re-plan reads new requests against an existing tour and its locations."""
    problem = load_tour(TOURS / "basic")
    path = tmp_path / "new.csv"
    path.write_text("id,title,location,latitude,longitude,duration,windows\n"
                    "late,Late request,PSOE,,,30,Thu 10:00-11:00\n"
                    "bar,At a bar,,41.38,2.17,60,\n", encoding="utf-8")
    read = read_requests_csv(path, problem.tour, problem.locations)
    late, bar = read.requests
    assert windows_of(late) == [(at(29, 10), at(29, 11))]
    assert bar.location_id == "@bar" and set(read.locations) == {"@bar"}
    assert len(bar.windows) == len(problem.tour.days)


def test_read_requests_csv_refuses_taken_ids(tmp_path):
    """A new request may not reuse an id of the plan; the file name is in the issue."""
    problem = load_tour(TOURS / "basic")
    path = tmp_path / "new.csv"
    path.write_text("id,title,remote,duration\npsoe,Again,phone,30\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_requests_csv(path, problem.tour, problem.locations,
                          taken_ids=[request.id for request in problem.requests])
    [issue] = raised.value.problems
    assert (issue.file, issue.line, issue.field) == ("new.csv", 2, "id")


def test_windows_across_the_end_of_summer_time():
    """In the dst-week tour, `Sat 10:00-11:00; Mon 10:00-11:00` is 10:00 local on both days:
    08:00 UTC on Saturday 27 October 2018 and 09:00 UTC on Monday 29."""
    [request] = load_tour(TOURS / "dst-week").requests
    saturday, monday = request.windows
    assert (saturday.start.hour, monday.start.hour) == (10, 10)
    assert [w.start.astimezone(timezone.utc).hour for w in request.windows] == [8, 9]


def test_an_id_longer_than_64_characters_is_refused(tmp_path):
    """An id that would make too long a file name (invites/<id>.ics) is named at its line."""
    long_id = "a" * 65
    rows = f"ok-{'b' * 61},Fine,,phone,30,,,,,\n{long_id},Too long,,phone,30,,,,,\n"
    issue = the_issue(row_issues(tmp_path, rows), "requests.csv", 3, "id")
    assert "65 characters long" in issue.message and "at most 64" in issue.message
    assert long_id not in issue.message


def test_a_tour_id_longer_than_64_characters_is_refused(tmp_path):
    """The tour's id goes into every calendar UID: the same limit holds."""
    tour = MINIMAL_TOUR.replace('id = "minimal"', f'id = "{"t" * 300}"')
    folder = make_tour(tmp_path, {"tour.toml": tour, "requests.csv": HEADER})
    [issue] = [i for i in issues_of(folder) if i.field == "tour.id"]
    assert "300 characters long" in issue.message
