"""The fast pricing's dominance at one node, on staircases of free minute and cost.

The fast (heuristic) pricing compares labels on cost, the minute they are free, whether they
had the meal and whether they worked in person (:func:`.labelling.price_day` with
``exact=False``). The labels it keeps at a node are those no other one dominates; within one
class of meal and in-person work, two of them never have one both free no later and cost no
lower, so sorted by free minute they are sorted by cost too: a staircase. Whether a new label
is dominated is then the last label free by its minute in each class that could dominate it
(a binary search), and the labels it dominates in a class are one run of that class's
staircase. The labels kept are the same as comparing the new label with every label at the
node, one by one (the same routes are found); the comparisons are fewer.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

# The fields of a label that the fast dominance reads (as in :mod:`.labelling`).
COST, FREE, ATE, WORKED, DEAD = 0, 1, 7, 8, 11

#: Classes a label of each meal state may be dominated by (those that had the meal at least
#: when it did) and may dominate (those that had it at most when it did); a class is
#: ``2 * ate + worked``.
_DOMINATED_BY = ((0, 1, 2, 3), (2, 3))
_DOMINATES = ((0, 1), (0, 1, 2, 3))


class Staircases:
    """The labels kept at one node, by class of meal and in-person work, each class sorted by
    the minute its labels are free (and so by cost)."""

    __slots__ = ("frees", "labels")

    def __init__(self) -> None:
        self.frees: list[list[int]] = [[], [], [], []]
        self.labels: list[list[list]] = [[], [], [], []]

    def offer(self, new: list, credit: float) -> tuple[bool, int]:
        """Keep ``new`` unless a label here dominates it, dropping (marking dead) those it
        dominates.

        Parameters
        ----------
        new
            The label (the fields of :mod:`.labelling`).
        credit
            The buffer credit a label that has not yet worked in person will still get.

        Returns
        -------
        tuple[bool, int]
            Whether ``new`` was kept, and the work done: the labels looked at in the binary
            searches and in the runs dropped.
        """
        free, ate, worked = new[FREE], new[ATE], new[WORKED]
        cost = new[COST] - 1e-9
        work = 0
        for kind in _DOMINATED_BY[ate]:
            frees = self.frees[kind]
            if not frees:
                continue
            work += len(frees).bit_length()
            position = bisect_right(frees, free)
            if position:
                old = self.labels[kind][position - 1]
                if (old[COST] - credit if kind & 1 and not worked else old[COST]) >= cost:
                    return False, work
        cost = new[COST] + 1e-9
        for kind in _DOMINATES[ate]:
            frees = self.frees[kind]
            if not frees:
                continue
            work += len(frees).bit_length()
            ceiling = cost - credit if worked and not kind & 1 else cost
            labels = self.labels[kind]
            first = bisect_left(frees, free)
            last = first
            while last < len(labels) and labels[last][COST] <= ceiling:
                labels[last][DEAD] = True
                last += 1
            if last > first:
                work += last - first
                del frees[first:last]
                del labels[first:last]
        kind = 2 * ate + (1 if worked else 0)
        frees = self.frees[kind]
        position = bisect_left(frees, free)
        frees.insert(position, free)
        self.labels[kind].insert(position, new)
        return True, work
