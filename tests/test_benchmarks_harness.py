"""The benchmark harness: instance reader, route checker, domain mapping, peers, CLI, generator."""

from __future__ import annotations

import csv
import io
import itertools
import json
import sys
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` lives at the repository root, beside `scheduler`
    sys.path.insert(0, str(ROOT))

from benchmarks import generate, toptw  # noqa: E402
from benchmarks.instances import (  # noqa: E402
    KNOWN_OPTIMA_M1, InstanceError, parse_instance, read_instance,
)
from benchmarks.route_check import RouteViolation, check_routes  # noqa: E402
from benchmarks.to_domain import (  # noqa: E402
    EPOCH, day_period_minutes, instance_to_problem, routes_from_engagements,
)
from scheduler.domain import Engagement  # noqa: E402

DATA = Path(__file__).parent / "data" / "toptw"

# Three customers; scaled by 10: Tmax 100; d(0,1)=50, d(0,2)=100, d(1,2)=50, d(0,3)=10, d(1,3)=42.
TINY = """\
4 1 3 1
0 200
  0 0.00 0.00 0.00 0.00 0 0 0 10.0
  1 3.00 4.00 1.00 10.00 1 1 1 0.0 5.0
  2 6.00 8.00 1.50 20.00 1 1 1 7.0 9.0
  3 0.00 1.00 0.50 5.00 1 1 1 0.0 10.0
"""


@pytest.fixture(scope="module")
def c101():
    return read_instance(DATA / "c101.txt")


@pytest.fixture(scope="module")
def r101():
    return read_instance(DATA / "r101.txt")


@pytest.fixture
def tiny():
    return parse_instance(TINY, "tiny")


def cut(instance_text: str, customers: int, name: str):
    """The instance restricted to its first ``customers`` customers (header adjusted)."""
    lines = instance_text.splitlines()
    header = lines[0].split()
    header[2] = str(customers)
    return parse_instance("\n".join([" ".join(header), lines[1]] + lines[2:3 + customers]), name)


# -- reader ------------------------------------------------------------------------------------

def test_reader_parses_c101_depot_and_first_customer(c101):
    """c101: 100 customers, Tmax 1236 -> 12360, vertex 1 scaled exactly (service 90 -> 900)."""
    assert c101.name == "c101"
    assert len(c101.customers) == 100
    assert c101.tmax == 12360
    first = c101.vertices[1]
    assert (first.x, first.y, first.service, first.profit, first.open, first.close) == (45, 68, 900, 10, 9120, 9670)
    last = c101.vertices[100]
    assert (last.profit, last.open, last.close) == (20, 6470, 7260)
    assert c101.total_profit == sum(v.profit for v in c101.customers)


def test_reader_truncates_distances_to_one_decimal(c101):
    """sqrt(349) = 18.68...: truncated to 18.6 -> 186 scaled (rounding would give 187)."""
    assert c101.distance(0, 1) == 186
    assert c101.distance(1, 0) == 186
    assert c101.distance(1, 1) == 0


def test_reader_refuses_a_time_that_is_not_exact_after_scaling():
    """A window of 5.05 time units is 50.5 scaled: refused, not rounded."""
    with pytest.raises(InstanceError, match="not a whole number"):
        parse_instance(TINY.replace("0.0 5.0", "0.0 5.05"), "bad")


def test_reader_refuses_a_vertex_count_that_does_not_match_the_header():
    """The header announces 3 customers; a file with 2 is refused."""
    with pytest.raises(InstanceError, match="announces 3 customers"):
        parse_instance("\n".join(TINY.splitlines()[:-1]), "short")


def test_reader_takes_a_header_broken_at_another_place():
    """c204 of the 200 series puts "2" on line 1 and "4 100 1 0 700" on line 2: the same six
    numbers as every other file, read the same."""
    lines = TINY.splitlines()
    header, second = lines[0].split(), lines[1].split()
    broken = "\n".join([header[0], " ".join(header[1:] + second)] + lines[2:])
    assert parse_instance(broken, "broken") == parse_instance(TINY, "broken")


def test_known_optima_cover_the_27_closed_instances():
    """27 of the 29 Solomon instances have a proven optimum for one tour (not r104, r108)."""
    assert len(KNOWN_OPTIMA_M1) == 27
    assert "r104" not in KNOWN_OPTIMA_M1 and "r108" not in KNOWN_OPTIMA_M1
    assert KNOWN_OPTIMA_M1["c101"] == 320 and KNOWN_OPTIMA_M1["rc108"] == 298


# -- route checker -----------------------------------------------------------------------------

def test_checker_accepts_a_hand_verified_route(r101):
    """r101, route 5-3-1 (scaled): 0->5 arrive 206, wait to 340 (<= 440), leave 440; 5->3 (427)
    arrive 867, wait to 1160 (<= 1260), leave 1260; 3->1 (145) arrive 1405, wait to 1610
    (<= 1710), leave 1710; 1->0 (152) back at 1862 <= 2300. Score 26 + 13 + 10 = 49."""
    result = check_routes(r101, 1, [[5, 3, 1]])
    assert result.score == 49
    route = result.routes[0]
    assert route.arrivals == (206, 867, 1405)
    assert route.starts == (340, 1160, 1610)
    assert route.back == 1862
    assert route.travel == 206 + 427 + 145 + 152


def test_checker_accepts_empty_and_missing_routes(tiny):
    """Tours that stay at the depot score 0; fewer routes than tours is allowed."""
    assert check_routes(tiny, 2, []).score == 0
    assert check_routes(tiny, 2, [[3], []]).score == 5


def test_checker_refuses_a_start_after_the_window(tiny):
    """Route 3-1: vertex 1 is reached at 10 + 5 + 42 = 57, after its window closes at 50."""
    with pytest.raises(RouteViolation, match="after the window closes"):
        check_routes(tiny, 1, [[3, 1]])


def test_checker_refuses_a_late_return(tiny):
    """Route 1: service ends at 60, back at the depot at 110 > Tmax 100."""
    with pytest.raises(RouteViolation, match="after Tmax"):
        check_routes(tiny, 1, [[1]])


def test_checker_refuses_a_vertex_visited_twice(tiny):
    """Vertex 3 in two routes."""
    with pytest.raises(RouteViolation, match="visited twice"):
        check_routes(tiny, 2, [[3], [3]])


def test_checker_refuses_a_vertex_twice_in_one_route(tiny):
    """Vertex 3 twice in the same route."""
    with pytest.raises(RouteViolation, match="visited twice"):
        check_routes(tiny, 1, [[3, 3]])


def test_checker_refuses_more_routes_than_tours(tiny):
    """Two routes for one tour."""
    with pytest.raises(RouteViolation, match="2 routes for 1 tours"):
        check_routes(tiny, 1, [[3], []])


@pytest.mark.parametrize("vertex, message", [(0, "depot"), (4, "does not exist"), (-1, "does not exist"),
                                             ("3", "not an integer"), (True, "not an integer")])
def test_checker_refuses_vertices_that_are_not_customers(tiny, vertex, message):
    """The depot, ids out of range and non-integers are refused."""
    with pytest.raises(RouteViolation, match=message):
        check_routes(tiny, 1, [[vertex]])


# -- domain mapping ----------------------------------------------------------------------------

def test_mapping_builds_one_day_per_tour(c101):
    """Two tours: two days of Tmax minutes, on their own dates, starting and ending at v0."""
    problem = instance_to_problem(c101, 2)
    days = problem.tour.days
    period = day_period_minutes(c101)
    assert period % 1440 == 0 and period >= c101.tmax + 1440
    assert [d.start for d in days] == [EPOCH, EPOCH + timedelta(minutes=period)]
    assert all(d.end - d.start == timedelta(minutes=12360) for d in days)
    assert len({d.date for d in days}) == 2
    assert all(d.start_location == d.end_location == "v0" and d.meal_window is None for d in days)


def test_mapping_windows_bound_the_whole_engagement(c101):
    """v1 (window 912-967, service 90): [day + 9120, day + 9670 + 900] on each day, 900 minutes."""
    problem = instance_to_problem(c101, 2)
    request = problem.request("v1")
    assert request.duration_minutes == 900 and request.value == 10 and request.location_id == "v1"
    assert [(w.start - d.start, w.end - d.start) for w, d in zip(request.windows, problem.tour.days)] == \
        [(timedelta(minutes=9120), timedelta(minutes=10570))] * 2
    assert len(problem.requests) == 100


def test_mapping_travel_and_rules(c101):
    """Travel is the truncated distance for every ordered pair; only the value counts."""
    problem = instance_to_problem(c101, 1)
    assert problem.travel.between("v0", "v1") == 186
    assert problem.travel.between("v57", "v63") == c101.distance(57, 63)
    assert len(problem.travel.minutes) == 101 * 100
    assert not problem.travel.estimated
    tour = problem.tour
    assert tour.min_buffer_minutes == 0 and tour.max_engagements_per_day >= 100
    assert (tour.objective.value_weight, tour.objective.travel_weight, tour.objective.span_weight) == (1, 0, 0)


def test_mapping_refuses_a_customer_without_service_time():
    """A request lasts more than 0 minutes: a customer with service 0 is refused."""
    instance = parse_instance(TINY.replace("3 0.00 1.00 0.50", "3 0.00 1.00 0.00"), "zero")
    with pytest.raises(InstanceError, match="service time of 0"):
        instance_to_problem(instance, 1)


def test_engagements_map_back_to_routes_in_start_order(c101):
    """Engagements on day 1 and day 0 come back as one route per day, ordered by start."""
    problem = instance_to_problem(c101, 2)
    day0, day1 = problem.tour.days

    def engagement(vertex, day, minute):
        start = day.start + timedelta(minutes=minute)
        return Engagement(f"v{vertex}", day.date, start, start + timedelta(minutes=900), f"v{vertex}")

    engagements = [engagement(7, day1, 500), engagement(5, day0, 3000), engagement(9, day0, 100)]
    assert routes_from_engagements(problem, engagements) == [[9, 5], [7]]


# -- peers and the command line ----------------------------------------------------------------

@pytest.mark.parametrize("peer, module", [("pyvrp", "pyvrp"), ("vroom", "vroom"), ("routing", "ortools")])
def test_peer_answers_pass_the_checker(r101, peer, module):
    """Each peer (when installed) finds the optimum of a 12-customer cut of r101 in a second."""
    pytest.importorskip(module)
    from benchmarks.peers import PEERS

    instance = cut((DATA / "r101.txt").read_text(), 12, "r101-12")
    answer = PEERS[peer](instance, 1, 1.0, 0)
    assert check_routes(instance, 1, answer.routes).score == exact_optimum(instance)


def exact_optimum(instance) -> int:
    """Best score of one tour by dynamic programming over subsets (tiny instances only)."""
    customers = [v.index for v in instance.customers]
    best_time = {(0, 0): 0}  # (visited mask, last vertex) -> earliest departure
    score = 0
    for size in range(len(customers) + 1):
        layer = {key: t for key, t in best_time.items() if bin(key[0]).count("1") == size}
        for (mask, last), leave in layer.items():
            if leave + instance.distance(last, 0) <= instance.tmax:
                score = max(score, sum(instance.vertices[c].profit for i, c in enumerate(customers)
                                       if mask >> i & 1))
            for i, vertex in enumerate(customers):
                if mask >> i & 1:
                    continue
                v = instance.vertices[vertex]
                start = max(leave + instance.distance(last, vertex), v.open)
                if start > v.close:
                    continue
                key = (mask | 1 << i, vertex)
                if start + v.service < best_time.get(key, 1 << 60):
                    best_time[key] = start + v.service
    return score


def test_exact_optimum_oracle_agrees_with_brute_force(tiny):
    """The test's DP oracle agrees with trying every order of the tiny instance."""
    best = 0
    for size in range(4):
        for order in itertools.permutations([1, 2, 3], size):
            try:
                best = max(best, check_routes(tiny, 1, [list(order)]).score)
            except RouteViolation:
                pass
    assert exact_optimum(tiny) == best == 5


def test_engine_proves_the_optimum_of_a_small_cut(tmp_path):
    """End to end: our engine on a 12-customer cut of r101 returns checked routes, proven optimal."""
    instance = cut((DATA / "r101.txt").read_text(), 12, "r101-12")
    run = toptw.run_ours(instance, 1, 5.0, 0)
    assert run.error == ""
    assert run.score == exact_optimum(instance)
    assert run.proven_optimal and run.bound == pytest.approx(run.score)


def test_cli_prints_one_json_object_for_a_file(tmp_path, capsys):
    """One file, no engine, no peer: one JSON object with the documented keys."""
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    assert toptw.main([str(path), "--tours", "1", "--time-limit", "1", "--no-engine", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"instance", "tours", "score", "routes", "seconds", "bound", "proven_optimal"} <= data.keys()
    assert data["instance"] == "tiny" and data["tours"] == 1


def test_cli_has_help_with_an_example(capsys):
    """`toptw.py --help` exits 0 and shows an example command."""
    with pytest.raises(SystemExit) as stop:
        toptw.main(["--help"])
    assert stop.value.code == 0
    assert "example: python benchmarks/toptw.py" in capsys.readouterr().out


def test_cli_refuses_an_unknown_peer(tmp_path, capsys):
    """An unknown peer name is a usage error (exit 2) naming the known peers."""
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    assert toptw.main([str(path), "--peers", "gurobi", "--no-engine"]) == 2
    assert "pyvrp" in capsys.readouterr().err


def test_cli_says_clearly_when_the_engine_is_missing(tmp_path, capsys, monkeypatch):
    """Without scheduler.solve the harness stops with exit 2 and says what is missing."""
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    monkeypatch.setitem(sys.modules, "scheduler.solve", None)
    assert toptw.main([str(path)]) == 2
    assert "engine is not available" in capsys.readouterr().err


def test_table_and_summary_report_gaps_to_the_optimum():
    """A run at the optimum has gap 0; one 16 below 320 has gap 5.0; the best column names both."""
    ours = toptw.SolverRun("ours", 320, [[1]], 2.0, bound=320.0, proven_optimal=True, status="optimal")
    peer = toptw.SolverRun("vroom", 304, [[1]], 0.1)
    run = toptw.InstanceRun("c101", 1, ours, {"vroom": peer})
    table = toptw.markdown_table([run], ["ours", "vroom"])
    assert "| c101 | 320 | **320** | 2.00 | 0.0 | 304 | 0.10 | 5.0 | 320 (ours) |" in table
    summary = toptw.summary_lines([run], ["ours", "vroom"])
    assert summary[0].startswith("ours: optimum reached on 1/1")
    assert "mean gap 5.00 %" in summary[1]
    assert "at least the best peer on 1/1" in summary[0]


def test_summary_counts_runs_at_or_above_the_best_peer_and_the_worst_shortfall():
    """Ours against the best peer of each run: at least as good on one of two, 2.5 % below
    on the other (800 against the best peer's 820, not the worse peer's 790)."""
    first = toptw.InstanceRun("c101", 2, toptw.SolverRun("ours", 600, [[1], [2]], 9.0),
                              {"pyvrp": toptw.SolverRun("pyvrp", 590, [[1], [2]], 10.0)})
    second = toptw.InstanceRun("rc101", 4, toptw.SolverRun("ours", 800, [[1]] * 4, 9.0),
                               {"pyvrp": toptw.SolverRun("pyvrp", 820, [[1]] * 4, 10.0),
                                "vroom": toptw.SolverRun("vroom", 790, [[1]] * 4, 0.2)})
    summary = toptw.summary_lines([first, second], ["ours", "pyvrp", "vroom"])
    assert "at least the best peer on 1/2" in summary[0]
    assert "below it on 1 (worst 2.44 % on rc101)" in summary[0]
    assert not any("best peer" in line for line in summary[1:])


# -- generator ---------------------------------------------------------------------------------

def test_generator_is_deterministic_for_a_seed():
    """Same arguments and seed: the same bytes; another seed: other requests."""
    first = generate.generate_tour(80, 7, 3, seed=4)
    again = generate.generate_tour(80, 7, 3, seed=4)
    other = generate.generate_tour(80, 7, 3, seed=5)
    assert first.files == again.files
    assert first.files["requests.csv"] != other.files["requests.csv"]


@pytest.mark.parametrize("requests, days, cities, seed, excel",
                         [(20, 1, 1, 0, False), (60, 5, 2, 1, True), (400, 14, 4, 2, False)])
def test_generator_output_follows_the_input_format(tmp_path, requests, days, cities, seed, excel):
    """tour.toml parses with the documented keys; requests.csv has one row per request with a
    place or remote mode, a duration and windows the window syntax accepts; lodging changes city."""
    from scheduler.io.windows import parse_window_specs

    tour = generate.generate_tour(requests, days, cities, seed, excel=excel)
    folder = generate.write_tour(tour, tmp_path / "tour")
    config = tomllib.loads((folder / "tour.toml").read_text(encoding="utf-8"))
    assert {"tour", "guest", "arrival", "departure", "hours", "meal", "limits", "objective"} <= config.keys()
    assert (config["tour"]["last_day"] - config["tour"]["first_day"]).days == days - 1
    assert len({entry["location"] for entry in config.get("lodging", [])}) <= cities
    text = (folder / "requests.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";" if excel else ","))
    assert len(rows) == requests
    locations = {row["id"] for row in csv.DictReader(io.StringIO(
        (folder / "locations.csv").read_bytes().decode("utf-8-sig")), delimiter=";" if excel else ",")}
    kinds = set()
    for row in rows:
        kinds.add(row["kind"])
        assert (row["location"] in locations) != (row["remote"] in ("phone", "video"))
        assert int(row["duration"]) > 0
        specs, problems = parse_window_specs(row["windows"])
        assert problems == [], (row["id"], row["windows"], problems)
    if requests >= 60:
        assert {"meeting", "tv", "print"} <= kinds or {"meeting", "radio", "print"} <= kinds
        assert any(row["fixed_start"] or row["setup_minutes"] for row in rows)
        assert any(row["remote"] for row in rows)


def test_generator_refuses_more_cities_than_days():
    """Three cities in two days cannot be made."""
    with pytest.raises(generate.GeneratorError):
        generate.generate_tour(20, 2, 3, 0)


@pytest.mark.parametrize("requests, days, cities, seed", [(20, 1, 1, 0), (60, 5, 2, 1), (300, 14, 4, 2)])
def test_generated_tours_load_with_the_scheduler_reader(tmp_path, requests, days, cities, seed):
    """The scheduler's own reader (scheduler.io.load_tour) accepts the generated folder."""
    from scheduler.io import load_tour

    folder = generate.write_tour(generate.generate_tour(requests, days, cities, seed), tmp_path / "tour")
    problem = load_tour(folder)
    assert len(problem.requests) == requests


def test_json_lines_render_back_into_the_same_table(tmp_path, capsys):
    """`--from-json` rebuilds the table from `--json` output without solving anything."""
    ours = toptw.SolverRun("ours", 320, [[1]], 2.0, bound=320.0, proven_optimal=True, status="optimal",
                           extra={"seconds_to_best": 1.5})
    peer = toptw.SolverRun("vroom", 304, [[1]], 0.1)
    run = toptw.InstanceRun("c101", 1, ours, {"vroom": peer})
    lines = tmp_path / "runs.jsonl"
    lines.write_text(json.dumps(toptw.instance_json(run)) + "\n")
    assert toptw.main([str(lines), "--from-json", "--summary"]) == 0
    out = capsys.readouterr().out
    assert toptw.markdown_table([run], ["ours", "vroom"]) in out
    assert "median to final score 1.50 s" in out


def test_cp_sat_options_are_typed():
    """`--cp-sat KEY=VALUE` values become bool, int, float or str; a pair without '=' is refused."""
    assert toptw.parse_solver_options(["interleave_search=false", "num_workers=2", "x=0.5", "y=abc"]) == \
        {"interleave_search": False, "num_workers": 2, "x": 0.5, "y": "abc"}
    with pytest.raises(ValueError):
        toptw.parse_solver_options(["interleave_search"])


@pytest.mark.parametrize("requests, days, cities, seed", [(200, 3, 2, 7), (50, 3, 3, 14), (100, 5, 4, 23)])
def test_generated_mandatory_requests_can_be_scheduled(tmp_path, requests, days, cities, seed):
    """A generated must never lands on a travel day or out of reach: none is pruned by the model."""
    from scheduler.io import load_tour
    from scheduler.model.instance import build_instance

    folder = generate.write_tour(generate.generate_tour(requests, days, cities, seed), tmp_path / "tour")
    problem = load_tour(folder)
    pruned = [p.request_id for p in build_instance(problem).pruned if problem.request(p.request_id).mandatory]
    assert pruned == []


def test_tours_table_shows_a_run_without_agenda():
    """The tours table prints 'no agenda' with the seconds and memory of a run that found none."""
    from benchmarks import tours

    row = {"preset": "r300-d14", "requests": 300, "days": 14, "cities": 4, "time_limit": 60.0,
           "error": "no agenda: the solver found none", "seconds": 128.7, "load_seconds": 0.1,
           "peak_mib": 643.9}
    assert "| r300-d14 | 300 | 14 | 4 | – | 60 | no agenda | – | – | – | 128.70 | 0.10 | 644 | – |" \
        in tours.markdown_table([row])


def test_tours_table_shows_the_replan_columns():
    """A row with the re-plan step shows its wall seconds and validity; without it, dashes."""
    from benchmarks import tours

    row = {"preset": "r20-d1", "requests": 20, "days": 1, "cities": 1, "time_limit": 5.0, "candidates": 14,
           "status": "optimal", "value_served": 172, "value_total": 748, "engagements": 4, "gap": 0.0,
           "seconds": 0.669, "load_seconds": 0.006, "peak_mib": 117.8, "valid": True,
           "replan_seconds": 0.039, "replan_valid": True}
    table = tours.markdown_table([row, {k: v for k, v in row.items() if not k.startswith("replan")}])
    assert "| plan valid | replan s | replan valid |" in table
    assert "| 118 | yes | 0.04 | yes |" in table and "| 118 | yes | – | – |" in table


def test_tours_table_marks_a_run_that_the_wall_clock_stopped():
    """Such a run repeats only if CP-SAT had not improved the agenda: the table says so."""
    from benchmarks import tours

    row = {"preset": "r60-d7", "requests": 60, "days": 7, "cities": 2, "time_limit": 5.0, "candidates": 53,
           "status": "feasible", "value_served": 1417, "value_total": 2336, "engagements": 36, "gap": 0.0295,
           "seconds": 5.9, "load_seconds": 0.01, "peak_mib": 184.0, "valid": True}
    assert "| 5 | feasible | 1417 / 2336 |" in tours.markdown_table([row | {"stopped_by_clock": False}])
    assert "| 5 | feasible (clock) | 1417 / 2336 |" in tours.markdown_table([row | {"stopped_by_clock": True}])
    assert "| 5 | feasible | 1417 / 2336 |" in tours.markdown_table([row])  # rows of earlier runs


def test_tours_replan_step_cancels_the_first_engagement_after_noon_of_the_middle_day():
    """On the small hand-made plan (Fri, Mon) the step re-plans from Monday noon without the
    TV interview (16:00, set-up from 15:30), and the checker passes the new plan."""
    from factories import small_plan

    from benchmarks import tours

    row = tours.replan_step(small_plan(), 0)
    assert row["replan_now"] == "2018-10-29T12:00:00+01:00" and row["replan_cancelled"] == "tv"
    assert row["replan_valid"] is True and row["replan_seconds"] >= 0
