"""The primal heuristic (scheduler/model/heuristic/): its agendas keep every rule.

Each agenda the heuristic finds is checked twice, independently: by CP-SAT on the exact model
with every variable fixed to the heuristic's complete hint (feasible, and the same objective),
and by the independent plan checker on the plan built from it. Then: determinism for a seed
and a budget, pinned engagements, and the engine never worse than CP-SAT alone.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from ortools.sat.python import cp_model

from builders import DAY, assert_hint_valid, busy_day, day, next_day, problem, request, window
from conftest import solomon_problem, solve_checked
from scheduler.checker import assert_valid
from scheduler.domain import Objective
from scheduler.errors import InfeasibleError
from scheduler.model.cpmodel import ChangeCosts, PlannerModel
from scheduler.model.heuristic import MEAL, solve_heuristic
from scheduler.model.instance import build_instance
from scheduler.planfile import plan_to_dict
from scheduler.solve import SolveParams, _result, heuristic_solution

WORK = 300_000


def heuristic_checked(prob, *, seed=0, work=WORK, pinned=None, previous=None, costs=None,
                      islands=1):
    """Run the heuristic alone; check its agenda with CP-SAT (all fixed) and the checker."""
    instance = build_instance(prob)
    result = solve_heuristic(instance, seed=seed, work=work, pinned=pinned, previous=previous,
                             change_costs=costs, islands=islands)
    assert result is not None
    assert result.complete
    # 1. The exact model accepts the complete hint as it is, with the same objective.
    assert_hint_valid(PlannerModel(instance, pinned=pinned, previous=previous, change_costs=costs),
                      result)
    # 2. The independent checker accepts the plan built from it.
    placements, meals = heuristic_solution(instance, result)
    built = _result(prob, instance, SolveParams(), None, placements, meals, "feasible",
                    float(result.objective), None, 0.0, prob.total_value)
    assert_valid(plan_to_dict(built.plan))
    return instance, result, built


def served(result) -> set[str]:
    return {e.request_id for e in result.plan.engagements}


# ------------------------------------------------------------------ rules, one by one

def test_travel_setup_and_buffer_are_kept():
    """Set-up before, buffer after and travel between: the second engagement starts late enough."""
    reqs = [request("a", [window("10:00", "12:00")], place="A", value=10, setup_minutes=15),
            request("b", [window("10:00", "15:00")], place="B", value=10, setup_minutes=10),
            request("c", [window("10:00", "13:00")], place="A", value=10)]
    _, result, built = heuristic_checked(problem(reqs, buffer=15, travel={("A", "B"): 35}))
    assert served(built) == {"a", "b", "c"}


def test_several_windows_on_several_days():
    """Requests with several windows, over two days, on the time step."""
    d2 = next_day(DAY)
    reqs = [request(f"r{i}", [window("09:40", "11:10"), window("15:00", "16:40"),
                              window("10:00", "12:00", d2)], place="ABC"[i % 3], value=5 + i)
            for i in range(7)]
    _, result, built = heuristic_checked(problem(reqs, days=[day(), day(d2)], cap=3))
    assert len(built.plan.engagements) == 4  # one each morning and afternoon, two on day 2
    assert all(e.start.minute % 5 == 0 for e in built.plan.engagements)


def test_meal_and_remote_calls_share_the_timeline():
    """The meal, remote calls, engagements and travel never overlap."""
    d = day(meal=("13:00", "15:00", 60))
    reqs = [request("a", [window("12:00", "14:00")], place="A", value=10),
            request("b", [window("13:30", "15:30")], place="B", value=10),
            request("call", [window("13:00", "14:30")], duration=30, value=8, remote="phone"),
            request("video", [window("09:00", "10:00")], duration=45, value=3, remote="video",
                    setup_minutes=10)]
    _, result, built = heuristic_checked(problem(reqs, days=[d], buffer=10, travel={("A", "B"): 30}))
    assert {"call", "video"} <= served(built)
    assert len(built.plan.breaks) == 1


def test_remote_call_waits_for_the_traveller():
    """A call that can only happen while the guest would be on the road moves the leg, or
    the call is not served."""
    reqs = [request("a", [window("09:30", "10:30")], place="A", value=10),
            request("b", [window("11:30", "12:30")], place="B", value=10),
            request("call", [window("10:30", "11:30")], duration=30, value=5, remote="phone")]
    _, result, built = heuristic_checked(problem(reqs, travel={("A", "B"): 30, ("H", "A"): 20}))
    assert served(built) == {"a", "b", "call"}


def test_pinned_engagement_stays_where_it_is():
    """A pinned engagement keeps its day and minute; the rest is planned around it."""
    reqs = [request("a", [window("10:00", "14:00")], place="A", value=1),
            request("b", [window("10:00", "11:30")], place="B", value=50),
            request("c", [window("11:00", "13:00")], place="C", value=20)]
    prob = problem(reqs)
    pinned_start = build_instance(prob).grid.minutes(window("10:30", "11:30").start)
    instance, result, built = heuristic_checked(prob, pinned={"a": (0, pinned_start)})
    engagement = built.plan.engagement("a")
    assert engagement is not None and engagement.start == window("10:30", "11:30").start


def test_previous_agenda_and_change_costs():
    """Re-planning: the objective counts the changes to the previous agenda like the model."""
    reqs = [request(f"r{i}", [window("09:30", "17:00")], place="ABC"[i % 3], value=10 + i)
            for i in range(6)]
    prob = problem(reqs, cap=4)
    first = heuristic_checked(prob)[2]
    grid = build_instance(prob).grid
    previous = {e.request_id: (0, grid.minutes(e.start)) for e in first.plan.engagements}
    heuristic_checked(prob, previous=previous, costs=ChangeCosts())


def test_mandatory_requests_come_first():
    """A mandatory request of low value is served even when it crowds out valuable ones."""
    reqs = [request("m", [window("10:00", "12:00")], place="A", value=1, mandatory=True),
            request("x", [window("10:00", "12:00")], place="B", value=90),
            request("y", [window("09:40", "12:30")], place="C", value=80)]
    _, result, built = heuristic_checked(problem(reqs, cap=2))
    assert "m" in served(built)


def test_lodging_changes_between_days():
    """Days that start and end at different places (a move to another city)."""
    d1, d2 = day(end_place="C"), day(next_day(DAY), home="C")
    reqs = [request("a", [window("10:00", "12:00")], place="A", value=10),
            request("b", [window("15:00", "19:00")], place="B", value=10),
            request("c", [window("10:00", "12:00", next_day(DAY))], place="C", value=10),
            request("d", [window("12:00", "18:00", next_day(DAY))], place="A", value=10)]
    _, result, built = heuristic_checked(problem(reqs, days=[d1, d2],
                                                 travel={("H", "C"): 120, ("A", "C"): 100}))
    assert served(built) == {"a", "b", "c", "d"}


# ------------------------------------------------------------------ random tours

PLACES = ("H", "A", "B", "C")


@st.composite
def tours(draw):
    """Small tours: 1-3 days, 1-10 requests with 1-3 windows, remote ones, meals, set-up,
    buffers, caps, steps of 1, 5 or 15 minutes, lodging that may change."""
    n_days = draw(st.integers(1, 3))
    days = []
    for i in range(n_days):
        date = DAY + timedelta(days=i)
        start = draw(st.sampled_from(["08:00", "09:00", "10:00"]))
        end = draw(st.sampled_from(["16:00", "17:00", "19:00", "21:00"]))
        meal = draw(st.sampled_from([None, None, ("13:00", "15:00", 45), ("13:30", "16:00", 60)]))
        home = draw(st.sampled_from(["H", "H", "C"]))
        days.append(day(date, start, end, home=home, end_place=draw(st.sampled_from([home, "H"])),
                        meal=meal))
    requests = []
    for index in range(draw(st.integers(1, 10))):
        windows = []
        for _ in range(draw(st.integers(1, 3))):
            date = DAY + timedelta(days=draw(st.integers(0, n_days - 1)))
            start_minutes = draw(st.integers(8 * 12, 19 * 12)) * 5 + draw(st.sampled_from([0, 1, 3]))
            end_minutes = min(start_minutes + draw(st.sampled_from([25, 45, 60, 90, 180, 300])),
                              23 * 60 + 55)
            windows.append(window(f"{start_minutes // 60:02d}:{start_minutes % 60:02d}",
                                  f"{end_minutes // 60:02d}:{end_minutes % 60:02d}", date))
        remote = draw(st.sampled_from([None, None, None, "phone"]))
        fixed = windows[0].start if draw(st.integers(0, 5)) == 0 else None
        requests.append(request(
            f"r{index}", windows, duration=draw(st.sampled_from([15, 20, 30, 45, 60])),
            value=draw(st.integers(0, 50)), place=draw(st.sampled_from(PLACES)),
            remote=remote, setup_minutes=draw(st.sampled_from([0, 0, 10, 15])),
            fixed_start=fixed))
    travel = {(a, b): draw(st.integers(0, 60)) for a in PLACES for b in PLACES if a < b}
    prob = problem(requests, days=days, travel=travel, cap=draw(st.integers(1, 5)),
                   buffer=draw(st.sampled_from([0, 10, 15])),
                   objective=draw(st.sampled_from([Objective(), Objective(1, 0, 0)])))
    step = draw(st.sampled_from([1, 5, 15]))
    return dataclasses.replace(prob, tour=dataclasses.replace(prob.tour, time_step_minutes=step))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tours(), st.integers(0, 3))
def test_random_tours_keep_every_rule(tour, seed):
    """Whatever the tour, the heuristic's agenda is feasible for the model and the checker."""
    heuristic_checked(tour, seed=seed, work=100_000)


# ------------------------------------------------------------------ determinism, engine

def test_same_seed_and_budget_give_the_same_agenda():
    reqs = [request(f"r{i}", [window("09:30", "18:00")], place="ABC"[i % 3], value=10 + 3 * i,
                    duration=30 + 5 * (i % 4)) for i in range(12)]
    prob = problem(reqs, travel={("A", "B"): 15, ("B", "C"): 25, ("A", "C"): 40}, cap=8)
    instance = build_instance(prob)
    runs = [solve_heuristic(instance, seed=3, work=400_000) for _ in range(2)]
    assert runs[0].placements(instance) == runs[1].placements(instance)
    assert runs[0].objective == runs[1].objective




@pytest.mark.parametrize("name,customers,tours", [("r101", 40, 1), ("c101", 50, 2)])
def test_engine_is_never_worse_than_cp_sat_alone(name, customers, tours):
    """On part of a Solomon instance the engine (heuristic, then CP-SAT) is at least as good
    as CP-SAT alone with the same limit, and the plan passes the checker."""
    prob = solomon_problem(name, customers, tours)
    params = SolveParams(time_limit=2.0, seed=0, workers=2)
    with_heuristic = solve_checked(prob, params)
    try:
        alone = solve_checked(prob, dataclasses.replace(params, heuristic=False)).objective
    except InfeasibleError:  # CP-SAT alone may find no agenda at all in the limit
        alone = float("-inf")
    assert with_heuristic.objective >= alone


def test_engine_is_deterministic_with_the_heuristic():
    prob = solomon_problem("r101", 30)
    params = SolveParams(time_limit=1.0, seed=5, workers=2)
    a, b = solve_checked(prob, params), solve_checked(prob, params)
    assert [(e.request_id, e.start) for e in a.plan.engagements] == \
        [(e.request_id, e.start) for e in b.plan.engagements]


def test_the_heuristic_alone_reaches_the_optimum_of_small_instances():
    """r101 cut to 40 customers: the heuristic alone matches the proven optimum of CP-SAT."""
    prob = solomon_problem("r101", 40)
    instance, result, built = heuristic_checked(prob, work=2_000_000)
    exact = solve_checked(prob, SolveParams(time_limit=10, workers=2, heuristic=False))
    assert exact.status == "optimal"
    assert result.objective == exact.objective


def test_meal_is_placed_on_an_empty_day():
    """A day with a meal and nothing else still gets its meal (the model always needs it)."""
    d = day(meal=("13:00", "15:00", 60))
    prob = problem([request("a", [window("10:00", "11:00")], place="A")], days=[d])
    instance, result, built = heuristic_checked(prob)
    assert result.days[0].meal is not None
    assert MEAL == -1


def test_large_models_give_the_heuristic_most_of_the_budget_and_stay_deterministic():
    """Above LARGE_MODEL pairs the heuristic runs on most of the budget without stopping when
    it stalls; the agenda is still the same from one run to the next, and checked."""
    from scheduler.model.instance import build_instance
    from scheduler.solve import LARGE_MODEL, model_size

    prob = solomon_problem("c101", 70, 3)
    assert model_size(build_instance(prob)) > LARGE_MODEL
    params = SolveParams(time_limit=2.0, seed=3, workers=2)
    a = solve_checked(prob, params)
    b = solve_checked(prob, params)
    # The promise: the same agenda whenever the work budget, not the clock, ended both runs
    # (a loaded machine may make the clock end one; the plan then says so).
    for run in (a, b):
        assert run.plan.solver.stopped_by == ("clock" if run.stopped_by_clock else "budget")
    if not a.stopped_by_clock and not b.stopped_by_clock:
        assert [(e.request_id, e.start) for e in a.plan.engagements] == \
            [(e.request_id, e.start) for e in b.plan.engagements]
        assert a.objective == b.objective


def test_a_small_model_is_not_stopped_by_the_wall_clock():
    from scheduler.model.instance import build_instance
    from scheduler.solve import LARGE_MODEL, model_size

    prob = solomon_problem("r101", 30)
    assert model_size(build_instance(prob)) <= LARGE_MODEL
    # A small model is settled long before its limit: the stall ends the heuristic and CP-SAT
    # its deterministic budget. The limit leaves room for a loaded machine (at 1 s, a load of
    # 9 on two cores was enough for the clock to come first).
    result = solve_checked(prob, SolveParams(time_limit=5.0, seed=0, workers=2))
    assert result.stopped_by_clock is False


# ------------------------------------------------------------------ islands (several searches)

def _island_tour():
    """Two days with a meal, a remote call and mixed windows: every kind of item."""
    d1 = day(meal=("12:00", "14:30", 45))
    d2 = next_day(DAY)
    reqs = [request(f"r{i}", [window("09:00", "17:00"), window("09:30", "16:00", d2)],
                    place="ABCD"[i % 4], value=7 + (5 * i) % 13, duration=30 + 15 * (i % 3))
            for i in range(14)]
    reqs.append(request("call", [window("10:00", "16:00")], value=9, duration=30, remote="phone"))
    travel = {("A", "B"): 20, ("B", "C"): 25, ("A", "C"): 35, ("C", "D"): 15, ("A", "D"): 40,
              ("B", "D"): 30}
    return problem(reqs, days=[d1, day(d2)], travel=travel, places=("H", "A", "B", "C", "D"),
                   cap=6)


def test_islands_give_the_same_agenda_run_after_run_and_keep_every_rule():
    """Two searches in two processes meet and share their best: the agenda is checked by the
    exact model and the plan checker, and the same seed and budget give the same agenda."""
    prob = _island_tour()
    instance, first, _ = heuristic_checked(prob, seed=2, work=600_000, islands=2)
    second = solve_heuristic(instance, seed=2, work=600_000, islands=2)
    assert first.placements(instance) == second.placements(instance)
    assert first.objective == second.objective


def test_without_processes_the_search_goes_on_alone(monkeypatch):
    """Where no process can be started, the islands fall back to the one search, which gives
    exactly the agenda of a run with one island."""
    from scheduler.model.heuristic import islands

    def no_processes():
        raise OSError("no processes here")

    prob = _island_tour()
    instance, alone, _ = heuristic_checked(prob, seed=4, work=300_000)
    monkeypatch.setattr(islands, "start_worker", no_processes)
    fallback = solve_heuristic(instance, seed=4, work=300_000, islands=3)
    assert fallback.placements(instance) == alone.placements(instance)
    assert fallback.objective == alone.objective


def test_a_worker_that_cannot_start_is_reported_and_the_agenda_kept(monkeypatch):
    """When a worker process cannot be started, the heuristic says how many searches ran of
    how many were asked and why, and the solve's result carries it as a warning, with a valid
    agenda."""
    import scheduler.solve
    from scheduler.model.heuristic import islands

    def no_processes():
        raise OSError("no processes here")

    monkeypatch.setattr(islands, "start_worker", no_processes)
    instance = build_instance(_island_tour())
    fallback = solve_heuristic(instance, seed=4, work=300_000, islands=2)
    assert (fallback.searches.asked, fallback.searches.ran) == (2, 1)
    assert "could not be started" in fallback.searches.reason
    assert "no processes here" in fallback.searches.reason
    monkeypatch.setattr(scheduler.solve, "heuristic_islands", lambda workers, work, size: 2)
    result = solve_checked(_island_tour(), SolveParams(time_limit=1.0, seed=4, workers=2))
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("Only 1 of 2 heuristic searches ran, because a worker "
                                         "process could not be started")
    assert_valid(plan_to_dict(result.plan))


def test_a_worker_that_ends_early_leaves_the_search_alone_and_says_so(monkeypatch):
    """A worker that ends before the first meeting: this search goes on alone, to exactly the
    agenda of one search, and the result says so."""
    import subprocess
    import sys

    from scheduler.model.heuristic import islands

    def ends_at_once():
        return subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE)

    instance = build_instance(_island_tour())
    alone = solve_heuristic(instance, seed=4, work=300_000)
    assert (alone.searches.asked, alone.searches.ran, alone.searches.reason) == (1, 1, None)
    monkeypatch.setattr(islands, "start_worker", ends_at_once)
    fallback = solve_heuristic(instance, seed=4, work=300_000, islands=2)
    assert fallback.placements(instance) == alone.placements(instance)
    assert (fallback.searches.asked, fallback.searches.ran) == (2, 1)
    assert fallback.searches.reason


_SCRIPT_WITHOUT_MAIN_GUARD = """\
import json, sys
sys.path.insert(0, {tests!r})
with open({marker!r}, "a") as marker:
    marker.write("ran\\n")
from builders import busy_day
from scheduler.planfile import plan_to_dict
from scheduler.solve import SolveParams, solve
result = solve(busy_day(46), SolveParams(time_limit={limit!r}, seed=1, workers=2))
with open({out!r}, "w") as out:
    json.dump({{"plan": plan_to_dict(result.plan), "warnings": list(result.warnings)}}, out)
"""


def test_a_script_without_a_main_guard_runs_once(tmp_path):
    """The worker processes of the heuristic's searches never run the caller's script again:
    a script without ``if __name__ == "__main__":`` that solves a problem worth two searches
    writes its line once, and its plan is valid."""
    import json
    import subprocess
    import sys

    from scheduler.model.heuristic import WORK_PER_SECOND
    from scheduler.solve import HEURISTIC_SHARE, heuristic_islands, model_size

    limit = 2.5  # one day of 46 candidates (2,116 pairs) and 1.5 nominal s: two searches
    work = int(HEURISTIC_SHARE * limit * WORK_PER_SECOND)
    assert heuristic_islands(2, work, model_size(build_instance(busy_day(46)))) == 2
    root = Path(__file__).resolve().parents[1]
    marker, out, script = tmp_path / "marker.txt", tmp_path / "out.json", tmp_path / "plain.py"
    script.write_text(_SCRIPT_WITHOUT_MAIN_GUARD.format(
        tests=str(root / "tests"), marker=str(marker), out=str(out), limit=limit))
    environment = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=environment,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert marker.read_text() == "ran\n"
    answer = json.loads(out.read_text())
    assert answer["warnings"] == []
    assert_valid(answer["plan"])


def test_islands_follow_the_workers_the_budget_and_the_model():
    """One search per worker on a budget and a model worth the processes; the machine does
    not matter."""
    from scheduler.model.heuristic import WORK_PER_SECOND
    from scheduler.solve import ISLANDS_MAX, ISLANDS_MIN_MODEL, heuristic_islands

    big = ISLANDS_MIN_MODEL
    assert heuristic_islands(2, 3 * WORK_PER_SECOND, big) == 2
    assert heuristic_islands(1, 3 * WORK_PER_SECOND, big) == 1
    assert heuristic_islands(2, WORK_PER_SECOND, big) == 1
    assert heuristic_islands(2, 3 * WORK_PER_SECOND, big - 1) == 1
    assert heuristic_islands(64, 9 * WORK_PER_SECOND, big) == ISLANDS_MAX


def _compress_by_whole_days(search, d):
    """The compaction with every trial order laid out whole (the reference)."""
    items = search.items[d]
    k = len(items)
    cur = search.lay_out(d, items)
    for _ in range(3):
        better = False
        for i in range(k):
            r = items[i]
            if search.pinned[r]:
                continue
            rest = items[:i] + items[i + 1:]
            for j in range(k):
                if j == i:
                    continue
                trial = rest[:j] + [r] + rest[j:]
                arrive = search.lay_out(d, trial)
                if arrive is not None and arrive < cur:
                    cur, items[:] = arrive, trial
                    better = True
                    break
            if better:
                break
        if not better:
            break
    return list(items)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_compaction_of_a_route_makes_the_moves_of_whole_day_checks(seed):
    """On days without a timeline the compaction checks each move from the first position it
    changes and stops early; it must make exactly the moves that laying out every trial order
    whole would make, on many shuffled days (wide and narrow windows, uneven travel)."""
    import random

    from scheduler.model.heuristic.construction import construct

    rand = random.Random(seed)
    places = ("H", "A", "B", "C", "D", "E")
    travel = {(a, b): rand.randrange(5, 60) for a in places for b in places if a != b}
    d2 = next_day(DAY)
    reqs = [request(f"r{i}", [window("09:00", "19:00"), window("09:00", "19:00", d2)] if i % 3
                    else [window(f"{10 + i % 8}:00", f"{11 + i % 8}:30"),
                          window(f"{9 + i % 7}:00", f"{10 + i % 7}:00", d2)],
                    place=rand.choice(places[1:]), duration=rand.choice([20, 30, 45]),
                    value=rand.randrange(5, 30), setup_minutes=rand.choice([0, 0, 10]))
            for i in range(24)]
    prob = problem(reqs, days=[day(), day(d2)], travel=travel, places=places, cap=7,
                   buffer=rand.choice([0, 10]))
    instance = build_instance(prob)
    search = construct(instance, {}, {}, None, None, seed)
    assert not any(search.timeline_day)
    compared = moved = 0
    for _ in range(60):
        d = rand.randrange(search.day_count)
        items = search.items[d]
        if len(items) < 3:
            continue
        for _ in range(40):  # feasible swaps of neighbours: a day that is not compact
            trial = list(items)
            a = rand.randrange(len(trial) - 1)
            trial[a], trial[a + 1] = trial[a + 1], trial[a]
            if search.lay_out(d, trial) is not None:
                items[:] = trial
        assert search.refresh_day(d)
        start = list(items)
        expected = _compress_by_whole_days(search, d)
        items[:] = start
        assert search.refresh_day(d)
        search.compact_day(d)
        assert items == expected
        compared += 1
        moved += expected != start
    assert compared > 20 and moved > 2, (compared, moved)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_insertion_on_a_timeline_day_resumes_to_the_whole_day_arrival(seed):
    """On days with a meal and calls an insertion resumes the layout from the traced state at
    its position and stops once an engagement ends when it did before: the arrival (or the
    refusal) must be exactly that of laying the whole trial day out, for every request at
    every position, on days built by the search (narrow and wide windows, uneven travel)."""
    import random

    from scheduler.model.heuristic.construction import construct

    rand = random.Random(seed)
    places = ("H", "A", "B", "C", "D")
    travel = {(a, b): rand.randrange(5, 50) for a in places for b in places if a != b}
    d2 = next_day(DAY)
    reqs = []
    for i in range(22):
        hour = 9 + i % 9
        narrow = [window(f"{hour:02d}:00", f"{hour:02d}:45"), window(f"{hour:02d}:30", f"{hour + 1:02d}:30", d2)]
        wide = [window("09:00", "19:00"), window("10:00", "18:00", d2)]
        reqs.append(request(f"r{i}", wide if i % 3 else narrow, place=rand.choice(places[1:]),
                            duration=rand.choice([20, 30, 45]), value=rand.randrange(5, 30),
                            remote=rand.choice([None, None, None, "phone"]),
                            setup_minutes=rand.choice([0, 0, 10])))
    prob = problem(reqs, days=[day(meal=("12:30", "15:00", 45)), day(d2, meal=("13:00", "15:30", 60))],
                   travel=travel, places=places, cap=8, buffer=rand.choice([0, 10]))
    instance = build_instance(prob)
    compared = fitted = early = 0
    for round_, d in enumerate([0, 1] * 4):
        search = construct(instance, {}, {}, None, None, seed * 10 + round_)
        assert all(search.timeline_day)
        for r in [it for it in search.items[d] if it != MEAL]:  # leave room: free about half
            if rand.random() < 0.5:
                search.remove(r)
        items = search.items[d]
        assert search.traced[d][0] == items
        for r in range(search.request_count):
            if search.start_ranges[d][r] is None or search.day_of[r] >= 0:
                continue
            for s in range(len(items) + 1):
                trial = items[:s] + [r] + items[s:]
                whole = search.lay_out(d, trial)
                # An early stop returns the traced arrival: mark it to count the stops.
                traced = search.traced[d]
                search.traced[d] = traced[:3] + (-1,)
                resumed = search.lay_out(d, trial, insert_at=s)
                search.traced[d] = traced
                if resumed == -1:
                    early += 1
                    resumed = traced[3]
                assert resumed == whole, (d, r, s)
                compared += 1
                fitted += whole is not None
    assert compared > 50 and fitted > 5 and early > 5, (compared, fitted, early)


def test_large_models_run_cp_sat_without_probing_and_the_copying_workers():
    """A large model's CP-SAT gives the bound: no presolve probing, and the full-model workers
    that only copy the model are left out; a small model keeps CP-SAT's defaults, and a
    parameter the user gives (SolveParams.extra) wins."""
    from scheduler.solve import (LARGE_MODEL_IGNORED_SUBSOLVERS, LARGE_MODEL_PROBING,
                                 solver_parameters)

    params = SolveParams(time_limit=2.0, seed=0, workers=2)
    small = solver_parameters(params).parameters
    large = solver_parameters(params, large=True).parameters
    default = cp_model.CpSolver().parameters
    assert small.cp_model_probing_level == default.cp_model_probing_level != LARGE_MODEL_PROBING
    assert large.cp_model_probing_level == LARGE_MODEL_PROBING
    assert set(LARGE_MODEL_IGNORED_SUBSOLVERS) <= set(large.ignore_subsolvers)
    assert not set(LARGE_MODEL_IGNORED_SUBSOLVERS) & set(small.ignore_subsolvers)
    chosen = dataclasses.replace(params, extra={"cp_model_probing_level": 1, "ignore_subsolvers": ["core"]})
    mine = solver_parameters(chosen, large=True).parameters
    assert mine.cp_model_probing_level == 1
    assert set(mine.ignore_subsolvers) == {"fixed", "core"}
