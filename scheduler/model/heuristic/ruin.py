"""Ruin: take a few engagements out of the agenda (a run, random, related, or the least worth)."""

from __future__ import annotations

from .meal import MEAL

#: The probability that an iteration's ruin empties whole days (one, or two with two days or
#: more) instead of taking out at most ``TUNING["qmax"]`` engagements: off (measured in
#: BENCHMARKS.md, "Recombining the best days").
DAY_RUIN = {"probability": 0.0}


class Ruin:
    """Removal moves (mixed into :class:`~.state.SearchState`)."""

    def remove(self, r: int) -> bool:
        """Take ``r`` out of its day; kept when that would break the day (travel times need
        not obey the triangle inequality, and the meal or a call may depend on it). A member
        of a joint meeting takes its whole unit out (:mod:`.joint`)."""
        if self.unit_of[r] >= 0:
            return self.remove_joint(r)
        d = self.day_of[r]
        items = self.items[d]
        position = items.index(r)
        items.pop(position)
        if not self.refresh_day(d, position):
            items.insert(position, r)
            ok = self.refresh_day(d)
            assert ok
            return False
        self.day_of[r] = -1
        self.unserved[r] = True
        if self.rules_active:
            self.unblock()
        return True

    def removable(self) -> list[int]:
        """The served requests that are not pinned, day by day in day order (a joint meeting
        once, by its primary)."""
        return [item for d in range(self.day_count) for item in self.items[d]
                if item != MEAL and not self.pinned[item] and self.unit_of[item] in (-1, item)]

    def ruin(self, count: int, kind: int | None = None,
             served: list[int] | None = None) -> None:
        """Remove about ``count`` engagements, chosen by one of four rules drawn at random, or
        by rule ``kind`` (0 a run, 1 random, 2 related, 3 the least worth) when given.
        ``served`` is :meth:`removable` when the caller has just listed it (not read again)."""
        rand = self.random
        if served is None:
            served = self.removable()
        if not served:
            return
        count = min(count, len(served))
        rule = rand.random() if kind is None else (0.0, 0.5, 0.7, 0.9)[kind]
        if rule < 0.35:
            # A segment of consecutive engagements of one day (or of every day).
            days = [d for d in range(self.day_count)
                    if any(item != MEAL and not self.pinned[item] for item in self.items[d])]
            chosen = days if rand.random() < 0.3 else [rand.choice(days)]
            for d in chosen:
                sequence = [item for item in self.items[d]
                            if item != MEAL and not self.pinned[item]]
                length = min(len(sequence), max(1, count // len(chosen)))
                first = rand.randrange(len(sequence) - length + 1)
                for r in sequence[first:first + length]:
                    self.remove(r)
        elif rule < 0.6:
            for r in rand.sample(served, count):
                self.remove(r)
        elif rule < 0.85:
            # Related: close in place and time to a random seed engagement.
            seed = rand.choice(served)
            seed_day = self.day_of[seed]
            starts = self.route_starts()
            seed_start = starts.get(seed, 0)
            travel, place, day_of = self.travel, self.place, self.day_of
            place_seed = place[seed]
            travel_seed = travel[place_seed] if place_seed >= 0 else None
            # Relatedness: travel both ways, half the gap between the starts, 60 on another
            # day; written out inline (the same sums, in the same order) for speed.
            ranked = sorted([
                ((travel[place_r][place_seed] + travel_seed[place_r]
                  if place_r >= 0 and place_seed >= 0 else 0)
                 + 0.5 * abs(starts.get(r, 0) - seed_start)
                 + (0 if day_of[r] == seed_day else 60), r)
                for r in served for place_r in (place[r],)])
            ranked = [r for _, r in ranked]
            for r in ranked[:count]:
                self.remove(r)
        else:
            # Least valuable for the time they take (with a little randomness).
            scored = []
            for r in served:
                gain = self.gain[self.day_of[r]][r] + 1
                used = self.duration[r] + self.setup[r] + 1
                scored.append((gain / used * (0.7 + 0.6 * rand.random()), r))
            scored.sort()
            for _, r in scored[:count]:
                self.remove(r)

    def ruin_days(self) -> None:
        """Take every engagement that may move out of one random day, or of two."""
        rand = self.random
        days = [d for d in range(self.day_count)
                if any(item != MEAL and not self.pinned[item] for item in self.items[d])]
        if not days:
            return
        chosen = rand.sample(days, 2 if len(days) > 1 and rand.random() < 0.5 else 1)
        for d in chosen:
            for r in [item for item in self.items[d] if item != MEAL and not self.pinned[item]
                      and self.unit_of[item] in (-1, item)]:
                if self.day_of[r] >= 0:
                    self.remove(r)

    def route_starts(self) -> dict[int, int]:
        """Request index -> earliest start, for the in-person engagements of every day."""
        starts = {}
        for d in range(self.day_count):
            for r, start in zip(self.route[d], self.earliest[d]):
                starts[r] = start
        return starts
