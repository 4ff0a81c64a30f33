"""Where a solve's time goes against its deadlines: each phase of ``scheduler.solve`` under load.

Usage::

    python benchmarks/solve_phases.py INSTANCE.txt:TOURS|preset:NAME|tour:FOLDER [...]
        [--time-limit S]
        [--load N] [--json]

A Solomon-format file is solved on ``TOURS`` days (``g300r.txt:2``); ``preset:NAME`` is a
generated tour of ``benchmarks/tours.py`` (seed 1), solved with ``--time-limit`` rather than
the preset's own limit; ``tour:FOLDER`` is a tour folder (``benchmarks/generate.py`` writes
them). ``--load N`` starts N processes that spin for as long as the runs
last (``LOAD_SECONDS_MAX`` at the latest). Each run prints its wall seconds against the
promise and ``Result.phases``: when each phase began and ended, its deadline, and whether
its work, the clock or a skip ended it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: A busy process never runs longer than this, even if this script is killed.
LOAD_SECONDS_MAX = 900

_SPIN = f"import time\nend = time.monotonic() + {LOAD_SECONDS_MAX}\nwhile time.monotonic() < end:\n    pass\n"


def load_problem(target: str) -> Any:
    """The problem named by ``target``: ``FILE:TOURS``, ``preset:NAME`` or ``tour:FOLDER``."""
    if target.startswith("tour:"):
        from scheduler.io import load_tour

        return load_tour(Path(target.removeprefix("tour:")))
    if target.startswith("preset:"):
        from benchmarks.tours import PRESETS, load_generated

        preset = next(p for p in PRESETS if p.name == target.removeprefix("preset:"))
        return load_generated(preset, 1)[0]
    from benchmarks.instances import read_instance
    from benchmarks.to_domain import instance_to_problem

    path, _, tours = target.rpartition(":")
    return instance_to_problem(read_instance(path), int(tours))


def run_once(target: str, limit: float) -> dict[str, Any]:
    """Solve ``target`` once; the wall seconds, what stopped it and its phases."""
    from scheduler.solve import SolveParams, promised_seconds, solve

    problem = load_problem(target)
    started = time.perf_counter()
    result = solve(problem, SolveParams(time_limit=limit, seed=0, workers=2))
    wall = time.perf_counter() - started
    return {"target": target, "time_limit": limit, "wall": round(wall, 3),
            "over_limit": round(wall - limit, 3), "promise_kept": wall <= promised_seconds(limit),
            "stopped_by": result.plan.solver.stopped_by, "status": result.status,
            "load": round(os.getloadavg()[0], 2),
            "phases": [dataclasses.asdict(p) for p in result.phases]}


def _text(run: dict[str, Any]) -> str:
    lines = [f"{run['target']}: {run['wall']:.2f} s for a {run['time_limit']:g} s limit "
             f"({run['over_limit']:+.2f}), promise {'kept' if run['promise_kept'] else 'missed'}, "
             f"stopped by {run['stopped_by']}, load {run['load']}"]
    for phase in run["phases"]:
        deadline = "–" if phase["deadline"] is None else f"{phase['deadline']:.2f}"
        lines.append(f"  {phase['name']:<13} {phase['started']:6.2f} → {phase['ended']:6.2f}"
                     f"  deadline {deadline:>6}  {phase['ended_by']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", help="FILE:TOURS, preset:NAME or tour:FOLDER")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--load", type=int, default=0, help="busy processes alongside")
    parser.add_argument("--json", action="store_true", help="one JSON object a run")
    args = parser.parse_args(argv)
    spinners = [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(args.load)]
    try:
        for target in args.targets:
            run = run_once(target, args.time_limit)
            print(json.dumps(run) if args.json else _text(run), flush=True)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
