"""Measures the route relaxation's bound (``scheduler.model.bound``) on generated tours.

Usage::

    python benchmarks/proofs.py [--preset NAME ...] [--seed N ...] [--seconds S] [--work M]
                                [--agenda] [--agenda-seconds S] [--engine] [--agendas DIR]
                                [--waiting | --no-waiting] [--seen N]

For each preset and seed the tour is generated (:mod:`benchmarks.generate`), turned into the
engine's integers, the heuristic runs on the share of the preset's limit it has in a solve,
then column generation runs from its agenda for ``--seconds`` of wall clock (its work budget
set far beyond). One line per exact pricing round is printed as it ends (the bound at that
point), then a summary row: the agenda's objective, the best bound of an exact round, the
master's last value, whether it converged, rounds, work and seconds. ``--work M`` ends the
generation on M million units of work instead, and as soon as the bound reaches the agenda
(repeatable whatever the load; the relaxation's CPU seconds are printed). ``--agenda`` also
chooses the best route a day among the columns (``select_routes``) and makes an agenda of it
with CP-SAT, each request's day fixed (``hint_pool_agenda``), as a solve does
(``--agenda-seconds S``: each step on S deterministic seconds instead, saying whether CP-SAT
proved the agenda optimal for those days). The row's ``agenda relaxed`` is the objective the
relaxation gives the agenda's own days (:func:`relaxed_objective`). ``--engine`` also runs
the whole solve with the preset's limit and prints CP-SAT's bound beside it. ``--agendas DIR``
keeps each heuristic agenda (its routes and objective) in DIR and reads it from there on the
next run, so that variants of the bound are compared from the same agendas without running
the heuristic again (its work budget makes it the same agenda anyway). ``--waiting`` and
``--no-waiting`` charge the guest's waiting in the relaxation or not (``route_bound``'s
``charge_waiting``); the row's ``agenda charged`` is the agenda's own days with it charged.
``--seen N`` also starts the master from the routes the heuristic's search accepted, the best
N a day (``solve_heuristic(seen_routes=N)``, kept in ``--agendas`` with the agenda); the row
gives how many and the work of keeping them (``seen``, ``seen work``, in the heuristic's
operations). Without it the master starts from the agenda alone, as before.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tours import PRESETS, load_generated  # noqa: E402


def heuristic_agenda(preset, seed: int, instance, agendas: Path | None, seen: int = 0):
    """The heuristic's routes and objective on its share of the preset's limit (read from
    ``agendas`` when kept there), the wall seconds it took (0 when read), the routes its
    search accepted (``seen`` a day) and the work of keeping them."""
    from scheduler.model.bound import plan_routes
    from scheduler.model.heuristic import WORK_PER_SECOND, solve_heuristic
    from scheduler.solve import HEURISTIC_SHARE, HEURISTIC_SHARE_LARGE, LARGE_MODEL, model_size

    suffix = f"-seen{seen}" if seen else ""
    kept = agendas / f"{preset.name}-seed{seed}{suffix}.json" if agendas is not None else None
    # An agenda kept with more routes seen a day serves too (the agenda is the same with
    # any): the first ``seen`` of each day's, its best (those the search would have kept
    # itself, but where two differ only in the meal's place and one is left out).
    known = [] if agendas is None else sorted(
        (int(path.stem.rsplit("-seen", 1)[1]), path)
        for path in agendas.glob(f"{preset.name}-seed{seed}-seen*.json"))
    known = ([(0, kept)] if not seen and kept is not None and kept.exists() else []) + \
        [(most, path) for most, path in known if most >= seen]
    if known:
        most, path = known[0]
        data = json.loads(path.read_text())
        taken: dict[int, int] = {}
        chosen = []
        for day, requests in data.get("seen", []):
            taken[day] = taken.get(day, 0) + 1
            if taken[day] <= seen:
                chosen.append((day, list(requests)))
        return ([(day, list(requests)) for day, requests in data["routes"]], data["objective"],
                0.0, chosen, data.get("seen work", 0) if seen == most else None)
    share = HEURISTIC_SHARE_LARGE if model_size(instance) > LARGE_MODEL else HEURISTIC_SHARE
    started = time.perf_counter()
    budget = int(share * preset.time_limit * WORK_PER_SECOND)
    found = solve_heuristic(instance, seed=seed, work=budget, seen_routes=seen)
    seconds = time.perf_counter() - started
    routes = plan_routes(found.days)
    seen_work = found.seen_work
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps({"routes": routes, "objective": found.objective,
                                    "seen": found.seen, "seen work": seen_work}))
    return routes, found.objective, seconds, found.seen, seen_work


def relaxed_objective(instance, routes, charge_waiting: bool = False) -> int:
    """The objective the route relaxation gives the agenda's own days (``route_cost`` of each
    route, the empty route's on a day without one): above the agenda's objective by what a
    column leaves out (on the generated tours, the waiting time). With ``charge_waiting``,
    the columns' costs with waiting charged (``column_cost``)."""
    from scheduler.model.bound.days import pricing_day
    from scheduler.model.bound.columns import column_cost

    days = {day.index: pricing_day(instance, day.index, charge_waiting=charge_waiting)
            for day in instance.days}
    total = {index: day.empty_cost for index, day in days.items()}
    for index, requests in routes:
        node_of = {request: node for node, request in enumerate(days[index].requests)}
        nodes = [node_of[request] for request in requests]
        total[index] = column_cost(days[index], nodes) if charge_waiting \
            else days[index].route_cost(nodes)
    return sum(total.values())


def measure(preset, seed: int, seconds: float, engine: bool, work: float | None = None,
            agenda: bool = False, agendas: Path | None = None,
            agenda_seconds: float | None = None, waiting: bool | None = None,
            seen: int = 0) -> dict:
    """One preset and seed: the heuristic's agenda, the route bound and (``engine``) the solve."""
    from scheduler.model.bound import route_bound
    from scheduler.model.instance import build_instance
    from scheduler.solve import SolveParams, solve

    problem, _ = load_generated(preset, seed)
    instance = build_instance(problem)
    routes, objective, heuristic_seconds, seen_routes, seen_work = \
        heuristic_agenda(preset, seed, instance, agendas, seen)
    first = routes + seen_routes  # the agenda's first, then the routes seen
    started = time.perf_counter()
    cpu = time.process_time()
    if work is None:
        result = route_bound(instance, work=10**12, routes=first,
                             out_of_time=lambda: time.perf_counter() - started > seconds,
                             charge_waiting=waiting)
    else:
        result = route_bound(instance, work=int(work * 1e6), routes=first,
                             target=objective, charge_waiting=waiting)
    row = {"preset": preset.name, "seed": seed, "agenda": objective,
           "agenda relaxed": relaxed_objective(instance, routes),
           "agenda charged": relaxed_objective(instance, routes, True),
           "heuristic s": round(heuristic_seconds, 1), "seen": len(seen_routes),
           "seen work": seen_work, "route bound": result.bound,
           "master": round(result.relaxation or 0), "converged": result.converged,
           "rounds": result.rounds, "work": result.work,
           "bound s": round(time.perf_counter() - started, 1),
           "bound cpu s": round(time.process_time() - cpu, 1)}
    if result.bound:
        row["gap"] = f"{(result.bound - objective) / objective:.2%}"
    row.update(phases(result.history))
    if agenda:
        row.update(_columns_agenda(instance, result, objective, preset.time_limit,
                                   agenda_seconds))
    if engine:
        solved = solve(problem, SolveParams(time_limit=preset.time_limit, seed=seed))
        row.update({"engine objective": solved.objective, "cp-sat bound": solved.bound,
                    "engine gap": f"{solved.gap:.2%}" if solved.gap is not None else None})
    return row


def phases(history) -> dict:
    """The generation's course from its rounds (``RouteBound.history``): fast rounds before
    the first exact one and the work at their end, the work at the first exact bound, and the
    best bound of the exact rounds ended within 20 M and 40 M units of work."""
    fast = next((i for i, (_, _, bound) in enumerate(history) if bound is not None),
                len(history))
    row = {"fast rounds": fast, "fast work M": round(history[fast - 1][0] / 1e6, 1)
           if fast else 0.0,
           "first bound work M": round(history[fast][0] / 1e6, 1) if fast < len(history)
           else None}
    for most in (20, 40):
        bounds = [bound for used, _, bound in history if bound is not None and used <= most * 1e6]
        row[f"bound at {most}M"] = math.floor(min(bounds) + 1e-3) if bounds else None
    return row


def _columns_agenda(instance, result, heuristic_objective: int, limit: float,
                    seconds: float | None = None) -> dict:
    """The best choice of the columns and the agenda CP-SAT makes of it, as in a solve (or
    each on ``seconds`` deterministic seconds, reporting whether CP-SAT proved it)."""
    from ortools.sat.python import cp_model

    from scheduler.model.bound import select_routes
    from scheduler.model.cpmodel import PlannerModel
    from scheduler.solve_route_bound import POOL_AGENDA_SHARE, POOL_SELECTION_SHARE, \
        hint_pool_agenda

    chosen = select_routes(instance, result.columns,
                           deterministic_seconds=seconds or POOL_SELECTION_SHARE * limit,
                           wall_seconds=600 if seconds else 60)
    row = {"selection": chosen and chosen.objective}
    if chosen is not None and chosen.objective > heuristic_objective:
        planner = PlannerModel(instance)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 2
        solver.parameters.interleave_search = True
        solver.parameters.random_seed = 1
        solver.parameters.max_deterministic_time = seconds or POOL_AGENDA_SHARE * limit
        used, hinted, _ = hint_pool_agenda(planner, chosen, heuristic_objective, solver)
        row.update({"columns' agenda": solver.objective_value if hinted else None,
                    "agenda det s": round(used, 2),
                    "agenda proven": hinted and solver.response_proto.status == cp_model.OPTIMAL})
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", action="append", choices=[p.name for p in PRESETS])
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--work", type=float, help="million units of work instead of --seconds")
    parser.add_argument("--agenda", action="store_true")
    parser.add_argument("--engine", action="store_true")
    parser.add_argument("--agendas", type=Path, help="folder keeping the heuristic's agendas")
    parser.add_argument("--agenda-seconds", type=float,
                        help="CP-SAT's deterministic seconds for --agenda's two steps")
    parser.add_argument("--waiting", action=argparse.BooleanOptionalAction, default=None,
                        help="charge waiting in the columns and the pricing (default: "
                             "CHARGE_WAITING of scheduler.model.bound.generation)")
    parser.add_argument("--seen", type=int, default=0,
                        help="also start from the routes the heuristic's search accepted, "
                             "the best N a day (default 0: from its agenda alone)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)8.0f ms %(message)s")
    logging.getLogger("scheduler.model.heuristic").setLevel(logging.WARNING)
    names = args.preset or ["r60-d7", "r120-d7", "r300-d14"]
    for name in names:
        preset = next(p for p in PRESETS if p.name == name)
        for seed in args.seed or [1]:
            print(measure(preset, seed, args.seconds, args.engine, args.work, args.agenda,
                          args.agendas, args.agenda_seconds, args.waiting, args.seen),
                  flush=True)


if __name__ == "__main__":
    main()
