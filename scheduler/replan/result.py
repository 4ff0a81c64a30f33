"""The outcome of a re-plan: the new plan, the diff, and what the calendars need to follow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from ..calendar_uids import NightEvent
from ..domain import Engagement, Plan, Request, TravelLeg
from .absence import Absence
from .diff import PlanDiff
from .history import plan_version

__all__ = ["PLANNED_AGAIN", "ReplanResult"]


#: What :attr:`ReplanResult.made` says of a plan written into the folder of an earlier plan of
#: the same tour (``scheduler plan`` again): it continues that plan's versions.
PLANNED_AGAIN = "Planned again from the tour folder."

@dataclass(frozen=True)
class ReplanResult:
    """A re-plan: the new plan, what changed, and what the calendars need to follow.

    Attributes
    ----------
    plan
        The new plan over the tour's days; its ``history`` ends with this version.
    previous
        The plan that was re-planned.
    diff
        Kept / updated / moved / dropped / added, against ``previous``.
    sequences
        SEQUENCE by calendar UID after this version (every UID that ever changed).
    cancelled
        Slots to publish as cancelled: every engagement dropped in this or an earlier
        version and not back in the agenda (the engagement as it last was).
    cancelled_requests
        The requests withdrawn in this version (they are no longer in ``plan``).
    cancelled_legs
        Travel legs (by UID) that this or an earlier version removed.
    warnings
        What the re-plan had to bend, in plain words (a day's end, a meal, a stop-over).
    now
        The moment of the re-plan.
    absent
        The members of a delegation absent in this version (empty for most re-plans).
    members_left
        Engagements still planned that some members no longer attend (given to another
        member) in this or an earlier version, each with those members as its guests: their
        own calendars cancel it.
    cancelled_nights
        Night events (by calendar and UID: ``""`` the tour's, else a member's id) that this
        or an earlier version dropped, as they last were: only after a version replaced a
        plan whose tour had other lodging.
    made
        What made this version when it is not a re-plan, as a sentence ("Back to version 2.",
        "What-if accepted.", "Planned again from the tour folder."); ``""`` for a re-plan.
    """

    plan: Plan
    previous: Plan
    diff: PlanDiff
    sequences: Mapping[str, int]
    cancelled: tuple[Engagement, ...]
    cancelled_requests: tuple[Request, ...]
    cancelled_legs: Mapping[str, TravelLeg]
    warnings: tuple[str, ...]
    now: datetime
    absent: tuple[Absence, ...] = ()
    members_left: tuple[Engagement, ...] = ()
    cancelled_nights: Mapping[tuple[str, str], NightEvent] = field(default_factory=dict)
    made: str = ""

    @property
    def version(self) -> int:
        """The new plan's version number."""
        return plan_version(self.plan)

    @property
    def cancelled_ids(self) -> tuple[str, ...]:
        """The request ids of :attr:`cancelled`."""
        return tuple(e.request_id for e in self.cancelled)

    def summary(self) -> str:
        """One line: version, what changed, value served before and after."""
        return (f"version {self.version}: {self.diff.summary()}; value served "
                f"{self.previous.value_served} → {self.plan.value_served} of "
                f"{self.plan.problem.total_value}")
