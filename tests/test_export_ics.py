"""The guest's calendar (scheduler.export.ics), read back by icalendar, by the independent
``ics`` parser and by a real calendar client (khal)."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import ics
import pytest
from dateutil import tz as dateutil_tz
from icalendar import Calendar

from factories import small_plan
from scheduler.export.ics import (
    CalendarError,
    calendar_bytes,
    engagement_uid,
    guest_calendar,
    night_uid,
    nights,
    owns_uid,
    safe_file_name,
    travel_uid,
    write,
)

MADRID = ZoneInfo("Europe/Madrid")
MOSCOW = ZoneInfo("Europe/Moscow")
AWKWARD_TITLE = 'Telemadrid, "Buenos días"; live, with <script>alert(1)</script> 🌈 Génova'
AWKWARD_NOTES = "Line one\nLine two, with comma; and semicolon"


def text_of(calendar: Calendar) -> str:
    return calendar_bytes(calendar).decode("utf-8")


def vevents(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def parsed(plan=None, **options) -> Calendar:
    """The guest calendar serialised and parsed again, as a reader sees it."""
    return Calendar.from_ical(calendar_bytes(guest_calendar(plan or small_plan(), **options)))


def khal_lines(folder: Path, files: list[Path], zone: str, first: str, last: str,
               fmt: str = "{start}|{end}|{title}|{location}") -> list[str]:
    """Import ``files`` into a fresh khal calendar and list ``first``..``last`` in ``zone``."""
    storage = folder / "calendar"
    storage.mkdir(parents=True)
    config = folder / "khal.conf"
    config.write_text(
        "[calendars]\n[[agenda]]\n"
        f"path = {storage}\ntype = calendar\n"
        "[locale]\n"
        "timeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        f"local_timezone = {zone}\ndefault_timezone = {zone}\nfirstweekday = 0\n"
        f"[sqlite]\npath = {folder / 'khal.db'}\n"
        "[default]\ndefault_calendar = agenda\n",
        encoding="utf-8")
    env = {**os.environ, "HOME": str(folder), "LC_ALL": "C.UTF-8", "TZ": "UTC"}
    khal = [sys.executable, "-m", "khal", "--config", str(config)]
    for path in files:
        subprocess.run(khal + ["import", "--batch", str(path)], check=True,
                       capture_output=True, env=env, timeout=120)
    listing = subprocess.run(khal + ["list", "--format", fmt, "--day-format", "", first, last],
                             check=True, capture_output=True, env=env, timeout=120, text=True)
    return [line for line in listing.stdout.splitlines() if line.strip()]


# --- the calendar and its events ----------------------------------------------------------

def test_calendar_has_the_rfc5545_header():
    """PRODID, VERSION 2.0, CALSCALE GREGORIAN and X-WR-CALNAME (the tour's name) are set."""
    calendar = parsed()
    assert str(calendar["PRODID"]).startswith("-//scheduler//")
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "Small test tour"


def test_one_event_per_engagement_with_uid_from_ids():
    """Each engagement is one VEVENT whose UID is <request-id>@<tour-id>.scheduler."""
    events = vevents(parsed())
    engagement_uids = {uid for uid, e in events.items() if str(e["X-SCHEDULER-KIND"]) == "engagement"}
    assert engagement_uids == {"psoe@small.scheduler", "radio@small.scheduler", "tv@small.scheduler"}


def test_unscheduled_request_has_no_event():
    """The request left out of the agenda does not appear in the calendar."""
    assert "late@small.scheduler" not in vevents(parsed())
    assert "Shangay" not in text_of(guest_calendar(small_plan()))


def test_engagement_times_carry_the_tour_zone():
    """DTSTART/DTEND name the tour's zone as TZID and keep the plan's instants."""
    plan = small_plan()
    event = vevents(parsed(plan))["psoe@small.scheduler"]
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert event.decoded("DTSTART") == plan.engagement("psoe").start
    assert event.decoded("DTEND") == plan.engagement("psoe").end


def test_engagement_summary_is_the_request_title():
    """SUMMARY is the request's title, awkward characters and all."""
    assert str(vevents(parsed())["tv@small.scheduler"]["SUMMARY"]) == AWKWARD_TITLE


def test_location_is_name_and_address():
    """An in-person engagement's LOCATION is the place's name followed by its address."""
    event = vevents(parsed())["psoe@small.scheduler"]
    assert str(event["LOCATION"]) == "PSOE, Ferraz, Calle de Ferraz 70, Madrid"


def test_remote_location_says_phone_interview():
    """A phone engagement's LOCATION is 'Phone interview' and it has no GEO."""
    event = vevents(parsed())["radio@small.scheduler"]
    assert str(event["LOCATION"]) == "Phone interview"
    assert "GEO" not in event


def test_geo_from_the_place_coordinates():
    """GEO carries the place's latitude and longitude."""
    assert "\r\nGEO:40.43;-3.72\r\n" in text_of(guest_calendar(small_plan()))


def test_description_names_counterpart_contact_and_kind():
    """DESCRIPTION gives the counterpart, the contact's name, email and phone, and the kind."""
    description = str(vevents(parsed())["psoe@small.scheduler"]["DESCRIPTION"])
    assert "With: PSOE" in description
    assert "Contact: Pilar Ruiz, pilar@example.org, +34 600 000 001" in description
    assert "Kind: meeting" in description


def test_description_gives_the_travel_to_get_there():
    """DESCRIPTION says where the guest comes from, how long it takes and whether estimated."""
    description = str(vevents(parsed())["tv@small.scheduler"]["DESCRIPTION"])
    assert "Getting there: from Hotel Central, 35 minutes; leave at 14:55." in description


def test_description_has_no_travel_when_already_there():
    """A second engagement at the same place, with no move between, has no 'Getting there'."""
    plan = small_plan()
    engagements = tuple(replace(e, location="PSOE") if e.request_id == "radio" else e
                        for e in plan.engagements)
    travel = tuple(leg for leg in plan.travel if (leg.origin, leg.destination) != ("PSOE", "HOTEL")
                   or leg.day != date(2018, 10, 26))
    later = replace(plan, engagements=engagements, travel=travel)
    assert "Getting there" not in str(vevents(parsed(later))["radio@small.scheduler"]["DESCRIPTION"])


def test_description_marks_an_estimated_travel_time():
    """A leg whose time was estimated says so in the engagement's description."""
    plan = small_plan()
    legs = tuple(replace(leg, estimated=True) if leg.destination == "PSOE" else leg
                 for leg in plan.travel)
    description = str(vevents(parsed(replace(plan, travel=legs)))["psoe@small.scheduler"]["DESCRIPTION"])
    assert "15 minutes, estimated" in description


def test_description_gives_the_setup_arrival():
    """With set-up minutes the description says when the guest must be there."""
    description = str(vevents(parsed())["tv@small.scheduler"]["DESCRIPTION"])
    assert "Be there by 15:30 (30 minutes of set-up)." in description


def test_guest_description_has_notes_but_not_internal_notes():
    """The guest's calendar shows the notes and hides the team's internal notes."""
    text = text_of(guest_calendar(small_plan()))
    assert "Bring the report" in text
    assert "EU motion" not in text


def test_team_description_has_internal_notes():
    """The team's calendar adds the internal notes."""
    description = str(vevents(parsed(audience="team"))["psoe@small.scheduler"]["DESCRIPTION"])
    assert "Internal notes: Ask about the EU motion" in description


def test_description_gives_tour_local_time_when_calendar_zone_differs():
    """With the guest's phone on Moscow time, descriptions also give the Madrid time."""
    description = str(vevents(parsed())["psoe@small.scheduler"]["DESCRIPTION"])
    assert "Local time: 2018-10-26 10:00-11:00 (Europe/Madrid)" in description


def test_no_local_time_line_when_calendar_zone_is_the_tour_zone():
    """A calendar kept in the tour's own zone has no 'Local time' line."""
    assert "Local time" not in text_of(guest_calendar(small_plan(), calendar_zone="Europe/Madrid"))


def test_calendar_zone_defaults_to_the_guest_zone():
    """X-WR-TIMEZONE is the guest's zone unless another is given."""
    assert str(parsed()["X-WR-TIMEZONE"]) == "Europe/Moscow"
    assert str(parsed(calendar_zone="Europe/Madrid")["X-WR-TIMEZONE"]) == "Europe/Madrid"


def test_categories_is_the_kind():
    """CATEGORIES holds the request's kind."""
    event = vevents(parsed())["tv@small.scheduler"]
    assert event["CATEGORIES"].cats == ["tv"]


def test_status_confirmed_and_sequence_zero():
    """A planned engagement is STATUS:CONFIRMED with SEQUENCE 0."""
    event = vevents(parsed())["psoe@small.scheduler"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("SEQUENCE") == 0


def test_sequences_are_taken_by_uid():
    """A SEQUENCE given for a UID is written on that event only."""
    events = vevents(parsed(sequences={"psoe@small.scheduler": 3}))
    assert events["psoe@small.scheduler"].decoded("SEQUENCE") == 3
    assert events["tv@small.scheduler"].decoded("SEQUENCE") == 0


def test_alarm_reminds_before_the_start():
    """A DISPLAY alarm triggers alarm_minutes before an engagement without set-up."""
    alarm = vevents(parsed(alarm_minutes=20))["psoe@small.scheduler"].walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=20)


def test_alarm_counts_the_setup_time():
    """With 30 set-up minutes the reminder comes alarm_minutes before the guest must be there."""
    alarm = vevents(parsed(alarm_minutes=30))["tv@small.scheduler"].walk("VALARM")[0]
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=60)


def test_dtstamp_is_the_plan_creation_time():
    """DTSTAMP is the plan's created time in UTC, not the wall clock."""
    event = vevents(parsed())["psoe@small.scheduler"]
    assert event.decoded("DTSTAMP") == datetime(2018, 10, 20, 10, 0, tzinfo=timezone.utc)


def test_dtstamp_falls_back_to_the_first_day_start():
    """Without a creation time DTSTAMP is the first day's start."""
    event = vevents(parsed(replace(small_plan(), created=None)))["psoe@small.scheduler"]
    assert event.decoded("DTSTAMP") == datetime(2018, 10, 26, 7, 0, tzinfo=timezone.utc)


def test_cancelled_request_id_gives_a_cancelled_event():
    """A request id passed as cancelled keeps its UID with STATUS:CANCELLED and no alarm."""
    event = vevents(parsed(cancelled=["psoe"], sequences={"psoe@small.scheduler": 1}))["psoe@small.scheduler"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Cancelled: Meeting with PSOE"
    assert event.decoded("SEQUENCE") == 1
    assert event.walk("VALARM") == []


def test_cancelled_engagement_from_an_earlier_plan():
    """An Engagement of an earlier plan, gone from this one, is written as cancelled."""
    plan = small_plan()
    old = plan.engagement("psoe")
    newer = replace(plan, engagements=tuple(e for e in plan.engagements if e.request_id != "psoe"))
    events = vevents(parsed(newer, cancelled=[old]))
    assert str(events["psoe@small.scheduler"]["STATUS"]) == "CANCELLED"
    assert events["psoe@small.scheduler"].decoded("DTSTART") == old.start


def test_cancelling_an_unknown_request_id_fails():
    """A request id the plan does not schedule cannot be cancelled by id alone."""
    with pytest.raises(CalendarError, match="late"):
        guest_calendar(small_plan(), cancelled=["late"])


def test_unknown_audience_fails():
    """Only the guest and team audiences exist."""
    with pytest.raises(CalendarError, match="audience"):
        guest_calendar(small_plan(), audience="press")


def test_unknown_calendar_zone_fails():
    """A calendar zone that is not an IANA zone is refused."""
    with pytest.raises(CalendarError, match="Mars/Olympus"):
        guest_calendar(small_plan(), calendar_zone="Mars/Olympus")


# --- travel and nights ----------------------------------------------------------------------

def test_travel_leg_is_its_own_busy_event():
    """A leg is a VEVENT 'Travel: A → B', kind travel, busy, at the leg's times."""
    plan = small_plan()
    leg = plan.travel[0]
    event = vevents(parsed(plan))[travel_uid("small", leg)]
    assert str(event["SUMMARY"]) == "Travel: Hotel Central → PSOE, Ferraz"
    assert str(event["X-SCHEDULER-KIND"]) == "travel"
    assert event["CATEGORIES"].cats == ["travel"]
    assert str(event["TRANSP"]) == "OPAQUE"
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (leg.depart, leg.arrive)


def test_travel_description_says_estimated():
    """An estimated leg's description says '(estimated)'."""
    plan = small_plan()
    legs = tuple(replace(leg, estimated=True) for leg in plan.travel)
    event = vevents(parsed(replace(plan, travel=legs)))[travel_uid("small", legs[0])]
    assert "15 minutes (estimated)" in str(event["DESCRIPTION"])


def test_travel_uid_counts_a_repeated_trip():
    """The same trip twice on a day gets two distinct UIDs."""
    leg = small_plan().travel[0]
    assert travel_uid("small", leg) != travel_uid("small", leg, 2)


def with_days(plan, first=None, last=None):
    """The plan with its first and/or last day replaced."""
    days = plan.problem.tour.days
    tour = replace(plan.problem.tour, days=(first or days[0], last or days[-1]))
    return replace(plan, problem=replace(plan.problem, tour=tour))


def test_a_night_per_date_until_the_next_day():
    """Between two working days every night is spent where the next day starts."""
    found = dict(nights(small_plan()))
    for night in (date(2018, 10, 26), date(2018, 10, 27), date(2018, 10, 28)):
        assert found[night] == "HOTEL"


def test_night_before_the_first_day_at_a_lodging():
    """A first day that starts at the hotel means the guest slept there the night before."""
    assert dict(nights(small_plan()))[date(2018, 10, 25)] == "HOTEL"


def test_no_night_before_an_arrival():
    """A first day that starts somewhere else than a lodging (the airport) has no night before."""
    plan = small_plan()
    later = with_days(plan, first=replace(plan.problem.tour.days[0], start_location="TV"))
    assert date(2018, 10, 25) not in dict(nights(later))


def test_no_night_after_a_departure():
    """A last day that ends somewhere else than a lodging (the airport) has no night."""
    plan = small_plan()
    later = with_days(plan, last=replace(plan.problem.tour.days[-1], end_location="TV"))
    assert date(2018, 10, 29) not in dict(nights(later))


def test_night_is_an_all_day_transparent_event():
    """'Night: <hotel>' is an all-day, free (TRANSPARENT) event with the hotel's address."""
    event = vevents(parsed())[night_uid("small", date(2018, 10, 26))]
    assert str(event["SUMMARY"]) == "Night: Hotel Central"
    assert event.decoded("DTSTART") == date(2018, 10, 26)
    assert event.decoded("DTEND") == date(2018, 10, 27)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["LOCATION"]) == "Hotel Central, Gran Vía 1, Madrid"


def test_all_uids_are_owned_by_the_tour():
    """owns_uid recognises every UID of the calendar, and not another tour's."""
    uids = vevents(parsed())
    assert all(owns_uid("small", uid) for uid in uids)
    assert not any(owns_uid("ll", uid) for uid in uids)


def test_safe_file_name_stays_in_its_folder():
    """Path separators and a leading dot are encoded."""
    assert safe_file_name("../etc/passwd") == "%2E.%2Fetc%2Fpasswd.ics"
    assert "/" not in safe_file_name("a/b")


# --- time zones ------------------------------------------------------------------------------

def test_vtimezone_covers_only_the_tour_span():
    """The VTIMEZONE starts on the tour's first date (the night before the first day) and has
    no yearly rules."""
    zone = parsed().walk("VTIMEZONE")[0]
    onsets = [sub.decoded("DTSTART") for sub in zone.subcomponents]
    assert min(onsets) == datetime(2018, 10, 25)
    assert all("RRULE" not in sub for sub in zone.subcomponents)


def test_vtimezone_agrees_with_zoneinfo_every_quarter_hour():
    """dateutil's independent VTIMEZONE reader gives the zoneinfo offset through the DST change."""
    text = text_of(guest_calendar(small_plan()))
    zone_text = text[text.index("BEGIN:VTIMEZONE"):text.index("END:VTIMEZONE") + len("END:VTIMEZONE")]
    vtz = dateutil_tz.tzical(io.StringIO(zone_text)).get("Europe/Madrid")
    moment = datetime(2018, 10, 25, 0, 0)
    while moment < datetime(2018, 10, 31, 0, 0):
        for fold in (0, 1):
            local = moment.replace(fold=fold)
            assert local.replace(tzinfo=vtz).utcoffset() == local.replace(tzinfo=MADRID).utcoffset(), local
        moment += timedelta(minutes=15)


def test_icalendar_reads_both_sides_of_the_dst_change():
    """Read back, the engagements before and after the end of summer time keep their instants."""
    plan = small_plan()
    events = vevents(parsed(plan))
    for engagement in plan.engagements:
        event = events[engagement_uid("small", engagement.request_id)]
        assert event.decoded("DTSTART").astimezone(timezone.utc) == engagement.start.astimezone(timezone.utc)


# --- text ------------------------------------------------------------------------------------

def test_awkward_text_survives_icalendar():
    """Commas, semicolons, quotes, newlines, accents, emoji and <script> read back intact."""
    event = vevents(parsed())["tv@small.scheduler"]
    assert str(event["SUMMARY"]) == AWKWARD_TITLE
    assert f"Notes: {AWKWARD_NOTES}" in str(event["DESCRIPTION"])


def test_lines_are_folded_at_75_octets():
    """No line is longer than 75 octets, and no fold splits a UTF-8 character."""
    raw = calendar_bytes(guest_calendar(small_plan(), audience="team"))
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # raises if a fold cut a multi-byte character


def test_lines_end_with_crlf():
    """Every line ends with CRLF, as RFC 5545 requires."""
    raw = calendar_bytes(guest_calendar(small_plan()))
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")


# --- files -----------------------------------------------------------------------------------

def test_write_makes_a_private_agenda_file(tmp_path):
    """write() makes agenda.ics readable by its owner only."""
    [path] = write(small_plan(), tmp_path)
    assert path == tmp_path / "agenda.ics"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_team_calendar_has_its_own_file(tmp_path):
    """The team's calendar goes to agenda-team.ics, so it never replaces the guest's."""
    [path] = write(small_plan(), tmp_path, audience="team")
    assert path.name == "agenda-team.ics"


def test_same_plan_gives_identical_bytes(tmp_path):
    """Two writes of the same plan, in two folders, are byte-identical."""
    [first] = write(small_plan(), tmp_path / "a")
    [second] = write(small_plan(), tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


def test_uids_are_stable_when_the_plan_changes():
    """Removing one engagement leaves the other engagements' UIDs unchanged."""
    plan = small_plan()
    fewer = replace(plan, engagements=tuple(e for e in plan.engagements if e.request_id != "radio"))
    assert set(vevents(parsed(fewer))) == set(vevents(parsed(plan))) - {"radio@small.scheduler"}


# --- an independent parser -------------------------------------------------------------------

def test_ics_package_reads_the_instants():
    """The `ics` package, which has its own parser, reads every engagement at the plan's instant."""
    plan = small_plan()
    calendar = ics.Calendar(calendar_bytes(guest_calendar(plan)).decode("utf-8"))
    starts = {event.uid: event.begin.datetime for event in calendar.events}
    for engagement in plan.engagements:
        assert starts[engagement_uid("small", engagement.request_id)] == engagement.start


def test_ics_package_reads_the_awkward_text():
    """The `ics` package reads the awkward title and notes unchanged."""
    calendar = ics.Calendar(calendar_bytes(guest_calendar(small_plan())).decode("utf-8"))
    event = next(e for e in calendar.events if e.uid == "tv@small.scheduler")
    assert event.name == AWKWARD_TITLE
    assert AWKWARD_NOTES in event.description


def test_ics_package_sees_every_event():
    """The `ics` package finds the same number of events as icalendar."""
    raw = calendar_bytes(guest_calendar(small_plan()))
    assert len(ics.Calendar(raw.decode("utf-8")).events) == len(vevents(Calendar.from_ical(raw)))


# --- a real calendar client: khal ------------------------------------------------------------

@pytest.fixture(scope="module")
def agenda_file(tmp_path_factory) -> Path:
    [path] = write(small_plan(), tmp_path_factory.mktemp("agenda"))
    return path


def test_khal_shows_the_plan_local_times(agenda_file, tmp_path):
    """khal in Madrid lists every engagement at the plan's local start and end."""
    lines = khal_lines(tmp_path, [agenda_file], "Europe/Madrid", "2018-10-25", "2018-10-31")
    for engagement in small_plan().engagements:
        start, end = engagement.start.astimezone(MADRID), engagement.end.astimezone(MADRID)
        assert any(line.startswith(f"{start:%Y-%m-%d %H:%M}|{end:%Y-%m-%d %H:%M}|") for line in lines), \
            (engagement.request_id, lines)


def test_khal_keeps_local_times_on_both_sides_of_dst(agenda_file, tmp_path):
    """The 10:00 in summer time and the 16:00 in winter time both show as typed."""
    lines = khal_lines(tmp_path, [agenda_file], "Europe/Madrid", "2018-10-25", "2018-10-31",
                       fmt="{start}|{title}")
    assert "2018-10-26 10:00|Meeting with PSOE" in lines
    assert f"2018-10-29 16:00|{AWKWARD_TITLE}" in lines


def test_khal_in_the_guest_zone_sees_the_right_instants(agenda_file, tmp_path):
    """khal on Moscow time shows 11:00 (Madrid +1 h in summer) and 18:00 (+2 h in winter)."""
    lines = khal_lines(tmp_path, [agenda_file], "Europe/Moscow", "2018-10-25", "2018-10-31",
                       fmt="{start}|{title}")
    assert "2018-10-26 11:00|Meeting with PSOE" in lines
    assert f"2018-10-29 18:00|{AWKWARD_TITLE}" in lines
    for engagement in small_plan().engagements:
        assert any(line.startswith(f"{engagement.start.astimezone(MOSCOW):%Y-%m-%d %H:%M}|")
                   for line in lines)


def test_khal_shows_travel_and_nights(agenda_file, tmp_path):
    """khal lists the travel legs at their times and the nights as all-day events."""
    lines = khal_lines(tmp_path, [agenda_file], "Europe/Madrid", "2018-10-25", "2018-10-31",
                       fmt="{start}|{title}")
    assert "2018-10-29 14:55|Travel: Hotel Central → Telemadrid" in lines
    assert "2018-10-27|Night: Hotel Central" in lines


def test_khal_reads_the_awkward_location_and_title(agenda_file, tmp_path):
    """khal prints the awkward title and the place with accents unchanged."""
    lines = khal_lines(tmp_path, [agenda_file], "Europe/Madrid", "2018-10-29", "2018-10-29",
                       fmt="{title}|{location}")
    assert f"{AWKWARD_TITLE}|Telemadrid, Ciudad de la Imagen, Pozuelo" in lines

