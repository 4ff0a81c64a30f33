"""Measures the route relaxation's bound (``scheduler.model.bound``) on generated tours.

Usage::

    python benchmarks/proofs.py [--preset NAME ...] [--seed N ...] [--seconds S] [--engine]

For each preset and seed the tour is generated (:mod:`benchmarks.generate`), turned into the
engine's integers, the heuristic runs on the share of the preset's limit it has in a solve,
then column generation runs from its agenda for ``--seconds`` of wall clock (its work budget
set far beyond). One line per exact pricing round is printed as it ends (the bound at that
point), then a summary row: the agenda's objective, the best bound of an exact round, the
master's last value, whether it converged, rounds, work and seconds. ``--engine`` also runs the
whole solve with the preset's limit and prints CP-SAT's bound beside it.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tours import PRESETS, load_generated  # noqa: E402


def measure(preset, seed: int, seconds: float, engine: bool) -> dict:
    """One preset and seed: the heuristic's agenda, the route bound and (``engine``) the solve."""
    from scheduler.model.bound import plan_routes, route_bound
    from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic
    from scheduler.model.instance import build_instance
    from scheduler.solve import HEURISTIC_SHARE, HEURISTIC_SHARE_LARGE, LARGE_MODEL, SolveParams, \
        model_size, solve

    problem, _ = load_generated(preset, seed)
    instance = build_instance(problem)
    share = HEURISTIC_SHARE_LARGE if model_size(instance) > LARGE_MODEL else HEURISTIC_SHARE
    started = time.perf_counter()
    found = solve_heuristic(instance, seed=seed, work=int(share * preset.time_limit * WORK_PER_SECOND))
    heuristic_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = route_bound(instance, work=10**12, routes=plan_routes(found.days),
                         out_of_time=lambda: time.perf_counter() - started > seconds)
    row = {"preset": preset.name, "seed": seed, "agenda": found.objective,
           "heuristic s": round(heuristic_seconds, 1), "route bound": result.bound,
           "master": round(result.relaxation or 0), "converged": result.converged,
           "rounds": result.rounds, "work": result.work,
           "bound s": round(time.perf_counter() - started, 1)}
    if result.bound:
        row["gap"] = f"{(result.bound - found.objective) / found.objective:.2%}"
    if engine:
        solved = solve(problem, SolveParams(time_limit=preset.time_limit, seed=seed))
        row.update({"engine objective": solved.objective, "cp-sat bound": solved.bound,
                    "engine gap": f"{solved.gap:.2%}" if solved.gap is not None else None})
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", action="append", choices=[p.name for p in PRESETS])
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--engine", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)8.0f ms %(message)s")
    logging.getLogger("scheduler.model.heuristic").setLevel(logging.WARNING)
    names = args.preset or ["r60-d7", "r120-d7", "r300-d14"]
    for name in names:
        preset = next(p for p in PRESETS if p.name == name)
        for seed in args.seed or [1]:
            print(measure(preset, seed, args.seconds, args.engine), flush=True)


if __name__ == "__main__":
    main()
