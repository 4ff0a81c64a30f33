"""The heuristic's agenda at shares of a limit's work, two searches as the solve runs them.

Usage::

    python benchmarks/heuristic_share.py RUNS.jsonl SHARES SEEDS FILE:TOURS...
    python benchmarks/heuristic_share.py RUNS.jsonl 0.8,0.9 1,2,3 ../shared/toptw/solomon/r107.txt:4

Each run is ``solve_heuristic(..., work=share × 10 × WORK_PER_SECOND, islands=2)`` (the work
of a 10 s limit's share) on a Solomon-format file solved on ``TOURS`` days: stopped by its
work budget alone, so it repeats exactly whatever the machine's load. It appends one JSON
object a line to ``RUNS.jsonl`` (value, objective, work, the CPU seconds of both searches, the
load); a run already there is skipped, so an interrupted comparison resumes.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LIMIT = 10.0


def main(argv: list[str]) -> int:
    from benchmarks.instances import read_instance
    from benchmarks.to_domain import instance_to_problem
    from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic
    from scheduler.model.instance import build_instance

    out, shares, seeds, targets = Path(argv[0]), argv[1], argv[2], argv[3:]
    done = set()
    if out.exists():
        done = {(row["target"], row["share"], row["seed"])
                for row in map(json.loads, out.read_text().splitlines())}
    for target in targets:
        path, _, tours = target.rpartition(":")
        instance = build_instance(instance_to_problem(read_instance(path), int(tours)))
        for seed in (int(s) for s in seeds.split(",")):
            for share in (float(s) for s in shares.split(",")):
                if (target, share, seed) in done:
                    continue
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu, wall = time.process_time(), time.perf_counter()
                result = solve_heuristic(instance, seed=seed, islands=2,
                                         work=int(share * LIMIT * WORK_PER_SECOND))
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = time.process_time() - cpu + (after.ru_utime + after.ru_stime) \
                    - (before.ru_utime + before.ru_stime)
                row = {"target": target, "instance": Path(path).stem, "tours": int(tours),
                       "seed": seed, "share": share, "value": result.value,
                       "objective": result.objective, "work": result.work, "cpu": round(used, 2),
                       "wall": round(time.perf_counter() - wall, 2),
                       "load": round(os.getloadavg()[0], 2)}
                with out.open("a") as runs:
                    runs.write(json.dumps(row) + "\n")
                print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
