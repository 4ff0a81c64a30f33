"""Tests of the independent plan checker: each rule is broken once, alone, and nearly broken once.

Every case edits a deep copy of the plan file dictionary of ``small_plan()`` (two days in
Madrid on either side of the end of summer time: Fri 26 Oct 2018 at +02:00 and Mon 29 Oct
2018 at +01:00). ``breaks`` must make the checker report exactly its rule; ``keeps`` is a
near miss of the same edit that stays valid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from checker_resource_cases import RESOURCE_CASES
from factories import small_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.checker import (
    RULES,
    Violation,
    assert_valid,
    check_plan,
    check_plan_file,
)
from scheduler.planfile import plan_to_dict

MADRID = ZoneInfo("Europe/Madrid")
FRI, MON = "2018-10-26", "2018-10-29"
_BASE = json.dumps(plan_to_dict(small_plan()), ensure_ascii=False)


def plan_dict() -> dict[str, Any]:
    """A fresh plan file dictionary of ``small_plan()``, exactly as ``json.loads`` gives it."""
    return json.loads(_BASE)


def rules_of(data: dict[str, Any]) -> set[str]:
    return {violation.rule for violation in check_plan(data)}


def later(text: str, minutes: int) -> str:
    """The time ``minutes`` after ``text``, written with the same offset."""
    return (datetime.fromisoformat(text) + timedelta(minutes=minutes)).isoformat()


def shift(item: dict[str, Any], minutes: int, *keys: str) -> None:
    for key in keys:
        item[key] = later(item[key], minutes)


def engagement(data: dict[str, Any], request_id: str) -> dict[str, Any]:
    return next(e for e in data["engagements"] if e["request_id"] == request_id)


def request(data: dict[str, Any], request_id: str) -> dict[str, Any]:
    return next(r for r in data["requests"] if r["id"] == request_id)


def set_windows(item: dict[str, Any], pairs: list[list[str]]) -> None:
    """Give a request of the plan dictionary these windows, as pairs and as absolute text."""
    item["windows"] = pairs
    item["windows_text"] = {"own": "; ".join(f"{start}/{end}" for start, end in pairs),
                            "available": [], "unavailable": [], "absolute": True}


def leg(data: dict[str, Any], origin: str, destination: str) -> dict[str, Any]:
    return next(t for t in data["travel"] if (t["from"], t["to"]) == (origin, destination))


def day(data: dict[str, Any], day_date: str) -> dict[str, Any]:
    return next(d for d in data["tour"]["days"] if d["date"] == day_date)


def drop_leg(data: dict[str, Any], origin: str, destination: str) -> None:
    data["travel"].remove(leg(data, origin, destination))


def fri(clock: str) -> str:
    return f"{FRI}T{clock}:00+02:00"


def mon(clock: str) -> str:
    return f"{MON}T{clock}:00+01:00"


# --------------------------------------------------------------------------------------------
# The cases: (rule, an edit that breaks it alone, a near miss that keeps every rule).


def psoe_half_an_hour_before_its_window(data: dict[str, Any]) -> None:
    """PSOE at 09:30–10:30 while its window opens at 10:00 (the leg there moves too)."""
    shift(engagement(data, "psoe"), -30, "start", "end")
    shift(leg(data, "HOTEL", "PSOE"), -30, "depart", "arrive")


def psoe_ending_as_its_window_closes(data: dict[str, Any]) -> None:
    """PSOE at 10:30–11:30 ends exactly when its window closes: the end is included."""
    shift(engagement(data, "psoe"), 30, "start", "end")
    shift(leg(data, "PSOE", "HOTEL"), 30, "depart", "arrive")


def psoe_ten_minutes_short(data: dict[str, Any]) -> None:
    """PSOE lasts 50 minutes instead of 60."""
    engagement(data, "psoe")["end"] = fri("10:50")


def psoe_of_fifty_minutes_lasting_fifty(data: dict[str, Any]) -> None:
    """A 50-minute request placed for 50 minutes."""
    request(data, "psoe")["duration_minutes"] = 50
    engagement(data, "psoe")["end"] = fri("10:50")


def psoe_placed_at_the_studio(data: dict[str, Any]) -> None:
    """The PSOE engagement says it is at TV."""
    engagement(data, "psoe")["location"] = "TV"


def remote_radio_placed_at_the_hotel(data: dict[str, Any]) -> None:
    """The remote radio interview says it is at the hotel; remote engagements have null."""
    engagement(data, "radio")["location"] = "HOTEL"


def psoe_by_video_without_travel(data: dict[str, Any]) -> None:
    """PSOE by video: null location, and the day needs no leg at all."""
    request(data, "psoe").update(location=None, remote="video")
    engagement(data, "psoe")["location"] = None
    drop_leg(data, "HOTEL", "PSOE")
    drop_leg(data, "PSOE", "HOTEL")


def tv_five_minutes_after_its_fixed_start(data: dict[str, Any]) -> None:
    """Live TV fixed at 16:00 placed at 16:05 (the leg back moves with it)."""
    shift(engagement(data, "tv"), 5, "start", "end")
    shift(leg(data, "TV", "HOTEL"), 5, "depart", "arrive")


def tv_unfixed_at_five_past(data: dict[str, Any]) -> None:
    """Without a fixed start, 16:05 is fine."""
    request(data, "tv")["fixed_start"] = None
    tv_five_minutes_after_its_fixed_start(data)


def radio_running_past_the_day_end(data: dict[str, Any]) -> None:
    """The radio interview at 19:45–20:15 while Friday ends at 20:00."""
    set_windows(request(data, "radio"), [[fri("19:00"), fri("21:00")]])
    engagement(data, "radio").update(start=fri("19:45"), end=fri("20:15"))


def radio_ending_as_the_day_ends(data: dict[str, Any]) -> None:
    """The radio interview at 19:30–20:00: only its buffer runs past the day's end."""
    set_windows(request(data, "radio"), [[fri("19:00"), fri("21:00")]])
    engagement(data, "radio").update(start=fri("19:30"), end=fri("20:00"))


def radio_on_saturday_off_the_tour(data: dict[str, Any]) -> None:
    """The radio interview on Saturday 27 October, a day the tour does not have."""
    saturday = "2018-10-27"
    set_windows(request(data, "radio"), [[f"{saturday}T10:00:00+02:00", f"{saturday}T11:00:00+02:00"]])
    engagement(data, "radio").update(day=saturday, start=f"{saturday}T10:00:00+02:00",
                                     end=f"{saturday}T10:30:00+02:00")


def meal_inside_the_radio_buffer(data: dict[str, Any]) -> None:
    """Lunch at 12:35 while the radio interview (till 12:30) keeps the guest till 12:40."""
    day(data, FRI)["meal"]["earliest"] = fri("12:00")
    day(data, FRI)["breaks"][0].update(start=fri("12:35"), end=fri("13:35"))


def meal_right_after_the_radio_buffer(data: dict[str, Any]) -> None:
    """Lunch at 12:40, exactly when the radio interview's buffer ends."""
    day(data, FRI)["meal"]["earliest"] = fri("12:00")
    day(data, FRI)["breaks"][0].update(start=fri("12:40"), end=fri("13:40"))


def leg_during_the_remote_interview(data: dict[str, Any]) -> None:
    """The ride back to the hotel at 12:00–12:15, during the phone interview."""
    leg(data, "PSOE", "HOTEL").update(depart=fri("12:00"), arrive=fri("12:15"))


def leg_right_after_the_remote_interview(data: dict[str, Any]) -> None:
    """The ride back at 12:40, exactly when the phone interview's buffer ends."""
    leg(data, "PSOE", "HOTEL").update(depart=fri("12:40"), arrive=fri("12:55"))


def _late_at_psoe_before_tv(data: dict[str, Any], start: str, end: str) -> None:
    """Schedule the Shangay interview (20 min, at PSOE) on Monday before the TV studio."""
    request(data, "late")["duration_minutes"] = 20
    set_windows(request(data, "late"), [[mon("09:00"), mon("17:00")]])
    data["unscheduled"] = []
    data["engagements"].append({"request_id": "late", "title": "Shangay interview", "day": MON,
                                "start": start, "end": end, "location": "PSOE"})
    drop_leg(data, "HOTEL", "TV")
    data["travel"].append({"day": MON, "from": "HOTEL", "to": "PSOE", "depart": mon("13:00"),
                           "arrive": mon("13:15"), "minutes": 15, "estimated": False})


def twenty_free_minutes_for_a_thirty_minute_ride(data: dict[str, Any]) -> None:
    """PSOE till 15:00 (+10 buffer) then TV set-up at 15:30: 20 free minutes, 30 needed."""
    _late_at_psoe_before_tv(data, mon("14:40"), mon("15:00"))


def thirty_free_minutes_for_a_thirty_minute_ride(data: dict[str, Any]) -> None:
    """PSOE till 14:50 (+10 buffer) then TV set-up at 15:30: 30 free minutes, with the leg."""
    _late_at_psoe_before_tv(data, mon("14:30"), mon("14:50"))
    data["travel"].append({"day": MON, "from": "PSOE", "to": "TV", "depart": mon("15:00"),
                           "arrive": mon("15:30"), "minutes": 30, "estimated": True})


def free_time_split_by_a_remote_interview(data: dict[str, Any]) -> None:
    """09:00–10:00 has 20 free minutes for a 15-minute ride, but the phone interview at
    09:10–09:40 (+10 buffer) splits them into 10 and 10."""
    set_windows(request(data, "radio"), [[fri("09:00"), fri("13:00")]])
    engagement(data, "radio").update(start=fri("09:10"), end=fri("09:40"))
    drop_leg(data, "HOTEL", "PSOE")


def no_leg_back_from_the_studio(data: dict[str, Any]) -> None:
    """Monday has no leg from the TV studio back to the hotel."""
    drop_leg(data, "TV", "HOTEL")


def studio_at_the_hotel_needs_no_leg(data: dict[str, Any]) -> None:
    """With the TV interview at the hotel itself, Monday needs no leg."""
    request(data, "tv")["location"] = "HOTEL"
    engagement(data, "tv")["location"] = "HOTEL"
    drop_leg(data, "HOTEL", "TV")
    drop_leg(data, "TV", "HOTEL")


def studio_next_door_needs_no_leg(data: dict[str, Any]) -> None:
    """With 0 minutes between the hotel and the studio, Monday's moves need no leg."""
    data["travel_minutes"]["HOTEL"]["TV"] = 0
    data["travel_minutes"]["TV"]["HOTEL"] = 0
    drop_leg(data, "HOTEL", "TV")
    drop_leg(data, "TV", "HOTEL")


def leg_before_the_day_starts(data: dict[str, Any]) -> None:
    """The first leg at 08:45–09:00, before Friday's hours start at 09:00."""
    leg(data, "HOTEL", "PSOE").update(depart=fri("08:45"), arrive=fri("09:00"))


def leg_as_the_day_starts(data: dict[str, Any]) -> None:
    """The first leg at 09:00–09:15, right at the start of the hours; the guest then waits."""
    leg(data, "HOTEL", "PSOE").update(depart=fri("09:00"), arrive=fri("09:15"))


def extra_ride_to_psoe(data: dict[str, Any]) -> None:
    """A second ride to PSOE at 16:00 although the guest stays at the hotel."""
    data["travel"].append({"day": FRI, "from": "HOTEL", "to": "PSOE", "depart": fri("16:00"),
                           "arrive": fri("16:15"), "minutes": 15, "estimated": False})


def zero_minute_leg_at_the_hotel(data: dict[str, Any]) -> None:
    """A leg from the hotel to the hotel of 0 minutes is not needed, and does no harm."""
    data["travel"].append({"day": FRI, "from": "HOTEL", "to": "HOTEL", "depart": fri("16:00"),
                           "arrive": fri("16:00"), "minutes": 0, "estimated": False})


def leg_of_fourteen_minutes_for_fifteen(data: dict[str, Any]) -> None:
    """The ride to PSOE says 14 minutes (09:46–10:00), the table says 15."""
    leg(data, "HOTEL", "PSOE").update(depart=fri("09:46"), minutes=14)


def leg_whose_times_disagree_with_its_minutes(data: dict[str, Any]) -> None:
    """The ride to PSOE says 15 minutes but departs 09:50 and arrives 10:00."""
    leg(data, "HOTEL", "PSOE")["depart"] = fri("09:50")


def leg_arriving_early(data: dict[str, Any]) -> None:
    """The ride to PSOE at 09:30–09:45 arrives 15 minutes early; the guest waits there."""
    leg(data, "HOTEL", "PSOE").update(depart=fri("09:30"), arrive=fri("09:45"))


def cap_of_one_a_day(data: dict[str, Any]) -> None:
    """At most one engagement a day, and Friday has two."""
    data["tour"]["max_engagements_per_day"] = 1


def cap_of_two_a_day(data: dict[str, Any]) -> None:
    """At most two a day, and Friday has exactly two."""
    data["tour"]["max_engagements_per_day"] = 2


def no_lunch_on_friday(data: dict[str, Any]) -> None:
    """Friday has a meal rule but no break."""
    day(data, FRI)["breaks"] = []


def late_lunch_on_friday(data: dict[str, Any]) -> None:
    """Lunch may sit anywhere in its window: 14:15–15:15."""
    day(data, FRI)["breaks"][0].update(start=fri("14:15"), end=fri("15:15"))


def lunch_before_its_window(data: dict[str, Any]) -> None:
    """Lunch at 13:00–14:00 while its window opens at 13:30."""
    day(data, FRI)["breaks"][0].update(start=fri("13:00"), end=fri("14:00"))


def lunch_ending_as_its_window_closes(data: dict[str, Any]) -> None:
    """Lunch at 15:00–16:00 ends exactly at the latest time."""
    day(data, FRI)["breaks"][0].update(start=fri("15:00"), end=fri("16:00"))


def lunch_of_forty_five_minutes(data: dict[str, Any]) -> None:
    """Lunch of 45 minutes when the day's meal is 60."""
    day(data, FRI)["breaks"][0]["end"] = fri("14:15")


def lunch_of_forty_five_minutes_when_due(data: dict[str, Any]) -> None:
    """Lunch of 45 minutes when the day's meal is 45."""
    day(data, FRI)["meal"]["minutes"] = 45
    day(data, FRI)["breaks"][0]["end"] = fri("14:15")


def lunch_on_a_day_without_meal(data: dict[str, Any]) -> None:
    """Friday has no meal rule but keeps its lunch break."""
    day(data, FRI)["meal"] = None


def second_lunch(data: dict[str, Any]) -> None:
    """Friday has two meal breaks."""
    day(data, FRI)["breaks"].append({"start": fri("15:00"), "end": fri("16:00"), "kind": "meal"})


def break_of_unknown_kind(data: dict[str, Any]) -> None:
    """Friday has a break of kind "rest", which the format does not know."""
    day(data, FRI)["breaks"].append({"start": fri("16:00"), "end": fri("16:30"), "kind": "rest"})


def no_meal_and_no_break(data: dict[str, Any]) -> None:
    """Friday has no meal rule and no break."""
    day(data, FRI)["meal"] = None
    day(data, FRI)["breaks"] = []


def radio_twice(data: dict[str, Any]) -> None:
    """The radio interview is scheduled at 12:00 and again at 12:50."""
    set_windows(request(data, "radio"), [[fri("12:00"), fri("13:30")]])
    second = dict(engagement(data, "radio"), start=fri("12:50"), end=fri("13:20"))
    data["engagements"].append(second)


def late_listed_twice(data: dict[str, Any]) -> None:
    """The Shangay interview is listed twice as unscheduled."""
    data["unscheduled"].append(dict(data["unscheduled"][0]))


def radio_once_later(data: dict[str, Any]) -> None:
    """The radio interview once, at 12:50 (its window widened to 13:30)."""
    set_windows(request(data, "radio"), [[fri("12:00"), fri("13:30")]])
    engagement(data, "radio").update(start=fri("12:50"), end=fri("13:20"))


_GHOST = {"request_id": "ghost", "title": "Ghost call", "day": FRI, "start": fri("16:00"),
          "end": fri("16:30"), "location": None}


def engagement_of_no_request(data: dict[str, Any]) -> None:
    """A phone call at 16:00 for a request the plan does not have."""
    data["engagements"].append(dict(_GHOST))


def unscheduled_of_no_request(data: dict[str, Any]) -> None:
    """An unscheduled entry for a request the plan does not have."""
    data["unscheduled"].append({"request_id": "nobody", "reason": "—", "code": "displaced"})


def engagement_of_a_new_request(data: dict[str, Any]) -> None:
    """The same phone call once its request is in the plan."""
    ghost = dict(request(data, "radio"), id="ghost", title="Ghost call")
    set_windows(ghost, [[fri("16:00"), fri("17:00")]])
    data["requests"].append(ghost)
    data["engagements"].append(dict(_GHOST))


def late_neither_scheduled_nor_listed(data: dict[str, Any]) -> None:
    """The Shangay interview is dropped from the unscheduled list."""
    data["unscheduled"] = []


def psoe_scheduled_and_listed(data: dict[str, Any]) -> None:
    """PSOE is scheduled and also listed as unscheduled."""
    data["unscheduled"].append({"request_id": "psoe", "reason": "—", "code": "displaced"})


def psoe_optional_and_left_out(data: dict[str, Any]) -> None:
    """PSOE, no longer mandatory, left out (with its legs) and listed as displaced."""
    request(data, "psoe")["mandatory"] = False
    data["engagements"].remove(engagement(data, "psoe"))
    drop_leg(data, "HOTEL", "PSOE")
    drop_leg(data, "PSOE", "HOTEL")
    data["unscheduled"].append({"request_id": "psoe", "reason": "—", "code": "displaced"})


def mandatory_late_left_out(data: dict[str, Any]) -> None:
    """The unscheduled Shangay interview is mandatory."""
    request(data, "late")["mandatory"] = True


def mandatory_radio_scheduled(data: dict[str, Any]) -> None:
    """The scheduled radio interview is mandatory."""
    request(data, "radio")["mandatory"] = True


def late_called_too_short(data: dict[str, Any]) -> None:
    """The Shangay interview is called too_short, but its 2-hour window holds its hour."""
    data["unscheduled"][0]["code"] = "too_short"


def late_with_an_unknown_code(data: dict[str, Any]) -> None:
    """The Shangay interview is unscheduled with the code "busy", not in the list."""
    data["unscheduled"][0]["code"] = "busy"


def _radio_unscheduled(data: dict[str, Any], code: str) -> None:
    data["engagements"].remove(engagement(data, "radio"))
    data["unscheduled"].append({"request_id": "radio", "reason": "—", "code": code})


def radio_called_no_window(data: dict[str, Any]) -> None:
    """The radio interview is called no_window, but its window lies in Friday's hours."""
    _radio_unscheduled(data, "no_window")


def radio_called_displaced(data: dict[str, Any]) -> None:
    """The radio interview left out as displaced (a code the checker cannot refute)."""
    _radio_unscheduled(data, "displaced")


def _tv_unscheduled_with_an_evening_window(data: dict[str, Any], fixed_start: str | None) -> None:
    request(data, "tv")["fixed_start"] = fixed_start
    set_windows(request(data, "tv"), [[mon("16:00"), mon("22:00")]])
    data["engagements"].remove(engagement(data, "tv"))
    drop_leg(data, "HOTEL", "TV")
    drop_leg(data, "TV", "HOTEL")
    data["unscheduled"].append({"request_id": "tv", "reason": "—", "code": "no_window"})


def tv_unfixed_called_no_window(data: dict[str, Any]) -> None:
    """TV with a window 16:00–22:00 and no fixed start is called no_window, but 16:00–20:00
    of that window lies within Monday's hours."""
    _tv_unscheduled_with_an_evening_window(data, None)


def tv_fixed_at_night_called_no_window(data: dict[str, Any]) -> None:
    """The same TV fixed at 21:00, after Monday's hours: no_window is right."""
    _tv_unscheduled_with_an_evening_window(data, mon("21:00"))


def psoe_labelled_monday(data: dict[str, Any]) -> None:
    """The PSOE meeting on Friday says its day is Monday."""
    engagement(data, "psoe")["day"] = MON


def leg_labelled_monday(data: dict[str, Any]) -> None:
    """Friday's ride to PSOE says its day is Monday."""
    leg(data, "HOTEL", "PSOE")["day"] = MON


def tv_written_in_utc(data: dict[str, Any]) -> None:
    """The TV start written 15:00+00:00: the right instant, not in the tour's zone."""
    engagement(data, "tv")["start"] = "2018-10-29T15:00:00+00:00"


def tour_in_paris(data: dict[str, Any]) -> None:
    """Paris keeps Madrid's offsets, so every time is written in the tour's zone."""
    data["tour"]["timezone"] = "Europe/Paris"


def engagements_missing(data: dict[str, Any]) -> None:
    """The plan has no `engagements`."""
    del data["engagements"]


def time_without_offset(data: dict[str, Any]) -> None:
    """PSOE's start has no UTC offset."""
    engagement(data, "psoe")["start"] = "2018-10-26T10:00:00"


def leg_to_an_unknown_place(data: dict[str, Any]) -> None:
    """A leg goes to a place not in `locations`."""
    leg(data, "HOTEL", "PSOE")["to"] = "NOWHERE"


def travel_time_missing(data: dict[str, Any]) -> None:
    """The travel table has no time from HOTEL to PSOE, which the agenda moves between."""
    del data["travel_minutes"]["HOTEL"]["PSOE"]


def test_travel_the_agenda_does_not_use_may_be_left_out() -> None:
    """A plan file needs travel only between the places its agenda moves between: without the
    time from PSOE to TV (no day goes from one to the other) the plan is still valid."""
    data = plan_dict()
    del data["travel_minutes"]["PSOE"]["TV"]
    assert check_plan(data) == []


def newer_schema_version(data: dict[str, Any]) -> None:
    """A plan of schema version 2."""
    data["schema_version"] = 3


def fields_the_checker_does_not_know(data: dict[str, Any]) -> None:
    """New fields are ignored; `travel_estimated` is not needed."""
    data["colour"] = "green"
    engagement(data, "psoe")["room"] = "3B"
    del data["travel_estimated"]


def _stop_over_at_psoe(data: dict[str, Any], replanned: str) -> None:
    """PSOE withdrawn while the guest rode there (09:45–10:00): the ride stays, the guest goes
    back from PSOE at 10:00, and the plan was re-planned at ``replanned``."""
    psoe_optional_and_left_out(data)
    data["travel"] += [
        {"day": FRI, "from": "HOTEL", "to": "PSOE", "depart": fri("09:45"), "arrive": fri("10:00"),
         "minutes": 15, "estimated": False},
        {"day": FRI, "from": "PSOE", "to": "HOTEL", "depart": fri("10:00"), "arrive": fri("10:15"),
         "minutes": 15, "estimated": False},
    ]
    data["history"] = [{"version": 1, "now": "2018-10-20T12:00:00+02:00"},
                       {"version": 2, "now": replanned}]


def stop_over_departed_before_the_replan(data: dict[str, Any]) -> None:
    """Re-planned at 09:50, when the ride to PSOE had departed: a stop-over at PSOE."""
    _stop_over_at_psoe(data, fri("09:50"))


def stop_over_departing_at_the_replan(data: dict[str, Any]) -> None:
    """Re-planned at 09:45, as the ride to PSOE departs: it is not history, so the rides to
    PSOE and back match no change of place."""
    _stop_over_at_psoe(data, fri("09:45"))


def add_rule(data: dict[str, Any], kind: str, **lists: Any) -> None:
    """Add a rule between requests to the plan dictionary, numbered within its kind."""
    rules = data.setdefault("rules", [])
    number = 1 + sum(1 for rule in rules if rule["kind"] == kind)
    rule = {"kind": kind, "number": number, "first": [], "then": [], "requests": [], "minutes": 0}
    rule.update(lists)
    rules.append(rule)


def radio_before_psoe(data: dict[str, Any]) -> None:
    """Rule: the radio first, then PSOE; PSOE (10:00) starts before the radio (12:30) ends."""
    add_rule(data, "before", first=["radio"], then=["psoe"])


def psoe_before_radio(data: dict[str, Any]) -> None:
    """Rule: PSOE first (ends 11:00), then the radio (starts 12:00)."""
    add_rule(data, "before", first=["psoe"], then=["radio"])


def psoe_and_radio_apart(data: dict[str, Any]) -> None:
    """Rule: PSOE and the radio apart, both on Friday."""
    add_rule(data, "apart", requests=["psoe", "radio"])


def psoe_and_tv_apart(data: dict[str, Any]) -> None:
    """Rule: PSOE and TV apart, on Friday and Monday."""
    add_rule(data, "apart", requests=["psoe", "tv"])


def psoe_and_radio_sixty_one_minutes_apart(data: dict[str, Any]) -> None:
    """Rule: 61 minutes between PSOE (ends 11:00) and the radio (starts 12:00)."""
    add_rule(data, "gap", requests=["radio", "psoe"], minutes=61)


def psoe_and_radio_sixty_minutes_apart(data: dict[str, Any]) -> None:
    """Rule: 60 minutes between them, exactly what they have."""
    add_rule(data, "gap", requests=["radio", "psoe"], minutes=60)


def eighty_nine_engagement_minutes_a_day(data: dict[str, Any]) -> None:
    """Friday holds 90 minutes of engagements (PSOE 60, radio 30); the limit is 89."""
    data["tour"]["max_engagement_minutes_per_day"] = 89


def ninety_engagement_minutes_a_day(data: dict[str, Any]) -> None:
    """The limit is 90 minutes: Friday is at it."""
    data["tour"]["max_engagement_minutes_per_day"] = 90


def rest_between_friday_and_monday(data: dict[str, Any]) -> int:
    """Minutes from Friday's last end (the radio) to the start of Monday's first set-up (TV)."""
    setup = request(data, "tv")["setup_minutes"]
    monday = datetime.fromisoformat(engagement(data, "tv")["start"]) - timedelta(minutes=setup)
    friday = datetime.fromisoformat(engagement(data, "radio")["end"])
    return int((monday - friday).total_seconds() // 60)


def rest_a_minute_longer_than_the_weekend(data: dict[str, Any]) -> None:
    data["tour"]["min_rest_minutes"] = rest_between_friday_and_monday(data) + 1


def rest_as_long_as_the_weekend(data: dict[str, Any]) -> None:
    data["tour"]["min_rest_minutes"] = rest_between_friday_and_monday(data)


def rule_naming_an_unknown_request(data: dict[str, Any]) -> None:
    add_rule(data, "apart", requests=["psoe", "pp"])

def _fixed_leg_on_friday(data: dict[str, Any], in_travel: bool) -> None:
    """A booked car HOTEL → HOTEL on Friday 17:00–18:00 in tour.legs, in ``travel`` or not."""
    booked = {"from": "HOTEL", "to": "HOTEL", "depart": fri("17:00"), "arrive": fri("18:00"),
              "mode": "car", "ref": "Car 1", "notes": "", "checkin_minutes": 0}
    data["tour"]["legs"] = [booked]
    if in_travel:
        data["travel"].append({"day": FRI, "from": "HOTEL", "to": "HOTEL", "depart": fri("17:00"),
                               "arrive": fri("18:00"), "minutes": 60, "estimated": False, "fixed": True,
                               "mode": "car", "ref": "Car 1", "notes": "", "checkin_minutes": 0})


def fixed_leg_left_out_of_travel(data: dict[str, Any]) -> None:
    """A fixed leg of the tour that the plan's travel does not hold."""
    _fixed_leg_on_friday(data, in_travel=False)


def fixed_leg_in_travel(data: dict[str, Any]) -> None:
    """The same fixed leg, in the plan's travel with its times."""
    _fixed_leg_on_friday(data, in_travel=True)


@dataclass(frozen=True)
class Case:
    rule: str
    breaks: Callable[[dict[str, Any]], None]
    keeps: Callable[[dict[str, Any]], None]

    def __str__(self) -> str:
        return f"{self.rule}-{self.breaks.__name__}"


CASES = (
    Case("schema", engagements_missing, fields_the_checker_does_not_know),
    Case("schema", time_without_offset, fields_the_checker_does_not_know),
    Case("schema", leg_to_an_unknown_place, fields_the_checker_does_not_know),
    Case("schema", travel_time_missing, fields_the_checker_does_not_know),
    Case("schema", newer_schema_version, fields_the_checker_does_not_know),
    Case("wrong_offset", tv_written_in_utc, tour_in_paris),
    Case("unknown_request", engagement_of_no_request, engagement_of_a_new_request),
    Case("unknown_request", unscheduled_of_no_request, engagement_of_a_new_request),
    Case("duplicate", radio_twice, radio_once_later),
    Case("duplicate", late_listed_twice, radio_once_later),
    Case("unscheduled_inconsistent", late_neither_scheduled_nor_listed, psoe_optional_and_left_out),
    Case("unscheduled_inconsistent", psoe_scheduled_and_listed, psoe_optional_and_left_out),
    Case("wrong_code", late_called_too_short, radio_called_displaced),
    Case("wrong_code", late_with_an_unknown_code, radio_called_displaced),
    Case("wrong_code", radio_called_no_window, radio_called_displaced),
    Case("wrong_code", tv_unfixed_called_no_window, tv_fixed_at_night_called_no_window),
    Case("mandatory_missing", mandatory_late_left_out, mandatory_radio_scheduled),
    Case("wrong_day", psoe_labelled_monday, radio_ending_as_the_day_ends),
    Case("wrong_day", leg_labelled_monday, leg_as_the_day_starts),
    Case("outside_window", psoe_half_an_hour_before_its_window, psoe_ending_as_its_window_closes),
    Case("wrong_duration", psoe_ten_minutes_short, psoe_of_fifty_minutes_lasting_fifty),
    Case("wrong_location", psoe_placed_at_the_studio, psoe_by_video_without_travel),
    Case("wrong_location", remote_radio_placed_at_the_hotel, psoe_by_video_without_travel),
    Case("not_fixed_start", tv_five_minutes_after_its_fixed_start, tv_unfixed_at_five_past),
    Case("outside_hours", radio_running_past_the_day_end, radio_ending_as_the_day_ends),
    Case("outside_hours", radio_on_saturday_off_the_tour, radio_ending_as_the_day_ends),
    Case("overlap", meal_inside_the_radio_buffer, meal_right_after_the_radio_buffer),
    Case("leg_overlap", leg_during_the_remote_interview, leg_right_after_the_remote_interview),
    Case("travel_too_short", twenty_free_minutes_for_a_thirty_minute_ride,
         thirty_free_minutes_for_a_thirty_minute_ride),
    Case("travel_too_short", free_time_split_by_a_remote_interview, leg_arriving_early),
    Case("leg_missing", no_leg_back_from_the_studio, studio_at_the_hotel_needs_no_leg),
    Case("leg_missing", no_leg_back_from_the_studio, studio_next_door_needs_no_leg),
    Case("leg_misplaced", leg_before_the_day_starts, leg_as_the_day_starts),
    Case("leg_unexpected", extra_ride_to_psoe, zero_minute_leg_at_the_hotel),
    Case("leg_unexpected", stop_over_departing_at_the_replan, stop_over_departed_before_the_replan),
    Case("leg_wrong_minutes", leg_of_fourteen_minutes_for_fifteen, leg_arriving_early),
    Case("leg_wrong_minutes", leg_whose_times_disagree_with_its_minutes, leg_arriving_early),
    Case("fixed_leg", fixed_leg_left_out_of_travel, fixed_leg_in_travel),
    Case("too_many_per_day", cap_of_one_a_day, cap_of_two_a_day),
    Case("meal_missing", no_lunch_on_friday, late_lunch_on_friday),
    Case("meal_outside_window", lunch_before_its_window, lunch_ending_as_its_window_closes),
    Case("meal_wrong_length", lunch_of_forty_five_minutes, lunch_of_forty_five_minutes_when_due),
    Case("unexpected_break", lunch_on_a_day_without_meal, no_meal_and_no_break),
    Case("unexpected_break", second_lunch, no_meal_and_no_break),
    Case("unexpected_break", break_of_unknown_kind, no_meal_and_no_break),
    Case("rule_before", radio_before_psoe, psoe_before_radio),
    Case("rule_apart", psoe_and_radio_apart, psoe_and_tv_apart),
    Case("rule_gap", psoe_and_radio_sixty_one_minutes_apart, psoe_and_radio_sixty_minutes_apart),
    Case("too_many_minutes_per_day", eighty_nine_engagement_minutes_a_day,
         ninety_engagement_minutes_a_day),
    Case("rest_too_short", rest_a_minute_longer_than_the_weekend, rest_as_long_as_the_weekend),
    Case("schema", rule_naming_an_unknown_request, psoe_and_tv_apart),
) + tuple(Case(*case) for case in RESOURCE_CASES)


# --------------------------------------------------------------------------------------------


def test_small_plan_is_valid() -> None:
    """The hand-made plan keeps every rule, across the end of summer time."""
    assert check_plan(plan_dict()) == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_breaking_a_rule_reports_exactly_that_rule(case: Case) -> None:
    """Each edit breaks one rule, and the checker reports that rule and no other."""
    data = plan_dict()
    case.breaks(data)
    assert rules_of(data) == {case.rule}, check_plan(data)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_near_miss_keeps_every_rule(case: Case) -> None:
    """The near miss of each edit is a valid plan."""
    data = plan_dict()
    case.keeps(data)
    assert check_plan(data) == []


def test_every_rule_is_broken_by_some_case() -> None:
    """Each rule the checker knows has a case that breaks it alone; with one guest, a room
    used twice at once is also the guest in two places (test_resources.py breaks it)."""
    # The rules between the members of a delegation are broken in test_checker_delegations.py.
    assert {case.rule for case in CASES} == set(RULES) - {"resource_overlap", "wrong_guests", "resource_travel"}


def test_violations_name_the_request_the_day_and_the_times() -> None:
    """A message says which request, when, and which window it misses."""
    data = plan_dict()
    psoe_half_an_hour_before_its_window(data)
    [violation] = check_plan(data)
    assert (violation.rule, violation.request_id, violation.day) == ("outside_window", "psoe", FRI)
    assert "Meeting with PSOE" in violation.message
    assert "Fri 26 Oct 09:30–10:30" in violation.message
    assert "10:00–11:30" in violation.message


def test_too_short_travel_names_the_minutes() -> None:
    """The travel message gives the minutes needed and the free minutes found."""
    data = plan_dict()
    twenty_free_minutes_for_a_thirty_minute_ride(data)
    [violation] = check_plan(data)
    assert "30 min" in violation.message and "20 min" in violation.message
    assert violation.day == MON


def test_summer_offset_on_a_winter_time_is_caught() -> None:
    """Monday 29 Oct is at +01:00: the TV start written 16:00+02:00 is 15:00 there, an hour
    early, and both the offset and the broken rules are reported."""
    data = plan_dict()
    engagement(data, "tv")["start"] = "2018-10-29T16:00:00+02:00"
    found = rules_of(data)
    assert {"wrong_offset", "not_fixed_start", "outside_window"} <= found
    offset = next(v for v in check_plan(data) if v.rule == "wrong_offset")
    assert "2018-10-29T15:00:00+01:00" in offset.message


def test_instants_are_compared_not_wall_clocks() -> None:
    """Monday's times rewritten in UTC are the same instants: only their offsets are wrong."""
    data = plan_dict()
    for item in [engagement(data, "tv"), leg(data, "HOTEL", "TV"), leg(data, "TV", "HOTEL")]:
        for key in ("start", "end", "depart", "arrive"):
            if key in item:
                item[key] = datetime.fromisoformat(item[key]).astimezone(ZoneInfo("UTC")).isoformat()
    assert rules_of(data) == {"wrong_offset"}


def test_violation_is_frozen() -> None:
    """A violation cannot be changed after it is made."""
    violation = Violation("overlap", "two things at once", "psoe", FRI)
    with pytest.raises(FrozenInstanceError):
        violation.rule = "schema"  # type: ignore[misc]
    assert str(violation) == "[overlap] two things at once"


def test_check_plan_file_reads_a_plan(tmp_path) -> None:
    """A plan file on disk is checked like its dictionary."""
    path = tmp_path / "plan.json"
    path.write_text(_BASE, encoding="utf-8")
    assert check_plan_file(path) == []


def test_check_plan_file_reports_text_that_is_not_json(tmp_path) -> None:
    """A file that is not JSON is a schema violation, not an exception."""
    path = tmp_path / "plan.json"
    path.write_text("{not json", encoding="utf-8")
    assert [v.rule for v in check_plan_file(path)] == ["schema"]


def test_a_plan_that_is_not_an_object_is_a_schema_violation() -> None:
    """A JSON list is not a plan."""
    assert [v.rule for v in check_plan([])] == ["schema"]  # type: ignore[arg-type]


def test_assert_valid_passes_a_valid_plan() -> None:
    """assert_valid is silent on a valid plan."""
    assert_valid(plan_dict())


def test_assert_valid_lists_every_violation() -> None:
    """assert_valid raises an AssertionError naming each broken rule."""
    data = plan_dict()
    psoe_ten_minutes_short(data)
    no_lunch_on_friday(data)
    with pytest.raises(AssertionError) as raised:
        assert_valid(data)
    assert "[wrong_duration]" in str(raised.value) and "[meal_missing]" in str(raised.value)


# --------------------------------------------------------------------------------------------
# Stop-overs: legs that departed before the last re-plan.


def test_stop_over_is_accepted_only_after_the_leg_departed() -> None:
    """The ride to PSOE departed at 09:45: a re-plan from 09:50 keeps it as a stop-over; a
    re-plan from 09:45, or a plan never re-planned, has no business sending the guest there."""
    data = plan_dict()
    stop_over_departed_before_the_replan(data)
    assert check_plan(data) == []
    data["history"][-1]["now"] = fri("09:45")
    assert [v.rule for v in check_plan(data)] == ["leg_unexpected", "leg_unexpected"]
    data["history"][-1]["now"] = fri("09:44")
    assert rules_of(data) == {"leg_unexpected"}
    data["history"] = []
    assert rules_of(data) == {"leg_unexpected"}
    del data["history"]
    assert rules_of(data) == {"leg_unexpected"}


def test_only_the_last_replan_counts() -> None:
    """An earlier re-plan after the departure does not make the leg history when the last
    one, from before it, planned the day again; a last entry without a moment is no re-plan."""
    data = plan_dict()
    stop_over_departed_before_the_replan(data)
    data["history"].append({"version": 3, "now": fri("09:00")})
    assert rules_of(data) == {"leg_unexpected"}
    data["history"][-1]["now"] = None
    assert rules_of(data) == {"leg_unexpected"}


def test_the_next_leg_leaves_from_the_stop_over_after_the_arrival() -> None:
    """From a stop-over the next leg departs from its place, no earlier than the arrival."""
    data = plan_dict()
    stop_over_departed_before_the_replan(data)
    leg(data, "PSOE", "HOTEL").update(depart=fri("09:55"), arrive=fri("10:10"))
    assert rules_of(data) == {"leg_misplaced", "leg_overlap"}
    misplaced = next(v for v in check_plan(data) if v.rule == "leg_misplaced")
    assert "the stop-over at PSOE" in misplaced.message and "Fri 26 Oct 10:00" in misplaced.message


def test_a_stop_over_still_needs_the_leg_onwards() -> None:
    """Without the ride back from PSOE the guest is left there: the move is missing its leg."""
    data = plan_dict()
    stop_over_departed_before_the_replan(data)
    drop_leg(data, "PSOE", "HOTEL")
    [violation] = check_plan(data)
    assert violation.rule == "leg_missing" and "stop-over at PSOE" in violation.message


def test_a_stop_over_still_needs_the_travel_time_onwards() -> None:
    """The phone interview at 10:05–10:35, just after the arrival at PSOE: the ride back fits
    after its buffer (10:45); with the day ending at 10:50 no 15 free minutes are left."""
    data = plan_dict()
    stop_over_departed_before_the_replan(data)
    item = engagement(data, "radio")
    item.update(start=fri("10:05"), end=fri("10:35"))
    set_windows(request(data, "radio"), [[fri("10:00"), fri("13:00")]])
    drop_leg(data, "PSOE", "HOTEL")
    data["travel"].append({"day": FRI, "from": "PSOE", "to": "HOTEL", "depart": fri("10:45"),
                           "arrive": fri("11:00"), "minutes": 15, "estimated": False})
    assert check_plan(data) == []
    data["tour"]["days"][0]["end"] = fri("10:50")
    data["tour"]["days"][0]["meal"] = None
    data["tour"]["days"][0]["breaks"] = []
    assert "travel_too_short" in rules_of(data)


def test_an_ordinary_leg_before_the_replan_is_judged_as_before() -> None:
    """A re-plan moment after everything changes nothing for legs that lead where the guest is
    expected: a late ride to PSOE is still misplaced, not a stop-over."""
    data = plan_dict()
    data["history"] = [{"version": 1, "now": None}, {"version": 2, "now": mon("20:00")}]
    assert check_plan(data) == []
    shift(leg(data, "HOTEL", "PSOE"), 5, "depart", "arrive")
    never_replanned = plan_dict()
    shift(leg(never_replanned, "HOTEL", "PSOE"), 5, "depart", "arrive")
    assert "leg_misplaced" in rules_of(data)
    assert [v.message for v in check_plan(data)] == [v.message for v in check_plan(never_replanned)]


@pytest.mark.parametrize("history", ["yesterday", [1], [{"now": "2018-10-26T09:50:00"}],
                                     [{"now": "noon"}], None])
def test_a_history_that_cannot_be_read_is_a_schema_violation(history: Any) -> None:
    """The last re-plan's moment is needed by the rules: a history or a `now` that cannot be
    read is reported as the plan's shape."""
    data = plan_dict()
    data["history"] = history
    assert rules_of(data) == {"schema"}


def test_the_replan_moment_is_written_in_the_tour_zone() -> None:
    """The last re-plan's `now` is a time of the plan like any other: in the tour's offset."""
    data = plan_dict()
    stop_over_departed_before_the_replan(data)
    data["history"][-1]["now"] = "2018-10-26T07:50:00+00:00"
    assert rules_of(data) == {"wrong_offset"}


# --------------------------------------------------------------------------------------------
# Properties.

_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _moved_by_days(value: Any, days: int) -> Any:
    """Every time moved by ``days`` × 24 hours and rewritten in Madrid; every date by ``days``."""
    if isinstance(value, dict):
        return {key: _moved_by_days(item, days) for key, item in value.items()}
    if isinstance(value, list):
        return [_moved_by_days(item, days) for item in value]
    if isinstance(value, str) and _TIME.match(value):
        return (datetime.fromisoformat(value) + timedelta(days=days)).astimezone(MADRID).isoformat()
    if isinstance(value, str) and _DATE.match(value):
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    return value


@settings(max_examples=60, deadline=None)
@given(days=st.integers(min_value=-800, max_value=800))
def test_moving_the_whole_plan_by_whole_days_keeps_it_valid(days: int) -> None:
    """Moved by whole days of 24 hours, across any daylight-saving change, the plan stays valid.

    It stays meaningful: the hours (09:00–20:00, shifted by at most an hour of offset) never
    hold a change of offset, so every relation between instants is kept.
    """
    moved = _moved_by_days(plan_dict(), days)
    for item in moved["requests"]:
        set_windows(item, item["windows"])  # the windows text moves with the windows
    assert check_plan(moved) == []


@settings(max_examples=100, deadline=None)
@given(request_id=st.sampled_from(["psoe", "radio"]),
       minutes=st.integers(min_value=-300, max_value=300).filter(lambda m: m != 0))
def test_moving_an_engagement_out_of_its_window_is_reported(request_id: str, minutes: int) -> None:
    """An engagement moved by a non-zero number of minutes is reported outside its window
    exactly when no window holds it any more."""
    data = plan_dict()
    item = engagement(data, request_id)
    shift(item, minutes, "start", "end")
    start, end = datetime.fromisoformat(item["start"]), datetime.fromisoformat(item["end"])
    held = any(datetime.fromisoformat(first) <= start and end <= datetime.fromisoformat(last)
               for first, last in request(data, request_id)["windows"])
    reported = [v for v in check_plan(data) if v.rule == "outside_window"]
    assert bool(reported) == (not held)
    assert all(v.request_id == request_id for v in reported)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every node of a JSON value, itself included."""
    if isinstance(value, dict):
        return [path] + [p for key, item in value.items() for p in _paths(item, path + (key,))]
    if isinstance(value, list):
        return [path] + [p for index, item in enumerate(value) for p in _paths(item, path + (index,))]
    return [path]


_NODES = _paths(plan_dict())
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
    | st.text(max_size=30) | st.sampled_from(["2018-10-26T10:00:00+02:00", "2018-10-26", "HOTEL"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6)


@settings(max_examples=400, deadline=None)
@given(where=st.sampled_from(_NODES), value=_JSON)
def test_any_value_anywhere_gives_violations_not_exceptions(where: tuple[Any, ...], value: Any) -> None:
    """Whatever any field or part holds, the checker answers with violations of known rules."""
    data: Any = plan_dict()
    if where:
        holder = data
        for key in where[:-1]:
            holder = holder[key]
        holder[where[-1]] = value
    else:
        data = value
    violations = check_plan(data)
    assert all(isinstance(v, Violation) and v.rule in RULES for v in violations)
