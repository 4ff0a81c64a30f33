"""A delegation's outputs: each member's own files, who attends in the team's, the resources'
calendars, invitations; built from a plan made by hand (tests/delegation_export_plans.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from delegation_export_plans import delegation_plan
from icalendar import Calendar

from scheduler.app.planning import write_plan_outputs
from scheduler.export import html, markdown
from scheduler.export.delegation import member_plan, names_in_words, short_names
from scheduler.export.ics import calendar_bytes, guest_calendar
from scheduler.export.invites import invitation
from scheduler.export.overview import lane_days, render as render_overview
from scheduler.export.resource_calendars import resource_calendar


def events(calendar: Calendar) -> dict[str, dict[str, str]]:
    return {str(e["UID"]): {k: str(e.get(k, "")) for k in ("SUMMARY", "DESCRIPTION")}
            for e in calendar.walk("VEVENT")}


def summaries(calendar: Calendar) -> list[str]:
    return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    write_plan_outputs(delegation_plan(), out)
    return out


def test_plan_writes_a_calendar_and_run_sheet_per_member_and_the_overview(written):
    names = {str(p.relative_to(written)) for p in written.rglob("*") if p.is_file() and not p.name.startswith(".")}
    for guest in ("anna", "boris", "chen"):
        assert {f"guests/{guest}.ics", f"guests/{guest}.html", f"guests/{guest}.pdf"} <= names
    assert "delegation.html" in names and "agenda.ics" in names and "agenda.html" in names
    assert (written / "guests" / "anna.ics").stat().st_mode & 0o077 == 0  # private: an itinerary


def test_a_members_calendar_holds_their_engagements_travel_and_nights_only(written):
    chen = Calendar.from_ical((written / "guests" / "chen.ics").read_bytes())
    titles = summaries(chen)
    assert [t for t in titles if not t.startswith(("Travel", "Night"))] == [
        "Meeting with the Commissioner", "Interview, Le Quotidien", "Meeting with an MEP"]
    assert "Night: Flat in Ixelles" in titles and not any("Métropole" in t for t in titles)
    assert not any("Radio" in t or "Podcast" in t or "Télé" in t for t in titles)
    text = (written / "guests" / "chen.ics").read_text(encoding="utf-8")
    assert "Internal notes" not in text and "visa waiver" not in text  # the guest's copy
    assert "Together with: Anna Kowalska\\, Boris Ivanov" in text


def test_a_members_run_sheet_holds_their_day_only(written):
    sheet = (written / "guests" / "boris.html").read_text(encoding="utf-8")
    assert "Studio interview, Télé Brux" in sheet and "Podcast, Brux Talks" in sheet
    assert "Le Quotidien" not in sheet and "Meeting with an MEP" not in sheet
    assert "Together with:</span> Anna Kowalska, Chen Wei" in sheet
    assert "Boris Ivanov (guest copy)" in sheet


def test_the_teams_calendar_keeps_everything_with_who_attends():
    calendar = guest_calendar(delegation_plan(), audience="team")
    by_uid = events(calendar)
    assert by_uid["commissioner@brussels-test.scheduler"]["SUMMARY"] == \
        "Anna, Boris, Chen: Meeting with the Commissioner"
    assert by_uid["commissioner@brussels-test.scheduler"]["DESCRIPTION"].startswith(
        "Attending: Anna Kowalska, Boris Ivanov, Chen Wei\n")
    assert by_uid["radio@brussels-test.scheduler"]["SUMMARY"] == "Anna: Phone interview, Radio Brux"
    assert by_uid["2019-03-12.boris.BERL.STUDIO@travel.brussels-test.scheduler"]["SUMMARY"] == \
        "Travel (Boris): Berlaymont → Studio Reyers"
    # Chen sleeps at her flat, the others at the hotel: a night event for each place.
    assert "Night (Chen): Flat in Ixelles" in summaries(calendar)
    assert "Night (Anna, Boris): Hotel Métropole" in summaries(calendar)
    assert len(by_uid) == len(summaries(calendar))  # every UID once


def test_the_teams_run_sheet_says_who_attends_and_whose_legs():
    sheet = html.render(delegation_plan(), audience="team")
    assert "Attending:</span> Anna Kowalska, Boris Ivanov, Chen Wei" in sheet
    assert "Boris: leave 11:05" in sheet  # Boris's way from the Berlaymont to the studio
    assert "Meal break</span> · Chen" in sheet
    text = markdown.render(delegation_plan(), audience="team")
    assert "  - Attending: Anna Kowalska, Boris Ivanov, Chen Wei" in text
    assert "Travel (Chen): Berlaymont → European Parliament" in text


def test_the_interpreters_calendar_names_the_guests_and_nothing_else():
    plan = delegation_plan()
    calendar = resource_calendar(plan, plan.problem.resource("interp-1"))
    assert summaries(calendar) == ["Anna, Boris, Chen: Meeting with the Commissioner",
                                   "Anna: Phone interview, Radio Brux"]
    text = calendar_bytes(calendar).decode()
    assert "With: Anna Kowalska" in text and "Le Quotidien" not in text and "Télé" not in text
    assert "visa waiver" not in text


def test_an_invitation_names_who_of_the_delegation_attends_and_no_other_slot():
    plan = delegation_plan()
    text = calendar_bytes(invitation(plan, "mep")).decode().replace("\r\n ", "")
    assert "Anna Kowalska and Chen Wei of the delegation will attend." in text
    assert "Boris" not in text and "Podcast" not in text and "Commissioner" not in text
    radio = calendar_bytes(invitation(plan, "radio")).decode().replace("\r\n ", "")
    assert "Anna Kowalska of the delegation will attend." in radio and "Boris" not in radio


def test_names_in_words_and_short_names():
    tour = delegation_plan().problem.tour
    assert names_in_words(tour, ("chen", "anna")) == "Anna Kowalska and Chen Wei"
    assert names_in_words(tour, ("anna", "boris", "chen")) == "Anna Kowalska, Boris Ivanov and Chen Wei"
    assert short_names(tour) == {"anna": "Anna", "boris": "Boris", "chen": "Chen"}


def test_a_member_plan_is_a_one_guest_view_of_their_days():
    chen = member_plan(delegation_plan(), "chen")
    assert chen.problem.tour.guest.name == "Chen Wei"
    assert {day.start_location for day in chen.problem.tour.days} == {"FLAT"}
    assert {e.request_id for e in chen.engagements} == {"commissioner", "paper", "mep"}
    assert {leg.guest for leg in chen.travel} == {"chen"} and {b.guest for b in chen.breaks} == {"chen"}


def test_the_overview_has_a_lane_per_guest_and_resource_and_a_band_per_joint_engagement():
    tuesday, wednesday = lane_days(delegation_plan())
    assert [lane.id for lane in tuesday.lanes] == ["anna", "boris", "chen", "interp-1", "car-1"]
    (band,) = tuesday.bands
    assert (band.left, band.width, band.label) == (0.0, 60.0, "Anna, Boris, Chen")
    assert [b.title for b in tuesday.lanes[3].blocks] == ["Meeting with the Commissioner",
                                                           "Phone interview, Radio Brux"]
    kinds = {b.kind for b in tuesday.lanes[1].blocks}
    assert kinds == {"engagement", "setup", "travel", "break"}
    (mep,) = wednesday.bands
    assert (mep.left, mep.width) == (0.0, 60.0)  # Anna to Chen, across Boris's lane
    page = render_overview(delegation_plan())
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")


def test_a_hostile_title_is_escaped_in_the_overview():
    from dataclasses import replace
    plan = delegation_plan()
    requests = tuple(replace(r, title='<img src=x onerror=alert(1)>') if r.id == "tv" else r
                     for r in plan.problem.requests)
    plan = replace(plan, problem=replace(plan.problem, requests=requests))
    page = render_overview(plan)
    assert "<img" not in page and "&lt;img src=x" in page
