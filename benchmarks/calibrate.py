"""Measures how long a nominal second of the heuristic's budget lasts on this machine.

Usage::

    python benchmarks/calibrate.py SOLOMON_FOLDER [--solomon200 FOLDER] [--generated FOLDER]
        [--split tune|held-out] [--tours 1,2,3,4] [--every N] [--seconds S] [--islands N]
        [--presets NAME[@SEED],...] [--no-tours] [--route-bound] [--json]

The heuristic never looks at the clock: it counts its work in operations, and
``WORK_PER_SECOND`` of them make one nominal second (``scheduler/model/heuristic/budget.py``), so that
the same input, seed and limit give the same agenda on any machine. ``--time-limit`` still
means seconds on the clock only as long as that constant matches the machine, and the search
gets faster as it is improved: this script is how to check it.

It runs the heuristic alone, the same call as the engine makes, on ``--seconds`` nominal
seconds (default 4) for each of a set of runs, one after the other, and times each in wall
seconds and in CPU seconds of this process (``time.process_time``; with one island, the
default, that is the heuristic's alone and hardly moves with the machine's load):

- Solomon instances (100 series): by default twelve with one to four tours (``ROUTE_RUNS``);
- with ``--solomon200`` and ``--generated``, the 200 series (long days, wide windows) and the
  instances of ``benchmarks/generate_toptw.py``: by default six runs each
  (``SOLOMON200_RUNS``, ``GENERATED_RUNS``);
- with ``--split tune`` or ``--split held-out``, instead of those fixed runs, every
  ``--every``-th instance of that part of each set (``benchmarks/sweep.py``, ``split_of``)
  with each of ``--tours``;
- the generated 60- and 300-request tours of ``benchmarks/tours.py`` (seed 1; others with
  ``--presets``, such as ``r120-d7@2`` for that preset generated with seed 2): days with a
  meal and remote calls, which exercise the timeline's weights (skipped with ``--no-tours``).

It prints each run, then per set the median CPU and wall seconds of a nominal second, and
the ``WORK_PER_SECOND`` that would bring the median of the route runs to one wall second.
The weights of each kind of operation are fitted with ``benchmarks/work_weights.py``; this
checks that a nominal second lasts about the same on every set. With ``--route-bound`` each
run also gives the route relaxation's bound ``--seconds`` nominal seconds of label work from
the heuristic's agenda, and the same is printed for ``LABEL_WORK_PER_SECOND``. Run it on a
quiet machine, and more than once: on a shared machine the wall seconds move by 10-20 %.
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

from benchmarks.instances import instance_files, read_instance  # noqa: E402
from benchmarks.sweep import split_of  # noqa: E402
from benchmarks.to_domain import instance_to_problem  # noqa: E402

#: (instance, tours): c, r and rc instances, one to four tours.
ROUTE_RUNS: tuple[tuple[str, int], ...] = (
    ("c101", 1), ("r101", 1), ("r105", 1),
    ("c101", 2), ("r101", 2), ("rc101", 2),
    ("c109", 3), ("r110", 3), ("rc105", 3),
    ("c105", 4), ("r109", 4), ("rc107", 4),
)
#: (instance, tours) of the Solomon 200 series: days of 30-60 engagements.
SOLOMON200_RUNS: tuple[tuple[str, int], ...] = (
    ("c201", 1), ("r202", 2), ("rc201", 2), ("c205", 3), ("r209", 3), ("rc205", 4),
)
#: (instance, tours) of ``benchmarks/generate_toptw.py``'s instances (100 to 300 requests).
GENERATED_RUNS: tuple[tuple[str, int], ...] = (
    ("g100rc", 1), ("g100c", 2), ("g150r", 2), ("g200rc", 3), ("g250c", 3), ("g300r", 4),
)
#: Presets of ``benchmarks/tours.py`` whose days have a timeline (meal, remote calls).
TOUR_RUNS: tuple[str, ...] = ("r60-d7", "r300-d14")
#: CPU seconds a nominal second is meant to last: a little under one, leaving the rest of a
#: solve (building the model, the checks between phases) its share of the clock.
CPU_TARGET = 0.9


@dataclass(frozen=True, slots=True)
class Measure:
    """One run of the heuristic (or of the route bound): ``wall`` and ``cpu`` seconds for
    ``nominal`` seconds of work."""

    run: str
    kind: str  # "route", "timeline" or "route bound"
    nominal: float
    wall: float
    iterations: int
    cpu: float = 0.0
    set: str = "solomon"

    @property
    def ratio(self) -> float:
        """Wall seconds per nominal second."""
        return self.wall / self.nominal if self.nominal else 0.0

    @property
    def cpu_ratio(self) -> float:
        """CPU seconds per nominal second."""
        return self.cpu / self.nominal if self.nominal else 0.0


def suggested_work_per_second(current: int, ratios: Sequence[float], target: float = 1.0) -> int:
    """The ``WORK_PER_SECOND`` that makes a nominal second last ``target`` seconds at the
    median of ``ratios`` (seconds per nominal second measured with ``current``), to 100,000."""
    if not ratios:
        raise ValueError("no measurement")
    return int(round(current * target / statistics.median(ratios), -5))


def _measure(run: str, kind: str, instance, seconds: float, islands: int, set_name: str,
             route_bound: bool = False) -> list[Measure]:
    from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic

    started, cpu_started = time.perf_counter(), time.process_time()
    result = solve_heuristic(instance, seed=0, work=int(seconds * WORK_PER_SECOND), islands=islands)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    measures = [Measure(run, kind, seconds, round(wall, 3), result.iterations, round(cpu, 3), set_name)]
    if route_bound and result is not None and result.complete:
        measures.append(_measure_route_bound(run, instance, result, seconds, set_name))
    return measures


def _measure_route_bound(run: str, instance, heuristic, seconds: float, set_name: str) -> Measure:
    """The route bound from the heuristic's agenda, as a solve starts it, without its clock:
    ``nominal`` is the label work it used (it may converge or reach the agenda before, or
    give up at half its work without an exact round, as in a solve)."""
    from scheduler.model.bound import LABEL_WORK_PER_SECOND, plan_routes, route_bound

    work = int(seconds * LABEL_WORK_PER_SECOND)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = route_bound(instance, work=work, routes=plan_routes(heuristic.days),
                         target=heuristic.objective, first_bound_work=work // 2)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    used = result.work
    if not result.converged and not result.stopped_by_clock:
        # Its budget ended it inside a pricing, whose work ``result.work`` leaves out.
        used = work if result.bound is not None else work // 2
    return Measure(run, "route bound", used / LABEL_WORK_PER_SECOND, round(wall, 3),
                   result.rounds, round(cpu, 3), set_name)


def split_runs(folder: Path, split: str, tours: Sequence[int], every: int = 1) -> list[tuple[str, int]]:
    """``(instance, tours)`` for every ``every``-th instance of ``folder`` in ``split``."""
    names = [path.stem for path in instance_files(folder) if split_of(path.stem) == split]
    return [(name, m) for name in names[::every] for m in tours]


def measure(folder: Path, seconds: float, islands: int,
            route_runs: Sequence[tuple[str, int]] = ROUTE_RUNS,
            tour_runs: Sequence[str] = TOUR_RUNS,
            other_sets: Sequence[tuple[str, Path, Sequence[tuple[str, int]]]] = (),
            route_bound: bool = False) -> list[Measure]:
    """Every run, one after the other (instances are built before the clock starts):
    ``route_runs`` of the Solomon ``folder``, then each of ``other_sets`` (set name, folder,
    runs), then ``tour_runs``."""
    from benchmarks.tours import PRESETS, load_generated
    from scheduler.model.instance import build_instance

    measures = []
    for set_name, set_folder, runs in [("solomon", folder, route_runs), *other_sets]:
        for name, m in runs:
            problem = instance_to_problem(read_instance(set_folder / f"{name}.txt"), m)
            measures += _measure(f"{name} m={m}", "route", build_instance(problem), seconds, islands,
                                 set_name, route_bound)
    presets = {p.name: p for p in PRESETS}
    for name in tour_runs:  # NAME or NAME@SEED
        preset, _, seed = name.partition("@")
        problem, _ = load_generated(presets[preset], int(seed or 1))
        measures += _measure(name, "timeline", build_instance(problem), seconds, islands, "tours",
                             route_bound)
    return measures


def _spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f}, {len(values)} run" \
        f"{'' if len(values) == 1 else 's'})"


def report(measures: Sequence[Measure], current: int, label_current: int | None = None) -> str:
    """A markdown table of the runs, then the medians of each kind and set, and the
    suggestions."""
    lines = ["| set | run | days | nominal s | wall s | wall s per nominal s | CPU s per nominal s "
             "| iterations |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {m.set} | {m.run} | {m.kind} | {m.nominal:g} | {m.wall:.2f} | {m.ratio:.3f} "
              f"| {m.cpu_ratio:.3f} | {m.iterations} |" for m in measures]
    lines.append("")
    heuristic = [m for m in measures if m.kind != "route bound" and m.nominal]
    for kind in ("route", "timeline"):
        ratios = [m.ratio for m in heuristic if m.kind == kind]
        if ratios:
            lines.append(f"- {kind} days: a nominal second lasts a median {statistics.median(ratios):.3f} s "
                         f"of wall clock ({min(ratios):.3f}-{max(ratios):.3f}, {len(ratios)} run"
                         f"{'' if len(ratios) == 1 else 's'})")
    for set_name in dict.fromkeys(m.set for m in heuristic):
        chosen = [m for m in heuristic if m.set == set_name]
        lines.append(f"- {set_name}: a nominal second lasts a median of "
                     f"{_spread([m.cpu_ratio for m in chosen])} s of CPU and "
                     f"{statistics.median([m.ratio for m in chosen]):.3f} s of wall clock")
    route = [m.ratio for m in heuristic if m.kind == "route"]
    if route:
        lines.append(f"- WORK_PER_SECOND is {current:,}; a median of one wall second would take "
                     f"{suggested_work_per_second(current, route):,}")
    cpu = [m.cpu_ratio for m in heuristic if m.cpu]
    if cpu:
        lines.append(f"- a median of {CPU_TARGET} CPU s over all runs would take "
                     f"{suggested_work_per_second(current, cpu, CPU_TARGET):,}")
    bound = [m for m in measures if m.kind == "route bound" and m.nominal]
    for set_name in dict.fromkeys(m.set for m in bound):
        chosen = [m.cpu_ratio for m in bound if m.set == set_name]
        lines.append(f"- route bound, {set_name}: a nominal second lasts a median of {_spread(chosen)} s of CPU")
    if bound and label_current:
        lines.append(f"- LABEL_WORK_PER_SECOND is {label_current:,}; a median of {CPU_TARGET} CPU s would take "
                     f"{suggested_work_per_second(label_current, [m.cpu_ratio for m in bound], CPU_TARGET):,}")
    return "\n".join(lines)


def _runs_of(args, folder: Path | None, fixed: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    if folder is None:
        return []
    if args.split is None:
        return list(fixed)
    return split_runs(folder, args.split, [int(m) for m in args.tours.split(",")], args.every)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of the Solomon instance files (c101.txt ...)")
    parser.add_argument("--solomon200", type=Path, help="folder of the Solomon 200 series (c201.txt ...)")
    parser.add_argument("--generated", type=Path,
                        help="folder of benchmarks/generate_toptw.py's instances (g100c.txt ...)")
    parser.add_argument("--split", choices=("tune", "held-out"),
                        help="every instance of that part of each set instead of the fixed runs")
    parser.add_argument("--tours", default="1,2,3,4", help="tour counts with --split (default 1,2,3,4)")
    parser.add_argument("--every", type=int, default=1, help="with --split, every N-th instance (default 1)")
    parser.add_argument("--seconds", type=float, default=4.0, help="nominal seconds per run (default 4)")
    parser.add_argument("--islands", type=int, default=1, help="heuristic searches side by side (default 1)")
    parser.add_argument("--presets", default=",".join(TOUR_RUNS),
                        help="generated tours, NAME or NAME@SEED (default r60-d7,r300-d14)")
    parser.add_argument("--no-tours", action="store_true", help="skip the generated tours")
    parser.add_argument("--route-bound", action="store_true",
                        help="also time the route bound from each run's agenda")
    parser.add_argument("--json", action="store_true", help="one JSON object per run instead of the table")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.islands < 1 or args.every < 1:
        print("error: --seconds must be positive, --islands and --every at least 1", file=sys.stderr)
        return 2
    sets = []
    for set_name, folder, fixed in [("solomon", args.folder, ROUTE_RUNS),
                                    ("solomon200", args.solomon200, SOLOMON200_RUNS),
                                    ("generated", args.generated, GENERATED_RUNS)]:
        if folder is None:
            continue
        runs = _runs_of(args, folder, fixed) if folder.is_dir() else list(fixed)
        missing = [f"{name}.txt" for name, _ in runs if not (folder / f"{name}.txt").is_file()]
        if missing or not runs:
            print(f"error: {folder} lacks {', '.join(sorted(set(missing))) or 'instances'}", file=sys.stderr)
            return 2
        sets.append((set_name, folder, runs))
    from scheduler.model.bound import LABEL_WORK_PER_SECOND
    from scheduler.model.heuristic import WORK_PER_SECOND

    measures = measure(args.folder, args.seconds, args.islands, route_runs=sets[0][2],
                       tour_runs=() if args.no_tours else [p for p in args.presets.split(",") if p],
                       other_sets=sets[1:],
                       route_bound=args.route_bound)
    if args.json:
        for m in measures:
            print(json.dumps(asdict(m) | {"ratio": round(m.ratio, 4), "cpu_ratio": round(m.cpu_ratio, 4)}))
    else:
        print(report(measures, WORK_PER_SECOND, LABEL_WORK_PER_SECOND))
    return 0


if __name__ == "__main__":
    sys.exit(main())
