"""The sweep over sets of TOPTW instances (benchmarks/sweep.py) and the generated instances
(benchmarks/generate_toptw.py): a fixed split, resumable runs, the tables and their targets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` lives at the repository root, beside `scheduler`
    sys.path.insert(0, str(ROOT))

from benchmarks import generate_toptw, sweep  # noqa: E402
from benchmarks.instances import parse_instance  # noqa: E402
from benchmarks.route_check import check_routes  # noqa: E402

DATA = Path(__file__).parent / "data" / "toptw"


def test_split_is_fixed_by_the_name():
    """The split written in BENCHMARKS.md: these are the tuning instances of the 100 series."""
    tuned = [f"c10{i}" for i in (1, 2, 6, 7, 8, 9)] + ["r107", "r109", "rc103", "rc105", "rc106",
                                                       "rc108"]
    assert all(sweep.split_of(name) == "tune" for name in tuned)
    assert all(sweep.split_of(name) == "held-out" for name in ("c103", "r101", "rc101", "r201"))


def test_combos_follow_the_split_the_names_and_every(tmp_path):
    for name in ("c101", "c103", "r101", "r107"):
        (tmp_path / f"{name}.txt").write_text("x", encoding="utf-8")
    combos = sweep.sweep_combos([tmp_path], [1, 3], "tune")
    assert [(path.stem, m) for _, path, m in combos] == [("c101", 1), ("c101", 3), ("r107", 1),
                                                         ("r107", 3)]
    held = sweep.sweep_combos([tmp_path], [2], "held-out", only=["r101", "c101"])
    assert [path.stem for _, path, _ in held] == ["r101"]
    every = sweep.sweep_combos([tmp_path], [1], "all", every=2)
    assert [path.stem for _, path, _ in every] == ["c101", "r101"]


def _run(instance, split, tours, ours, peers, wall=9.5, stopped="budget"):
    return {"set": "solomon200", "instance": instance, "split": split, "tours": tours,
            "score": ours, "wall_seconds": wall, "stopped_by": stopped, "time_limit": 10.0,
            "load_before": 1.0, "load_after": 1.5,
            "peers": {name: {"score": score, "seconds": 10.0} for name, score in peers.items()}}


def test_report_states_the_targets_per_split(tmp_path):
    runs = [_run("c201", "tune", 2, 900, {"pyvrp": 900, "vroom": 880}),
            _run("r202", "held-out", 2, 995, {"pyvrp": 1000, "vroom": 990}, 10.4, "clock"),
            _run("r203", "held-out", 2, 1000, {"pyvrp": 999})]
    path = tmp_path / "runs.jsonl"
    path.write_text("".join(json.dumps(run) + "\n" for run in runs), encoding="utf-8")
    text = sweep.report(sweep.read_runs([path]))
    assert "### solomon200, 2 tours" in text
    assert "| r202 | held-out | 995 | 10.40 | clock | 1000 | 10.00 | 990 | 10.00 | 1000 | -0.50 |" in text
    assert "- tune: at least the best peer on 1/1 (100 %), worst 0.00 % below; target" in text
    assert "- held-out: at least the best peer on 1/2 (50 %), worst 0.50 % below; target" \
        " (95 %, never over 0.5 %) not met" in text
    assert "stopped by the clock on 1/3" in text


def test_report_takes_the_peers_from_another_file():
    ours = [_run("c201", "tune", 1, 500, {})]
    ours[0].pop("peers")
    peers = [_run("c201", "tune", 1, 0, {"pyvrp": 510})]
    text = sweep.report(ours, peers)
    assert "| c201 | tune | 500 | 9.50 | budget | 510 | 10.00 | 510 | -1.96 |" in text


def test_against_best_peer():
    assert sweep.against_best_peer(99, [100, 90]) == 1.0
    assert sweep.against_best_peer(101, [100]) == -1.0
    assert sweep.against_best_peer(5, [None]) is None


def test_generated_instances_are_repeatable_readable_and_every_customer_reachable(tmp_path):
    first = generate_toptw.generate_instance(150, "rc", seed=3)
    assert first == generate_toptw.generate_instance(150, "rc", seed=3)
    assert first != generate_toptw.generate_instance(150, "rc", seed=4)
    for layout in generate_toptw.LAYOUTS:
        instance = parse_instance(generate_toptw.generate_instance(120, layout, seed=2), "g")
        assert len(instance.customers) == 120
        for vertex in instance.customers:  # a tour to each customer alone is feasible
            check_routes(instance, 1, [[vertex.index]])
    paths = generate_toptw.write_instances(tmp_path, sizes=(100,), seed=1)
    assert [p.name for p in paths] == ["g100r.txt", "g100c.txt", "g100rc.txt"]
