"""The checker on a delegation's plan: each rule broken once and nearly broken once.

The plan is :mod:`delegation_plans`' hand-made day of Anna and Boris; each case edits its plan
file dictionary (as ``json.loads`` gives it) the way a wrong planner would write it.
"""

from __future__ import annotations

import json

import pytest

from delegation_plans import delegation_dict, delegation_plan
from scheduler.checker import RULES, check_plan
from scheduler.planfile import dumps, plan_from_dict, plan_to_dict

DELEGATION_RULES = {"wrong_guests", "resource_travel"}


def engagement(data: dict, request_id: str) -> dict:
    return next(e for e in data["engagements"] if e["request_id"] == request_id)


def leg(data: dict, guest: str, origin: str, destination: str) -> dict:
    return next(t for t in data["travel"]
                if (t["guest"], t["from"], t["to"]) == (guest, origin, destination))


def member(data: dict, guest: str) -> dict:
    return next(g for g in data["tour"]["guests"] if g["id"] == guest)


def move(item: dict, start: str, end: str, start_key: str = "start", end_key: str = "end") -> None:
    """Set ``item``'s times to other clock times of the same day (``HH:MM``)."""
    item[start_key] = f"2018-11-27T{start}:00+01:00"
    item[end_key] = f"2018-11-27T{end}:00+01:00"


def violations(data: dict) -> list:
    return check_plan(data)


def rules_of(data: dict) -> set[str]:
    return {violation.rule for violation in check_plan(data)}


def test_the_hand_made_plan_keeps_every_rule():
    assert violations(delegation_dict()) == []


def test_plan_file_round_trip_is_exact():
    """Written, read back and written again, a delegation's plan file is the same text."""
    plan = delegation_plan()
    text = dumps(plan)
    again = plan_from_dict(json.loads(text))
    assert dumps(again) == text
    assert again.problem.tour.guest_ids == ("anna", "boris")
    assert again.problem.tour.days_of("boris")[0].end == plan.problem.tour.days_of("boris")[0].end
    assert [e.guests for e in again.engagements] == [e.guests for e in plan.engagements]
    assert {(b.guest, b.start) for b in again.breaks} == {(b.guest, b.start) for b in plan.breaks}
    assert [leg.guest for leg in again.travel] == [leg.guest for leg in plan.travel]
    radio = again.problem.request("radio")
    assert (radio.guests, radio.guests_any) == (("anna", "boris"), True)


def test_every_delegation_field_is_in_the_file():
    data = plan_to_dict(delegation_plan())
    assert [g["id"] for g in data["tour"]["guests"]] == ["anna", "boris"]
    assert {r["id"]: r["guests"] for r in data["requests"]}["minister"] == "anna;boris"
    assert engagement(data, "minister")["guests"] == ["anna", "boris"]
    assert {t["guest"] for t in data["travel"]} == {"anna", "boris"}
    assert all(b["guest"] == g["id"] for g in data["tour"]["guests"] for d in g["days"] for b in d["breaks"])
    assert all(not d["breaks"] for d in data["tour"]["days"])


# Each guest's engagements lie in their own days' hours.

def test_own_hours_broken():
    """Boris's day ends at 18:00 (Anna's at 20:00): the radio till 18:10 is outside his hours."""
    data = delegation_dict()
    move(engagement(data, "radio"), "17:40", "18:10")
    found = violations(data)
    assert {v.rule for v in found} == {"outside_hours"}
    assert found[0].message.startswith("guest 'boris': ")


def test_own_hours_nearly_broken():
    data = delegation_dict()
    move(engagement(data, "radio"), "17:30", "18:00")
    assert violations(data) == []


def test_own_hours_of_travel_broken():
    """Boris's day begins at 09:35, after his leg to the minister departs (Anna's at 09:00)."""
    data = delegation_dict()
    move(member(data, "boris")["days"][0], "09:35", "18:00")
    found = violations(data)
    assert {v.rule for v in found} == {"leg_misplaced"}
    assert found[0].message.startswith("guest 'boris': ")


def test_own_hours_of_travel_nearly_broken():
    data = delegation_dict()
    move(member(data, "boris")["days"][0], "09:30", "18:00")
    assert violations(data) == []


# No guest in two places at once; the travel between a guest's engagements fits.

def test_guest_in_two_places_broken():
    """The radio taken by Boris during his NGO meeting."""
    data = delegation_dict()
    move(engagement(data, "radio"), "13:30", "14:00")
    assert rules_of(data) == {"overlap"}


def test_guest_in_two_places_nearly_broken():
    """The same time is free for Anna (back at the hotel from her meal): she takes the radio."""
    data = delegation_dict()
    move(engagement(data, "radio"), "14:00", "14:30")
    engagement(data, "radio")["guests"] = ["anna"]
    assert violations(data) == []


def test_two_guests_at_two_places_at_once_is_fine():
    """Anna's press conference and Boris's meal share 11:30-12:30 (different people)."""
    data = delegation_dict()
    assert engagement(data, "press")["start"] == member(data, "boris")["days"][0]["breaks"][0]["start"]
    assert violations(data) == []


def test_travel_between_a_guest_s_engagements_broken():
    data = delegation_dict()
    move(engagement(data, "press"), "11:25", "12:25")
    move(leg(data, "anna", "A", "B"), "11:05", "11:25", "depart", "arrive")
    found = [v for v in violations(data) if v.rule == "travel_too_short"]
    assert found and all(v.message.startswith("guest 'anna': ") for v in found)


def test_travel_between_a_guest_s_engagements_nearly_broken():
    """Anna leaves A at 11:10 (end plus buffer) and reaches B at 11:30, when the press begins."""
    data = delegation_dict()
    assert engagement(data, "press")["start"].endswith("11:30:00+01:00")
    assert violations(data) == []


def test_travel_leg_of_another_guest_does_not_count():
    """Boris's leg A → C does not take Anna there: without her own leg A → B she lacks one."""
    data = delegation_dict()
    data["travel"].remove(leg(data, "anna", "A", "B"))
    found = violations(data)
    assert {v.rule for v in found} == {"leg_missing"}
    assert found[0].message.startswith("guest 'anna': ")


# Each engagement's guests are right.

def test_joint_engagement_without_one_of_its_guests_broken():
    data = delegation_dict()
    engagement(data, "minister")["guests"] = ["anna"]
    assert "wrong_guests" in rules_of(data)


def test_joint_engagement_nearly_broken():
    """The guests listed in another order are the same guests."""
    data = delegation_dict()
    engagement(data, "minister")["guests"] = ["boris", "anna"]
    assert violations(data) == []


def test_any_of_engagement_attended_by_both_broken():
    data = delegation_dict()
    engagement(data, "radio")["guests"] = ["anna", "boris"]
    assert rules_of(data) == {"wrong_guests"}


def test_any_of_engagement_nearly_broken():
    """Either one of them will do: Anna takes the radio instead of Boris."""
    data = delegation_dict()
    engagement(data, "radio")["guests"] = ["anna"]
    assert violations(data) == []


def test_one_guest_request_attended_by_another_broken():
    """Boris goes to the NGO instead of ... the press conference is Anna's: Boris may not go."""
    data = delegation_dict()
    move(engagement(data, "radio"), "16:00", "16:30")
    engagement(data, "radio")["guests"] = ["boris"]
    data["requests"][3]["guests"] = "anna"
    assert rules_of(data) == {"wrong_guests"}


def test_one_guest_request_nearly_broken():
    data = delegation_dict()
    data["requests"][3]["guests"] = "boris"
    assert violations(data) == []


def test_engagement_not_saying_who_is_a_schema_problem():
    data = delegation_dict()
    del engagement(data, "press")["guests"]
    assert rules_of(data) == {"schema"}


# A travelling resource used by different guests is never in two places.

def test_resource_between_guests_broken():
    """The interpreter leaves Anna's press at B at 12:40 and needs 20 min to reach C."""
    data = delegation_dict()
    move(engagement(data, "ngo"), "12:55", "13:55")
    found = violations(data)
    assert {v.rule for v in found} == {"resource_travel"}
    assert "20 min of travel" in found[0].message and "anna" in found[0].message


def test_resource_between_guests_nearly_broken():
    data = delegation_dict()
    assert engagement(data, "ngo")["start"].endswith("13:00:00+01:00")
    assert violations(data) == []


def test_resource_used_by_two_guests_at_once_broken():
    """Boris's NGO meeting by phone at 12:00 while the interpreter is at Anna's press."""
    data = delegation_dict()
    data["requests"][2]["location"], data["requests"][2]["remote"] = None, "phone"
    ngo = engagement(data, "ngo")
    ngo["location"] = None
    move(ngo, "12:30", "13:30")
    move(member(data, "boris")["days"][0]["breaks"][0], "13:50", "14:50")
    data["travel"].remove(leg(data, "boris", "A", "C"))
    data["travel"].remove(leg(data, "boris", "C", "H"))
    data["travel"].append({**leg(data, "anna", "B", "H"), "from": "A", "to": "H", "guest": "boris",
                           "depart": "2018-11-27T11:10:00+01:00", "arrive": "2018-11-27T11:30:00+01:00"})
    assert rules_of(data) == {"resource_travel"}
    move(ngo, "12:40", "13:40")  # the near miss: from the end of Anna's press plus the buffer
    assert violations(data) == []


# Caps per guest per day.

def test_engagements_per_guest_per_day_broken():
    data = delegation_dict(cap=2)
    found = violations(data)
    assert {v.rule for v in found} == {"too_many_per_day"}
    assert found[0].message.startswith("guest 'boris': ")


def test_engagements_per_guest_per_day_nearly_broken():
    """Four engagements on the day in all, but at most three for each guest."""
    data = delegation_dict(cap=3)
    assert len(data["engagements"]) == 4
    assert violations(data) == []


def test_engagement_minutes_per_guest_per_day_broken():
    data = delegation_dict(minutes_cap=149)
    assert rules_of(data) == {"too_many_minutes_per_day"}


def test_engagement_minutes_per_guest_per_day_nearly_broken():
    """210 minutes on the day in all; Boris's 150 are the most of one guest."""
    assert violations(delegation_dict(minutes_cap=150)) == []


# Each guest's meal, on their own days.

def test_meal_per_guest_broken():
    data = delegation_dict()
    member(data, "anna")["days"][0]["breaks"] = []
    found = violations(data)
    assert {v.rule for v in found} == {"meal_missing"}
    assert found[0].message.startswith("guest 'anna': ")


def test_every_rule_has_a_delegation_case_or_a_one_guest_one():
    """The rules of a delegation are among the rules the checker knows."""
    assert DELEGATION_RULES <= set(RULES)
