"""Each window of a request against the tour's days, and what fills its time in the agenda."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain import Plan, Request, Window, utc
from ..window_fit import TourMinutes, days_touched, fit_alone, nowhere_note
from .free_time import room_in_agenda
from .guest_days import guests_of, model_day, named, names, working_day
from .pairs import between_text, excludes_each_other, overlap_without_travel
from .records import DayFit, Occupant, WindowReport

__all__ = ["window_reports"]


def _occupants(facts: TourMinutes, plan: Plan, request: Request, window: Window, index: int,
               span: tuple[int, int] | None, guests: tuple[str, ...] = ("",)) -> tuple[Occupant, ...]:
    """What fills the window's time on day ``index`` in the current agenda; with ``span``
    (the starts the request has there alone), which engagements exclude it. In a delegation
    only ``guests``' engagements, travel and meals, within their hours that date."""
    days = [day for day in (working_day(facts, index, guest) for guest in guests) if day is not None]
    if not days:
        return ()
    low = max(utc(window.start), min(utc(day.start) for day in days))
    high = min(utc(window.end), max(utc(day.end) for day in days))
    if low >= high:
        return ()
    date = days[0].date
    buffer = timedelta(minutes=facts.buffer)
    found: list[tuple[datetime, Occupant]] = []
    own = facts.starts(request.id).get(index)
    delegation = guests != ("",)
    theirs = [e for e in plan.engagements_on(date)
              if not delegation or set(e.guests) & set(guests)]
    for engagement in theirs:
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
        if delegation:
            text = f"{names(facts, engagement.guests)}: {text}"
        found.append((utc(engagement.start), Occupant("engagement", engagement.start, engagement.end,
                                                      other.id, other.title, other.value, excludes,
                                                      text, why)))
    for leg in (leg for guest in guests for leg in plan.travel_of(guest)):
        if leg.day == date and utc(leg.depart) < high and low < utc(leg.arrive):
            text = named(facts, leg.guest,
                         f"travel {facts.place_name(leg.origin)} → {facts.place_name(leg.destination)}, "
                         f"{facts.hm(facts.minute(leg.depart))}–{facts.hm(facts.minute(leg.arrive))}")
            found.append((utc(leg.depart), Occupant("travel", leg.depart, leg.arrive, None, "", None,
                                                    False, text)))
    for meal in (meal for guest in guests for meal in plan.breaks_of(guest)):
        if meal.day == date and utc(meal.start) < high and low < utc(meal.end):
            text = named(facts, meal.guest, f"the meal break, {facts.hm(facts.minute(meal.start))}–"
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
    guests = guests_of(facts, request, plan.engagement(request.id) if plan is not None else None)
    for window in request.windows:
        touched = days_touched(facts, window)
        if not touched:
            reports.append(WindowReport(window.start, window.end, (), nowhere_note(facts, window)))
            continue
        fits = []
        for index in touched:
            mine = tuple(g for g in guests if model_day(facts, index, g) is not None)
            if not mine:
                fits.append(DayFit(facts.tour.days[index].date, "outside_hours", None, None,
                                   f"{names(facts, guests)} {'has' if len(guests) == 1 else 'have'} "
                                   "no working day then", None, "", ()))
                continue
            verdict, low, high, text = _alone(facts, request, window, index, mine)
            span = (low, high) if low is not None and high is not None else None
            room: str | None = None
            room_text = ""
            occupants: tuple[Occupant, ...] = ()
            if plan is not None:
                occupants = _occupants(facts, plan, request, window, index, span, mine)
                if span is not None and plan.engagement(request.id) is None:
                    room, room_text = _room(facts, plan, request, span, index, mine)
            fits.append(DayFit(facts.tour.days[index].date, verdict,
                               facts.moment(span[0]) if span else None,
                               facts.moment(span[1]) if span else None,
                               text, room, room_text, occupants))
        reports.append(WindowReport(window.start, window.end, tuple(fits)))
    return tuple(reports)


def _alone(facts: TourMinutes, request: Request, window: Window, index: int,
           guests: tuple[str, ...]) -> tuple[str, int | None, int | None, str]:
    """The window on tour day ``index`` alone, against each guest's own day: for a joint
    request the starts all of them can make, else the first guest's whose day it fits."""
    fits = [(guest, fit_alone(facts, request, window, index, guest)) for guest in guests]
    if guests == ("",):
        fit = fits[0][1]
        return fit.verdict, fit.low, fit.high, fit.text
    text = "; ".join(named(facts, guest, fit.text) for guest, fit in fits)
    if request.joint:
        failed = next((fit for _, fit in fits if fit.verdict != "fits"), None)
        if failed is not None:
            return failed.verdict, None, None, text
        low, high = max(fit.low for _, fit in fits), min(fit.high for _, fit in fits)
        if low > high:
            return "unreachable", None, None, text + "; no start suits them all"
        return "fits", low, high, text
    good = [fit for _, fit in fits if fit.verdict == "fits"]
    if not good:
        return fits[0][1].verdict, None, None, text
    return "fits", min(fit.low for fit in good), max(fit.high for fit in good), text


def _room(facts: TourMinutes, plan: Plan, request: Request, span: tuple[int, int], index: int,
          guests: tuple[str, ...]) -> tuple[str, str]:
    """The room in the agenda of each guest who may go: for a joint request every one of them
    needs it, for any other one of them is enough."""
    found = [(guest, *room_in_agenda(facts, plan, request, span, index, guest)) for guest in guests]
    if guests == ("",):
        return found[0][1], found[0][2]
    text = "; ".join(named(facts, guest, words) for guest, _, words in found)
    verdicts = [verdict for _, verdict, _ in found]
    if request.joint:
        return next((v for v in verdicts if v != "free"), "free"), text
    return ("free" if "free" in verdicts else verdicts[0]), text
