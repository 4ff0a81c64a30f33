"""String removal: take runs of consecutive engagements out of several days near one request.

A simplified form of the SISR ruin (Christiaens and Vanden Berghe, 2020): from a random
served seed, walk its requests by distance and, on each day one of them is served and no
string was taken from yet, remove a run of consecutive engagements that holds it, until
enough days gave one. Days are freed near each other in place, so the recreate can shuffle
engagements between them.
"""

from __future__ import annotations

import numpy as np

from .budget import DISTANCE_RANK_OTHER_WORK, DISTANCE_RANK_WORK, STRING_RUIN_WORK, \
    STRING_SERVED_WORK
from .meal import MEAL

#: Most days a string is taken from in one removal.
MOST_STRINGS = 3


class StringRemoval:
    """The string-removal ruin (mixed into :class:`~.state.SearchState`)."""

    def by_distance(self, r: int) -> list[int]:
        """Every request with a place, nearest ``r`` first (travel both ways), cached."""
        cache = self.__dict__.setdefault("_by_distance", {})
        ranked = cache.get(r)
        if ranked is None:
            here = self.place[r]
            others = [other for other in range(self.request_count)
                      if other != r and self.place[other] >= 0]
            if here < 0 or not others:
                ranked = others
            else:
                places = np.array([self.place[other] for other in others], dtype=np.int64)
                travel = self.travel_array
                distance = travel[here, places] + travel[places, here]
                ranked = [others[k] for k in np.argsort(distance, kind="stable").tolist()]
            self.work += DISTANCE_RANK_WORK + DISTANCE_RANK_OTHER_WORK * len(others)
            cache[r] = ranked
        return ranked

    def string_ruin(self, count: int) -> None:
        """Remove about ``count`` engagements as runs of consecutive ones, from one to
        ``MOST_STRINGS`` days near a random served seed."""
        rand = self.random
        served = self.removable()
        if not served:
            return
        count = min(count, len(served))
        seed = rand.choice(served)
        busy = len({self.day_of[r] for r in served})
        strings = rand.randint(1, max(1, min(MOST_STRINGS, busy, count)))
        length = max(1, count // strings)
        ruined: set[int] = set()
        for r in [seed] + self.by_distance(seed):
            if len(ruined) >= strings:
                break
            d = self.day_of[r]
            if d < 0 or d in ruined or self.pinned[r]:
                continue
            ruined.add(d)
            sequence = [item for item in self.items[d] if item != MEAL and not self.pinned[item]]
            if r not in sequence:
                continue
            size = min(len(sequence), length)
            at = sequence.index(r)
            first = rand.randint(max(0, at - size + 1), min(at, len(sequence) - size))
            for item in sequence[first:first + size]:
                if self.day_of[item] >= 0:
                    self.remove(item)
        self.work += STRING_RUIN_WORK + STRING_SERVED_WORK * len(served)
