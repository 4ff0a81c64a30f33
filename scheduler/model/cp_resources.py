"""The CP-SAT constraints of shared resources: which resource meets each need, within its hours.

Mixed into :class:`~scheduler.model.cpmodel.PlannerModel`, which holds ``present`` (day,
request index → literal), ``start`` (→ start minute) and ``model``. The instance already
keeps only the starts at which every need has a candidate (``RequestData.needs``); here the
choice among candidates becomes the solver's: one boolean per (engagement, need, candidate),
exactly one of them true when the engagement is served, each allowed only at the starts the
candidate's hours hold, set-up included. With one guest nothing else binds a resource: one
that travels goes with the guest, and a room stays where its engagements are.
"""

from __future__ import annotations

from typing import Callable

from ortools.sat.python import cp_model

from .extract import assign_resources


class ResourceConstraints:
    """The choice of a resource for each need of each served engagement."""

    def _add_resource_choices(self) -> None:
        """Exactly one candidate per need when served; a candidate only within its hours."""
        m = self.model
        # (day, request index) -> per need, (resource index, literal) for each candidate
        self.resource_use: dict[tuple[int, int], list[list[tuple[int, cp_model.IntVar]]]] = {}
        for (day, index), present in self.present.items():
            request = self.instance.requests[index]
            if not request.needs:
                continue
            choices = []
            for position, candidates in enumerate(request.needs):
                literals = []
                for resource, by_day in candidates:
                    ranges = by_day.get(day)
                    if not ranges:
                        continue
                    use = m.new_bool_var(f"use_{self.instance.resources[resource]}_{request.id}"
                                         f"_n{position}_d{day}")
                    if ranges != request.starts[day]:
                        m.add_linear_expression_in_domain(
                            self.start[(day, index)],
                            cp_model.Domain.from_intervals([list(r) for r in ranges])).only_enforce_if(use)
                    literals.append((resource, use))
                m.add(sum(use for _, use in literals) == present)
                choices.append(literals)
            self.resource_use[(day, index)] = choices

    def chosen_resources(self, value: Callable[[cp_model.IntVar], bool], day: int,
                         index: int) -> tuple[str, ...]:
        """The resource chosen for each need of a served engagement, by the solution's ``value``."""
        return tuple(next(self.instance.resources[resource] for resource, use in literals if value(use))
                     for literals in self.resource_use.get((day, index), ()))

    def _hint_resources(self, starts: dict[tuple[int, int], int], served: set[tuple[int, int]]) -> None:
        """Hint the choices from a complete agenda: the first candidate whose hours hold it."""
        for key, choices in self.resource_use.items():
            day, index = key
            request = self.instance.requests[index]
            chosen = (assign_resources(self.instance, request, day, starts[key])
                      if key in served else ())
            for position, literals in enumerate(choices):
                for resource, use in literals:
                    self.model.add_hint(use, bool(chosen) and
                                        self.instance.resources[resource] == chosen[position])
