"""The rules between requests and the rest, kept across the cut: what the engagements done ask of the rest."""

from __future__ import annotations

from datetime import timedelta

from ..domain import Problem, Window, utc
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
    days = problem.tour.days
    whole_tour = Window(days[0].start, days[-1].end)

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
                span = Window(cut.day.start, cut.day.end)
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
            for later in days[cut.index + 1:]:
                if utc(later.start) < last_end + rest:
                    span = Window(later.start, min(utc(later.end), last_end + rest))
                    for request in problem.requests:
                        cut_out(request.id, span)
    return {request_id: tuple(spans) for request_id, spans in holes.items()}
