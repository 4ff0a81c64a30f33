"""The route relaxation's bound when its work ends inside an exact round: the round still
bounds, by what each day's pricing left open."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings

from benchmarks.tours import PRESETS, load_generated
from scheduler.model.bound import generation, labelling, route_bound
from scheduler.model.instance import build_instance
from test_phase_rates import WITH_CALL
from test_properties import tours
from test_route_bound import _cp_optimum


def _tour():
    """A tour with a remote call whose relaxation needs ten fast rounds before its first exact
    one (``tests/test_phase_rates.py``)."""
    return build_instance(WITH_CALL)


def _first_exact(result) -> int:
    """Index in ``result.history`` of its first exact round."""
    return next(i for i, (_, _, bound) in enumerate(result.history) if bound is not None)


def test_an_exact_round_the_work_ends_still_gives_a_bound():
    """Work that ends inside the first exact round (at its start, and a third of the way):
    the round bounds each day by what its pricing left open, or by its empty route, at least
    the converged bound, the same twice. Before, its bound was lost with the work."""
    instance = _tour()
    full = route_bound(instance, work=50_000_000)
    assert full.converged and full.bound is not None
    first = _first_exact(full)
    assert first > 0, "the tour needs a fast round before its first exact one"
    before, after = full.history[first - 1][0], full.history[first][0]
    for extra in (1, (after - before) // 3):
        cut = [route_bound(instance, work=before + extra) for _ in range(2)]
        assert cut[0] == cut[1]
        assert cut[0].bound is not None and cut[0].bound >= full.bound
        assert not cut[0].converged and cut[0].rounds == first + 1


def test_a_bound_cut_short_keeps_the_give_up_point():
    """Without a bound by ``first_bound_work`` the generation still gives up there, now with
    the bound of the exact round the give-up cut short, past it only by the bounds of the
    days after the cut."""
    instance = _tour()
    full = route_bound(instance, work=50_000_000)
    first = _first_exact(full)
    before, after = full.history[first - 1][0], full.history[first][0]
    give_up = (before + after) // 2
    cut = route_bound(instance, work=50_000_000, first_bound_work=give_up)
    assert cut.bound is not None and cut.bound >= full.bound
    assert cut.work <= give_up + (after - before)
    assert cut.rounds == first + 1


def test_an_exact_round_the_clock_ends_still_gives_a_bound(monkeypatch):
    """A clock that stops the generation at one of its looks, for twelve looks spread over a
    whole run: a stop inside the first exact round still gives that round's bound, at least
    the converged one, and every stop is named the clock's. Before, the clock's stop lost the
    bound, as the work's once did."""
    monkeypatch.setattr(labelling, "CLOCK_EVERY", 40)  # look at the clock inside the pricings
    instance = _tour()
    full = route_bound(instance, work=50_000_000)
    first = _first_exact(full)
    looks = 0

    def counting() -> bool:
        nonlocal looks
        looks += 1
        return False

    route_bound(instance, work=50_000_000, out_of_time=counting)
    inside = 0
    for stop in range(1, looks + 1, max(1, looks // 12)):
        asked = 0

        def clock() -> bool:
            nonlocal asked
            asked += 1
            return asked >= stop

        result = route_bound(instance, work=50_000_000, out_of_time=clock)
        assert result.stopped_by_clock
        if result.bound is not None:
            assert result.bound >= full.bound
            inside += result.rounds == first + 1 and not result.converged
    assert inside > 0, "no stop of the clock fell inside the first exact round"


def _days_in_their_order(monkeypatch) -> None:
    """Price an exact round's days in their order, without probes (the engine before)."""
    monkeypatch.setattr(generation, "_probes",
                        lambda days, *args: ({day.day.index: math.inf for day in days}, 0))


@pytest.fixture(scope="module")
def sixty():
    """The generated 60-request tour of seven days (``r60-d7``, seed 1)."""
    preset = next(p for p in PRESETS if p.name == "r60-d7")
    return build_instance(load_generated(preset, 1)[0])


def test_the_order_of_an_exact_round_leaves_the_master_as_it_was(monkeypatch, sixty):
    """Pricing an exact round's days in the order of their probes changes what a round cut
    short bounds, not what a round the work does not cut gives: the same columns in the same
    order, the same rounds and the same bound, for the probes' work more. (Were the routes
    added in the order the days were priced in, the columns would differ here.)"""
    probed = route_bound(sixty, work=50_000_000)
    _days_in_their_order(monkeypatch)
    ordered = route_bound(sixty, work=50_000_000)
    assert probed.converged and ordered.converged
    assert probed.bound == ordered.bound and probed.rounds == ordered.rounds
    assert probed.columns == ordered.columns
    assert [h[1] for h in probed.history] == [h[1] for h in ordered.history]
    # An exact round's days are summed in another order: the same bound up to rounding.
    assert [h[2] is None for h in probed.history] == [h[2] is None for h in ordered.history]
    assert [h[2] or 0.0 for h in probed.history] == pytest.approx(
        [h[2] or 0.0 for h in ordered.history], rel=1e-12, abs=1e-6)
    assert probed.work > ordered.work


def test_a_round_cut_short_prices_first_the_days_that_lower_the_bound_most(monkeypatch, sixty):
    """The 60-request tour cut inside its first exact round at 3.5 M units (a 5 s solve's
    share): in the days' order the round spends its work on a day whose pricing gains little
    and leaves days with a large gap at their empty routes' bounds; in the order of the probes
    it prices those first, and the bound is tighter by far (4.6 % above the relaxation instead
    of 6.8 %; the tail's rule, which changes where the round begins, left out)."""
    monkeypatch.setattr(generation, "EXACT_ROUND_FAST_ROUNDS", 0)
    probed = route_bound(sixty, work=3_500_000)
    _days_in_their_order(monkeypatch)
    ordered = route_bound(sixty, work=3_500_000)
    assert probed.bound is not None and ordered.bound is not None
    relaxation = probed.relaxation
    assert relaxation == ordered.relaxation
    assert probed.bound - relaxation < 0.75 * (ordered.bound - relaxation)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(tours())
def test_a_bound_from_a_round_cut_short_is_never_below_the_optimum(prob):
    """Whatever the work, a bound given is at least the converged one and CP-SAT's proven
    optimum."""
    instance = build_instance(prob)
    if not instance.requests:
        return
    optimum = _cp_optimum(instance)
    full = route_bound(instance, work=5_000_000)
    for share in (0.1, 0.3, 0.6, 0.9):
        result = route_bound(instance, work=max(1, int(share * full.work)))
        if result.bound is None:
            continue
        assert full.bound is None or result.bound >= full.bound
        if optimum is not None:
            assert result.bound >= optimum


def test_a_short_tail_goes_exact_only_when_the_work_left_is_short():
    """The fast rounds' tail ends early only when both hold: their reduced costs sum to under
    ``TAIL_SHARE`` of the master's value, and less work is left than an exact round costs."""
    tail = [0.0, 300.0, 200.0, -50.0]  # 500 in all: 0.05 % of 1,000,000
    round_work = 100_000
    short = generation.EXACT_ROUND_FAST_ROUNDS * round_work - 1
    assert generation._short_tail(tail, 1_000_000.0, short, round_work)
    assert not generation._short_tail(tail, 1_000_000.0, short + 2, round_work)
    assert not generation._short_tail([0.0, 3_000.0], 1_000_000.0, short, round_work)
    assert generation._short_tail([0.0], -1_000_000.0, short, round_work)


def test_with_the_work_to_spare_the_tail_runs_its_course(monkeypatch):
    """A relaxation with work to spare converges as it did without the rule (the same rounds,
    columns and bound); the rule only acts where the work would cut the exact round short."""
    instance = _tour()
    kept = route_bound(instance, work=50_000_000)
    monkeypatch.setattr(generation, "EXACT_ROUND_FAST_ROUNDS", 0)
    without = route_bound(instance, work=50_000_000)
    assert kept.converged and without.converged
    assert (kept.bound, kept.rounds, kept.work, kept.columns) == \
        (without.bound, without.rounds, without.work, without.columns)


def test_a_short_tail_leaves_the_exact_round_more_of_the_work(monkeypatch, sixty):
    """The 60-request tour at 3.5 M units (a 5 s solve's share): its fast rounds' tail would
    take the work up to 2.9 M and leave the first exact round a fifth of what it needs. Going
    exact once the tail is short and so is the work, the round is cut later and bounds 2.3 %
    above the relaxation instead of 4.6 %."""
    kept = route_bound(sixty, work=3_500_000)
    monkeypatch.setattr(generation, "EXACT_ROUND_FAST_ROUNDS", 0)
    without = route_bound(sixty, work=3_500_000)
    assert kept.bound is not None and without.bound is not None
    assert kept.bound < without.bound
    assert kept.bound - kept.relaxation < 0.6 * (without.bound - without.relaxation)
