"""Rules about requests: offsets, unknown or duplicate requests, unscheduled codes, mandatory ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from .delegation import guest_view
from .plan_view import DayView, EngagementView, PlanView, RequestView
from .timeline import minutes_text, offset_text
from .violations import UNSCHEDULED_CODES, Violation


def wrong_offset(plan: PlanView) -> Iterator[Violation]:
    """Forbid a time whose offset is not the tour zone's offset at that instant.

    The instant itself is what every other rule judges; this rule catches the writer that put
    the summer offset on a winter time (or wrote UTC), which a person reading the file or a
    tool that reads the wall clock would take for another time.
    """
    for stamp in plan.stamps:
        local = stamp.written.astimezone(plan.zone)
        if local.utcoffset() != stamp.written.utcoffset():
            yield Violation(
                "wrong_offset",
                f"{stamp.path} is written {stamp.written.isoformat()} with offset "
                f"{offset_text(stamp.written)}, but {plan.zone_name} is at {offset_text(local)} at that "
                f"instant, which it writes {local.isoformat()}",
                stamp.request_id, stamp.day)


def unknown_request(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement or an unscheduled entry whose request_id is no request of the plan."""
    for engagement in plan.engagements:
        if plan.request(engagement.request_id) is None:
            yield Violation("unknown_request",
                            f"engagements[{engagement.index}] at {plan.span(engagement.start, engagement.end)} "
                            f"names request {engagement.request_id!r}, which is not in `requests`",
                            engagement.request_id, engagement.home)
    for entry in plan.unscheduled:
        if plan.request(entry.request_id) is None:
            yield Violation("unknown_request",
                            f"unscheduled[{entry.index}] names request {entry.request_id!r}, "
                            f"which is not in `requests`", entry.request_id)


def duplicate(plan: PlanView) -> Iterator[Violation]:
    """Forbid a request scheduled more than once, or listed more than once as unscheduled."""
    seen: dict[str, EngagementView] = {}
    for engagement in plan.engagements:
        first = seen.setdefault(engagement.request_id, engagement)
        if first is not engagement:
            yield Violation("duplicate",
                            f"{plan.who(engagement.request_id)} is scheduled twice: "
                            f"{plan.span(first.start, first.end)} and "
                            f"{plan.span(engagement.start, engagement.end)}",
                            engagement.request_id, engagement.home)
    listed: set[str] = set()
    for entry in plan.unscheduled:
        if entry.request_id in listed:
            yield Violation("duplicate", f"{plan.who(entry.request_id)} is listed twice as unscheduled",
                            entry.request_id)
        listed.add(entry.request_id)


def unscheduled_inconsistent(plan: PlanView) -> Iterator[Violation]:
    """Forbid a request both scheduled and unscheduled, or neither."""
    scheduled = {e.request_id for e in plan.engagements}
    listed = {u.request_id for u in plan.unscheduled}
    for request_id in plan.request_order:
        if request_id in scheduled and request_id in listed:
            yield Violation("unscheduled_inconsistent",
                            f"{plan.who(request_id)} is both scheduled and listed as unscheduled",
                            request_id)
        elif request_id not in scheduled and request_id not in listed:
            yield Violation("unscheduled_inconsistent",
                            f"{plan.who(request_id)} is neither scheduled nor listed as unscheduled",
                            request_id)


def wrong_code(plan: PlanView) -> Iterator[Violation]:
    """Forbid an unscheduled code outside the list, and a ``no_window``/``too_short`` that is false.

    ``too_short`` is false when some window is at least as long as the duration;
    ``no_window`` is false when some window leaves room for the engagement, with its set-up,
    inside a day's hours (at its fixed start when it has one); in a delegation, inside the
    hours of a day of one of the request's guests, their own days. The other codes depend on
    the solver's search and are not judged.
    """
    for entry in plan.unscheduled:
        request = plan.request(entry.request_id)
        if entry.code not in UNSCHEDULED_CODES:
            yield Violation("wrong_code",
                            f"{plan.who(entry.request_id)} is unscheduled with code {entry.code!r}, "
                            f"not one of {', '.join(UNSCHEDULED_CODES)}", entry.request_id)
        elif request is None:
            continue
        elif entry.code == "too_short":
            for start, end in request.windows:
                if end - start >= request.duration:
                    yield Violation("wrong_code",
                                    f"{plan.who(request.id)} is unscheduled as too_short, but its window "
                                    f"{plan.span(start, end)} holds its {minutes_text(request.duration)}",
                                    request.id)
                    break
        elif entry.code == "no_window":
            for view, day in _days_of(plan, request):
                if has_room(request, day, _free_hours(view, day)):
                    yield Violation("wrong_code",
                                    f"{plan.who(request.id)} is unscheduled as no_window, but one of its "
                                    f"windows has room for it within the hours of {day.date}",
                                    request.id, day.date)
                    break


def _days_of(plan: PlanView, request: RequestView) -> Iterator[tuple[PlanView, DayView]]:
    """The days a request could be on, each with the view of the plan it is judged in: the
    tour's days, or in a delegation each of its guests' own days in that guest's view."""
    if not plan.guests or not request.guests:
        yield from ((plan, day) for day in plan.days)
        return
    for guest in plan.guests:
        if guest.id in request.guests:
            view = guest_view(plan, guest)
            yield from ((view, day) for day in view.days)


def _free_hours(plan: PlanView, day: DayView) -> list[tuple[datetime, datetime]]:
    """The day's hours less its fixed legs: from the buffer before a leg's check-in (the last
    engagement's buffer ends before the guest leaves) to its arrival."""
    free = [(day.start, day.end)]
    for leg in plan.fixed_legs_on(day):
        busy_from, busy_to = leg.busy_start - plan.buffer, leg.arrive
        free = [piece for low, high in free
                for piece in ((low, min(high, busy_from)), (max(low, busy_to), high))
                if piece[1] > piece[0]]
    return free


def has_room(request: RequestView, day: DayView,
             hours: list[tuple[datetime, datetime]] | None = None) -> bool:
    """Whether one of the request's windows holds it, set-up included, within the day's hours
    (``hours``: the day's free stretches; by default the whole day), at its fixed start when
    it has one."""
    for hours_start, hours_end in hours if hours is not None else [(day.start, day.end)]:
        for start, end in request.windows:
            first = max(start, hours_start + request.setup)
            last = min(end, hours_end)
            if request.fixed_start is not None:
                first = max(first, request.fixed_start)
                last = min(last, request.fixed_start + request.duration)
            if last - first >= request.duration:
                return True
    return False


def mandatory_missing(plan: PlanView) -> Iterator[Violation]:
    """Forbid a mandatory request that is not scheduled."""
    scheduled = {e.request_id for e in plan.engagements}
    for request_id in plan.request_order:
        if plan.requests[request_id].mandatory and request_id not in scheduled:
            yield Violation("mandatory_missing", f"{plan.who(request_id)} is mandatory but not scheduled",
                            request_id)

