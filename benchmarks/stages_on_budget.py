"""What each stage of a solve gives when every stage ends on its work budget, whatever the load.

Usage::

    python benchmarks/stages_on_budget.py RUNS.jsonl FILE:TOURS|preset:NAME... [--time-limit S]

Each target (``g300r.txt:2`` or ``preset:r300-d14``, as in ``benchmarks/solve_phases.py``) is
solved with a clock ten times slow whose limit lies a hundred limits away: no deadline stops a
stage, so each ends on its own work budget as on a quiet machine, and the answer repeats
whatever the load (the wall seconds do not mean anything). One JSON object a line goes to
``RUNS.jsonl``: the model's size and candidates a day, the heuristic's objective, the route
bound's outcome, and the solve's objective, bound, status and phases.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def far_clock() -> Iterator[None]:
    """Inside the block, every solve's clock runs ten times slow with its limit a hundred
    limits away: no deadline stops a stage (nor the heuristic's worker processes, which get
    the same far moment), so each ends on its own work budget, as on a quiet machine."""
    import scheduler.solve as solve_module

    class FarClock(solve_module.SolveClock):
        def __init__(self, time_limit: float) -> None:
            origin = time.monotonic()
            super().__init__(time_limit, lambda: origin + (time.monotonic() - origin) / 10)
            self.end = self.solver_end = self.started + 100 * self.limit

    saved, solve_module.SolveClock = solve_module.SolveClock, FarClock
    try:
        yield
    finally:
        solve_module.SolveClock = saved


def run_once(target: str, limit: float) -> dict[str, Any]:
    """Solve ``target`` with no deadline in reach; what each stage gave."""
    import scheduler.solve as solve_module
    from benchmarks.solve_phases import load_problem
    from scheduler.model.instance import build_instance

    lines = _Lines()
    for name in ("scheduler.solve", "scheduler.solve_route_bound"):
        logging.getLogger(name).setLevel(logging.INFO)
        logging.getLogger(name).addHandler(lines)
    with far_clock():
        problem = load_problem(target)
        instance = build_instance(problem)
        result = solve_module.solve(problem, solve_module.SolveParams(time_limit=limit, seed=0,
                                                                      workers=2))
    heuristic = next((line for line in lines.lines if line.startswith("heuristic:")), None)
    return {"target": target, "time_limit": limit, "size": solve_module.model_size(instance),
            "candidates": [len(instance.candidates(day.index)) for day in instance.days],
            "heuristic": heuristic and int(heuristic.split("objective ")[1].split(",")[0]),
            "route_bound": next((line for line in lines.lines
                                 if line.startswith("route bound:")), None),
            "objective": result.objective, "bound": result.bound, "status": result.status,
            "load": round(os.getloadavg()[0], 2), "phases": [p.name for p in result.phases]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("targets", nargs="+", help="FILE:TOURS or preset:NAME")
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args(argv)
    for target in args.targets:
        run = run_once(target, args.time_limit)
        with args.jsonl.open("a") as runs:
            runs.write(json.dumps(run) + "\n")
        print(json.dumps(run), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
