"""Why a scheduled engagement is where it is: its window, neighbours, travel, meal and hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ..domain import Engagement, Plan, Request
from ..formatting import when
from ..window_fit import TourMinutes, hours_text
from .free_time import Anchor, day_agenda, earliest_start_after, latest_start_before, snap_to_step
from .guest_days import guests_of, model_day, working_day
from .records import Neighbour, Placement
from .text import at_place

__all__ = ["placement_of"]

# A bound on the start minute, with what imposes it in words.
_Bound = tuple[int, str]


def placement_of(facts: TourMinutes, plan: Plan, request: Request, engagement: Engagement
                 ) -> Placement:
    """Why a scheduled engagement is where it is.

    Parameters
    ----------
    facts
        The problem in the engine's minutes.
    plan
        The plan that holds the engagement.
    request
        Its request.
    engagement
        The engagement.

    Returns
    -------
    Placement
        Its window, the guest's hours, its neighbours with their travel, the meal, how far it
        could move with everything else staying put, what pins it, and all that in words.
    """
    index = facts.day_index[engagement.day]
    guests = guests_of(facts, request, engagement)
    first_guest = guests[0]
    tour_day = working_day(facts, index, first_guest)
    start = facts.minute(engagement.start)
    setup, duration = request.setup_minutes, request.duration_minutes
    window = next((w for w in request.windows if w.contains(engagement.start, engagement.end)), None)
    lows: list[_Bound] = []
    highs: list[_Bound] = []
    # A joint engagement is bound by every guest's day: each one's hours and neighbours count.
    for guest in guests:
        own = facts.instance.days[model_day(facts, index, guest)]
        whose = "the guest's" if not guest else f"{facts.tour.member(guest).label}'s"
        lows.append((own.start + setup, f"{whose} day starts at {facts.hm(own.start)}"))
        highs.append((own.end - duration, f"{whose} day ends at {facts.hm(own.end)}"))
    if window is not None:
        opens, closes = facts.grid.minutes_ceil(window.start), facts.minute(window.end)
        lows.append((opens, f"its window opens at {facts.hm(opens)}"))
        highs.append((closes - duration, f"its window closes at {facts.hm(closes)}"))
    before = after = None
    for guest in guests:
        anchors, blockers = day_agenda(facts, plan, index, skip=request.id, guest=guest)
        if request.location_id is not None:
            found = _neighbours(facts, request, start, anchors, blockers, lows, highs)
            if guest == first_guest:
                before, after = found
        else:
            _calls_around(facts, plan, request, engagement, anchors, blockers, lows, highs, guest)
    earliest_start = max(value for value, _ in lows)
    latest_start = min(value for value, _ in highs)
    earliest_start, latest_start = snap_to_step(earliest_start, latest_start, facts.step,
                                                request.fixed_start is not None)
    earliest_start, latest_start = min(earliest_start, start), max(latest_start, start)
    binding: list[str] = []
    if request.fixed_start is not None:
        binding.append(f"its fixed start at {facts.hm(start)}")
    else:
        if start == earliest_start:
            binding += [why for value, why in lows if start - facts.step < value <= start]
        if start == latest_start:
            binding += [why for value, why in highs if start <= value < start + facts.step]
    meal = next(((b.start, b.end) for b in plan.breaks_of(first_guest) if b.day == tour_day.date), None)
    placement = Placement(engagement.start, engagement.end,
                          (window.start, window.end) if window is not None else None,
                          tour_day.start, tour_day.end, before, after, meal,
                          facts.moment(earliest_start), facts.moment(latest_start),
                          tuple(binding), ())
    text = _placement_text(facts, request, engagement, index, guests, placement, earliest_start,
                           latest_start)
    return replace(placement, text=text)


def _neighbours(facts: TourMinutes, request: Request, start: int, anchors: list[Anchor],
                blockers: list[tuple[int, int, str]], lows: list[_Bound], highs: list[_Bound]
                ) -> tuple[Neighbour | None, Neighbour | None]:
    """The places before and after an in-person engagement and the bounds their travel sets
    (added to ``lows`` and ``highs``)."""
    setup, duration = request.setup_minutes, request.duration_minutes
    previous = [a for a in anchors if a.kind != "day_end" and a.ready < start]
    following = [a for a in anchors if a.kind != "day_start" and a.ready >= start]
    first, last = previous[-1], following[0]
    travel_in = facts.travel(first.place, request.location_id)
    travel_out = facts.travel(request.location_id, last.place)
    end_tail = 0 if last.kind == "day_end" and not travel_out else facts.buffer
    local_blockers = [b for b in blockers if first.free <= b[0] and b[1] <= last.ready]
    occupancy = setup + duration + end_tail
    earliest = earliest_start_after(first.free, travel_in, occupancy, setup, local_blockers,
                                    last.ready)
    latest = latest_start_before(last.ready, travel_out, occupancy, duration + end_tail,
                                 local_blockers, first.free)
    before = after = None
    after_what = (f"{first.title} (free at {facts.hm(first.free)})" if first.kind == "engagement"
                  else f"leaving {first.title} at {facts.hm(first.free)}")
    travel_words = f" and {travel_in} min of travel" if travel_in else ""
    if earliest is not None:
        lows.append((earliest, f"{after_what}{travel_words}"))
        before = Neighbour(first.kind, first.request_id, first.title, first.place, travel_in,
                           facts.moment(earliest),
                           f"before it: {after_what}{travel_words} → {facts.hm(earliest)} "
                           "at the earliest")
    before_what = (f"{last.title} (from {facts.hm(last.ready)})" if last.kind == "engagement"
                   else f"reaching {last.title} by {facts.hm(last.ready)}")
    out_words = f"{travel_out} min of travel" if travel_out else "no travel"
    if latest is not None:
        highs.append((latest, f"{before_what} with {out_words}"))
        after = Neighbour(last.kind, last.request_id, last.title, last.place, travel_out,
                          facts.moment(latest),
                          f"after it: {before_what}, {out_words} → it must start by "
                          f"{facts.hm(latest)}")
    return before, after


def _calls_around(facts: TourMinutes, plan: Plan, request: Request, engagement: Engagement,
                  anchors: list[Anchor], blockers: list[tuple[int, int, str]],
                  lows: list[_Bound], highs: list[_Bound], guest: str = "") -> None:
    """The nearest busy items before and after a remote call (in ``guest``'s day), as bounds
    added to ``lows`` and ``highs``."""
    tour_day_date = engagement.day
    setup, duration, buffer = request.setup_minutes, request.duration_minutes, facts.buffer
    start, end = facts.minute(engagement.start), facts.minute(engagement.end)
    busy = list(blockers) + [(a.ready, a.free, a.title) for a in anchors if a.kind == "engagement"]
    busy += [(facts.minute(leg.depart), facts.minute(leg.arrive), "travel")
             for leg in plan.travel_of(guest) if leg.day == tour_day_date]
    prior = [b for b in busy if b[1] <= start - setup]
    later = [b for b in busy if b[0] >= end + buffer]
    if prior:
        b = max(prior, key=lambda item: item[1])
        lows.append((b[1] + setup, f"{b[2]} ends at {facts.hm(b[1])}"))
    if later:
        b = min(later, key=lambda item: item[0])
        highs.append((b[0] - duration - buffer, f"{b[2]} begins at {facts.hm(b[0])}"))


def _placement_text(facts: TourMinutes, request: Request, engagement: Engagement, index: int,
                    guests: tuple[str, ...], placement: Placement, earliest_start: int,
                    latest_start: int) -> tuple[str, ...]:
    """The lines of :attr:`Placement.text`."""
    start, end = facts.minute(engagement.start), facts.minute(engagement.end)
    setup = request.setup_minutes
    window: tuple[datetime, datetime] | None = placement.window
    text = [f"Scheduled {facts.day_name(index)} {facts.hm(start)}–{facts.hm(end)} "
            f"{at_place(facts.place_name(engagement.location, request.remote))}"
            + (f", inside its window {when(window[0], window[1], facts.zone)}." if window else ".")]
    for guest in guests:
        tour_day = working_day(facts, index, guest)
        whose = "The guest's" if not guest else f"{facts.tour.member(guest).label}'s"
        text.append(f"{whose} hours that day: {hours_text(facts, model_day(facts, index, guest))}, "
                    f"from {facts.place_name(tour_day.start_location)} to "
                    f"{facts.place_name(tour_day.end_location)}.")
    if setup:
        text.append(f"The guest must be there {setup} min early, from {facts.hm(start - setup)}.")
    for neighbour in (placement.before, placement.after):
        if neighbour is not None:
            text.append(neighbour.text[0].upper() + neighbour.text[1:] + ".")
    if placement.meal is not None:
        text.append(f"The meal break that day: {facts.hm(facts.minute(placement.meal[0]))}–"
                    f"{facts.hm(facts.minute(placement.meal[1]))}.")
    binding = placement.binding
    if earliest_start == latest_start:
        text.append(f"It cannot move without moving something else: "
                    f"{'; '.join(binding) or 'its neighbours hold it'}.")
    else:
        text.append(f"Everything else staying put, it could start from {facts.hm(earliest_start)} "
                    f"to {facts.hm(latest_start)}"
                    + (f"; it sits where {'; '.join(binding)}" if binding else "")
                    + "; among equally valuable agendas the planner prefers less travel and a "
                    "shorter day.")
    return tuple(text)
