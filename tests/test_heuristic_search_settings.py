"""The search's measured variants (VARIANT in annealing.py) keep every rule, repeat, and reach
the worker islands."""

from __future__ import annotations

import pytest

from scheduler.model.heuristic import annealing, islands, string_removal
from scheduler.model.heuristic.construction import construct
from scheduler.model.instance import build_instance
from test_heuristic import heuristic_checked

VARIANTS = {
    "adaptive": {"adaptive": True},
    "ruin-by-day": {"qday": 0.6},
    "perturb": {"perturb": 0.3},
    "strings": {"string": 0.2},
    "adaptive-strings": {"adaptive": True, "string": 0.2},
    "stall-larger-ruin": {"stall_most": 24, "stall_after": 20},
}


@pytest.fixture(params=sorted(VARIANTS))
def variant(request, monkeypatch):
    """One variant on, and a short reset so that the perturbation happens."""
    for name, value in VARIANTS[request.param].items():
        monkeypatch.setitem(annealing.VARIANT, name, value)
    monkeypatch.setitem(annealing.TUNING, "reset", 50)
    return request.param


def test_every_variant_keeps_every_rule_and_repeats(variant):
    from conftest import solomon_problem

    prob = solomon_problem("r101", 60, 3)
    instance = build_instance(prob)
    runs = [heuristic_checked(prob, seed=1, work=2_000_000)[1] for _ in range(2)]
    assert runs[0].placements(instance) == runs[1].placements(instance)
    assert runs[0].iterations == runs[1].iterations


def test_a_ruin_of_a_given_kind_takes_engagements_out():
    from conftest import solomon_problem

    instance = build_instance(solomon_problem("c101", 40, 2))
    for kind in range(4):
        search = construct(instance, {}, {}, None, None, 3)
        served = len(search.removable())
        search.ruin(5, kind)
        assert served - 5 <= len(search.removable()) < served


def test_the_adaptive_weights_favour_what_succeeds():
    import random

    weights = annealing.AdaptiveWeights(3)
    rand = random.Random(0)
    for iteration in range(1, 1001):
        choice = weights.choose(rand)
        weights.reward(33.0 if choice == 2 else 0.0, iteration)
    assert weights.weights[2] > 5 * max(weights.weights[:2])
    assert min(weights.weights) >= 0.5


def test_workers_are_given_the_callers_settings(monkeypatch):
    monkeypatch.setitem(annealing.VARIANT, "adaptive", True)
    monkeypatch.setattr(string_removal, "MOST_STRINGS", 5)
    settings = islands.search_settings()
    assert settings["VARIANT"]["adaptive"] is True and settings["MOST_STRINGS"] == 5
    monkeypatch.setitem(annealing.VARIANT, "adaptive", False)
    monkeypatch.setattr(string_removal, "MOST_STRINGS", 3)
    islands.apply_settings(settings)
    assert annealing.VARIANT["adaptive"] is True and string_removal.MOST_STRINGS == 5


def test_islands_with_a_variant_repeat_and_keep_every_rule(monkeypatch):
    from test_heuristic import _island_tour

    monkeypatch.setitem(annealing.VARIANT, "adaptive", True)
    prob = _island_tour()
    instance, first, _ = heuristic_checked(prob, seed=2, work=600_000, islands=2)
    _, second, _ = heuristic_checked(prob, seed=2, work=600_000, islands=2)
    assert first.placements(instance) == second.placements(instance)
    assert first.searches.ran == 2
