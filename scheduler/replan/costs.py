"""The price of each change to a confirmed engagement, in the objective's units."""

from __future__ import annotations

import math
from datetime import timedelta

from ..domain import Problem, utc
from ..model.cpmodel import ChangeCosts

__all__ = ["DROP_POINTS", "MOVE_DAY_POINTS", "SHIFT_POINTS", "change_costs_for"]

# Change penalties in value points before the travel guard (see change_costs_for).
SHIFT_POINTS, MOVE_DAY_POINTS, DROP_POINTS = 0.5, 5, 20


def change_costs_for(sub: Problem) -> ChangeCosts:
    """The price of each change, in objective units, for a remaining problem.

    A change costs its value points (shift 0.5, move to another day 5, drop 20, times
    ``value_weight``) plus a guard: the most that travel and the day's span could ever gain
    on a day the change touches (``(travel_weight + span_weight) ×`` the longest remaining
    day in minutes; twice that for a move, which touches two days, and for a drop, so that a
    drop always costs most). So travel and span alone never pay for a change: an engagement
    moves or drops only when the agenda then serves more value.

    Parameters
    ----------
    sub
        The problem of what remains (its days and objective weights).

    Returns
    -------
    ChangeCosts
        ``shift``, ``move_day`` and ``drop`` in objective units.
    """
    objective = sub.tour.objective
    longest = max(math.ceil((utc(d.end) - utc(d.start)) / timedelta(minutes=1)) for d in sub.tour.days)
    guard = (objective.travel_weight + objective.span_weight) * longest
    unit = objective.value_weight
    return ChangeCosts(shift=round(SHIFT_POINTS * unit) + guard,
                       move_day=round(MOVE_DAY_POINTS * unit) + 2 * guard,
                       drop=round(DROP_POINTS * unit) + 2 * guard)
