"""Measures how long a nominal second of the heuristic's budget lasts on this machine.

Usage::

    python benchmarks/calibrate.py SOLOMON_FOLDER [--seconds S] [--islands N] [--no-tours] [--json]

The heuristic never looks at the clock: it counts its work in operations, and
``WORK_PER_SECOND`` of them make one nominal second (``scheduler/model/heuristic/budget.py``), so that
the same input, seed and limit give the same agenda on any machine. ``--time-limit`` still
means seconds on the clock only as long as that constant matches the machine, and the search
gets faster as it is improved: this script is how to check it.

It runs the heuristic alone, the same call as the engine makes, on ``--seconds`` nominal
seconds (default 4) for each of a fixed set of runs, one after the other:

- twelve Solomon instances with one to four tours (``ROUTE_RUNS``): days that are a route
  only, which calibrate ``WORK_PER_SECOND``;
- the generated 60- and 300-request tours of ``benchmarks/tours.py`` (seed 1): days with a
  meal and remote calls, which calibrate ``TIMELINE_WORK``, ``TIMELINE_ITEM_WORK`` and
  ``GAP_WORK`` (skipped with ``--no-tours``).

It prints the wall seconds of each nominal second, their median for each kind of day, and the
``WORK_PER_SECOND`` that would bring the median of the route runs to one wall second. Run it
on a quiet machine, and more than once: on a shared machine the numbers move by 10-20 %.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.instances import read_instance  # noqa: E402
from benchmarks.to_domain import instance_to_problem  # noqa: E402

#: (instance, tours): c, r and rc instances, one to four tours.
ROUTE_RUNS: tuple[tuple[str, int], ...] = (
    ("c101", 1), ("r101", 1), ("r105", 1),
    ("c101", 2), ("r101", 2), ("rc101", 2),
    ("c109", 3), ("r110", 3), ("rc105", 3),
    ("c105", 4), ("r109", 4), ("rc107", 4),
)
#: Presets of ``benchmarks/tours.py`` whose days have a timeline (meal, remote calls).
TOUR_RUNS: tuple[str, ...] = ("r60-d7", "r300-d14")


@dataclass(frozen=True, slots=True)
class Measure:
    """One run of the heuristic: ``wall`` seconds for ``nominal`` seconds of work."""

    run: str
    kind: str  # "route" or "timeline"
    nominal: float
    wall: float
    iterations: int

    @property
    def ratio(self) -> float:
        """Wall seconds per nominal second."""
        return self.wall / self.nominal


def suggested_work_per_second(current: int, ratios: Sequence[float]) -> int:
    """The ``WORK_PER_SECOND`` that makes a nominal second last one wall second at the median
    of ``ratios`` (wall seconds per nominal second measured with ``current``), to 100,000."""
    if not ratios:
        raise ValueError("no measurement")
    return int(round(current / statistics.median(ratios), -5))


def _measure(run: str, kind: str, instance, seconds: float, islands: int) -> Measure:
    from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic

    started = time.perf_counter()
    result = solve_heuristic(instance, seed=0, work=int(seconds * WORK_PER_SECOND), islands=islands)
    wall = time.perf_counter() - started
    return Measure(run, kind, seconds, round(wall, 3), result.iterations)


def measure(folder: Path, seconds: float, islands: int,
            route_runs: Sequence[tuple[str, int]] = ROUTE_RUNS,
            tour_runs: Sequence[str] = TOUR_RUNS) -> list[Measure]:
    """Every run, one after the other (instances are built before the clock starts)."""
    from benchmarks.tours import PRESETS, load_generated
    from scheduler.model.instance import build_instance

    measures = []
    for name, m in route_runs:
        instance = build_instance(instance_to_problem(read_instance(folder / f"{name}.txt"), m))
        measures.append(_measure(f"{name} m={m}", "route", instance, seconds, islands))
    presets = {p.name: p for p in PRESETS}
    for name in tour_runs:
        problem, _ = load_generated(presets[name], 1)
        measures.append(_measure(name, "timeline", build_instance(problem), seconds, islands))
    return measures


def report(measures: Sequence[Measure], current: int) -> str:
    """A markdown table of the runs, then the median of each kind and the suggestion."""
    lines = ["| run | days | nominal s | wall s | wall s per nominal s | iterations |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {m.run} | {m.kind} | {m.nominal:g} | {m.wall:.2f} | {m.ratio:.3f} | {m.iterations} |"
              for m in measures]
    lines.append("")
    for kind in ("route", "timeline"):
        ratios = [m.ratio for m in measures if m.kind == kind]
        if ratios:
            lines.append(f"- {kind} days: a nominal second lasts a median {statistics.median(ratios):.3f} s "
                         f"of wall clock ({min(ratios):.3f}-{max(ratios):.3f}, {len(ratios)} run"
                         f"{'' if len(ratios) == 1 else 's'})")
    route = [m.ratio for m in measures if m.kind == "route"]
    if route:
        lines.append(f"- WORK_PER_SECOND is {current:,}; a median of one wall second would take "
                     f"{suggested_work_per_second(current, route):,}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of the Solomon instance files (c101.txt ...)")
    parser.add_argument("--seconds", type=float, default=4.0, help="nominal seconds per run (default 4)")
    parser.add_argument("--islands", type=int, default=1, help="heuristic searches side by side (default 1)")
    parser.add_argument("--no-tours", action="store_true", help="skip the generated tours")
    parser.add_argument("--json", action="store_true", help="one JSON object per run instead of the table")
    args = parser.parse_args(argv)
    missing = [f"{name}.txt" for name, _ in ROUTE_RUNS if not (args.folder / f"{name}.txt").is_file()]
    if missing:
        print(f"error: {args.folder} lacks {', '.join(sorted(set(missing)))}", file=sys.stderr)
        return 2
    if args.seconds <= 0 or args.islands < 1:
        print("error: --seconds must be positive and --islands at least 1", file=sys.stderr)
        return 2
    from scheduler.model.heuristic import WORK_PER_SECOND

    measures = measure(args.folder, args.seconds, args.islands, tour_runs=() if args.no_tours else TOUR_RUNS)
    if args.json:
        for m in measures:
            print(json.dumps(asdict(m) | {"ratio": round(m.ratio, 4)}))
    else:
        print(report(measures, WORK_PER_SECOND))
    return 0


if __name__ == "__main__":
    sys.exit(main())
