"""The cost of a column with the guest's waiting charged: its route priced alone, in order."""

from __future__ import annotations

import dataclasses
import math

from .days import IN_PERSON, MEAL, PricingDay
from .labelling import price_day


def column_cost(day: PricingDay, nodes) -> int:
    """The cost of the route visiting ``nodes`` in this order with its waiting charged: the
    best of the labels along it (one per start range of each engagement)."""
    return column_cost_and_work(day, nodes)[0]


def column_cost_and_work(day: PricingDay, nodes) -> tuple[int, int]:
    """:func:`column_cost` and the work (label extensions) it took: the route is priced on a
    copy of ``day`` where each node may only be followed by the next (with waiting charged
    when ``day`` charges it). A day with the meal whose route leaves it out gets it at its
    best place."""
    nodes = tuple(nodes)
    size = day.size
    meal = next((n for n in range(size) if day.kind[n] == MEAL), None)
    if meal is not None and meal not in nodes:
        orders = [nodes[:i] + (meal,) + nodes[i:] for i in range(len(nodes) + 1)]
    else:
        orders = [nodes]
    best = None
    work = 0
    for order in orders:
        successors = [()] * (size + 1)
        previous = size
        for node in order:
            successors[previous] = (node,)
            previous = node
        # With waiting charged the guest may leave for the first engagement before the calls
        # and the meal that come first (a departure names its destination).
        first = next((node for node in order if day.kind[node] == IN_PERSON), None)
        if day.charge_waiting and first is not None:
            for node in (size,) + tuple(order[:order.index(first) - 1]):
                successors[node] += (first,)
        path = dataclasses.replace(day, successors=tuple(successors))
        priced = price_day(path, [0.0] * size, 0.0, True, 1 << 40, routes_wanted=size + 2,
                           threshold=-math.inf, prune=False)
        work += priced.work
        for cost, route in priced.routes:
            if route == tuple(order) and (best is None or cost > best):
                best = cost
    if best is None:
        return day.route_cost(list(nodes)), work  # not a route of the day: as without waiting
    return round(best), work
