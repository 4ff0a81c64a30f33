"""The heuristic on long days (granular compaction) and several days: every rule kept, the
same agenda for the same seed."""

from __future__ import annotations


import pytest

from conftest import solomon_problem
from scheduler.model.heuristic import compaction
from scheduler.model.heuristic.construction import construct
from scheduler.model.instance import build_instance
from test_heuristic import heuristic_checked





def _long_day(seed: int):
    """One day of 36 short requests at eight places, open all day: a route of 20 or more."""
    import random

    from builders import day, problem, request, window

    rand = random.Random(seed)
    places = ("H",) + tuple("ABCDEFGH")
    travel = {(a, b): rand.randrange(3, 30) for a in places for b in places if a < b}
    reqs = [request(f"r{i}", [window("08:00", "20:00") if i % 3 else
                              window(f"{9 + i % 9}:00", f"{11 + i % 9}:00")],
                    place=rand.choice(places[1:]), duration=rand.choice([10, 15, 20]),
                    value=rand.randrange(5, 30)) for i in range(36)]
    return problem(reqs, days=[day(start="08:00", end="20:00")], travel=travel, places=places,
                   cap=40)


def _granular_reference(search, d):
    """The compaction of a long day, every trial among the granular moves laid out whole."""
    items = search.items[d]
    current = search.lay_out(d, items)
    for _ in range(3):
        better = False
        for i, _j, trial in search.relocations(items):
            arrive = search.lay_out(d, trial)
            if arrive is not None and arrive < current:
                current, items[:] = arrive, trial
                better = True
                break
        if not better:
            break
    return list(items)


def test_granular_compaction_of_a_long_day_makes_the_moves_of_whole_day_checks():
    """Days longer than GRANULAR_FROM move each engagement only near its nearest ones; the
    fast check then makes exactly the moves that laying out each such trial whole makes."""
    import random

    compared = moved = 0
    for seed in (1, 2, 3, 4):
        rand = random.Random(seed)
        instance = build_instance(_long_day(seed))
        search = construct(instance, {}, {}, None, None, seed)
        items = search.items[0]
        assert len(items) > compaction.GRANULAR_FROM
        for _ in range(8):
            for _ in range(30):  # feasible swaps of neighbours: a day that is not compact
                trial = list(items)
                a = rand.randrange(len(trial) - 1)
                trial[a], trial[a + 1] = trial[a + 1], trial[a]
                if search.lay_out(0, trial) is not None:
                    items[:] = trial
            assert search.refresh_day(0)
            start = list(items)
            expected = _granular_reference(search, 0)
            items[:] = start
            assert search.refresh_day(0)
            search.compact_day(0)
            assert items == expected
            compared += 1
            moved += expected != start
    assert moved > 2, (compared, moved)


def test_granular_moves_stay_near_and_cover_the_neighbours():
    instance = build_instance(_long_day(0))
    search = construct(instance, {}, {}, None, None, 0)
    items = search.items[0]
    item = items[5]
    rest = items[:5] + items[6:]
    positions = search.near_positions(item, rest, 5)
    assert {3, 4, 5, 6, 7} <= set(positions)
    near = search.nearest_of(item)
    assert len(near) == compaction.GRANULAR_NEIGHBOURS and item not in near
    for position, other in enumerate(rest):
        if other in near:
            assert position in positions and position + 1 in positions


def test_long_days_keep_every_rule_and_repeat():
    prob = _long_day(7)
    instance = build_instance(prob)
    runs = [heuristic_checked(prob, seed=1, work=1_000_000)[1] for _ in range(2)]
    assert runs[0].placements(instance) == runs[1].placements(instance)


@pytest.mark.parametrize("islands", [1, 2])
def test_searches_on_several_days_keep_every_rule_and_repeat(islands):
    prob = solomon_problem("r101", 60, 3)
    instance = build_instance(prob)
    runs = [heuristic_checked(prob, seed=5, work=3_000_000, islands=islands)[1] for _ in range(2)]
    assert runs[0].placements(instance) == runs[1].placements(instance)
    assert runs[0].objective == runs[1].objective
