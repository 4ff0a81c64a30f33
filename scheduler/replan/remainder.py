"""The remaining problem: the days (and the part of today) still to plan, and the requests not yet done."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Iterable, Mapping

from ..domain import Day, Problem, Request, Window, utc
from ..formatting import format_day, format_time, place_name, when
from .absence import Absence, absence_reasons, absent_spans, cut_out_absence
from .changes import subtract_windows
from .cut import DayCut

__all__ = ["Remaining", "remaining_problem", "restrict"]


@dataclass(frozen=True)
class Remaining:
    """The sub-problem of what remains, and how its days map to the tour's.

    Attributes
    ----------
    problem
        The sub-problem, or ``None`` when no time is left in the tour.
    day_of
        (guest, index of the guest's day) → sub-problem tour day index, for the days that
        still have time (:attr:`DayCut.key <scheduler.replan.cut.DayCut.key>`; the guest is
        ``""`` for a tour of one guest).
    merged_days
        The tour's days, adjusted where the cut leaves no other way (a later end, no meal).
    warnings
        Those adjustments in plain words.
    member_days
        In a delegation, each member's days adjusted the same way (and with no meal where
        they are absent); empty for one guest.
    sub_days
        The day of the sub-problem each cut continues in (its first stretch), by cut key.
    left_out
        Requests the sub-problem cannot hold because who goes is absent or has no time left,
        with the reason in words when it is an absence.
    """

    problem: Problem | None
    day_of: Mapping[tuple[str, int], int]
    merged_days: tuple[Day, ...]
    warnings: tuple[str, ...]
    member_days: Mapping[str, tuple[Day, ...]] = field(default_factory=dict)
    sub_days: Mapping[tuple[str, int], Day] = field(default_factory=dict)
    left_out: Mapping[str, str] = field(default_factory=dict)


def remaining_problem(problem: Problem, cuts: list[DayCut], absences: Iterable[Absence] = (),
                      now: datetime | None = None) -> Remaining:
    """What is left to plan after the cut: each day from where and when the guest is free.

    Parameters
    ----------
    problem
        The whole problem with the changes applied.
    cuts
        The tour's days cut at ``now`` (:func:`~scheduler.replan.cut.cut_days`).
    absences
        Members of a delegation absent for a time: their days lose those hours.
    now
        The moment of the re-plan (where an absence without a start begins).

    Returns
    -------
    Remaining
        The sub-problem over the days with time left, without the requests done or under way.
    """
    tour = problem.tour
    absences = tuple(absences)
    owners = tour.guest_ids or ("",)
    merged = {guest: list(tour.days_of(guest)) for guest in owners}
    stretches: dict[tuple[str, int], list[Day]] = {}
    warnings: list[str] = []
    for cut in cuts:
        if cut.past:
            continue
        spans = absent_spans(absences, cut.guest, now) if absences and now is not None else []
        days, merged_day, said = _rest_of_day(problem, cut, merged[cut.guest], spans)
        merged[cut.guest][cut.index] = merged_day
        warnings += said
        if days:
            stretches[cut.key] = days
    done = {e.request_id for cut in cuts for e in cut.engagements}
    requests = tuple(r for r in problem.requests if r.id not in done)
    if tour.is_delegation:
        return _delegation_remaining(problem, stretches, merged, tuple(warnings), requests,
                                     absences, now)
    sub_days: list[Day] = []
    day_of: dict[tuple[str, int], int] = {}
    for key, days in stretches.items():
        day_of[key] = len(sub_days)
        sub_days += days
    merged_days = tuple(merged[""])
    if not sub_days:
        return Remaining(None, day_of, merged_days, tuple(warnings))
    sub = Problem(replace(tour, days=tuple(sub_days)), requests, problem.locations, problem.travel,
                  resources=problem.resources)
    return Remaining(sub, day_of, merged_days, tuple(warnings),
                     sub_days={key: days[0] for key, days in stretches.items()})


def _rest_of_day(problem: Problem, cut: DayCut, guest_days: list[Day],
                 spans: list[tuple[datetime, datetime | None]]) -> tuple[list[Day], Day, list[str]]:
    """What is left of one (guest's) day: the stretches to plan (none, one, or two around an
    absence), the day as the merged plan keeps it, and what had to bend, in words."""
    tour = problem.tour
    zone = tour.zone
    day = cut.day
    merged = guest_days[cut.index]
    warnings: list[str] = []
    start = cut.free
    end = utc(day.end)
    back = problem.travel.between(cut.position, day.end_location)
    following = guest_days[cut.index + 1].start if cut.index + 1 < len(guest_days) else None
    has_meal = any(b.kind == "meal" for b in cut.breaks)
    if start >= end and (back == 0 or (following is not None
                                       and start + timedelta(minutes=back) > utc(following))):
        # A long delay takes the rest of the day (or all of it): nothing more is planned
        # then, and the next day starts where it starts.
        if cut.released is not None and cut.released < end:
            warnings.append(f"{format_day(day.date)}: the guest is free again only at "
                            f"{when(start, zone=zone)}, after this day's end; nothing more "
                            f"is planned that day.")
        if not has_meal:
            merged = replace(merged, meal_window=None, meal_minutes=0)
        return [], merged, warnings
    if start + timedelta(minutes=back) > end:
        end = start + timedelta(minutes=back)
        if back:
            warnings.append(f"{format_day(day.date)}: the guest cannot be back at "
                            f"{place_name(problem.locations, day.end_location)} by "
                            f"{format_time(day.end, zone)}; the day now ends at {format_time(end, zone)}.")
            merged = replace(merged, end=end.astimezone(zone))
    pieces = cut_out_absence(start, end, spans) if spans else ([(start, end)] if end > start else [])
    meal_at: int | None = None
    meal_window = None
    if day.meal_window is not None and not has_meal:
        for k, (low, high) in enumerate(pieces):
            low, high = max(utc(day.meal_window.start), low), min(utc(day.meal_window.end), high)
            if high - low >= timedelta(minutes=day.meal_minutes):
                meal_at, meal_window = k, Window(low.astimezone(zone), high.astimezone(zone))
                break
        if meal_at is None:
            meal_low, meal_high = utc(day.meal_window.start), utc(day.meal_window.end)
            absent = any(meal_high > low and (high is None or meal_low < high) for low, high in spans)
            if not absent:
                warnings.append(f"{format_day(day.date)}: no room is left for the "
                                f"{day.meal_minutes}-minute meal between "
                                f"{format_time(day.meal_window.start, zone)} "
                                f"and {format_time(day.meal_window.end, zone)}.")
            merged = replace(merged, meal_window=None, meal_minutes=0)
    days = []
    for k, (low, high) in enumerate(pieces):
        # Around an absence the member is at the day's own places: back where the day ends
        # when it begins, out again from where the day starts when it ends.
        place = cut.position if low == start else day.start_location
        if (low, high) != (start, end) and \
                low + timedelta(minutes=problem.travel.between(place, day.end_location)) > high:
            continue
        legs = tuple(leg for leg in day.legs
                     if utc(leg.checkin_start) >= low and utc(leg.arrive) <= high)
        days.append(Day(day.date, low.astimezone(zone), high.astimezone(zone), place,
                        day.end_location, meal_window if k == meal_at else None,
                        day.meal_minutes if k == meal_at else 0, legs, day.timezone))
    return days, merged, warnings


def _delegation_remaining(problem: Problem, stretches: Mapping[tuple[str, int], list[Day]],
                          merged: Mapping[str, list[Day]], warnings: tuple[str, ...],
                          requests: tuple[Request, ...], absences: tuple[Absence, ...],
                          now: datetime | None) -> Remaining:
    """The remaining problem of a delegation: each member's own days cut, the tour's days a
    frame around them, and the requests of members with no time left taken out."""
    tour = problem.tour
    member_days = {guest: tuple(days) for guest, days in merged.items()}
    sub_days = {key: days[0] for key, days in stretches.items()}
    own: dict[str, list[Day]] = {guest: [] for guest in tour.guest_ids}
    for (guest, _), days in stretches.items():
        own[guest] += days
    present = [guest for guest in tour.guest_ids if own[guest]]
    if not present:
        return Remaining(None, {}, tour.days, warnings, member_days)
    dates = sorted({day.date for guest in present for day in own[guest]})
    frames = []
    for when_date in dates:
        that = [day for guest in present for day in own[guest] if day.date == when_date]
        model = next(day for day in tour.days if day.date == when_date)
        frames.append(replace(model, start=min(that, key=lambda d: utc(d.start)).start,
                              end=max(that, key=lambda d: utc(d.end)).end, meal_window=None,
                              meal_minutes=0, legs=()))
    index_of = {day.date: i for i, day in enumerate(frames)}
    day_of = {key: index_of[days[0].date] for key, days in stretches.items()}
    members = tuple(replace(tour.member(guest), days=tuple(own[guest])) for guest in present)
    kept, gone = _who_can_still_go(requests, set(present))
    reasons = absence_reasons(problem, absences, now, gone) if now is not None else {}
    left_out = {r.id: reasons.get(r.id, "") for r in gone}
    sub = Problem(replace(tour, days=tuple(frames), delegation=members), kept, problem.locations,
                  problem.travel, resources=problem.resources)
    return Remaining(sub, day_of, tour.days, warnings, member_days, sub_days, left_out)


def _who_can_still_go(requests: Iterable[Request], present: set[str]
                      ) -> tuple[tuple[Request, ...], list[Request]]:
    """The requests with only the members who still have time: "any one of" loses the
    others, a joint request or a member's own needs all of its guests."""
    kept, gone = [], []
    for request in requests:
        guests = tuple(g for g in request.guests if g in present)
        if guests == request.guests:
            kept.append(request)
        elif request.guests_any and guests:
            kept.append(replace(request, guests=guests, guests_any=len(guests) > 1))
        else:
            gone.append(request)
    return tuple(kept), gone


def restrict(sub: Problem, rules: Mapping[str, tuple[Window, ...]]) -> Problem:
    """The sub-problem with ``rules`` (request id → windows to cut out) applied."""
    if not rules:
        return sub
    requests = tuple(replace(r, windows=subtract_windows(r.windows, rules[r.id]), windows_text=None)
                     if r.id in rules else r for r in sub.requests)
    return replace(sub, requests=requests)
