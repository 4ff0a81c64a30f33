"""The CP-SAT constraints of a delegation: joint engagements together, a resource in one place.

Mixed into :class:`~scheduler.model.cpmodel.PlannerModel`, which holds ``present`` (day,
request index → literal), ``start`` (→ start minute), ``model`` and, from
:mod:`.cp_resources`, ``resource_use`` (the literal of each candidate resource of each need).
Each guest's days are days of the model like any other, so their routes, travel, meal and
remote calls need nothing here; what ties the guests together is:

- a joint request is served by its primary (first guest) exactly when by each of its
  shadows (the other guests), on the same tour date, at the same minute;
- a shared resource used by engagements of two different guests is in one place at a time.
  For a resource that travels (an interpreter, an escort, a car) the second engagement's
  set-up starts no earlier than the first one's end plus the buffer plus the travel between
  their places; with a remote engagement on either side, no travel is counted (the
  occupancies, set-up to end plus buffer, do not overlap). A room (it does not travel) is
  used by one engagement at a time, set-up to end.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from .instance import RequestData


class DelegationConstraints:
    """Joint engagements and shared resources across the guests of a delegation."""

    def _add_delegation_rules(self) -> None:
        """The rules that tie a delegation's guests together (nothing for one guest)."""
        # (literal, first key, second key): the literal is true when ``first`` comes first.
        self.resource_order: list[tuple[cp_model.IntVar, tuple[int, int], tuple[int, int]]] = []
        if not self.instance.is_delegation:
            return
        self._joint_engagements_together()
        self._resources_in_one_place()

    def _joint_engagements_together(self) -> None:
        """Forbids a joint engagement without all its guests, or at two different minutes."""
        m = self.model
        inst = self.instance
        for shadow in inst.requests:
            if not shadow.is_shadow:
                continue
            primary = inst.requests[shadow.joint_of]
            by_date: dict[int, tuple[list[int], list[int]]] = {}
            for d in primary.starts:
                by_date.setdefault(inst.days[d].date_index, ([], []))[0].append(d)
            for d in shadow.starts:
                by_date.setdefault(inst.days[d].date_index, ([], []))[1].append(d)
            for primary_days, shadow_days in by_date.values():
                m.add(sum(self.present[(d, primary.index)] for d in primary_days)
                      == sum(self.present[(d, shadow.index)] for d in shadow_days))
                for d in primary_days:
                    for e in shadow_days:
                        m.add(self.start[(d, primary.index)] == self.start[(e, shadow.index)]) \
                            .only_enforce_if([self.present[(d, primary.index)],
                                              self.present[(e, shadow.index)]])

    def _resources_in_one_place(self) -> None:
        """Forbids a shared resource at two engagements of different guests that do not leave
        it the time to go from one to the other (only pairs whose starts make it possible)."""
        inst = self.instance
        users: dict[int, list[tuple[tuple[int, int], cp_model.IntVar]]] = {}
        for key, choices in self.resource_use.items():
            for literals in choices:
                for resource, use in literals:
                    users.setdefault(resource, []).append((key, use))
        for resource, uses in users.items():
            for position, (first, first_use) in enumerate(uses):
                for second, second_use in uses[position + 1:]:
                    if first[1] == second[1] or \
                            inst.days[first[0]].guest == inst.days[second[0]].guest:
                        continue  # one request is served once; one guest's day keeps itself apart
                    self._one_after_the_other(resource, first, first_use, second, second_use)

    def _one_after_the_other(self, resource: int, a: tuple[int, int], a_use, b: tuple[int, int],
                             b_use) -> None:
        m = self.model
        inst = self.instance
        first, second = inst.requests[a[1]], inst.requests[b[1]]
        a_then_b = inst.resource_gap(resource, first, second)
        b_then_a = inst.resource_gap(resource, second, first)
        if first.latest(a[0]) + first.duration + a_then_b <= second.earliest(b[0]) - second.setup or \
                second.latest(b[0]) + second.duration + b_then_a <= first.earliest(a[0]) - first.setup:
            return  # their times never clash
        a_can_lead = first.earliest(a[0]) + first.duration + a_then_b \
            <= second.latest(b[0]) - second.setup
        b_can_lead = second.earliest(b[0]) + second.duration + b_then_a \
            <= first.latest(a[0]) - first.setup
        both = [a_use, b_use]
        a_leads = self.start[b] - second.setup >= self.start[a] + first.duration + a_then_b
        b_leads = self.start[a] - first.setup >= self.start[b] + second.duration + b_then_a
        if not a_can_lead and not b_can_lead:
            m.add_bool_or([a_use.Not(), b_use.Not()])
        elif not b_can_lead:
            m.add(a_leads).only_enforce_if(both)
        elif not a_can_lead:
            m.add(b_leads).only_enforce_if(both)
        else:
            order = m.new_bool_var(f"{inst.resources[resource]}_{first.id}_d{a[0]}"
                                   f"_before_{second.id}_d{b[0]}")
            m.add(a_leads).only_enforce_if(both + [order])
            m.add(b_leads).only_enforce_if(both + [order.Not()])
            self.resource_order.append((order, a, b))

    def _hint_delegation(self, starts: dict[tuple[int, int], int]) -> None:
        """Hint the order of each pair from a complete agenda's starts."""
        for order, a, b in self.resource_order:
            self.model.add_hint(order, starts[a] <= starts[b])
