"""The first agenda: pinned requests, then the given or previous agenda, then greedy insertion
(joint meetings first, mandatory ones before the others)."""

from __future__ import annotations

from typing import Mapping

from ..instance import Instance
from .clock import NO_DEADLINE, Deadline
from .state import SearchState


def construct(instance: Instance, pinned: Mapping[str, tuple[int, int]],
              previous: Mapping[str, tuple[int, int]], change_costs,
              initial: Mapping[str, tuple[int, int]] | None, seed: int,
              deadline: Deadline = NO_DEADLINE) -> SearchState | None:
    """The search state with its first agenda.

    Parameters
    ----------
    instance
        The problem in integers.
    pinned, previous, initial
        Request id -> (day index, start minute): engagements that may not move, the agenda
        being re-planned, and an agenda to try first (hints).
    change_costs
        What changing ``previous`` costs (``None`` without a previous agenda).
    seed
        The seed of the search's random generators.
    deadline
        The wall clock's stop: the greedy insertion and compaction end there (pinned
        requests and the given agenda are still placed), leaving a valid agenda.

    Returns
    -------
    SearchState or None
        ``None`` when the search cannot start (a pinned engagement off its ranges or that does
        not fit, a meal that cannot fit).
    """
    search = SearchState(instance, seed, pinned, previous, change_costs)
    if not search.feasible:
        return None
    search.deadline = deadline
    # Pinned requests first, in start order; then the seed agenda.
    for request_id, (d, _) in sorted(pinned.items(), key=lambda entry: (entry[1], entry[0])):
        r = search.index_of[request_id]
        if not insert_anywhere(search, d, r):
            return None
    for source in (initial, previous):
        if not source:
            continue
        for request_id, (d, start) in sorted(source.items(), key=lambda entry: (entry[1], entry[0])):
            r = search.index_of.get(request_id)
            if r is not None and r in search.joint_members and 0 <= d < search.day_count \
                    and search.day_of[r] < 0:
                search.insert_joint(r, [search.days[d].date_index], start, force=True)
                continue
            if r is None or search.day_of[r] >= 0 or not (0 <= d < search.day_count) or \
                    search.start_ranges[d][r] is None or search.day_is_full(d):
                continue
            insert_anywhere(search, d, r)
    search.recreate(0.0)
    for d in range(search.day_count):
        search.compact_day(d)
    search.recreate(0.0)
    return search


def insert_anywhere(search: SearchState, d: int, r: int) -> bool:
    """Insert ``r`` on day ``d`` at the last position that fits (construction only); a pinned
    joint meeting at its pinned date and start."""
    if r in search.joint_members:
        return search.insert_joint(r, force=True)
    items = search.items[d]
    for position in range(len(items), -1, -1):
        items.insert(position, r)
        if search.refresh_day(d):
            search.day_of[r] = d
            search.unserved[r] = False
            return True
        items.pop(position)
    ok = search.refresh_day(d)
    assert ok
    return False
