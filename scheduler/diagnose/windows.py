"""Each window of a request against the tour's days, and what fills its time in the agenda."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain import Plan, Request, Window, utc
from ..window_fit import TourMinutes, days_touched, fit_alone, nowhere_note
from .free_time import room_in_agenda
from .pairs import between_text, excludes_each_other, overlap_without_travel
from .records import DayFit, Occupant, WindowReport

__all__ = ["window_reports"]


def _occupants(facts: TourMinutes, plan: Plan, request: Request, window: Window, index: int,
               span: tuple[int, int] | None) -> tuple[Occupant, ...]:
    """What fills the window's time on day ``index`` in the current agenda; with ``span``
    (the starts the request has there alone), which engagements exclude it."""
    tour_day = facts.tour.days[index]
    low = max(utc(window.start), utc(tour_day.start))
    high = min(utc(window.end), utc(tour_day.end))
    if low >= high:
        return ()
    buffer = timedelta(minutes=facts.buffer)
    found: list[tuple[datetime, Occupant]] = []
    own = facts.starts(request.id).get(index)
    for engagement in plan.engagements_on(tour_day.date):
        if engagement.request_id == request.id:
            continue
        other = facts.problem.request(engagement.request_id)
        busy_start = utc(engagement.start) - timedelta(minutes=other.setup_minutes)
        busy_end = utc(engagement.end) + buffer
        if not (busy_start < high and low < busy_end):
            continue
        excludes, why = False, ""
        other_range = facts.starts(other.id).get(index)
        if span is not None and own and other_range:
            excludes, why = excludes_each_other(facts, request, span, other, other_range)
        extras = []
        if other.setup_minutes:
            extras.append(f"set-up from {facts.hm(facts.minute(busy_start))}")
        if facts.buffer:
            extras.append(f"free at {facts.hm(facts.minute(busy_end))}")
        text = (f"{other.title}, {facts.hm(facts.minute(engagement.start))}–"
                f"{facts.hm(facts.minute(engagement.end))}"
                + (f" ({', '.join(extras)})" if extras else "")
                + f" at {facts.place_name(engagement.location, other.remote)}, value {other.value}"
                + (", mandatory" if other.mandatory else ""))
        if excludes and span is not None and other_range is not None:
            overlap = overlap_without_travel(request, span, other, other_range, facts)
            text += (f": it and this request cannot both happen that day, whatever the order, "
                     f"{between_text(facts, request, other, overlap)}")
        found.append((utc(engagement.start), Occupant("engagement", engagement.start, engagement.end,
                                                      other.id, other.title, other.value, excludes,
                                                      text, why)))
    for leg in plan.travel:
        if leg.day == tour_day.date and utc(leg.depart) < high and low < utc(leg.arrive):
            text = (f"travel {facts.place_name(leg.origin)} → {facts.place_name(leg.destination)}, "
                    f"{facts.hm(facts.minute(leg.depart))}–{facts.hm(facts.minute(leg.arrive))}")
            found.append((utc(leg.depart), Occupant("travel", leg.depart, leg.arrive, None, "", None,
                                                    False, text)))
    for meal in plan.breaks:
        if meal.day == tour_day.date and utc(meal.start) < high and low < utc(meal.end):
            text = (f"the meal break, {facts.hm(facts.minute(meal.start))}–"
                    f"{facts.hm(facts.minute(meal.end))}")
            found.append((utc(meal.start), Occupant("meal", meal.start, meal.end, None, "", None,
                                                    False, text)))
    return tuple(occupant for _, occupant in sorted(found, key=lambda item: item[0]))


def window_reports(facts: TourMinutes, request: Request, plan: Plan | None
                   ) -> tuple[WindowReport, ...]:
    """Each window of ``request`` against the tour, day by day, and against ``plan``'s agenda.

    Parameters
    ----------
    facts
        The problem in the engine's minutes.
    request
        The request explained.
    plan
        The current plan, or ``None`` for the windows against the tour alone.

    Returns
    -------
    tuple of WindowReport
        One per window: each working day it touches with the verdict alone, what fills its
        time in the agenda and, for a request left out, the room there.
    """
    reports = []
    for window in request.windows:
        touched = days_touched(facts, window)
        if not touched:
            reports.append(WindowReport(window.start, window.end, (), nowhere_note(facts, window)))
            continue
        fits = []
        for index in touched:
            alone = fit_alone(facts, request, window, index)
            span = (alone.low, alone.high) if alone.low is not None and alone.high is not None \
                else None
            room: str | None = None
            room_text = ""
            occupants: tuple[Occupant, ...] = ()
            if plan is not None:
                occupants = _occupants(facts, plan, request, window, index, span)
                if span is not None and plan.engagement(request.id) is None:
                    room, room_text = room_in_agenda(facts, plan, request, span, index)
            fits.append(DayFit(facts.tour.days[index].date, alone.verdict,
                               facts.moment(span[0]) if span else None,
                               facts.moment(span[1]) if span else None,
                               alone.text, room, room_text, occupants))
        reports.append(WindowReport(window.start, window.end, tuple(fits)))
    return tuple(reports)
