"""benchmarks/proofs.py: the heuristic's agendas kept and read back, and their relaxed value."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` lives at the repository root, beside `scheduler`
    sys.path.insert(0, str(ROOT))

import scheduler.model.heuristic as heuristic  # noqa: E402
from benchmarks.proofs import heuristic_agenda, relaxed_objective  # noqa: E402
from benchmarks.tours import PRESETS, load_generated  # noqa: E402
from scheduler.model.bound import plan_routes  # noqa: E402
from scheduler.model.instance import build_instance  # noqa: E402


def test_the_agendas_are_kept_and_read_back_and_priced_at_least_their_objective(tmp_path,
                                                                               monkeypatch):
    preset = next(p for p in PRESETS if p.name == "r20-d1")
    problem, _ = load_generated(preset, 1)
    instance = build_instance(problem)
    found = heuristic.solve_heuristic(instance, seed=1, work=heuristic.WORK_PER_SECOND // 5)
    calls = []

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return SimpleNamespace(days=found.days, objective=found.objective, seen=[],
                               seen_work=0)

    monkeypatch.setattr(heuristic, "solve_heuristic", counted)
    first = heuristic_agenda(preset, 1, instance, tmp_path)
    second = heuristic_agenda(preset, 1, instance, tmp_path)
    assert len(calls) == 1  # the second came from the folder
    assert first[:2] == second[:2] == (plan_routes(found.days), found.objective)
    # A column charges no waiting: the relaxation values the agenda's own days at least at
    # their objective.
    assert relaxed_objective(instance, first[0]) >= found.objective


def test_the_routes_seen_are_kept_with_the_agenda_and_fewer_read_from_more(tmp_path):
    """``--seen N`` keeps the routes the search accepted beside its agenda; fewer a day are
    read from a folder that kept more (the best ones a day: the same whatever more are
    kept), and no routes at all for a run without ``--seen``."""
    preset = next(p for p in PRESETS if p.name == "r20-d1")
    problem, _ = load_generated(preset, 1)
    instance = build_instance(problem)
    routes, objective, _, seen, seen_work = heuristic_agenda(preset, 1, instance, tmp_path, 4)
    assert seen and seen_work > 0
    assert all(sum(1 for d, _ in seen if d == day) <= 4 for day, _ in seen)
    fewer = heuristic_agenda(preset, 1, instance, tmp_path, 2)
    per_day: dict[int, list] = {}
    for day, route in seen:
        per_day.setdefault(day, []).append(route)
    assert fewer[3] == [(day, route) for day, kept in per_day.items() for route in kept[:2]]
    plain = heuristic_agenda(preset, 1, instance, tmp_path)
    assert plain[:2] == fewer[:2] == (routes, objective) and plain[3] == []
