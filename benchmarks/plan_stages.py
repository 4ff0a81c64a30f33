"""Wall and CPU seconds of each stage of `scheduler plan` on one tour folder: imports, reading,
solve, plan.json and each export, in the order the command runs them.

Usage::

    python benchmarks/plan_stages.py TOUR_DIR --time-limit S [--load]

Prints one line of ``stage=seconds`` (wall clock), one of ``stage=seconds`` of this process's
CPU time, and the peak memory of this process. The files are written with the garbage
collector paced as ``scheduler plan`` paces it (``scheduler.gc_pacing``). ``--load`` keeps
one core busy meanwhile, as in ``benchmarks/time_limit.py``. The files are written into a
temporary folder and removed.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()
STARTED_CPU = time.process_time()

import argparse  # noqa: E402  (the imports are the first stage measured)
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Sequence  # noqa: E402

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.time_limit import _SPIN  # noqa: E402
from scheduler.export import DEFAULT_OUTPUTS, write_format  # noqa: E402
from scheduler.gc_pacing import rare_collections  # noqa: E402
from scheduler.io import load_tour  # noqa: E402
from scheduler.planfile import write_plan  # noqa: E402
from scheduler.solve import SolveParams, solve  # noqa: E402


def stages(tour: Path, limit: float) -> tuple[dict[str, float], dict[str, float]]:
    """Wall and CPU seconds of each stage, the imports of this module first."""
    seconds = {"imports": time.perf_counter() - STARTED}
    cpu = {"imports": time.process_time() - STARTED_CPU}

    def timed(name, work):
        clock, cpu_clock = time.perf_counter(), time.process_time()
        value = work()
        seconds[name] = time.perf_counter() - clock
        cpu[name] = time.process_time() - cpu_clock
        return value

    problem = timed("load_tour", lambda: load_tour(tour))
    plan = timed("solve", lambda: solve(problem, SolveParams(time_limit=limit)).plan)
    with tempfile.TemporaryDirectory() as out, rare_collections():
        timed("plan.json", lambda: write_plan(plan, Path(out) / "plan.json"))
        for fmt, audience in DEFAULT_OUTPUTS:
            timed(f"{fmt}-{audience}", lambda: write_format(plan, Path(out), fmt, audience=audience))
    seconds["total"] = time.perf_counter() - STARTED
    cpu["total"] = time.process_time() - STARTED_CPU
    return seconds, cpu


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="benchmarks/plan_stages.py", description=__doc__.splitlines()[0])
    parser.add_argument("tour", type=Path, help="a tour folder")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--load", action="store_true", help="keep one core busy meanwhile")
    args = parser.parse_args(argv)
    spinner = subprocess.Popen([sys.executable, "-c", _SPIN]) if args.load else None
    try:
        seconds, cpu = stages(args.tour, args.time_limit)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print("wall:", " ".join(f"{name}={value:.2f}" for name, value in seconds.items()), flush=True)
    print("cpu:", " ".join(f"{name}={value:.2f}" for name, value in cpu.items()), f"peak={peak}MiB",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
