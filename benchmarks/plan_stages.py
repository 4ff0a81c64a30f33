"""Wall seconds of each stage of `scheduler plan` on one tour folder: imports, reading, solve,
plan.json and each export, in the order the command runs them.

Usage::

    python benchmarks/plan_stages.py TOUR_DIR --time-limit S [--load]

Prints one line of ``stage=seconds`` and the peak memory of this process. ``--load`` keeps
one core busy meanwhile, as in ``benchmarks/time_limit.py``. The files are written into a
temporary folder and removed.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

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
from scheduler.io import load_tour  # noqa: E402
from scheduler.planfile import write_plan  # noqa: E402
from scheduler.solve import SolveParams, solve  # noqa: E402


def stages(tour: Path, limit: float) -> dict[str, float]:
    """Seconds of each stage, the imports of this module first."""
    seconds = {"imports": time.perf_counter() - STARTED}
    clock = time.perf_counter()
    problem = load_tour(tour)
    seconds["load_tour"] = time.perf_counter() - clock
    clock = time.perf_counter()
    plan = solve(problem, SolveParams(time_limit=limit)).plan
    seconds["solve"] = time.perf_counter() - clock
    with tempfile.TemporaryDirectory() as out:
        clock = time.perf_counter()
        write_plan(plan, Path(out) / "plan.json")
        seconds["plan.json"] = time.perf_counter() - clock
        for fmt, audience in DEFAULT_OUTPUTS:
            clock = time.perf_counter()
            write_format(plan, Path(out), fmt, audience=audience)
            seconds[f"{fmt}-{audience}"] = time.perf_counter() - clock
    seconds["total"] = time.perf_counter() - STARTED
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="benchmarks/plan_stages.py", description=__doc__.splitlines()[0])
    parser.add_argument("tour", type=Path, help="a tour folder")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--load", action="store_true", help="keep one core busy meanwhile")
    args = parser.parse_args(argv)
    spinner = subprocess.Popen([sys.executable, "-c", _SPIN]) if args.load else None
    try:
        seconds = stages(args.tour, args.time_limit)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(" ".join(f"{name}={value:.2f}" for name, value in seconds.items()), f"peak={peak}MiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
