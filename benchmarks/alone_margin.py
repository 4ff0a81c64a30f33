"""Measures the margin the heuristic has before its clock when it works alone (the CP-SAT
model not built, or the later stages left out): what ended each solve, its wall time,
whether the agenda repeats, and the CPU seconds its work budget takes on one core.

Usage::

    python benchmarks/alone_margin.py [--odd N:D ...] [--tour DIR ...] [--time-limit S]
        [--runs R] [--scratch DIR]

``--odd N:D`` builds an odd tour of N 30-minute requests over D days in Madrid (every request
any time of the tour, two places, one hotel: the "Odd tours" of docs/solver.md); ``--tour``
takes a tour folder (``benchmarks/generate.py`` makes realistic ones). Each tour is solved
``--runs`` times with seed 1 and two workers as ``scheduler plan`` solves it, printing what
stopped it (budget or clock), the solve's wall seconds and a short hash of the agenda; then
twice with one worker on a clock that never runs out, printing the CPU seconds of the
heuristic (``time.process_time``), which do not depend on the machine's load as much.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scheduler.solve as solve_module  # noqa: E402
from scheduler.io import load_tour  # noqa: E402
from scheduler.model.heuristic import WORK_PER_SECOND  # noqa: E402
from scheduler.solve import SolveParams, solve  # noqa: E402

LOCATIONS = ("id,name,latitude,longitude\nHOTEL,Hotel,40.4200,-3.7025\n"
             "PSOE,\"PSOE, Ferraz\",40.4297,-3.7174\nTV,Telemadrid,40.4062,-3.7817\n")


def odd_tour(folder: Path, requests: int, days: int) -> Path:
    """``requests`` 30-minute requests (values 1-10) over ``days`` days from 26 November 2018."""
    first = date(2018, 11, 26)
    last = first + timedelta(days=days - 1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tour.toml").write_text(
        f'[tour]\nid = "odd{requests}x{days}"\ntimezone = "Europe/Madrid"\nfirst_day = {first}\n'
        f'last_day = {last}\n\n[[lodging]]\nlocation = "HOTEL"\n'
        f'first_night = {first - timedelta(days=1)}\nlast_night = {last}\n\n'
        '[hours]\nstart = "09:00"\nend = "20:00"\n', encoding="utf-8")
    rows = "".join(f"r{i},Request {i},{('PSOE', 'TV')[i % 2]},30,{(i * 7) % 10 + 1}\n"
                   for i in range(requests))
    (folder / "requests.csv").write_text("id,title,location,duration,value\n" + rows, encoding="utf-8")
    (folder / "locations.csv").write_text(LOCATIONS, encoding="utf-8")
    return folder


def agenda_hash(result) -> str:
    agenda = sorted((e.request_id, e.start.isoformat()) for e in result.plan.engagements)
    return hashlib.sha1(json.dumps(agenda).encode()).hexdigest()[:8]


class _StillClock(solve_module.SolveClock):
    """The solve's clock standing still: only the work budgets end it."""

    def __init__(self, time_limit: float) -> None:
        super().__init__(time_limit, lambda: 1000.0)


def heuristic_cpu(problem, limit: float) -> tuple[float, float, str]:
    """CPU seconds of the heuristic's run, its budget in nominal seconds, and what stopped the
    solve, with one worker and the clock standing still."""
    real_clock, real_heuristic = solve_module.SolveClock, solve_module.solve_heuristic
    spent: list[tuple[float, int]] = []

    def timed(*args, **options):
        began = time.process_time()
        outcome = real_heuristic(*args, **options)
        spent.append((time.process_time() - began, options["work"]))
        return outcome

    solve_module.SolveClock, solve_module.solve_heuristic = _StillClock, timed
    try:
        result = solve(problem, SolveParams(time_limit=limit, seed=1, workers=1))
    finally:
        solve_module.SolveClock, solve_module.solve_heuristic = real_clock, real_heuristic
    cpu, work = spent[-1]
    return cpu, work / WORK_PER_SECOND, result.plan.solver.stopped_by


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--odd", action="append", default=[], metavar="N:D")
    parser.add_argument("--tour", action="append", default=[], type=Path)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scratch", type=Path, default=None, help="where odd tours are built")
    args = parser.parse_args(argv)
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="alone-margin-"))
    tours = [odd_tour(scratch / f"odd{spec.replace(':', 'x')}", *map(int, spec.split(":")))
             for spec in args.odd] + list(args.tour)
    for folder in tours:
        problem = load_tour(folder)
        runs = []
        for _ in range(args.runs):
            began = time.perf_counter()
            result = solve(problem, SolveParams(time_limit=args.time_limit, seed=1, workers=2))
            runs.append((result.plan.solver.stopped_by, time.perf_counter() - began,
                         agenda_hash(result)))
        load = os.getloadavg()[0]
        budget = sum(stop == "budget" for stop, _, _ in runs)
        print(f"{folder.name}: budget {budget}, clock {len(runs) - budget}, wall "
              f"{min(w for _, w, _ in runs):.2f}-{max(w for _, w, _ in runs):.2f} s, "
              f"{len({h for _, _, h in runs})} agenda(s), load {load:.1f}", flush=True)
        for _ in range(2):
            cpu, nominal, stopped = heuristic_cpu(problem, args.time_limit)
            print(f"    one worker, still clock: heuristic {cpu:.2f} CPU s for {nominal:.2f} "
                  f"nominal s ({stopped})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
