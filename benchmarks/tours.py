"""Times the engine on generated realistic tours as they grow (20 -> 400 requests).

Usage::

    python benchmarks/tours.py [--preset NAME ...] [--seed N] [--json] [--out TABLE.md] [--no-replan]

Each preset is a tour size (requests, days, cities) with a time limit. For each one the tour
is generated (:mod:`benchmarks.generate`, seeded), read back with the scheduler's own reader
(``scheduler.io.load_tour``), planned by the engine (``scheduler.solve``) and the plan is
verified by the independent plan checker (``scheduler.checker``). Every solve runs in a
child process of its own, one after the other, so that its peak memory is measured alone.

Then (unless ``--no-replan``) a valid plan is re-planned as during the visit: ``now`` is noon, in
the tour's zone, of the middle day of the tour, and the first engagement of that day starting
after noon (set-up included: one whose set-up began before noon is under way and cannot be
cancelled) is cancelled; ``scheduler.replan.replan`` runs with the command's default budget
(2 s, ``scheduler replan --time-limit``), its wall time is measured, and the new plan is
verified by the checker too (``replan s``, ``replan valid``). The peak memory is the solve's,
read before the re-plan.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_tour, write_tour  # noqa: E402


@dataclass(frozen=True, slots=True)
class Preset:
    """A tour size and the time limit the issue's targets give it."""

    name: str
    requests: int
    days: int
    cities: int
    time_limit: float


PRESETS: tuple[Preset, ...] = (
    Preset("r20-d1", 20, 1, 1, 5.0),
    Preset("r40-d3", 40, 3, 1, 5.0),
    Preset("r60-d7", 60, 7, 2, 5.0),
    Preset("r120-d7", 120, 7, 2, 20.0),
    Preset("r300-d14", 300, 14, 4, 60.0),
    Preset("r400-d14", 400, 14, 4, 60.0),
)
"""Sizes from the issue: <= 60 requests over <= 7 days in 5 s; 300 over 14 days in 60 s."""


REPLAN_TIME_LIMIT = 2.0
"""The budget of the re-plan step: the default of `scheduler replan --time-limit`."""


def replan_step(plan: Any, seed: int) -> dict[str, Any]:
    """Re-plan ``plan`` from noon of its middle day with the first engagement after noon cancelled.

    Returns the ``replan_*`` measurements: the moment, the request cancelled (``None`` when
    the afternoon holds no engagement to cancel: the re-plan then changes nothing), the wall
    seconds of ``scheduler.replan.replan``, the solver status of what remained, the diff
    summary and whether the checker passes the new plan (with its first violations), or
    ``replan_error`` when the re-plan finds no agenda.
    """
    from datetime import datetime, time as clock, timedelta

    from scheduler.checker import check_plan
    from scheduler.domain import utc
    from scheduler.errors import SchedulerError
    from scheduler.planfile import plan_to_dict
    from scheduler.replan import Changes, replan
    from scheduler.solve import SolveParams

    tour = plan.problem.tour
    middle = tour.days[len(tour.days) // 2]
    now = datetime.combine(middle.date, clock(12, 0), tzinfo=tour.zone)
    setup = {r.id: r.setup_minutes for r in plan.problem.requests}
    afternoon = sorted((e for e in plan.engagements if e.day == middle.date
                        and utc(e.start) - timedelta(minutes=setup[e.request_id]) >= utc(now)),
                       key=lambda e: (utc(e.start), e.request_id))
    cancelled = afternoon[0].request_id if afternoon else None
    row: dict[str, Any] = {"replan_now": now.isoformat(), "replan_cancelled": cancelled}
    params = SolveParams(time_limit=REPLAN_TIME_LIMIT, seed=seed, workers=2)
    started = time.perf_counter()
    try:
        result = replan(plan, Changes(cancel=(cancelled,) if cancelled else ()), now=now, params=params)
    except SchedulerError as error:
        row.update(replan_seconds=round(time.perf_counter() - started, 3), replan_error=str(error))
        return row
    seconds = time.perf_counter() - started
    violations = check_plan(plan_to_dict(result.plan))
    row.update(replan_seconds=round(seconds, 3), replan_status=result.plan.solver.status,
               replan_summary=result.diff.summary(), replan_valid=not violations,
               replan_violations=[str(v) for v in violations[:5]])
    return row


def load_generated(preset: Preset, seed: int) -> tuple[Any, float]:
    """``preset``'s tour generated with ``seed`` into a temporary folder and read back with the
    scheduler's own reader; returns the problem and the seconds the reading took."""
    from scheduler.io import load_tour

    with tempfile.TemporaryDirectory(prefix="bench-tour-") as folder:
        write_tour(generate_tour(preset.requests, preset.days, preset.cities, seed), Path(folder) / "tour")
        started = time.perf_counter()
        problem = load_tour(Path(folder) / "tour")
        return problem, time.perf_counter() - started


def run_one(preset: Preset, seed: int, *, replan: bool = True) -> dict[str, Any]:
    """Generate, load, solve and check one tour in this process (then re-plan it, see
    :func:`replan_step`); returns the measurements."""
    from scheduler.checker import check_plan
    from scheduler.errors import SchedulerError
    from scheduler.planfile import plan_to_dict
    from scheduler.solve import SolveParams, solve

    problem, load_seconds = load_generated(preset, seed)
    started = time.perf_counter()
    try:
        result = solve(problem, SolveParams(time_limit=preset.time_limit, seed=seed, workers=2))
    except SchedulerError as error:
        return {
            "preset": preset.name, "requests": preset.requests, "days": preset.days,
            "cities": preset.cities, "seed": seed, "time_limit": preset.time_limit,
            "error": f"no agenda: {error}", "seconds": round(time.perf_counter() - started, 3),
            "load_seconds": round(load_seconds, 3),
            "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    violations = check_plan(plan_to_dict(result.plan)) if result.plan is not None else []
    instance = result.instance
    peak_mib = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    row = {
        "preset": preset.name, "requests": preset.requests, "days": preset.days,
        "cities": preset.cities, "seed": seed, "time_limit": preset.time_limit,
        "candidates": len(instance.requests) if instance is not None else None,
        "status": result.status, "stopped_by_clock": result.stopped_by_clock,
        "value_served": result.value_served, "value_total": result.value_total,
        "objective": result.objective, "bound": result.bound, "gap": result.gap,
        "engagements": len(result.plan.engagements) if result.plan is not None else 0,
        "seconds": round(result.seconds, 3), "load_seconds": round(load_seconds, 3),
        "peak_mib": peak_mib,
        "valid": not violations, "violations": [str(v) for v in violations[:5]],
    }
    if replan and result.plan is not None and not violations:
        row.update(replan_step(result.plan, seed))
    return row


def _replan_cells(row: dict[str, Any]) -> str:
    """The `replan s` and `replan valid` cells: – when the step did not run."""
    if "replan_seconds" not in row:
        return "– | –"
    if "replan_error" in row:
        return f"{row['replan_seconds']:.2f} | no agenda"
    return f"{row['replan_seconds']:.2f} | {'yes' if row['replan_valid'] else 'NO'}"


def markdown_table(rows: Sequence[dict[str, Any]]) -> str:
    """One line per tour: size, candidates, status (with "(clock)" when the wall-clock guard
    stopped CP-SAT), value, gap to the bound, seconds, memory, and the re-plan step's wall
    seconds and validity."""
    lines = ["| tour | requests | days | cities | candidates | limit s | status | value served | "
             "engagements | gap to bound | s | load s | peak MiB | plan valid | replan s | replan valid |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- "
             "| ---: | --- |"]
    for row in rows:
        if "error" in row:
            what = "no agenda" if "no agenda" in row["error"] else f"error: {row['error']}"
            seconds = f"{row['seconds']:.2f}" if "seconds" in row else "–"
            load = f"{row['load_seconds']:.2f}" if "load_seconds" in row else "–"
            peak = f"{row['peak_mib']:.0f}" if "peak_mib" in row else "–"
            lines.append(f"| {row['preset']} | {row['requests']} | {row['days']} | {row['cities']} | – | "
                         f"{row['time_limit']:g} | {what} | – | – | – | {seconds} | {load} | {peak} | – | "
                         f"{_replan_cells(row)} |")
            continue
        gap = f"{100 * row['gap']:.2f} %" if row["gap"] is not None else "–"
        # CP-SAT stopped by the wall-clock guard: the run repeats only if it had not yet
        # improved the heuristic's agenda (docs/solver.md, "Repeatable runs").
        status = f"{row['status']} (clock)" if row.get("stopped_by_clock") else row["status"]
        lines.append(
            f"| {row['preset']} | {row['requests']} | {row['days']} | {row['cities']} | {row['candidates']} | "
            f"{row['time_limit']:g} | {status} | {row['value_served']} / {row['value_total']} | "
            f"{row['engagements']} | {gap} | {row['seconds']:.2f} | {row['load_seconds']:.2f} | "
            f"{row['peak_mib']:.0f} | {'yes' if row['valid'] else 'NO'} | {_replan_cells(row)} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: each preset in a child process, one at a time."""
    parser = argparse.ArgumentParser(
        prog="benchmarks/tours.py",
        description="Plan generated realistic tours of growing size with the scheduler's engine.",
        epilog="example: python benchmarks/tours.py --preset r20-d1 --preset r60-d7 --out tours.md")
    parser.add_argument("--preset", action="append", choices=[p.name for p in PRESETS],
                        help="a tour size to run (repeatable; default: all)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator and the solver")
    parser.add_argument("--json", action="store_true", help="print one JSON object per tour")
    parser.add_argument("--out", type=Path, help="write the markdown table here")
    parser.add_argument("--replan", action=argparse.BooleanOptionalAction, default=True,
                        help="after the plan, time a re-plan from noon of the middle day with the "
                             "first engagement after noon cancelled (default: on)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    by_name = {p.name: p for p in PRESETS}
    if args.child:
        print(json.dumps(run_one(by_name[args.child], args.seed, replan=args.replan)))
        return 0
    rows = []
    for name in args.preset or [p.name for p in PRESETS]:
        preset = by_name[name]
        child = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", name,
                                "--seed", str(args.seed), "--replan" if args.replan else "--no-replan"],
                               capture_output=True, text=True)
        if child.returncode != 0:
            last = (child.stderr.strip().splitlines() or ["failed"])[-1]
            row: dict[str, Any] = {"preset": name, "requests": preset.requests, "days": preset.days,
                                   "cities": preset.cities, "time_limit": preset.time_limit, "error": last}
        else:
            row = json.loads(child.stdout.strip().splitlines()[-1])
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"{name}: {row.get('status', row.get('error'))}", file=sys.stderr, flush=True)
    table = markdown_table(rows)
    if args.out is not None:
        args.out.write_text(table, encoding="utf-8")
    elif not args.json:
        print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
