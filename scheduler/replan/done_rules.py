"""The rules between requests and the rest, kept across the cut: what the engagements done ask of the rest."""

from __future__ import annotations

from datetime import timedelta

from ..domain import Day, Problem, Window, utc
from .cut import DayCut

__all__ = ["done_rule_holes"]


def done_rule_holes(problem: Problem, cuts: list[DayCut]) -> dict[str, tuple[Window, ...]]:
    """Request id → spans its engagement must not touch, so that the rules hold with those done.

    The remaining problem leaves out what is done or under way, so its model cannot see it:
    a ``before`` rule whose ``then`` is done takes every ``first`` not yet done out of the
    tour; an ``apart`` rule keeps its other requests off the day of one done; a ``gap`` rule
    keeps them from its start to its end plus the minutes; the rest keeps every request off
    the start of the next days until the rest after a day's last engagement is over.

    Parameters
    ----------
    problem
        The whole problem (with the changes applied).
    cuts
        The tour's days cut at the re-plan's moment.

    Returns
    -------
    dict
        The spans to cut out of each request's windows (empty when no rule is touched).
    """
    done = {e.request_id: (cut, e) for cut in cuts for e in cut.engagements}
    holes: dict[str, list[Window]] = {}
    whole_tour = Window(min((d for g in problem.tour.guest_ids or ("",) for d in problem.tour.days_of(g)),
                            key=lambda d: utc(d.start)).start,
                        max((d for g in problem.tour.guest_ids or ("",) for d in problem.tour.days_of(g)),
                            key=lambda d: utc(d.end)).end)

    def cut_out(request_id: str, span: Window) -> None:
        if request_id not in done:
            holes.setdefault(request_id, []).append(span)

    for rule in problem.rules:
        if rule.kind == "before":
            if any(then in done for then in rule.then):
                for first in rule.first:
                    cut_out(first, whole_tour)
            continue
        for member in rule.requests:
            if member not in done:
                continue
            cut, engagement = done[member]
            if rule.kind == "apart":
                span = _date_span(problem, cut.day)
            else:
                span = Window(engagement.start, engagement.end + timedelta(minutes=rule.minutes))
            for other in rule.requests:
                cut_out(other, span)
    rest = timedelta(minutes=problem.tour.min_rest_minutes)
    if rest:
        for cut in cuts:
            if not cut.engagements:
                continue
            last_end = max(utc(e.end) for e in cut.engagements)
            for later in problem.tour.days_of(cut.guest)[cut.index + 1:]:
                if utc(later.start) < last_end + rest:
                    span = Window(later.start, min(utc(later.end), last_end + rest))
                    for request in problem.requests:
                        # In a delegation the rest is the member's: it keeps off what they surely attend.
                        if not cut.guest or (cut.guest in request.guests and not request.guests_any):
                            cut_out(request.id, span)
    return {request_id: tuple(spans) for request_id, spans in holes.items()}


def _date_span(problem: Problem, day: Day) -> Window:
    """The hours of ``day``'s date: across a delegation, from the first member's start to the
    last one's end (``apart`` allows one of its requests per date, whoever attends)."""
    days = [d for guest in problem.tour.guest_ids or ("",) for d in problem.tour.days_of(guest)
            if d.date == day.date] or [day]
    return Window(min(days, key=lambda d: utc(d.start)).start, max(days, key=lambda d: utc(d.end)).end)
