"""A delegation in the plan file: its members read, each member's own view of the plan, and the
rules between members (who attends, a travelling resource shared by several guests)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from .fields import FieldReader, Malformed, items_of, required, text_of
from .plan_view import DayView, EngagementView, GuestView, PlanView, home_day
from .timeline import minutes_text
from .violations import Violation


def read_guest(reader: FieldReader, raw: Any, path: str, read_day, read_fixed_leg) -> GuestView:
    """An entry of ``tour.guests``: the member's id, days and legs (``read_day`` and
    ``read_fixed_leg`` read one day and one leg, as for the tour)."""
    guest_id = text_of(required(raw, "id", path), f"{path}.id")
    days = tuple(read_day(item, f"{path}.days[{index}]")
                 for index, item in enumerate(items_of(required(raw, "days", path), f"{path}.days")))
    if not days:
        raise Malformed(f"{path}.days: a member has at least one working day")
    ordered = sorted(days, key=lambda day: day.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            raise Malformed(f"{path}: days {before.date} and {after.date} overlap")
    legs = tuple(read_fixed_leg(item, f"{path}.legs[{index}]", index)
                 for index, item in enumerate(items_of(raw.get("legs", []), f"{path}.legs")))
    return GuestView(guest_id, tuple(ordered), legs)


def read_guests_text(raw: Any, path: str) -> tuple[tuple[str, ...], bool]:
    """A request's ``guests`` text (``anna;boris``: all; ``anna|boris``: any one), or ``()``."""
    if not isinstance(raw, dict) or raw.get("guests") is None:
        return (), False
    text = text_of(raw["guests"], f"{path}.guests")
    if ";" in text and "|" in text:
        raise Malformed(f"{path}.guests: {text!r} mixes ';' and '|'")
    any_one = "|" in text
    ids = tuple(part.strip() for part in text.split("|" if any_one else ";"))
    if not all(ids) or len(set(ids)) != len(ids):
        raise Malformed(f"{path}.guests: {text!r} is not guest ids, each once")
    return ids, any_one


def widened_days(days: Iterable[DayView], guests: Iterable[GuestView]) -> tuple[DayView, ...]:
    """The tour's days, each widened to the hours of every member working that date: the
    calendar the windows of requests are read over in a delegation."""
    guests = tuple(guests)
    widened = []
    for day in days:
        theirs = [d for guest in guests for d in guest.days if d.date == day.date]
        widened.append(replace(day, start=min([day.start] + [d.start for d in theirs]),
                               end=max([day.end] + [d.end for d in theirs])))
    return tuple(widened)


def check_members(plan: PlanView) -> list[Violation]:
    """``schema`` problems of the members: two with one id, a day on no date of the tour, an
    engagement or leg naming someone else, and a delegation's engagement or leg not saying who."""
    problems = []
    ids = [guest.id for guest in plan.guests]
    if len(set(ids)) != len(ids):
        problems.append(Violation("schema", "two members of tour.guests have the same id"))
    dates = {day.date for day in plan.days}
    for guest in plan.guests:
        for day in guest.days:
            if day.date not in dates:
                problems.append(Violation("schema", f"guest {guest.id!r}: {day.date} is not a day of tour.days"))
    known = set(ids)
    for engagement in plan.engagements:
        if engagement.guests is None or not set(engagement.guests) <= known:
            problems.append(Violation("schema", f"engagements[{engagement.index}].guests: not a list "
                                      "of members of tour.guests"))
    for leg in plan.legs:
        if leg.guest not in known:
            problems.append(Violation("schema", f"travel[{leg.index}].guest: {leg.guest!r} is not a "
                                      "member of tour.guests"))
    for request in plan.requests.values():
        if not request.guests or not set(request.guests) <= known:
            problems.append(Violation("schema", f"request {request.id!r}: guests "
                                      f"{';'.join(request.guests)!r} are not members of tour.guests"))
    return problems


def guest_view(plan: PlanView, guest: GuestView) -> PlanView:
    """The plan as one member lives it: their days, the engagements they attend, their travel
    and their legs, each on the member's own day."""
    days = guest.days
    engagements = tuple(replace(e, home=home_day(days, e.label, e.start))
                        for e in plan.engagements if guest.id in (e.guests or ()))
    legs = tuple(replace(leg, home=home_day(days, leg.label, leg.busy_start if leg.fixed else leg.depart))
                 for leg in plan.legs if leg.guest == guest.id)
    fixed = tuple(replace(leg, home=home_day(days, "", leg.busy_start)) for leg in guest.fixed_legs)
    return replace(plan, days=days, engagements=engagements, legs=legs, fixed_legs=fixed, guests=())


def about_guest(guest_id: str, violations: Iterable[Violation]) -> Iterator[Violation]:
    """The violations of one member's view, each message naming the member."""
    for violation in violations:
        yield replace(violation, message=f"guest {guest_id!r}: {violation.message}")


def wrong_guests(plan: PlanView) -> Iterator[Violation]:
    """Forbid an engagement whose guests are not its request's: all of them for a joint
    request, exactly one of them for an "any of" request, the one for a request of one."""
    if not plan.guests:
        return
    for engagement in plan.engagements:
        request = plan.request(engagement.request_id)
        if request is None or not request.guests:
            continue
        attending = tuple(engagement.guests or ())
        what = f"{plan.who(request.id)} at {plan.span(engagement.start, engagement.end)}"
        names = ", ".join(attending) or "nobody"
        if request.guests_any:
            if len(attending) != 1 or attending[0] not in request.guests:
                yield Violation("wrong_guests", f"{what} is attended by {names}; exactly one of "
                                f"{' | '.join(request.guests)} must go", request.id, engagement.home)
        elif sorted(attending) != sorted(request.guests):
            yield Violation("wrong_guests", f"{what} is attended by {names}; the request is for "
                            f"{' and '.join(request.guests)}", request.id, engagement.home)


def _attending(engagement: EngagementView) -> str:
    return " and ".join(engagement.guests or ()) or "nobody"


def resource_travel(plan: PlanView) -> Iterator[Violation]:
    """Forbid a travelling resource in two places at once across a delegation: two engagements
    using it may not share time (set-up to end plus buffer), and between two consecutive
    in-person ones the travel time between their places must fit."""
    if not plan.guests:
        return
    for resource_id, uses in resource_uses(plan).items():
        for first, second in zip(uses, uses[1:], strict=False):
            begin = second.start - plan.setup(second)
            if begin < first.end + plan.buffer:
                yield Violation("resource_travel", f"{plan.who(first.request_id)} ({_attending(first)}) at "
                                f"{plan.span(first.start, first.end)} and {plan.who(second.request_id)} "
                                f"({_attending(second)}) at {plan.span(second.start, second.end)} both use "
                                f"{resource_id!r} at once", second.request_id, second.home)
        in_person = [use for use in uses if plan.place(use) is not None]
        for first, second in zip(in_person, in_person[1:], strict=False):
            origin, destination = plan.place(first), plan.place(second)
            minutes = plan.travel.get((origin, destination), 0) if origin != destination else 0
            begin = second.start - plan.setup(second)
            free = begin - (first.end + plan.buffer)
            if minutes and free.total_seconds() >= 0 and free.total_seconds() < minutes * 60:
                yield Violation("resource_travel", f"{resource_id!r} goes from {plan.who(first.request_id)} "
                                f"({_attending(first)}) at {origin}, ending {plan.clock(first.end)}, to "
                                f"{plan.who(second.request_id)} ({_attending(second)}) at {destination} "
                                f"from {plan.clock(begin)}: {minutes_text(free)} free, {minutes} min of "
                                f"travel needed", second.request_id, second.home)


def resource_uses(plan: PlanView) -> dict[str, list[EngagementView]]:
    """The engagements using each travelling resource, by the start of their set-up."""
    uses: dict[str, list[EngagementView]] = {}
    for engagement in plan.engagements:
        for resource_id in engagement.resources or ():
            resource = plan.resources.get(resource_id)
            if resource is not None and resource.travels:
                uses.setdefault(resource_id, []).append(engagement)
    for engagements in uses.values():
        engagements.sort(key=lambda e: (e.start - plan.setup(e), e.index))
    return uses


def resource_moves(plan: PlanView) -> set[tuple[str, str]]:
    """The places a travelling resource goes between (consecutive in-person uses): the plan
    file must hold their travel time."""
    moves = set()
    for uses in resource_uses(plan).values():
        places = [plan.place(use) for use in uses if plan.place(use) is not None]
        moves.update((a, b) for a, b in zip(places, places[1:], strict=False) if a != b)
    return moves

