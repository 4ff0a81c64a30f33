"""The merged plan: the kept past and the new future over the tour's days, travel placed again after the cut."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Mapping

from ..domain import Break, Day, Engagement, Plan, Problem, TravelLeg, Unscheduled, Window, utc
from ..formatting import when
from ..model.extract import fixed_legs_of, place_leg
from ..model.instance import build_instance
from ..reasons import pruned_reason
from ..timegrid import TimeGrid
from .cut import DayCut, occupancy
from .remainder import Remaining
from .solve_remainder import SubPlan

__all__ = ["merge_plans"]


def _legs_after_cut(problem: Problem, day: Day, cut: DayCut, engagements: tuple[Engagement, ...],
                    breaks: tuple[Break, ...], start: datetime) -> list[TravelLeg] | None:
    """Travel legs of a day from the cut on, by the planner's rule (docs/solver.md): the first
    leg of a day leaves as late as it can, every other as soon as the guest is free.

    ``None`` when some leg finds no free stretch (only for a meal tried elsewhere).
    """
    grid = TimeGrid.for_tour(problem.tour)
    buffer = problem.tour.min_buffer_minutes
    kept = set(cut.engagements)
    busy: list[tuple[int, int]] = []
    for engagement in engagements:
        low, high = occupancy(problem, engagement, buffer)
        busy.append((grid.minutes(low), grid.minutes(high)))
    busy += [(grid.minutes(b.start), grid.minutes(b.end)) for b in breaks]
    busy += [(grid.minutes(leg.depart), grid.minutes(leg.arrive)) for leg in cut.legs]
    taken = {(leg.origin, leg.destination, utc(leg.depart)) for leg in cut.legs if leg.fixed}
    booked = [leg for leg in day.legs if (leg.origin, leg.destination, utc(leg.depart)) not in taken]
    busy += [(grid.minutes(leg.checkin_start), grid.minutes(leg.arrive)) for leg in booked]
    # (place reached, ready by, free after, reached by a fixed leg: no travel leg into it)
    stops: list[tuple[int, str, int, int | None, bool]] = []
    for engagement in engagements:
        if engagement in kept or engagement.location is None:
            continue
        low, high = occupancy(problem, engagement, buffer)
        stops.append((grid.minutes(low), engagement.location, grid.minutes(low), grid.minutes(high), False))
    for leg in booked:
        stops.append((grid.minutes(leg.checkin_start), leg.origin, grid.minutes(leg.checkin_start), None, False))
        stops.append((grid.minutes(leg.arrive), leg.destination, grid.minutes(leg.arrive),
                      grid.minutes(leg.arrive), True))
    stops.sort(key=lambda stop: (stop[0], stop[4]))
    anchors: list[tuple[str, int, int | None, bool]] = [(cut.position, grid.minutes_ceil(start), None, False)]
    anchors += [stop[1:] for stop in stops]
    anchors.append((day.end_location, grid.minutes_floor(day.end), None, False))
    legs = fixed_legs_of(day, booked)
    cursor = anchors[0][1]
    for index in range(1, len(anchors)):
        origin, (place, ready_by, free_after, by_fixed_leg) = anchors[index - 1][0], anchors[index]
        minutes = problem.travel.between(origin, place)
        if origin != place and minutes and not by_fixed_leg:
            # As the planner does: the first leg of the day, or after a fixed leg, leaves late.
            first = (index == 1 and not cut.left_start) or anchors[index - 1][3]
            depart = place_leg(cursor, ready_by, minutes, busy, latest=first)
            if depart is None:
                return None
            legs.append(TravelLeg(day.date, origin, place, grid.moment(depart),
                                  grid.moment(depart + minutes), minutes,
                                  problem.travel.is_estimate(origin, place)))
            busy.append((depart, depart + minutes))
        if free_after is not None:
            cursor = free_after
    return [replace(leg, guest=cut.guest) for leg in legs] if cut.guest else legs


def _keep_old_meal(problem: Problem, day: Day, cut: DayCut, sub_day: Day | None,
                   engagements: tuple[Engagement, ...], old: Break | None, new: Break,
                   start: datetime) -> tuple[Break, list[TravelLeg]] | None:
    """The old meal break and the legs around it, when it still fits the new day as it was.

    The solver places the meal anywhere it fits (nothing prices it), so on a day whose
    engagements did not change it may land elsewhere; putting it back keeps the run sheet
    and the travel events as they were.
    """
    if old is None or sub_day is None or sub_day.meal_window is None or \
            (utc(old.start), utc(old.end)) == (utc(new.start), utc(new.end)):
        return None
    if not sub_day.meal_window.contains(old.start, old.end):
        return None
    buffer = problem.tour.min_buffer_minutes
    meal = Window(old.start, old.end)
    for engagement in engagements:
        low, high = occupancy(problem, engagement, buffer)
        if Window(low, high).overlaps(meal):
            return None
    legs = _legs_after_cut(problem, day, cut, engagements, cut.breaks + (old,), start)
    return (old, legs) if legs is not None else None


def _unscheduled(problem: Problem, engagements: tuple[Engagement, ...], sub: SubPlan,
                 free: datetime | None, before: tuple[Unscheduled, ...],
                 absent: Mapping[str, str]) -> tuple[Unscheduled, ...]:
    """A reason for every request the merged agenda leaves out, with codes true of the whole tour.

    ``no_window`` and ``too_short`` come from the whole tour (the checker verifies them on
    the original days); a request the remaining days could still take gets the remaining
    solve's reason; one whose chance has passed keeps its old reason, or is ``displaced``.
    """
    zone = problem.tour.zone
    whole = {p.request_id: p.code for p in build_instance(problem).pruned}
    sub_reasons = {u.request_id: u for u in sub.plan.unscheduled} if sub.plan is not None else {}
    sub_pruned = {p.request_id for p in sub.instance.pruned} if sub.instance is not None else set()
    old = {u.request_id: u for u in before if u.code not in ("no_window", "too_short")}
    served = {e.request_id for e in engagements}
    out = []
    for request in problem.requests:
        if request.id in served:
            continue
        if request.id in whole:
            code = whole[request.id]
            out.append(Unscheduled(request.id, pruned_reason(problem, request, code), code))
        elif request.id in sub_reasons and request.id not in sub_pruned:
            out.append(sub_reasons[request.id])
        elif request.id in sub_reasons and sub_reasons[request.id].code == "unreachable":
            out.append(sub_reasons[request.id])
        elif absent.get(request.id):
            out.append(Unscheduled(request.id, absent[request.id], "displaced"))
        elif request.id in old:
            out.append(old[request.id])
        else:
            since = f" (the re-plan starts {when(free, zone=zone)})" if free is not None else ""
            out.append(Unscheduled(request.id, "No time is left for it in the rest of the tour"
                                   f"{since}: its windows have passed or are taken by what is "
                                   "done or under way.", "displaced"))
    return tuple(out)


def merge_plans(plan: Plan, problem: Problem, cuts: list[DayCut], remaining: Remaining,
                sub: SubPlan, now: datetime) -> Plan:
    """The kept past and the solved remainder as one plan over the tour's days.

    Parameters
    ----------
    plan
        The plan being re-planned (its history is carried over unchanged).
    problem
        The whole problem with the changes applied.
    cuts, remaining
        The day cut at ``now`` and the remaining problem made from it.
    sub
        The solved remainder.
    now
        The moment of the re-plan: the new plan's ``created``.

    Returns
    -------
    Plan
        Every engagement, break and leg kept or newly placed, a reason for every request
        left out, and the solver report of the last solve with the merged value served.
    """
    tour = replace(problem.tour, days=remaining.merged_days)
    if tour.is_delegation:
        tour = replace(tour, delegation=tuple(
            replace(member, days=remaining.member_days[member.id])
            if remaining.member_days.get(member.id, tour.days_of(member.id)) != tour.days_of(member.id)
            else member for member in tour.delegation))
    merged_problem = replace(problem, tour=tour)
    if tour.days != problem.tour.days or tour.delegation != problem.tour.delegation:
        # The windows text means other windows over the new hours: keep the windows as read.
        merged_problem = replace(merged_problem, requests=tuple(
            replace(request, windows_text=None) for request in problem.requests))
    engagements: dict[str, Engagement] = {}
    breaks: list[Break] = []
    legs: list[TravelLeg] = []
    new_plan = sub.plan
    for cut in cuts:
        day = tour.days_of(cut.guest)[cut.index]
        engagements.update((e.request_id, e) for e in cut.engagements)
        breaks += cut.breaks
        legs += cut.legs
        if cut.past:
            continue
        todays = tuple(e for e in (new_plan.engagements_of(cut.guest) if new_plan else ())
                       if e.day == day.date)
        todays_breaks = tuple(b for b in (new_plan.breaks_of(cut.guest) if new_plan else ())
                              if b.day == day.date)
        engagements.update((e.request_id, e) for e in todays)
        start = cut.free
        sub_day = remaining.sub_days.get(cut.key)
        if sub_day is not None:
            start = utc(sub_day.start) if cut.key in remaining.day_of else start
        elif start is not None and start >= utc(day.end) and cut.released is not None:
            # A delay took the rest of the day: the way back is travelled before it ends.
            start = min(cut.released, utc(day.end))
        day_legs = _legs_after_cut(merged_problem, day, cut, cut.engagements + todays,
                                   cut.breaks + todays_breaks, start)
        if day_legs is None:  # cannot happen for what the solver placed; say so if it does
            raise RuntimeError(f"no room for the travel of {day.date} after the re-plan")
        old_meal = next((b for b in plan.breaks_of(cut.guest)
                         if b.day == day.date and b not in cut.breaks), None)
        if len(todays_breaks) == 1:
            restored = _keep_old_meal(merged_problem, day, cut, sub_day, cut.engagements + todays,
                                      old_meal, todays_breaks[0], start)
            if restored is not None:
                todays_breaks, day_legs = (restored[0],), restored[1]
        breaks += todays_breaks
        legs += day_legs
    first_free = next((cut.free for cut in cuts if not cut.past), None)
    unscheduled = _unscheduled(merged_problem, tuple(engagements.values()), sub, first_free,
                               plan.unscheduled, remaining.left_out)
    served = set(engagements)
    value_served = sum(r.value for r in merged_problem.requests if r.id in served)
    base = sub.plan.solver if sub.plan is not None else plan.solver
    report = replace(base, value_served=value_served, value_total=merged_problem.total_value)
    return Plan(problem=merged_problem, engagements=tuple(engagements.values()), travel=tuple(legs),
                breaks=tuple(breaks), unscheduled=unscheduled, solver=report, created=now,
                history=plan.history)
