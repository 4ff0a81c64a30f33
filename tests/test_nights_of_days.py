"""The nights a calendar holds around the working days: the night before the first day and
after the last are slept where those days start and end, unless the guest arrives or departs
there that day; a lodging that changes during the tour does not hide them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.calendar_uids import nights_of_days
from scheduler.domain import Day, Endpoint

ZONE = ZoneInfo("Europe/Brussels")


def day(number: int, start: str, end: str) -> Day:
    when = date(2019, 3, 17 + number)
    return Day(when, datetime(2019, 3, 17 + number, 9, tzinfo=ZONE), datetime(2019, 3, 17 + number, 18, tzinfo=ZONE),
               start, end)


def at(number: int, hour: int) -> datetime:
    return datetime(2019, 3, 17 + number, hour, tzinfo=ZONE)


# A member who sleeps at home the first night and at the hotel from the second on, with a
# second move before the last night.
DAYS = (day(1, "HOME", "HOTEL"), day(2, "HOTEL", "HOTEL"), day(3, "HOTEL", "FRIEND"))


def test_a_lodging_that_changes_keeps_the_first_and_last_nights():
    """Arriving the day before and leaving the day after: the night before the first day at
    home and the night after the last at the friend's are in the calendar."""
    arrival = Endpoint(at(0, 20), "AIRPORT", 30)
    departure = Endpoint(at(4, 10), "AIRPORT", 30)
    nights = nights_of_days(DAYS, arrival, departure)
    assert nights[0] == (date(2019, 3, 17), "HOME")
    assert nights[-1] == (date(2019, 3, 20), "FRIEND")
    assert len(nights) == 4


def test_arriving_on_the_first_day_has_no_night_before():
    """A first day that starts at the airport the guest lands at has no night before it,
    and a last day that ends where the guest departs none after it."""
    first = (day(1, "AIRPORT", "HOTEL"),) + DAYS[1:2] + (day(3, "HOTEL", "STATION"),)
    nights = nights_of_days(first, Endpoint(at(1, 8), "AIRPORT", 30), Endpoint(at(3, 19), "STATION", 30))
    assert nights == ((date(2019, 3, 18), "HOTEL"), (date(2019, 3, 19), "HOTEL"))


def test_without_arrival_a_place_slept_between_days_still_counts():
    """Without arrival or departure, the first and last nights are added only at a place slept
    at between days, as before (an airport cannot be told from a lodging)."""
    assert nights_of_days(DAYS) == ((date(2019, 3, 18), "HOTEL"), (date(2019, 3, 19), "HOTEL"))
