"""A completion bound that sees travel and time: a dynamic program over (place, minute,
engagements) in a relaxation of the day.

The cap's and the knapsack's bounds (:mod:`.completion`) leave travel out, so on a tour's day
(a dozen places, windows of an hour or two) almost no label is pruned and an exact pricing
looks at millions of them to prove that no route beats the master. This bound keeps the
travel and the start ranges of the in-person engagements and relaxes the rest:

- the in-person engagements that follow a label form a path from its last place, leaving
  when it was free after its last engagement there (its leg-ready minute): each starts at its
  earliest after the leg and its set-up, and the guest is free after its duration and buffer;
  any in-person node may follow any other and come back later (the successor lists and
  elementarity are relaxed), each leg's travel is charged at the model's cost, and the leg
  home at the end;
- remote calls take no time: the best reduced profits of the day's calls are added, each at
  most once (which of them the label has made or can no longer make is not looked at, so
  that a label's bound is one lookup);
- the meal, waiting and the minute limit are left out; the balance term is charged for the
  engagements counted, as the route pays it.

Every route extending a label is such a path plus such calls, at no more reduced cost, so the
bound is valid. Its part that does not depend on the duals (for each place and in-person node,
when the guest is free after it for each minute of leaving) is built once a day and kept
(:func:`reach_of`); each exact pricing then solves the program backwards in time with numpy.
"""

from __future__ import annotations

import math

import numpy as np

from .days import IN_PERSON, REMOTE, PricingDay

#: Largest (places × in-person nodes × minutes) table built for one day, 6 MB of minutes:
#: above it (a TOPTW day of 100 visits at 100 places; two of the 300-request tour's twelve
#: model days, 1.7 and 1.9 M) the table's memory grows with every day kept, and the pricing
#: uses the cap's and the knapsack's bounds alone.
MAX_CELLS = 1_500_000
#: Work units (:mod:`.labelling`) charged per entry the program computes (one place, node,
#: engagement count and minute): a pricing's program took about as long as the labels its
#: work would count (a few milliseconds a day on the 60-request tour).
CELLS_PER_WORK = 64

# The fields of a label the bound reads (see :mod:`.labelling`).
LEG_READY, PLACE, COUNT, WORKED = 2, 3, 4, 8


class Reach:
    """The duals-free part of the program for one day: its places, in-person nodes and, for
    each (place, node) pair and minute of leaving the place, the minute the guest is free
    after the node (``late`` when it cannot start any more)."""

    def __init__(self, day: PricingDay) -> None:
        size = day.size
        self.nodes = [n for n in range(size) if day.kind[n] == IN_PERSON]
        self.remote = [n for n in range(size) if day.kind[n] == REMOTE]
        places = sorted({day.place[n] for n in self.nodes} | {day.day.start_place})
        self.places = places
        self.index = {place: i for i, place in enumerate(places)}
        self.start = day.day.start
        ends = [r[-1][1] + day.duration[n] + day.buffer for n in self.nodes for r in (day.ranges[n],)]
        self.span = max([day.day.end] + ends) - self.start + 1
        span = self.span
        self.late = span          # column: free too late for any engagement (home only)
        self.never = span + 1     # column: the node cannot be reached (no value)
        minutes = np.arange(self.start, self.start + span, dtype=np.int64)
        self.free_after: list[list[np.ndarray]] = []
        for place in places:
            row = []
            for n in self.nodes:
                ready = minutes + day.travel[place][day.place[n]] + day.setup[n]
                if day.on_grid[n] and day.step > 1:
                    ready = ready + (-ready) % day.step
                lows = np.array([low for low, _ in day.ranges[n]], dtype=np.int64)
                highs = np.array([high for _, high in day.ranges[n]], dtype=np.int64)
                which = np.searchsorted(highs, ready, side="left")
                inside = which < len(highs)
                which = np.minimum(which, len(highs) - 1)
                begin = np.maximum(ready, lows[which])
                free = begin + day.duration[n] + day.buffer - self.start
                row.append(np.where(inside, np.minimum(free, span - 1), self.never).astype(np.int32))
            self.free_after.append(row)
        self.home = [day.travel[place][day.day.end_place] for place in places]
        #: Work of building the table, charged to the first pricing that uses it.
        self.unpaid = len(places) * len(self.nodes) * span // CELLS_PER_WORK

    @staticmethod
    def cells(day: PricingDay) -> int:
        """The table's size for ``day`` (see ``MAX_CELLS``)."""
        nodes = [n for n in range(day.size) if day.kind[n] == IN_PERSON]
        places = len({day.place[n] for n in nodes} | {day.day.start_place})
        ends = [day.ranges[n][-1][1] + day.duration[n] + day.buffer for n in nodes]
        return places * len(nodes) * (max([day.day.end] + ends) - day.day.start + 2)


def reach_of(day: PricingDay) -> Reach | None:
    """The day's :class:`Reach`, built on first use and kept with the day; ``None`` when the
    table would be larger than ``MAX_CELLS`` or when the day charges waiting."""
    cache = day.cache
    if "reach" not in cache:
        fits = not day.charge_waiting and Reach.cells(day) <= MAX_CELLS
        cache["reach"] = Reach(day) if fits else None
    return cache["reach"]


class ReachBound:
    """The program solved for one set of duals: what the in-person path from each place,
    leaving at each minute, can add with exactly ``k`` engagements (``values[k][place]``)."""

    def __init__(self, day: PricingDay, reach: Reach, profit: list[float]) -> None:
        self.reach = reach
        self.credit = day.buffer_credit
        self.cap = day.cap
        arc = day.arc_cost
        places = reach.places
        width = reach.span + 2
        # Every in-person node, whatever its reduced profit: travel times need not obey the
        # triangle inequality, so a route through a node that costs more than it brings may
        # still travel less than one going straight on.
        useful = list(enumerate(reach.nodes))
        home = np.array([-arc * minutes for minutes in reach.home], dtype=np.float64)
        current = np.repeat(home[:, None], width, axis=1)
        current[:, reach.never] = -math.inf
        levels = [current]
        cells = 0
        for _ in range(self.cap if useful else 0):
            following = np.full((len(places), width), -math.inf)
            for i, place in enumerate(places):
                best = np.full(reach.span, -math.inf)
                row = day.travel[place]
                for j, n in useful:
                    gain = profit[n] - arc * row[day.place[n]]
                    np.maximum(best, gain + current[reach.index[day.place[n]]][reach.free_after[i][j]],
                               out=best)
                    cells += reach.span
                # Leaving later never helps: the best from a minute is the best from any later one.
                following[i, :reach.span] = np.maximum.accumulate(best[::-1])[::-1]
            levels.append(following)
            current = following
        remote = sorted((profit[n] for n in reach.remote if profit[n] > 0), reverse=True)
        balance = day.balance_weight
        # By the label's engagement count: the best over the in-person path's length of the
        # path, the best calls (the day's most profitable, open or not: the label's own are
        # not looked at, so one lookup gives its bound) and the balance term.
        self.tables = []
        for count in range(self.cap):
            best = np.full((len(places), width), -math.inf)
            for k in range(self.cap - count + 1):
                if k >= len(levels):
                    break
                done = count + k
                value = -balance * (done * done - count * count)
                calls = 0.0
                for call in remote[:self.cap - done]:
                    gain = call - balance * (2 * done + 1)
                    if gain <= 0:
                        break
                    calls += gain
                    done += 1
                np.maximum(best, levels[k] + (value + calls), out=best)
                cells += best.size
            self.tables.append(best.tolist())
        self.home = [float(level) for level in home]
        self.work = cells // CELLS_PER_WORK + reach.unpaid
        reach.unpaid = 0

    def still(self, label: list) -> float:
        """At least what any completion of ``label`` adds to its reduced cost."""
        reach = self.reach
        place = reach.index.get(label[PLACE])
        if place is None:  # not a place of the day's table: no bound from it
            return math.inf
        count = label[COUNT]
        extra = 0.0 if label[WORKED] else float(self.credit)
        if count >= self.cap:
            return extra + self.home[place]
        minute = label[LEG_READY] - reach.start
        column = reach.late if minute >= reach.span else (minute if minute > 0 else 0)
        return extra + self.tables[count][place][column]
