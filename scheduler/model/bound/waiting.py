"""Waiting time in the route pricing: a label's free minute as a function of its departure.

A column without waiting charges the day's span as the engagements' set-up, duration and
buffer plus travel. The guest may also wait: for a window to open, for a call, for the meal.
With waiting charged (``PricingDay.charge_waiting``) a label also carries, once it has an
in-person engagement, the minute it is free as a function of the first engagement's start
``s`` (the departure is ``s - LEAD``):

    free(s) = max(FREE, s + CHAIN)      for s <= LATEST,

FREE being the label's earliest free minute (its value at the earliest ``s``), CHAIN the
minutes from ``s`` to the free minute when nobody waits (engagements, legs, calls and the
meal since ``s``, each in-person start rounded up to the time step when ``s`` is on it) and
LATEST the last ``s`` every start range reached so far allows. Each extension keeps that
form (the max of a constant and ``s`` plus a constant composes through a start range), and a
request with several start ranges is extended once per range in the exact pricing, so that
each label's function stays of it. The span of a finished route is then

    min over s of (home(s) - s + LEAD) = max(home's earliest - s_last, home's CHAIN) + LEAD,

at the last ``s`` allowed (a span never grows when the guest leaves later). Where the leg to
the next place may go before or after a call, both choices add the same minutes to CHAIN,
and a call's own start range only limits LATEST by its latest start after the leg. The first
and the last leg may also go before a call or the meal: a label before its first engagement
may leave for it (TRANSIT: the calls and the meal until it then lie inside the span, the
departure the parameter until the engagement), and a label may go back to the end place
(HOME) before its last calls and the meal, which then lie outside the span. Calls and the
meal are not rounded to the time step in CHAIN, so the span charged is never more than the
real one (the bound stays valid); on random days nearly every route is charged exactly (all
933 of one sample of 25 days; the property test found routes a few minutes short).

Dominance compares these functions: a label dominates another (both home or not, both on
the way to the same first engagement or not) when its cost without span is no lower and its
functions (free, each arrival, and at home the arrival) are no later at the other's latest
departure and at its earliest (two functions of that form compare so at both ends of an
interval compare so on all of it); when its LATEST comes earlier or, at home, it arrives
later, with chains no longer, its cost without span must be higher by the span the
difference may add (:func:`dominance_penalty`).
"""

from __future__ import annotations

from .days import IN_PERSON, MEAL, PricingDay

# Label fields after those of :mod:`.labelling`.
# TRANSIT: -1, or the first in-person node the guest has left for (the calls and the meal
# from here to it lie inside the span); CHAIN and LATEST are then of the departure itself.
# HOME: the guest has come back to the end place (the calls and the meal after it lie
# outside the span); LEG_READY and CHAIN_PLACE are then the arrival's, and the label takes
# calls and the meal only.
CHAIN, CHAIN_PLACE, LATEST, LEAD, SPANNED, LATTICE, TRANSIT, HOME = range(15, 23)
# The fields of :mod:`.labelling` read here.
COST, FREE, LEG_READY, WORKED, ARRIVALS = 0, 1, 2, 8, 13


def no_waiting() -> list:
    """The waiting fields of a label with no in-person engagement yet."""
    return [0, 0, 0, 0, 0, 1, -1, False]


def first_engagement(day: PricingDay, target: int, begin: int, range_end: int,
                     moving: int) -> list:
    """The waiting fields after the first in-person engagement, started at ``begin`` in the
    start range ending at ``range_end``."""
    chain = day.duration[target] + day.buffer
    lattice = day.step if day.on_grid[target] and day.step > 1 else 1
    return [chain, chain, range_end, day.setup[target] + moving,
            moving + day.setup[target] + day.duration[target], lattice, -1, False]


def next_engagement(day: PricingDay, label: list, target: int, range_end: int,
                    moving: int) -> list | None:
    """The waiting fields after a further in-person engagement in the start range ending at
    ``range_end`` (``None`` when no departure allows it)."""
    reach = label[CHAIN] + moving + day.setup[target]
    lattice = label[LATTICE]
    if lattice > 1 and day.on_grid[target] and reach % lattice:
        reach += lattice - reach % lattice
    latest = min(label[LATEST], range_end - reach)
    chain = reach + day.duration[target] + day.buffer
    return [chain, chain, latest, label[LEAD],
            label[SPANNED] + moving + day.setup[target] + day.duration[target] + day.buffer,
            lattice, -1, False]


def placeless(day: PricingDay, label: list, target: int) -> list:
    """The waiting fields after a call or the meal (without an in-person engagement before
    it they stay as they are: the guest has not left)."""
    if not label[WORKED] and label[TRANSIT] < 0:
        return label[CHAIN:HOME + 1]
    if day.kind[target] == MEAL:
        reach, extra = label[CHAIN], day.duration[target]
    else:
        reach, extra = label[CHAIN] + day.setup[target], day.duration[target] + day.buffer
    latest = min(label[LATEST], day.ranges[target][-1][1] - reach)
    return [reach + extra, label[CHAIN_PLACE], latest, label[LEAD], label[SPANNED],
            label[LATTICE], label[TRANSIT], label[HOME]]


def departure(day: PricingDay, label: list, target: int, moving: int) -> list:
    """The waiting fields of ``label`` leaving now for its first in-person node ``target``
    (``moving`` minutes away); the calls and the meal before it then lie inside the span."""
    return [moving, moving, day.day.end, 0, 0, 1, target, False]


def after_departure(day: PricingDay, label: list, target: int, begin: int, range_end: int,
                    moving: int) -> list:
    """The waiting fields after the first in-person engagement ``target`` reached from a
    departure (:func:`departure`), started at ``begin`` in the range ending at
    ``range_end``: the first start ``s`` is reached from the departure at the latest
    ``min(LATEST, s - lead)``, lead the set-up and CHAIN (the leg, the calls and the meal)."""
    fields = first_engagement(day, target, begin, range_end, moving)
    lead = day.setup[target] + label[CHAIN]
    latest = label[LATEST] + lead
    if begin > latest:  # leaving at the latest, the guest waits for the start
        lead, latest = begin - label[LATEST], begin
    fields[LATEST - CHAIN] = min(range_end, latest)
    fields[LEAD - CHAIN] = lead
    return fields


def timeline_day(day: PricingDay) -> bool:
    """Whether the model lays the day out on a timeline (a meal or remote candidates)."""
    return day.day.has_meal or any(kind != IN_PERSON for kind in day.kind)


def home(day: PricingDay, label: list, moving: int) -> list | None:
    """The waiting fields of ``label`` once it has come back to the end place (the leg of
    ``moving`` minutes after its calls and meal so far), ``None`` when it cannot arrive by
    the day's end."""
    chain = label[CHAIN] + moving
    if label[FREE] + moving > day.day.end:
        return None
    return [chain, chain, min(label[LATEST], day.day.end - chain), label[LEAD],
            label[SPANNED] + moving, label[LATTICE], -1, True]


def finished_cost(day: PricingDay, label: list, moving: int, timeline: bool) -> float:
    """The cost of ``label`` closed by the leg home of ``moving`` minutes after its calls and
    meal (none for a label already home), its span charged at the best departure (waiting
    included)."""
    relaxed = label[COST] - day.arc_cost * moving
    if not label[WORKED]:
        return relaxed
    if label[HOME]:
        home_chain, earliest_home = label[CHAIN_PLACE], label[LEG_READY]
    else:
        home_chain, earliest_home = label[CHAIN] + moving, label[FREE] + moving
        if not timeline and not moving:
            # Without a timeline the last buffer counts only before a leg.
            home_chain -= day.buffer
            earliest_home -= day.buffer
    latest = min(label[LATEST], day.day.end - home_chain)
    lattice = label[LATTICE]
    if lattice > 1:
        latest -= latest % lattice
    span = max(earliest_home - latest, home_chain) + label[LEAD]
    waiting = span - (label[SPANNED] + moving)
    return relaxed - day.span_weight * waiting if waiting > 0 else relaxed


def waiting_so_far(label: list, spare: int) -> int:
    """Minutes of waiting every finished route extending ``label`` is charged at least
    (``spare``: the buffer on a day without a timeline, whose last one may be left out).

    Each extension moves the minute the guest is ready to leave the last place on by at least
    what it adds to the relaxed span, and only lowers LATEST: ready − LATEST + LEAD − relaxed
    span never falls, and at the end it is at most the waiting charged."""
    if not label[WORKED]:
        return 0
    minutes = label[LEG_READY] - label[LATEST] + label[LEAD] - label[SPANNED] - spare
    return minutes if minutes > 0 else 0


def dominance_penalty(old: list, new: list, step: int, lengths) -> int | None:
    """Minutes of span ``old`` may be charged beyond ``new`` in any completion, when its
    waiting functions are otherwise no worse (``None``: they are not). Both worked in person,
    same node and place, ``lengths`` the leg lengths of their arrivals; the other resources,
    at the earliest departure, are compared by the caller, who then asks ``old``'s cost
    without span to exceed ``new``'s by the penalty's worth.

    ``new`` first starting at ``s`` is compared with ``old`` first starting at ``s + shift``,
    ``shift`` the difference of their leads rounded up to the time step when the first
    starts are on it: ``old`` then leaves no earlier. When ``old``'s LATEST comes before
    ``new``'s (shifted), or it is ready to leave its place later, with chains no longer, its
    span is at most longer by the difference (a span is the ready minute less the latest
    departure, or the chain, whichever is more)."""
    if old[LATTICE] != new[LATTICE] or old[HOME] != new[HOME]:
        return None
    at_home = new[HOME]
    shift = old[LEAD] - new[LEAD]
    if old[LATTICE] > 1 and shift % step:
        shift += step - shift % step
    latest = new[LATEST] + shift
    late = latest - old[LATEST]
    # Away from home only the free minute and the arrivals matter (the leg home goes after
    # the calls so far, or from an earlier label); at home, the arrival.
    ready = old[LEG_READY] - new[LEG_READY] if at_home else 0
    if late > 0 or ready > 0:
        if old[CHAIN] + shift > new[CHAIN] or \
                (at_home and old[CHAIN_PLACE] + shift > new[CHAIN_PLACE]):
            return None
        return (late if late > 0 else 0) + (ready if ready > 0 else 0)
    # At the latest first start of ``new``: free, leg-ready and the arrivals.
    minute = latest + old[CHAIN]
    if minute > new[LATEST] + new[CHAIN]:
        arrivals = new[ARRIVALS]
        if minute > new[FREE] or (arrivals is not None and any(
                minute + length > arrival for length, arrival in zip(lengths, arrivals))):
            return None
    if not at_home:
        return 0
    minute = latest + old[CHAIN_PLACE]
    if minute <= new[LATEST] + new[CHAIN_PLACE] or minute <= new[LEG_READY]:
        return 0
    return None
