"""The re-plan itself: cut at now, solve what remains, merge, diff, and record the new version."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from ..domain import DomainError, Plan
from ..errors import InputError, InputIssue
from ..solve import SolveParams
from .changes import Changes, apply_changes, check_ids, unique_issues
from .cut import ceil_minute, check_past, cut_days
from .diff import diff_plans
from .history import cancellations, current_sequences, first_entry, history_entry, new_sequences
from .merge import merge_plans
from .remainder import remaining_problem
from .result import ReplanResult
from .solve_remainder import solve_remaining

log = logging.getLogger(__name__)

__all__ = ["replan"]


def replan(plan: Plan, changes: Changes, *, now: datetime, params: SolveParams) -> ReplanResult:
    """Plan again from ``now``: keep what is done and under way, price every other change.

    Parameters
    ----------
    plan
        The current plan (any version).
    changes
        What changed (see :class:`~scheduler.replan.Changes`;
        :func:`scheduler.io.changes.read_changes` reads them from text).
    now
        The moment of the re-plan, zone-aware. What ended before it is done and never
        changes; what has started stays as it is.
    params
        Solver settings (time limit, seed, workers). The pinned engagements, the previous
        agenda, the hints and the change costs
        (:func:`~scheduler.replan.costs.change_costs_for`) are data of the re-plan and travel
        to the solver as its :class:`~scheduler.solve.Baseline`.

    Returns
    -------
    ReplanResult
        The new plan (history extended), the diff, sequences and cancellations.

    Raises
    ------
    InputError
        When a change names an unknown request or rewrites what is done or under way.
    InfeasibleError
        When a mandatory engagement, or a pinned one, can no longer be kept; the message and
        ``conflicts`` name it.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise InputError([InputIssue("now", None, None, "the moment of the re-plan needs a time zone")])
    zone = plan.problem.tour.zone
    now = ceil_minute(now).astimezone(zone)
    issues = check_ids(plan, changes)
    cuts = cut_days(plan, now, changes.delay_minutes)
    issues += check_past(plan, changes, cuts)
    if issues:
        raise InputError(unique_issues(issues))
    try:
        problem = apply_changes(plan.problem, changes)
    except DomainError as error:
        raise InputError([InputIssue(changes.requests_file or "changes", None, None, str(error))]) from None
    remaining = remaining_problem(problem, cuts)
    sub = solve_remaining(plan, problem, cuts, remaining, changes, now, params)
    merged = merge_plans(plan, problem, cuts, remaining, sub, now)
    diff = diff_plans(plan, merged, cancelled=changes.cancel)
    sequences, gone = new_sequences(plan, merged, diff)
    warnings = remaining.warnings + sub.warnings
    history = list(plan.history) or [first_entry(plan)]
    history.append(history_entry(plan, merged, changes, diff, now, sequences, gone, warnings))
    merged = replace(merged, history=tuple(history))
    dropped = cancellations(merged)
    withdrawn = tuple(r for r in plan.problem.requests if r.id in changes.cancel)
    log.info("re-plan from %s: %s", now.isoformat(), diff.summary())
    return ReplanResult(plan=merged, previous=plan, diff=diff, sequences=current_sequences(merged),
                        cancelled=dropped.engagements, cancelled_requests=withdrawn,
                        cancelled_legs=dropped.legs, warnings=tuple(warnings), now=now)
