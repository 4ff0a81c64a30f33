"""Re-planning during the visit: an old plan and its changes in; a new plan, its diff and versions out.

What ended before ``now`` is done and never changes; what is under way stays. The rest of the
tour becomes a smaller problem (the remaining days; today from the moment and the place the
guest is free) that the one engine solves with the old agenda as ``previous`` (every change
is priced) and as hints. The kept past and the new future are merged into one plan over the
original days, with today's travel legs placed again after the cut by the planner's own rule.
The decisions are written down in docs/replanning.md.

The package only computes: reading changes from text is :mod:`scheduler.io.changes`, and
writing a re-plan's files (changes.md, calendar updates, invitations) is
:mod:`scheduler.export.updates`.

- ``changes.py``: the :class:`Changes` record, its checks, the problem with it applied
- ``absence.py``: a delegation member absent for a time (:class:`Absence`): their days cut,
  joint meetings going on without them, what changes.md says of it
- ``cut.py``: each day (each member's, in a delegation) cut at ``now``: what stays, where
  and when the guest is free
- ``remainder.py``: the remaining problem over the time left
- ``costs.py``: the price of each change (:func:`change_costs_for`)
- ``solve_remainder.py``: solving the remainder with the old agenda as the baseline
- ``merge.py``: the kept past and the new future as one plan
- ``diff.py``: :func:`diff_plans` and :class:`PlanDiff`
- ``history.py``: versions, calendar SEQUENCEs, what was cancelled
- ``result.py``: :class:`ReplanResult`
- ``engine.py``: :func:`replan`, the steps in order
"""

from .absence import Absence
from .changes import MAX_DELAY_MINUTES, Changes
from .costs import change_costs_for
from .diff import Dropped, Moved, PlanDiff, diff_plans
from .engine import new_version, replan
from .history import current_sequences, plan_version
from .result import ReplanResult

__all__ = [
    "MAX_DELAY_MINUTES",
    "Absence",
    "Changes",
    "Dropped",
    "Moved",
    "PlanDiff",
    "ReplanResult",
    "change_costs_for",
    "current_sequences",
    "diff_plans",
    "plan_version",
    "new_version",
    "replan",
]
