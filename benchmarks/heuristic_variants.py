"""Compares variants of the heuristic alone at equal CPU time, over instances, tours and seeds.

Usage::

    python benchmarks/heuristic_variants.py SET_FOLDER... [--tours 2,3,4] [--seeds 0,1,2]
        [--cpu 6] [--work 6] [--islands 2] [--split tune|held-out|all] [--every K]
        [--only c201,r202] [--variants base,interday] [--jsonl RUNS.jsonl]
    python benchmarks/heuristic_variants.py --report RUNS.jsonl... [--variants ...]

Each run is one search (``islands=1``) stopped by a deadline on this process's CPU time
(``time.process_time``), with a work budget too large to matter: variants that cost more per
iteration are charged for it whatever their work counts say, and the machine's load does not
move the comparison much (each run gets the CPU seconds it is given). The variants switch the
moves between days and the string removal on and off (``INTERDAY`` in
``scheduler/model/heuristic/interday.py``) and the recombination of the best days
(``RECOMBINE`` in ``scheduler/model/heuristic/recombination.py``) and the ruin of whole days
(``DAY_RUIN`` in ``scheduler/model/heuristic/ruin.py``), and the search settings of
``TUNING`` and ``VARIANT`` in ``scheduler/model/heuristic/annealing.py`` (the ruin's size,
the temperature, adaptive weights, the string removal's share, a perturbation, the islands'
meetings). Each run appends one JSON object a line to
``--jsonl`` (a run already there is skipped, so an interrupted comparison resumes), and the
table printed at the end has a row per instance, tour count and seed, a score per variant, and
per set the sum of each variant's scores and its wins and losses against the first variant,
then per set the mean change in per cent of the first variant's value run by run, the worst
and best change, and the mean CPU seconds of a run.

With ``--islands 2`` (and ``--work``) a run is instead the search as the normal solve runs it:
two processes meeting at fixed counts of work, no deadline, the CPU seconds of both reported.
"""


from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.instances import read_instance  # noqa: E402
from benchmarks.sweep import SPLITS, sweep_combos  # noqa: E402
from benchmarks.to_domain import instance_to_problem  # noqa: E402

#: Variant name -> the settings of ``INTERDAY`` it runs with.
VARIANTS: dict[str, dict[str, Any]] = {
    "base": {"local_search": False, "only_at_best": False, "eject": False, "string_ruin": 0.0},
    "interday": {"local_search": True, "only_at_best": False, "eject": False, "string_ruin": 0.0},
    "interday-best": {"local_search": True, "only_at_best": True, "eject": False, "string_ruin": 0.0},
    "eject": {"local_search": True, "only_at_best": False, "eject": True, "string_ruin": 0.0},
    "strings": {"local_search": False, "only_at_best": False, "eject": False, "string_ruin": 0.2},
    "both": {"local_search": True, "only_at_best": False, "eject": False, "string_ruin": 0.2},
}
_INTERDAY = VARIANTS["interday"]
#: Variants of the recombination of the best days (``RECOMBINE`` in
#: ``scheduler/model/heuristic/recombination.py``), on top of the moves between days.
VARIANTS.update({
    "partition-1s": {**_INTERDAY, "recombine": {"every": 1.0}},
    "overlap-1s": {**_INTERDAY, "recombine": {"every": 1.0, "overlap": True, "pool": 100,
                                              "seconds": 0.2}},
    "day-ruin": {**_INTERDAY, "day_ruin": {"probability": 0.03}},
    # At the islands' meetings only (``--islands 2``): the main search keeps a pool and
    # recombines it with the other searches' best agendas; with ``every`` also once a
    # nominal second. The worker processes are given the same settings.
    "meetings": {**_INTERDAY, "recombine": {"at_meetings": True}},
    "meetings-1s": {**_INTERDAY, "recombine": {"at_meetings": True, "every": 1.0}},
})
#: ``VARIANT`` of ``annealing.py`` as it was measured against: every switch off (the
#: package's defaults today; a variant names what it turns on).
VARIANT_OFF = {"qday": 0.0, "adaptive": False, "perturb": 0.0, "string": 0.0,
               "stall_most": 0, "stall_after": 500}
#: Search settings at equal work (BENCHMARKS.md, "Search settings measured at equal work"):
#: ``tuning`` updates ``TUNING`` and ``variant`` ``VARIANT`` (``annealing.py``), ``adaptive``
#: ``ADAPTIVE``, ``meetings`` sets ``ISLAND_MEETINGS`` and ``strings`` ``MOST_STRINGS``.
VARIANTS.update({
    "q-day-30": {**_INTERDAY, "variant": {"qday": 0.3}},
    "q-day-50": {**_INTERDAY, "variant": {"qday": 0.5}},
    "q-max-20": {**_INTERDAY, "tuning": {"qmax": 20}},
    "q-max-8": {**_INTERDAY, "tuning": {"qmax": 8}},
    "t0-1": {**_INTERDAY, "tuning": {"t0": 1.0}},
    "t0-4": {**_INTERDAY, "tuning": {"t0": 4.0}},
    "t1-0.01": {**_INTERDAY, "tuning": {"t1": 0.01}},
    "t1-0.2": {**_INTERDAY, "tuning": {"t1": 0.2}},
    "adaptive": {**_INTERDAY, "variant": {"adaptive": True}},
    "adaptive-q-day-50": {**_INTERDAY, "variant": {"adaptive": True, "qday": 0.5}},
    "strings-10": {**_INTERDAY, "variant": {"string": 0.1}},
    # The string removal on a tenth of the iterations, the adaptive weights choosing among
    # the four other ruins and the recreate rule.
    "adaptive-strings-10": {**_INTERDAY, "variant": {"adaptive": True, "string": 0.1}},
    # Up to 24 engagements removed an iteration after 500 iterations without a better agenda.
    "stall-24": {**_INTERDAY, "variant": {"stall_most": 24, "stall_after": 500}},
    "strings-10-5": {**_INTERDAY, "variant": {"string": 0.1}, "strings": 5},
    "perturb-30": {**_INTERDAY, "variant": {"perturb": 0.3}, "tuning": {"reset": 1000}},
    "reset-500": {**_INTERDAY, "tuning": {"reset": 500}},
})
#: How the islands meet (BENCHMARKS.md, "How the two searches meet"; ``--islands 2``):
#: ``meetings`` sets ``ISLAND_MEETINGS``, ``meetings_from`` ``MEETINGS_FROM`` (the share of
#: the work searched apart first) and ``crossover`` ``MEETING_CROSSOVER`` (the worse island
#: takes the better agenda's best days and keeps its own others) in ``islands.py``.
#: Each names its whole schedule, whatever the package's defaults; ``meet-8`` is the
#: schedule before these measurements (eight meetings from the start, a copy at each).
_APART = {"meetings_from": 0.0, "crossover": False}
VARIANTS.update({
    "meet-1": {**_INTERDAY, **_APART, "meetings": 1},
    "meet-2": {**_INTERDAY, **_APART, "meetings": 2},
    "meet-4": {**_INTERDAY, **_APART, "meetings": 4},
    "meet-8": {**_INTERDAY, **_APART, "meetings": 8},
    "meet-16": {**_INTERDAY, **_APART, "meetings": 16},
    "meet-late-4": {**_INTERDAY, **_APART, "meetings": 4, "meetings_from": 0.5},
    "meet-late-8": {**_INTERDAY, **_APART, "meetings": 8, "meetings_from": 0.5},
    "meet-cross": {**_INTERDAY, **_APART, "meetings": 8, "crossover": True},
    "meet-cross-4": {**_INTERDAY, **_APART, "meetings": 4, "crossover": True},
})
#: How the two searches share the work (BENCHMARKS.md, "How the two searches share the
#: work"): other points of the late schedule (``meet-from-25``, ``meet-from-75``: the share
#: searched apart; ``meet-late-2``, ``meet-late-8``: the meetings after it), and islands that
#: search differently: ``worker`` sets ``WORKER_SETTINGS`` in ``islands.py`` (the settings
#: the worker island runs on top of the caller's), so the second search runs a setting that
#: gained on one set and lost on another alone while the main one keeps the default.
_LATE = {**_INTERDAY, **_APART, "meetings": 4, "meetings_from": 0.5}
VARIANTS.update({
    "meet-from-25": {**_LATE, "meetings_from": 0.25},
    "meet-from-75": {**_LATE, "meetings_from": 0.75},
    "meet-late-2": {**_LATE, "meetings": 2},
    "worker-adaptive": {**_LATE, "worker": {"VARIANT": {"adaptive": True}}},
    "worker-strings-10": {**_LATE, "worker": {"VARIANT": {"string": 0.1}}},
    "worker-t0-4": {**_LATE, "worker": {"TUNING": {"t0": 4.0}}},
    "worker-adaptive-meet-1": {**_LATE, "meetings": 1, "meetings_from": 0.0,
                               "worker": {"VARIANT": {"adaptive": True}}},
})


def run_variant(instance, variant: str, seed: int, cpu_seconds: float,
                work_seconds: float | None = None, islands: int = 1) -> dict[str, Any]:
    """One search of ``variant`` on ``instance``: its value served, iterations, CPU seconds.

    Stopped by ``cpu_seconds`` of this process's CPU time, and by a budget of
    ``work_seconds`` nominal seconds of work when given (the annealing's temperature then
    falls as in a solve; without it the budget is too large to matter and the temperature
    stays near its start). With ``islands`` above one it is the normal solve's search (that
    many processes meeting at fixed counts of work) stopped by the work budget alone, which
    repeats exactly whatever the load; its CPU seconds are then those of every process.
    """
    from scheduler.model.heuristic import WORK_PER_SECOND, annealing, interday, islands as \
        island_module, recombination, ruin, solve_heuristic, string_removal
    from scheduler.model.heuristic.clock import Deadline

    settings = dict(VARIANTS[variant])
    switches = interday.INTERDAY, recombination.RECOMBINE, ruin.DAY_RUIN, annealing.TUNING, \
        annealing.VARIANT, annealing.ADAPTIVE
    saved = [dict(switch) for switch in switches]
    saved_meetings, saved_strings = island_module.ISLAND_MEETINGS, string_removal.MOST_STRINGS
    saved_from, saved_cross = island_module.MEETINGS_FROM, island_module.MEETING_CROSSOVER
    saved_worker = island_module.WORKER_SETTINGS
    recombination.RECOMBINE.update(settings.pop("recombine", {}))
    ruin.DAY_RUIN.update(settings.pop("day_ruin", {}))
    annealing.TUNING.update(settings.pop("tuning", {}))
    # Every variant starts from the settings it was measured against, whatever the defaults.
    annealing.VARIANT.update(VARIANT_OFF)
    annealing.VARIANT.update(settings.pop("variant", {}))
    annealing.ADAPTIVE.update(settings.pop("adaptive", {}))
    island_module.ISLAND_MEETINGS = settings.pop("meetings", saved_meetings)
    island_module.MEETINGS_FROM = settings.pop("meetings_from", saved_from)
    island_module.MEETING_CROSSOVER = settings.pop("crossover", saved_cross)
    island_module.WORKER_SETTINGS = settings.pop("worker", {})
    string_removal.MOST_STRINGS = settings.pop("strings", saved_strings)
    interday.INTERDAY.update(settings)
    work = 10**15 if work_seconds is None else int(work_seconds * WORK_PER_SECOND)
    try:
        started = time.process_time()
        if islands > 1:
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            result = solve_heuristic(instance, seed=seed, work=work, islands=islands)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = time.process_time() - started + (after.ru_utime + after.ru_stime) \
                - (children.ru_utime + children.ru_stime)
        else:
            deadline = Deadline(started + cpu_seconds, now=time.process_time)
            result = solve_heuristic(instance, seed=seed, work=work, islands=1,
                                     deadline=deadline)
            used = time.process_time() - started
    finally:
        for current, before in zip(switches, saved):
            current.clear()
            current.update(before)
        island_module.ISLAND_MEETINGS, string_removal.MOST_STRINGS = saved_meetings, saved_strings
        island_module.MEETINGS_FROM, island_module.MEETING_CROSSOVER = saved_from, saved_cross
        island_module.WORKER_SETTINGS = saved_worker
    return {"value": result.value, "iterations": result.iterations, "cpu": round(used, 2)}


def key_of(row: dict[str, Any]) -> tuple:
    return row["set"], row["instance"], row["tours"], row["seed"], row["variant"]


def compare(folders: Sequence[Path], tours: Sequence[int], seeds: Sequence[int], split: str,
            every: int, only: Sequence[str], variants: Sequence[str], cpu_seconds: float,
            jsonl: Path | None, work_seconds: float | None = None,
            islands: int = 1) -> list[dict[str, Any]]:
    """Every (instance, tours, seed, variant) not yet in ``jsonl``; all rows, old and new."""
    from scheduler.model.instance import build_instance

    rows = read_rows([jsonl]) if jsonl is not None and jsonl.exists() else []
    done = {key_of(row) for row in rows}
    for set_name, path, m in sweep_combos(folders, tours, split, only, every):
        instance = None
        for seed in seeds:
            for variant in variants:
                key = (set_name, path.stem, m, seed, variant)
                if key in done:
                    continue
                if instance is None:
                    instance = build_instance(instance_to_problem(read_instance(path), m))
                row = dict(zip(("set", "instance", "tours", "seed", "variant"), key))
                row.update(run_variant(instance, variant, seed, cpu_seconds, work_seconds,
                                       islands))
                if islands > 1:
                    row["islands"] = islands
                else:
                    row["cpu_limit"] = cpu_seconds
                if work_seconds is not None:
                    row["work_seconds"] = work_seconds
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
                if jsonl is not None:
                    with jsonl.open("a") as out:
                        out.write(json.dumps(row) + "\n")
    return rows


def read_rows(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The runs of JSON-lines files."""
    return [json.loads(line) for path in paths for line in path.read_text().splitlines()
            if line.strip()]


def table(rows: Sequence[dict[str, Any]], variants: Sequence[str]) -> str:
    """A markdown table (one row per instance, tours and seed) and a summary per set."""
    scores: dict[tuple, dict[str, int]] = defaultdict(dict)
    iterations: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in rows:
        if row["variant"] in variants:
            run = (row["set"], row["instance"], row["tours"], row["seed"])
            scores[run][row["variant"]] = row["value"]
            iterations[run][row["variant"]] = row["iterations"]
    complete = sorted(run for run, by in scores.items() if all(v in by for v in variants))
    lines = ["| set | instance | tours | seed | " + " | ".join(variants) + " | iterations |",
             "|---|---|---:|---:|" + "---:|" * len(variants) + "---|"]
    for run in complete:
        its = " / ".join(str(iterations[run][v]) for v in variants)
        lines.append(f"| {run[0]} | {run[1]} | {run[2]} | {run[3]} | "
                     + " | ".join(str(scores[run][v]) for v in variants) + f" | {its} |")
    lines += ["", "| set | runs | " + " | ".join(f"{v}: sum (better/worse than {variants[0]})"
                                                   for v in variants) + " |",
              "|---|---:|" + "---:|" * len(variants)]
    for set_name in sorted({run[0] for run in complete}):
        runs = [run for run in complete if run[0] == set_name]
        cells = []
        for v in variants:
            total = sum(scores[run][v] for run in runs)
            better = sum(scores[run][v] > scores[run][variants[0]] for run in runs)
            worse = sum(scores[run][v] < scores[run][variants[0]] for run in runs)
            cells.append(f"{total} ({better}/{worse})")
        lines.append(f"| {set_name} | {len(runs)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n" + change_table(rows, variants)


def change_table(rows: Sequence[dict[str, Any]], variants: Sequence[str]) -> str:
    """Per set and variant: the mean change of the value against the first variant, in per
    cent of its value run by run, the runs better and worse, the worst and best change, and
    the mean CPU seconds of a run."""
    by_run: dict[tuple, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        if row["variant"] in variants:
            by_run[(row["set"], row["instance"], row["tours"], row["seed"])][row["variant"]] = row
    complete = [run for run, by in by_run.items() if all(v in by for v in variants)]
    lines = ["| set | variant | runs | mean change | better / worse | worst | best | CPU s a run |",
             "|---|---|---:|---:|---|---:|---:|---:|"]
    for set_name in sorted({run[0] for run in complete}):
        runs = [run for run in complete if run[0] == set_name]
        for v in variants:
            changes = [100.0 * (by_run[run][v]["value"] - by_run[run][variants[0]]["value"])
                       / max(by_run[run][variants[0]]["value"], 1) for run in runs]
            cpu = sum(by_run[run][v]["cpu"] for run in runs) / len(runs)
            better = sum(change > 0 for change in changes)
            worse = sum(change < 0 for change in changes)
            lines.append(f"| {set_name} | {v} | {len(runs)} | {sum(changes) / len(runs):+.3f} % | "
                         f"{better} / {worse} | {min(changes):+.2f} % | {max(changes):+.2f} % | "
                         f"{cpu:.2f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--tours", default="2,3,4")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--cpu", type=float, default=6.0, help="CPU seconds a run")
    parser.add_argument("--work", type=float, default=None,
                        help="a budget of work too, in nominal seconds (default: none)")
    parser.add_argument("--islands", type=int, default=1,
                        help="searches side by side, stopped by --work alone (default: 1)")
    parser.add_argument("--split", choices=SPLITS, default="tune")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--only", default="")
    parser.add_argument("--variants", default="base,interday")
    parser.add_argument("--jsonl", type=Path)
    parser.add_argument("--report", nargs="+", type=Path, help="print the table of these files")
    args = parser.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)} (known: {', '.join(VARIANTS)})")
    if args.report:
        print(table(read_rows(args.report), variants))
        return 0
    rows = compare(args.folders, [int(t) for t in args.tours.split(",")],
                   [int(s) for s in args.seeds.split(",")], args.split, args.every,
                   [o for o in args.only.split(",") if o], variants, args.cpu, args.jsonl,
                   args.work, args.islands)
    print(table(rows, variants))
    return 0


if __name__ == "__main__":
    sys.exit(main())
