"""A day's timeline as inline SVG: engagements, set-up, travel and breaks against hour ticks.

The drawing is plain SVG text (no script, no external reference, no font files) so it can sit
inside the self-contained HTML run sheet and go through WeasyPrint unchanged. One unit of the
view box is one typographic point at the width of an A4 page's text block (510 pt = 180 mm),
so font sizes read as points on paper and scale with the page on screen.

The x axis counts real elapsed minutes (through UTC), so a day with a daylight-saving change
is one hour longer or shorter, while the ticks sit at the local whole hours.

This module does the geometry: it turns a day into shapes (rectangles, lines, labels, groups
with a tooltip). The template ``partials/day_timeline.svg`` writes them out, escaping every
label and tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain import utc
from ..formatting import format_duration
from .items import BreakItem, EngagementItem, TravelItem
from .rendering import render_template
from .view import DayView

__all__ = ["COLORS", "FONT_STACK", "Drawing", "Group", "Label", "Line", "Rect", "day_drawing",
           "day_timeline_svg"]

FONT_STACK = "'DejaVu Sans', 'Noto Sans', 'Liberation Sans', Arial, sans-serif"

COLORS = {
    "ink": "#1c2733",
    "muted": "#5b6773",
    "grid": "#d5dbe1",
    "grid_minor": "#eceff2",
    "hours": "#f2f5f8",
    "lane": "#ffffff",
    "lane_edge": "#c3cbd3",
    "engagement": "#1f4e79",
    "engagement_text": "#ffffff",
    "remote_fill": "#e4eef8",
    "setup": "#a9c4e4",
    "travel": "#f5c18c",
    "travel_edge": "#b85c12",
    "travel_text": "#5a2c05",
    "break": "#bfe0a8",
    "break_edge": "#4f7d32",
    "break_text": "#27461a",
}

WIDTH = 510.0
LEFT = 64.0
RIGHT = 14.0
AXIS_TOP = 13.0
ENGAGEMENT_LANE = (17.0, 42.0)  # top, height
TRAVEL_LANE = (63.0, 15.0)
BREAK_LANE = (82.0, 15.0)
LEGEND_TOP = 106.0
HEIGHT = 116.0
# Average advance of DejaVu Sans per point of size; errs wide so text never spills a block.
CHAR_WIDTH = 0.62
BOLD_CHAR_WIDTH = 0.72


@dataclass(frozen=True, slots=True)
class _Axis:
    """Maps real moments to x positions between ``start`` and ``end`` (aware, UTC)."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start) // timedelta(minutes=1))

    @property
    def scale(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max(self.minutes, 1)

    def x(self, moment: datetime) -> float:
        return LEFT + (utc(moment) - self.start) / timedelta(minutes=1) * self.scale


def _hour_floor(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    return utc(local.replace(minute=0, second=0, microsecond=0))


def _hour_ceil(moment: datetime, zone: ZoneInfo) -> datetime:
    floor = _hour_floor(moment, zone)
    if floor == utc(moment):
        return floor
    candidate = floor + timedelta(minutes=15)
    while candidate.astimezone(zone).minute != 0:
        candidate += timedelta(minutes=15)
    return candidate


def _axis_for(day: DayView, zone: ZoneInfo) -> _Axis:
    moments = [day.start, day.end]
    for item in day.items:
        moments.append(item.setup_start if isinstance(item, EngagementItem) else item.start)
        moments.append(item.end)
    first = min(moments, key=utc)
    last = max(moments, key=utc)
    return _Axis(_hour_floor(first, zone), _hour_ceil(last, zone))


def _fit(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points at ``size``; ``""`` when nothing fits."""
    room = int(width / (size * (BOLD_CHAR_WIDTH if bold else CHAR_WIDTH)))
    if room <= 0:
        return ""
    if len(text) <= room:
        return text
    if room <= 2:
        return ""
    return text[: room - 1].rstrip() + "\u2026"


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle; ``dash`` is an SVG dash pattern or ``""`` for a solid edge."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = "none"
    dash: str = ""
    radius: float = 1.5
    stroke_width: float = 0.8

    shape = "rect"


@dataclass(frozen=True, slots=True)
class Line:
    """A straight line, such as an hour tick."""

    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    stroke_width: float
    dash: str = ""

    shape = "line"


@dataclass(frozen=True, slots=True)
class Label:
    """A text at ``(x, y)``; ``anchor`` is ``start``, ``middle`` or ``end``."""

    x: float
    y: float
    content: str
    size: float
    fill: str
    anchor: str = "start"
    weight: str = "normal"

    shape = "text"


@dataclass(frozen=True, slots=True)
class Group:
    """Shapes that belong together (one engagement, one leg), with a tooltip or ``""``."""

    css_class: str
    shapes: tuple[Rect | Line | Label, ...]
    tooltip: str = ""

    shape = "group"


Shape = Rect | Line | Label | Group


@dataclass(frozen=True, slots=True)
class Drawing:
    """One day's timeline: its size in points, its accessible label and its shapes in order."""

    width: float
    height: float
    label: str
    shapes: tuple[Shape, ...]


def _text(x: float, y: float, content: str, *, size: float, fill: str, anchor: str = "start",
          weight: str = "normal") -> Label:
    return Label(x, y, content, size, fill, anchor, weight)


def _rect(x: float, y: float, width: float, height: float, *, fill: str, stroke: str = "none",
          dash: str = "", radius: float = 1.5, stroke_width: float = 0.8) -> Rect:
    # A block narrower than a hairline would vanish on paper.
    return Rect(x, y, max(width, 0.6), height, fill, stroke, dash, radius, stroke_width)


def _grid(axis: _Axis, day: DayView, zone: ZoneInfo) -> list[Shape]:
    parts: list[Shape] = []
    lanes = (ENGAGEMENT_LANE, TRAVEL_LANE, BREAK_LANE)
    names = ("Engagements", "Travel", "Breaks")
    hours_x0, hours_x1 = axis.x(day.start), axis.x(day.end)
    for (top, height), name in zip(lanes, names):
        parts.append(_rect(LEFT, top, WIDTH - LEFT - RIGHT, height, fill=COLORS["lane"],
                           stroke=COLORS["lane_edge"], radius=0, stroke_width=0.5))
        parts.append(_rect(hours_x0, top, hours_x1 - hours_x0, height, fill=COLORS["hours"], radius=0))
        parts.append(_text(LEFT - 5, top + height / 2 + 2.5, name, size=7, fill=COLORS["muted"],
                           anchor="end"))
    bottom = BREAK_LANE[0] + BREAK_LANE[1]
    per_hour = axis.scale * 60
    label_every = 1 if per_hour >= 22 else 2 if per_hour >= 11 else 3
    labels: list[Label] = []
    moment = axis.start
    while moment <= axis.end:
        local = moment.astimezone(zone)
        x = axis.x(moment)
        if local.minute == 0:
            parts.append(Line(x, AXIS_TOP + 1, x, bottom, COLORS["grid"], 0.6))
            if local.hour % label_every == 0:
                labels.append(_text(x, AXIS_TOP - 3, f"{local.hour:02d}:00", size=7,
                                    fill=COLORS["muted"], anchor="middle"))
        elif local.minute == 30 and per_hour >= 30:
            parts.append(Line(x, ENGAGEMENT_LANE[0], x, bottom, COLORS["grid_minor"], 0.5))
        moment += timedelta(minutes=15)
    parts.append(Group("ticks", tuple(labels)))
    # The guest's hours, marked where they begin and end.
    for x in (hours_x0, hours_x1):
        parts.append(Line(x, ENGAGEMENT_LANE[0] - 2, x, bottom + 2, COLORS["muted"], 0.8, "2 1.5"))
    return parts


def _engagement(axis: _Axis, item: EngagementItem, label_end: float) -> Group:
    """The block (number inside) and, beneath it, who and when, as far as ``label_end`` allows."""
    top, _height = ENGAGEMENT_LANE
    block_top, block_height = top + 2, 16.0
    x0, x1 = axis.x(item.start), axis.x(item.end)
    width = x1 - x0
    tooltip = (f"{item.number}. {item.start_text}\u2013{item.end_text} {item.title}"
               + (f" ({item.remote})" if item.is_remote else ""))
    parts: list[Shape] = []
    if item.setup_minutes:
        setup_x = axis.x(item.setup_start)
        parts.append(_rect(setup_x, block_top + 3, x0 - setup_x, block_height - 6, fill=COLORS["setup"],
                           radius=1))
    if item.is_remote:
        parts.append(_rect(x0, block_top, width, block_height, fill=COLORS["remote_fill"],
                           stroke=COLORS["engagement"], dash="2.5 1.5", stroke_width=1))
        ink = COLORS["engagement"]
    else:
        parts.append(_rect(x0, block_top, width, block_height, fill=COLORS["engagement"],
                           stroke=COLORS["engagement"]))
        ink = COLORS["engagement_text"]
    number = str(item.number)
    number_width = 8 * CHAR_WIDTH * len(number)
    if width < number_width + 5:
        parts.append(_text(x0 + width / 2, block_top + 11.3, number, size=8, fill=ink, anchor="middle",
                           weight="bold"))
    else:
        parts.append(_text(x0 + 2.5, block_top + 11.3, number, size=8, fill=ink, weight="bold"))
        tag = item.remote if item.is_remote else item.kind_label
        if tag and _fit(tag, width - number_width - 8, 6.3) == tag:  # whole or not at all
            parts.append(_text(x0 + number_width + 5, block_top + 10.8, tag, size=6.3, fill=ink))
    room = label_end - x0 - 3
    # The counterpart (Telemadrid, PSOE) reads faster than a long title; the table has the title.
    title = _fit(item.counterpart or item.title, room, 7, bold=True)
    if len(title.rstrip("\u2026")) >= 3:  # a stub of one or two letters helps nobody
        parts.append(_text(x0, top + 27.5, title, size=7, fill=COLORS["ink"], weight="bold"))
    times = f"{item.start_text}\u2013{item.end_text}"
    extra = (f" \u00b7 remote ({item.remote})" if item.is_remote
             else f" \u00b7 be there {item.arrive_text}" if item.setup_minutes else "")
    # Times are shown whole or not at all: a cut time is worse than none.
    for detail in (times + extra, times, item.start_text):
        if _fit(detail, room, 6.3) == detail:
            parts.append(_text(x0, top + 36.5, detail, size=6.3, fill=COLORS["muted"]))
            break
    return Group("engagement remote" if item.is_remote else "engagement", tuple(parts), tooltip)


def _label_fits(center: float, text: str, size: float, low: float, high: float) -> bool:
    half = len(text) * size * CHAR_WIDTH / 2
    return center - half >= low and center + half <= high


def _travel(axis: _Axis, item: TravelItem, high: float) -> Group:
    """A leg with its minutes inside, or just after it when there is room before ``high``."""
    top, height = TRAVEL_LANE
    x0, x1 = axis.x(item.start), axis.x(item.end)
    tooltip = f"{item.start_text}\u2013{item.end_text} {item.title}, {item.minutes_text}"
    parts: list[Shape] = [
        _rect(x0, top + 1.5, x1 - x0, height - 3, fill=COLORS["travel"], stroke=COLORS["travel_edge"],
              dash="2 1.2" if item.estimated else "", stroke_width=0.7)]
    prefix = "\u2248" if item.estimated else ""
    label = prefix + f"{item.minutes}\u2032"
    long_label = prefix + format_duration(item.minutes)
    baseline = top + height / 2 + 2.3
    if item.minutes >= 60 and _label_fits((x0 + x1) / 2, long_label, 6.5, x0 + 1, x1 - 1):
        parts.append(_text((x0 + x1) / 2, baseline, long_label, size=6.5, fill=COLORS["travel_text"],
                           anchor="middle"))
    elif _label_fits((x0 + x1) / 2, label, 6.5, x0 + 1, x1 - 1):
        parts.append(_text((x0 + x1) / 2, baseline, label, size=6.5, fill=COLORS["travel_text"],
                           anchor="middle"))
    elif _label_fits(x1 + 1.5 + len(label) * 6.5 * CHAR_WIDTH / 2, label, 6.5, x1 + 1, high - 1):
        # A short leg: its minutes beside it rather than over its edges.
        parts.append(_text(x1 + 1.5, baseline, label, size=6.5, fill=COLORS["travel_text"]))
    return Group("travel estimated" if item.estimated else "travel", tuple(parts), tooltip)


def _break(axis: _Axis, item: BreakItem) -> Group:
    top, height = BREAK_LANE
    x0, x1 = axis.x(item.start), axis.x(item.end)
    tooltip = f"{item.start_text}\u2013{item.end_text} {item.title}"
    parts: list[Shape] = [
        _rect(x0, top + 1.5, x1 - x0, height - 3, fill=COLORS["break"], stroke=COLORS["break_edge"],
              stroke_width=0.7)]
    label = _fit(item.break_kind.capitalize(), x1 - x0 - 2, 6.5)
    if label:
        parts.append(_text((x0 + x1) / 2, top + height / 2 + 2.3, label, size=6.5,
                           fill=COLORS["break_text"], anchor="middle"))
    return Group("break", tuple(parts), tooltip)


def _legend() -> Group:
    entries = (
        ("In person", dict(fill=COLORS["engagement"], stroke=COLORS["engagement"])),
        ("Remote", dict(fill=COLORS["remote_fill"], stroke=COLORS["engagement"], dash="2.5 1.5")),
        ("Set-up", dict(fill=COLORS["setup"])),
        ("Travel (min)", dict(fill=COLORS["travel"], stroke=COLORS["travel_edge"])),
        ("\u2248 estimated", dict(fill=COLORS["travel"], stroke=COLORS["travel_edge"], dash="2 1.2")),
        ("Break", dict(fill=COLORS["break"], stroke=COLORS["break_edge"])),
        ("Guest's hours", dict(fill=COLORS["hours"], stroke=COLORS["muted"], dash="2 1.5")),
    )
    parts: list[Shape] = []
    x = LEFT
    for label, style in entries:
        parts.append(_rect(x, LEGEND_TOP, 9, 6.5, radius=1, stroke_width=0.7, **style))
        parts.append(_text(x + 12, LEGEND_TOP + 5.6, label, size=6, fill=COLORS["muted"]))
        x += 12 + len(label) * 6 * CHAR_WIDTH + 10
    return Group("legend", tuple(parts))


def day_drawing(day: DayView, zone: ZoneInfo | str) -> Drawing:
    """The shapes of one day's timeline, in the order they are drawn (later ones on top).

    Parameters
    ----------
    day
        The day from :func:`scheduler.export.view.build_view`.
    zone
        The tour's zone (the hour ticks are its local whole hours).
    """
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    axis = _axis_for(day, zone)
    label = (f"Timeline of {day.date_text}, {day.start_text} to {day.end_text} "
             f"({day.zone_abbreviation}): {len(day.engagements)} engagements, "
             f"{format_duration(day.travel_minutes)} travel")
    shapes = _grid(axis, day, zone)
    right_edge = WIDTH - RIGHT
    legs = day.travel
    for index, leg in enumerate(legs):
        high = axis.x(legs[index + 1].start) if index + 1 < len(legs) else right_edge
        shapes.append(_travel(axis, leg, high))
    shapes += [_break(axis, pause) for pause in day.breaks]
    engagements = day.engagements
    for index, engagement in enumerate(engagements):
        following = engagements[index + 1] if index + 1 < len(engagements) else None
        label_end = axis.x(following.setup_start) if following is not None else right_edge
        shapes.append(_engagement(axis, engagement, label_end))
    shapes.append(_legend())
    return Drawing(WIDTH, HEIGHT, label, tuple(shapes))


def day_timeline_svg(day: DayView, zone: ZoneInfo | str) -> str:
    """The SVG drawing of one day, ready to sit inline in HTML.

    Parameters
    ----------
    day
        The day from :func:`scheduler.export.view.build_view`.
    zone
        The tour's zone (the hour ticks are its local whole hours).

    Returns
    -------
    str
        An ``<svg>`` element (no XML prolog), from ``partials/day_timeline.svg``. Every text
        from the input is escaped; the drawing is identical for identical input.
    """
    return render_template("partials/day_timeline.svg", drawing=day_drawing(day, zone),
                           font_stack=FONT_STACK)
