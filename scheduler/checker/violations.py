"""The rules the checker knows and the violation it reports when one is broken."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 wrote every travel pair; 2 only those the agenda needs

#: Every rule the checker knows, in the order it reports them, with what each forbids.
RULES: Mapping[str, str] = {
    "schema": "a missing field, a value of the wrong type, a time without offset, an unknown place",
    "wrong_offset": "a time written with an offset that is not the tour zone's at that instant",
    "unknown_request": "an engagement or an unscheduled entry naming no request of the plan",
    "duplicate": "a request scheduled twice, or listed twice as unscheduled",
    "unscheduled_inconsistent": "a request both scheduled and unscheduled, or neither",
    "wrong_code": "an unscheduled code outside the list, or a no_window/too_short claim that is false",
    "mandatory_missing": "a mandatory request left unscheduled",
    "wrong_day": "an engagement or leg whose `day` is not the day whose hours hold its start",
    "outside_window": "an engagement not inside any window of its request",
    "wrong_duration": "an engagement whose length is not its request's duration",
    "wrong_location": "an engagement whose location is not its request's (null when remote)",
    "not_fixed_start": "an engagement of a fixed-start request starting at another time",
    "outside_hours": "an engagement (with its set-up) or a break outside its day's hours",
    "overlap": "two engagements (set-up to end plus buffer), or one and a break, overlapping",
    "leg_overlap": "a travel leg overlapping an engagement, a break or another leg",
    "travel_too_short": "a change of place without a free stretch as long as the travel time",
    "leg_missing": "a change of place with no travel leg in the plan's `travel`",
    "leg_misplaced": "a travel leg outside the stretch between the places it joins",
    "leg_unexpected": "a travel leg that matches no change of place of its day",
    "leg_wrong_minutes": "a leg whose minutes differ from the travel table or from its own times",
    "fixed_leg": "a fixed leg of tour.legs missing from `travel` or moved, or a `fixed` leg that is none",
    "too_many_per_day": "more engagements on a day than max_engagements_per_day",
    "meal_missing": "a day with a meal rule but no meal break",
    "meal_outside_window": "a meal break outside the day's meal window",
    "meal_wrong_length": "a meal break not as long as the day's meal minutes",
    "unexpected_break": "a break on a day without meal rule, a second meal, a break of another kind",
    "rule_before": "a `then` request of a before rule starting before a served `first` one ends",
    "rule_apart": "two requests of an apart rule on one day",
    "rule_gap": "two requests of a gap rule less than its minutes apart (end to start)",
    "too_many_minutes_per_day": "more engagement minutes on a day than max_engagement_minutes_per_day",
    "rest_too_short": "less than min_rest_minutes from a day's last engagement to the next day's first",
    "resource_needs": "an engagement not listing one resource per need of its request, of the id or "
                      "kind needed (a resource that does not travel only at its place or remote)",
    "resource_hours": "an engagement (with its set-up) using a resource outside the resource's hours",
    "resource_overlap": "two engagements using a resource that does not travel (a room) at once",
    "wrong_guests": "a delegation's engagement not attended by its request's guests (all of them "
                    "for a joint request, exactly one for an any-of request)",
    "resource_travel": "a travelling resource used by two engagements at once, or without the "
                       "travel time between their places, across a delegation",
}

UNSCHEDULED_CODES = ("no_window", "too_short", "unreachable", "no_resource", "displaced", "not_reached")



@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule of a plan.

    Attributes
    ----------
    rule
        The rule's name, a key of :data:`RULES` (``outside_window``, ``overlap``, ...).
    message
        What is wrong, for a person: names the request, the day and the times.
    request_id
        The request the violation is about, or ``None``.
    day
        The day (``YYYY-MM-DD``) the violation is about, or ``None``.
    """

    rule: str
    message: str
    request_id: str | None = None
    day: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"

