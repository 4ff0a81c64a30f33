"""A fast primal heuristic for the agenda: greedy construction, then ruin and recreate.

It works on the integer :class:`~scheduler.model.instance.Instance` and keeps every hard rule
of :mod:`scheduler.model.cpmodel` (its solution is handed to CP-SAT as a complete hint, and
CP-SAT is the final judge). What it keeps, in the model's own terms:

- each request starts inside one of its start ranges of that day, on the time step when its
  ranges are on the step grid (``RequestData.starts`` already holds only such starts);
- set-up (``setup`` minutes before the start), then the engagement, then the buffer, then
  the travel leg to the next place: ``start_b - setup_b >= start_a + duration_a + buffer +
  travel`` (the buffer even between two engagements at the same place); from the day's start
  place ``start - setup >= depart + travel`` with ``depart >= day start``; back to the end
  place the buffer counts only when there is travel (the pruned ranges hold that rule);
- on a day with a meal or remote candidates (the model's no-overlap days) every item of the
  guest's timeline - engagements from set-up to end plus buffer, remote calls likewise, the
  meal, and each travel leg - is laid out one after the other without overlap. A leg may sit
  anywhere between the two engagements it joins; the evaluator puts it where the rest of the
  day can start earliest. A zero-minute leg is an interval too (CP-SAT forbids it strictly
  inside another), so on such days the last engagement's buffer ends by the end of the day;
- the cap per day, each request at most once, pinned requests fixed on their day and minute.

Search: a day is a sequence of items (requests, and ``MEAL``). Insertion checks on days
without meal or remote candidates are O(1) per (candidate, position) with forward earliest
starts ``E`` and backward latest starts ``L`` (both exact for several start ranges and the
step grid), vectorised over all candidates and positions with numpy; on the other days a
candidate passes the same test on the in-person route first and is then checked exactly on
the whole timeline. Each iteration removes a few engagements (a segment of a day, random
ones, related ones, or the least valuable), re-inserts greedily by gain² / time used with a
little noise, and accepts by simulated annealing on the objective. Work is counted in
operations, not seconds, so the same instance, seed and budget give the same agenda.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from .instance import Instance

log = logging.getLogger(__name__)

MEAL = -1
_INF = 1 << 60
_NEG = -np.inf

#: Operations (candidate-position checks and their overhead) that make one nominal second
#: on the machines this is tuned on; the budget of the search is ``seconds × WORK_PER_SECOND``.
#: Measured on twelve Solomon runs (one to four tours, one search), the earlier 19 million
#: made a nominal second last a median 0.87 s of wall clock (0.75-0.91).
WORK_PER_SECOND = 21_500_000
#: What laying out a timeline day costs, in those operations: a call, each item it passes,
#: each (placeless item, leg position) pair of a gap. Measured on the generated 60-, 120- and
#: 300-request tours, the earlier 40, 12 and 25 ran 1.6 to 2 times the clock (four nominal
#: seconds took 2.5 s), so the heuristic used about half the share of the time limit it was
#: given on tours with meals and calls. Scaled with ``WORK_PER_SECOND`` (from 22, 7 and 14).
TIMELINE_WORK = 25
TIMELINE_ITEM_WORK = 8
GAP_WORK = 16

#: Knobs of the search (tuned by measurement on the Solomon instances; at most 12 engagements
#: removed an iteration rather than 20 reached the best peer on 23 of 29 four-tour runs instead
#: of 21, the same on two tours).
TUNING = {"t0": 2.0, "t1": 0.05, "reset": 2000, "qfrac": 0.4, "qmax": 12}


@dataclass
class DayPlan:
    """One day of the heuristic's agenda, with every value the CP-SAT model needs as a hint."""

    day: int
    order: list[int]  # request indices of the in-person engagements, in visiting order
    starts: dict[int, int]  # request index -> start minute (in-person and remote)
    meal: int | None
    depart: int
    arrive: int
    legs: dict[int, int]  # request index (or -1 for the start place) -> leg start minute


@dataclass
class HeuristicResult:
    """The best agenda found: per-day plans, its objective and the work it took."""

    days: list[DayPlan]
    objective: int  # the model's objective of this agenda (change costs included)
    value: int
    work: int
    iterations: int
    complete: bool  # every mandatory and pinned request is served
    improvements: list[tuple[int, int]] = field(default_factory=list)  # (work, objective)
    improved_at: list[int] = field(default_factory=list)  # iteration of each improvement

    def placements(self, instance: Instance) -> dict[str, tuple[int, int]]:
        """Request id -> (day index, start minute), as ``SolveParams.hints``."""
        out = {}
        for plan in self.days:
            for index, start in plan.starts.items():
                out[instance.requests[index].id] = (plan.day, start)
        return out


def meal_range(day) -> tuple[tuple[int, int]] | None:
    """The meal's start range: inside its window and, when that leaves room, the day's hours
    (the same domain as the model's ``meal_start``)."""
    lo = max(day.meal_earliest, day.start)
    hi = min(day.meal_latest, day.end) - day.meal_minutes
    if lo > hi:
        lo, hi = day.meal_earliest, day.meal_latest - day.meal_minutes
    return ((lo, hi),) if lo <= hi else None


class _Search:
    """The state and moves of the search. Lists of ints, numpy for the vectorised checks."""

    def __init__(self, inst: Instance, seed: int, pinned: Mapping[str, tuple[int, int]],
                 previous: Mapping[str, tuple[int, int]], change_costs) -> None:
        self.inst = inst
        self.rand = random.Random(seed)
        self.nprand = np.random.Generator(np.random.PCG64(seed))
        n = self.n = len(inst.requests)
        nd = self.nd = len(inst.days)
        self.T = [list(row) for row in inst.travel]
        self.Tnp = np.array(inst.travel, dtype=np.int64).reshape(len(inst.travel), -1) \
            if inst.travel else np.zeros((1, 1), dtype=np.int64)
        self.buf = inst.buffer
        self.cap = inst.cap
        self.vw, self.tw, self.sw = inst.value_weight, inst.travel_weight, inst.span_weight
        reqs = inst.requests
        self.dur = [r.duration for r in reqs]
        self.setup = [r.setup for r in reqs]
        self.pl = [(-1 if r.place is None else r.place) for r in reqs]
        self.value = [r.value for r in reqs]
        self.mandatory = [r.mandatory for r in reqs]
        self.ok = True  # False when a pinned request cannot be where it is pinned
        # Start ranges and the step their starts keep, per day and request.
        self.rng: list[list[tuple | None]] = [[None] * n for _ in range(nd)]
        self.stp: list[list[int]] = [[1] * n for _ in range(nd)]
        step = inst.step
        for r in reqs:
            for d, ranges in r.starts.items():
                self.rng[d][r.index] = tuple(ranges)
                on_grid = all(lo % step == 0 and hi % step == 0 for lo, hi in ranges)
                self.stp[d][r.index] = step if (step > 1 and on_grid) else 1
        # Pinned: one allowed start on one day, never removed.
        by_id = {r.id: r.index for r in reqs}
        self.pinned = [False] * n
        for rid, (pd, ps) in (pinned or {}).items():
            r = by_id.get(rid)
            if r is None or not (0 <= pd < nd) or self.rng[pd][r] is None or \
                    not self._allowed(pd, r, ps):
                self.ok = False
                continue
            for d in range(nd):
                self.rng[d][r] = None
            self.rng[pd][r] = ((ps, ps),)
            self.stp[pd][r] = 1
            self.pinned[r] = True
        # What serving a request on a day is worth, in objective units (change costs included).
        self.gain = [[0] * n for _ in range(nd)]
        self.previous_start: dict[int, tuple[int, int]] = {}
        self.constant = 0  # objective part that does not depend on the agenda (drop costs)
        prev_idx = {}
        for rid, (od, os_) in (previous or {}).items():
            r = by_id.get(rid)
            if r is not None and rid not in (pinned or {}):
                prev_idx[r] = (od, os_)
        self.previous_start = prev_idx
        costs = change_costs
        for r in range(n):
            for d in range(nd):
                if self.rng[d][r] is None:
                    continue
                g = self.vw * self.value[r]
                if r in prev_idx and costs is not None:
                    g += costs.drop
                    if d != prev_idx[r][0]:
                        g -= costs.move_day
                self.gain[d][r] = g
        for r, _ in prev_idx.items():
            if costs is not None and costs.drop:
                self.constant -= costs.drop
        self.shift_cost = costs.shift if costs is not None else 0
        # Search-only bonus: mandatory and pinned requests come before anything else.
        top = max([abs(g) for row in self.gain for g in row] + [1])
        self.bonus = [(top * 4 * (n + 1) if (self.mandatory[r] or self.pinned[r]) else 0)
                      for r in range(n)]
        # Days.
        self.days = inst.days
        self.slow = [False] * nd
        self.meal_rng: list[tuple | None] = [None] * nd
        for day in inst.days:
            d = day.index
            has_remote = any(self.rng[d][r] is not None and self.pl[r] < 0 for r in range(n))
            # The model's no-overlap applies to days with remote candidates (also pinned away).
            has_remote = has_remote or any(d in r.starts and r.place is None for r in reqs)
            self.slow[d] = day.has_meal or has_remote
            if day.has_meal:
                self.meal_rng[d] = meal_range(day)
                if self.meal_rng[d] is None:
                    self.ok = False
        # What an insertion uses up: its share of the day's hours plus its share of the
        # day's engagements (the cap); value per share is what insertion ranks by.
        self.time_unit = [1.0 / max(1, day.end - day.start) for day in inst.days]
        self.slot_unit = 1.0 / max(1, self.cap)
        self._build_rows()
        # State.
        self.items: list[list[int]] = [[MEAL] if self.days[d].has_meal else [] for d in range(nd)]
        self.where = [-1] * n
        self.count = [0] * nd
        self.E: list[list[int]] = [[] for _ in range(nd)]
        self.L: list[list[int]] = [[] for _ in range(nd)]
        self.ip: list[list[int]] = [[] for _ in range(nd)]
        self.day_obj = [0] * nd  # objective of each day (gains - travel - span)
        self.day_len = [0] * nd  # earliest arrival at the end place minus day start (tie-break)
        self.unserved = np.ones(n, dtype=bool)
        self.work = 0
        self.dirty = [True] * nd
        self.compressed = [False] * nd  # compacted since the day last changed
        self.cache_rule: list[tuple[float, float] | None] = [None] * nd
        self.moved_meal: dict[tuple[int, int], list[int]] = {}  # (day, request) -> new items
        # Timeline days: (items, state before each position, free time after each in-person
        # engagement, arrival) of the day's last layout, to resume insertions from.
        self.traced: list[tuple | None] = [None] * nd
        for d in range(nd):
            if self.ok and not self._refresh(d):
                self.ok = False  # even the empty day does not fit (meal window, travel)

    # ------------------------------------------------------------------ ranges
    def _allowed(self, d: int, r: int, s: int) -> bool:
        st = self.stp[d][r]
        if st > 1 and s % st:
            return False
        return any(lo <= s <= hi for lo, hi in self.rng[d][r])

    def _next_start(self, d: int, r: int, t: int) -> int | None:
        """The earliest allowed start of ``r`` on day ``d`` at or after ``t``."""
        for lo, hi in self.rng[d][r]:
            if t <= hi:
                if t <= lo:
                    return lo
                st = self.stp[d][r]
                return -(-t // st) * st if st > 1 else t
        return None

    def _prev_start(self, d: int, r: int, t: int) -> int | None:
        """The latest allowed start of ``r`` on day ``d`` at or before ``t``."""
        for lo, hi in reversed(self.rng[d][r]):
            if t >= lo:
                if t >= hi:
                    return hi
                st = self.stp[d][r]
                return t // st * st if st > 1 else t
        return None

    # ------------------------------------------------------------------ candidate rows
    def _build_rows(self) -> None:
        """Per day, one row per start range of each in-person candidate, then each remote one."""
        T = self.Tnp
        self.rows = []
        self.rows_of: list[dict[int, list[int]]] = []
        self.cands: list[list[int]] = []
        self.evaluated: list[set[int]] = [set() for _ in range(self.nd)]
        offsets = [0]
        all_req = []
        for d in range(self.nd):
            req, place, lo, hi, stp, setup, durbuf, gain = [], [], [], [], [], [], [], []
            remote = []
            for r in range(self.n):
                ranges = self.rng[d][r]
                if ranges is None:
                    continue
                if self.pl[r] < 0:
                    remote.append(r)
                    continue
                for a, b in ranges:
                    req.append(r)
                    place.append(self.pl[r])
                    lo.append(a)
                    hi.append(b)
                    stp.append(self.stp[d][r])
                    setup.append(self.setup[r])
                    durbuf.append(self.dur[r] + self.buf)
                    gain.append(self.gain[d][r] + self.bonus[r])
            n_ip = len(req)
            rows = {
                "n_ip": n_ip,
                "req": np.array(req + remote, dtype=np.int64),
                "place": np.array(place, dtype=np.int64),
                "lo": np.array(lo, dtype=np.int64),
                "hi": np.array(hi, dtype=np.int64),
                "step": np.array(stp, dtype=np.int64),
                "has_step": any(s > 1 for s in stp),
                "setup": np.array(setup, dtype=np.int64),
                "durbuf": np.array(durbuf, dtype=np.int64),
                "gain": np.array(gain, dtype=np.float64),
                "remote": remote,
            }
            rows["Tin"] = np.ascontiguousarray(T[:, rows["place"]]) if n_ip else None
            rows["Tout"] = np.ascontiguousarray(T[rows["place"], :].T) if n_ip else None
            self.rows.append(rows)
            of: dict[int, list[int]] = {}
            for c, r in enumerate(req + remote):
                of.setdefault(r, []).append(c)
            self.rows_of.append(of)
            self.cands.append(sorted(of))
            all_req.extend(req + remote)
            offsets.append(offsets[-1] + len(req) + len(remote))
        self.offsets = offsets
        self.all_req = np.array(all_req, dtype=np.int64)
        self.all_day = np.concatenate([np.full(offsets[d + 1] - offsets[d], d, dtype=np.int64)
                                       for d in range(self.nd)]) if self.nd else np.zeros(0, np.int64)
        V = offsets[-1]
        self.all_score = np.full(V, _NEG)
        self.all_pos = np.zeros(V, dtype=np.int64)
        self.all_shift = np.ones(V, dtype=np.float64)
        self.all_gain = np.zeros(V, dtype=np.float64)

    # ------------------------------------------------------------------ day evaluation
    def _pure_times(self, d: int, seq: list[int]) -> tuple[list[int], list[int]] | None:
        """Earliest and latest starts of an in-person sequence (rules without the timeline)."""
        day = self.days[d]
        T, pl, setup, dur, buf = self.T, self.pl, self.setup, self.dur, self.buf
        t = day.start
        place = day.start_place
        E = []
        for r in seq:
            s = self._next_start(d, r, t + T[place][pl[r]] + setup[r])
            if s is None:
                return None
            E.append(s)
            t = s + dur[r] + buf
            place = pl[r]
        L = [0] * len(seq)
        nxt = None
        for i in range(len(seq) - 1, -1, -1):
            r = seq[i]
            if nxt is None:
                lim = self.rng[d][r][-1][1]
            else:
                lim = self._prev_start(d, r, L[i + 1] - setup[nxt] - T[pl[r]][pl[nxt]] - buf - dur[r])
                if lim is None:
                    return None
            L[i] = lim
            nxt = r
        return E, L

    def _timeline(self, d: int, items: list[int], detail: bool = False,
                  trace: tuple[list, list] | None = None, insert_at: int | None = None):
        """Lay out a day's items in order, each as early as it can go; ``None`` if it cannot.

        Returns the arrival at the end place, or with ``detail`` a :class:`DayPlan`-like tuple
        (starts by item position, meal start, leg starts by origin, depart, arrive).

        ``trace`` (two empty lists) records the layout for the insertions of :meth:`_try_slots`: the
        state before each position and the time the guest is free after each in-person
        engagement. With ``insert_at``, ``items`` is the traced day (``self.traced[d]``) with
        one item inserted at that position: the layout resumes from the traced state there
        and stops as soon as an in-person engagement after it ends when it ended in the traced
        layout, since all that follows is then the same.
        """
        day = self.days[d]
        T, pl, setup, dur, buf = self.T, self.pl, self.setup, self.dur, self.buf
        starts = [0] * len(items) if detail else None
        legs = {} if detail else None
        depart = day.start
        first_leg = True
        if insert_at is None:
            first = 0
            t, place, origin, pending = day.start, day.start_place, -1, []
            self.work += TIMELINE_WORK + TIMELINE_ITEM_WORK * len(items)
        else:
            first = insert_at
            _, traced_states, traced_free, traced_arrival = self.traced[d]
            t, place, origin, pending = traced_states[insert_at]
            pending = list(pending)
            # Charged for the whole rest of the day, less what an early stop saves.
            self.work += TIMELINE_WORK + TIMELINE_ITEM_WORK * (len(items) - insert_at)
        states, free_after = trace if trace is not None else (None, None)
        for idx in range(first, len(items)):
            it = items[idx]
            if states is not None:
                states.append((t, place, origin, tuple(pending)))
            if it == MEAL or pl[it] < 0:
                pending.append(idx)
                continue
            target = pl[it]
            f = self._gap(d, t, T[place][target], pending, items, starts, legs, origin)
            if f is None:
                return None
            gap_empty = not pending
            s = self._next_start(d, it, f + setup[it])
            if s is None:
                return None
            if detail:
                starts[idx] = s
                if first_leg:
                    if gap_empty:  # leave the start place just in time
                        legs[origin] = s - setup[it] - T[place][target]
                    depart = legs[origin]
            first_leg = False
            t = s + dur[it] + buf
            place = target
            origin = it
            pending = []
            if free_after is not None:
                free_after[idx] = t
            elif insert_at is not None and idx > insert_at and t == traced_free[idx - 1]:
                self.work -= TIMELINE_ITEM_WORK * (len(items) - 1 - idx)
                return traced_arrival
        if states is not None:
            states.append((t, place, origin, tuple(pending)))
        minutes = T[place][day.end_place]
        if not pending and not self.slow[d]:
            # Without a timeline the last leg needs the buffer only when there is travel.
            if origin >= 0:
                arrive = t - buf + (buf + minutes if minutes else 0)
            else:
                arrive = t + minutes
            if detail:
                legs[origin] = arrive - minutes
        else:
            arrive = self._gap(d, t, minutes, pending, items, starts, legs, origin, final=True)
        if arrive is None or arrive > day.end:
            return None
        if not detail:
            return arrive
        if first_leg:
            depart = legs[origin]
        return starts, legs, depart, arrive

    def _gap(self, d, t, minutes, pending, items, starts, legs, origin, final=False):
        """Lay out the placeless items between two places and the leg joining them.

        The leg goes where the gap ends earliest (for the final gap: where it arrives
        earliest). Returns that time, or ``None`` when no placement fits.
        """
        if not pending:
            if legs is not None:
                legs[origin] = t
            return t + minutes
        best = None
        best_j = 0
        positions = range(len(pending) + 1) if minutes else (len(pending),)
        self.work += GAP_WORK * len(pending) * len(positions)
        for j in positions:
            time = t
            leg_end = None
            ok = True
            for i, idx in enumerate(pending):
                if i == j:
                    time += minutes
                    leg_end = time
                time = self._place_free(d, items[idx], time)
                if time is None:
                    ok = False
                    break
            if not ok:
                continue
            if j == len(pending):
                time += minutes
                leg_end = time
            key = leg_end if final else time
            if best is None or key < best:
                best, best_j = key, j
        if best is None:
            return None
        if starts is not None:
            time = t
            for i, idx in enumerate(pending):
                if i == best_j:
                    legs[origin] = time
                    time += minutes
                it = items[idx]
                s = self._free_start(d, it, time)
                starts[idx] = s
                time = s + (self.days[d].meal_minutes if it == MEAL else self.dur[it] + self.buf)
            if best_j == len(pending):
                legs[origin] = time
        return best

    def _free_start(self, d: int, it: int, time: int) -> int | None:
        """Earliest start of a placeless item (meal or remote request) once the guest is free."""
        if it == MEAL:
            lo, hi = self.meal_rng[d][0]
            s = max(time, lo)
            return s if s <= hi else None
        return self._next_start(d, it, time + self.setup[it])

    def _place_free(self, d: int, it: int, time: int) -> int | None:
        """When the guest is free again after a placeless item placed as early as it can go."""
        s = self._free_start(d, it, time)
        if s is None:
            return None
        if it == MEAL:
            return s + self.days[d].meal_minutes
        return s + self.dur[it] + self.buf

    def _day_stats(self, d: int, ip: list[int], E: list[int], arrive: int,
                   depart: int | None = None) -> tuple[int, int]:
        """(travel minutes, span) of a day with earliest starts ``E``."""
        day = self.days[d]
        T, pl = self.T, self.pl
        place = day.start_place
        travel = 0
        for r in ip:
            travel += T[place][pl[r]]
            place = pl[r]
        travel += T[place][day.end_place]
        if depart is None:
            if ip:
                r = ip[0]
                depart = E[0] - self.setup[r] - T[day.start_place][pl[r]]
            else:
                depart = arrive - T[day.start_place][day.end_place]
        return travel, arrive - depart

    def _refresh(self, d: int) -> bool:
        """Recompute the cached times and objective of day ``d``; False if it is infeasible."""
        items = self.items[d]
        ip = [it for it in items if it != MEAL and self.pl[it] >= 0]
        times = self._pure_times(d, ip)
        if times is None:
            return False
        E, L = times
        if self.slow[d]:
            trace = ([], [None] * len(items))
            out = self._timeline(d, items, detail=True, trace=trace)
            if out is None:
                return False
            _, legs, depart, arrive = out
            self.traced[d] = (list(items), trace[0], trace[1], arrive)
            travel, span = self._day_stats(d, ip, E, arrive, depart)
        else:
            day = self.days[d]
            if ip:
                last = ip[-1]
                back = self.T[self.pl[last]][day.end_place]
                arrive = E[-1] + self.dur[last] + (self.buf + back if back else 0)
            else:
                arrive = day.start + self.T[day.start_place][day.end_place]
            if arrive > day.end:
                return False
            travel, span = self._day_stats(d, ip, E, arrive)
        self.ip[d], self.E[d], self.L[d] = ip, E, L
        gains = sum(self.gain[d][it] for it in items if it != MEAL)
        self.day_obj[d] = gains - self.tw * travel - self.sw * span
        self.day_len[d] = arrive - self.days[d].start
        self.count[d] = len(items) - (1 if self.days[d].has_meal else 0)
        self.dirty[d] = True
        self.compressed[d] = False
        self.work += 150 + 20 * len(items)
        return True

    # ------------------------------------------------------------------ insertion options
    def _positions(self, d: int):
        day = self.days[d]
        ip, E, L = self.ip[d], self.E[d], self.L[d]
        T, pl, dur, buf, setup = self.T, self.pl, self.dur, self.buf, self.setup
        k = len(ip)
        prev_free = [day.start] + [E[i] + dur[r] + buf for i, r in enumerate(ip)]
        prev_place = [day.start_place] + [pl[r] for r in ip]
        next_place = [pl[r] for r in ip] + [day.end_place]
        next_limit = [L[i] - setup[r] for i, r in enumerate(ip)] + [_INF]
        base_travel = [T[prev_place[p]][next_place[p]] for p in range(k + 1)]
        base = [prev_free[p] + base_travel[p] for p in range(k + 1)]
        return (np.array(prev_free, dtype=np.int64), np.array(prev_place, dtype=np.int64),
                np.array(next_place, dtype=np.int64), np.array(next_limit, dtype=np.int64),
                np.array(base, dtype=np.int64), np.array(base_travel, dtype=np.int64))

    def _evaluate_day(self, d: int, a: float, b: float, only: set[int] | None = None) -> None:
        """Best insertion of every candidate row into day ``d`` (score, position) into the cache.

        With ``only`` (timeline days), the cache is kept and just those requests are added.
        """
        rows = self.rows[d]
        off = self.offsets[d]
        end = self.offsets[d + 1]
        if end == off:
            self.dirty[d] = False
            return
        if only is None:
            self.dirty[d] = False
            self.cache_rule[d] = (a, b)
            if self.slow[d]:
                for key in [key for key in self.moved_meal if key[0] == d]:
                    del self.moved_meal[key]
                self.evaluated[d] = {r for r in self.cands[d] if self.unserved[r]}
            self.all_score[off:end] = _NEG
        else:
            self.evaluated[d] |= only
            for r in only:
                for c in self.rows_of[d][r]:
                    self.all_score[off + c] = _NEG
        if self.count[d] >= self.cap:
            return
        n_ip = rows["n_ip"]
        if n_ip:
            prev_free, prev_place, next_place, next_limit, base, base_travel = self._positions(d)
            Tin = rows["Tin"][prev_place]
            Tout = rows["Tout"][next_place]
            e = prev_free[:, None] + Tin
            e += rows["setup"]
            np.maximum(e, rows["lo"], out=e)
            if rows["has_step"]:
                st = rows["step"]
                e = -((-e) // st) * st
            ok = e <= rows["hi"]
            e += rows["durbuf"]
            e += Tout
            ok &= e <= next_limit[:, None]
            shift = e - base[:, None]
            np.maximum(shift, 1, out=shift)
            gain = rows["gain"]
            if self.tw:
                dtravel = Tin + Tout - base_travel[:, None]
                gain = gain - self.tw * dtravel
            if a == 2.0:
                score = gain * np.abs(gain)
            elif a == 1.0:
                score = np.broadcast_to(gain, shift.shape).astype(np.float64)
            else:
                score = np.sign(gain) * np.abs(gain) ** a
            if b:
                cost = shift * self.time_unit[d] + self.slot_unit
                score = score / (cost if b == 1.0 else cost ** b)
            else:
                score = score - shift * 1e-9 * np.abs(score)
            score = np.where(ok & (gain > 0), score, _NEG)
            pos = np.argmax(score, axis=0)
            cols = np.arange(n_ip)
            best = score[pos, cols]
            self.work += 450 + score.size // 5
            if self.slow[d]:
                self._exact_options(d, score, gain, shift, best, pos, off, n_ip, only)
            else:
                self.all_score[off:off + n_ip] = best
                self.all_pos[off:off + n_ip] = pos
                self.all_shift[off:off + n_ip] = shift[pos, cols]
                gsel = gain if np.ndim(gain) == 1 else gain[pos, cols]
                self.all_gain[off:off + n_ip] = gsel
        if rows["remote"]:
            self._remote_options(d, off + n_ip, a, b, only)

    def _gap_slots(self, d: int, q: int) -> range:
        """Slots of ``items[d]`` inside the gap before the ``q``-th in-person engagement."""
        items = self.items[d]
        idx = [i for i, it in enumerate(items) if it != MEAL and self.pl[it] >= 0]
        lo = idx[q - 1] + 1 if q > 0 else 0
        hi = idx[q] if q < len(idx) else len(items)
        return range(lo, hi + 1)

    def _try_slots(self, d: int, r: int, slots) -> tuple[int, int] | None:
        """The slot where ``r`` fits with the earliest arrival, and that arrival."""
        items = self.items[d]
        best = None
        resume = self.traced[d] is not None and self.traced[d][0] == items
        for s in slots:
            trial = items[:s] + [r] + items[s:]
            arrive = self._timeline(d, trial, insert_at=s if resume else None)
            if arrive is not None and (best is None or arrive < best[1]):
                best = (s, arrive)
        if best is not None or MEAL not in items:
            return best
        # Moving the meal may make room: try every place for it around ``r``.
        meal = items.index(MEAL)
        base = items[:meal] + items[meal + 1:]
        tried = set()
        for s in slots:
            s = s - 1 if s > meal else s
            if s in tried:
                continue
            tried.add(s)
            with_r = base[:s] + [r] + base[s:]
            if self._timeline(d, with_r) is None:
                continue  # it does not fit even without the meal: no place for the meal helps
            for m in range(len(with_r) + 1):
                trial = with_r[:m] + [MEAL] + with_r[m:]
                arrive = self._timeline(d, trial)
                if arrive is not None and (best is None or arrive < best[1]):
                    best = (-1, arrive)
                    self.moved_meal[(d, r)] = trial
        return best

    def _exact_options(self, d, score, gain, shift, best, pos, off, n_ip, only=None):
        """On a timeline day, check the in-person candidates exactly, best position first."""
        rows = self.rows[d]
        req = rows["req"]
        unserved = self.unserved
        by_req: dict[int, list[tuple[float, int, int]]] = {}
        finite = np.nonzero(np.isfinite(best))[0]
        for c in finite.tolist():
            r = int(req[c])
            if not unserved[r] or (only is not None and r not in only):
                continue
            col = score[:, c]
            qs = np.nonzero(np.isfinite(col))[0].tolist()
            lst = by_req.setdefault(r, [])
            for q in qs:
                lst.append((float(col[q]), q, c))
        out = self.all_score[off:off + n_ip]
        for r, options in by_req.items():
            options.sort(key=lambda o: (-o[0], o[1]))
            seen = set()
            for sc, q, c in options:
                if q in seen:
                    continue
                seen.add(q)
                found = self._try_slots(d, r, self._gap_slots(d, q))
                if found is not None:
                    out[c] = sc
                    self.all_pos[off + c] = found[0]
                    self.all_shift[off + c] = shift[q, c]
                    self.all_gain[off + c] = gain[q, c] if np.ndim(gain) == 2 else gain[c]
                    break
                if len(seen) >= 4:
                    break

    def _remote_options(self, d: int, start: int, a: float, b: float, only=None) -> None:
        rows = self.rows[d]
        items = self.items[d]
        gaps = self._remote_gaps(d)
        for i, r in enumerate(rows["remote"]):
            k = start + i
            if not self.unserved[r] or (only is not None and r not in only):
                continue
            slots = [slot for low, high, first, last in gaps
                     if (s := self._next_start(d, r, low + self.setup[r])) is not None
                     and s + self.dur[r] + (self.buf if last < len(items) else 0) <= high
                     for slot in range(first, last + 1)]
            self.work += 4 * len(gaps)
            if not slots:
                continue
            found = self._try_slots(d, r, slots)
            if found is None:
                continue
            g = float(self.gain[d][r] + self.bonus[r])
            if g <= 0:
                continue
            used = float(self.setup[r] + self.dur[r] + self.buf)
            sc = (g * abs(g) if a == 2.0 else g ** a if a != 1.0 else g)
            cost = used * self.time_unit[d] + self.slot_unit
            sc = sc / (cost ** b) if b else sc
            self.all_score[k] = sc
            self.all_pos[k] = found[0]
            self.all_shift[k] = used
            self.all_gain[k] = g

    def _remote_gaps(self, d: int) -> list[tuple[int, int, int, int]]:
        """The gaps between the day's in-person engagements where a remote call might go:
        (free from, must end by, first slot, last slot). Inserting an item never makes the
        engagements before it earlier or those after it later than their latest start, so a
        call whose start ranges miss a gap's bounds cannot fit anywhere in that gap: its slots
        need no exact check.
        """
        day = self.days[d]
        items = self.items[d]
        ip, E, L = self.ip[d], self.E[d], self.L[d]
        where = [i for i, it in enumerate(items) if it != MEAL and self.pl[it] >= 0]
        gaps = []
        for g in range(len(ip) + 1):
            low = day.start if g == 0 else E[g - 1] + self.dur[ip[g - 1]] + self.buf
            high = L[g] - self.setup[ip[g]] if g < len(ip) else day.end
            first = where[g - 1] + 1 if g > 0 else 0
            last = where[g] if g < len(ip) else len(items)
            gaps.append((low, high, first, last))
        return gaps

    # ------------------------------------------------------------------ moves
    def _insert(self, d: int, r: int, pos: int) -> bool:
        """Insert ``r`` in day ``d``: ``pos`` is an in-person position on days without a
        timeline, an item slot on the others."""
        items = self.items[d]
        before = list(items)
        if pos < 0:  # a timeline day where the meal moves too (see _try_slots)
            items[:] = self.moved_meal[(d, r)]
        else:
            items.insert(pos, r)  # on days without a timeline, items == in-person order
        if not self._refresh(d):
            items[:] = before
            ok = self._refresh(d)
            assert ok
            return False
        self.where[r] = d
        self.unserved[r] = False
        return True

    def _remove(self, r: int) -> bool:
        """Take ``r`` out of its day; kept when that would break the day (travel times need
        not obey the triangle inequality, and the meal or a call may depend on it)."""
        d = self.where[r]
        items = self.items[d]
        pos = items.index(r)
        items.pop(pos)
        if not self._refresh(d):
            items.insert(pos, r)
            ok = self._refresh(d)
            assert ok
            return False
        self.where[r] = -1
        self.unserved[r] = True
        return True

    def _recreate(self, noise: float, a: float = 2.0, b: float = 1.0, blink: float = 0.0) -> None:
        """Insert greedily by score until nothing fits; ``noise`` multiplies each score by a
        random factor in [1 - noise, 1 + noise], ``blink`` skips each candidate at each step
        with that probability (only while another one remains)."""
        for d in range(self.nd):
            # A cached day stays valid unless the day changed, the scoring rule changed, or
            # (timeline days: only unserved candidates are checked) requests were freed.
            if self.cache_rule[d] != (a, b):
                self.dirty[d] = True
            elif self.slow[d] and not self.dirty[d]:
                freed = {r for r in self.cands[d] if self.unserved[r]} - self.evaluated[d]
                if freed:
                    self._evaluate_day(d, a, b, freed)
        n = self.n
        while True:
            for d in range(self.nd):
                if self.dirty[d]:
                    self._evaluate_day(d, a, b)
            sc = self.all_score
            if not len(sc):
                return
            valid = self.unserved[self.all_req]
            if noise:
                factor = 1.0 + noise * (2.0 * self.nprand.random(n) - 1.0)
                sc = sc * factor[self.all_req]
            sc = np.where(valid, sc, _NEG)
            if blink:
                kept = np.where((self.nprand.random(n) >= blink)[self.all_req], sc, _NEG)
                if np.isfinite(kept).any():
                    sc = kept
            k = int(np.argmax(sc))
            self.work += 250 + len(sc) // 8
            if not np.isfinite(sc[k]):
                return
            d = int(self.all_day[k])
            r = int(self.all_req[k])
            if not self._insert(d, r, int(self.all_pos[k])):
                self.all_score[k] = _NEG  # stale (should not happen); skip it
            # other rows of r are masked by unserved

    def objective(self) -> int:
        return sum(self.day_obj)

    def search_key(self) -> tuple[int, int]:
        """Objective (with the search-only bonus) and, to break ties, time left in the days."""
        bonus = sum(self.bonus[r] for r in range(self.n) if self.where[r] >= 0)
        return self.objective() + bonus, -sum(self.day_len)

    def snapshot(self) -> list[list[int]]:
        return [list(items) for items in self.items]

    def restore(self, snap: list[list[int]]) -> None:
        changed = [d for d in range(self.nd) if snap[d] != self.items[d]]
        for d in changed:
            for it in self.items[d]:
                if it != MEAL:
                    self.where[it] = -1
                    self.unserved[it] = True
            self.items[d] = list(snap[d])
        for d in changed:
            for it in self.items[d]:
                if it != MEAL:
                    self.where[it] = d
                    self.unserved[it] = False
        for d in changed:
            ok = self._refresh(d)
            assert ok

    # ------------------------------------------------------------------ ruin operators
    def _served(self) -> list[int]:
        return [it for d in range(self.nd) for it in self.items[d]
                if it != MEAL and not self.pinned[it]]

    def _ruin(self, q: int) -> None:
        rand = self.rand
        served = self._served()
        if not served:
            return
        q = min(q, len(served))
        op = rand.random()
        if op < 0.35:
            # A segment of consecutive engagements of one day (or of every day).
            days = [d for d in range(self.nd) if any(it != MEAL and not self.pinned[it]
                                                      for it in self.items[d])]
            chosen = days if rand.random() < 0.3 else [rand.choice(days)]
            for d in chosen:
                seq = [it for it in self.items[d] if it != MEAL and not self.pinned[it]]
                length = min(len(seq), max(1, q // len(chosen)))
                first = rand.randrange(len(seq) - length + 1)
                for r in seq[first:first + length]:
                    self._remove(r)
        elif op < 0.6:
            for r in rand.sample(served, q):
                self._remove(r)
        elif op < 0.85:
            # Related: close in place and time to a random seed engagement.
            seed = rand.choice(served)
            sd = self.where[seed]
            starts = self._starts_of()
            s0 = starts.get(seed, 0)
            T, pl = self.T, self.pl

            def relatedness(r: int) -> float:
                pr, ps = pl[r], pl[seed]
                dist = (T[pr][ps] + T[ps][pr]) if pr >= 0 and ps >= 0 else 0
                return dist + 0.5 * abs(starts.get(r, 0) - s0) + (0 if self.where[r] == sd else 60)

            ranked = sorted(served, key=lambda r: (relatedness(r), r))
            for r in ranked[:q]:
                self._remove(r)
        else:
            # Least valuable for the time they take (with a little randomness).
            starts = self._starts_of()
            scored = []
            for r in served:
                g = self.gain[self.where[r]][r] + 1
                used = self.dur[r] + self.setup[r] + 1
                scored.append((g / used * (0.7 + 0.6 * rand.random()), r))
            scored.sort()
            for _, r in scored[:q]:
                self._remove(r)

    def _starts_of(self) -> dict[int, int]:
        starts = {}
        for d in range(self.nd):
            for r, s in zip(self.ip[d], self.E[d]):
                starts[r] = s
        return starts

    # ------------------------------------------------------------------ local search
    def _compress(self, d: int) -> bool:
        """Move single items (engagements, the meal) within day ``d`` while that brings the
        arrival earlier."""
        items = self.items[d]
        if len(items) < 2 or self.compressed[d]:
            return False
        route = not self.slow[d]  # in-person engagements only: the fast check applies
        improved = False
        cur = None if route else self._timeline(d, items)
        for _ in range(3):
            if route:
                cur = self.day_len[d] + self.days[d].start
            for i, j, trial in self._relocations(items):
                arrive = self._route_arrival(d, trial, i, j) if route else self._timeline(d, trial)
                if arrive is not None and arrive < cur:
                    cur = arrive
                    items[:] = trial
                    improved = True
                    if route:  # the fast check needs the new day's E and L
                        ok = self._refresh(d)
                        assert ok
                    break
            else:
                break
        if improved and not route:
            ok = self._refresh(d)
            assert ok
        self.compressed[d] = True
        return improved

    def _relocations(self, items: list[int]):
        """Every order with one item moved elsewhere, in a fixed order (pinned ones stay)."""
        k = len(items)
        for i in range(k):
            r = items[i]
            if r != MEAL and self.pinned[r]:
                continue
            rest = items[:i] + items[i + 1:]
            for j in range(k):
                if j != i:
                    yield i, j, rest[:j] + [r] + rest[j:]

    def _route_arrival(self, d: int, trial: list[int], i: int, j: int) -> int | None:
        """The arrival of ``trial`` (the day's route with the engagement at ``i`` moved to
        ``j``) on a day without a timeline, when it is earlier than now; else ``None``.

        The check starts at the first position the move changes, from the day's current
        earliest times, and gives up as soon as an engagement after both changed positions
        starts no earlier than it does now (the rest of the day is then the same or later).
        """
        day = self.days[d]
        E, L = self.E[d], self.L[d]
        T, pl, setup, dur, buf = self.T, self.pl, self.setup, self.dur, self.buf
        first, last = (i, j) if i < j else (j, i)
        k = len(trial)
        self.work += 20 + 12 * (k - first)
        if first == 0:
            t, place = day.start, day.start_place
        else:
            before = trial[first - 1]
            t, place = E[first - 1] + dur[before] + buf, pl[before]
        for idx in range(first, k):
            it = trial[idx]
            s = self._next_start(d, it, t + T[place][pl[it]] + setup[it])
            if s is None or (idx > last and (s > L[idx] or s >= E[idx])):
                return None
            t = s + dur[it] + buf
            place = pl[it]
        back = T[place][day.end_place]
        arrive = t - buf + (buf + back if back else 0)
        return arrive if arrive <= day.end else None

def _day_plans(search: _Search) -> list[DayPlan]:
    plans = []
    for d in range(search.nd):
        items = search.items[d]
        out = search._timeline(d, items, detail=True)
        assert out is not None
        starts_by_pos, legs, depart, arrive = out
        if not search.slow[d]:
            # Leave the start place just in time; the model's span term prefers it.
            ip = search.ip[d]
            day = search.days[d]
            if ip:
                r = ip[0]
                depart = starts_by_pos[0] - search.setup[r] - search.T[day.start_place][search.pl[r]]
                legs[-1] = depart
            else:
                depart = day.start
                legs[-1] = depart
        starts, meal = {}, None
        for i, it in enumerate(items):
            if it == MEAL:
                meal = starts_by_pos[i]
            else:
                starts[it] = starts_by_pos[i]
        order = [it for it in items if it != MEAL and search.pl[it] >= 0]
        plans.append(DayPlan(d, order, starts, meal, depart, arrive, legs))
    return plans


def plan_objective(search: _Search, plans: list[DayPlan]) -> int:
    """The model's objective of ``plans`` (value, travel, span, change costs)."""
    total = search.constant
    for plan in plans:
        d = plan.day
        total += sum(search.gain[d][r] for r in plan.starts)
        travel, _ = search._day_stats(d, plan.order, [], plan.arrive, plan.depart)
        total -= search.tw * travel + search.sw * (plan.arrive - plan.depart)
        for r, s in plan.starts.items():
            prev = search.previous_start.get(r)
            if prev is not None and prev[0] == d and prev[1] != s:
                total -= search.shift_cost
    return total


def solve_heuristic(instance: Instance, *, seed: int = 0, work: int = 10 * WORK_PER_SECOND,
                    pinned: Mapping[str, tuple[int, int]] | None = None,
                    previous: Mapping[str, tuple[int, int]] | None = None,
                    change_costs=None,
                    initial: Mapping[str, tuple[int, int]] | None = None,
                    stall: int | None = None,
                    on_improve: Callable[[int], None] | None = None,
                    islands: int = 1) -> HeuristicResult | None:
    """Search for a good agenda within ``work`` operations; ``None`` when it cannot even start
    (a pinned engagement off its ranges, a meal that cannot fit).

    ``initial`` (request id -> (day, start)) is tried first, in start order, as a seed.
    ``stall`` stops the search after that many iterations without a better agenda.
    ``on_improve`` is called with the objective of each better agenda found (progress only).
    ``islands`` > 1 runs that many searches side by side, each in its own process with its own
    seed and ``work`` operations, which meet at fixed shares of the work and all go on from the
    best agenda found so far (see :func:`_meet`); the result is as repeatable as with one.
    """
    setup = (instance, pinned or {}, previous or {}, change_costs, initial)
    # The other islands start first, so that they build their first agenda while this one does.
    peers = _start_islands(setup, seed, work, stall, islands) if islands > 1 and work > 0 else []
    try:
        search = _construct(*setup, seed)
        if search is None:
            return None
        anneal = _Anneal(search, work, stall, on_improve)
        if peers and anneal.budget:
            _meet(anneal, peers)
        else:
            anneal.run(anneal.budget)
        return anneal.result()
    finally:
        _stop_islands(peers)


def _construct(instance: Instance, pinned, previous, change_costs, initial,
               seed: int) -> _Search | None:
    """The search state with its first agenda: pinned requests, the seed agenda, then greedy."""
    search = _Search(instance, seed, pinned, previous, change_costs)
    if not search.ok:
        return None
    # Pinned requests first, in start order; then the seed agenda.
    by_id = {r.id: r.index for r in instance.requests}
    for rid, (d, s) in sorted(pinned.items(), key=lambda kv: (kv[1], kv[0])):
        r = by_id[rid]
        if not _insert_anywhere(search, d, r):
            return None
    for source in (initial, previous):
        if not source:
            continue
        for rid, (d, s) in sorted(source.items(), key=lambda kv: (kv[1], kv[0])):
            r = by_id.get(rid)
            if r is None or search.where[r] >= 0 or not (0 <= d < search.nd) or \
                    search.rng[d][r] is None or search.count[d] >= search.cap:
                continue
            _insert_anywhere(search, d, r)
    search._recreate(0.0)
    for d in range(search.nd):
        search._compress(d)
    search._recreate(0.0)
    return search


class _Anneal:
    """Ruin and recreate with simulated annealing on one search state, run in steps of work
    (so that several of them can meet between steps)."""

    def __init__(self, search: _Search, work: int, stall: int | None,
                 on_improve: Callable[[int], None] | None = None) -> None:
        self.search = search
        self.on_improve = on_improve
        self.best_snap = search.snapshot()
        self.best_key = search.search_key()
        self.cur_key = self.best_key
        self.improvements = [(search.work, search.objective())]
        self.improved_at = [0]
        self.iterations = 0
        self.since_best = 0
        self.stall = stall if stall is not None else 10**9
        self.start_work = search.work
        self.budget = max(work, 1) if len(search.all_req) else 0  # nothing to choose from
        # Annealing temperature in objective units: a fraction of one average engagement's gain.
        gains = [g for row in search.gain for g in row if g > 0]
        unit = (sum(gains) / len(gains)) if gains else 1.0
        self.t0, self.t1 = TUNING["t0"] * unit, TUNING["t1"] * unit
        self._report()

    @property
    def used(self) -> int:
        return self.search.work - self.start_work

    @property
    def stalled(self) -> bool:
        return self.since_best >= self.stall

    def _report(self) -> None:
        if self.on_improve is not None:
            self.on_improve(self.search.objective() + self.search.constant)

    def _new_best(self, key) -> None:
        search = self.search
        self.best_key = key
        self.best_snap = search.snapshot()
        self.improvements.append((search.work, search.objective()))
        self.improved_at.append(self.iterations)
        self.since_best = 0
        self._report()

    def adopt(self, key, snap: list[list[int]]) -> None:
        """Go on from another search's better agenda."""
        self.search.restore(snap)
        self.cur_key = key
        self._new_best(key)

    def run(self, until: int) -> None:
        """Iterate until ``until`` operations of the budget are used or the search stalls."""
        search, rand = self.search, self.search.rand
        until = min(until, self.budget)
        while self.used < until and not self.stalled:
            self.iterations += 1
            search.work += 500
            self.since_best += 1
            progress = self.used / self.budget
            temp = self.t0 * (self.t1 / self.t0) ** progress
            snap = search.snapshot()
            served = len(search._served())
            qmax = max(2, min(TUNING["qmax"], int(TUNING["qfrac"] * served) + 1))
            search._ruin(rand.randint(1, qmax))
            choice = rand.random()
            if choice < 0.4:
                search._recreate(0.2, 2.0, 1.0, 0.05)
            elif choice < 0.6:
                search._recreate(0.3, 1.0, 1.0)
            elif choice < 0.8:
                search._recreate(1.0, 2.0, 1.0)
            else:
                search._recreate(0.3, 1.0, 0.0, 0.1)
            key = search.search_key()
            if key > self.cur_key:
                for d in range(search.nd):
                    search._compress(d)
                search._recreate(0.0)
                key = search.search_key()
            accept = key >= self.cur_key or \
                rand.random() < math.exp((key[0] - self.cur_key[0]) / max(temp, 1e-9))
            if key > self.best_key:
                self._new_best(key)
            if accept:
                self.cur_key = key
            else:
                search.restore(snap)
            if TUNING["reset"] and self.since_best and self.since_best % TUNING["reset"] == 0:
                search.restore(self.best_snap)
                self.cur_key = self.best_key

    def result(self) -> HeuristicResult:
        search = self.search
        search.restore(self.best_snap)
        plans = _day_plans(search)
        complete = all(search.where[r] >= 0 for r in range(search.n)
                       if search.mandatory[r] or search.pinned[r])
        value = sum(search.value[r] for r in range(search.n) if search.where[r] >= 0)
        return HeuristicResult(plans, plan_objective(search, plans), value, search.work,
                               self.iterations, complete, self.improvements, self.improved_at)


#: How many times the islands meet over their budget (at equal shares of the work).
ISLAND_MEETINGS = 8


def _island_seed(seed: int, island: int) -> int:
    return seed + 1_000_003 * island


def _start_islands(setup: tuple, seed: int, work: int, stall: int | None,
                   islands: int) -> list:
    """Start ``islands - 1`` child processes, each a search with its own seed; an empty list
    when processes cannot be started here (the search then runs alone)."""
    import multiprocessing as mp

    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    peers = []
    try:
        ctx = mp.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload([__name__])
        for island in range(1, islands):
            here, there = ctx.Pipe()
            process = ctx.Process(target=_island_main,
                                  args=(there, setup, _island_seed(seed, island), work, stall),
                                  daemon=True)
            process.start()
            there.close()
            peers.append((here, process))
    except (OSError, RuntimeError, ValueError, ImportError) as error:
        log.info("heuristic: searching alone (%s)", error)
        _stop_islands(peers)
        return []
    return peers


def _stop_islands(peers: list) -> None:
    for here, process in peers:
        try:
            here.send(None)
        except (OSError, ValueError):
            pass
        here.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


def _meet(main: _Anneal, peers: list) -> None:
    """Run ``main`` here and the ``peers`` (child islands) side by side.

    They meet ``ISLAND_MEETINGS`` times, at the same shares of their work (counted in
    operations, not seconds); at each meeting every island whose best agenda is worse than the
    best of all goes on from that one (ties go to the lowest island, this one first). What an
    island does between meetings depends only on its seed and what it was given, so the result
    does not depend on which process runs faster. If a child fails, this search goes on alone.
    """
    try:
        adopt: list = [None] * len(peers)
        for meeting in range(1, ISLAND_MEETINGS + 1):
            until = main.budget * meeting // ISLAND_MEETINGS
            for (here, _), given in zip(peers, adopt):
                here.send((until, given))
            main.run(until)
            answers = [here.recv() for here, _ in peers]
            if any(a is None for a in answers):  # a child could not build its search
                raise RuntimeError("an island could not start its search")
            keys = [main.best_key] + [a[0] for a in answers]
            best = max(range(len(keys)), key=lambda i: (keys[i], -i))
            if best > 0:
                main.adopt(keys[best], answers[best - 1][1])
            top = (main.best_key, main.best_snap)
            adopt = [top if answer[0] < main.best_key else None for answer in answers]
            if main.stalled and all(a[2] for a in answers) and not any(adopt):
                break
    except (EOFError, OSError, RuntimeError) as error:
        log.info("heuristic: going on alone (%s)", error)
        main.run(main.budget)


def _island_main(conn, setup: tuple, seed: int, work: int, stall: int | None) -> None:
    """A child island: build its own search, then run to each meeting and report its best."""
    search = _construct(*setup, seed)
    anneal = _Anneal(search, work, stall) if search is not None else None
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        if anneal is None:
            conn.send(None)
            continue
        until, given = message
        if given is not None:
            anneal.adopt(*given)
        anneal.run(until)
        conn.send((anneal.best_key, anneal.best_snap, anneal.stalled))


def _insert_anywhere(search: _Search, d: int, r: int) -> bool:
    """Insert ``r`` on day ``d`` at the first position that fits (construction only)."""
    items = search.items[d]
    for pos in range(len(items), -1, -1):
        items.insert(pos, r)
        if search._refresh(d):
            search.where[r] = d
            search.unserved[r] = False
            return True
        items.pop(pos)
    ok = search._refresh(d)
    assert ok
    return False
