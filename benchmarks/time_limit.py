"""Measures the time-limit promise: how long `scheduler plan` and its solve take against
``limit + max(0.5 s, 5 %)``, idle or with another process keeping a core busy.

Usage::

    python benchmarks/time_limit.py TOUR_OR_INSTANCE [...] --time-limit S [--load] [--runs N]
        [--tours M] [--json]

A tour folder is planned with the whole `scheduler plan` command (in a child process, so that
its peak memory is its own: ``resource.getrusage(RUSAGE_CHILDREN)``); a Solomon file (``.txt``)
is solved with ``scheduler.solve`` on ``--tours`` days. ``--load`` starts a process that spins
on one core for as long as the runs last (it is stopped after them, and after
``LOAD_SECONDS_MAX`` at the latest, whatever happens). Each run prints the wall seconds, the
solve's own seconds, the promise, whether it was kept, what stopped the solve (budget or
clock), and the peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent

#: The busy process never runs longer than this, even if this script is killed.
LOAD_SECONDS_MAX = 900

_SPIN = f"import time\nend = time.monotonic() + {LOAD_SECONDS_MAX}\nwhile time.monotonic() < end:\n    pass\n"

_SOLVE_INSTANCE = """
import json, sys, time
from benchmarks.instances import read_instance
from benchmarks.to_domain import instance_to_problem
from scheduler.solve import SolveParams, solve
problem = instance_to_problem(read_instance(sys.argv[1]), int(sys.argv[2]))
started = time.perf_counter()
result = solve(problem, SolveParams(time_limit=float(sys.argv[3]), seed=0, workers=2))
print(json.dumps({"solve_seconds": time.perf_counter() - started,
                  "stopped_by": result.plan.solver.stopped_by, "status": result.status,
                  "value": result.value_served}))
"""


def promised(limit: float) -> float:
    """``limit + max(0.5 s, 5 %)``, as in ``scheduler.solve.promised_seconds``."""
    return limit + max(0.5, 0.05 * limit)


def run_once(target: Path, limit: float, tours: int) -> dict[str, Any]:
    """One run in a child process: wall seconds, the solve's seconds, what stopped it, peak MiB."""
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    if target.is_dir():
        with tempfile.TemporaryDirectory() as out:
            done = subprocess.run([sys.executable, "-m", "scheduler.cli", "plan", str(target), "-o",
                                   out, "--time-limit", str(limit), "--json"],
                                  capture_output=True, text=True, env=environment, check=False)
            wall = time.perf_counter() - started
            data = json.loads(done.stdout) if done.returncode == 0 else {}
            solve_seconds = data.get("seconds")
            stopped_by = data.get("stopped_by")
            plan_bytes = (Path(out) / "plan.json").stat().st_size if done.returncode == 0 else None
    else:
        done = subprocess.run([sys.executable, "-c", _SOLVE_INSTANCE, str(target), str(tours), str(limit)],
                              capture_output=True, text=True, env=environment, check=False)
        wall = time.perf_counter() - started
        data = json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 else {}
        solve_seconds, stopped_by, plan_bytes = data.get("solve_seconds"), data.get("stopped_by"), None
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    row = {"target": target.name, "limit": limit, "wall_seconds": round(wall, 2),
           "solve_seconds": round(solve_seconds, 2) if solve_seconds is not None else None,
           "promise": promised(limit), "stopped_by": stopped_by,
           # ru_maxrss of children is the largest child so far: only a new peak is this run's.
           "peak_mib": round(peak / 1024) if peak > before else None,
           "plan_mib": round(plan_bytes / 2**20, 1) if plan_bytes else None}
    row["kept"] = solve_seconds is not None and solve_seconds <= row["promise"]
    if done.returncode != 0:
        row["error"] = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
    return row


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="benchmarks/time_limit.py", description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", type=Path, help="tour folders or Solomon instance files")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--tours", type=int, default=4, help="days for an instance file (default 4)")
    parser.add_argument("--runs", type=int, default=1, help="runs per target (default 1)")
    parser.add_argument("--load", action="store_true", help="keep one core busy meanwhile")
    parser.add_argument("--json", action="store_true", help="one JSON object per run")
    args = parser.parse_args(argv)
    spinner = subprocess.Popen([sys.executable, "-c", _SPIN]) if args.load else None
    try:
        for target in args.targets:
            for _ in range(args.runs):
                row = run_once(target, args.time_limit, args.tours)
                row["load"] = bool(args.load)
                if args.json:
                    print(json.dumps(row), flush=True)
                else:
                    print(f"{row['target']}: limit {row['limit']:g} s, solve {row['solve_seconds']} s "
                          f"(promise {row['promise']:g} s, {'kept' if row['kept'] else 'BROKEN'}), "
                          f"stopped by {row['stopped_by']}, whole command {row['wall_seconds']} s, "
                          f"peak {row['peak_mib']} MiB, plan {row['plan_mib']} MiB"
                          f"{', load' if args.load else ''}", flush=True)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
