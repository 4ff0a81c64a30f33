"""The best span of a fixed day route by brute force: every departure minute, every place of
each leg among the calls and the meal around it (a test helper for the route bound's waiting)."""

from __future__ import annotations

import itertools

from scheduler.model.bound.days import IN_PERSON, MEAL, PricingDay
from scheduler.model.bound.labelling import earliest_start


def _free_after(day: PricingDay, node: int, minute: int) -> int | None:
    """When the guest is free after the call or meal ``node`` placed at its earliest."""
    if day.kind[node] == MEAL:
        start = earliest_start(day.ranges[node], False, day.step, minute)
        return None if start is None else start + day.duration[node]
    start = earliest_start(day.ranges[node], day.on_grid[node], day.step, minute + day.setup[node])
    return None if start is None else start + day.duration[node] + day.buffer


def best_span(day: PricingDay, nodes) -> int | None:
    """The least span (leaving the start place to arriving at the end place) of any schedule
    visiting ``nodes`` in this order, ``None`` when none fits."""
    nodes = list(nodes)
    travel = day.travel
    start_place, end_place = day.day.start_place, day.day.end_place
    in_person = [i for i, n in enumerate(nodes) if day.kind[n] == IN_PERSON]
    if not in_person:
        return travel[start_place][end_place]
    timeline = day.day.has_meal or any(kind != IN_PERSON for kind in day.kind)
    bounds = [-1] + in_person + [len(nodes)]
    segments = [nodes[bounds[k] + 1:bounds[k + 1]] for k in range(len(bounds) - 1)]
    places = [start_place] + [day.place[nodes[i]] for i in in_person] + [end_place]
    best = None
    for positions in itertools.product(*[range(len(s) + 1) for s in segments]):
        for departure in range(day.day.start, day.day.end + 1):
            span = _span(day, nodes, in_person, segments, places, positions, departure, timeline)
            if span is not None and (best is None or span < best):
                best = span
    return best


def _span(day, nodes, in_person, segments, places, positions, departure, timeline):
    travel = day.travel
    minute = day.day.start
    arrival = None
    for k, segment in enumerate(segments):
        length = travel[places[k]][places[k + 1]]
        for i, node in enumerate(segment + [None]):
            if i == positions[k]:
                if k == 0:
                    if minute > departure:
                        return None
                    minute = departure
                if k == len(segments) - 1 and not timeline:
                    minute = minute - day.buffer + (day.buffer + length if length else 0) \
                        if in_person else minute + length
                else:
                    minute += length
                if k == len(segments) - 1:
                    arrival = minute
            if node is None:
                break
            minute = _free_after(day, node, minute)
            if minute is None:
                return None
        if k < len(in_person):
            node = nodes[in_person[k]]
            start = earliest_start(day.ranges[node], day.on_grid[node], day.step,
                                   minute + day.setup[node])
            if start is None:
                return None
            minute = start + day.duration[node] + day.buffer
    if arrival > day.day.end:
        return None
    return arrival - departure
