"""tour.toml and how the days are built (scheduler.io.tourfile)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from scheduler.io import load_tour
from test_io_support import bundled_data  # noqa: F401 (a fixture)
from test_io_support import MADRID, MINIMAL_TOUR, TOURS, issues_of, make_tour, the_issue

pytestmark = pytest.mark.usefixtures("bundled_data")

REQUEST = "id,title,remote,duration\ncall,Phone call,phone,30\n"


def at(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=MADRID)


def days_of(folder):
    return {day.date: day for day in load_tour(folder).tour.days}


def test_arrival_day_starts_at_arrival_place_after_the_buffer():
    """On the arrival day the guest starts at the airport, not before arrival + buffer."""
    day = days_of(TOURS / "basic")[date(2018, 11, 26)]
    assert (day.start_location, day.end_location) == ("MAD-AIRPORT", "HOTEL-MAD")
    assert day.start == at(2018, 11, 26, 10)  # 08:30 + 90 minutes, later than 09:00


def test_departure_day_ends_at_departure_place_before_the_buffer():
    """On the departure day the guest ends at the station by departure − buffer."""
    day = days_of(TOURS / "basic")[date(2018, 11, 30)]
    assert (day.start_location, day.end_location) == ("HOTEL-BCN", "BCN-SANTS")
    assert day.end == at(2018, 11, 30, 17)  # 19:00 − 120 minutes, earlier than 20:30


def test_day_that_changes_lodging_goes_from_one_hotel_to_the_other():
    """A day starts at the lodging of the night before and ends at its own night's."""
    day = days_of(TOURS / "basic")[date(2018, 11, 29)]
    assert (day.start_location, day.end_location) == ("HOTEL-MAD", "HOTEL-BCN")


def test_hours_override_for_one_day():
    """`[[hours.day]]` changes the hours of that date only."""
    days = days_of(TOURS / "basic")
    assert (days[date(2018, 11, 28)].start, days[date(2018, 11, 28)].end) == (
        at(2018, 11, 28, 7, 30), at(2018, 11, 28, 22))
    assert (days[date(2018, 11, 27)].start, days[date(2018, 11, 27)].end) == (
        at(2018, 11, 27, 9), at(2018, 11, 27, 20, 30))


def test_meal_window_inside_the_hours():
    """A day whose hours cover the meal rule gets the meal window as written."""
    day = days_of(TOURS / "basic")[date(2018, 11, 27)]
    assert (day.meal_window.start, day.meal_window.end, day.meal_minutes) == (
        at(2018, 11, 27, 13, 30), at(2018, 11, 27, 16), 60)


def test_off_day_is_not_a_working_day():
    """`off = true` removes the date; the next day starts where the guest slept."""
    days = days_of(TOURS / "lodging-changes")
    assert sorted(days) == [date(2018, 11, 26), date(2018, 11, 27), date(2018, 11, 29),
                            date(2018, 11, 30)]
    assert days[date(2018, 11, 29)].start_location == "HOTEL-BCN"
    assert days[date(2018, 11, 27)].end_location == "HOTEL-MAD"


def test_arrival_before_the_first_day():
    """Arriving the evening before, the first day starts at the lodging of that night."""
    day = days_of(TOURS / "lodging-changes")[date(2018, 11, 26)]
    assert (day.start_location, day.start) == ("HOTEL-MAD", at(2018, 11, 26, 9))


def test_departure_after_the_last_day():
    """Leaving the day after, the last day ends at the lodging of its night."""
    day = days_of(TOURS / "lodging-changes")[date(2018, 11, 30)]
    assert day.end_location == "HOTEL-BCN"


def test_first_day_without_the_night_before_starts_at_its_own_lodging(tmp_path):
    """Without arrival and without the night before, the first day starts at its own night's
    lodging."""
    folder = make_tour(tmp_path, {"requests.csv": REQUEST, "tour.toml": MINIMAL_TOUR.replace(
        "first_night = 2018-11-25", "first_night = 2018-11-26")})
    assert days_of(folder)[date(2018, 11, 26)].start_location == "HOTEL"


def test_meal_clipped_to_short_hours_is_dropped():
    """A day ending at 14:15 keeps 45 minutes of a 13:30-16:00 window: too short for 60."""
    day = days_of(TOURS / "lodging-changes")[date(2018, 11, 30)]
    assert day.end == at(2018, 11, 30, 14, 15)
    assert (day.meal_window, day.meal_minutes) == (None, 0)


def test_meal_clipped_to_the_hours(tmp_path):
    """A day ending at 15:30 gets the meal window 13:30-15:30."""
    tour = MINIMAL_TOUR + ('\n[[hours.day]]\ndate = 2018-11-27\nend = "15:30"\n'
                           '\n[meal]\nearliest = "13:30"\nlatest = "16:00"\nminutes = 60\n')
    day = days_of(make_tour(tmp_path, {"requests.csv": REQUEST, "tour.toml": tour}))[date(2018, 11, 27)]
    assert (day.meal_window.start, day.meal_window.end) == (at(2018, 11, 27, 13, 30), at(2018, 11, 27, 15, 30))


def test_arrival_too_late_to_work_leaves_no_day(tmp_path):
    """Arriving at 19:30 with a 90-minute buffer leaves no hours: that date is not a day."""
    tour = MINIMAL_TOUR + '\n[arrival]\nat = 2018-11-26T19:30\nlocation = "TV"\nbuffer_minutes = 90\n'
    assert sorted(days_of(make_tour(tmp_path, {"requests.csv": REQUEST, "tour.toml": tour}))) == [
        date(2018, 11, 27), date(2018, 11, 28)]


def test_arrival_with_an_offset(tmp_path):
    """An arrival time with a UTC offset is that instant, shown in the tour's zone."""
    tour = MINIMAL_TOUR + '\n[arrival]\nat = 2018-11-26T09:00:00Z\nlocation = "TV"\n'
    day = days_of(make_tour(tmp_path, {"requests.csv": REQUEST, "tour.toml": tour}))[date(2018, 11, 26)]
    assert day.start == at(2018, 11, 26, 10)


def test_days_across_the_end_of_summer_time():
    """09:00 is 09:00 local on the Friday before and the Monday after the change."""
    days = days_of(TOURS / "dst-week")
    assert sorted(days) == [date(2018, 10, 26), date(2018, 10, 27), date(2018, 10, 29),
                            date(2018, 10, 30)]
    friday, monday = days[date(2018, 10, 26)], days[date(2018, 10, 29)]
    assert (friday.start.hour, monday.start.hour) == (9, 9)
    assert friday.start.utcoffset() == timedelta(hours=2)
    assert monday.start.utcoffset() == timedelta(hours=1)


def test_tour_fields():
    """Id, name, zones, organizer, limits and objective weights come from tour.toml."""
    tour = load_tour(TOURS / "basic").tour
    assert (tour.id, tour.name, tour.timezone) == ("spain-2018", "Advocacy visit to Spain", "Europe/Madrid")
    assert (tour.guest.name, tour.guest.timezone) == ("Ana Guest", "Europe/Moscow")
    assert (tour.organizer.name, tour.organizer.email) == ("The Equality Advocacy Project", "agenda@example.org")
    assert (tour.max_engagements_per_day, tour.min_buffer_minutes) == (6, 15)
    assert (tour.objective.value_weight, tour.objective.travel_weight, tour.objective.span_weight) == (1000, 10, 1)


def test_guest_zone_defaults_to_the_tours(tmp_path):
    """Without `[guest] timezone` the guest's phone is in the tour's zone."""
    tour = load_tour(make_tour(tmp_path, {"requests.csv": REQUEST})).tour
    assert tour.guest.timezone == "Europe/Madrid"


def write(tmp_path, tour_toml: str):
    return make_tour(tmp_path, {"requests.csv": REQUEST, "tour.toml": tour_toml})


def test_toml_syntax_error_has_its_line(tmp_path):
    """A TOML syntax error names the line TOML reports."""
    issue = the_issue(issues_of(write(tmp_path, MINIMAL_TOUR.replace('end = "20:00"', 'end = "20:00'))),
                      "tour.toml", 14, None)
    assert "TOML syntax error" in issue.message


def test_unknown_time_zone(tmp_path):
    """An unknown zone names the key and line and suggests the real one."""
    issues = issues_of(write(tmp_path, MINIMAL_TOUR.replace("Europe/Madrid", "Europe/Madird")))
    assert "did you mean `Europe/Madrid`" in the_issue(issues, "tour.toml", 3, "tour.timezone").message


def test_unknown_key_suggests_the_likely_one(tmp_path):
    """A misspelt key is an issue at its line suggesting the right key."""
    issues = issues_of(write(tmp_path, MINIMAL_TOUR.replace('start = "09:00"', 'strat = "09:00"')))
    assert "did you mean `start`" in the_issue(issues, "tour.toml", 13, "hours.strat").message
    assert "required" in the_issue(issues, "tour.toml", 12, "hours.start").message


def test_missing_lodging_night(tmp_path):
    """A night that no `[[lodging]]` covers is an issue naming the date and the days."""
    issues = issues_of(write(tmp_path, MINIMAL_TOUR.replace("last_night = 2018-11-28", "last_night = 2018-11-26")))
    assert [(issue.line, issue.field, issue.message) for issue in issues] == [
        (None, "lodging", "no lodging for the night of 2018-11-27, which the days 2018-11-27 and "
                          "2018-11-28 need; add a [[lodging]] that covers it"),
        (None, "lodging", "no lodging for the night of 2018-11-28, which the day 2018-11-28 "
                          "needs; add a [[lodging]] that covers it")]


def test_night_covered_twice(tmp_path):
    """Two lodgings for the same night are an issue on the second one."""
    tour = MINIMAL_TOUR + '\n[[lodging]]\nlocation = "TV"\nfirst_night = 2018-11-28\nlast_night = 2018-11-28\n'
    issue = the_issue(issues_of(write(tmp_path, tour)), "tour.toml", 16, "lodging.first_night")
    assert "2018-11-28" in issue.message


def test_unknown_lodging_location(tmp_path):
    """A lodging location that no file defines is an issue at its line."""
    issues = issues_of(write(tmp_path, MINIMAL_TOUR.replace('location = "HOTEL"', 'location = "HOTLE"')))
    assert "did you mean `HOTEL`" in the_issue(issues, "tour.toml", 8, "lodging.location").message


def test_arrival_after_the_first_day(tmp_path):
    """Arriving after `first_day` is an issue."""
    tour = MINIMAL_TOUR + '\n[arrival]\nat = 2018-11-27T10:00\nlocation = "HOTEL"\n'
    the_issue(issues_of(write(tmp_path, tour)), "tour.toml", 17, "arrival.at")


def test_hours_in_the_spring_forward_gap(tmp_path):
    """Hours starting at 02:30 on 25 March 2018 (a time Madrid skips) are an issue at the
    override's line."""
    tour = (MINIMAL_TOUR.replace("first_day = 2018-11-26", "first_day = 2018-11-25")
            .replace("2018-11-2", "2018-03-2")
            + '\n[[hours.day]]\ndate = 2018-03-25\nstart = "02:30"\n')
    issue = the_issue(issues_of(write(tmp_path, tour)), "tour.toml", 18, "hours.day.start")
    assert "does not exist" in issue.message


def test_arrival_at_a_repeated_time(tmp_path):
    """An arrival at 02:30 on 28 October 2018 (twice in Madrid) needs an offset."""
    tour = (MINIMAL_TOUR.replace("first_day = 2018-11-26", "first_day = 2018-11-28")
            .replace("2018-11-2", "2018-10-2")
            + '\n[arrival]\nat = 2018-10-28T02:30\nlocation = "HOTEL"\n')
    issue = the_issue(issues_of(write(tmp_path, tour)), "tour.toml", 17, "arrival.at")
    assert "happens twice" in issue.message


def test_last_day_before_first_day(tmp_path):
    """`last_day` before `first_day` is an issue."""
    issues = issues_of(write(tmp_path, MINIMAL_TOUR.replace("last_day = 2018-11-28", "last_day = 2018-11-20")))
    the_issue(issues, "tour.toml", 5, "tour.last_day")


def test_wrong_types(tmp_path):
    """Values of the wrong type are issues naming their keys, all at once."""
    tour = MINIMAL_TOUR.replace('end = "20:00"', 'end = "8pm"') + (
        '\n[limits]\nmax_engagements_per_day = -1\n\n[travel]\nmode = "teleport"\n'
        '\n[objective]\nvalue = "fame"\n')
    issues = issues_of(write(tmp_path, tour))
    the_issue(issues, "tour.toml", 14, "hours.end")
    the_issue(issues, "tour.toml", 17, "limits.max_engagements_per_day")
    the_issue(issues, "tour.toml", 20, "travel.mode")
    the_issue(issues, "tour.toml", 23, "objective.value")


def test_missing_tour_table(tmp_path):
    """A tour.toml without `[tour]` says the table is required."""
    tour = MINIMAL_TOUR.split("\n[[lodging]]")[1]
    issues = issues_of(write(tmp_path, "[[lodging]]" + tour))
    the_issue(issues, "tour.toml", None, "tour")


def test_hours_override_outside_the_tour(tmp_path):
    """A `[[hours.day]]` for a date outside the tour is an issue at its `date` line."""
    tour = MINIMAL_TOUR + '\n[[hours.day]]\ndate = 2018-12-24\noff = true\n'
    assert "not a day of the tour" in the_issue(issues_of(write(tmp_path, tour)), "tour.toml", 17,
                                                "hours.day.date").message


def test_year_far_away_is_an_issue(tmp_path):
    """A date in the year 9999 is a typing mistake, reported rather than overflowing."""
    issues = issues_of(write(tmp_path, MINIMAL_TOUR.replace("last_day = 2018-11-28", "last_day = 9999-11-28")))
    assert "year" in the_issue(issues, "tour.toml", 5, "tour.last_day").message
