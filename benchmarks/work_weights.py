"""Counts the heuristic's charged operations by kind and fits their weights to CPU seconds.

Usage::

    python benchmarks/work_weights.py measure SET_FOLDER... [--split tune|held-out|all]
        [--tours 1,2,3,4] [--every N] [--seconds S] [--presets r60-d7,r300-d14]
        [--string P] > runs.jsonl
    python benchmarks/work_weights.py fit runs.jsonl... [--target 0.9] [--strength 0.03]
        [--kinds iteration,evaluate_day,...]

The heuristic counts its work (``self.work += ...`` at a dozen places, see
``scheduler/model/heuristic/budget.py``) so that the same budget gives the same agenda on any
machine. Those weights only mean time if each matches what its operation costs. ``measure``
runs the heuristic alone (one search, seed 0) twice on each instance and tour count: once as
the product runs it, timing the construction and the annealing in CPU seconds of this process
(``time.process_time``), and once with a counting search state, which records every charge
with the sizes it was charged for (the same budget gives the same search, so the counts are
those of the timed run; the counting run is slower and never timed). ``fit`` then finds the
non-negative weight of each kind of operation that best explains the annealing's CPU seconds
(least squares on relative errors), and prints the weights that make one nominal second last
``--target`` CPU seconds, with the ratio per set before and after. ``--string P`` measures
with the string removal on that share of the iterations (``VARIANT["string"]`` of
``annealing.py``, off in the product), so that its charges can be fitted too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.instances import instance_files, read_instance  # noqa: E402
from benchmarks.sweep import split_of  # noqa: E402
from benchmarks.to_domain import instance_to_problem  # noqa: E402

#: The kinds of operation counted: each charge of work is one of a kind and some of another
#: (its size), read from the local variables of the function charging it.
OPERATIONS: tuple[str, ...] = (
    "iteration",          # annealing: one ruin and recreate
    "iteration_request",  # the same, times the instance's request count (uncharged today)
    "evaluate_day", "evaluate_cell",        # insertion options of a day, its score cells
    "quick_day", "quick_cell",              # the same by the least shift (route_options.py)
    "remote_day", "remote_gap",             # remote candidates of a day, the day's gaps
    "pick", "pick_row",                     # one greedy choice, the rows it chooses among
    "refresh_day", "refresh_item",          # a day's earliest and latest times, its items
    "layout", "layout_item",                # a timeline layout, the items it passes
    "gap", "gap_cell",                      # a gap with placeless items, (item, leg) pairs
    "move_check", "move_position", "move_length",  # a route move checked, positions, day length
    "nearest", "nearest_other",             # nearest engagements of one (cached), candidates
    "joint_room", "joint_position",         # room for a joint meeting, the route's positions
    "interday_move", "interday_position",   # a move between days prepared, positions walked
    "options_kept", "interday_kept",        # a day's options, a move's check, found kept
    "string_ruin", "string_served",         # a string removal, the served requests it sees
    "distance_rank", "distance_rank_other", # requests ranked by distance from a seed, others
)
#: The kinds fitted by default: all but two that are counted to try other charges (the fit
#: gave them almost nothing once compaction was charged for the positions it passes).
FITTED = tuple(kind for kind in OPERATIONS if kind not in ("iteration_request", "move_length"))


def charged_now() -> dict[str, float]:
    """The weight of each kind of operation now charged (``scheduler/model/heuristic/budget.py``)."""
    from scheduler.model.heuristic import budget

    return {"iteration": budget.ITERATION_WORK, "evaluate_day": budget.OPTIONS_WORK,
            "evaluate_cell": 1 / budget.OPTIONS_CELLS_PER_OPERATION,
            "quick_day": budget.QUICK_OPTIONS_WORK,
            "quick_cell": 1 / budget.QUICK_CELLS_PER_OPERATION,
            "remote_day": budget.REMOTE_OPTIONS_WORK, "remote_gap": budget.REMOTE_GAP_WORK,
            "pick": budget.PICK_WORK, "pick_row": 1 / budget.PICK_ROWS_PER_OPERATION,
            "refresh_day": budget.REFRESH_WORK, "refresh_item": budget.REFRESH_ITEM_WORK,
            "layout": budget.TIMELINE_WORK, "layout_item": budget.TIMELINE_ITEM_WORK,
            "gap": budget.GAP_CALL_WORK, "gap_cell": budget.GAP_WORK,
            "move_check": budget.MOVE_WORK, "move_position": budget.MOVE_POSITION_WORK,
            "nearest": budget.NEAREST_WORK, "nearest_other": 1 / budget.NEAREST_CANDIDATES_PER_OPERATION,
            "joint_room": budget.JOINT_ROOM_WORK, "joint_position": budget.JOINT_POSITION_WORK,
            "interday_move": budget.INTERDAY_MOVE_WORK,
            "interday_position": budget.INTERDAY_POSITION_WORK,
            "options_kept": budget.OPTIONS_KEPT_WORK, "interday_kept": budget.INTERDAY_KEPT_WORK,
            "string_ruin": budget.STRING_RUIN_WORK, "string_served": budget.STRING_SERVED_WORK,
            "distance_rank": budget.DISTANCE_RANK_WORK,
            "distance_rank_other": budget.DISTANCE_RANK_OTHER_WORK}


def budget_weight(name: str) -> float:
    """The weight ``name`` of ``scheduler/model/heuristic/budget.py`` now."""
    from scheduler.model.heuristic import budget

    return float(getattr(budget, name))


def _record(counts: dict[str, float], function: str, frame_locals: dict[str, Any], state, delta) -> None:
    """Add the charge of ``delta`` made in ``function`` (with its locals) to ``counts``."""
    def add(name: str, amount: float = 1) -> None:
        counts[name] = counts.get(name, 0) + amount

    if function == "run":
        add("iteration")
        add("iteration_request", state.request_count)
    elif function == "evaluate_day" and "score" not in frame_locals:
        add("options_kept")  # found kept, not evaluated
    elif function == "evaluate_day":
        add("evaluate_day")
        add("evaluate_cell", frame_locals["score"].size)
    elif function == "quick_options":  # a route day's options scored by the least shift
        add("quick_day")
        add("quick_cell", frame_locals["positions"] * frame_locals["count"])
    elif function == "remote_options":
        add("remote_day")
        add("remote_gap", len(frame_locals["gaps"]))
    elif function == "recreate":
        add("pick")
        add("pick_row", len(frame_locals["score"]))
    elif function == "refresh_day":
        add("refresh_day")
        add("refresh_item", len(frame_locals["items"]))
    elif function == "lay_out":
        items = frame_locals["items"]
        if delta < 0:  # an early stop gives back the items it did not pass
            add("layout_item", -(len(items) - 1 - frame_locals["position"]))
        else:
            add("layout")
            add("layout_item", len(items) - frame_locals["first"])
    elif function == "lay_out_gap":
        add("gap")
        add("gap_cell", len(frame_locals["pending"]) * len(frame_locals["leg_positions"]))
    elif function == "route_arrival_after_move":
        add("move_check")
        add("move_position", frame_locals["position"] + 1 - frame_locals["first"])
        add("move_length", frame_locals["length"])
    elif function == "nearest_of":
        add("nearest")
        add("nearest_other", len(frame_locals["others"]))
    elif function == "_free_for":
        add("joint_room")
        add("joint_position", len(frame_locals["route"]))
    elif function in ("moves_of_served", "replace_with_unserved"):
        add("interday_move")
    elif function in ("kept_arrival", "kept_insertion"):  # a check kept, or walked (``walked``)
        if "walked" in frame_locals:
            add("interday_position", delta / budget_weight("INTERDAY_POSITION_WORK"))
        else:
            add("interday_kept")
    elif function == "string_ruin":
        add("string_ruin")
        add("string_served", len(frame_locals["served"]))
    elif function == "by_distance":
        add("distance_rank")
        add("distance_rank_other", len(frame_locals["others"]))
    elif function != "__init__":  # a charge this script does not know yet: its work only
        add(f"other: {function}", delta)


def _counting_state():
    """A :class:`SearchState` whose ``work`` records each charge (slow: for counting only)."""
    from scheduler.model.heuristic.state import SearchState

    class CountingState(SearchState):
        @property
        def work(self) -> int:
            return self._work

        @work.setter
        def work(self, value: int) -> None:
            if "_work" not in self.__dict__:
                self.counts: dict[str, float] = {}
                self._work = 0
            frame = sys._getframe(1)
            _record(self.counts, frame.f_code.co_name, frame.f_locals, self, value - self._work)
            self._work = value

    return CountingState


def run_heuristic(instance, work: int, counting: bool, string: float = 0.0) -> dict[str, Any]:
    """One search (seed 0, one island) of ``work`` operations: the CPU seconds of its
    construction and annealing, or with ``counting`` the annealing's charges by kind; with
    ``string``, the string removal on that share of the iterations."""
    from unittest import mock

    from scheduler.model.heuristic import annealing, construction, search, solve_heuristic

    marks: dict[str, Any] = {}

    class MarkedAnnealing(annealing.Annealing):
        def __init__(self, state, *args, **kwargs) -> None:
            marks["annealing"] = time.process_time()
            marks["state"] = state
            marks["construction"] = dict(getattr(state, "counts", {}))
            marks["construction_work"] = state.work
            super().__init__(state, *args, **kwargs)

    with mock.patch.object(search, "Annealing", MarkedAnnealing), \
            mock.patch.dict(annealing.VARIANT, {"string": string}), \
            mock.patch.object(construction, "SearchState",
                              _counting_state() if counting else construction.SearchState):
        started = time.process_time()
        result = solve_heuristic(instance, seed=0, work=work, islands=1)
        ended = time.process_time()
    row: dict[str, Any] = {"work": result.work, "iterations": result.iterations,
                           "construction_work": marks["construction_work"]}
    if counting:
        total, before = marks["state"].counts, marks["construction"]
        row["counts"] = {name: total[name] - before.get(name, 0) for name in sorted(total)}
    else:
        row["construction_cpu"] = round(marks["annealing"] - started, 4)
        row["annealing_cpu"] = round(ended - marks["annealing"], 4)
    return row


def measure_run(instance, seconds: float, string: float = 0.0) -> dict[str, Any]:
    """The timed run and the counting run of one instance (the same search: checked)."""
    from scheduler.model.heuristic import WORK_PER_SECOND

    work = int(seconds * WORK_PER_SECOND)
    timed = run_heuristic(instance, work, counting=False, string=string)
    counted = run_heuristic(instance, work, counting=True, string=string)
    if (counted["work"], counted["iterations"]) != (timed["work"], timed["iterations"]):
        raise RuntimeError("the counting run did not repeat the timed run")
    return timed | {"counts": counted["counts"], "nominal": seconds,
                    "work_per_second": WORK_PER_SECOND, "string": string}


def runs_of(folders: Sequence[Path], split: str, tours: Sequence[int], every: int,
            presets: Sequence[str]):
    """``(set, run name, instance builder)`` for each instance file of the split (every
    ``every``-th by name) with each tour count, then each tour preset (``NAME`` or
    ``NAME@SEED``: generated with that seed, 1 by default)."""
    from scheduler.model.instance import build_instance

    for folder in folders:
        files = [p for p in instance_files(folder) if split in ("all", split_of(p.stem))]
        for path in files[::every]:
            for m in tours:
                yield folder.name, f"{path.stem} m={m}", \
                    lambda path=path, m=m: build_instance(instance_to_problem(read_instance(path), m))
    from benchmarks.tours import PRESETS, load_generated

    by_name = {preset.name: preset for preset in PRESETS}
    for run in presets:  # NAME or NAME@SEED
        name, _, seed = run.partition("@")
        yield "tours", run, lambda name=name, seed=int(seed or 1): \
            build_instance(load_generated(by_name[name], seed)[0])


def nnls(matrix: np.ndarray, target: np.ndarray, iterations: int = 500) -> np.ndarray:
    """Non-negative least squares (Lawson and Hanson's active set method)."""
    rows, columns = matrix.shape
    weights = np.zeros(columns)
    passive = np.zeros(columns, dtype=bool)
    for _ in range(iterations):
        gradient = matrix.T @ (target - matrix @ weights)
        if passive.all() or gradient[~passive].max(initial=-1) <= 1e-12:
            break
        passive[np.argmax(np.where(passive, -np.inf, gradient))] = True
        while True:
            trial = np.zeros(columns)
            trial[passive] = np.linalg.lstsq(matrix[:, passive], target, rcond=None)[0]
            if trial[passive].min() > 0:
                weights = trial
                break
            blocked = passive & (trial <= 0)
            step = np.min(weights[blocked] / (weights[blocked] - trial[blocked] + 1e-300))
            weights = weights + step * (trial - weights)
            passive &= weights > 1e-12
    return weights


def _features(runs: Sequence[dict[str, Any]], kinds: Sequence[str]) -> np.ndarray:
    return np.array([[run["counts"].get(kind, 0) for kind in kinds] for run in runs], dtype=float)


def charged(weights: dict[str, float]) -> dict[str, float]:
    """The weights charged now, with ``weights`` instead where given."""
    return charged_now() | weights


def ratios(runs: Sequence[dict[str, Any]], weights: dict[str, float], per_second: float) -> list[float]:
    """CPU seconds of each run's annealing per nominal second, had ``weights`` been charged
    for the operations it counted."""
    kinds = list(OPERATIONS)
    features = _features(runs, kinds)
    vector = np.array([weights.get(kind, 0) for kind in kinds], dtype=float)
    work = features @ vector
    return [run["annealing_cpu"] / (w / per_second) for run, w in zip(runs, work)]


def fit(runs: Sequence[dict[str, Any]], kinds: Sequence[str], prior: dict[str, float],
        strength: float) -> dict[str, float]:
    """CPU seconds per operation of each kind: the non-negative fit of the annealing's CPU
    seconds, on relative errors (every run counts the same, short or long), held towards
    ``prior`` (CPU seconds per operation of the weights now) by ``strength``: a kind whose
    weight doubles costs as much as ``strength`` squared relative error on every run. Kinds
    charged nothing now are free."""
    features = _features(runs, kinds)
    cpu = np.array([run["annealing_cpu"] for run in runs])
    matrix, target = features / cpu[:, None], np.ones(len(runs))
    held = [index for index, kind in enumerate(kinds) if prior.get(kind, 0) > 0]
    if strength and held:
        rows = np.zeros((len(held), len(kinds)))
        for row, index in enumerate(held):
            rows[row, index] = strength * len(runs) ** 0.5 / prior[kinds[index]]
        matrix = np.vstack([matrix, rows])
        target = np.concatenate([target, np.full(len(held), strength * len(runs) ** 0.5)])
    seconds = nnls(matrix, target)
    return dict(zip(kinds, seconds.tolist()))


def summary(runs: Sequence[dict[str, Any]], weights: dict[str, float], per_second: float) -> str:
    """Median and range of CPU seconds per nominal second, per set."""
    lines = []
    sets = sorted({run["set"] for run in runs})
    for name in sets + ["all"]:
        chosen = [run for run in runs if name in ("all", run["set"])]
        values = ratios(chosen, weights, per_second)
        lines.append(f"| {name} | {len(values)} | {statistics.median(values):.3f} | "
                     f"{min(values):.3f}-{max(values):.3f} |")
    return "\n".join(["| set | runs | CPU s per nominal s (median) | range |",
                      "| --- | ---: | ---: | --- |"] + lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    measure = commands.add_parser("measure", help="time and count runs, one JSON object a line")
    measure.add_argument("folders", type=Path, nargs="*")
    measure.add_argument("--split", choices=("tune", "held-out", "all"), default="tune")
    measure.add_argument("--tours", default="1,2,3,4")
    measure.add_argument("--every", type=int, default=1)
    measure.add_argument("--seconds", type=float, default=2.0)
    measure.add_argument("--presets", default="r60-d7,r300-d14")
    measure.add_argument("--string", type=float, default=0.0,
                         help="the string removal's share of the iterations (default: off)")
    fitting = commands.add_parser("fit", help="fit the weights to measured runs")
    fitting.add_argument("runs", type=Path, nargs="+")
    fitting.add_argument("--target", type=float, default=0.9)
    fitting.add_argument("--kinds", default=",".join(FITTED))
    fitting.add_argument("--strength", type=float, default=0.03)
    args = parser.parse_args(argv)
    if args.command == "measure":
        tours = [int(m) for m in args.tours.split(",")]
        presets = [p for p in args.presets.split(",") if p]
        for set_name, run_name, build in runs_of(args.folders, args.split, tours, args.every, presets):
            row = measure_run(build(), args.seconds, args.string)
            print(json.dumps({"set": set_name, "run": run_name} | row), flush=True)
        return 0
    runs = [json.loads(line) for path in args.runs for line in path.read_text().splitlines() if line]
    per_second = runs[0]["work_per_second"]
    current = charged({})
    unknown = sorted({kind for run in runs for kind in run["counts"] if kind not in OPERATIONS})
    if unknown:
        print(f"warning: work charged where this script does not know its kind: {', '.join(unknown)}")
    print("With the weights of budget.py now:\n" + summary(runs, current, per_second) + "\n")
    cpu_per_operation = statistics.median(
        run["annealing_cpu"] / (run["work"] - run.get("construction_work", 0)) for run in runs)
    prior = {kind: weight * cpu_per_operation for kind, weight in current.items()}
    seconds = fit(runs, args.kinds.split(","), prior, args.strength)
    weights = {kind: value * per_second / args.target for kind, value in seconds.items()}
    print(f"Fitted weights (operations; a nominal second of {per_second:,} lasting {args.target} CPU s):")
    for kind in OPERATIONS:
        print(f"  {kind}: now {current.get(kind, 0):g}, fitted {weights.get(kind, 0):.4g}")
    print("\nWith the fitted weights:\n" + summary(runs, weights, per_second))
    return 0


if __name__ == "__main__":
    sys.exit(main())
