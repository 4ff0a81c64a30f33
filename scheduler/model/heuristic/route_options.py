"""A route day's insertion options scored by the least shift, in int32: the same scores and
positions as :meth:`~.insertion.Insertion.evaluate_day` scoring every (position, row) cell.

On the TOPTW benchmarks (no travel weight) the score of a row is the same gain at every
position over a cost that grows with the shift, so the best position is the first of the
least shift; scoring every cell and taking the first best was half of the search's CPU on
days of 20-30 engagements and 250-300 candidates.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from .budget import QUICK_CELLS_PER_OPERATION, QUICK_OPTIONS_WORK
from .insertion import NO_SCORE, OPTIONS_CACHE_SIZE
from .routes import UNFIT


@dataclass
class NarrowRows:
    """A route day's in-person rows in int32 for :meth:`RouteDayOptions.quick_options`: half the
    memory of int64 to stream through, so the same sums in about half the time. Built only
    when every sum the scoring makes (times, and a shift times the number of positions)
    stays below :data:`~.routes.UNFIT`."""

    travel_in: np.ndarray
    finish_and_travel_out: np.ndarray  # [to place, row]: duration, buffer and travel on
    range_start: np.ndarray
    range_end: np.ndarray
    step: np.ndarray
    setup: np.ndarray | None  # None when no row has a set-up time
    worth: np.ndarray  # the row's gain is above zero (without a balance weight)
    gain_squared: np.ndarray  # gain × |gain|, the score's numerator for ``a`` 2


class RouteDayOptions:
    """The quick scoring of route days (mixed into :class:`~.state.SearchState`)."""

    def narrow_rows(self) -> None:
        """int32 copies of the rows of the days :meth:`quick_options` serves (route days
        without a travel weight), when every time it adds up fits in int32: a start, finish
        or arrival is at most ``bound`` from zero, a shift at most twice that, and a shift
        times the positions of a route plus a position (the key it minimises) stays below
        :data:`~.routes.UNFIT` (2 ** 30; the keys of cells that do not fit are above it)."""
        self.least_keys: OrderedDict[tuple, np.ndarray] = OrderedDict()  # see quick_options
        self.position_key_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        if self.travel_weight:
            return
        days = [d for d in range(self.day_count)
                if not self.timeline_day[d] and self.candidate_rows[d].in_person_count]
        if not days:
            return
        times = [abs(t) for day in self.days for t in (day.start, day.end)]
        most_positions = 1
        for d in days:
            rows = self.candidate_rows[d]
            times += [int(np.abs(rows.range_start).max()), int(np.abs(rows.range_end).max())]
            requests = len(set(rows.request[:rows.in_person_count].tolist()))
            most_positions = max(most_positions, min(self.cap, requests) + 1)
        # A free time is a start plus a duration and buffer; a finish adds the travel in, the
        # set-up, the step's rounding, another duration and buffer and the travel out.
        bound = max(times) + 2 * int(np.abs(self.travel_array).max()) + max(
            int(np.abs(self.candidate_rows[d].setup).max())
            + 2 * int(self.candidate_rows[d].duration_and_buffer.max())
            + int(self.candidate_rows[d].step.max()) for d in days)
        if (2 * bound + 2) * (most_positions + 1) >= UNFIT:
            return
        for d in days:
            rows = self.candidate_rows[d]
            rows.narrow = NarrowRows(
                travel_in=rows.travel_in.astype(np.int32),
                finish_and_travel_out=(rows.travel_out + rows.duration_and_buffer)
                .astype(np.int32),
                range_start=rows.range_start.astype(np.int32),
                range_end=rows.range_end.astype(np.int32),
                step=rows.step.astype(np.int32),
                setup=rows.setup.astype(np.int32) if rows.setup.any() else None,
                worth=rows.gain > 0, gain_squared=rows.gain * np.abs(rows.gain))

    def quick_options(self, d: int, a: float, b: float,
                      route_key: tuple | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`evaluate_day`'s in-person rows on a route day whose gains do not depend on
        the position (no travel weight) with ``b`` 0 or 1: the same scores and positions,
        found without scoring every (position, row) cell.

        A row's score at a position is its gain (the same at every position) over a cost
        that grows with the shift, so among the positions where it fits the best is the
        first of the least shift: two different whole shifts give two costs, and two scores,
        that differ by far more than a rounding (``b`` 1: by at least a minute of the day
        over the cost; ``b`` 0: by ``1e-9`` of the score). The shift and position are found
        at once as the least ``shift × positions + position``, in int32 (:class:`NarrowRows`),
        and only the chosen shift of each row is scored, as :meth:`evaluate_day` scores it.

        The keys depend on the route alone, not on the rule: on a day whose options depend on
        nothing else (``route_key``, see :meth:`prepare_options_cache`) they are kept for the
        last ``OPTIONS_CACHE_SIZE`` routes, for when the day comes back with another rule.
        Charged as computed all the same (the work counted is the work of before).
        Returns the rows' scores and positions (new arrays, for the day's options kept).
        """
        rows = self.candidate_rows[d]
        narrow = rows.narrow
        offset = self.row_offsets[d]
        count = rows.in_person_count
        positions = len(self.route[d]) + 1
        self.work += QUICK_OPTIONS_WORK + positions * count // QUICK_CELLS_PER_OPERATION
        least = self.least_keys.get(route_key) if route_key is not None else None
        if least is None:
            least = self.least_key(d, positions)
            if route_key is not None:
                self.least_keys[route_key] = least
                if len(self.least_keys) > OPTIONS_CACHE_SIZE:
                    self.least_keys.popitem(last=False)
        else:
            self.least_keys.move_to_end(route_key)
        gain = rows.gain
        found = least < UNFIT
        if self.balance_weight:
            gain = gain - self.balance_weight * (2 * self.engagement_count[d] + 1)
            found &= gain > 0
        else:
            found &= narrow.worth
        shift, position = np.divmod(least, positions)
        if a == 2.0:
            score = gain * np.abs(gain) if self.balance_weight else narrow.gain_squared
        elif a == 1.0:
            score = gain.astype(np.float64)
        else:
            score = np.sign(gain) * np.abs(gain) ** a
        if b:
            score = score / (shift * self.time_unit[d] + self.slot_unit)
        else:
            score = score - shift * 1e-9 * np.abs(score)
        score = np.where(found, score, NO_SCORE)
        # Where nothing fits every score was NO_SCORE, and the first position the best.
        position = np.where(found, position, 0)
        self.row_score[offset:offset + count] = score
        self.row_position[offset:offset + count] = position
        return score, position

    def position_keys(self, positions: int) -> tuple[np.ndarray, np.ndarray]:
        """For a route of ``positions`` insertion positions: the positions, in int32, and per
        position the least key a cell there can have (a shift of one minute) as a column;
        made once per number of positions."""
        kept = self.position_key_cache.get(positions)
        if kept is None:
            position = np.arange(positions, dtype=np.int32)
            kept = self.position_key_cache[positions] = (
                position, np.ascontiguousarray((position + positions)[:, None]))
        return kept

    def least_key(self, d: int, positions: int) -> np.ndarray:
        """Per in-person row of route day ``d``, the least ``shift × positions + position``
        over the ``positions`` insertion positions where it fits, in uint32; 2 ** 32 - 1 where it
        fits nowhere (:meth:`quick_options`; a key that fits is below :data:`~.routes.UNFIT`)."""
        rows = self.candidate_rows[d]
        narrow = rows.narrow
        free_from, place_before, place_after, arrive_by, direct_arrival = \
            self.route_positions(d, narrow=True)
        finish = narrow.travel_in.take(place_before, axis=0)
        finish += free_from[:, None]
        if narrow.setup is not None:
            finish += narrow.setup
        np.maximum(finish, narrow.range_start, out=finish)
        if rows.has_step:
            step = narrow.step
            finish = -((-finish) // step) * step
        # A cell does not fit when its start is after its range or its arrival at the next
        # place after the latest that place allows: one of the two differences below is then
        # negative, so the sign bit of their bitwise or marks it (cheaper than booleans).
        late = narrow.range_end - finish
        finish += narrow.finish_and_travel_out.take(place_after, axis=0)
        late |= arrive_by[:, None] - finish
        # The key max(finish - direct arrival, 1) × positions + position, in three passes:
        # max(finish × positions + position - direct arrival × positions, positions + position).
        position, least_keys = self.position_keys(positions)
        finish *= positions
        direct_arrival *= positions
        finish += (position - direct_arrival)[:, None]
        np.maximum(finish, least_keys, out=finish)
        # A cell that does not fit becomes all ones (the sign bit spread by the shift), the
        # largest key read unsigned: every key that fits is below UNFIT.
        late >>= 31
        finish |= late
        return finish.view(np.uint32).min(axis=0)
