"""Times the engine on generated delegations (2-4 guests, 100-200 requests) and checks every plan.

Usage::

    python benchmarks/delegations.py [--guests G ...] [--requests N ...] [--limit S ...]
        [--seed N ...] [--engine default|cp-sat] [--no-mandatory] [--results RUNS.jsonl] [--out TABLE.md] [--json]

For each size (guests x requests), seed and time limit, the delegation is generated
(:mod:`benchmarks.generate_delegation`: 5 days for 100 requests, 7 for 200, two cities),
read back with the scheduler's own reader (``scheduler.io.load_tour``), planned by the engine
(``scheduler.solve``) and the plan is verified by the independent checker
(``scheduler.checker``, which judges each member's days, who attends and the shared
resources). Every run is a child process of its own, one after the other, so that its peak
memory is measured alone.

After the solve, the child builds the CP-SAT model once more, alone, to measure what the
solve does not report: the seconds to build the instance and the model, the part of it
spent on the rules between guests (joint engagements, a resource in one place), and the
model's size (variables, constraints, the order literals of resource pairs).

``--engine cp-sat`` runs CP-SAT alone on the whole budget (``SolveParams(heuristic=False)``),
to compare with the engine's default of the primal heuristic first.

``--no-mandatory`` plans the same delegations with their mandatory joint meetings optional.

``--results`` keeps one JSON object per run and skips the runs already in it, so that an
interrupted sweep resumes where it stopped (a run that crashed is run again); the table is
made from every run in the file.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import write_tour  # noqa: E402
from benchmarks.generate_delegation import generate_delegation  # noqa: E402

GUESTS = (2, 3, 4)
REQUESTS = (100, 200)
LIMITS = (10.0, 30.0)
SEEDS = (1, 2)
CITIES = 2
ENGINES = ("default", "cp-sat")
"""The engine as ``scheduler plan`` runs it (heuristic, then CP-SAT), or CP-SAT alone."""


@dataclass(frozen=True, slots=True)
class Run:
    """One measurement: a delegation's size, the generator's and solver's seed, the limit."""

    guests: int
    requests: int
    seed: int
    time_limit: float
    engine: str = "default"
    mandatory: bool = True

    @property
    def days(self) -> int:
        """A working week for 100 requests, a longer visit beyond."""
        return 5 if self.requests <= 100 else 7

    @property
    def key(self) -> str:
        tail = ("" if self.engine == "default" else f"-{self.engine}") + ("" if self.mandatory else "-optional")
        return f"g{self.guests}-r{self.requests}-s{self.seed}-t{self.time_limit:g}{tail}"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "guests": self.guests, "requests": self.requests, "days": self.days,
                "cities": CITIES, "seed": self.seed, "time_limit": self.time_limit, "engine": self.engine,
                "mandatory": self.mandatory}


def load_generated(run: Run) -> tuple[Any, float]:
    """``run``'s delegation generated into a temporary folder and read back with the
    scheduler's reader; returns the problem and the seconds the reading took."""
    from scheduler.io import load_tour

    with tempfile.TemporaryDirectory(prefix="bench-deleg-") as folder:
        tour = generate_delegation(run.guests, run.requests, run.days, run.seed, cities=CITIES,
                                   mandatory=run.mandatory)
        write_tour(tour, Path(folder) / "tour")
        started = time.perf_counter()
        problem = load_tour(Path(folder) / "tour")
        return problem, time.perf_counter() - started


def model_measurements(problem: Any, time_limit: float) -> dict[str, Any]:
    """Build the instance and the CP-SAT model of ``problem`` alone and time them: the
    seconds of each, of the rules between guests within the model, and the model's size."""
    from scheduler.model.cpmodel import PlannerModel
    from scheduler.model.instance import build_instance
    from scheduler.solve_budget import cp_model_fits, model_size

    started = time.perf_counter()
    instance = build_instance(problem)
    instance_seconds = time.perf_counter() - started
    size = model_size(instance)
    spent = {"seconds": 0.0, "constraints": 0}
    original = PlannerModel._add_delegation_rules

    def timed(self: PlannerModel) -> None:
        before = len(self.model.Proto().constraints)
        clock = time.perf_counter()
        original(self)
        spent["seconds"] += time.perf_counter() - clock
        spent["constraints"] += len(self.model.Proto().constraints) - before

    PlannerModel._add_delegation_rules = timed  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        planner = PlannerModel(instance)
        model_seconds = time.perf_counter() - started
    finally:
        PlannerModel._add_delegation_rules = original  # type: ignore[method-assign]
    proto = planner.model.Proto()
    return {
        "candidates": len(instance.requests), "model_days": len(instance.days), "model_pairs": size,
        "cp_model_built": cp_model_fits(size, time_limit),
        "instance_seconds": round(instance_seconds, 3), "model_seconds": round(model_seconds, 3),
        "delegation_seconds": round(spent["seconds"], 3), "delegation_constraints": spent["constraints"],
        "variables": len(proto.variables), "constraints": len(proto.constraints),
        "resource_orders": len(planner.resource_order),
    }


def run_one(run: Run) -> dict[str, Any]:
    """Generate, load, solve and check one delegation in this process, then measure its
    model (:func:`model_measurements`); returns the measurements."""
    from scheduler.checker import check_plan
    from scheduler.errors import SchedulerError
    from scheduler.planfile import plan_to_dict
    from scheduler.solve import SolveParams, solve

    row = run.as_dict()
    row["load_before"] = round(os.getloadavg()[0], 2)
    problem, load_seconds = load_generated(run)
    row.update(load_seconds=round(load_seconds, 3), value_total=problem.total_value,
               joint_requests=sum(1 for r in problem.requests if len(r.guests) > 1 and not r.guests_any),
               any_requests=sum(1 for r in problem.requests if r.guests_any),
               mandatory_requests=sum(1 for r in problem.requests if r.mandatory))
    started = time.perf_counter()
    try:
        result = solve(problem, SolveParams(time_limit=run.time_limit, seed=run.seed, workers=2,
                                            heuristic=run.engine == "default"))
    except SchedulerError as error:
        row.update(error=f"no agenda: {error}", wall_seconds=round(time.perf_counter() - started, 3))
    else:
        wall = time.perf_counter() - started
        plan = result.plan
        violations = check_plan(plan_to_dict(plan)) if plan is not None else []
        engagements = plan.engagements if plan is not None else ()
        row.update(
            status=result.status, stopped_by="clock" if result.stopped_by_clock else "budget",
            value_served=result.value_served, objective=result.objective, bound=result.bound,
            gap=result.gap, solve_seconds=round(result.seconds, 3), wall_seconds=round(wall, 3),
            engagements=len(engagements), joint_served=sum(1 for e in engagements if len(e.guests) > 1),
            valid=plan is not None and not violations, violations=[str(v) for v in violations[:5]],
            violation_codes=sorted({v.rule for v in violations}),
            warnings=list(result.warnings))
    row["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    row["peak_children_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    row["load_after"] = round(os.getloadavg()[0], 2)
    row.update(model_measurements(problem, run.time_limit))
    return row


def run_in_child(run: Run) -> dict[str, Any]:
    """:func:`run_one` in a fresh Python process (its memory measured alone)."""
    child = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(run.as_dict())],
        capture_output=True, text=True)
    if child.returncode != 0:
        last = (child.stderr.strip().splitlines() or ["failed"])[-1]
        return {**run.as_dict(), "error": f"crash: {last}"}
    return json.loads(child.stdout.strip().splitlines()[-1])


def _fmt(value: Any, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def _verdict(row: dict[str, Any]) -> str:
    """The checker's verdict: yes, or NO with the codes of the violations."""
    if row["valid"]:
        return "yes"
    return f"NO ({', '.join(row.get('violation_codes') or ['no plan'])})"


def markdown_table(rows: Iterable[dict[str, Any]]) -> str:
    """One line per run, by requests, guests, engine, musts, limit and seed: what was asked
    (``musts``: the mandatory requests, or "optional" when made optional), what the engine
    gave (value, joint meetings served of those asked, objective, bound, gap, what stopped
    it), what it cost (wall seconds, the model's build and size, peak memory), the machine's
    load (1-minute average before and after) and the checker's verdict."""
    lines = ["| guests | requests | seed | limit s | engine | musts | status | value served | joint served | "
             "objective | bound | gap | stopped by | wall s | model build s (between guests) | "
             "variables / constraints | peak MiB | load | plan valid |",
             "| ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: "
             "| ---: | ---: | ---: | --- |"]
    engines = {engine: rank for rank, engine in enumerate(ENGINES)}
    for row in sorted(rows, key=lambda r: (r["requests"], r["guests"], engines.get(r.get("engine"), 9),
                                           not r.get("mandatory", True), r["time_limit"], r["seed"])):
        musts = row.get("mandatory_requests", "–") if row.get("mandatory", True) else "optional"
        head = (f"| {row['guests']} | {row['requests']} | {row['seed']} | {row['time_limit']:g} | "
                f"{row.get('engine', 'default')} | {musts} |")
        tail = (f"{_fmt(row.get('wall_seconds'), '.1f')} | {_fmt(row.get('model_seconds'), '.2f')} "
                f"({_fmt(row.get('delegation_seconds'), '.2f')}) | {_fmt(row.get('variables'), ',')} / "
                f"{_fmt(row.get('constraints'), ',')} | {_fmt(row.get('peak_mib'), '.0f')} | "
                f"{row.get('load_before', '–')}–{row.get('load_after', '–')} |")
        joint_total = row.get("joint_requests", "–")
        if "error" in row:
            lines.append(f"{head} {row['error'].split(':')[0]} | – / {row.get('value_total', '–')} | "
                         f"– / {joint_total} | – | – | – | – | {tail} – |")
            continue
        gap = "–" if row["gap"] is None else f"{100 * row['gap']:.1f} %"
        lines.append(
            f"{head} {row['status']} | {row['value_served']} / {row['value_total']} | "
            f"{row.get('joint_served', '–')} / {joint_total} | {_fmt(row['objective'], ',.0f')} | "
            f"{_fmt(row['bound'], ',.0f')} | {gap} | {row['stopped_by']} | {tail} {_verdict(row)} |")
    return "\n".join(lines) + "\n"


def read_results(path: Path | None) -> list[dict[str, Any]]:
    """The runs recorded in ``path`` (one JSON object a line); none when it does not exist."""
    if path is None or not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: each run in a child process, one at a time."""
    parser = argparse.ArgumentParser(
        prog="benchmarks/delegations.py",
        description="Plan generated delegations of 2-4 guests with the scheduler's engine and check "
                    "every plan.",
        epilog="example: python benchmarks/delegations.py --guests 2 --requests 100 --limit 10 "
               "--results deleg.jsonl --out deleg.md")
    parser.add_argument("--guests", type=int, action="append", help="members (repeatable; default 2 3 4)")
    parser.add_argument("--requests", type=int, action="append", help="requests (repeatable; default 100 200)")
    parser.add_argument("--limit", type=float, action="append", help="time limit s (repeatable; default 10 30)")
    parser.add_argument("--seed", type=int, action="append", help="seed (repeatable; default 1 2)")
    parser.add_argument("--engine", choices=ENGINES, default="default",
                        help="default: the heuristic, then CP-SAT; cp-sat: CP-SAT alone")
    parser.add_argument("--mandatory", action=argparse.BooleanOptionalAction, default=True,
                        help="keep the generated mandatory joint meetings mandatory (default: yes)")
    parser.add_argument("--results", type=Path, help="JSON lines file: runs in it are skipped, new ones appended")
    parser.add_argument("--out", type=Path, help="write the markdown table here")
    parser.add_argument("--json", action="store_true", help="print one JSON object per run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        print(json.dumps(run_one(Run(spec["guests"], spec["requests"], spec["seed"], spec["time_limit"],
                                     spec.get("engine", "default"), spec.get("mandatory", True)))))
        return 0
    # A run that crashed is run again; every other outcome (no agenda included) is a result.
    done = [row for row in read_results(args.results) if not row.get("error", "").startswith("crash")]
    known = {row["key"] for row in done}
    rows = list(done)
    for requests in args.requests or REQUESTS:
        for guests in args.guests or GUESTS:
            for limit in args.limit or LIMITS:
                for seed in args.seed or SEEDS:
                    run = Run(guests, requests, seed, limit, args.engine, args.mandatory)
                    if run.key in known:
                        continue
                    row = run_in_child(run)
                    rows.append(row)
                    if args.results is not None:
                        with args.results.open("a", encoding="utf-8") as results:
                            results.write(json.dumps(row) + "\n")
                    if args.json:
                        print(json.dumps(row), flush=True)
                    print(f"{run.key}: {row.get('status', row.get('error'))}, "
                          f"valid {row.get('valid')}, {row.get('wall_seconds')} s", file=sys.stderr, flush=True)
    table = markdown_table(rows)
    if args.out is not None:
        args.out.write_text(table, encoding="utf-8")
    elif not args.json:
        print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
