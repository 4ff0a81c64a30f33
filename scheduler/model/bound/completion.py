"""Completion bounds: the most a partial route (a label) can still add to its reduced cost."""

from __future__ import annotations

from .days import MEAL, PricingDay

# The fields of a label the bound reads (see :mod:`.labelling`).
COST, FREE, COUNT, MEMORY, ATE, WORKED = 0, 1, 4, 6, 7, 8


class Completion:
    """Bounds what any completion of a label can add, for one day and one set of duals.

    A completion is a sequence of further nodes, each visited once and none in the label's
    memory, that the day's rules allow after the label. Each such node starts no later than
    its last start and takes at least its occupancy (set-up, duration and buffer; the meal's
    minutes) of the time between the label's free minute and the latest minute any node can
    end. So the completion adds at most

    - by the cap: the best reduced profits of the nodes still open, as many as the cap leaves
      room for, the k-th further engagement less its balance cost;
    - by the time left: the fractional knapsack of those profits over their occupancies
      (the meal's minutes taken off when it is still to come);

    plus the one buffer's span given back when the route has no in-person engagement yet.
    Travel, waiting and negative profits only lower what a completion adds, so they are
    left out. The smaller of the two is the bound; a label whose cost plus it cannot beat a
    route already found is not extended.

    Parameters
    ----------
    day
        The day's pricing data.
    profit
        By node: its reduced profit under the duals (what visiting it adds before travel and
        the balance term).
    by_time
        Also bound by the time left (the knapsack); without it the bound is the cap's alone,
        weaker but a shorter scan (the fast pricing's choice).
    """

    def __init__(self, day: PricingDay, profit: list[float], by_time: bool = True) -> None:
        size = day.size
        self.by_time = by_time
        self.profit = profit
        self.occupancy = day.occupancy
        self.latest = [day.ranges[n][-1][1] - day.setup[n] for n in range(size)]
        valuable = [n for n in range(size) if day.kind[n] != MEAL and profit[n] > 0]
        self.by_profit = sorted(valuable, key=lambda n: -profit[n])
        self.by_ratio = sorted(valuable, key=lambda n: -profit[n] / max(day.occupancy[n], 1e-9))
        self.horizon = max((day.ranges[n][-1][1] + day.duration[n]
                            + (day.buffer if day.kind[n] != MEAL else 0) for n in range(size)),
                           default=day.day.end)
        self.meal_minutes = sum(day.duration[n] for n in range(size) if day.kind[n] == MEAL)
        self.cap = day.cap
        self.balance = day.balance_weight
        self.credit = day.buffer_credit
        #: Nodes looked at by :meth:`still` so far: its cost, which the labelling counts as
        #: work (on days of 30-60 visits a call looks at dozens of nodes, on a tour's day of
        #: five at a handful).
        self.scanned = 0

    def still(self, label: list, floor: float | None = None) -> float:
        """At least what any completion of ``label`` adds to its reduced cost.

        When the label's cost plus the cap's bound is already at or below ``floor`` (the
        label will be dropped whatever the time left gives), that bound is returned without
        the knapsack's scan."""
        extra = 0.0 if label[WORKED] else float(self.credit)
        count = label[COUNT]
        if count >= self.cap:
            return extra
        free, memory = label[FREE], label[MEMORY]
        profit, latest, balance = self.profit, self.latest, self.balance
        by_count = 0.0
        scanned = 0
        for node in self.by_profit:
            scanned += 1
            if latest[node] >= free and not memory >> node & 1:
                gain = profit[node] - balance * (2 * count + 1)
                if gain <= 0:
                    break
                by_count += gain
                count += 1
                if count >= self.cap:
                    break
        if by_count <= 0 or not self.by_time \
                or (floor is not None and label[COST] + (extra + by_count) <= floor):
            self.scanned += scanned
            return extra + max(by_count, 0.0)
        time_left = self.horizon - free - (0 if label[ATE] else self.meal_minutes)
        by_time = 0.0
        occupancy = self.occupancy
        for node in self.by_ratio:
            if time_left <= 0:
                break
            scanned += 1
            if latest[node] >= free and not memory >> node & 1:
                if occupancy[node] <= time_left:
                    by_time += profit[node]
                    time_left -= occupancy[node]
                else:
                    by_time += profit[node] * time_left / occupancy[node]
                    break
        self.scanned += scanned
        return extra + min(by_count, by_time)
