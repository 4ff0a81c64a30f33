"""The plan as the checker sees it: instants in UTC, durations as timedeltas, helpers for messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A time as written in the file, kept to check its offset."""

    path: str
    written: datetime
    request_id: str | None
    day: str | None


@dataclass(frozen=True, slots=True)
class MealView:
    """A day's meal rule: ``minutes`` of break between ``earliest`` and ``latest``."""

    earliest: datetime
    latest: datetime
    minutes: int


@dataclass(frozen=True, slots=True)
class BreakView:
    """A placed break; ``path`` says where it is in the file, for messages."""

    path: str
    start: datetime
    end: datetime
    kind: str


@dataclass(frozen=True, slots=True)
class DayView:
    """A tour day: its hours, where it starts and ends, its meal rule and its breaks."""

    date: str
    start: datetime
    end: datetime
    start_place: str
    end_place: str
    meal: MealView | None
    breaks: tuple[BreakView, ...]
    zone: ZoneInfo | None = None  # the day's own zone; None for the tour's


@dataclass(frozen=True, slots=True)
class RequestView:
    """What the rules need of a request; ``place`` is ``None`` when remote."""

    id: str
    title: str
    duration: timedelta
    mandatory: bool
    place: str | None
    setup: timedelta
    fixed_start: datetime | None
    windows: tuple[tuple[datetime, datetime], ...]
    needs: tuple[str, ...] = ()  # resource ids and kind:<kind>
    guests: tuple[str, ...] = ()  # who of a delegation goes: all of them, or with guests_any one
    guests_any: bool = False


@dataclass(frozen=True, slots=True)
class EngagementView:
    """An engagement as written; ``label`` is its ``day`` field, ``index`` its position."""

    index: int
    request_id: str
    label: str
    start: datetime
    end: datetime
    place: str | None
    home: str | None  # the tour day it belongs to (see home_day), None when on no day
    resources: tuple[str, ...] | None = None  # None: the plan does not say
    guests: tuple[str, ...] | None = None  # who of a delegation attends; None: the plan does not say


@dataclass(frozen=True, slots=True)
class LegView:
    """A travel leg as written; ``label`` is its ``day`` field, ``home`` the day it is on."""

    index: int
    label: str
    origin: str
    destination: str
    depart: datetime
    arrive: datetime
    minutes: int
    home: str | None
    fixed: bool = False
    checkin: timedelta = timedelta(0)
    guest: str = ""  # the delegation member who travels; "" for a tour of one guest

    @property
    def busy_start(self) -> datetime:
        """When the leg takes the guest: its departure, less the check-in of a fixed leg."""
        return self.depart - self.checkin


@dataclass(frozen=True, slots=True)
class FixedLegView:
    """A booked leg of the tour (``tour.legs``): the guest is at ``origin`` by ``depart -
    checkin`` and at ``destination`` from ``arrive``; ``home`` is the working day it is on."""

    index: int
    origin: str
    destination: str
    depart: datetime
    arrive: datetime
    checkin: timedelta
    label: str
    home: str | None

    @property
    def busy_start(self) -> datetime:
        return self.depart - self.checkin


@dataclass(frozen=True, slots=True)
class UnscheduledView:
    """An entry of ``unscheduled``."""

    index: int
    request_id: str
    code: str


@dataclass(frozen=True, slots=True)
class RuleView:
    """A rule between requests (``rules``); ``label`` names it as messages do (``rule gap #1``)."""

    kind: str
    number: int
    first: tuple[str, ...]
    then: tuple[str, ...]
    requests: tuple[str, ...]
    minutes: timedelta

    @property
    def label(self) -> str:
        return f"rule {self.kind} #{self.number}"


@dataclass(frozen=True, slots=True)
class ResourceView:
    """A shared resource (``resources``): a room stays at ``location``, others travel."""

    id: str
    kind: str
    travels: bool
    location: str | None
    hours: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True, slots=True)
class GuestView:
    """A member of a delegation (``tour.guests``): their own days and booked legs."""

    id: str
    days: tuple[DayView, ...]
    fixed_legs: tuple[FixedLegView, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    """The plan read from the dictionary: instants in UTC, with helpers for the rules' messages."""

    zone_name: str
    zone: ZoneInfo
    days: tuple[DayView, ...]
    max_per_day: int
    buffer: timedelta
    travel: Mapping[tuple[str, str], int]
    requests: Mapping[str, RequestView]
    request_order: tuple[str, ...]
    engagements: tuple[EngagementView, ...]
    legs: tuple[LegView, ...]
    unscheduled: tuple[UnscheduledView, ...]
    stamps: tuple[Stamp, ...]
    replanned: datetime | None = None  # ``now`` of the last history entry (the last re-plan)
    rules: tuple[RuleView, ...] = ()
    minutes_cap: timedelta | None = None  # max_engagement_minutes_per_day
    rest: timedelta = timedelta(0)  # min_rest_minutes
    fixed_legs: tuple[FixedLegView, ...] = ()  # tour.legs
    resources: Mapping[str, ResourceView] = field(default_factory=dict)  # by id
    guests: tuple[GuestView, ...] = ()  # the members of a delegation; () for one guest

    def fixed_legs_on(self, day: DayView) -> list[FixedLegView]:
        return [leg for leg in self.fixed_legs if leg.home == day.date]

    def day(self, day_date: str) -> DayView:
        """The tour day of that date (one that exists)."""
        return next(day for day in self.days if day.date == day_date)

    def request(self, request_id: str) -> RequestView | None:
        return self.requests.get(request_id)

    def engagements_on(self, day: DayView) -> list[EngagementView]:
        return [e for e in self.engagements if e.home == day.date]

    def legs_on(self, day: DayView) -> list[LegView]:
        return sorted((leg for leg in self.legs if leg.home == day.date),
                      key=lambda leg: (leg.depart, leg.index))

    def setup(self, engagement: EngagementView) -> timedelta:
        request = self.request(engagement.request_id)
        return request.setup if request is not None else timedelta(0)

    def place(self, engagement: EngagementView) -> str | None:
        """Where the guest really is: the request's place (the engagement may copy it wrongly)."""
        request = self.request(engagement.request_id)
        return request.place if request is not None else engagement.place

    def occupancy(self, engagement: EngagementView) -> tuple[datetime, datetime]:
        """From ``start - setup_minutes`` to ``end + min_buffer_minutes``."""
        return engagement.start - self.setup(engagement), engagement.end + self.buffer

    def clock(self, moment: datetime) -> str:
        """``Fri 26 Oct 10:00``: the moment read in the tour's zone, for messages."""
        local = moment.astimezone(self.zone)
        return (f"{WEEKDAY_NAMES[local.weekday()]} {local.day} {MONTH_NAMES[local.month - 1]} "
                f"{local:%H:%M}")

    def span(self, start: datetime, end: datetime) -> str:
        """``Fri 26 Oct 10:00–11:00`` (the date once when both ends share it)."""
        first, last = start.astimezone(self.zone), end.astimezone(self.zone)
        if first.date() == last.date():
            return f"{self.clock(start)}–{last:%H:%M}"
        return f"{self.clock(start)} – {self.clock(end)}"

    def who(self, request_id: str) -> str:
        """``'psoe' (Meeting with PSOE)``: the request named for a person."""
        request = self.request(request_id)
        if request is None or not request.title:
            return f"request {request_id!r}"
        return f"{request_id!r} ({request.title})"


def home_day(days: Iterable[DayView], label: str, instant: datetime) -> str | None:
    """The day an item belongs to: the one whose hours hold ``instant``, else its label's day.

    The times are the truth and the ``day`` field a label; the label is used only for an item
    outside every day's hours, so that it is judged against the day it claims.
    """
    days = tuple(days)
    for day in days:
        if day.start <= instant < day.end:
            return day.date
    return label if any(day.date == label for day in days) else None

