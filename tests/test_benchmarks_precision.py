"""The benchmark harness at any precision: exact reading, refusal, conservative mapping, and a
route checker that reads the instance file on its own."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` lives at the repository root, beside `scheduler`
    sys.path.insert(0, str(ROOT))

from benchmarks import toptw  # noqa: E402
from benchmarks.instances import InstanceError, coarsen, read_instance  # noqa: E402
from benchmarks.route_check import (  # noqa: E402
    RouteViolation, check_routes, check_routes_in_file, check_routes_in_text,
)

DATA = Path(__file__).parent / "data" / "toptw2"
HUNDREDTHS = DATA / "hundredths.txt"  # times and travel in hundredths (Cordeau-like)
TENTHS_TIMES = DATA / "tenths_times.txt"  # times in tenths, coordinates in hundredths


def test_two_decimals_scale_by_a_hundred_exactly():
    instance = read_instance(HUNDREDTHS, 2)
    assert instance.scale == 100 and instance.decimals == 2
    assert instance.tmax == 2000
    assert (instance.vertices[1].service, instance.vertices[2].close) == (125, 1151)
    # sqrt(3^2 + 4.005^2) = 5.004000... -> 500 hundredths; sqrt(0.001^2 + 1.003^2) -> 100
    assert instance.distance(0, 1) == 500 and instance.distance(0, 4) == 100


def test_a_time_that_is_not_exact_at_the_precision_is_refused():
    with pytest.raises(InstanceError, match="not a whole number"):
        read_instance(HUNDREDTHS, 1)


def test_the_exact_checker_refuses_what_one_decimal_truncation_accepts():
    """Travel 0.99 truncated to one decimal is 0.9: arriving "at 0.9" keeps a window closing
    at 0.9; the file, read exactly at two decimals, arrives at 0.99, after it closes."""
    one_decimal = read_instance(TENTHS_TIMES, 1)
    assert check_routes(one_decimal, 1, [[1]]).score == 10
    with pytest.raises(RouteViolation, match="after the window closes"):
        check_routes_in_file(TENTHS_TIMES, 2, 1, [[1]])
    assert check_routes_in_file(TENTHS_TIMES, 2, 1, [[2]]).score == 20


def test_the_raw_checker_agrees_with_the_instance_checker_at_the_same_precision():
    text = HUNDREDTHS.read_text(encoding="utf-8")
    instance = read_instance(HUNDREDTHS, 2)
    for size in range(1, 4):
        for route in itertools.permutations(range(1, 5), size):
            try:
                expected = check_routes(instance, 1, [list(route)]).score
            except RouteViolation:
                expected = None
            try:
                got = check_routes_in_text(text, 2, 1, [list(route)]).score
            except RouteViolation:
                got = None
            assert got == expected, route


def test_coarsening_is_conservative_and_says_what_it_cost():
    """Every route feasible in tenths (travel and service rounded up, windows narrowed) is
    feasible on the exact hundredths; the mapping loses vertex 4, whose window of a hundredth
    no tenth fits."""
    exact = read_instance(HUNDREDTHS, 2)
    coarse, cost = coarsen(exact, 1)
    assert coarse.scale == 10 and cost.factor == 10
    assert cost.customers_lost == 1 and cost.legs_lengthened > 0 and 0 < cost.most_added < 10
    accepted = 0
    for size in range(1, 4):
        for route in itertools.permutations(range(1, 4), size):
            try:
                check_routes(coarse, 1, [list(route)])
            except RouteViolation:
                continue
            accepted += 1
            check_routes_in_file(HUNDREDTHS, 2, 1, [list(route)])  # never raises
    assert accepted > 0
    assert coarsen(exact, 2) == (exact, coarsen(exact, 2)[1]) and coarsen(exact, 2)[1].factor == 1
    with pytest.raises(InstanceError):
        coarsen(read_instance(TENTHS_TIMES, 1), 2)


@pytest.mark.parametrize("engine_decimals", [1, 2])
def test_the_engine_on_a_hundredths_instance_is_judged_exactly(engine_decimals):
    run = toptw.run_instance(HUNDREDTHS, 1, 1.0, 0, [], decimals=2, engine_decimals=engine_decimals)
    assert run.ours is not None and run.ours.score is not None, run.ours.error
    check_routes_in_file(HUNDREDTHS, 2, 1, run.ours.routes)
    if engine_decimals == 1:
        assert run.mapping == {"factor": 10, "legs_lengthened": 10, "most_added": 9,
                               "customers_lost": 1}
        assert 4 not in {v for route in run.ours.routes for v in route}
    else:
        assert run.mapping is None


def test_the_command_reads_the_precision_and_reports_the_mapping(capsys):
    assert toptw.main([str(HUNDREDTHS), "--tours", "1", "--time-limit", "1", "--decimals", "2",
                       "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mapping"]["customers_lost"] == 1
    assert data["stopped_by"] in ("budget", "clock")
    assert toptw.main([str(HUNDREDTHS), "--tours", "1", "--time-limit", "1"]) == 2
