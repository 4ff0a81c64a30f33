"""Plan versions and their history: version numbers, calendar SEQUENCEs by UID, what was cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from ..calendar_uids import NightEvent, engagement_uid, night_events, resource_uid, travel_uid, trip_key
from ..domain import Engagement, Plan, TravelLeg, utc
from .changes import Changes
from .diff import PlanDiff

__all__ = ["Cancellations", "cancellations", "current_sequences", "first_entry", "history_entry", "history_places",
           "keep_named_places", "leg_uids", "members_left", "new_sequences", "night_sequences", "plan_version",
           "resource_events", "resource_sequences"]


def plan_version(plan: Plan) -> int:
    """The plan's version number.

    Returns
    -------
    int
        1 for a plan never re-planned, else the ``version`` of its last history entry.
    """
    if not plan.history:
        return 1
    return int(plan.history[-1].get("version", len(plan.history)))


def current_sequences(plan: Plan) -> dict[str, int]:
    """The calendar SEQUENCE of each event after every version of the plan.

    Returns
    -------
    dict[str, int]
        SEQUENCE by UID: how many versions changed that event. UIDs never changed are absent
        (their SEQUENCE is 0).
    """
    sequences: dict[str, int] = {}
    for entry in plan.history:
        sequences.update({uid: int(n) for uid, n in (entry.get("sequences") or {}).items()})
    return sequences


def history_places(history: Iterable[Mapping[str, Any]]) -> set[str]:
    """The place ids a plan's history names in what its calendars hold as cancelled (dropped
    slots, vanished legs, a resource's or a member's cancelled events, nights)."""
    places: set[str] = set()
    for entry in history:
        diff = entry.get("diff") or {}
        records = list(diff.get("dropped", [])) + list(entry.get("cancelled_resource_events", [])) \
            + list(entry.get("cancelled_for_members", [])) + list(entry.get("cancelled_nights", []))
        places.update(r["location"] for r in records if r.get("location"))
        places.update(r[key] for r in entry.get("cancelled_legs", []) for key in ("from", "to") if r.get(key))
    return places


def keep_named_places(plan: Plan, previous: Plan) -> Plan:
    """``plan`` knowing every place its history names, the missing ones from ``previous``.

    The calendars of a new version cancel what the earlier one held there, and name the
    place as people read it; a plan whose problem no longer has that place (a tour folder
    edited, an earlier version brought back, an older what-if accepted) keeps it in
    ``locations``. No request or day uses it, so no travel to it is needed.
    """
    known = plan.problem.locations
    named = {place: previous.problem.locations[place] for place in sorted(history_places(plan.history))
             if place not in known and place in previous.problem.locations}
    if not named:
        return plan
    return replace(plan, problem=replace(plan.problem, locations={**known, **named}))


def leg_uids(plan: Plan) -> dict[str, TravelLeg]:
    """The plan's travel legs by calendar UID (a repeated trip on a day counts up)."""
    seen: dict[tuple[date, str, str, str], int] = {}
    uids = {}
    for leg in plan.travel:
        key = trip_key(leg)
        seen[key] = seen.get(key, 0) + 1
        uids[travel_uid(plan.problem.tour.id, leg, seen[key])] = leg
    return uids


def resource_events(plan: Plan) -> dict[str, tuple[str, Engagement]]:
    """The events of the resources' calendars by UID: (resource id, engagement)."""
    tour_id = plan.problem.tour.id
    return {resource_uid(tour_id, resource_id, e.request_id): (resource_id, e)
            for e in plan.engagements for resource_id in e.resources}


def resource_sequences(old: Plan, new: Plan, changed: Mapping[str, int]
                       ) -> tuple[dict[str, int], dict[str, tuple[str, Engagement]]]:
    """SEQUENCE of every resource event this version changes, and the events it cancels.

    A resource's event changes when its engagement's event does (``changed``, by the
    engagement's UID), when it moves, or when the resource stops serving it (a drop, or
    another resource took it); one that comes back after a cancellation changes again.
    """
    tour_id = new.problem.tour.id
    before = current_sequences(old)
    old_events, new_events = resource_events(old), resource_events(new)
    bumped: dict[str, int] = {}
    gone = {}
    for uid, (resource_id, engagement) in old_events.items():
        now = new_events.get(uid)
        if now is None:
            gone[uid] = (resource_id, engagement)
        elif _same_slot(engagement, now[1]) \
                and engagement_uid(tour_id, engagement.request_id) not in changed:
            continue
        bumped[uid] = before.get(uid, 0) + 1
    for uid in new_events:
        if uid not in old_events and uid in before:
            bumped[uid] = before[uid] + 1
    return dict(sorted(bumped.items())), gone


def night_sequences(old: Plan, new: Plan) -> tuple[dict[str, int], dict[tuple[str, str], NightEvent]]:
    """SEQUENCE of every night event this version changes, and the night events it cancels.

    Nights follow the tour's lodging, which a re-plan keeps; but a version may replace a plan
    whose tour had other lodging (an earlier version brought back, or a what-if accepted,
    after the tour was planned again with other ``[[lodging]]``). A night's event (by
    calendar and UID, :func:`~scheduler.calendar_uids.night_events`) changes when its place
    or who sleeps there changes, is cancelled in a calendar that no longer has it, and
    changes again when it comes back after a cancellation.
    """
    before = current_sequences(old)
    old_nights, new_nights = night_events(old.problem.tour), night_events(new.problem.tour)
    bumped: dict[str, int] = {}
    gone = {}
    for key, night in old_nights.items():
        now = new_nights.get(key)
        if now == night:
            continue
        if now is None:
            gone[key] = night
        bumped[key[1]] = before.get(key[1], 0) + 1
    for key in new_nights:
        if key not in old_nights and key[1] in before:
            bumped[key[1]] = before[key[1]] + 1
    return dict(sorted(bumped.items())), gone


def members_left(old: Plan, new: Plan) -> dict[str, tuple[Engagement, tuple[str, ...]]]:
    """The engagements still planned that some members of a delegation no longer attend
    (given to another member): request id → (the engagement as it was, who left it)."""
    new_by_id = {e.request_id: e for e in new.engagements}
    left = {}
    for engagement in old.engagements:
        now = new_by_id.get(engagement.request_id)
        gone = tuple(g for g in engagement.guests if now is not None and g not in now.guests)
        if gone:
            left[engagement.request_id] = (engagement, gone)
    return left


def _same_slot(a: Engagement, b: Engagement) -> bool:
    return (a.day == b.day and utc(a.start) == utc(b.start) and utc(a.end) == utc(b.end)
            and a.location == b.location and a.guests == b.guests)


def _same_leg(a: TravelLeg, b: TravelLeg) -> bool:
    return utc(a.depart) == utc(b.depart) and utc(a.arrive) == utc(b.arrive) and a.minutes == b.minutes


def new_sequences(old: Plan, new: Plan, diff: PlanDiff) -> tuple[dict[str, int], dict[str, TravelLeg]]:
    """SEQUENCE of every UID this version changes, and the travel legs it cancels by UID.

    An engagement's event changes when it is updated, moved, dropped, or scheduled again
    after a drop; a leg's when its times change or it vanishes.
    """
    tour_id = new.problem.tour.id
    before = current_sequences(old)
    changed: dict[str, int] = {}

    def bump(uid: str) -> None:
        changed[uid] = before.get(uid, 0) + 1

    for rid in [e.request_id for e in diff.updated] + [m.request_id for m in diff.moved] \
            + [d.request_id for d in diff.dropped]:
        bump(engagement_uid(tour_id, rid))
    for engagement in diff.added:
        uid = engagement_uid(tour_id, engagement.request_id)
        if uid in before:
            bump(uid)
    old_legs, new_legs = leg_uids(old), leg_uids(new)
    gone = {}
    for uid, leg in old_legs.items():
        if uid not in new_legs:
            gone[uid] = leg
            bump(uid)
        elif not _same_leg(leg, new_legs[uid]):
            bump(uid)
    for uid in new_legs:
        if uid not in old_legs and uid in before:
            bump(uid)
    return dict(sorted(changed.items())), gone


def _slot(engagement: Engagement, zone: ZoneInfo) -> dict[str, Any]:
    return {"request_id": engagement.request_id, "day": engagement.day.isoformat(),
            "start": engagement.start.astimezone(zone).isoformat(),
            "end": engagement.end.astimezone(zone).isoformat(), "location": engagement.location}


def history_entry(old: Plan, new: Plan, changes: Changes, diff: PlanDiff, now: datetime,
                  sequences: Mapping[str, int], gone: Mapping[str, TravelLeg],
                  warnings: Iterable[str],
                  gone_resources: Mapping[str, tuple[str, Engagement]] | None = None,
                  left: Mapping[str, tuple[Engagement, tuple[str, ...]]] | None = None,
                  gone_nights: Mapping[tuple[str, str], NightEvent] | None = None) -> dict[str, Any]:
    """The history entry of a new version (JSON-ready; the format is in docs/replanning.md)."""
    zone = new.problem.tour.zone
    old_requests = {r.id: r for r in old.problem.requests}
    dropped = []
    for item in diff.dropped:
        request = old_requests.get(item.request_id)
        record = _slot(item.old, zone)
        record.update({"title": request.title if request else item.request_id,
                       "kind": request.kind if request else "other",
                       "remote": request.remote if request else None,
                       "cancelled": item.cancelled, "reason": item.reason})
        if item.old.guests:  # a delegation: whose calendars held the slot (a tour of one guest: as before)
            record["guests"] = list(item.old.guests)
        dropped.append(record)
    titles = {r.id: r.title or r.id for r in old.problem.requests}
    entry = {
        "version": plan_version(old) + 1,
        "now": now.astimezone(zone).isoformat(),
        "changes": changes.to_dict(old),
        "summary": f"{diff.summary()}; value served {old.value_served} → {new.value_served} "
                   f"of {new.problem.total_value}",
        "value_served": new.value_served,
        "value_total": new.problem.total_value,
        "diff": {
            "kept": [e.request_id for e in diff.kept],
            "updated": [e.request_id for e in diff.updated],
            "moved": [{"request_id": m.request_id, "from": _slot(m.old, zone), "to": _slot(m.new, zone)}
                      for m in diff.moved],
            "dropped": dropped,
            "added": [_slot(e, zone) for e in diff.added],
        },
        "cancelled_legs": [{"uid": uid, "day": leg.day.isoformat(), "from": leg.origin,
                            "to": leg.destination, "depart": leg.depart.astimezone(zone).isoformat(),
                            "arrive": leg.arrive.astimezone(zone).isoformat(), "minutes": leg.minutes,
                            **({"guest": leg.guest} if leg.guest else {})}
                           for uid, leg in sorted(gone.items())],
        "sequences": dict(sequences),
        "warnings": list(warnings),
    }
    if left:  # a delegation's engagement some members no longer attend: their calendars cancel it
        entry["cancelled_for_members"] = [
            {**_slot(engagement, zone), "title": titles.get(rid, rid), "guests": list(guests)}
            for rid, (engagement, guests) in sorted(left.items())]
    if gone_resources:  # a tour without resources keeps the entry it always had
        entry["cancelled_resource_events"] = [
            {"uid": uid, "resource": resource_id, **_slot(engagement, zone),
             "title": titles.get(engagement.request_id, engagement.request_id),
             **({"guests": list(engagement.guests)} if engagement.guests else {})}
            for uid, (resource_id, engagement) in sorted(gone_resources.items())]
    if gone_nights:  # only when a version follows a plan with other lodging
        entry["cancelled_nights"] = [
            {"uid": uid, "night": night.night.isoformat(), "location": night.location,
             **({"guests": list(night.guests)} if night.guests else {}),
             **({"calendar": calendar} if calendar else {})}
            for (calendar, uid), night in sorted(gone_nights.items())]
    return entry


def first_entry(plan: Plan) -> dict[str, Any]:
    """The history entry of version 1, written when a plan is re-planned for the first time."""
    zone = plan.problem.tour.zone
    return {"version": 1,
            "now": plan.created.astimezone(zone).isoformat() if plan.created else None,
            "changes": None,
            "summary": f"first plan: {len(plan.engagements)} engagements; value served "
                       f"{plan.value_served} of {plan.problem.total_value}",
            "value_served": plan.value_served,
            "value_total": plan.problem.total_value}


@dataclass(frozen=True)
class Cancellations:
    """Everything dropped across a plan's history and not back in it, as last recorded.

    Attributes
    ----------
    engagements
        The dropped engagements, each as it last was.
    records
        Request id → the history's record of its drop (slot, title, kind, remote, reason).
    legs
        Calendar UID → the travel leg that vanished (with its traveller in a delegation).
    resource_events
        Calendar UID → the history's record of an engagement a resource no longer serves
        (resource, slot, title).
    members_left
        The engagements still planned that members of a delegation no longer attend, each as
        it was in their calendars, with those members (only) as its guests.
    nights
        (calendar, UID) → the night event that a version dropped from that calendar
        (``""``: the tour's, else a member's id), as it last was.
    """

    engagements: tuple[Engagement, ...]
    records: Mapping[str, Mapping[str, Any]]
    legs: Mapping[str, TravelLeg]
    resource_events: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    members_left: tuple[Engagement, ...] = ()
    nights: Mapping[tuple[str, str], NightEvent] = field(default_factory=dict)


def cancellations(plan: Plan) -> Cancellations:
    """Every engagement and leg dropped across ``plan``'s history and not back, as last recorded."""
    zone = plan.problem.tour.zone
    scheduled = {e.request_id for e in plan.engagements}
    records: dict[str, dict[str, Any]] = {}
    legs: dict[str, TravelLeg] = {}
    served: dict[str, Mapping[str, Any]] = {}
    left: dict[tuple[str, str], Mapping[str, Any]] = {}
    nights: dict[tuple[str, str], NightEvent] = {}
    for entry in plan.history:
        diff = entry.get("diff") or {}
        for record in diff.get("dropped", []):
            records[record["request_id"]] = record
        for record in diff.get("added", []) + [m["to"] for m in diff.get("moved", [])]:
            records.pop(record["request_id"], None)
        for record in entry.get("cancelled_legs", []):
            legs[record["uid"]] = TravelLeg(date.fromisoformat(record["day"]), record["from"], record["to"],
                                            datetime.fromisoformat(record["depart"]).astimezone(zone),
                                            datetime.fromisoformat(record["arrive"]).astimezone(zone),
                                            record["minutes"], guest=_traveller(plan, record))
        for record in entry.get("cancelled_resource_events", []):
            served[record["uid"]] = record
        for record in entry.get("cancelled_for_members", []):
            left.update({(record["request_id"], guest): record for guest in record["guests"]})
        for record in entry.get("cancelled_nights", []):
            nights[(record.get("calendar", ""), record["uid"])] = NightEvent(
                date.fromisoformat(record["night"]), record["location"], tuple(record.get("guests") or ()))
    current = leg_uids(plan)
    legs = {uid: leg for uid, leg in legs.items() if uid not in current}
    serving = resource_events(plan)
    served = {uid: record for uid, record in served.items() if uid not in serving}
    records = {rid: r for rid, r in records.items() if rid not in scheduled}
    engagements = tuple(Engagement(r["request_id"], date.fromisoformat(r["day"]),
                                   datetime.fromisoformat(r["start"]).astimezone(zone),
                                   datetime.fromisoformat(r["end"]).astimezone(zone), r["location"],
                                   guests=tuple(r.get("guests") or ()))
                        for r in records.values())
    attending = {e.request_id: e.guests for e in plan.engagements}
    still_left: dict[str, tuple[Mapping[str, Any], list[str]]] = {}
    for (rid, guest), record in left.items():
        if guest not in attending.get(rid, ()):
            still_left.setdefault(rid, (record, []))[1].append(guest)
    members = tuple(_engagement(record, zone, tuple(guests)) for record, guests in still_left.values())
    present = night_events(plan.problem.tour)
    nights = {key: night for key, night in nights.items() if key not in present}
    return Cancellations(engagements, records, legs, served, members, nights)


def _engagement(record: Mapping[str, Any], zone: ZoneInfo, guests: tuple[str, ...]) -> Engagement:
    return Engagement(record["request_id"], date.fromisoformat(record["day"]),
                      datetime.fromisoformat(record["start"]).astimezone(zone),
                      datetime.fromisoformat(record["end"]).astimezone(zone), record["location"],
                      guests=guests)


def _traveller(plan: Plan, record: Mapping[str, Any]) -> str:
    """Who travelled a cancelled leg: its record says so; one written before records kept it
    is read from its UID, which names the traveller in a delegation."""
    if record.get("guest"):
        return str(record["guest"])
    uid = str(record["uid"])
    for guest_id in plan.problem.tour.guest_ids if plan.problem.tour.is_delegation else ():
        stem = f"{record['day']}.{guest_id}.{record['from']}.{record['to']}"
        rest = uid[len(stem):] if uid.startswith(stem) else None
        if rest is not None and (rest.startswith("@") or rest.split("@")[0][1:].isdigit()):
            return guest_id
    return ""
