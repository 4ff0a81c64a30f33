"""Rules about shared resources: one per need of the right id or kind, within its hours, a room once at a time."""

from __future__ import annotations

from collections.abc import Iterator

from .plan_view import EngagementView, PlanView, ResourceView
from .timeline import scheduled
from .violations import Violation

KIND_PREFIX = "kind:"


def _meets(resource: ResourceView, need: str) -> bool:
    if need.startswith(KIND_PREFIX):
        return resource.kind == need[len(KIND_PREFIX):]
    return resource.id == need


def _uses(plan: PlanView) -> Iterator[tuple[EngagementView, ResourceView]]:
    """Each engagement with each known resource it lists."""
    for engagement in plan.engagements:
        for resource_id in engagement.resources or ():
            resource = plan.resources.get(resource_id)
            if resource is not None:
                yield engagement, resource


def resource_needs(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement whose ``resources`` are not one resource per need of its request,
    in the order of the needs, each of the id or kind needed; and a resource that does not
    travel used away from its place (a remote engagement may use it)."""
    for engagement, request in scheduled(plan):
        listed = engagement.resources or ()
        what = f"{plan.who(request.id)} at {plan.span(engagement.start, engagement.end)}"
        if len(listed) != len(request.needs):
            needs = ", ".join(request.needs) or "nothing"
            yield Violation("resource_needs", f"{what} lists {len(listed)} resource(s) "
                            f"({', '.join(listed) or 'none'}) but needs {needs}", request.id, engagement.home)
            continue
        for need, resource_id in zip(request.needs, listed):
            resource = plan.resources.get(resource_id)
            if resource is None:
                yield Violation("resource_needs", f"{what} uses {resource_id!r}, which is not a "
                                "resource of the plan", request.id, engagement.home)
            elif not _meets(resource, need):
                yield Violation("resource_needs", f"{what} needs {need} but uses {resource_id!r} "
                                f"(kind {resource.kind})", request.id, engagement.home)
            elif not resource.travels and request.place is not None and request.place != resource.location:
                yield Violation("resource_needs", f"{what} is at {request.place} but uses {resource_id!r}, "
                                f"which stays at {resource.location}", request.id, engagement.home)


def resource_hours(plan: PlanView) -> Iterator[Violation]:
    """Forbid using a resource outside its hours (the engagement's set-up to its end)."""
    for engagement, resource in _uses(plan):
        start, end = engagement.start - plan.setup(engagement), engagement.end
        if not any(low <= start and end <= high for low, high in resource.hours):
            today = start.astimezone(plan.zone).date()
            hours = "; ".join(plan.span(low, high) for low, high in resource.hours
                              if low.astimezone(plan.zone).date() == today)
            yield Violation("resource_hours", f"{plan.who(engagement.request_id)} at "
                            f"{plan.span(start, end)} uses {resource.id!r} outside its hours "
                            f"({hours or 'none that day'})", engagement.request_id, engagement.home)


def resource_overlap(plan: PlanView) -> Iterator[Violation]:
    """Forbid two engagements using a resource that does not travel (a room) at once, set-up included."""
    by_resource: dict[str, list[EngagementView]] = {}
    for engagement, resource in _uses(plan):
        if not resource.travels:
            by_resource.setdefault(resource.id, []).append(engagement)
    for resource_id, engagements in by_resource.items():
        ordered = sorted(engagements, key=lambda e: (e.start - plan.setup(e), e.index))
        for position, first in enumerate(ordered):
            for second in ordered[position + 1:]:
                if second.start - plan.setup(second) < first.end:
                    yield Violation("resource_overlap", f"{plan.who(first.request_id)} at "
                                    f"{plan.span(first.start, first.end)} and {plan.who(second.request_id)} at "
                                    f"{plan.span(second.start, second.end)} both use {resource_id!r}, "
                                    "which is in one place", second.request_id, second.home)
