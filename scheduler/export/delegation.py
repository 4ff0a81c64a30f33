"""A delegation's plan seen by one member (their own plan) and the names that say who attends."""

from __future__ import annotations

from dataclasses import replace

from ..domain import Engagement, Plan, Tour

__all__ = ["attendance", "attendee_names", "attends", "focus_member", "member_plan", "names_in_words",
           "short_names", "titled",
           "who_line", "whose"]


def focus_member(tour: Tour) -> str:
    """The id of the member a plan is cut for (:func:`member_plan`), ``""`` for the whole
    delegation or a tour of one guest."""
    return tour.guest.id if tour.is_delegation and tour.guest.id in tour.guest_ids else ""


def short_names(tour: Tour) -> dict[str, str]:
    """Each member's first name (``anna`` → ``Anna``), the full name where two share one.

    Short names keep calendar titles readable on a phone, where a title is cut after about
    thirty characters.
    """
    first = {guest.id: (guest.label.split() or [guest.id])[0] for guest in tour.delegation}
    counts: dict[str, int] = {}
    for name in first.values():
        counts[name] = counts.get(name, 0) + 1
    return {guest.id: first[guest.id] if counts[first[guest.id]] == 1 else guest.label
            for guest in tour.delegation}


def attendee_names(tour: Tour, guest_ids: tuple[str, ...], *, short: bool = False,
                   leave_out: str = "") -> str:
    """``Anna Kowalska, Boris Ivanov`` (or ``Anna, Boris`` when ``short``): the members of
    ``guest_ids`` in the tour's order, without ``leave_out``; ``""`` for none."""
    return ", ".join(_names(tour, guest_ids, short=short, leave_out=leave_out))


def _names(tour: Tour, guest_ids: tuple[str, ...], *, short: bool = False, leave_out: str = "") -> list[str]:
    names = short_names(tour) if short else {guest.id: guest.label for guest in tour.delegation}
    order = {guest_id: position for position, guest_id in enumerate(tour.guest_ids)}
    ids = sorted((g for g in guest_ids if g != leave_out), key=lambda g: order.get(g, len(order)))
    return [names.get(guest_id, guest_id) for guest_id in ids]


def names_in_words(tour: Tour, guest_ids: tuple[str, ...]) -> str:
    """``Anna Kowalska``, ``Anna Kowalska and Boris Ivanov``, ``Anna Kowalska, Boris Ivanov
    and Chen Wei``: the members of ``guest_ids`` in the tour's order, for a sentence."""
    names = _names(tour, guest_ids)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def member_plan(plan: Plan, guest_id: str) -> Plan:
    """The plan of one member of a delegation, as if they were the tour's only guest.

    The tour's guest becomes the member, its days their own days (hours, lodging), its legs,
    arrival and departure theirs where they have their own; the plan keeps their
    engagements, travel and breaks and the requests that name them, so every exporter of a
    one-guest tour writes their copy unchanged. Engagements keep every attendee, so a joint
    meeting can say who else comes.

    Parameters
    ----------
    plan
        A delegation's plan.
    guest_id
        A member's id.

    Raises
    ------
    KeyError
        When the tour has no member ``guest_id``.
    """
    problem = plan.problem
    tour = problem.tour
    member = tour.member(guest_id)
    # Every member's own days are dropped: the tour's days become this member's, and a
    # member's days must lie on the tour's dates.
    tour_of_member = replace(
        tour, guest=member, days=tour.days_of(guest_id),
        delegation=tuple(replace(guest, days=()) for guest in tour.delegation),
        legs=member.legs or tour.legs, arrival=member.arrival or tour.arrival,
        departure=member.departure or tour.departure)
    requests = tuple(r for r in problem.requests if guest_id in r.guests)
    named = {r.id for r in requests}
    return replace(
        plan, problem=replace(problem, tour=tour_of_member, requests=requests),
        engagements=plan.engagements_of(guest_id), travel=plan.travel_of(guest_id),
        breaks=plan.breaks_of(guest_id),
        unscheduled=tuple(u for u in plan.unscheduled if u.request_id in named), history=())


def attends(engagement: Engagement, guest_id: str) -> bool:
    """Whether ``guest_id`` attends ``engagement`` (everyone attends in a one-guest tour)."""
    return not engagement.guests or guest_id in engagement.guests


def _whole_delegation(tour: Tour) -> bool:
    return tour.is_delegation and not focus_member(tour)


def titled(tour: Tour, guest_ids: tuple[str, ...], title: str) -> str:
    """An engagement's title in the delegation's calendar: ``Anna, Boris: Meeting with the
    Commissioner``; unchanged in a member's own calendar and in a tour of one guest.

    The short names come first, where a phone's list of events still shows them."""
    if not guest_ids or not _whole_delegation(tour):
        return title
    return f"{attendee_names(tour, guest_ids, short=True)}: {title}"


def whose(tour: Tour, guest_id: str) -> str:
    """`` (Anna)`` after a leg or a break of the delegation's calendar; ``""`` elsewhere."""
    if not guest_id or not _whole_delegation(tour):
        return ""
    return f" ({attendee_names(tour, (guest_id,), short=True)})"


def attendance(tour: Tour, engagement: Engagement) -> tuple[str, str]:
    """Who of a delegation attends an engagement, as (label, names): ``("Attending", "Anna
    Kowalska, Boris Ivanov")``; in a member's own copy ``("Together with", "Boris Ivanov")``
    for a joint engagement; ``("", "")`` otherwise."""
    if not engagement.guests:
        return "", ""
    member = focus_member(tour)
    if not member:
        return "Attending", attendee_names(tour, engagement.guests)
    others = attendee_names(tour, engagement.guests, leave_out=member)
    return ("Together with", others) if others else ("", "")


def who_line(tour: Tour, engagement: Engagement) -> str:
    """The line of a calendar event that says who of a delegation attends (see
    :func:`attendance`): ``Attending: Anna Kowalska, Boris Ivanov``; ``""`` for none."""
    label, names = attendance(tour, engagement)
    return f"{label}: {names}" if names else ""
