"""The remaining problem: the days (and the part of today) still to plan, and the requests not yet done."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Mapping

from ..domain import Day, Problem, Window, utc
from ..formatting import format_day, format_time, place_name, when
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
        Tour day index → sub-problem day index, for the days that still have time.
    merged_days
        The tour's days, adjusted where the cut leaves no other way (a later end, no meal).
    warnings
        Those adjustments in plain words.
    """

    problem: Problem | None
    day_of: Mapping[int, int]
    merged_days: tuple[Day, ...]
    warnings: tuple[str, ...]


def remaining_problem(problem: Problem, cuts: list[DayCut]) -> Remaining:
    """What is left to plan after the cut: each day from where and when the guest is free.

    Parameters
    ----------
    problem
        The whole problem with the changes applied.
    cuts
        The tour's days cut at ``now`` (:func:`~scheduler.replan.cut.cut_days`).

    Returns
    -------
    Remaining
        The sub-problem over the days with time left, without the requests done or under way.
    """
    tour = problem.tour
    zone = tour.zone
    sub_days: list[Day] = []
    day_of: dict[int, int] = {}
    merged = list(tour.days)
    warnings: list[str] = []
    for cut in cuts:
        if cut.past:
            continue
        day = cut.day
        start = cut.free
        end = utc(day.end)
        back = problem.travel.between(cut.position, day.end_location)
        following = problem.tour.days[cut.index + 1].start if cut.index + 1 < len(problem.tour.days) else None
        if start >= end and (back == 0 or (following is not None
                                           and start + timedelta(minutes=back) > utc(following))):
            # A long delay takes the rest of the day (or all of it): nothing more is planned
            # then, and the next day starts where it starts.
            if cut.released is not None and cut.released < end:
                warnings.append(f"{format_day(day.date)}: the guest is free again only at "
                                f"{when(start, zone=zone)}, after this day's end; nothing more "
                                f"is planned that day.")
            if not any(b.kind == "meal" for b in cut.breaks):
                merged[cut.index] = replace(merged[cut.index], meal_window=None, meal_minutes=0)
            continue
        if start + timedelta(minutes=back) > end:
            end = start + timedelta(minutes=back)
            if back:
                warnings.append(f"{format_day(day.date)}: the guest cannot be back at "
                                f"{place_name(problem.locations, day.end_location)} by "
                                f"{format_time(day.end, zone)}; the day now ends at {format_time(end, zone)}.")
                merged[cut.index] = replace(merged[cut.index], end=end.astimezone(zone))
        has_meal = any(b.kind == "meal" for b in cut.breaks)
        meal_window = None
        if day.meal_window is not None and not has_meal:
            low = max(utc(day.meal_window.start), start)
            high = min(utc(day.meal_window.end), end)
            if high - low >= timedelta(minutes=day.meal_minutes):
                meal_window = Window(low.astimezone(zone), high.astimezone(zone))
            else:
                warnings.append(f"{format_day(day.date)}: no room is left for the "
                                f"{day.meal_minutes}-minute meal between "
                                f"{format_time(day.meal_window.start, zone)} "
                                f"and {format_time(day.meal_window.end, zone)}.")
                merged[cut.index] = replace(merged[cut.index], meal_window=None, meal_minutes=0)
        if end <= start:
            continue  # no time left that day, and the guest is already where it ends
        day_of[cut.index] = len(sub_days)
        legs = tuple(leg for leg in day.legs if utc(leg.checkin_start) >= start)
        sub_days.append(Day(day.date, start.astimezone(zone), end.astimezone(zone), cut.position,
                            day.end_location, meal_window, day.meal_minutes if meal_window else 0,
                            legs, day.timezone))
    if not sub_days:
        return Remaining(None, day_of, tuple(merged), tuple(warnings))
    done = {e.request_id for cut in cuts for e in cut.engagements}
    requests = tuple(r for r in problem.requests if r.id not in done)
    sub = Problem(replace(tour, days=tuple(sub_days)), requests, problem.locations, problem.travel,
                  resources=problem.resources)
    return Remaining(sub, day_of, tuple(merged), tuple(warnings))


def restrict(sub: Problem, rules: Mapping[str, tuple[Window, ...]]) -> Problem:
    """The sub-problem with ``rules`` (request id → windows to cut out) applied."""
    if not rules:
        return sub
    requests = tuple(replace(r, windows=subtract_windows(r.windows, rules[r.id]), windows_text=None)
                     if r.id in rules else r for r in sub.requests)
    return replace(sub, requests=requests)
