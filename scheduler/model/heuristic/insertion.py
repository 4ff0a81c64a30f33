"""Recreate: greedy insertion of unserved requests, best score first, vectorised with numpy.

Every (day, candidate, start range) is a row; each day's best insertion of each row (score,
position) is cached and re-evaluated only when the day, the scoring rule or (on timeline
days) the set of unserved requests changed. The score ranks by gain (to a power ``a``) per
share of the day used (to a power ``b``); see :meth:`Insertion.recreate`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .budget import (OPTIONS_CELLS_PER_OPERATION, OPTIONS_KEPT_WORK, OPTIONS_WORK,
                     PICK_ROWS_PER_OPERATION, PICK_WORK, REMOTE_GAP_WORK, REMOTE_OPTIONS_WORK)
from .meal import MEAL

if TYPE_CHECKING:
    from .route_options import NarrowRows

#: The score of a row that cannot be inserted.
NO_SCORE = -np.inf
#: Evaluations of a day's options kept (route and rule -> the day's rows), the least
#: recently used dropped first: about 5 kB each on a 300-request day.
OPTIONS_CACHE_SIZE = 512


@dataclass
class CandidateRows:
    """One day's candidates as arrays: a row per start range of each in-person request
    (``request[:in_person_count]``), then a row per remote request."""

    in_person_count: int
    request: np.ndarray  # request index of every row, in-person rows then remote ones
    place: np.ndarray
    range_start: np.ndarray
    range_end: np.ndarray
    step: np.ndarray
    has_step: bool  # some row keeps a time step larger than one minute
    setup: np.ndarray
    duration_and_buffer: np.ndarray
    gain: np.ndarray  # gain plus the search-only bonus, float
    remote: list[int]  # remote request indices
    travel_in: np.ndarray | None  # [from place, row]: travel to the row's place
    travel_out: np.ndarray | None  # [to place, row]: travel from the row's place
    narrow: NarrowRows | None = None  # the same in int32 (.route_options), on some route days


class Insertion:
    """Insertion options and moves (mixed into :class:`~.state.SearchState`)."""

    def build_candidate_rows(self) -> None:
        """Per day, one row per start range of each in-person candidate, then each remote one;
        and the flat arrays over all days' rows the greedy choice works on."""
        travel = self.travel_array
        self.candidate_rows: list[CandidateRows] = []
        self.rows_of_request: list[dict[int, list[int]]] = []
        self.candidates: list[list[int]] = []
        self.evaluated: list[set[int]] = [set() for _ in range(self.day_count)]
        offsets = [0]
        row_request = []
        for d in range(self.day_count):
            request, place, range_start, range_end, step, setup, duration_and_buffer, gain = \
                [], [], [], [], [], [], [], []
            remote = []
            for r in range(self.request_count):
                ranges = self.start_ranges[d][r]
                if ranges is None:
                    continue
                if self.place[r] < 0:
                    remote.append(r)
                    continue
                for low, high in ranges:
                    request.append(r)
                    place.append(self.place[r])
                    range_start.append(low)
                    range_end.append(high)
                    step.append(self.start_step[d][r])
                    setup.append(self.setup[r])
                    duration_and_buffer.append(self.duration[r] + self.buffer)
                    gain.append(self.gain[d][r] + self.bonus[r])
            in_person_count = len(request)
            place_array = np.array(place, dtype=np.int64)
            rows = CandidateRows(
                in_person_count=in_person_count,
                request=np.array(request + remote, dtype=np.int64),
                place=place_array,
                range_start=np.array(range_start, dtype=np.int64),
                range_end=np.array(range_end, dtype=np.int64),
                step=np.array(step, dtype=np.int64),
                has_step=any(s > 1 for s in step),
                setup=np.array(setup, dtype=np.int64),
                duration_and_buffer=np.array(duration_and_buffer, dtype=np.int64),
                gain=np.array(gain, dtype=np.float64),
                remote=remote,
                travel_in=np.ascontiguousarray(travel[:, place_array]) if in_person_count else None,
                travel_out=np.ascontiguousarray(travel[place_array, :].T)
                if in_person_count else None,
            )
            self.candidate_rows.append(rows)
            rows_of: dict[int, list[int]] = {}
            for row, r in enumerate(request + remote):
                rows_of.setdefault(r, []).append(row)
            self.rows_of_request.append(rows_of)
            self.candidates.append(sorted(rows_of))
            row_request.extend(request + remote)
            offsets.append(offsets[-1] + len(request) + len(remote))
        self.narrow_rows()
        self.row_offsets = offsets
        self.row_request = np.array(row_request, dtype=np.int64)
        self.row_day = np.concatenate(
            [np.full(offsets[d + 1] - offsets[d], d, dtype=np.int64)
             for d in range(self.day_count)]) \
            if self.day_count else np.zeros(0, np.int64)
        self.row_day_list = self.row_day.tolist()
        self.row_request_list = row_request
        row_count = offsets[-1]
        self.row_score = np.full(row_count, NO_SCORE)
        self.row_position = np.zeros(row_count, dtype=np.int64)
        self.options_cache: OrderedDict[tuple, tuple] = OrderedDict()

    def prepare_options_cache(self) -> None:
        """The days whose insertion options depend on nothing but their route and the scoring
        rule (``cached_days``): route days without rules between requests, delegation or
        joint meetings, alone on their tour day (the cap counts no other part). Their options
        are kept for the ``OPTIONS_CACHE_SIZE`` routes and rules evaluated last: the annealing
        goes back to the current agenda after most iterations, and each recreate may score
        with another rule, so a sixth to three fifths of the evaluations find their day there."""
        alone = not (self.rules_active or self.delegation or self.joint_members)
        self.cached_days = [alone and not self.timeline_day[d] and len(self.siblings[d]) == 1
                            for d in range(self.day_count)]

    def evaluate_day(self, d: int, a: float, b: float, only: set[int] | None = None) -> None:
        """Best insertion of every candidate row into day ``d`` (score, position) into the cache.

        With ``only`` (timeline days), the cache is kept and just those requests are added.
        """
        rows = self.candidate_rows[d]
        offset = self.row_offsets[d]
        end = self.row_offsets[d + 1]
        if end == offset:
            self.options_stale[d] = False
            return
        if only is None:
            self.options_stale[d] = False
            self.options_rule[d] = (a, b)
            if self.timeline_day[d]:
                for key in [key for key in self.meal_moves if key[0] == d]:
                    del self.meal_moves[key]
                self.evaluated[d] = {r for r in self.candidates[d] if self.unserved[r]}
            # A route day scored by the least shift has in-person rows only, and each of the
            # paths below writes every one of them: cleared only when full.
            quick = rows.narrow is not None and b in (0.0, 1.0) and not rows.remote
            if not quick:
                self.row_score[offset:end] = NO_SCORE
        else:
            quick = False
            self.evaluated[d] |= only
            for r in only:
                for row in self.rows_of_request[d][r]:
                    self.row_score[offset + row] = NO_SCORE
        if self.day_is_full(d):
            if quick:
                self.row_score[offset:end] = NO_SCORE
            return
        in_person_count = rows.in_person_count
        key = (d, tuple(self.route[d]), a, b) if self.cached_days[d] else None
        if key is not None:
            kept = self.options_cache.get(key)
            if kept is not None:
                self.options_cache.move_to_end(key)
                self.row_score[offset:end], self.row_position[offset:end] = kept
                self.work += OPTIONS_KEPT_WORK
                return
        if quick:
            scored = self.quick_options(d, a, b, key[:2] if key is not None else None)
            if key is not None:
                # A route day has in-person rows only: the new arrays are the day's rows.
                self.keep_options(key, offset, end, scored)
        elif in_person_count:
            free_from, place_before, place_after, arrive_by, direct_arrival, direct_travel = \
                self.route_positions(d)
            travel_in = rows.travel_in[place_before]
            travel_out = rows.travel_out[place_after]
            # [position, row]: the start, then the arrival at the next place after the row.
            finish = free_from[:, None] + travel_in
            finish += rows.setup
            np.maximum(finish, rows.range_start, out=finish)
            if rows.has_step:
                step = rows.step
                finish = -((-finish) // step) * step
            fits = finish <= rows.range_end
            finish += rows.duration_and_buffer
            finish += travel_out
            fits &= finish <= arrive_by[:, None]
            shift = finish - direct_arrival[:, None]
            np.maximum(shift, 1, out=shift)
            gain = rows.gain
            if self.balance_weight:
                gain = gain - self.balance_weight * (2 * self.engagement_count[d] + 1)
            if self.travel_weight:
                added_travel = travel_in + travel_out - direct_travel[:, None]
                gain = gain - self.travel_weight * added_travel
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
            score = np.where(fits & (gain > 0), score, NO_SCORE)
            position = np.argmax(score, axis=0)
            columns = np.arange(in_person_count)
            best = score[position, columns]
            self.work += OPTIONS_WORK + score.size // OPTIONS_CELLS_PER_OPERATION
            if self.timeline_day[d]:
                self.exact_timeline_options(d, score, gain, shift, best, offset, in_person_count,
                                            only)
            else:
                self.row_score[offset:offset + in_person_count] = best
                self.row_position[offset:offset + in_person_count] = position
                if key is not None:
                    self.keep_options(key, offset, end)
        if rows.remote:
            self.remote_options(d, offset + in_person_count, a, b, only)
        if self.rules_active:
            for r in self.excluded_on(d):
                for row in self.rows_of_request[d].get(r, ()):
                    self.row_score[offset + row] = NO_SCORE

    def keep_options(self, key: tuple, offset: int, end: int,
                     scored: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Keep a day's options (rows ``offset`` to ``end``) for its route and rule: copies,
        or ``scored`` (the rows' scores and positions in arrays nothing else holds)."""
        self.options_cache[key] = scored if scored is not None else \
            (self.row_score[offset:end].copy(), self.row_position[offset:end].copy())
        if len(self.options_cache) > OPTIONS_CACHE_SIZE:
            self.options_cache.popitem(last=False)

    def exact_timeline_options(self, d, score, gain, shift, best, offset, in_person_count,
                               only=None):
        """On a timeline day, check the in-person candidates exactly, best position first."""
        rows = self.candidate_rows[d]
        request = rows.request
        unserved = self.unserved
        options_of: dict[int, list[tuple[float, int, int]]] = {}
        finite = np.nonzero(np.isfinite(best))[0]
        for row in finite.tolist():
            r = int(request[row])
            if not unserved[r] or (only is not None and r not in only):
                continue
            column = score[:, row]
            positions = np.nonzero(np.isfinite(column))[0].tolist()
            options = options_of.setdefault(r, [])
            for route_position in positions:
                options.append((float(column[route_position]), route_position, row))
        out = self.row_score[offset:offset + in_person_count]
        for r, options in options_of.items():
            options.sort(key=lambda option: (-option[0], option[1]))
            seen = set()
            for option_score, route_position, row in options:
                if route_position in seen:
                    continue
                seen.add(route_position)
                found = self.best_slot(d, r, self.slots_before(d, route_position))
                if found is not None:
                    out[row] = option_score
                    self.row_position[offset + row] = found[0]
                    break
                if len(seen) >= 4:
                    break

    def remote_options(self, d: int, start: int, a: float, b: float, only=None) -> None:
        """On a timeline day, the best slot of each remote candidate (rows from ``start``)."""
        rows = self.candidate_rows[d]
        items = self.items[d]
        gaps = self.remote_gaps(d)
        for i, r in enumerate(rows.remote):
            row = start + i
            if not self.unserved[r] or (only is not None and r not in only):
                continue
            slots = [slot for low, high, first, last in gaps
                     if (call_start := self.earliest_start_from(d, r, low + self.setup[r]))
                     is not None
                     and call_start + self.duration[r] + (self.buffer if last < len(items) else 0)
                     <= high
                     for slot in range(first, last + 1)]
            self.work += REMOTE_OPTIONS_WORK + REMOTE_GAP_WORK * len(gaps)
            if not slots:
                continue
            found = self.best_slot(d, r, slots)
            if found is None:
                continue
            gain = float(self.gain[d][r] + self.bonus[r]
                         - self.balance_weight * (2 * self.engagement_count[d] + 1))
            if gain <= 0:
                continue
            used = float(self.setup[r] + self.duration[r] + self.buffer)
            score = (gain * abs(gain) if a == 2.0 else gain ** a if a != 1.0 else gain)
            cost = used * self.time_unit[d] + self.slot_unit
            score = score / (cost ** b) if b else score
            self.row_score[row] = score
            self.row_position[row] = found[0]

    def remote_gaps(self, d: int) -> list[tuple[int, int, int, int]]:
        """The gaps between the day's in-person engagements where a remote call might go:
        (free from, must end by, first slot, last slot). Inserting an item never makes the
        engagements before it earlier or those after it later than their latest start, so a
        call whose start ranges miss a gap's bounds cannot fit anywhere in that gap: its slots
        need no exact check.
        """
        day = self.days[d]
        items = self.items[d]
        route, earliest, latest = self.route[d], self.earliest[d], self.latest[d]
        slot_of = [i for i, item in enumerate(items) if item != MEAL and self.place[item] >= 0]
        gaps = []
        for gap in range(len(route) + 1):
            low = day.start if gap == 0 \
                else earliest[gap - 1] + self.duration[route[gap - 1]] + self.buffer
            high = latest[gap] - self.setup[route[gap]] if gap < len(route) else day.end
            first = slot_of[gap - 1] + 1 if gap > 0 else 0
            last = slot_of[gap] if gap < len(route) else len(items)
            gaps.append((low, high, first, last))
        return gaps

    def insert(self, d: int, r: int, position: int) -> bool:
        """Insert ``r`` in day ``d``: ``position`` is a route position on days without a
        timeline, an item slot on the others (-1: the meal moves too, see ``best_slot``)."""
        items = self.items[d]
        before = list(items)
        if position < 0:
            items[:] = self.meal_moves[(d, r)]
        else:
            items.insert(position, r)  # on days without a timeline, items == route
        if not self.refresh_day(d, position if position >= 0 else None):
            items[:] = before
            ok = self.refresh_day(d)
            assert ok
            self.blocked[d].add(r)  # not offered again until the agenda changes elsewhere
            return False
        self.day_of[r] = d
        self.unserved[r] = False
        return True

    def recreate(self, noise: float, a: float = 2.0, b: float = 1.0, blink: float = 0.0) -> None:
        """Insert greedily by score until nothing fits.

        The score is gain^``a`` / (share of the day used)^``b``; ``noise`` multiplies each
        score by a random factor in [1 - noise, 1 + noise], ``blink`` skips each candidate at
        each step with that probability (only while another one remains). Joint meetings go
        first, each as a unit (:meth:`~.joint.JointMeetings.insert_joint_units`).
        """
        if self.joint_members:
            self.insert_joint_units(noise, blink)
        for d in range(self.day_count):
            # A cached day stays valid unless the day changed, the scoring rule changed, or
            # (timeline days: only unserved candidates are checked) requests were freed.
            if self.options_rule[d] != (a, b):
                self.options_stale[d] = True
            elif self.timeline_day[d] and not self.options_stale[d]:
                freed = {r for r in self.candidates[d] if self.unserved[r]} - self.evaluated[d]
                if freed:
                    self.evaluate_day(d, a, b, freed)
        request_count = self.request_count
        # Python copies of the rows' days and requests: read one at a time, faster than numpy.
        row_day, row_request = self.row_day_list, self.row_request_list
        pick_work = PICK_WORK + len(self.row_score) // PICK_ROWS_PER_OPERATION
        while True:
            # The clock may end the search between two insertions: the agenda stays valid.
            if self.deadline.passed():
                return
            for d in range(self.day_count):
                if self.options_stale[d]:
                    if self.deadline.passed():
                        return
                    self.evaluate_day(d, a, b)
            score = self.row_score
            if not len(score):
                return
            valid = self.unserved.take(self.row_request)
            if noise:
                # 1 + noise × (2 × random - 1), in place.
                factor = self.numpy_random.random(request_count)
                factor *= 2.0
                factor -= 1.0
                factor *= noise
                factor += 1.0
                score = score * factor.take(self.row_request)
            score = np.where(valid, score, NO_SCORE)
            if blink:
                kept_requests = self.numpy_random.random(request_count) >= blink
                kept = np.where(kept_requests.take(self.row_request), score, NO_SCORE)
                if np.isfinite(kept).any():
                    score = kept
            row = int(score.argmax())
            self.work += pick_work
            if not math.isfinite(score[row]):
                return
            d = row_day[row]
            r = row_request[row]
            if not self.insert(d, r, int(self.row_position[row])):
                self.row_score[row] = NO_SCORE  # stale (should not happen); skip it
            # the other rows of r are masked by unserved
