"""The delegation overview (``delegation.html``): each day, one lane per guest and per resource, time downwards.

A page for the team that shows at a glance who is where: each member's engagements, travel
and meal, and each shared resource's engagements, as blocks on a common time axis. A joint
engagement has a band behind it across the lanes of its guests, so the eye sees one meeting
shared by several people. Like the run sheet, the page is one self-contained file (no
script, nothing fetched, escaping on); it reads on a phone (lanes scroll sideways when
there are many) and prints a day a page.

This module does the geometry, in percent of a day's frame so that screen and paper scale
alike; ``templates/delegation.html`` and ``partials/lanes.html`` lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..domain import Day, Engagement, Plan, utc
from ..formatting import format_date, format_time_marked
from ..fsio import write_atomic
from .delegation import attendee_names, short_names
from .rendering import render_template
from .timeline import COLORS, FONT_STACK

__all__ = ["OVERVIEW_FILE", "Band", "Block", "Lane", "LaneDay", "lane_days", "render", "write"]

OVERVIEW_FILE = "delegation.html"


@dataclass(frozen=True, slots=True)
class Block:
    """Something in a lane: an engagement, its set-up, a leg of travel, a break.

    ``top`` and ``height`` are percent of the day's frame; ``kind`` is ``engagement``,
    ``setup``, ``travel`` or ``break`` (the CSS class); ``joint`` numbers the joint engagement
    it belongs to (0 for none), the same number in every lane it is shown in.
    """

    kind: str
    top: float
    height: float
    time_text: str
    title: str
    detail: str = ""
    joint: int = 0
    remote: bool = False


@dataclass(frozen=True, slots=True)
class Lane:
    """One person's or resource's column: its name, its blocks, the stretches it is available."""

    id: str
    label: str
    kind: str  # "guest" or "resource"
    blocks: tuple[Block, ...]
    available: tuple[tuple[float, float], ...]  # (top, height) in percent


@dataclass(frozen=True, slots=True)
class Band:
    """The shared band of a joint engagement, behind the lanes of its guests (percent of the
    lanes' width and the frame's height)."""

    number: int
    top: float
    height: float
    left: float
    width: float
    label: str


@dataclass(frozen=True, slots=True)
class LaneDay:
    """One day of the overview: its frame, hour ticks, lanes and joint bands."""

    date: date
    date_text: str
    zone_label: str
    hours: tuple[tuple[float, str], ...]  # (top percent, "09:00")
    hour_count: int
    lanes: tuple[Lane, ...]
    bands: tuple[Band, ...]

    @property
    def lane_width(self) -> float:
        """Each lane's width in percent of the lanes' area."""
        return 100 / max(len(self.lanes), 1)


class _Frame:
    """Moments of a day ↔ percent of its height, from a whole hour to a whole hour."""

    def __init__(self, start: datetime, end: datetime, zone: ZoneInfo) -> None:
        local = start.astimezone(zone)
        self.start = utc(local.replace(minute=0, second=0, microsecond=0))
        last = utc(end)
        self.end = self.start + timedelta(hours=max(1, -(-int((last - self.start).total_seconds()) // 3600)))
        self.minutes = (self.end - self.start) / timedelta(minutes=1)
        self.zone = zone

    def at(self, moment: datetime) -> float:
        offset = (utc(moment) - self.start) / timedelta(minutes=1)
        return round(100 * min(max(offset, 0), self.minutes) / self.minutes, 3)

    def span(self, start: datetime, end: datetime) -> tuple[float, float]:
        top = self.at(start)
        return top, round(self.at(end) - top, 3)

    def hours(self) -> tuple[tuple[float, str], ...]:
        ticks, moment = [], self.start
        while moment <= self.end:
            ticks.append((self.at(moment), format_time_marked(moment, self.zone)))
            moment += timedelta(hours=1)
        return tuple(ticks)


def _when(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    return f"{format_time_marked(start, zone)}\u2013{format_time_marked(end, zone)}"


def _engagement_blocks(plan: Plan, engagement: Engagement, frame: _Frame, joint: int,
                       detail: str) -> list[Block]:
    problem = plan.problem
    request = problem.request(engagement.request_id)
    if engagement.location is None:
        place = f"remote ({request.remote})"
    else:
        location = problem.locations.get(engagement.location)
        place = location.name if location is not None and location.name else engagement.location
    blocks = []
    if request.setup_minutes:
        setup_start = utc(engagement.start) - timedelta(minutes=request.setup_minutes)
        blocks.append(Block("setup", *frame.span(setup_start, engagement.start),
                            f"set-up from {format_time_marked(setup_start, frame.zone)}", "set-up"))
    blocks.append(Block("engagement", *frame.span(engagement.start, engagement.end),
                        _when(engagement.start, engagement.end, frame.zone), request.title or request.id,
                        " · ".join(part for part in (place, detail) if part), joint,
                        engagement.location is None))
    return blocks


def _place_name(plan: Plan, place_id: str) -> str:
    location = plan.problem.locations.get(place_id)
    return location.name if location is not None and location.name else place_id


def _frame_of(plan: Plan, tour_day: Day) -> _Frame:
    """The day's frame: the earliest start to the latest end of every member's hours and of
    everything placed that day."""
    tour = plan.problem.tour
    days = [d for guest_id in tour.guest_ids for d in tour.days_of(guest_id) if d.date == tour_day.date]
    moments = [tour_day.start, tour_day.end] + [d.start for d in days] + [d.end for d in days]
    for engagement in plan.engagements_on(tour_day.date):
        setup = plan.problem.request(engagement.request_id).setup_minutes
        moments += [utc(engagement.start) - timedelta(minutes=setup), engagement.end]
    moments += [m for leg in plan.travel if leg.day == tour_day.date for m in (leg.depart, leg.arrive)]
    moments += [m for b in plan.breaks if b.day == tour_day.date for m in (b.start, b.end)]
    return _Frame(min(moments, key=utc), max(moments, key=utc), tour.day_zone(tour_day))


def _lane_day(plan: Plan, tour_day: Day) -> LaneDay:
    problem = plan.problem
    tour = problem.tour
    frame = _frame_of(plan, tour_day)
    names = short_names(tour)
    engagements = plan.engagements_on(tour_day.date)
    joints = {e.request_id: number for number, e in
              enumerate((e for e in engagements if len(e.guests) > 1), start=1)}
    lanes: list[Lane] = []
    for guest in tour.delegation:
        blocks: list[Block] = []
        for engagement in engagements:
            if guest.id in engagement.guests:
                others = attendee_names(tour, engagement.guests, short=True, leave_out=guest.id)
                blocks += _engagement_blocks(plan, engagement, frame, joints.get(engagement.request_id, 0),
                                             f"with {others}" if others else "")
        for leg in plan.travel_of(guest.id):
            if leg.day == tour_day.date:
                title = f"{leg.mode.capitalize()} {leg.ref}".strip() if leg.fixed else "Travel"
                blocks.append(Block("travel", *frame.span(leg.depart, leg.arrive),
                                    _when(leg.depart, leg.arrive, frame.zone), title,
                                    f"{_place_name(plan, leg.origin)} \u2192 {_place_name(plan, leg.destination)}"))
        for placed in plan.breaks_of(guest.id):
            if placed.day == tour_day.date:
                blocks.append(Block("break", *frame.span(placed.start, placed.end),
                                    _when(placed.start, placed.end, frame.zone), f"{placed.kind.capitalize()} break"))
        own = [frame.span(d.start, d.end) for d in tour.days_of(guest.id) if d.date == tour_day.date]
        lanes.append(Lane(guest.id, guest.label, "guest", _ordered(blocks), tuple(own)))
    for resource in problem.resources:
        blocks = []
        for engagement in engagements:
            if resource.id in engagement.resources:
                who = attendee_names(tour, engagement.guests, short=True)
                blocks += _engagement_blocks(plan, engagement, frame, joints.get(engagement.request_id, 0),
                                             f"with {who}" if who else "")
        hours = tuple(frame.span(w.start, w.end) for w in resource.hours
                      if utc(w.end) > frame.start and utc(w.start) < frame.end)
        lanes.append(Lane(resource.id, resource.label, "resource", _ordered(blocks), hours))
    width = 100 / max(len(lanes), 1)
    index = {guest.id: position for position, guest in enumerate(tour.delegation)}
    bands = []
    for engagement in engagements:
        number = joints.get(engagement.request_id)
        if number is None:
            continue
        first, last = min(index[g] for g in engagement.guests), max(index[g] for g in engagement.guests)
        bands.append(Band(number, *frame.span(engagement.start, engagement.end), round(first * width, 3),
                          round((last - first + 1) * width, 3),
                          attendee_names(tour, engagement.guests, short=True)))
    zone = frame.zone
    local = frame.start.astimezone(zone)
    return LaneDay(tour_day.date, format_date(tour_day.date), f"{zone.key}, {local.tzname()}",
                   frame.hours(), int(frame.minutes // 60), tuple(lanes), tuple(bands))


def _ordered(blocks: list[Block]) -> tuple[Block, ...]:
    return tuple(sorted(blocks, key=lambda block: (block.top, block.kind != "setup")))


def lane_days(plan: Plan) -> tuple[LaneDay, ...]:
    """The overview's days: one :class:`LaneDay` per day of the tour (the delegation's)."""
    return tuple(_lane_day(plan, day) for day in plan.problem.tour.days)


def render(plan: Plan) -> str:
    """The overview page of a delegation's plan as one self-contained HTML document.

    Parameters
    ----------
    plan
        A delegation's plan (``tour.delegation`` not empty).

    Returns
    -------
    str
        The HTML text; the same plan always gives the same text.
    """
    tour = plan.problem.tour
    days = lane_days(plan)
    first, last = tour.days[0].date, tour.days[-1].date
    dates = format_date(first) if first == last else f"{format_date(first)} \u2013 {format_date(last)}"
    return render_template("delegation.html", tour=tour, days=days, dates_text=dates,
                           resources=plan.problem.resources, colors=COLORS, font_stack=FONT_STACK)


def write(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write ``delegation.html`` into ``out_dir``, privately (it shows everyone's whereabouts);
    nothing for a tour of one guest.

    Parameters
    ----------
    plan
        The solved plan.
    out_dir
        The output folder.
    audience
        Accepted for the exporters' common signature; the overview is the team's.
    """
    if not plan.problem.tour.is_delegation:
        return []
    return [write_atomic(Path(out_dir) / OVERVIEW_FILE, render(plan), private=True)]
