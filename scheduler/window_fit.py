"""Whether a request fits one window on one day alone, in the engine's whole minutes.

:class:`TourMinutes` holds a problem in the engine's minutes with names for people;
:func:`fit_alone` weighs one window on one day against the guest's hours, the travel from
where the day starts and back, and the time step. The plan's reasons
(:mod:`scheduler.reasons`) and the diagnosis (:mod:`scheduler.diagnose`) are built on them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .domain import Problem, Request, Window, utc
from .formatting import format_day, format_time, place_name, when
from .model.instance import DayData, Instance, build_instance

__all__ = [
    "TourMinutes",
    "WindowFit",
    "days_touched",
    "fit_alone",
    "hours_text",
    "local_midnight",
    "nowhere_note",
    "plural",
    "window_verdicts",
]


class TourMinutes:
    """A problem in the engine's whole minutes, with names for people.

    Explanations (:mod:`scheduler.reasons`, :mod:`scheduler.diagnose`) are computed from
    this, so a time they show is one the engine could use: the same
    :class:`~scheduler.timegrid.TimeGrid`, the same travel matrix, the same time step.

    Parameters
    ----------
    problem
        The problem.
    instance
        Its :func:`~scheduler.model.instance.build_instance`, when already built.
    """

    def __init__(self, problem: Problem, instance: Instance | None = None) -> None:
        self.problem = problem
        self.tour = problem.tour
        self.zone = problem.tour.zone
        self.instance = instance or build_instance(problem)
        self.grid = self.instance.grid
        self.buffer = self.instance.buffer
        self.step = self.instance.step
        self.places = {place: index for index, place in enumerate(self.instance.places)}
        self.pruned = {p.request_id: p.code for p in self.instance.pruned}
        self.data = self.instance.primaries()
        self.day_index = {day.date: index for index, day in enumerate(self.tour.days)}

    def travel(self, origin: str | None, destination: str | None) -> int:
        """Minutes from ``origin`` to ``destination``; 0 for the same place or a remote call."""
        if origin is None or destination is None or origin == destination:
            return 0
        return self.instance.travel[self.places[origin]][self.places[destination]]

    def minute(self, moment: datetime) -> int:
        """Minutes on the grid, rounded down."""
        return self.grid.minutes_floor(moment)

    def moment(self, minute: int) -> datetime:
        """The instant of a grid minute, in the zone of the day that holds it."""
        instant = self.grid.moment(minute)
        return instant.astimezone(self.tour.zone_on(instant))

    def hm(self, minute: int) -> str:
        """``09:45``: the local time of a grid minute."""
        return format_time(self.moment(minute))

    def day_name(self, index: int) -> str:
        """``Tue 27 Nov``: the date of day ``index``."""
        return format_day(self.tour.days[index].date)

    def place_name(self, location_id: str | None, remote: str | None = None) -> str:
        """A place's name, or ``remote (phone)``."""
        return place_name(self.problem.locations, location_id, remote)

    def span(self, index: int, low: int, high: int, duration: int) -> str:
        """``Tue 27 Nov 10:00–11:30``: from the earliest start to the latest end."""
        return f"{self.day_name(index)} {self.hm(low)}–{self.hm(high + duration)}"

    def starts(self, request_id: str) -> dict[int, tuple[int, int]]:
        """Per day index, the earliest and latest start the engine allows (alone)."""
        data = self.data.get(request_id)
        if data is None:
            return {}
        if self.instance.guests:
            # A delegation's model days are its guests' days: by tour day, over every guest.
            by_tour_day: dict[int, tuple[int, int]] = {}
            for day, ranges in data.starts.items():
                index = self.instance.days[day].date_index
                low, high = by_tour_day.get(index, (ranges[0][0], ranges[-1][1]))
                by_tour_day[index] = (min(low, ranges[0][0]), max(high, ranges[-1][1]))
            return by_tour_day
        return {day: (ranges[0][0], ranges[-1][1]) for day, ranges in data.starts.items()}

    def possible_text(self, request: Request) -> str:
        """Where a request can go alone, day by day, or ``nowhere``."""
        starts = self.starts(request.id)
        if not starts:
            return "nowhere in the tour"
        return "; ".join(self.span(day, low, high, request.duration_minutes)
                         for day, (low, high) in sorted(starts.items()))


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant the date ``day`` begins in ``zone``."""
    # A midnight that a daylight-saving change skips resolves to the first instant after it.
    return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc).astimezone(zone)


def plural(count: int, word: str) -> str:
    """``1 engagement``, ``2 engagements``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


# ------------------------------------------------------------------------------- one window alone

@dataclass(frozen=True, slots=True)
class WindowFit:
    """One window on one day, for a request alone (see :func:`fit_alone`).

    Attributes
    ----------
    verdict
        ``fits``, ``too_short``, ``outside_hours``, ``unreachable``, ``off_grid``,
        ``not_fixed``, ``no_resource`` (a resource it needs is off then) or, for a joint
        request of a delegation, ``not_together`` (each guest could start it, never all at once).
    low, high
        The earliest and latest start minute when it fits, else ``None``.
    text
        The verdict in plain words, with the times and the travel.
    """

    verdict: str
    low: int | None
    high: int | None
    text: str


def hours_text(facts: TourMinutes, index: int) -> str:
    """``09:00–20:30``: the guest's hours on day ``index``."""
    return _hours(facts, facts.instance.days[index])


def _hours(facts: TourMinutes, day: DayData) -> str:
    return f"{facts.hm(day.start)}–{facts.hm(day.end)}"


def fit_alone(facts: TourMinutes, request: Request, window: Window, index: int,
              guest: str = "") -> WindowFit:
    """Whether ``request`` fits ``window`` on day ``index`` with nothing else in the agenda.

    The rules are the engine's (:mod:`scheduler.model.instance`): the whole engagement in the
    window, its set-up and the engagement within the guest's hours, the travel from where the
    day starts and back to where it ends (with the buffer), starts on the tour's time step.
    In a delegation it is judged on the days of the request's guests, who are named: any one
    of them for one or "any one of", all of them at one start for a joint request; ``guest``
    names one of them to judge it on that guest's day alone (the caller makes sure they have
    one that date).

    Returns
    -------
    WindowFit
        The verdict, the start range when it fits, and the reason in words.
    """
    if facts.instance.guests and guest:
        day = facts.instance.days[facts.instance.parts_of(index, facts.instance.guests.index(guest))[0]]
        return _fit_on_day(facts, request, window, index, day, facts.instance.places[day.start_place],
                           facts.instance.places[day.end_place])  # the caller names the guest
    if facts.instance.guests and request.guests:
        return _fit_delegation(facts, request, window, index)
    tour_day = facts.tour.days[index]
    return _fit_on_day(facts, request, window, index, facts.instance.days[index],
                       tour_day.start_location, tour_day.end_location)


def _fit_on_day(facts: TourMinutes, request: Request, window: Window, index: int, day: DayData,
                start_location: str, end_location: str, who: str | None = None) -> WindowFit:
    """:func:`fit_alone` on one model day (``index`` its tour day), whose hours are
    ``who``'s (``None``: the guest's) and which starts and ends at those places."""
    whose = f"{who}'s" if who else "the guest's"
    duration, setup = request.duration_minutes, request.setup_minutes
    window_low = facts.grid.minutes_ceil(window.start)
    window_high = facts.grid.minutes_floor(window.end) - duration
    fixed = request.fixed_start is not None
    if request.fixed_start is not None:
        at = facts.grid.minutes(request.fixed_start)
        if not window_low <= at <= window_high:
            return WindowFit("not_fixed", None, None,
                          f"its fixed start {facts.hm(at)} is not in this window")
        window_low = window_high = at
    if window_high < window_low:
        return WindowFit("too_short", None, None,
                      f"the window lasts {window.minutes} min, shorter than the "
                      f"{duration} min it needs")
    hours_low, hours_high = day.start + setup, day.end - duration
    low, high = max(window_low, hours_low), min(window_high, hours_high)
    setup_text = f" plus {setup} min of set-up" if setup else ""
    if low > high:
        inside = (min(facts.minute(window.end), day.end)
                  - max(facts.grid.minutes_ceil(window.start), day.start))
        if fixed:
            setup_from = f" (set-up from {facts.hm(window_low - setup)})" if setup else ""
            text = (f"its fixed start {facts.hm(window_low)}{setup_from} is not within "
                    f"{whose} hours that day ({_hours(facts, day)})")
        elif inside <= 0:
            text = f"it lies outside {whose} hours that day ({_hours(facts, day)})"
        else:
            text = (f"only {inside} min of it lie within {whose} hours that day "
                    f"({_hours(facts, day)}); it needs {duration} min{setup_text}")
        return WindowFit("outside_hours", None, None, text)
    place = request.location_id
    out = facts.travel(start_location, place)
    back = facts.travel(place, end_location)
    tail = back + facts.buffer if back else 0
    reach_low = day.start + out + setup
    reach_high = day.end - duration - tail
    travel_low, travel_high = max(low, reach_low), min(high, reach_high)
    if travel_low > travel_high:
        start_place = facts.place_name(start_location)
        end_place = facts.place_name(end_location)
        if reach_low > high:
            text = (f"{who or 'the guest'} leaves {start_place} at {facts.hm(day.start)} at the earliest; "
                    f"{out} min of travel{setup_text} make {facts.hm(reach_low)} its earliest "
                    f"start, but it must start by {facts.hm(high)}")
        elif reach_high < low:
            buffer_text = f"{facts.buffer} min of buffer and " if facts.buffer else ""
            text = (f"it ends at {facts.hm(low + duration)} at the earliest; then "
                    f"{buffer_text}{back} min of travel to {end_place} pass the end of "
                    f"{whose} day ({facts.hm(day.end)})")
        else:
            text = (f"with {out} min of travel from {start_place} and {back} min back to "
                    f"{end_place} there is no time left in it")
        return WindowFit("unreachable", None, None, text)
    if not fixed and facts.step > 1:
        travel_low = -(-travel_low // facts.step) * facts.step
        travel_high = travel_high // facts.step * facts.step
        if travel_low > travel_high:
            return WindowFit("off_grid", None, None,
                          f"no start on the tour's {facts.step}-minute grid fits in it")
    needed = _resources_hold(facts, request, index, travel_low, travel_high, whose)
    if isinstance(needed, str):
        return WindowFit("no_resource", None, None, needed)
    travel_low, travel_high = needed
    if travel_low == travel_high:
        text = f"it fits there alone, starting at {facts.hm(travel_low)}"
    else:
        text = f"it fits there alone, starting between {facts.hm(travel_low)} and {facts.hm(travel_high)}"
    if out and place is not None:
        text += f" ({out} min from {facts.place_name(start_location)})"
    return WindowFit("fits", travel_low, travel_high, text)


def _fit_delegation(facts: TourMinutes, request: Request, window: Window, index: int) -> WindowFit:
    """:func:`fit_alone` in a delegation: on each of the request's guests' own days of tour day
    ``index`` (the first part whose hours hold it, else the first part), each named."""
    instance = facts.instance
    fits: list[tuple[str, WindowFit]] = []
    for guest_id in request.guests:
        name = facts.tour.member(guest_id).label
        parts = instance.parts_of(index, instance.guests.index(guest_id))
        if not parts:
            fits.append((name, WindowFit("outside_hours", None, None,
                                         f"{name} does not work that day")))
            continue
        verdicts = [_fit_on_day(facts, request, window, index, instance.days[d],
                                instance.places[instance.days[d].start_place],
                                instance.places[instance.days[d].end_place], name)
                    for d in parts]
        fits.append((name, next((fit for fit in verdicts if fit.verdict == "fits"), verdicts[0])))
    failing = [fit for _, fit in fits if fit.verdict != "fits"]
    if not request.joint:
        fitting = [(name, fit) for name, fit in fits if fit.verdict == "fits"]
        if not fitting:
            return WindowFit(failing[0].verdict, None, None, "; ".join(fit.text for fit in failing))
        name, fit = fitting[0]
        return fit if len(fits) == 1 else replace(fit, text=f"{name} can go: {fit.text}")
    if failing:
        return WindowFit(failing[0].verdict, None, None, "; ".join(fit.text for fit in failing))
    low, high = max(fit.low for _, fit in fits), min(fit.high for _, fit in fits)
    if low > high:
        alone = "; ".join(f"{name} from {facts.hm(fit.low)} to {facts.hm(fit.high)}"
                          for name, fit in fits)
        return WindowFit("not_together", None, None,
                         f"each of its guests can start it alone, but never all at one time "
                         f"({alone})")
    if low == high:
        return WindowFit("fits", low, high, f"it fits there alone for all its guests, starting "
                         f"at {facts.hm(low)}")
    return WindowFit("fits", low, high, f"it fits there alone for all its guests, starting "
                     f"between {facts.hm(low)} and {facts.hm(high)}")


def _resources_hold(facts: TourMinutes, request: Request, index: int, low: int, high: int,
                    whose: str = "the guest's") -> tuple[int, int] | str:
    """The starts from ``low`` to ``high`` at which every need of ``request`` has a resource
    whose hours hold it (set-up included), as (earliest, latest); or, when a need has none,
    why in words: ``Irene Navarro (escort) is off then: hours 09:00–10:00``."""
    setup, duration = request.setup_minutes, request.duration_minutes
    day = facts.tour.days[index]
    for need in request.needs:
        starts = []
        candidates = facts.problem.candidates(request, need)
        for resource in candidates:
            for window in resource.hours:
                first = max(low, facts.grid.minutes_ceil(window.start) + setup)
                last = min(high, facts.grid.minutes_floor(window.end) - duration)
                if first <= last:
                    starts.append((first, last))
        if not starts:
            return f"it fits {whose} day alone, but " + "; ".join(
                _off_text(facts, resource, day.date) for resource in candidates)
        low, high = max(low, min(a for a, _ in starts)), min(high, max(b for _, b in starts))
    return low, high


def _off_text(facts: TourMinutes, resource, day) -> str:
    hours = [w for w in resource.hours if w.start.astimezone(facts.zone).date() == day]
    if not hours:
        return f"{resource.label} is off that day"
    shown = ", ".join(f"{facts.hm(facts.grid.minutes_ceil(w.start))}–{facts.hm(facts.grid.minutes_floor(w.end))}"
                      for w in hours)
    return f"{resource.label} is off then: hours {shown}"


def days_touched(facts: TourMinutes, window: Window) -> list[int]:
    """The working days whose calendar date the window overlaps."""
    touched = []
    for index, day in enumerate(facts.tour.days):
        zone = facts.tour.day_zone(day)
        start = local_midnight(day.date, zone)
        end = local_midnight(day.date + timedelta(days=1), zone)
        if utc(window.start) < utc(end) and utc(start) < utc(window.end):
            touched.append(index)
    return touched


def nowhere_note(facts: TourMinutes, window: Window) -> str:
    """Where a window lies that touches no working day."""
    first, last = facts.tour.days[0].date, facts.tour.days[-1].date
    local_start = window.start.astimezone(facts.zone).date()
    local_end = (window.end - timedelta(microseconds=1)).astimezone(facts.zone).date()
    if local_end < first:
        return f"it is before the tour's first working day ({format_day(first)})"
    if local_start > last:
        return f"it is after the tour's last working day ({format_day(last)})"
    return f"{format_day(local_start)} is not a working day of the tour"


def window_verdicts(facts: TourMinutes, request: Request, limit: int = 8) -> list[tuple[str, str]]:
    """Each window of ``request`` (at most ``limit``) with its verdict in words, day by day.

    Returns
    -------
    list of (str, str)
        ``("Sat 1 Dec 10:30–12:00", "it is after the tour's last working day (Fri 30 Nov)")``, ...
    """
    verdicts = []
    for window in request.windows[:limit]:
        touched = days_touched(facts, window)
        label = when(window.start, window.end, facts.tour.zone_on(window.start))
        if not touched:
            verdicts.append((label, nowhere_note(facts, window)))
        elif len(touched) == 1:
            verdicts.append((label, fit_alone(facts, request, window, touched[0]).text))
        else:
            verdicts.append((label, "; ".join(
                f"on {facts.day_name(i)} {fit_alone(facts, request, window, i).text}" for i in touched)))
    return verdicts
