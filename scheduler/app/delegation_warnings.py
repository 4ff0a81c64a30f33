"""What ``check`` warns of in a delegation that reads without a problem: a guest no request names,
a request its guests can never attend."""

from __future__ import annotations

from datetime import datetime

from ..domain import Problem, Request, Tour, utc


def delegation_warnings(problem: Problem) -> tuple[str, ...]:
    """A sentence for each guest no request names and each request whose windows hold no time
    when its guests work (all of them at once for a joint request, any one of them otherwise);
    ``()`` for a tour of one guest.
    """
    tour = problem.tour
    if not tour.is_delegation:
        return ()
    warnings = []
    named = {guest for request in problem.requests for guest in request.guests}
    for guest in tour.delegation:
        if guest.id not in named:
            warnings.append(f"guest `{guest.id}` ({guest.label}) goes to no request: name them in "
                            "the `guests` column of requests.csv, or leave them out of [[guests]]")
    for request in problem.requests:
        if request.guests and not _can_attend(tour, request):
            who = (" and ".join(request.guests) + " all work" if request.joint
                   else " or ".join(request.guests) + " works")
            warnings.append(f"request `{request.id}` cannot be served: its windows hold no time "
                            f"when {who}")
    return tuple(warnings)


def _can_attend(tour: Tour, request: Request) -> bool:
    """Whether some window of ``request`` shares time with the hours of its guests."""
    if request.joint:
        spans = _common_hours(tour, request.guests)
    else:
        spans = [(day.start, day.end) for guest in request.guests for day in tour.days_of(guest)]
    return any(utc(window.start) < utc(end) and utc(start) < utc(window.end)
               for window in request.windows for start, end in spans)


def _common_hours(tour: Tour, guests: tuple[str, ...]) -> list[tuple[datetime, datetime]]:
    """The hours, date by date, when every one of ``guests`` works."""
    by_date = [{day.date: day for day in tour.days_of(guest)} for guest in guests]
    spans = []
    for date in set.intersection(*(set(days) for days in by_date)):
        start = max((days[date].start for days in by_date), key=utc)
        end = min((days[date].end for days in by_date), key=utc)
        if utc(start) < utc(end):
            spans.append((start, end))
    return spans
