"""The calibration of the heuristic's budget: benchmarks/calibrate.py and benchmarks/work_weights.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` lives at the repository root, beside `scheduler`
    sys.path.insert(0, str(ROOT))

DATA = Path(__file__).parent / "data" / "toptw"



def test_calibration_suggests_the_work_that_makes_the_median_nominal_second_one_wall_second():
    from benchmarks.calibrate import suggested_work_per_second

    # A nominal second of 19 million operations lasting a median 0.87 s: 21.8 million make 1 s.
    assert suggested_work_per_second(19_000_000, [0.75, 0.87, 0.91]) == 21_800_000
    assert suggested_work_per_second(21_500_000, [1.0]) == 21_500_000
    assert suggested_work_per_second(20_000_000, [2.0, 2.0, 0.5]) == 10_000_000  # median, not mean
    with pytest.raises(ValueError):
        suggested_work_per_second(20_000_000, [])


def test_calibration_runs_the_heuristic_and_reports_each_kind_of_day():
    """A real (tiny) run on route days and on a generated tour with a timeline: every run is
    measured, the table has a row each and the summary the medians and the suggestion."""
    from benchmarks import calibrate

    measures = calibrate.measure(DATA, 0.02, 1, route_runs=[("c101", 1), ("r101", 2)], tour_runs=["r20-d1"])
    assert [(m.run, m.kind) for m in measures] == [("c101 m=1", "route"), ("r101 m=2", "route"),
                                                   ("r20-d1", "timeline")]
    assert all(m.wall > 0 and m.iterations > 0 for m in measures)
    text = calibrate.report(measures, 21_500_000)
    assert text.count("\n| ") == 4  # header rule and three rows after the header
    assert "- route days: a nominal second lasts a median" in text and "2 runs" in text
    assert "- timeline days:" in text and "1 run)" in text
    assert "WORK_PER_SECOND is 21,500,000; a median of one wall second would take" in text


def test_calibration_refuses_a_folder_without_the_instances(tmp_path, capsys):
    from benchmarks import calibrate

    assert calibrate.main([str(tmp_path), "--no-tours"]) == 2
    assert "lacks c101.txt" in capsys.readouterr().err


def test_calibration_suggests_for_a_target_of_cpu_seconds():
    from benchmarks.calibrate import suggested_work_per_second

    # A nominal second lasting 0.6 s: 0.9 s takes one and a half times the work.
    assert suggested_work_per_second(20_000_000, [0.6], 0.9) == 30_000_000


def test_calibration_reports_each_set_in_cpu_seconds_and_the_route_bound(tmp_path):
    """Runs of another set are named by their set; the route bound from each agenda is timed
    on its label work, and its constant gets a suggestion of its own."""
    from benchmarks import calibrate

    measures = calibrate.measure(DATA, 0.02, 1, route_runs=[("c101", 1)], tour_runs=[],
                                 other_sets=[("solomon200", DATA, [("r101", 2)])], route_bound=True)
    assert [(m.set, m.run, m.kind) for m in measures] == [
        ("solomon", "c101 m=1", "route"), ("solomon", "c101 m=1", "route bound"),
        ("solomon200", "r101 m=2", "route"), ("solomon200", "r101 m=2", "route bound")]
    assert all(m.cpu > 0 for m in measures)
    text = calibrate.report(measures, 21_500_000, 1_000_000)
    assert "- solomon: a nominal second lasts a median of" in text
    assert "- solomon200: a nominal second lasts a median of" in text and "s of CPU and" in text
    assert "- route bound, solomon200: a nominal second lasts a median of" in text
    assert "- LABEL_WORK_PER_SECOND is 1,000,000; a median of 0.9 CPU s would take" in text


def test_calibration_takes_the_instances_of_one_part_of_a_set():
    from benchmarks.calibrate import split_runs
    from benchmarks.sweep import split_of

    runs = split_runs(DATA, "held-out", [1, 3])
    names = sorted({name for name, _ in runs})
    assert names and all(split_of(name) == "held-out" for name in names)
    assert runs == [(name, m) for name in names for m in (1, 3)]


@pytest.mark.parametrize("string", [0.0, 0.5])
def test_counted_operations_add_up_to_the_work_charged(string):
    """The counting search repeats the search (same work, same iterations) and knows every
    place that charges work, the string removal's too: its counts at today's weights are the
    annealing's work."""
    from benchmarks.instances import read_instance
    from benchmarks.to_domain import instance_to_problem
    from benchmarks.work_weights import charged, run_heuristic
    from scheduler.model.instance import build_instance

    instance = build_instance(instance_to_problem(read_instance(DATA / "r101.txt"), 2))
    timed = run_heuristic(instance, 300_000, counting=False, string=string)
    counted = run_heuristic(instance, 300_000, counting=True, string=string)
    assert (counted["work"], counted["iterations"]) == (timed["work"], timed["iterations"])
    assert not [kind for kind in counted["counts"] if kind.startswith("other")]
    assert ("string_ruin" in counted["counts"]) == bool(string)
    weights = charged({})
    work = sum(count * weights.get(kind, 0) for kind, count in counted["counts"].items())
    assert work == pytest.approx(counted["work"] - counted["construction_work"], rel=0.01)


def test_the_weights_fit_is_non_negative_least_squares():
    import numpy as np

    from benchmarks.work_weights import nnls

    matrix = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert nnls(matrix, np.array([2.0, 1.0, 3.0])) == pytest.approx([2.0, 1.0])
    assert nnls(matrix, np.array([2.0, -1.0, 1.0])) == pytest.approx([1.5, 0.0])
