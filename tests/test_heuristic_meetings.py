"""How the islands meet: the schedule of the meetings, the crossover a worse island may take
instead of a copy, a worker searching with settings of its own, every rule kept and the same
agenda run after run."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from builders import assert_hint_valid
from scheduler.model.cpmodel import PlannerModel
from scheduler.model.heuristic import annealing, islands
from scheduler.model.heuristic.annealing import Annealing
from scheduler.model.heuristic.construction import construct
from scheduler.model.instance import build_instance
from test_heuristic import heuristic_checked
from test_heuristic_interday import _route_tour, random_agenda, route_tours, serve_days


def test_the_meetings_divide_the_work_after_the_share_searched_apart(monkeypatch):
    monkeypatch.setattr(islands, "ISLAND_MEETINGS", 4)
    monkeypatch.setattr(islands, "MEETINGS_FROM", 0.0)
    assert islands.meeting_schedule(800) == [(200, True), (400, True), (600, True), (800, True)]
    monkeypatch.setattr(islands, "MEETINGS_FROM", 0.5)
    assert islands.meeting_schedule(800) == [(100, False), (200, False), (300, False),
                                             (400, False), (500, True), (600, True),
                                             (700, True), (800, True)]
    monkeypatch.setattr(islands, "ISLAND_MEETINGS", 1)
    monkeypatch.setattr(islands, "MEETINGS_FROM", 0.0)
    assert islands.meeting_schedule(801) == [(801, True)]


def _two_agendas(instance, seed: int):
    """A search holding a random agenda as its best, and a better random agenda of another."""
    search = construct(instance, {}, {}, None, None, seed)
    rand = random.Random(seed)
    agendas = []
    for _ in range(6):
        search.restore([[] for _ in range(search.day_count)])
        random_agenda(search, rand)
        serve_days(search)
        agendas.append((search.search_key(), search.snapshot()))
    agendas.sort(key=lambda agenda: agenda[0])
    own, better = agendas[0], agendas[-1]
    search.restore(own[1])
    return search, own, better


def _check_crossover(instance, search, better) -> None:
    """Cross ``better`` into the search's own best; the better agenda becomes its best, and
    the current agenda (the crossover) serves each request once and keeps every rule."""
    annealing = Annealing(search, 1, None)
    annealing.cross(*better)
    assert annealing.best_key >= better[0]
    current = search.snapshot()
    served = [r for day in current for r in day]
    assert len(served) == len(set(served))
    assert search.search_key() == annealing.current_key
    result = Annealing(search, 1, None).result()
    assert result.complete
    assert_hint_valid(PlannerModel(instance), result)


@pytest.mark.parametrize("seed", range(6))
def test_a_crossover_keeps_the_better_days_and_every_rule(seed):
    instance = build_instance(_route_tour(seed, same_days=True, count=14, days=3))
    search, own, better = _two_agendas(instance, seed)
    if own[0] == better[0]:
        return
    _check_crossover(instance, search, better)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(tour=route_tours(), seed=st.integers(0, 3))
def test_random_route_tours_keep_every_rule_through_a_crossover(tour, seed):
    instance = build_instance(tour)
    search, own, better = _two_agendas(instance, seed)
    if own[0] == better[0]:
        return
    _check_crossover(instance, search, better)


def test_two_islands_crossing_late_keep_every_rule_and_repeat(monkeypatch):
    from conftest import solomon_problem

    monkeypatch.setattr(islands, "MEETING_CROSSOVER", True)
    monkeypatch.setattr(islands, "MEETINGS_FROM", 0.5)
    prob = solomon_problem("r101", 50, 2)
    instance = build_instance(prob)
    runs = [heuristic_checked(prob, seed=1, work=4_000_000, islands=2)[1] for _ in range(2)]
    assert runs[0].placements(instance) == runs[1].placements(instance)
    assert runs[0].objective == runs[1].objective


def test_a_worker_is_given_its_own_settings_on_top_of_the_callers(monkeypatch):
    monkeypatch.setitem(annealing.TUNING, "t0", 3.0)
    monkeypatch.setattr(islands, "WORKER_SETTINGS", {"VARIANT": {"adaptive": True},
                                                     "MOST_STRINGS": 5})
    given = islands.worker_settings()
    assert given["VARIANT"]["adaptive"] is True and given["MOST_STRINGS"] == 5
    assert given["TUNING"]["t0"] == 3.0
    assert given["VARIANT"]["string"] == annealing.VARIANT["string"]
    own = islands.search_settings()
    assert own["VARIANT"]["adaptive"] is annealing.VARIANT["adaptive"] is False
    monkeypatch.setattr(islands, "WORKER_SETTINGS", {})
    assert islands.worker_settings() == own


def test_two_islands_searching_differently_keep_every_rule_and_repeat(monkeypatch):
    """The worker's own settings travel with its job, so the agenda still repeats."""
    from test_heuristic import _island_tour

    monkeypatch.setattr(islands, "WORKER_SETTINGS", {"VARIANT": {"adaptive": True}})
    prob = _island_tour()
    instance, first, _ = heuristic_checked(prob, seed=2, work=600_000, islands=2)
    _, second, _ = heuristic_checked(prob, seed=2, work=600_000, islands=2)
    assert first.placements(instance) == second.placements(instance)
    assert first.objective == second.objective
    assert first.searches.ran == 2


class _PeerAtItsStart:
    """A worker island that finds nothing (a key below any agenda) until it is given one,
    then holds it, stalled; it records what it is sent."""

    def __init__(self) -> None:
        self.sent = []
        self.given = None

    def send(self, message) -> None:
        self.sent.append(message)
        if message[1] is not None:
            self.given = message[1]

    def receive(self, timeout=None):
        if self.given is None:
            return (-10**9, 0), [], False, False
        return self.given[0], self.given[1], True, False


def test_a_search_at_the_value_ceiling_ends_the_others_while_they_search_apart(monkeypatch):
    """Before the meetings that share agendas, the islands still meet to see whether one
    stopped: an agenda at the value ceiling goes to the others at the first of those, and the
    search ends at the next, as it did with meetings from the start."""
    from conftest import solomon_problem

    monkeypatch.setattr(islands, "ISLAND_MEETINGS", 4)
    monkeypatch.setattr(islands, "MEETINGS_FROM", 0.5)
    instance = build_instance(solomon_problem("c101", 12, 3))
    main = Annealing(construct(instance, {}, {}, None, None, 0), 800_000, None)
    assert main.at_ceiling
    peer = _PeerAtItsStart()
    assert islands.meet(main, [peer]) == (None, False)
    assert [message[0] for message in peer.sent] == [100_000, 200_000]
    assert peer.sent[0][1] is None
    assert peer.sent[1][1][0] == main.best_key
