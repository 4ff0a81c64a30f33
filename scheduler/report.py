"""The plain-text summary of a plan that ``scheduler plan`` prints: per day, then totals."""

from __future__ import annotations

from datetime import timedelta

from .domain import Plan, utc
from .formatting import format_date, place_name
from .formatting import format_time_marked as _hm


def _place(plan: Plan, location: str | None, remote: str | None) -> str:
    return place_name(plan.problem.locations, location, remote)


def summary_text(plan: Plan) -> str:
    """A readable agenda: each day's engagements, travel and meal in time order, then totals.

    Each day's times are in the zone it is lived in; a tour over several zones names it on
    every day.
    """
    problem = plan.problem
    tour = problem.tour
    several_zones = len(tour.zones) > 1
    heading = ", ".join(tour.zones) if several_zones else tour.timezone
    lines = [f"{tour.name} — {tour.guest.name} ({heading})", ""]
    for day in tour.days:
        zone = tour.day_zone(day)
        start_name = _place(plan, day.start_location, None)
        end_name = _place(plan, day.end_location, None)
        named = f" ({zone.key})" if several_zones else ""
        lines.append(f"{format_date(day.date)}{named}  hours {_hm(day.start, zone)}–{_hm(day.end, zone)}, "
                     f"from {start_name} to {end_name}")
        items = []
        for e in plan.engagements_on(day.date):
            request = problem.request(e.request_id)
            setup = f" (be there {request.setup_minutes} min early)" if request.setup_minutes else ""
            items.append((utc(e.start), 1, f"  {_hm(e.start, zone)}–{_hm(e.end, zone)}  "
                          f"{request.title} — {_place(plan, e.location, request.remote)}{setup}"))
        for leg in plan.travel:
            if leg.day == day.date:
                mark = " (estimate)" if leg.estimated else ""
                what = "travel"
                if leg.fixed:
                    what = " ".join(part for part in (leg.mode or "leg", leg.ref) if part)
                    mark = f" (booked; be there by {_hm(leg.depart - timedelta(minutes=leg.checkin_minutes), zone)})" \
                        if leg.checkin_minutes else " (booked)"
                items.append((utc(leg.depart), 0, f"  {_hm(leg.depart, zone)}–{_hm(leg.arrive, zone)}  "
                              f"{what} {_place(plan, leg.origin, None)} → "
                              f"{_place(plan, leg.destination, None)}, {leg.minutes} min{mark}"))
        for meal in plan.breaks:
            if meal.day == day.date:
                items.append((utc(meal.start), 2, f"  {_hm(meal.start, zone)}–{_hm(meal.end, zone)}  "
                              f"{meal.kind} break"))
        if not any(kind == 1 for _, kind, _ in items):
            items.append((utc(day.start), 1, "  (no engagements)"))
        lines += [text for _, _, text in sorted(items)]
        lines.append("")
    solver = plan.solver
    served = len(plan.engagements)
    lines.append(f"Engagements: {served} of {len(problem.requests)} requests; "
                 f"value served {plan.value_served} of {problem.total_value}; "
                 f"travel {plan.travel_minutes} min.")
    lines.append(f"  (value served: the summed value of the requests in the agenda, out of "
                 f"the value of all {len(problem.requests)} requests; a request's value comes "
                 f"from its priority and audience, or its own value column)")
    quality = {"optimal": "proven optimal", "feasible": "feasible, not proven optimal"}.get(
        solver.status, solver.status)
    gap = f", gap {solver.gap:.2%}" if solver.gap is not None else ""
    stopped = "stopped by the clock" if solver.stopped_by == "clock" else "stopped by its work budget"
    lines.append(f"Solver: {quality}{gap}, {solver.seconds:.2f} s (seed {solver.seed}, "
                 f"limit {solver.time_limit:g} s, {stopped}).")
    if plan.unscheduled:
        lines += ["", "Not scheduled:"]
        for item in plan.unscheduled:
            lines.append(f"  {problem.request(item.request_id).title} [{item.request_id}]: {item.reason}")
    return "\n".join(lines)
