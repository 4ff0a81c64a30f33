"""Diagnosis in plain words: why a request is or is not in the agenda, what fitting it costs.

Three questions, one engine. :func:`explain_request` answers "why isn't X in the agenda?"
(each window against the tour's days and hours, what occupies that time, whether travel
makes it unreachable) and "why is X where it is?" (the window, the neighbours and travel
around it, the meal, the day's hours). :func:`what_if_mandatory` answers "what would it
cost to fit X?" by solving the plan's own problem again with X made mandatory, through
:func:`scheduler.solve.solve`; :func:`what_if_resource` answers "what would a second
interpreter (a copy of one resource) gain?" the same way. :func:`diagnose_infeasible` answers "why is there no plan?":
a minimal set of mandatory requests (the engine's deletion filter, run once: the error of
``solve`` carries the set it found) and a minimal set of the tour's rules behind it, found by
relaxing rule groups one at a time on the engine's own model, then put in words such as "PSOE
meeting (Tue 27 Nov 10:00–11:00) and Antena 3 live (Tue 27 Nov 10:30) cannot both happen:
40 min travel between them".

Why relaxation and not solver assumptions: naming a rule with ``add_assumptions`` needs an
enforcement literal on every constraint of that rule inside :mod:`scheduler.model.cpmodel`.
Relaxing the *problem* (no meal that day, whole-day hours, no buffer, zero travel between two
places) and rebuilding the same model answers the same question — is this rule group part of
the reason? — with the engine's exact rules and no second model to keep in step.

Arithmetic is in whole minutes on the tour's :class:`~scheduler.timegrid.TimeGrid`, the same
as the engine's, so a time shown here is a time the engine could use.

The parts: :mod:`.records` (the results), :mod:`.explain` with :mod:`.windows`,
:mod:`.free_time`, :mod:`.pairs` and :mod:`.placement` (why or why not; in a delegation
each reads the days of who attends or may go, :mod:`.guest_days`), :mod:`.what_if`,
:mod:`.what_if_resource`, :mod:`.conflicts` with :mod:`.rules` (no plan), :mod:`.text` (the words of an explanation).
"""

from __future__ import annotations

from .conflicts import diagnose_infeasible, infeasible_error
from .explain import explain_request
from .records import (
    Change,
    Conflict,
    DayFit,
    Explanation,
    Neighbour,
    Occupant,
    Placement,
    ResourceWhatIf,
    Rule,
    WhatIf,
    WindowReport,
)
from .what_if import TIE_BREAK_COSTS, what_if_mandatory
from .what_if_resource import what_if_resource

__all__ = [
    "TIE_BREAK_COSTS",
    "Change",
    "Conflict",
    "DayFit",
    "Explanation",
    "Neighbour",
    "Occupant",
    "Placement",
    "ResourceWhatIf",
    "Rule",
    "WhatIf",
    "WindowReport",
    "diagnose_infeasible",
    "explain_request",
    "infeasible_error",
    "what_if_mandatory",
    "what_if_resource",
]
