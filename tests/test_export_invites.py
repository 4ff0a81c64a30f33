"""Invitations for counterparts (scheduler.export.invites): one slot each, safe to forward."""

from __future__ import annotations

import stat
from dataclasses import replace

import ics
import pytest
from icalendar import Calendar

from factories import small_plan
from scheduler.domain import Contact, Organizer
from scheduler.export.ics import CalendarError, calendar_bytes, guest_calendar
from scheduler.export.invites import cancellation, invitation, write
from test_export_ics import khal_lines

# Text of the hotel, of the other engagements and of the travel that no invitation to the
# Telemadrid slot may carry.
FOREIGN_TO_TV = [
    "Hotel Central", "Gran Vía", "HOTEL",           # lodging
    "PSOE", "Ferraz", "Pilar", "pilar@",             # another engagement
    "Radio Uno", "luis@",                            # another engagement (remote)
    "Shangay",                                       # an unscheduled request
    "Travel", "minutes",                             # travel legs
    "Line one", "semicolon",                         # the guest's notes
    "EU motion", "Bring the report",                 # internal notes, other notes
    "Ana Guest", "Europe/Moscow",                    # the guest's name and phone zone
    "20181026", "20181030",                          # other dates of the tour
    "X-WR-CALNAME", "Small test tour",               # the tour
]


def raw_invite(request_id: str = "tv", plan=None, **options) -> str:
    return calendar_bytes(invitation(plan or small_plan(), request_id, **options)).decode("utf-8")


def the_event(text: str):
    [event] = Calendar.from_ical(text).walk("VEVENT")
    return event


def with_contact(plan, request_id, contact):
    problem = plan.problem
    requests = tuple(replace(r, contact=contact) if r.id == request_id else r for r in problem.requests)
    return replace(plan, problem=replace(problem, requests=requests))


def with_organizer(plan, organizer):
    problem = plan.problem
    return replace(plan, problem=replace(problem, tour=replace(problem.tour, organizer=organizer)))


def test_invitation_has_exactly_one_vevent():
    """An invitation holds one VEVENT and one VTIMEZONE, nothing else."""
    calendar = Calendar.from_ical(raw_invite())
    assert len(calendar.walk("VEVENT")) == 1
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert calendar.walk("VALARM") == []


def test_invitation_is_a_request():
    """With both addresses known the method is REQUEST."""
    assert str(Calendar.from_ical(raw_invite())["METHOD"]) == "REQUEST"


def test_invitation_uid_is_the_guest_calendar_uid():
    """The invitation's UID is the one of the same event in the guest's calendar."""
    guest_uids = {str(e["UID"]) for e in guest_calendar(small_plan()).walk("VEVENT")}
    uid = str(the_event(raw_invite())["UID"])
    assert uid == "tv@small.scheduler"
    assert uid in guest_uids


def test_invitation_has_the_slot_time_and_place():
    """Title, start and end in the tour's zone, and the place's name and address."""
    plan = small_plan()
    event = the_event(raw_invite(plan=plan))
    engagement = plan.engagement("tv")
    assert event.decoded("DTSTART") == engagement.start
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert event.decoded("DTEND") == engagement.end
    assert str(event["LOCATION"]) == "Telemadrid, Ciudad de la Imagen, Pozuelo"
    assert str(event["SUMMARY"]) == plan.problem.request("tv").title


def test_invitation_organizer_is_the_tour_organizer():
    """ORGANIZER is mailto: the organizer's email with their name as CN."""
    organizer = the_event(raw_invite())["ORGANIZER"]
    assert str(organizer) == "mailto:team@example.org"
    assert organizer.params["CN"] == "Test NGO"


def test_invitation_attendee_is_the_contact():
    """ATTENDEE is the contact, a required participant who has not answered and may reply."""
    attendee = the_event(raw_invite())["ATTENDEE"]
    assert str(attendee) == "mailto:marta@example.com"
    assert attendee.params["CN"] == "Marta"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"


def test_invitation_carries_the_counterpart_own_contact():
    """The description gives the counterpart and its own contact."""
    description = str(the_event(raw_invite("psoe"))["DESCRIPTION"])
    assert description == "With: PSOE\nContact: Pilar Ruiz, pilar@example.org, +34 600 000 001"


@pytest.mark.parametrize("foreign", FOREIGN_TO_TV)
def test_invitation_reveals_nothing_else(foreign):
    """The raw text of the Telemadrid invitation has no trace of the rest of the tour."""
    assert foreign not in raw_invite("tv")


def test_invitation_vtimezone_covers_the_slot_day_only():
    """The VTIMEZONE starts on the engagement's date, telling nothing of the tour's span."""
    zone = Calendar.from_ical(raw_invite("tv")).walk("VTIMEZONE")[0]
    assert [sub.decoded("DTSTART").date().isoformat() for sub in zone.subcomponents] == ["2018-10-29"]


def test_invitation_dtstamp_without_created_is_the_slot_start():
    """Without a creation time DTSTAMP is the slot's start, not the guest's arrival day."""
    plan = replace(small_plan(), created=None)
    event = the_event(raw_invite("tv", plan=plan))
    assert event.decoded("DTSTAMP") == plan.engagement("tv").start


def test_invitation_sequence():
    """The SEQUENCE given is written."""
    assert the_event(raw_invite(sequence=2)).decoded("SEQUENCE") == 2


def test_invitation_without_contact_email_is_published():
    """Without the contact's email there is no ATTENDEE, so the method is PUBLISH."""
    plan = with_contact(small_plan(), "tv", Contact("Marta"))
    calendar = Calendar.from_ical(raw_invite("tv", plan=plan))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "ATTENDEE" not in calendar.walk("VEVENT")[0]


def test_invitation_without_organizer_email_has_no_method():
    """Without the organizer's email (iTIP needs one) the file is a plain calendar."""
    plan = with_organizer(small_plan(), Organizer("Test NGO"))
    calendar = Calendar.from_ical(raw_invite("tv", plan=plan))
    assert "METHOD" not in calendar
    assert "ORGANIZER" not in calendar.walk("VEVENT")[0]


def test_invitation_awkward_contact_name_survives():
    """A contact name with a comma, a semicolon and accents reads back intact as CN."""
    plan = with_contact(small_plan(), "tv", Contact("Núñez, Marta; Jefa 🌈", "marta@example.com"))
    assert the_event(raw_invite("tv", plan=plan))["ATTENDEE"].params["CN"] == "Núñez, Marta; Jefa 🌈"


def test_invitation_to_unscheduled_request_fails():
    """A request the plan does not schedule has no invitation."""
    with pytest.raises(CalendarError, match="late"):
        invitation(small_plan(), "late")


def test_invitation_unknown_method_fails():
    """Only REQUEST and PUBLISH are invitation methods (CANCEL has its own function)."""
    with pytest.raises(CalendarError, match="method"):
        invitation(small_plan(), "tv", method="CANCEL")


def test_cancellation_is_a_cancel_with_the_same_uid():
    """METHOD:CANCEL, STATUS:CANCELLED, the invitation's UID and the SEQUENCE given."""
    calendar = Calendar.from_ical(calendar_bytes(cancellation(small_plan(), "tv", 1)))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "tv@small.scheduler"
    assert event.decoded("SEQUENCE") == 1


def test_cancellation_of_an_engagement_no_longer_planned():
    """A request dropped from the agenda is cancelled by UID alone, without times."""
    plan = small_plan()
    newer = replace(plan, engagements=tuple(e for e in plan.engagements if e.request_id != "tv"))
    [event] = Calendar.from_ical(calendar_bytes(cancellation(newer, "tv", 1))).walk("VEVENT")
    assert str(event["UID"]) == "tv@small.scheduler"
    assert "DTSTART" not in event


def test_cancellation_with_the_old_engagement_keeps_its_time():
    """Given the old engagement, the cancellation shows when the slot was."""
    plan = small_plan()
    old = plan.engagement("tv")
    newer = replace(plan, engagements=tuple(e for e in plan.engagements if e.request_id != "tv"))
    [event] = Calendar.from_ical(calendar_bytes(cancellation(newer, "tv", 1, engagement=old))).walk("VEVENT")
    assert event.decoded("DTSTART") == old.start


def test_write_one_shared_file_per_engagement(tmp_path):
    """write() makes invites/<request-id>.ics for each engagement, readable by all (0644)."""
    paths = write(small_plan(), tmp_path)
    assert sorted(p.name for p in paths) == ["psoe.ics", "radio.ics", "tv.ics"]
    assert all(p.parent == tmp_path / "invites" for p in paths)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in paths)


def test_write_keeps_odd_request_ids_inside_the_folder(tmp_path):
    """A request id with a path in it still names a file inside invites/."""
    plan = small_plan()
    problem = plan.problem
    requests = tuple(replace(r, id="../tv") if r.id == "tv" else r for r in problem.requests)
    engagements = tuple(replace(e, request_id="../tv") if e.request_id == "tv" else e
                        for e in plan.engagements)
    odd = replace(plan, problem=replace(problem, requests=requests), engagements=engagements)
    paths = write(odd, tmp_path)
    assert all(p.resolve().parent == (tmp_path / "invites").resolve() for p in paths)


def test_write_cancelled_slot_gets_a_cancel(tmp_path):
    """A slot passed as cancelled gets a METHOD:CANCEL file instead of an invitation."""
    paths = write(small_plan(), tmp_path, cancelled=["psoe"], sequences={"psoe@small.scheduler": 1})
    text = (tmp_path / "invites" / "psoe.ics").read_text(encoding="utf-8")
    assert "METHOD:CANCEL" in text
    assert len(paths) == 3


def test_write_is_deterministic(tmp_path):
    """Two writes of the same plan give byte-identical invitations."""
    first = write(small_plan(), tmp_path / "a")
    second = write(small_plan(), tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_ics_package_reads_the_invitation():
    """The independent `ics` parser reads one event at the slot's instant with its title."""
    plan = small_plan()
    calendar = ics.Calendar(raw_invite("tv", plan=plan))
    [event] = list(calendar.events)
    assert event.begin.datetime == plan.engagement("tv").start
    assert event.name == plan.problem.request("tv").title


def test_khal_imports_the_invitation(tmp_path):
    """khal imports the invitation and shows the slot at its local time and nothing else."""
    [path] = [p for p in write(small_plan(), tmp_path / "out") if p.name == "tv.ics"]
    lines = khal_lines(tmp_path / "khal", [path], "Europe/Madrid", "2018-10-25", "2018-10-31",
                       fmt="{start}|{end}|{title}")
    assert lines == [f"2018-10-29 16:00|2018-10-29 16:45|{small_plan().problem.request('tv').title}"]
