"""Moves between route days: their fast checks against whole-day refreshes, each move on small
hand-made days, when they are switched off, and every rule kept on random tours."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from builders import DAY, day, next_day, problem, request, window
from scheduler.domain import Objective, TourRule
from scheduler.model.heuristic import interday
from scheduler.model.heuristic.construction import construct
from scheduler.model.instance import build_instance
from test_heuristic import heuristic_checked

PLACES = ("H", "A", "B", "C", "D")


@pytest.fixture
def every_move(monkeypatch):
    """The local search between days at every better agenda, the ejection and the string
    removal all on."""
    monkeypatch.setitem(interday.INTERDAY, "local_search", True)
    monkeypatch.setitem(interday.INTERDAY, "only_at_best", False)
    monkeypatch.setitem(interday.INTERDAY, "string_ruin", 0.3)
    monkeypatch.setitem(interday.INTERDAY, "eject", True)


def _route_tour(seed: int, same_days: bool, count: int = 18, days: int = 3):
    """Route days only (no meal, no remote): requests at five places with travel that need
    not obey the triangle inequality; with ``same_days`` each request has the same window on
    every day (days of one kind), else a window on some days only."""
    rand = random.Random(seed)
    dates = [next_day(DAY, k) for k in range(days)]
    travel = {(a, b): rand.randrange(0, 40) for a in PLACES for b in PLACES if a < b}
    requests = []
    for i in range(count):
        opens = rand.randrange(9 * 60, 16 * 60, 5)
        closes = min(opens + rand.choice([60, 120, 240, 480]), 20 * 60)
        on = dates if same_days else rand.sample(dates, rand.randint(1, days))
        windows = [window(f"{opens // 60:02d}:{opens % 60:02d}",
                          f"{closes // 60:02d}:{closes % 60:02d}", date) for date in on]
        requests.append(request(f"r{i}", windows, duration=rand.choice([15, 20, 30, 45]),
                                value=rand.randrange(1, 30), place=rand.choice(PLACES[1:]),
                                setup_minutes=rand.choice([0, 0, 5])))
    return problem(requests, days=[day(date, "09:00", "20:00") for date in dates],
                   travel=travel, places=PLACES, cap=8, buffer=rand.choice([0, 5]),
                   objective=Objective(1, 0, 0))


def random_agenda(search, rand, every_request: bool = True):
    """Random feasible routes on every day (not compact), set through ``restore``: every
    request tried, or (``every_request`` False) a random number of them."""
    days = [[] for _ in range(search.day_count)]
    requests = list(range(search.request_count))
    rand.shuffle(requests)
    if not every_request:
        requests = requests[:rand.randint(0, len(requests))]
    for r in requests:
        d = rand.randrange(search.day_count)
        if search.start_ranges[d][r] is None or len(days[d]) >= search.cap:
            continue
        trial = days[d][:]
        trial.insert(rand.randint(0, len(trial)), r)
        search.items[d] = trial
        if search.refresh_day(d):
            days[d] = trial
        search.items[d] = list(days[d])
        assert search.refresh_day(d)
    search.restore([list(items) for items in search.items])



def serve_days(search):
    """Set who serves each request from the days' items (``random_agenda`` sets the items
    and times alone)."""
    search.day_of[:] = [-1] * search.request_count
    search.unserved[:] = True
    for d, items in enumerate(search.items):
        for r in items:
            search.day_of[r], search.unserved[r] = d, False

def _whole_day(search, d, route):
    """The arrival of ``route`` on day ``d`` from a whole-day refresh, or None."""
    before = list(search.items[d])
    search.items[d] = list(route)
    arrival = search.days[d].start + search.day_length[d] if search.refresh_day(d) else None
    search.items[d] = before
    assert search.refresh_day(d)
    return arrival


@pytest.mark.parametrize("same_days", [True, False])
def test_fast_checks_give_the_arrival_of_a_whole_day_refresh(same_days):
    """Relocate, swap, 2-opt* and the served-for-unserved swap: the fast check's arrival (or
    refusal) is that of laying out the changed day whole, on days with several windows."""
    compared = feasible = 0
    for seed in range(6):
        rand = random.Random(seed)
        search = construct(build_instance(_route_tour(seed, same_days)), {}, {}, None, None, seed)
        assert search.interday_enabled
        if same_days:
            assert len({search.day_kind[d] for d in range(search.day_count)}) == 1
        for _ in range(5):
            random_agenda(search, rand)
            for _ in range(60):
                d, e = rand.sample(range(search.day_count), 2)
                route_d, route_e = search.route[d], search.route[e]
                if not route_d:
                    continue
                i = rand.randrange(len(route_d))
                r = route_d[i]
                at = rand.randint(0, len(route_e))
                cases = [(d, i, [], d, i + 1, route_d[:i] + route_d[i + 1:])]
                if search.start_ranges[e][r] is not None:
                    cases.append((e, at, [r], e, at, route_e[:at] + [r] + route_e[at:]))
                if at < len(route_e) and search.start_ranges[e][r] is not None:
                    cases.append((e, at, [r], e, at + 1, route_e[:at] + [r] + route_e[at + 1:]))
                unserved = [u for u in range(search.request_count)
                            if search.unserved[u] and search.start_ranges[d][u] is not None]
                if unserved:
                    u = rand.choice(unserved)
                    cases.append((d, i, [u], d, i + 1, route_d[:i] + [u] + route_d[i + 1:]))
                if search.day_kind[d] is not None and search.day_kind[d] == search.day_kind[e]:
                    head_d, head_e = rand.randint(0, len(route_d)), rand.randint(0, len(route_e))
                    cases.append((d, head_d, [], e, head_e, route_d[:head_d] + route_e[head_e:]))
                for day_index, head, middle, tail_day, tail_from, route in cases:
                    fast = search.arrival_with(day_index, head, middle, tail_day, tail_from)
                    assert fast == _whole_day(search, day_index, route), (seed, route)
                    compared += 1
                    feasible += fast is not None
    assert compared > 500 and 0.1 * compared < feasible < 0.95 * compared, (compared, feasible)


@pytest.mark.parametrize("same_days", [True, False])
def test_an_insertion_check_is_the_general_check_with_its_work(same_days):
    """kept_insertion (one engagement into a day's own route: a relocation, a swap's half, an
    unserved request in a served one's place) gives the arrival of kept_arrival, is charged
    the same work walked and kept alike, and keeps the same entry."""
    compared = feasible = 0
    for seed in range(4):
        rand = random.Random(seed)
        search = construct(build_instance(_route_tour(seed, same_days)), {}, {}, None, None, seed)
        for _ in range(5):
            random_agenda(search, rand, every_request=rand.random() < 0.5)
            for _ in range(80):
                d = rand.randrange(search.day_count)
                route = search.route[d]
                head = rand.randint(0, len(route))
                tail_from = min(len(route), head + rand.choice([0, 0, 1, 2]))
                single = (rand.randrange(search.request_count),)
                results = []
                for check in (lambda: search.kept_arrival(d, head, single, d, tail_from),
                              lambda: search.kept_insertion(d, head, single, tail_from)):
                    search.fresh_checks()
                    search.arrival_memo.clear()
                    walked = search.work
                    arrive = check()
                    walked = search.work - walked
                    kept = search.work
                    assert check() == arrive
                    results.append((arrive, walked, search.work - kept,
                                    dict(search.arrival_memo)))
                assert results[0] == results[1], (seed, d, head, single, tail_from)
                compared += 1
                feasible += results[0][0] is not None
    assert compared == 1600 and 0.05 * compared < feasible < 0.95 * compared, feasible


def test_relocate_moves_an_engagement_to_the_day_where_it_costs_less_time():
    """Day 1 visits A then B; day 2 visits B. Moving day 1's B visit next to day 2's saves
    the trip A -> B -> H on day 1 for no travel on day 2."""
    dates = [DAY, next_day(DAY)]
    reqs = [request("a", [window("09:00", "20:00", DAY)], place="A", duration=60, value=5),
            request("b", [window("09:00", "20:00", date) for date in dates], place="B",
                    duration=60, value=5),
            request("c", [window("09:00", "20:00", dates[1])], place="B", duration=60, value=5)]
    prob = problem(reqs, days=[day(date) for date in dates], objective=Objective(1, 0, 0))
    search = construct(build_instance(prob), {}, {}, None, None, 0)
    index = search.index_of
    search.restore([[index["a"], index["b"]], [index["c"]]])
    length = sum(search.day_length)
    assert search.interday_search()
    assert search.day_of[index["b"]] == 1
    assert sum(search.day_length) == length - 20  # -80 on day 1, +60 on day 2


def test_swap_exchanges_engagements_between_two_days():
    """Each day visits A and B; a swap puts both A visits on one day and both B visits on
    the other, where no travel between them is needed."""
    dates = [DAY, next_day(DAY)]
    reqs = [request(f"{place}{k}", [window("09:00", "20:00", date) for date in dates],
                    place=place, duration=30, value=5) for place in "AB" for k in range(2)]
    prob = problem(reqs, days=[day(date) for date in dates], cap=2,
                   travel={("A", "B"): 60}, objective=Objective(1, 0, 0))
    search = construct(build_instance(prob), {}, {}, None, None, 0)
    index = search.index_of
    search.restore([[index["A0"], index["B0"]], [index["A1"], index["B1"]]])
    assert search.interday_search()
    places = [{search.place[r] for r in search.items[d]} for d in range(2)]
    assert all(len(at) == 1 for at in places), places


def test_an_unserved_request_replaces_a_served_one_worth_less():
    """The cap is one a day; the unserved request next to the served one is worth more."""
    reqs = [request("low", [window("09:00", "20:00")], place="A", value=3),
            request("high", [window("09:00", "20:00")], place="A", value=9),
            request("other", [window("09:00", "20:00", next_day(DAY))], place="B", value=1)]
    prob = problem(reqs, days=[day(DAY), day(next_day(DAY))], cap=1,
                   objective=Objective(1, 0, 0))
    search = construct(build_instance(prob), {}, {}, None, None, 0)
    index = search.index_of
    search.restore([[index["low"]], [index["other"]]])
    before = search.search_key()
    assert search.interday_search()
    assert search.items[0] == [index["high"]] and search.unserved[index["low"]]
    assert search.search_key() > before


def test_an_unserved_request_takes_the_place_of_one_that_moves_to_another_day(monkeypatch):
    """With ejection on: the unserved request fits only where a served one worth more is,
    and that one fits on the other day; both end up served."""
    monkeypatch.setitem(interday.INTERDAY, "eject", True)
    reqs = [request("low", [window("09:00", "20:00", date) for date in (DAY, next_day(DAY))],
                    place="A", value=5),
            request("only", [window("09:00", "20:00")], place="A", value=4)]
    prob = problem(reqs, days=[day(DAY), day(next_day(DAY))], cap=1,
                   objective=Objective(1, 0, 0))
    search = construct(build_instance(prob), {}, {}, None, None, 0)
    index = search.index_of
    search.restore([[index["low"]], []])
    search.recreate(0.0)  # nothing fits; the other day's insertion options are now known
    assert search.unserved[index["only"]] and search.items[1] == []
    assert search.interday_search()
    assert search.items == [[index["only"]], [index["low"]]]


#: Travel both ways (the builder's default of 20 minutes would otherwise stay on the way back).
TWO_SIDES = {("A", "B"): 90, ("B", "A"): 90, ("H", "A"): 10, ("A", "H"): 10, ("H", "B"): 10,
             ("B", "H"): 10}


def test_two_opt_star_exchanges_the_tails_of_two_days_of_one_kind():
    """Two full days of one kind cross between A and B (90 minutes apart): day 1 visits A
    twice then B twice, day 2 B twice then A twice. No relocation fits (the cap) and no single
    swap saves time; exchanging the tails after the A visits of day 1 and before those of day
    2 does, and leaves each day at one place."""
    dates = [DAY, next_day(DAY)]
    names = {0: ["A0", "A0b", "B0", "B0b"], 1: ["B1", "B1b", "A1", "A1b"]}
    reqs = [request(name, [window("09:00", "20:00", date) for date in dates],
                    place=name[0], duration=30, value=5) for k in (0, 1) for name in names[k]]
    prob = problem(reqs, days=[day(date) for date in dates], cap=4,
                   travel={(a, b): minutes for (a, b), minutes in TWO_SIDES.items()},
                   objective=Objective(1, 0, 0))
    search = construct(build_instance(prob), {}, {}, None, None, 0)
    assert search.day_kind[0] == search.day_kind[1] is not None
    index = search.index_of
    search.restore([[index[name] for name in names[k]] for k in (0, 1)])
    assert sum(search.day_length) == 2 * (10 + 4 * 30 + 90 + 10)
    assert search.interday_search()
    assert sum(search.day_length) == 2 * (10 + 4 * 30 + 10)
    places = [{search.place[r] for r in search.items[d]} for d in range(2)]
    assert all(len(at) == 1 for at in places), places


def test_a_refused_move_leaves_the_agenda_as_it_was():
    search = construct(build_instance(_route_tour(3, True)), {}, {}, None, None, 3)
    snapshot, key = search.snapshot(), search.search_key()
    d, e = 0, 1
    moved = search.route[d][:1]
    assert not search.try_move({d: search.route[d][1:], e: search.route[e] + moved}, -1, -5)
    assert search.snapshot() == snapshot and search.search_key() == key


def test_moves_between_days_are_off_where_they_could_break_a_rule():
    # Every day a timeline (a meal): no pair of route days.
    dates = [DAY, next_day(DAY)]
    reqs = [request("a", [window("09:00", "20:00", date) for date in dates])]
    with_meals = problem(reqs, days=[day(date, meal=("12:00", "14:00", 45)) for date in dates])
    assert not construct(build_instance(with_meals), {}, {}, None, None, 0).interday_enabled
    # Rules between requests: off too.
    plain = problem(reqs + [request("b", [window("09:00", "20:00", date) for date in dates])],
                    days=[day(date) for date in dates])
    assert construct(build_instance(plain), {}, {}, None, None, 0).interday_enabled
    ruled = dataclasses.replace(plain, rules=(TourRule("apart", 1, requests=("a", "b")),))
    assert not construct(build_instance(ruled), {}, {}, None, None, 0).interday_enabled
    # A pinned request keeps its day out of every kind (no 2-opt* moving it).
    search = construct(build_instance(plain), {"a": (0, 9 * 60 + 30)}, {}, None, None, 0)
    assert search.day_kind[0] is None and search.day_kind[1] is not None


@st.composite
def route_tours(draw):
    """Two to four route days (no meal, no remote), 2-14 requests with windows on some days,
    fixed starts, set-up, buffers, caps, steps, travel without the triangle inequality, the
    end place sometimes elsewhere; the objective with or without travel and span."""
    n_days = draw(st.integers(2, 4))
    dates = [DAY + timedelta(days=i) for i in range(n_days)]
    same = draw(st.booleans())
    start = draw(st.sampled_from(["08:00", "09:00"]))
    end = draw(st.sampled_from(["16:00", "19:00"]))
    days = [day(date, start if same else draw(st.sampled_from(["08:00", "09:00"])),
                end if same else draw(st.sampled_from(["16:00", "19:00"])), home="H",
                end_place="H" if same else draw(st.sampled_from(["H", "C"]))) for date in dates]
    requests = []
    for index in range(draw(st.integers(2, 14))):
        opens = draw(st.integers(8 * 12, 17 * 12)) * 5
        closes = min(opens + draw(st.sampled_from([30, 60, 120, 300, 600])), 23 * 60 + 55)
        on = dates if same and draw(st.booleans()) else \
            draw(st.lists(st.sampled_from(dates), min_size=1, max_size=n_days, unique=True))
        windows = [window(f"{opens // 60:02d}:{opens % 60:02d}",
                          f"{closes // 60:02d}:{closes % 60:02d}", date) for date in sorted(on)]
        fixed = windows[0].start if draw(st.integers(0, 7)) == 0 else None
        requests.append(request(
            f"r{index}", windows, duration=draw(st.sampled_from([15, 20, 30, 45, 60])),
            value=draw(st.integers(0, 40)), place=draw(st.sampled_from(PLACES[1:])),
            setup_minutes=draw(st.sampled_from([0, 0, 10])), fixed_start=fixed))
    travel = {(a, b): draw(st.integers(0, 60)) for a in PLACES for b in PLACES if a < b}
    prob = problem(requests, days=days, travel=travel, places=PLACES,
                   cap=draw(st.integers(1, 6)), buffer=draw(st.sampled_from([0, 10])),
                   objective=draw(st.sampled_from([Objective(), Objective(1, 0, 0)])))
    step = draw(st.sampled_from([1, 5, 15]))
    return dataclasses.replace(prob, tour=dataclasses.replace(prob.tour, time_step_minutes=step))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(route_tours(), st.integers(0, 3))
def test_random_route_tours_keep_every_rule_with_the_moves_between_days(every_move, tour, seed):
    """With every move between days and the string removal on, the heuristic's agenda is
    feasible for the exact model and accepted by the independent checker."""
    heuristic_checked(tour, seed=seed, work=150_000)


def test_a_solomon_run_with_every_move_keeps_every_rule_and_repeats(every_move):
    from conftest import solomon_problem

    prob = solomon_problem("c101", 60, 3)
    instance = build_instance(prob)
    runs = [heuristic_checked(prob, seed=2, work=3_000_000)[1] for _ in range(2)]
    assert runs[0].placements(instance) == runs[1].placements(instance)
