"""The window syntax of requests.csv and availability.csv (scheduler.io.windows)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from scheduler.errors import InputError
from scheduler.io import parse_windows
from test_io_support import MADRID, madrid_day

# Monday 19 to Friday 30 November 2018, every date a working day from 09:00 to 20:00.
TWO_WEEKS = [madrid_day(date(2018, 11, 19) + timedelta(days=n)) for n in range(12)]


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=MADRID)


def spans(windows) -> list[tuple[datetime, datetime]]:
    """Windows as (start, end) pairs in Madrid wall-clock time, naive, for easy comparison."""
    return [(w.start.astimezone(MADRID).replace(tzinfo=None),
             w.end.astimezone(MADRID).replace(tzinfo=None)) for w in windows]


def naive(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi)


def test_date_with_time_range():
    """`2018-11-27 10:00-11:30` is that date between those times, in the tour's zone."""
    [window] = parse_windows("2018-11-27 10:00-11:30", TWO_WEEKS, MADRID)
    assert window.start == local(2018, 11, 27, 10)
    assert window.end == local(2018, 11, 27, 11, 30)
    assert window.start.utcoffset() == timedelta(hours=1)


def test_explicit_range_across_midnight():
    """`2018-11-27 22:00 - 2018-11-28 01:00` runs across midnight."""
    assert spans(parse_windows("2018-11-27 22:00 - 2018-11-28 01:00", TWO_WEEKS, MADRID)) == [
        (naive(2018, 11, 27, 22), naive(2018, 11, 28, 1))]


def test_iso_interval_with_offsets():
    """An ISO 8601 interval with offsets names exact instants, shown in the tour's zone."""
    [window] = parse_windows("2018-11-27T10:00+00:00/2018-11-27T11:30+00:00", TWO_WEEKS, MADRID)
    assert window.start == datetime(2018, 11, 27, 10, tzinfo=timezone.utc)
    assert window.start.tzinfo == MADRID
    assert window.start.hour == 11  # 10:00 UTC is 11:00 in Madrid in November


def test_whole_date_is_the_guests_hours():
    """`2018-11-27` alone is that day's working hours."""
    assert spans(parse_windows("2018-11-27", TWO_WEEKS, MADRID)) == [
        (naive(2018, 11, 27, 9), naive(2018, 11, 27, 20))]


def test_whole_date_outside_the_tour_is_kept():
    """A date outside the tour is not rejected: it becomes that calendar day, for the planner
    to report the request as unschedulable."""
    assert spans(parse_windows("2018-12-03", TWO_WEEKS, MADRID)) == [
        (naive(2018, 12, 3, 0), naive(2018, 12, 4, 0))]


def test_weekday_with_time_range_repeats_every_week():
    """`Tue 10:00-11:30` is every Tuesday of the tour."""
    assert spans(parse_windows("Tue 10:00-11:30", TWO_WEEKS, MADRID)) == [
        (naive(2018, 11, 20, 10), naive(2018, 11, 20, 11, 30)),
        (naive(2018, 11, 27, 10), naive(2018, 11, 27, 11, 30))]


def test_weekday_list():
    """`Tue,Thu 10:00-12:00` is every Tuesday and Thursday."""
    days = [start.date() for start, _ in spans(parse_windows("Tue,Thu 10:00-12:00", TWO_WEEKS, MADRID))]
    assert days == [date(2018, 11, 20), date(2018, 11, 22), date(2018, 11, 27), date(2018, 11, 29)]


def test_weekday_range():
    """`Mon-Wed 16:00-18:00` is every Monday, Tuesday and Wednesday."""
    days = [start.date() for start, _ in spans(parse_windows("Mon-Wed 16:00-18:00", TWO_WEEKS, MADRID))]
    assert days == [date(2018, 11, d) for d in (19, 20, 21, 26, 27, 28)]


def test_weekday_range_wraps_over_the_weekend():
    """`Fri-Mon` runs Friday, Saturday, Sunday, Monday."""
    days = [start.date() for start, _ in spans(parse_windows("Fri-Mon", TWO_WEEKS, MADRID))]
    assert days == [date(2018, 11, d) for d in (19, 23, 24, 25, 26, 30)]


@pytest.mark.parametrize("text", ["daily 10:00-12:00", "10:00-12:00", "Daily 10:00 - 12:00"])
def test_daily_window(text):
    """`daily 10:00-12:00` and a bare `10:00-12:00` are every day of the tour."""
    windows = spans(parse_windows(text, TWO_WEEKS, MADRID))
    assert windows == [(naive(2018, 11, 19 + n, 10), naive(2018, 11, 19 + n, 12)) for n in range(12)]


def test_weekday_alone_is_the_whole_working_day():
    """`Tue` alone is all of every Tuesday's working hours."""
    assert spans(parse_windows("Tue", TWO_WEEKS, MADRID)) == [
        (naive(2018, 11, 20, 9), naive(2018, 11, 20, 20)),
        (naive(2018, 11, 27, 9), naive(2018, 11, 27, 20))]


def test_weekday_start_alone_lasts_the_duration():
    """`Wed 17:00` means the engagement starts exactly then: [17:00, 17:00 + duration]."""
    assert spans(parse_windows("Wed 17:00", TWO_WEEKS, MADRID, duration_minutes=45)) == [
        (naive(2018, 11, 21, 17), naive(2018, 11, 21, 17, 45)),
        (naive(2018, 11, 28, 17), naive(2018, 11, 28, 17, 45))]


def test_dated_start_alone_lasts_the_duration():
    """`2018-11-28 17:00` is [17:00, 17:00 + duration] that date."""
    assert spans(parse_windows("2018-11-28 17:00", TWO_WEEKS, MADRID, duration_minutes=30)) == [
        (naive(2018, 11, 28, 17), naive(2018, 11, 28, 17, 30))]


def test_start_alone_without_a_duration_is_an_issue():
    """A start time alone cannot be read without the request's duration."""
    with pytest.raises(InputError, match="start time alone"):
        parse_windows("Wed 17:00", TWO_WEEKS, MADRID)


@pytest.mark.parametrize("name, day", [
    ("lun", 19), ("mar", 20), ("mié", 21), ("mie", 21), ("jue", 22), ("vie", 23), ("sáb", 24),
    ("sab", 24), ("dom", 25), ("Monday", 19), ("TUESDAY", 20), ("miércoles", 21), ("Thu.", 22),
])
def test_weekday_names(name, day):
    """English full names and Spanish abbreviations (with or without accents) name weekdays."""
    first = spans(parse_windows(f"{name} 10:00-11:00", TWO_WEEKS, MADRID))[0]
    assert first == (naive(2018, 11, day, 10), naive(2018, 11, day, 11))


def test_several_windows_in_one_cell():
    """Windows are separated by `;`, `|` or a line break."""
    text = "2018-11-20 10:00-11:00; 2018-11-21 10:00-11:00 | 2018-11-22 10:00-11:00\n2018-11-23"
    assert [start.date().day for start, _ in spans(parse_windows(text, TWO_WEEKS, MADRID))] == [
        20, 21, 22, 23]


def test_spreadsheet_spellings_of_times_and_dates():
    """An en dash, `8:30`, `08:30:00` and a day-first `27/11/2018` are read too."""
    assert spans(parse_windows("27/11/2018 8:30:00–11:00", TWO_WEEKS, MADRID)) == [
        (naive(2018, 11, 27, 8, 30), naive(2018, 11, 27, 11))]


def test_end_of_day_as_24_00():
    """`24:00` ends a window at midnight."""
    assert spans(parse_windows("2018-11-27 22:00-24:00", TWO_WEEKS, MADRID)) == [
        (naive(2018, 11, 27, 22), naive(2018, 11, 28, 0))]


def test_recurring_window_on_no_tour_day_gives_nothing():
    """A weekday that the tour does not have gives no window and no error."""
    short = TWO_WEEKS[:3]  # Monday to Wednesday
    assert parse_windows("Fri 10:00-12:00", short, MADRID) == []


@pytest.mark.parametrize("text", ["Tue 12:00-11:00", "2018-11-27 12:00-11:00",
                                  "2018-11-28 10:00 - 2018-11-27 11:00", "Tue 10:00-10:00"])
def test_window_ending_before_it_starts_is_an_issue(text):
    """A window that ends before (or when) it starts is rejected with the text quoted."""
    with pytest.raises(InputError) as raised:
        parse_windows(text, TWO_WEEKS, MADRID)
    [issue] = raised.value.problems
    assert text in issue.message


def test_unknown_weekday_suggests_the_closest():
    """A misspelt weekday is an issue naming the likely weekday."""
    with pytest.raises(InputError, match="did you mean `tue`"):
        parse_windows("Teu 10:00-11:00", TWO_WEEKS, MADRID)


def test_unreadable_text_is_an_issue_with_examples():
    """Text in no documented form is an issue that shows the forms."""
    with pytest.raises(InputError, match="Tue 10:00-11:30"):
        parse_windows("next week maybe", TWO_WEEKS, MADRID)


def test_issue_names_where_the_text_came_from():
    """The caller's file, line and field are put on every issue."""
    with pytest.raises(InputError) as raised:
        parse_windows("Tue 25:00-26:00; Xyz", TWO_WEEKS, MADRID, file="--unavailable", line=None,
                      field="psoe")
    assert [(i.file, i.line, i.field) for i in raised.value.problems] == [
        ("--unavailable", None, "psoe"), ("--unavailable", None, "psoe")]


# Saturday 27 and Monday 29 October 2018, around the end of summer time (Sunday 28, 03:00).
DST_WEEKEND = [madrid_day(date(2018, 10, 27)), madrid_day(date(2018, 10, 29))]


def test_dst_week_keeps_local_times():
    """A 10:00 window on the Saturday before and the Monday after the last Sunday of October
    2018 is 10:00 local on both days: +02:00 on Saturday, +01:00 on Monday."""
    saturday, monday = parse_windows("Sat,Mon 10:00-11:00", DST_WEEKEND, MADRID)
    assert (saturday.start.hour, monday.start.hour) == (10, 10)
    assert saturday.start.utcoffset() == timedelta(hours=2)
    assert monday.start.utcoffset() == timedelta(hours=1)
    assert saturday.start.astimezone(timezone.utc).hour == 8
    assert monday.start.astimezone(timezone.utc).hour == 9


def test_window_across_the_autumn_change_has_its_real_length():
    """Midnight to 06:00 on the night the clocks go back lasts seven real hours."""
    [window] = parse_windows("2018-10-28 00:00-06:00", DST_WEEKEND, MADRID)
    assert window.minutes == 7 * 60


def test_skipped_local_time_is_an_issue():
    """02:30 on 25 March 2018 does not exist in Madrid (clocks jump 02:00 → 03:00)."""
    with pytest.raises(InputError) as raised:
        parse_windows("2018-03-25 02:30-04:00", DST_WEEKEND, MADRID)
    message = raised.value.problems[0].message
    assert "does not exist" in message and "03:30" in message


def test_repeated_local_time_is_an_issue_suggesting_offsets():
    """02:30 on 28 October 2018 happens twice in Madrid; the message offers both offsets."""
    with pytest.raises(InputError) as raised:
        parse_windows("2018-10-28 02:30-04:00", DST_WEEKEND, MADRID)
    message = raised.value.problems[0].message
    assert "happens twice" in message
    assert "2018-10-28T02:30+02:00" in message and "2018-10-28T02:30+01:00" in message


def test_explicit_offset_settles_a_repeated_time():
    """With an offset, the repeated 02:30 is one instant."""
    [window] = parse_windows("2018-10-28T02:30+01:00/2018-10-28T04:00+01:00", DST_WEEKEND, MADRID)
    assert window.start.astimezone(timezone.utc) == datetime(2018, 10, 28, 1, 30, tzinfo=timezone.utc)
    assert window.minutes == 90


def test_unknown_zone_is_an_issue():
    """A zone name that does not exist is an issue, not a traceback."""
    with pytest.raises(InputError, match="unknown time zone"):
        parse_windows("Tue", TWO_WEEKS, "Europe/Madird")


@given(day=st.integers(0, 11), start=st.integers(0, 1439), length=st.integers(1, 1440))
def test_any_valid_time_range_round_trips(day, start, length):
    """Any `DATE HH:MM-HH:MM` with the end after the start gives exactly that window."""
    end = min(start + length, 1440)
    if end == start:
        return
    when = date(2018, 11, 19) + timedelta(days=day)
    text = f"{when.isoformat()} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    [window] = parse_windows(text, TWO_WEEKS, MADRID)
    midnight = datetime.combine(when, datetime.min.time())
    assert spans([window]) == [(midnight + timedelta(minutes=start), midnight + timedelta(minutes=end))]


WEEKDAY_SPELLINGS = [["Mon", "monday", "lun"], ["Tue", "TUESDAY", "mar"], ["Wed", "mié", "mie"],
                     ["Thu", "jue", "Thursday"], ["Fri", "vie", "friday"], ["Sat", "sáb", "sab"],
                     ["Sun", "dom", "sunday"]]


@given(chosen=st.sets(st.integers(0, 6), min_size=1), data=st.data())
def test_any_weekday_list_selects_those_weekdays(chosen, data):
    """A list of weekdays in any spelling gives windows on exactly those weekdays."""
    names = [data.draw(st.sampled_from(WEEKDAY_SPELLINGS[number])) for number in sorted(chosen)]
    windows = parse_windows(f"{', '.join(names)} 10:00-11:00", TWO_WEEKS, MADRID)
    assert {w.start.weekday() for w in windows} == chosen
    assert len(windows) == sum(1 for d in TWO_WEEKS if d.date.weekday() in chosen)


@settings(max_examples=300)
@given(text=st.text(alphabet=st.sampled_from(list("0123456789:-–/;| TtueMonlé,+Zdaily\n")), max_size=40))
def test_any_text_gives_windows_or_an_input_error(text):
    """Whatever the cell holds, the result is windows or an InputError, never a traceback."""
    try:
        windows = parse_windows(text, TWO_WEEKS, MADRID, duration_minutes=30)
    except InputError as error:
        assert all(issue.message for issue in error.problems)
    else:
        assert all(window.minutes > 0 for window in windows)
