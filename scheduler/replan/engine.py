"""The re-plan itself: cut at now, solve what remains, merge, diff, and record the new version."""

from __future__ import annotations

import logging
from dataclasses import replace
from collections.abc import Sequence
from datetime import datetime

from ..domain import DomainError, Plan
from ..errors import InputError, InputIssue
from ..solve import SolveParams
from .absence import absent_from_their_slot, check_absences, continue_without
from .changes import Changes, apply_changes, check_ids, unique_issues
from .cut import ceil_minute, check_past, cut_days
from .diff import diff_plans
from .history import (cancellations, current_sequences, first_entry, history_entry, keep_named_places,
                      members_left, new_sequences, night_sequences, resource_sequences)
from .merge import merge_plans
from .remainder import remaining_problem
from .result import ReplanResult
from .solve_remainder import solve_remaining

log = logging.getLogger(__name__)

__all__ = ["new_version", "replan"]


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
        When a change names an unknown request or guest, or rewrites what is done or under
        way.
    InfeasibleError
        When a mandatory engagement, or a pinned one, can no longer be kept; the message and
        ``conflicts`` name it.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise InputError([InputIssue("now", None, None, "the moment of the re-plan needs a time zone")])
    zone = plan.problem.tour.zone
    now = ceil_minute(now).astimezone(zone)
    issues = check_ids(plan, changes) + check_absences(plan, changes.absent, now)
    cuts = cut_days(plan, now, changes.delay_minutes)
    issues += check_past(plan, changes, cuts)
    if issues:
        raise InputError(unique_issues(issues))
    try:
        problem = apply_changes(plan.problem, changes)
    except DomainError as error:
        raise InputError([InputIssue(changes.requests_file or "changes", None, None, str(error))]) from None
    if changes.absent:
        done = {e.request_id for cut in cuts for e in cut.engagements}
        problem, _ = continue_without(plan, problem, changes.absent, now, done)
    remaining = remaining_problem(problem, cuts, changes.absent, now)
    if changes.absent:
        remaining = replace(remaining, left_out={
            **absent_from_their_slot(plan, problem, changes.absent, now), **remaining.left_out})
    sub = solve_remaining(plan, problem, cuts, remaining, changes, now, params)
    merged = merge_plans(plan, problem, cuts, remaining, sub, now)
    log.info("re-plan from %s", now.isoformat())
    return new_version(plan, merged, now=now, changes=changes,
                       warnings=remaining.warnings + sub.warnings)


def new_version(plan: Plan, new: Plan, *, now: datetime, changes: Changes | None = None,
                warnings: Sequence[str] = (), made: str = "") -> ReplanResult:
    """Record ``new`` as the next version of ``plan``: the diff, the calendar sequences, the
    history entry and what is now cancelled.

    A re-plan ends here, and so does any other way a team replaces the agenda (an accepted
    what-if, going back to an earlier version), so that calendars and invitations follow
    every version the same way.

    Parameters
    ----------
    plan
        The current plan.
    new
        The agenda that replaces it (its own history is replaced by ``plan``'s, extended).
    now
        When the new version is made.
    changes
        What changed, when a re-plan made it (nothing by default).
    warnings
        Sentences for the history and the team (what had to bend, or what was done).
    made
        What made the version when not a re-plan, as a sentence (it heads ``changes.md``);
        it is also the history's first warning.
    """
    changes = changes or Changes()
    if made and made not in warnings:
        warnings = (made, *warnings)
    diff = diff_plans(plan, new, cancelled=changes.cancel)
    sequences, gone = new_sequences(plan, new, diff)
    # The resources' calendars hold events of their own (their UIDs name the resource).
    served, gone_served = resource_sequences(plan, new, sequences)
    # Nights follow the lodging, which only a version of a plan with another frame changes.
    slept, gone_nights = night_sequences(plan, new)
    sequences = dict(sorted({**sequences, **served, **slept}.items()))
    history = list(plan.history) or [first_entry(plan)]
    history.append(history_entry(plan, new, changes, diff, now, sequences, gone, tuple(warnings),
                                 gone_resources=gone_served, left=members_left(plan, new),
                                 gone_nights=gone_nights))
    # What the calendars cancel names its place, which the new agenda's tour may not know.
    new = keep_named_places(replace(new, history=tuple(history), created=now), plan)
    dropped = cancellations(new)
    withdrawn = tuple(r for r in plan.problem.requests if r.id in changes.cancel)
    log.info("new version at %s: %s", now.isoformat(), diff.summary())
    return ReplanResult(plan=new, previous=plan, diff=diff, sequences=current_sequences(new),
                        cancelled=dropped.engagements, cancelled_requests=withdrawn,
                        cancelled_legs=dropped.legs, warnings=tuple(warnings), now=now,
                        absent=changes.absent, members_left=dropped.members_left,
                        cancelled_nights=dropped.nights, made=made)
