"""The hot paths' shortcuts against the plain computations they stand for: the quick scoring
of a route day's options, the early ends of a day's times."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from builders import DAY, day, next_day, problem, request, window
from scheduler.domain import Objective
from scheduler.model.heuristic.construction import construct
from scheduler.model.instance import build_instance
from test_heuristic_interday import random_agenda, serve_days

PLACES = ("H", "A", "B", "C", "D")
#: Scoring rules (a, b) of the search, and one it does not use (a 1.5 falls to the power).
RULES = ((2.0, 1.0), (1.0, 1.0), (1.0, 0.0), (2.0, 0.0), (1.5, 1.0))


def _tour(seed: int, step: int, balance: int):
    """Route days of up to eight engagements, windows on some days, uneven travel, set-up
    times and a buffer; starts on a ``step``-minute grid; no travel weight."""
    rand = random.Random(seed)
    dates = [next_day(DAY, k) for k in range(3)]
    travel = {(a, b): rand.randrange(0, 40) for a in PLACES for b in PLACES if a < b}
    requests = []
    for i in range(22):
        opens = rand.randrange(9 * 60, 16 * 60, 5)
        closes = min(opens + rand.choice([30, 60, 120, 240, 480]), 20 * 60)
        on = rand.sample(dates, rand.randint(1, 3))
        windows = [window(f"{opens // 60:02d}:{opens % 60:02d}",
                          f"{closes // 60:02d}:{closes % 60:02d}", date) for date in on]
        requests.append(request(f"r{i}", windows, duration=rand.choice([15, 20, 30, 45]),
                                value=rand.randrange(1, 30), place=rand.choice(PLACES[1:]),
                                setup_minutes=rand.choice([0, 0, 5])))
    tour = problem(requests, days=[day(date, "09:00", "20:00") for date in dates],
                   travel=travel, places=PLACES, cap=8, buffer=rand.choice([0, 5]),
                   objective=Objective(1, 0, 0, balance_weight=balance))
    return dataclasses.replace(tour, tour=dataclasses.replace(tour.tour, time_step_minutes=step))


@pytest.mark.parametrize("step", [1, 5, 15])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_quick_scoring_gives_every_row_the_score_and_position_of_every_cell_scored(seed, step):
    """On many random routes, every scoring rule and with or without a balance weight, the
    quick scoring leaves the same score and the same position in every row as scoring every
    (position, row) cell and taking the first best."""
    rand = random.Random(seed)
    compared = found = 0
    for balance in (0, 3):
        search = construct(build_instance(_tour(seed, step, balance)), {}, {}, None, None, seed)
        assert not any(search.timeline_day)
        assert all(rows.narrow is not None for rows in search.candidate_rows)
        for _ in range(25):
            random_agenda(search, rand, every_request=False)
            for d in range(search.day_count):
                offset, end = search.row_offsets[d], search.row_offsets[d + 1]
                for a, b in RULES:
                    search.options_cache.clear()
                    search.evaluate_day(d, a, b)
                    quick = (search.row_score[offset:end].copy(),
                             search.row_position[offset:end].copy())
                    narrow, search.candidate_rows[d].narrow = search.candidate_rows[d].narrow, None
                    search.options_cache.clear()
                    search.evaluate_day(d, a, b)
                    search.candidate_rows[d].narrow = narrow
                    assert np.array_equal(quick[0], search.row_score[offset:end])
                    assert np.array_equal(quick[1], search.row_position[offset:end])
                    compared += 1
                    found += int(np.isfinite(quick[0]).sum())
    assert compared > 500 and found > 1000, (compared, found)


def test_times_too_large_for_int32_keep_the_scoring_of_every_cell():
    """Days hours long in minutes far from zero would overflow the narrow arrays' keys: the
    days keep the scoring of every cell (no narrow rows)."""
    search = construct(build_instance(_tour(1, 1, 0)), {}, {}, None, None, 1)
    search.days = [dataclasses.replace(day, start=day.start + 2 ** 28, end=day.end + 2 ** 28)
                   for day in search.days]
    for rows in search.candidate_rows:
        rows.narrow = None
    search.narrow_rows()
    assert all(rows.narrow is None for rows in search.candidate_rows)


@pytest.mark.parametrize("step", [1, 5])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_days_times_from_its_cached_route_are_those_computed_from_nothing(seed, step):
    """Earliest and latest starts of a changed route (an engagement inserted, removed, moved,
    or two swapped), from the day's cached times with the walks that stop early, are those
    computed from an empty cache; and a route that does not fit is refused by both. An
    insertion or a removal gives them again when its position is told (``changed_at``)."""
    rand = random.Random(seed)
    search = construct(build_instance(_tour(seed, step, 0)), {}, {}, None, None, seed)
    compared = refused = 0
    for _ in range(40):
        random_agenda(search, rand, every_request=False)
        for d in range(search.day_count):
            route = search.route[d]
            others = [r for r in range(search.request_count)
                      if search.start_ranges[d][r] is not None and r not in route]
            for _ in range(15):
                trial = list(route)
                kind = rand.randrange(4)
                at = None
                if kind == 0 and others:
                    at = rand.randint(0, len(trial))
                    trial.insert(at, rand.choice(others))
                elif kind == 1 and trial:
                    at = rand.randrange(len(trial))
                    del trial[at]
                elif kind == 2 and len(trial) > 1:
                    moving = trial.pop(rand.randrange(len(trial)))
                    trial.insert(rand.randint(0, len(trial)), moving)
                elif len(trial) > 1:
                    i, j = rand.sample(range(len(trial)), 2)
                    trial[i], trial[j] = trial[j], trial[i]
                kept = search.route_times(d, trial)
                told = search.route_times(d, trial, at)
                cached = search.route[d], search.earliest[d], search.latest[d]
                search.route[d], search.earliest[d], search.latest[d] = [], [], []
                plain = search.route_times(d, trial)
                search.route[d], search.earliest[d], search.latest[d] = cached
                assert kept == plain and told == plain
                compared += 1
                refused += plain is None
    assert compared > 1000 and 50 < refused < compared - 500, (compared, refused)


def _cell_keys(search, d: int) -> list[int | None]:
    """Per in-person row of route day ``d``, the least ``shift × positions + position`` over
    the positions where it fits (``None``: it fits nowhere), cell by cell in Python ints
    from the wide (int64) positions and rows."""
    rows = search.candidate_rows[d]
    free_from, place_before, place_after, arrive_by, direct_arrival, _ = \
        [column.tolist() for column in search.route_positions(d)]
    positions = len(free_from)
    keys = []
    for row in range(rows.in_person_count):
        best = None
        for position in range(positions):
            start = max(free_from[position] + int(rows.travel_in[place_before[position], row])
                        + int(rows.setup[row]), int(rows.range_start[row]))
            step = int(rows.step[row])
            start = -(-start // step) * step
            finish = start + int(rows.duration_and_buffer[row]) \
                + int(rows.travel_out[place_after[position], row])
            if start > rows.range_end[row] or finish > arrive_by[position]:
                continue
            key = max(finish - direct_arrival[position], 1) * positions + position
            best = key if best is None else min(best, key)
        keys.append(best)
    return keys


@pytest.mark.parametrize("step", [1, 5])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_least_keys_are_those_of_every_cell_and_mark_the_rows_that_fit_nowhere(seed, step):
    """The quick scoring's keys (int32 cells, a cell that does not fit marked by the sign of
    two differences, read unsigned) are, row by row, the least key of the cells that fit
    computed one by one in Python; a row that fits nowhere has a key of UNFIT or more."""
    from scheduler.model.heuristic.routes import UNFIT
    rand = random.Random(seed)
    search = construct(build_instance(_tour(seed, step, 0)), {}, {}, None, None, seed)
    compared = fitting = 0
    for _ in range(20):
        random_agenda(search, rand, every_request=False)
        for d in range(search.day_count):
            least = search.least_key(d, len(search.route[d]) + 1).tolist()
            for key, plain in zip(least, _cell_keys(search, d)):
                if plain is None:
                    assert key >= UNFIT
                else:
                    assert key == plain
                    fitting += 1
                compared += 1
    assert compared > 500 and fitting > 200, (compared, fitting)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_routes_narrow_positions_are_its_wide_ones(seed):
    """The int32 columns of a route's insertion positions (one flat list converted once) are
    the int64 ones, the latest arrival before the end place aside (``NARROW_LIMIT``)."""
    from scheduler.model.heuristic.routes import NARROW_LIMIT, NO_LIMIT
    rand = random.Random(seed)
    search = construct(build_instance(_tour(seed, 5, 0)), {}, {}, None, None, seed)
    for _ in range(30):
        random_agenda(search, rand, every_request=False)
        for d in range(search.day_count):
            narrow = search.route_positions(d, narrow=True)
            wide = search.route_positions(d)
            assert all(column.dtype == np.int32 for column in narrow)
            for narrow_column, wide_column in zip(narrow, wide):
                assert narrow_column[:-1].tolist() == wide_column[:-1].tolist()
            assert [column[-1] for column in narrow[:3]] + [narrow[4][-1]] == \
                [column[-1] for column in wide[:3]] + [wide[4][-1]]
            assert narrow[3][-1] == NARROW_LIMIT and wide[3][-1] == NO_LIMIT


def _related_order(search, seed_request: int, served: list[int]) -> list[int]:
    """The related ruin's order written as it was: a key function per request."""
    starts = search.route_starts()
    seed_start, seed_day = starts.get(seed_request, 0), search.day_of[seed_request]
    travel, place = search.travel, search.place

    def relatedness(r: int) -> float:
        place_r, place_seed = place[r], place[seed_request]
        distance = (travel[place_r][place_seed] + travel[place_seed][place_r]) \
            if place_r >= 0 and place_seed >= 0 else 0
        return distance + 0.5 * abs(starts.get(r, 0) - seed_start) + \
            (0 if search.day_of[r] == seed_day else 60)

    return sorted(served, key=lambda r: (relatedness(r), r))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_related_ruin_takes_out_the_requests_its_key_function_ranked_first(seed):
    """The related ruin, its relatedness written inline, removes the first ``count``
    requests of the order the key function gave (each that may go)."""
    rand = random.Random(seed)
    search = construct(build_instance(_tour(seed, 5, 0)), {}, {}, None, None, seed)
    removed = 0
    for _ in range(30):
        for d in range(search.day_count):  # random_agenda fills the days from empty
            search.items[d] = []
            assert search.refresh_day(d)
        random_agenda(search, rand, every_request=False)
        serve_days(search)
        served = search.removable()
        if not served:
            continue
        count = rand.randint(1, len(served))
        seed_request = random.Random()
        seed_request.setstate(search.random.getstate())
        expected = _related_order(search, seed_request.choice(served), served)[:count]
        search.ruin(count, kind=2, served=served)
        gone = [r for r in served if search.day_of[r] < 0]
        assert set(gone) <= set(expected) and len(gone) >= len(expected) // 2
        removed += len(gone)
    assert removed > 30, removed
