"""Each phase of a solve stops on the one deadline: a phase made slow does not make the solve late.

The clock is a fake one that moves only when a slowed phase moves it, so the recorded phases
(when each began and ended, its deadline, what ended it) are exact; nothing here measures
the wall clock.
"""

from __future__ import annotations

import pytest

from conftest import solve_checked
from scheduler.model.cpmodel import PlannerModel
import scheduler.solve as solve_module
import scheduler.solve_budget as budget_module
import scheduler.solve_model as solve_model_module
import scheduler.solve_route_bound as route_bound_module
from scheduler.solve import SolveParams, promised_seconds
from test_time_limit import _tour

LIMIT = 5.0


class SteppedClock:
    """A monotonic clock that stands still until a slowed phase moves it on."""

    def __init__(self) -> None:
        self.time = 1000.0

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds


@pytest.fixture
def clock(monkeypatch):
    stepped = SteppedClock()

    class SteppedSolveClock(solve_module.SolveClock):
        def __init__(self, time_limit: float) -> None:
            super().__init__(time_limit, stepped)

    monkeypatch.setattr(solve_module, "SolveClock", SteppedSolveClock)
    return stepped


def _without_route_bound(monkeypatch):
    """Leave the route bound out: on this small tour it proves the heuristic's agenda optimal
    before the model is built, and the phases after it would not run."""
    monkeypatch.setattr(budget_module, "ROUTE_BOUND_SHARE", 0.0)
    monkeypatch.setattr(budget_module, "ROUTE_BOUND_SHARE_TIMELINE", 0.0)


def _slow_model_build(monkeypatch, clock):
    """Every look at the clock while building the model finds 0.3 s more gone."""
    _without_route_bound(monkeypatch)
    def slow(instance, *, out_of_time=None, **options):
        def late():
            clock.advance(0.3)
            return out_of_time()
        return PlannerModel(instance, out_of_time=late, **options)

    monkeypatch.setattr(solve_model_module, "PlannerModel", slow)


def _slow_route_bound(monkeypatch, clock):
    """Every look at the clock in the route bound finds 0.4 s more gone (and its work budget
    is large enough that only the clock can stop it, whatever a nominal second is)."""
    real = route_bound_module.route_bound
    monkeypatch.setattr(route_bound_module, "LABEL_WORK_PER_SECOND", 100_000_000)

    def slow(instance, *, out_of_time, **options):
        def late():
            clock.advance(0.4)
            return out_of_time()
        return real(instance, out_of_time=late, **options)

    monkeypatch.setattr(route_bound_module, "route_bound", slow)


def _slow_heuristic(monkeypatch, clock):
    """The heuristic's construction alone takes the whole limit."""
    real = solve_module.solve_heuristic

    def slow(*args, **options):
        clock.advance(LIMIT)
        return real(*args, **options)

    monkeypatch.setattr(solve_module, "solve_heuristic", slow)


def _slow_hints(monkeypatch, clock):
    """Hinting the model leaves CP-SAT too little of the limit to load it."""
    _without_route_bound(monkeypatch)
    real = PlannerModel.add_complete_hints

    def slow(self, plans):
        clock.advance(0.98 * LIMIT)
        return real(self, plans)

    monkeypatch.setattr(PlannerModel, "add_complete_hints", slow)


@pytest.mark.parametrize("slow, step, phase, ended_by", [
    (_slow_model_build, 0.3, "model", "clock"),
    (_slow_route_bound, 0.4, "route bound", "clock"),
    (_slow_heuristic, LIMIT, "heuristic", "clock"),
    (_slow_hints, 0.98 * LIMIT, "cp-sat", "skipped"),
])
def test_a_slow_phase_stops_on_its_deadline_and_the_solve_keeps_its_promise(
        monkeypatch, clock, slow, step, phase, ended_by):
    """``step``: how far the slowed phase moves the clock at once, so how late past its
    deadline it may notice; every other phase takes no time on this clock."""
    slow(monkeypatch, clock)
    result = solve_checked(_tour(), SolveParams(time_limit=LIMIT, seed=0, workers=1))
    phases = {p.name: p for p in result.phases}
    assert phases[phase].ended_by == ended_by
    if phase == "route bound" and result.status == "optimal":
        # CP-SAT proved the agenda: the route bound's clock stop changed nothing.
        assert not result.stopped_by_clock
    else:
        assert result.stopped_by_clock and result.plan.solver.stopped_by == "clock"
    for p in result.phases:
        if p.deadline is not None and p.ended_by != "skipped":
            # A stopped phase ends by the first look at the clock after its deadline.
            assert p.ended <= max(p.deadline, p.started) + (step if p.name == phase else 0), p
        assert p.started <= p.ended
    assert result.phases[-1].name == "result"
    assert result.phases[-1].ended <= promised_seconds(LIMIT)
    assert result.seconds == result.phases[-1].ended


def test_a_solve_the_budget_ends_records_every_phase_as_ended_by_its_work(clock):
    """With the clock standing still no phase is stopped or left out, and the runs repeat."""
    first = solve_checked(_tour(), SolveParams(time_limit=LIMIT, seed=0, workers=1))
    again = solve_checked(_tour(), SolveParams(time_limit=LIMIT, seed=0, workers=1))
    assert not first.stopped_by_clock
    assert {p.ended_by for p in first.phases} == {"work"}
    names = [p.name for p in first.phases]
    assert names[:2] == ["instance", "heuristic"] and names[-1] == "result"
    assert [(e.request_id, e.start) for e in first.plan.engagements] == \
        [(e.request_id, e.start) for e in again.plan.engagements]
