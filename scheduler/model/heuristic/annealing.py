"""Ruin and recreate with simulated annealing on one search state, run in steps of work."""

from __future__ import annotations

import math
from typing import Callable

from .budget import ITERATION_WORK, WORK_PER_SECOND
from .interday import INTERDAY
from .recombination import RECOMBINE, RoutePool, best_combination, lay_agenda
from .result import HeuristicResult, day_plans, plan_objective
from .ruin import DAY_RUIN
from .seen import SeenRoutes
from .state import SearchState

#: Knobs of the search (tuned by measurement on the Solomon instances; at most 12 engagements
#: removed an iteration rather than 20 reached the best peer on 23 of 29 four-tour runs instead
#: of 21, the same on two tours): the start and end temperature in average gains
#: (``t0``, ``t1``), iterations without a better agenda before going back to the best one
#: (``reset``), and the share and the most of the engagements removed an iteration
#: (``qfrac``, ``qmax``).
TUNING = {"t0": 2.0, "t1": 0.05, "reset": 2000, "qfrac": 0.4, "qmax": 12}
#: Variants of the search measured at equal work (BENCHMARKS.md, "Search settings measured at
#: equal work"), all off: ``qday`` raises the most engagements
#: removed an iteration to that share of an average busy day's engagements when it is more
#: than ``qmax``; ``adaptive``
#: chooses the ruin and the recreate rule by their past success (Ropke and Pisinger's
#: adaptive weights, drawn with the search's own generator); ``perturb`` makes every
#: ``reset`` without a better agenda go back to the best agenda and remove that share of its
#: engagements (the recreate refills it and the search goes on from there, whatever its key);
#: ``string`` is the probability that the string removal replaces an iteration's ruin (with
#: ``adaptive`` too, the adaptive weights choose among the four other ruins on the rest);
#: ``stall_most``, when more than ``qmax``, is the most engagements an iteration removes once
#: ``stall_after`` iterations found no better agenda (a larger neighbourhood while the search
#: is stuck, back to ``qmax`` at the next better agenda).
VARIANT = {"qday": 0.0, "adaptive": False, "perturb": 0.0, "string": 0.0,
           "stall_most": 0, "stall_after": 500}
#: The adaptive weights: scores of an iteration that found a new best agenda, a better
#: current one, or an accepted worse one; iterations between updates, and the reaction.
ADAPTIVE = {"best": 33.0, "better": 9.0, "accepted": 13.0, "segment": 100, "reaction": 0.1}
#: The recreate rules: (noise, a, b, blink) of :meth:`~.insertion.Insertion.recreate`.
RECREATE_RULES = ((0.2, 2.0, 1.0, 0.05), (0.3, 1.0, 1.0, 0.0), (1.0, 2.0, 1.0, 0.0),
                  (0.3, 1.0, 0.0, 0.1))
#: Ruin kinds of the adaptive choice: the four of :meth:`~.ruin.Ruin.ruin`, and strings.
RUIN_KINDS = 5


class AdaptiveWeights:
    """Weights of a few choices, updated by their success (Ropke and Pisinger, 2006)."""

    def __init__(self, count: int) -> None:
        self.weights = [1.0] * count
        self.scores = [0.0] * count
        self.uses = [0] * count
        self.chosen = 0

    def choose(self, rand) -> int:
        """Draw a choice in proportion to its weight (with the search's generator)."""
        point = rand.random() * sum(self.weights)
        for choice, weight in enumerate(self.weights):
            point -= weight
            if point < 0:
                break
        self.chosen = choice
        self.uses[choice] += 1
        return choice

    def reward(self, score: float | None, iteration: int) -> None:
        """Credit the last choice with ``score`` (None: no choice made this iteration); at the
        end of a segment, move the weights."""
        if score is not None:
            self.scores[self.chosen] += score
        if iteration % ADAPTIVE["segment"]:
            return
        reaction = ADAPTIVE["reaction"]
        for choice, uses in enumerate(self.uses):
            if uses:
                self.weights[choice] = (1 - reaction) * self.weights[choice] + \
                    reaction * self.scores[choice] / uses
            # A floor keeps every choice drawn now and then.
            self.weights[choice] = max(self.weights[choice], 0.5)
        self.scores = [0.0] * len(self.scores)
        self.uses = [0] * len(self.uses)


class Annealing:
    """Ruin and recreate with simulated annealing on one search state, run in steps of work
    (so that several of them can meet between steps, see :mod:`.islands`)."""

    def __init__(self, search: SearchState, work: int, stall: int | None,
                 on_improve: Callable[[int, list[int]], None] | None = None,
                 seen_routes: int = 0) -> None:
        self.search = search
        self.on_improve = on_improve
        self.best_snapshot = search.snapshot()
        self.best_key = search.search_key()
        self.current_key = self.best_key
        self.improvements = [(search.work, search.objective())]
        self.improved_at = [0]
        self.iterations = 0
        self.since_best = 0
        self.stall = stall if stall is not None else 10**9
        # An agenda at the value ceiling (every request served, only value counted) cannot be
        # beaten: the search stops there (a re-plan's change costs could still move it).
        ceiling = search.instance.value_ceiling()
        self.ceiling = None if search.previous_placement else ceiling
        self.at_ceiling = self.ceiling is not None and search.objective() >= self.ceiling
        self.start_work = search.work
        self.budget = max(work, 1) if len(search.row_request) else 0  # nothing to choose from
        # Annealing temperature in objective units: a fraction of one average engagement's gain.
        gains = [gain for row in search.gain for gain in row if gain > 0]
        unit = (sum(gains) / len(gains)) if gains else 1.0
        self.start_temperature = TUNING["t0"] * unit
        self.end_temperature = TUNING["t1"] * unit
        self.pool = RoutePool(search)
        self.pool.add(search)
        # The routes of accepted agendas for the route bound (``seen_routes`` a day; never
        # looked at by the search, their work counted apart).
        self.seen = SeenRoutes(search.day_count, seen_routes)
        self.seen.add(search)
        self.recombined = [0, 0]  # recombinations tried, and those that found a better agenda
        self.recombined_at = 0  # the work used at the last one
        # With a fixed share of string removals, the adaptive choice is among the other ruins.
        self.ruin_weights = AdaptiveWeights(RUIN_KINDS - 1 if VARIANT["string"] else RUIN_KINDS)
        self.ruin_chosen = False
        self.rule_weights = AdaptiveWeights(len(RECREATE_RULES))
        self._report()

    @property
    def used(self) -> int:
        """Operations of the budget used so far (construction excluded)."""
        return self.search.work - self.start_work

    @property
    def stalled(self) -> bool:
        """No better agenda for ``stall`` iterations, or none can be better (the best is at
        the value ceiling)."""
        return self.since_best >= self.stall or self.at_ceiling

    def _report(self) -> None:
        if self.on_improve is not None:
            search = self.search
            served = [r for r in range(search.request_count) if search.day_of[r] >= 0]
            self.on_improve(search.objective() + search.fixed_objective, served)

    def _new_best(self, key) -> None:
        search = self.search
        self.best_key = key
        self.best_snapshot = search.snapshot()
        objective = search.objective()
        self.improvements.append((search.work, objective))
        self.improved_at.append(self.iterations)
        self.since_best = 0
        self.at_ceiling = self.ceiling is not None and objective >= self.ceiling
        self._report()

    def adopt(self, key, snapshot: list[list[int]]) -> None:
        """Go on from another search's better agenda."""
        before = self.search.snapshot() if self.seen.enabled else None
        self.search.restore(snapshot)
        self.seen.add(self.search, before)
        self.current_key = key
        self._new_best(key)
        if RECOMBINE["at_meetings"]:
            self.pool.add(self.search)

    def cross(self, key, snapshot: list[list[int]]) -> None:
        """Go on from a crossover of another search's better agenda and this one's best: the
        better agenda's best-scoring half of the days (by their objective), this search's own
        routes on the other days without the requests those days already serve, refilled
        (compacted, moved between days and refilled like any better agenda), so that the
        search keeps part of its own agenda. The better agenda becomes this search's best.

        Only on agendas of route days alone (no meal, remote call, joint meeting or rule
        between requests, as for :class:`~.recombination.RoutePool`); elsewhere, and when the
        crossover's days do not pass the state's own checks, this is :meth:`adopt`.
        """
        search = self.search
        own = self.best_snapshot
        self.adopt(key, snapshot)
        if search.joint_members or not (search.interday_enabled and all(search.interday_day)):
            return
        day_count = search.day_count
        by_score = sorted(range(day_count), key=lambda d: (-search.day_objective[d], d))
        taken = set(by_score[:(day_count + 1) // 2])
        kept = {r for d in taken for r in snapshot[d]}
        days = [list(snapshot[d]) if d in taken else [r for r in own[d] if r not in kept]
                for d in range(day_count)]
        if not lay_agenda(search, days):
            return
        for d in range(day_count):
            search.compact_day(d)
        if INTERDAY["local_search"]:
            search.interday_search()
        search.recreate(0.0)
        self.current_key = search.search_key()
        if self.current_key > self.best_key:
            self._new_best(self.current_key)

    def offer(self, snapshot: list[list[int]]) -> None:
        """Keep the routes of another search's agenda in the pool (at the islands' meetings)."""
        if RECOMBINE["at_meetings"]:
            self.pool.add_snapshot(self.search, snapshot)

    def recombine(self) -> bool:
        """Choose the best agenda of one pool route a day and, when it beats the best one,
        go on from it (compacted, moved between days and refilled like any better agenda)."""
        if not self.pool.enabled:
            return False
        search = self.search
        self.recombined[0] += 1
        days = best_combination(search, self.pool, self.best_snapshot)
        if days is None:
            return False
        snapshot = search.snapshot()
        if not lay_agenda(search, days):
            return False
        for d in range(search.day_count):
            search.compact_day(d)
        if INTERDAY["local_search"]:
            search.interday_search()
        search.recreate(0.0)
        key = search.search_key()
        if key <= self.best_key:
            search.restore(snapshot)
            return False
        self.recombined[1] += 1
        self.current_key = key
        self._new_best(key)
        self.pool.add(search)
        return True

    def run(self, until: int) -> None:
        """Iterate until ``until`` operations of the budget are used or the search stalls."""
        search, rand = self.search, self.search.random
        until = min(until, self.budget)
        deadline = search.deadline
        while self.used < until and not self.stalled and not deadline.passed():
            self.iterations += 1
            search.work += ITERATION_WORK
            self.since_best += 1
            progress = self.used / self.budget
            temperature = self.start_temperature * \
                (self.end_temperature / self.start_temperature) ** progress
            snapshot = search.snapshot()
            removable = search.removable()
            served = len(removable)
            most = max(2, min(self.most_removed(search, removable),
                              int(TUNING["qfrac"] * served) + 1))
            count = rand.randint(1, most)
            if VARIANT["adaptive"]:
                self.ruin_chosen = not (VARIANT["string"] and rand.random() < VARIANT["string"])
                kind = self.ruin_weights.choose(rand) if self.ruin_chosen else RUIN_KINDS - 1
                if kind == RUIN_KINDS - 1:
                    search.string_ruin(count)
                else:
                    search.ruin(count, kind)
                search.recreate(*RECREATE_RULES[self.rule_weights.choose(rand)])
            else:
                strings = INTERDAY["string_ruin"] or VARIANT["string"]
                if strings and rand.random() < strings:
                    search.string_ruin(count)
                elif DAY_RUIN["probability"] and rand.random() < DAY_RUIN["probability"]:
                    search.ruin_days()
                else:
                    search.ruin(count, served=removable)
                rule = rand.random()
                if rule < 0.4:
                    search.recreate(*RECREATE_RULES[0])
                elif rule < 0.6:
                    search.recreate(*RECREATE_RULES[1])
                elif rule < 0.8:
                    search.recreate(*RECREATE_RULES[2])
                else:
                    search.recreate(*RECREATE_RULES[3])
            key = search.search_key()
            if key > self.current_key:
                for d in range(search.day_count):
                    search.compact_day(d)
                if INTERDAY["local_search"] and \
                        (key > self.best_key or not INTERDAY["only_at_best"]):
                    search.interday_search()
                search.recreate(0.0)
                key = search.search_key()
            accept = key >= self.current_key or \
                rand.random() < math.exp((key[0] - self.current_key[0]) / max(temperature, 1e-9))
            if VARIANT["adaptive"]:
                score = ADAPTIVE["best"] if key > self.best_key else \
                    ADAPTIVE["better"] if key > self.current_key else \
                    ADAPTIVE["accepted"] if accept and key < self.current_key else 0.0
                self.ruin_weights.reward(score if self.ruin_chosen else None, self.iterations)
                self.rule_weights.reward(score, self.iterations)
            if key > self.best_key:
                self._new_best(key)
            if accept:
                self.current_key = key
                self.pool.add(search)
                self.seen.add(search, snapshot)
            else:
                search.restore(snapshot)
            if RECOMBINE["every"] and \
                    self.used - self.recombined_at >= RECOMBINE["every"] * WORK_PER_SECOND:
                self.recombined_at = self.used
                self.recombine()
            if TUNING["reset"] and self.since_best and self.since_best % TUNING["reset"] == 0:
                search.restore(self.best_snapshot)
                self.current_key = self.best_key
                if VARIANT["perturb"]:
                    self.perturb()

    def most_removed(self, search: SearchState, removable: list[int]) -> int:
        """The most engagements an iteration removes (before the share ``qfrac``)."""
        if VARIANT["stall_most"] and self.since_best >= VARIANT["stall_after"]:
            return max(TUNING["qmax"], VARIANT["stall_most"])
        if not VARIANT["qday"] or not removable:
            return TUNING["qmax"]
        busy = len({search.day_of[r] for r in removable})
        return max(TUNING["qmax"], int(VARIANT["qday"] * len(removable) / busy))

    def perturb(self) -> None:
        """Remove a large share of the best agenda at random and refill it: the search goes
        on from there, whatever its key."""
        search = self.search
        count = int(VARIANT["perturb"] * len(search.removable()))
        if count:
            search.ruin(count, 1)
            search.recreate(*RECREATE_RULES[1])
            self.current_key = search.search_key()
            if self.current_key > self.best_key:
                self._new_best(self.current_key)

    def result(self) -> HeuristicResult:
        """The best agenda found, laid out as day plans (the state goes back to it); its work
        includes keeping the routes seen."""
        search = self.search
        search.restore(self.best_snapshot)
        plans = day_plans(search)
        complete = all(search.day_of[r] >= 0 for r in range(search.request_count)
                       if search.mandatory[r] or search.pinned[r])
        value = sum(search.value[r] for r in range(search.request_count) if search.day_of[r] >= 0)
        return HeuristicResult(plans, plan_objective(search, plans), value,
                               search.work + self.seen.work, self.iterations, complete,
                               self.improvements, self.improved_at,
                               stopped_by_clock=search.deadline.hit, seen=self.seen.best(),
                               seen_work=self.seen.work)
