"""What re-planning did to the agenda, engagement by engagement: kept, updated, moved, dropped, added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..domain import Engagement, Plan, Problem, Request, utc

__all__ = ["Dropped", "Moved", "PlanDiff", "diff_plans", "request_or_none"]


@dataclass(frozen=True, slots=True)
class Moved:
    """An engagement at another time (or place) than before."""

    old: Engagement
    new: Engagement

    @property
    def request_id(self) -> str:
        """The request both engagements serve."""
        return self.new.request_id

    @property
    def changed_day(self) -> bool:
        """Whether it moved to another day."""
        return self.old.day != self.new.day


@dataclass(frozen=True, slots=True)
class Dropped:
    """An engagement no longer in the agenda: ``cancelled`` by the counterpart, or left out
    (``reason`` says why)."""

    old: Engagement
    cancelled: bool
    reason: str

    @property
    def request_id(self) -> str:
        """The request the engagement served."""
        return self.old.request_id


@dataclass(frozen=True)
class PlanDiff:
    """What re-planning did to the agenda, engagement by engagement.

    ``kept`` are at the same time and place; ``updated`` too, but their request's details
    changed (title, contact, notes) or who of a delegation attends; ``moved`` changed time, day or place; ``dropped`` left
    the agenda; ``added`` joined it.
    """

    kept: tuple[Engagement, ...] = ()
    updated: tuple[Engagement, ...] = ()
    moved: tuple[Moved, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    added: tuple[Engagement, ...] = ()

    @property
    def changed_ids(self) -> tuple[str, ...]:
        """The requests whose slot changed (updated, moved, dropped or added), sorted."""
        ids = {e.request_id for e in self.updated} | {m.request_id for m in self.moved}
        ids |= {d.request_id for d in self.dropped} | {e.request_id for e in self.added}
        return tuple(sorted(ids))

    @property
    def is_empty(self) -> bool:
        """Whether no engagement changed."""
        return not self.changed_ids

    def summary(self) -> str:
        """``18 kept, 1 moved, 1 dropped, 0 added`` (and updated when any)."""
        parts = [f"{len(self.kept)} kept"]
        if self.updated:
            parts.append(f"{len(self.updated)} updated")
        parts += [f"{len(self.moved)} moved", f"{len(self.dropped)} dropped", f"{len(self.added)} added"]
        return ", ".join(parts)


def _same_slot(a: Engagement, b: Engagement) -> bool:
    return (a.day == b.day and utc(a.start) == utc(b.start) and utc(a.end) == utc(b.end)
            and a.location == b.location)


def _details(request: Request | None) -> tuple:
    if request is None:
        return ()
    return (request.title, request.kind, request.counterpart, request.contact, request.remote,
            request.setup_minutes, request.notes, request.internal_notes)


def request_or_none(problem: Problem, request_id: str) -> Request | None:
    """The request ``request_id`` of ``problem``, or ``None`` when it has none (cancelled)."""
    try:
        return problem.request(request_id)
    except KeyError:
        return None


def diff_plans(old: Plan, new: Plan, *, cancelled: Iterable[str] = ()) -> PlanDiff:
    """Compare two agendas of the same tour.

    Parameters
    ----------
    old, new
        The plan before and after.
    cancelled
        Request ids the counterparts withdrew (their drop is marked ``cancelled``).

    Returns
    -------
    PlanDiff
        Every engagement of either plan in exactly one group, in time order.
    """
    cancelled = set(cancelled)
    new_by_id = {e.request_id: e for e in new.engagements}
    old_ids = {e.request_id for e in old.engagements}
    reasons = {u.request_id: u.reason for u in new.unscheduled}
    new_requests = {r.id: r for r in new.problem.requests}
    kept, updated, moved, dropped = [], [], [], []
    for engagement in old.engagements:
        rid = engagement.request_id
        now = new_by_id.get(rid)
        if now is None:
            reason = "cancelled" if rid in cancelled else reasons.get(rid, "no longer in the agenda")
            dropped.append(Dropped(engagement, rid in cancelled, reason))
        elif not _same_slot(engagement, now):
            moved.append(Moved(engagement, now))
        elif _details(new_requests.get(rid)) != _details(request_or_none(old.problem, rid)) \
                or now.guests != engagement.guests:
            updated.append(now)
        else:
            kept.append(now)
    added = [e for e in new.engagements if e.request_id not in old_ids]
    return PlanDiff(tuple(kept), tuple(updated), tuple(moved), tuple(dropped), tuple(added))
