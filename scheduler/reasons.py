"""Reasons in plain words: why a request is not in the agenda, why mandatory ones cannot fit.

Also the minute-level facts behind them (:class:`TourMinutes`, :func:`fit_alone`): each
window of a request against the tour's days, the guest's hours and the travel from where a
day starts, which :mod:`scheduler.diagnose` builds its longer explanations on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .domain import Engagement, Problem, Request, Unscheduled, Window, utc
from .formatting import place_name, when
from .model.instance import Instance, build_instance

__all__ = [
    "TourMinutes",
    "WindowFit",
    "date_name",
    "days_touched",
    "explain_unscheduled",
    "fit_alone",
    "hours_text",
    "infeasibility_reasons",
    "local_midnight",
    "nowhere_note",
    "plural",
    "pruned_reason",
    "when",
    "window_verdicts",
]




def _windows_text(request: Request, zone) -> str:
    if not request.windows:
        return "no window"
    shown = [when(w.start, w.end, zone) for w in request.windows[:4]]
    more = len(request.windows) - len(shown)
    return "; ".join(shown) + (f" and {more} more" if more > 0 else "")


# --------------------------------------------------------------------- minutes and windows

class TourMinutes:
    """A problem in the engine's whole minutes, with names for people.

    Explanations (here and in :mod:`scheduler.diagnose`) are computed from this, so a time
    they show is one the engine could use: the same :class:`~scheduler.timegrid.TimeGrid`,
    the same travel matrix, the same time step.

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
        self.data = {r.id: r for r in self.instance.requests}
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
        """The instant of a grid minute, in the tour's zone."""
        return self.grid.moment(minute).astimezone(self.zone)

    def hm(self, minute: int) -> str:
        """``09:45``: the local time of a grid minute."""
        local = self.moment(minute)
        return f"{local.hour:02d}:{local.minute:02d}"

    def day_name(self, index: int) -> str:
        """``Tue 27 Nov``: the date of day ``index``."""
        return date_name(self.tour.days[index].date)

    def place_name(self, location_id: str | None, remote: str | None = None) -> str:
        """A place's name, or ``remote (phone)``."""
        if location_id is None:
            return f"remote ({remote})" if remote else "remote"
        location = self.problem.locations.get(location_id)
        return location.name if location is not None and location.name else location_id

    def span(self, index: int, low: int, high: int, duration: int) -> str:
        """``Tue 27 Nov 10:00–11:30``: from the earliest start to the latest end."""
        return f"{self.day_name(index)} {self.hm(low)}–{self.hm(high + duration)}"

    def starts(self, request_id: str) -> dict[int, tuple[int, int]]:
        """Per day index, the earliest and latest start the engine allows (alone)."""
        data = self.data.get(request_id)
        if data is None:
            return {}
        return {day: (ranges[0][0], ranges[-1][1]) for day, ranges in data.starts.items()}

    def possible_text(self, request: Request) -> str:
        """Where a request can go alone, day by day, or ``nowhere``."""
        starts = self.starts(request.id)
        if not starts:
            return "nowhere in the tour"
        return "; ".join(self.span(day, low, high, request.duration_minutes)
                         for day, (low, high) in sorted(starts.items()))


def date_name(day: date) -> str:
    """``Tue 27 Nov``."""
    return f"{day:%a} {day.day} {day:%b}"


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
        ``fits``, ``too_short``, ``outside_hours``, ``unreachable``, ``off_grid`` or
        ``not_fixed``.
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
    day = facts.instance.days[index]
    return f"{facts.hm(day.start)}–{facts.hm(day.end)}"


def fit_alone(facts: TourMinutes, request: Request, window: Window, index: int) -> WindowFit:
    """Whether ``request`` fits ``window`` on day ``index`` with nothing else in the agenda.

    The rules are the engine's (:mod:`scheduler.model.instance`): the whole engagement in the
    window, its set-up and the engagement within the guest's hours, the travel from where the
    day starts and back to where it ends (with the buffer), starts on the tour's time step.

    Returns
    -------
    WindowFit
        The verdict, the start range when it fits, and the reason in words.
    """
    day = facts.instance.days[index]
    tour_day = facts.tour.days[index]
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
            text = (f"its fixed start {facts.hm(window_low)}{setup_from} is not within the "
                    f"guest's hours that day ({hours_text(facts, index)})")
        elif inside <= 0:
            text = f"it lies outside the guest's hours that day ({hours_text(facts, index)})"
        else:
            text = (f"only {inside} min of it lie within the guest's hours that day "
                    f"({hours_text(facts, index)}); it needs {duration} min{setup_text}")
        return WindowFit("outside_hours", None, None, text)
    place = request.location_id
    out = facts.travel(tour_day.start_location, place)
    back = facts.travel(place, tour_day.end_location)
    tail = back + facts.buffer if back else 0
    reach_low = day.start + out + setup
    reach_high = day.end - duration - tail
    travel_low, travel_high = max(low, reach_low), min(high, reach_high)
    if travel_low > travel_high:
        start_place = facts.place_name(tour_day.start_location)
        end_place = facts.place_name(tour_day.end_location)
        if reach_low > high:
            text = (f"the guest leaves {start_place} at {facts.hm(day.start)} at the earliest; "
                    f"{out} min of travel{setup_text} make {facts.hm(reach_low)} its earliest "
                    f"start, but it must start by {facts.hm(high)}")
        elif reach_high < low:
            buffer_text = f"{facts.buffer} min of buffer and " if facts.buffer else ""
            text = (f"it ends at {facts.hm(low + duration)} at the earliest; then "
                    f"{buffer_text}{back} min of travel to {end_place} pass the end of the "
                    f"guest's day ({facts.hm(day.end)})")
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
    if travel_low == travel_high:
        text = f"it fits there alone, starting at {facts.hm(travel_low)}"
    else:
        text = f"it fits there alone, starting between {facts.hm(travel_low)} and {facts.hm(travel_high)}"
    if out and place is not None:
        text += f" ({out} min from {facts.place_name(tour_day.start_location)})"
    return WindowFit("fits", travel_low, travel_high, text)


def days_touched(facts: TourMinutes, window: Window) -> list[int]:
    """The working days whose calendar date the window overlaps."""
    touched = []
    for index, day in enumerate(facts.tour.days):
        start = local_midnight(day.date, facts.zone)
        end = local_midnight(day.date + timedelta(days=1), facts.zone)
        if utc(window.start) < utc(end) and utc(start) < utc(window.end):
            touched.append(index)
    return touched


def nowhere_note(facts: TourMinutes, window: Window) -> str:
    """Where a window lies that touches no working day."""
    first, last = facts.tour.days[0].date, facts.tour.days[-1].date
    local_start = window.start.astimezone(facts.zone).date()
    local_end = (window.end - timedelta(microseconds=1)).astimezone(facts.zone).date()
    if local_end < first:
        return f"it is before the tour's first working day ({date_name(first)})"
    if local_start > last:
        return f"it is after the tour's last working day ({date_name(last)})"
    return f"{date_name(local_start)} is not a working day of the tour"


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
        label = when(window.start, window.end, facts.zone)
        if not touched:
            verdicts.append((label, nowhere_note(facts, window)))
        elif len(touched) == 1:
            verdicts.append((label, fit_alone(facts, request, window, touched[0]).text))
        else:
            verdicts.append((label, "; ".join(
                f"on {facts.day_name(i)} {fit_alone(facts, request, window, i).text}" for i in touched)))
    return verdicts


def pruned_reason(problem: Problem, request: Request, code: str,
                  instance: Instance | None = None) -> str:
    """The sentence for a request that could never be placed, by its pruning code.

    Parameters
    ----------
    problem
        The problem.
    request
        The request the engine pruned.
    code
        ``too_short``, ``no_window`` or ``unreachable``.
    instance
        The problem's instance, when built; with it the sentence names, window by window,
        what rules it out (the day's hours, the travel from where the day starts).
    """
    zone = problem.tour.zone
    first, last = problem.tour.days[0], problem.tour.days[-1]
    span = f"{date_name(first.date)} to {date_name(last.date)}"
    if code == "too_short":
        longest = max((w.minutes for w in request.windows), default=0)
        return (f"Every window is shorter than the {request.duration_minutes} min it needs "
                f"(the longest lasts {longest} min): {_windows_text(request, zone)}.")
    details = ""
    if instance is not None and request.windows:
        verdicts = window_verdicts(TourMinutes(problem, instance), request, limit=3)
        details = " " + "; ".join(f"{label}: {text}" for label, text in verdicts) + "."
    if code == "no_window":
        if not request.windows:
            return "It has no window at all: every time it offered was removed."
        if details:
            return f"None of its windows falls within the guest's hours on the tour's days ({span}).{details}"
        return (f"None of its windows falls within the guest's hours on the tour's days "
                f"({span}): {_windows_text(request, zone)}.")
    if details:
        return ("Its windows fall within the guest's hours, but not with the travel from where "
                f"the day starts or back to where it ends.{details}")
    return ("Its windows fall within the guest's hours, but not with the travel from where the "
            "day starts or back to where it ends: "
            f"{_windows_text(request, zone)}.")


def _overlapping(problem: Problem, instance: Instance, request: Request,
                 engagements: tuple[Engagement, ...]) -> list[Engagement]:
    """Scheduled engagements on the request's candidate days that overlap its possible times."""
    data = next((r for r in instance.requests if r.id == request.id), None)
    if data is None:
        return []
    grid = instance.grid
    found = []
    for e in engagements:
        s = grid.minutes(e.start)
        other = problem.request(e.request_id)
        e_low, e_high = s - other.setup_minutes, grid.minutes(e.end) + instance.buffer
        for ranges in data.starts.values():
            if any(low - data.setup < e_high and e_low < high + data.duration for low, high in ranges):
                found.append(e)
                break
    return found


def _place_name(problem: Problem, location: str | None) -> str:
    return place_name(problem.locations, location, remote_text="a remote call")


def _neighbours(problem: Problem, instance: Instance, data, engagements) -> list[tuple[Engagement, int]]:
    """Engagements on the request's days close enough in time that travel decides, nearest first."""
    grid = instance.grid
    index = {place: i for i, place in enumerate(instance.places)}
    found = []
    for e in engagements:
        day_index = next((i for i, d in enumerate(problem.tour.days) if d.date == e.day), None)
        if day_index not in data.starts:
            continue
        other = problem.request(e.request_id)
        minutes = 0
        if data.place is not None and e.location is not None:
            minutes = instance.travel[data.place][index[e.location]]
        low, high = data.starts[day_index][0][0], data.starts[day_index][-1][1]
        reach = minutes + instance.buffer + other.setup_minutes + data.setup
        e_start, e_end = grid.minutes(e.start), grid.minutes(e.end)
        if e_start < high + data.duration + reach and low - reach < e_end:
            distance = min(abs(e_start - (high + data.duration)), abs(low - e_end))
            found.append((distance, e.request_id, e, minutes))
    return [(e, minutes) for _, _, e, minutes in sorted(found)]


def explain_unscheduled(problem: Problem, instance: Instance,
                        engagements: tuple[Engagement, ...]) -> tuple[Unscheduled, ...]:
    """A reason for every request the agenda leaves out."""
    zone = problem.tour.zone
    served = {e.request_id for e in engagements}
    pruned = {p.request_id: p.code for p in instance.pruned}
    per_day: dict = {}
    for e in engagements:
        per_day[e.day] = per_day.get(e.day, 0) + 1
    out = []
    for request in problem.requests:
        if request.id in served:
            continue
        if request.id in pruned:
            code = pruned[request.id]
            out.append(Unscheduled(request.id, pruned_reason(problem, request, code, instance), code))
            continue
        data = next(r for r in instance.requests if r.id == request.id)
        days = [problem.tour.days[d] for d in data.starts]
        full = [d for d in days if per_day.get(d.date, 0) >= problem.tour.max_engagements_per_day]
        if full and len(full) == len(days):
            names = ", ".join(f"{d.date:%a %d %b}" for d in full)
            out.append(Unscheduled(request.id, f"Its days are full: {names} already hold "
                                   f"{problem.tour.max_engagements_per_day} engagements, the "
                                   "daily cap.", "displaced"))
            continue
        rivals = _overlapping(problem, instance, request, engagements)
        if rivals:
            named = ", ".join(
                f"{problem.request(e.request_id).title} ({when(e.start, e.end, zone)}, value "
                f"{problem.request(e.request_id).value})" for e in rivals[:4])
            reason = (f"Displaced: its possible times (value {request.value}) are taken by "
                      f"{named}, which serve more value in the agenda as a whole.")
            out.append(Unscheduled(request.id, reason, "displaced"))
            continue
        neighbours = _neighbours(problem, instance, data, engagements)
        named = ", ".join(
            f"{problem.request(e.request_id).title} ({when(e.start, e.end, zone)} at "
            f"{_place_name(problem, e.location)}, {minutes} min away)" for e, minutes in neighbours[:3])
        detail = f" next to {named}" if named else ""
        out.append(Unscheduled(request.id, (
            f"It cannot be reached in time from its neighbours{detail}: with the travel, the "
            f"buffer and the meal break there is no room in {_windows_text(request, zone)}."),
            "unreachable"))
    return tuple(out)


def infeasibility_reasons(problem: Problem, instance: Instance, request_ids: list[str]) -> tuple[str, ...]:
    """One line per mandatory request in a conflict, with what holds it in place."""
    zone = problem.tour.zone
    pruned = {p.request_id: p.code for p in instance.pruned}
    lines = []
    for request_id in request_ids:
        request = problem.request(request_id)
        if request_id in pruned:
            lines.append(f"{request.title} [{request_id}]: "
                         + pruned_reason(problem, request, pruned[request_id], instance))
        else:
            place = request.location_id or f"remote ({request.remote})"
            lines.append(f"{request.title} [{request_id}], {request.duration_minutes} min at "
                         f"{place}, windows {_windows_text(request, zone)}")
    return tuple(lines)

