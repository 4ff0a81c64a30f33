"""Runs the scheduler's engine (and, side by side, peer solvers) on public TOPTW instances.

Usage::

    python benchmarks/toptw.py INSTANCE_FILE_OR_FOLDER --tours M --time-limit S
        [--seed N] [--json] [--peers pyvrp,vroom,routing] [--out TABLE.md] [--summary]
        [--decimals D] [--engine-decimals E]

For one file it prints one JSON object: ``instance``, ``tours``, ``score``, ``routes`` (one list
of vertex ids per tour, in visiting order, without vertex 0), ``seconds``, ``bound`` (or
null) and ``proven_optimal``, all from OUR engine (``scheduler.solve``) on the instance mapped
onto the scheduler's domain (:mod:`benchmarks.to_domain`); with ``--peers`` a ``peers`` object
holds the peers' answers. For a folder it runs every file, one solver at a time, and writes a
markdown table (to ``--out`` or standard output) with the gap to the known optima; ``--json``
then prints one JSON object per instance instead. Every answer, ours and the peers', is scored
by :func:`benchmarks.route_check.check_routes_in_file`, which reads the instance file itself,
exactly, at ``--decimals``; an answer it refuses is reported as invalid.

Precision: ``--decimals`` is the precision the instance's travel is truncated to (1 for the
Solomon sets, 2 for the Cordeau-based ones); times that are not exact at it are refused. The
solvers work at ``--engine-decimals`` (default: at most 1): a finer instance is mapped onto
it conservatively (travel and service rounded up, windows narrowed; see
:func:`benchmarks.instances.coarsen`), every solver gets the same mapped instance, the score
is the exact checker's, and the JSON's ``mapping`` says what the mapping cost.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.instances import (  # noqa: E402
    BEST_KNOWN_M1, KNOWN_OPTIMA_M1, InstanceError, ToptwInstance, coarsen, instance_files,
    read_instance,
)
from benchmarks.peers import PEERS, PeerUnavailable  # noqa: E402
from benchmarks.route_check import RouteViolation, check_routes, check_routes_in_text  # noqa: E402
from benchmarks.to_domain import instance_to_problem, routes_from_engagements  # noqa: E402
from scheduler.errors import SchedulerError  # noqa: E402

OURS = "ours"


class EngineMissing(RuntimeError):
    """The scheduler's engine (``scheduler.solve``) cannot be imported."""


@dataclass(slots=True)
class SolverRun:
    """One solver's checked answer to one instance.

    ``score`` is ``None`` when the answer was refused by the route checker (``error`` says
    why) or the solver failed.
    """

    solver: str
    score: int | None
    routes: list[list[int]]
    seconds: float
    bound: float | None = None
    proven_optimal: bool = False
    status: str = ""
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class InstanceRun:
    """Every solver's run on one instance with ``tours`` tours."""

    instance: str
    tours: int
    ours: SolverRun | None
    peers: dict[str, SolverRun]
    mapping: dict[str, int] | None = None  # what mapping onto the engine's unit cost

    @property
    def runs(self) -> list[SolverRun]:
        return ([self.ours] if self.ours is not None else []) + list(self.peers.values())

    @property
    def optimum(self) -> int | None:
        """The proven optimum (one tour only), or ``None``."""
        return KNOWN_OPTIMA_M1.get(self.instance) if self.tours == 1 else None

    @property
    def best_in_run(self) -> int | None:
        scores = [run.score for run in self.runs if run.score is not None]
        return max(scores) if scores else None

    @property
    def reference(self) -> int | None:
        """What gaps are measured against: the optimum, else the best known or reached score."""
        if self.optimum is not None:
            return self.optimum
        known = BEST_KNOWN_M1.get(self.instance) if self.tours == 1 else None
        candidates = [s for s in (known, self.best_in_run) if s is not None]
        return max(candidates) if candidates else None

    def gap(self, run: SolverRun) -> float | None:
        """Percent below the reference (0 when it is reached), ``None`` for a refused answer."""
        reference = self.reference
        if run.score is None or not reference:
            return None
        return 100.0 * (reference - run.score) / reference


def load_engine() -> tuple[Callable[..., Any], type]:
    """``(solve, SolveParams)`` from ``scheduler.solve``; raises :class:`EngineMissing`."""
    try:
        from scheduler.solve import SolveParams, solve
    except ImportError as error:
        raise EngineMissing(
            f"the scheduler's engine is not available: cannot import solve and SolveParams from "
            f"scheduler.solve ({error}). Use --no-engine to run the peers alone.") from error
    return solve, SolveParams


def _checked(instance: ToptwInstance, tours: int, run: SolverRun,
             source: tuple[str, int] | None = None) -> SolverRun:
    """Score ``run`` with the independent route checker, or mark it refused; with ``source``
    (the instance file's text and its decimals) the checker reads the file itself."""
    try:
        run.score = check_routes_in_text(source[0], source[1], tours, run.routes).score \
            if source is not None else check_routes(instance, tours, run.routes).score
    except RouteViolation as violation:
        run.score = None
        run.error = f"refused by the route checker: {violation}"
    return run


def parse_solver_options(items: Sequence[str]) -> dict[str, bool | int | float | str]:
    """``KEY=VALUE`` pairs for ``SolveParams.extra`` (CP-SAT parameters); values typed."""
    options: dict[str, bool | int | float | str] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ValueError(f"{item!r} is not KEY=VALUE")
        value: bool | int | float | str
        if text.lower() in ("true", "false"):
            value = text.lower() == "true"
        else:
            try:
                value = int(text)
            except ValueError:
                try:
                    value = float(text)
                except ValueError:
                    value = text
        options[key] = value
    return options


def run_ours(instance: ToptwInstance, tours: int, time_limit: float, seed: int,
             solver_options: dict[str, Any] | None = None,
             source: tuple[str, int] | None = None) -> SolverRun:
    """Solve ``instance`` with the scheduler's engine through its own domain, and check it.

    The engine's progress callback, where it has one, gives the seconds to its final score
    (``seconds_to_best``). An engine that ends without any agenda scores 0 (an empty plan is
    a valid answer) and says why in ``status``.
    """
    solve, solve_params = load_engine()
    problem = instance_to_problem(instance, tours)
    improvements: list[tuple[float, float]] = []
    options: dict[str, Any] = {"time_limit": time_limit, "seed": seed, "workers": 2}
    if solver_options:
        options["extra"] = dict(solver_options)
    if "on_progress" in {f.name for f in dataclasses.fields(solve_params)}:
        options["on_progress"] = lambda p: improvements.append((float(p.objective), float(p.seconds)))
    started = time.perf_counter()
    try:
        result = solve(problem, solve_params(**options))
    except SchedulerError as error:
        wall = time.perf_counter() - started
        return SolverRun(solver=OURS, score=0, routes=[[] for _ in range(tours)], seconds=wall,
                         status=f"no agenda: {error}", extra={"wall_seconds": round(wall, 3)})
    wall = time.perf_counter() - started
    plan = result.plan
    engagements = plan.engagements if plan is not None else ()
    status = str(result.status)
    bound = result.bound
    run = SolverRun(
        solver=OURS, score=None, routes=routes_from_engagements(problem, engagements),
        seconds=float(result.seconds), bound=float(bound) if bound is not None else None,
        proven_optimal=status == "optimal", status=status,
        extra={"wall_seconds": round(wall, 3),
               "stopped_by": "clock" if result.stopped_by_clock else "budget"},
    )
    if improvements:
        final = max(objective for objective, _ in improvements)
        run.extra["seconds_to_best"] = round(min(s for o, s in improvements if o == final), 3)
    run = _checked(instance, tours, run, source)
    if run.score is not None and result.value_served != run.score:
        # The engine's own account disagrees with the checker: worth a look, not a refusal.
        run.extra["engine_value_served"] = result.value_served
    return run


def run_peer(name: str, instance: ToptwInstance, tours: int, time_limit: float, seed: int,
             source: tuple[str, int] | None = None) -> SolverRun:
    """Solve ``instance`` with the peer ``name`` and check its answer."""
    answer = PEERS[name](instance, tours, time_limit, seed)
    run = SolverRun(solver=name, score=None, routes=[list(r) for r in answer.routes],
                    seconds=answer.seconds, status=answer.note)
    return _checked(instance, tours, run, source)


def run_instance(path: Path, tours: int, time_limit: float, seed: int, peers: Sequence[str],
                 with_engine: bool = True, solver_options: dict[str, Any] | None = None,
                 decimals: int = 1, engine_decimals: int | None = None) -> InstanceRun:
    """Run our engine (unless ``with_engine`` is false) then each peer, one after the other.

    The instance is read at ``decimals``; every solver works on it mapped onto
    ``engine_decimals`` (default: at most 1) and every answer is judged on the file itself.
    """
    text = path.read_text(encoding="utf-8")
    exact = read_instance(path, decimals)
    instance, cost = coarsen(exact, min(decimals, 1) if engine_decimals is None else engine_decimals)
    source = (text, decimals)
    ours = run_ours(instance, tours, time_limit, seed, solver_options, source) if with_engine else None
    peer_runs = {name: run_peer(name, instance, tours, time_limit, seed, source) for name in peers}
    mapping = cost.as_dict() if cost.factor > 1 else None
    return InstanceRun(exact.name, tours, ours, peer_runs, mapping)


def _run_json(run: SolverRun) -> dict[str, Any]:
    data: dict[str, Any] = {"score": run.score, "routes": run.routes, "seconds": round(run.seconds, 3)}
    if run.solver == OURS:
        data.update(bound=run.bound, proven_optimal=run.proven_optimal, status=run.status)
    if run.error:
        data["error"] = run.error
    elif run.status and run.solver != OURS:
        data["note"] = run.status
    data.update(run.extra)
    return data


def instance_json(run: InstanceRun) -> dict[str, Any]:
    """The JSON object of one instance: our answer at the top level, peers under ``peers``."""
    data: dict[str, Any] = {"instance": run.instance, "tours": run.tours}
    if run.ours is not None:
        data.update(_run_json(run.ours))
    else:
        data.update(score=None, routes=None, seconds=None, bound=None, proven_optimal=False,
                    note="engine not run (--no-engine)")
    data["optimum"] = run.optimum
    if run.mapping is not None:
        data["mapping"] = run.mapping
    if run.peers:
        data["peers"] = {name: _run_json(peer) for name, peer in run.peers.items()}
    return data


def _run_from_json(solver: str, data: dict[str, Any]) -> SolverRun:
    extra = {k: data[k] for k in ("wall_seconds", "seconds_to_best", "stopped_by") if k in data}
    return SolverRun(solver=solver, score=data.get("score"), routes=data.get("routes") or [],
                     seconds=float(data.get("seconds") or 0.0), bound=data.get("bound"),
                     proven_optimal=bool(data.get("proven_optimal", False)),
                     status=str(data.get("status", data.get("note", ""))),
                     error=str(data.get("error", "")), extra=extra)


def runs_from_json_lines(text: str) -> list[InstanceRun]:
    """Read back the runs that ``--json`` printed (one object a line), without solving."""
    runs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        ours = _run_from_json(OURS, data) if data.get("routes") is not None else None
        peers = {name: _run_from_json(name, peer) for name, peer in data.get("peers", {}).items()}
        runs.append(InstanceRun(data["instance"], int(data["tours"]), ours, peers))
    return runs


def _cell_score(run: SolverRun) -> str:
    if run.score is None:
        return "invalid"
    return f"**{run.score}**" if run.proven_optimal else str(run.score)


def markdown_table(runs: Sequence[InstanceRun], solvers: Sequence[str]) -> str:
    """The table: instance, optimum (m = 1), per solver score / seconds / gap, and the best."""
    head = ["instance", "optimum"]
    align = ["---", "---:"]
    for solver in solvers:
        head += [solver, "s", "gap %"]
        align += ["---:", "---:", "---:"]
    head.append("best")
    align.append("---")
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    for run in runs:
        by_name = {r.solver: r for r in run.runs}
        optimum = run.optimum
        if optimum is None and run.tours == 1 and run.instance in BEST_KNOWN_M1:
            optimum_text = f"({BEST_KNOWN_M1[run.instance]})"
        else:
            optimum_text = str(optimum) if optimum is not None else "–"
        cells = [run.instance, optimum_text]
        for solver in solvers:
            solver_run = by_name.get(solver)
            if solver_run is None:
                cells += ["–", "–", "–"]
                continue
            gap = run.gap(solver_run)
            cells += [_cell_score(solver_run), f"{solver_run.seconds:.2f}",
                      f"{gap:.1f}" if gap is not None else "–"]
        best = run.best_in_run
        winners = [r.solver for r in run.runs if r.score is not None and r.score == best]
        cells.append(f"{best} ({', '.join(winners)})" if best is not None else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def summary_lines(runs: Sequence[InstanceRun], solvers: Sequence[str]) -> list[str]:
    """Per solver: optima reached (m = 1), best-in-run reached, mean gap, median seconds."""
    lines = []
    with_optimum = [run for run in runs if run.optimum is not None]
    for solver in solvers:
        pairs = [(run, r) for run in runs for r in run.runs if r.solver == solver]
        if not pairs:
            continue
        gaps = [g for run, r in pairs if (g := run.gap(r)) is not None]
        seconds = [r.seconds for _, r in pairs]
        parts = []
        if with_optimum:
            reached = sum(1 for run, r in pairs if run.optimum is not None and r.score == run.optimum)
            parts.append(f"optimum reached on {reached}/{len(with_optimum)}")
        best = sum(1 for run, r in pairs if r.score is not None and r.score == run.best_in_run)
        parts.append(f"best of the run on {best}/{len(pairs)}")
        if solver == OURS:
            parts.append(f"proven optimal {sum(1 for _, r in pairs if r.proven_optimal)}/{len(pairs)}")
        invalid = sum(1 for _, r in pairs if r.score is None)
        if invalid:
            parts.append(f"invalid {invalid}")
        parts.append(f"mean gap {statistics.fmean(gaps):.2f} %" if gaps else "mean gap –")
        parts.append(f"median {statistics.median(seconds):.2f} s")
        to_best = [r.extra["seconds_to_best"] for _, r in pairs if "seconds_to_best" in r.extra]
        if to_best:
            parts.append(f"median to final score {statistics.median(to_best):.2f} s")
        if solver == OURS:
            stops = [r.extra["stopped_by"] for _, r in pairs if "stopped_by" in r.extra]
            if stops:
                parts.append(f"stopped by the clock on {stops.count('clock')}/{len(stops)}")
            parts.extend(against_best_peer(runs))
        lines.append(f"{solver}: " + ", ".join(parts))
    return lines


def against_best_peer(runs: Sequence[InstanceRun]) -> list[str]:
    """Ours against the best peer of each run: how often at least as good, and the worst
    shortfall (the targets of the engine are stated this way)."""
    compared = []
    for run in runs:
        ours = next((r for r in run.runs if r.solver == OURS), None)
        peers = [r.score for r in run.runs if r.solver != OURS and r.score is not None]
        if ours is None or not peers:
            continue
        best_peer = max(peers)
        score = ours.score if ours.score is not None else 0
        compared.append((run.instance, score, best_peer))
    if not compared:
        return []
    at_least = sum(1 for _, score, peer in compared if score >= peer)
    parts = [f"at least the best peer on {at_least}/{len(compared)}"]
    below = [(100.0 * (peer - score) / peer, name) for name, score, peer in compared
             if score < peer and peer > 0]
    if below:
        worst, name = max(below)
        parts.append(f"below it on {len(below)} (worst {worst:.2f} % on {name})")
    return parts


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmarks/toptw.py",
        description="Solve TOPTW instances with the scheduler's engine and, side by side, peer "
                    "solvers; every answer is re-checked by one independent route checker.",
        epilog="example: python benchmarks/toptw.py ../shared/toptw/solomon --tours 1 "
               "--time-limit 10 --peers pyvrp,vroom,routing --out table.md --summary",
    )
    parser.add_argument("path", type=Path, help="an instance file, or a folder of *.txt instances")
    parser.add_argument("--tours", type=int, default=1, help="number of tours m (default 1)")
    parser.add_argument("--time-limit", type=float, default=10.0,
                        help="seconds per solver and instance (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--json", action="store_true",
                        help="compact JSON: one object per instance, one per line")
    parser.add_argument("--peers", default="",
                        help="comma-separated peers to run as well: " + ",".join(PEERS))
    parser.add_argument("--out", type=Path, help="write the markdown table here (folder runs)")
    parser.add_argument("--summary", action="store_true",
                        help="print a summary: optima reached, mean gap, median seconds")
    parser.add_argument("--decimals", type=int, default=1,
                        help="decimals the instances' travel is truncated to: 1 for the Solomon "
                             "sets (default), 2 for the Cordeau-based ones; times must be exact")
    parser.add_argument("--engine-decimals", type=int,
                        help="decimals the solvers work at (default: at most 1); a finer instance "
                             "is mapped conservatively, travel rounded up")
    parser.add_argument("--no-engine", action="store_true",
                        help="do not run our engine (peers only; for checking the harness)")
    parser.add_argument("--cp-sat", action="append", default=[], metavar="KEY=VALUE",
                        help="a CP-SAT parameter for our engine (SolveParams.extra), for "
                             "experiments: e.g. --cp-sat interleave_search=false (repeatable)")
    parser.add_argument("--from-json", action="store_true",
                        help="PATH is a file of --json output: rebuild its table and summary, "
                             "solving nothing")
    return parser


def _write_report(args: argparse.Namespace, table: str, summary: list[str], single: bool) -> None:
    """The table to ``--out`` (with the summary when asked) or to standard output."""
    if args.out is not None:
        text = table + ("\n" + "\n".join(f"- {line}" for line in summary) + "\n" if args.summary else "")
        args.out.write_text(text, encoding="utf-8")
    elif not single and not args.json:
        print(table, end="")
    if args.summary:
        for line in summary:
            print(line, file=sys.stderr if args.json else sys.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (1 if an answer was refused)."""
    args = _parser().parse_args(argv)
    peers = [name.strip() for name in args.peers.split(",") if name.strip()]
    unknown = [name for name in peers if name not in PEERS]
    if unknown:
        print(f"toptw: unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEERS)}",
              file=sys.stderr)
        return 2
    if args.tours < 1 or args.time_limit <= 0:
        print("toptw: --tours must be at least 1 and --time-limit above 0", file=sys.stderr)
        return 2
    if args.from_json:
        runs = runs_from_json_lines(args.path.read_text(encoding="utf-8"))
        solvers = list(dict.fromkeys(r.solver for run in runs for r in run.runs))
        _write_report(args, markdown_table(runs, solvers), summary_lines(runs, solvers), single=False)
        return 0
    try:
        solver_options = parse_solver_options(args.cp_sat)
    except ValueError as error:
        print(f"toptw: --cp-sat: {error}", file=sys.stderr)
        return 2
    try:
        files = instance_files(args.path)
        if not args.no_engine:
            load_engine()
    except (InstanceError, EngineMissing) as error:
        print(f"toptw: {error}", file=sys.stderr)
        return 2
    single = args.path.is_file()
    runs: list[InstanceRun] = []
    for path in files:
        try:
            run = run_instance(path, args.tours, args.time_limit, args.seed, peers,
                               with_engine=not args.no_engine, solver_options=solver_options,
                               decimals=args.decimals, engine_decimals=args.engine_decimals)
        except (InstanceError, PeerUnavailable) as error:
            print(f"toptw: {path.name}: {error}", file=sys.stderr)
            return 2
        runs.append(run)
        if args.json or single:
            print(json.dumps(instance_json(run)), flush=True)
        else:
            scores = ", ".join(f"{r.solver} {r.score if r.score is not None else 'invalid'} "
                               f"({r.seconds:.1f} s)" for r in run.runs)
            print(f"{run.instance}: {scores}", file=sys.stderr, flush=True)
    solvers = ([] if args.no_engine else [OURS]) + peers
    _write_report(args, markdown_table(runs, solvers), summary_lines(runs, solvers), single)
    refused = any(r.score is None for run in runs for r in run.runs)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
