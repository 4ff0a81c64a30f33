"""The run sheet as Markdown (``agenda.md``): the same content as the HTML, as text for an e-mail.

The text reads as plain text and renders as Markdown. Input text is escaped for Markdown so
that a title holding ``<script>``, ``*`` or ``[link](...)`` stays literal text in any renderer:
no HTML is ever produced.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..domain import Plan
from .view import (
    BreakItem,
    DayView,
    EngagementItem,
    PlanView,
    TravelItem,
    build_view,
    format_duration,
    format_number,
    write_copy,
)

__all__ = ["escape_markdown", "render", "render_view", "write"]

# Characters that start inline markup or raw HTML anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# An entity reference such as &amp; or &#60; would be decoded by a renderer.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What turns the start of a line into a heading, quote, list, rule or table.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Escape ``text`` so Markdown shows it literally; line breaks become ``\\n``.

    Parameters
    ----------
    text
        Text from the input (a title, an address, notes).

    Returns
    -------
    str
        The text with markup characters backslash-escaped (CommonMark escapes), an entity-like
        ``&`` escaped, and any line that would open a block (``# ``, ``- ``, ``1.``) defused.
    """
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = []
    for line in lines:
        line = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", line))
        line = _LINE_START.sub(lambda match: match.group(1) + "\\" + match.group(2), line)
        escaped.append(line)
    return "\n".join(escaped)


def _md(text: str, indent: str = "") -> str:
    """Escaped text whose continuation lines stay inside the list item at ``indent``."""
    return escape_markdown(text).replace("\n", "\n" + indent)


def _cover(view: PlanView) -> list[str]:
    copy = "Team copy: internal notes included." if view.is_team else "Guest copy."
    lines = [f"# Run sheet: {_md(view.tour_name)}", "",
             f"{copy} Confidential: the guest's full itinerary. Keep it with the guest and the "
             "organizing team; do not forward it.", "",
             f"- Guest: {_md(view.guest_name)}",
             f"- Dates: {view.dates_text} ({len(view.days)} day{'s' if len(view.days) != 1 else ''})",
             f"- Times: local time in {_md(view.zones_text)}; each day gives its zone"]
    if view.guest_timezone and view.guest_timezone != view.zone_name:
        lines.append(f"- Guest's home zone: {_md(view.guest_timezone)} (a phone still set to it shows other times)")
    if view.organizer_name or view.organizer_email:
        organizer = _md(view.organizer_name)
        if view.organizer_email:
            organizer = f"{organizer} ({_md(view.organizer_email)})" if organizer else _md(view.organizer_email)
        lines.append(f"- Organizer: {organizer}")
    if view.created_text:
        lines.append(f"- Plan made: {view.created_text}")
    engaged_days = sum(1 for day in view.days if day.engagements)
    known = sum(1 for e in view.engagements if e.audience is not None)
    travel = f"{format_duration(view.travel_minutes)} in {view.travel_legs} leg{'s' if view.travel_legs != 1 else ''}"
    if view.estimated_legs:
        travel += f" ({view.estimated_legs} estimated)"
    lines += ["", "## At a glance", "",
              f"- Engagements: {view.engagement_count} on {engaged_days} of {len(view.days)} days",
              f"- Audience reached: {format_number(view.audience_reached)} "
              f"({known} of {view.engagement_count} with a known audience)",
              f"- Value served: {view.value_text}",
              f"- Travel: {travel}",
              f"- Solver: {view.solver_text}"]
    if view.is_team and view.unscheduled_count:
        count = view.unscheduled_count
        lines.append(f"- Not scheduled: {count} request{'s' if count != 1 else ''} (listed at the end)")
    lines += ["", "| Day | Hours | Engagements | Travel |", "| --- | --- | ---: | ---: |"]
    for day in view.days:
        lines.append(f"| {day.date_text} | {day.start_text}\u2013{day.end_text} {day.zone_abbreviation} "
                     f"| {len(day.engagements)} | {format_duration(day.travel_minutes)} |")
    return lines


def _travel_line(leg: TravelItem) -> str:
    who = f" ({_md(leg.guest)})" if leg.guest else ""  # whose leg, in the delegation's copy
    if leg.fixed:
        checkin = f"; be there {leg.checkin_text}" if leg.checkin_text else ""
        notes = f". {_md(leg.notes)}" if leg.notes else ""
        return (f"- **{leg.start_text}\u2013{leg.end_text} {_md(leg.label)}{who}**: {_md(leg.origin)} \u2192 "
                f"{_md(leg.destination)} ({format_duration(leg.minutes)}{checkin}){notes}")
    estimated = ", estimated" if leg.estimated else ""
    return (f"- {leg.start_text}\u2013{leg.end_text} Travel{who}: {_md(leg.origin)} \u2192 "
            f"{_md(leg.destination)} ({format_duration(leg.minutes)}{estimated})")


def _engagement_lines(item: EngagementItem, is_team: bool) -> list[str]:
    indent = "    "
    remote = f" (remote, {item.remote})" if item.is_remote else ""
    lines = [f"- **{item.start_text}\u2013{item.end_text} \u00b7 {item.number}. {_md(item.title, '  ')}**{remote}"]
    who = " \u00b7 ".join(part for part in (_md(item.kind_label), _md(item.counterpart)) if part)
    if is_team and item.mandatory:
        who += " \u00b7 must"
    lines.append(f"  - {who}")
    if item.setup_minutes:
        lines.append(f"  - Be there: {item.arrive_text} ({format_duration(item.setup_minutes)} set-up)")
    if item.is_remote:
        where = f"remote ({item.remote})"
        if item.place:
            where += f", from {_md(item.place)}; a quiet room is needed"
    else:
        where = ", ".join(_md(part) for part in (item.place, item.address) if part)
    lines.append(f"  - Where: {where}")
    if item.contact_text:
        lines.append(f"  - Contact: {_md(item.contact_text)}")
    if item.guests:
        lines.append(f"  - {item.guests_label}: {_md(item.guests)}")
    if item.team:
        lines.append(f"  - With the team: {_md(item.team)}")
    if item.notes:
        lines.append(f"  - Notes: {_md(item.notes, indent)}")
    if is_team and item.internal_notes:
        lines.append(f"  - Team only: {_md(item.internal_notes, indent)}")
    return lines


def _day(day: DayView, view: PlanView) -> list[str]:
    count = len(day.engagements)
    lines = ["", f"## {day.date_text} (day {day.number} of {day.count})", "",
             f"Times in {_md(day.zone_label)}. Hours {day.start_text}\u2013{day.end_text}; starts at "
             f"{_md(day.start_place)}, ends at {_md(day.end_place)}. {count} engagement"
             f"{'s' if count != 1 else ''}, {format_duration(day.travel_minutes)} travel.", "",
             f"- {day.start_text} Day starts at {_md(day.start_place)}"]
    for item in day.items:
        if isinstance(item, EngagementItem):
            lines += _engagement_lines(item, view.is_team)
        elif isinstance(item, TravelItem):
            lines.append(_travel_line(item))
        elif isinstance(item, BreakItem):
            who = f" ({_md(item.guest)})" if item.guest else ""
            lines.append(f"- {item.start_text}\u2013{item.end_text} {item.title}{who} "
                         f"({format_duration(item.minutes)})")
    lines.append(f"- {day.programme_end_text} Day ends at {_md(day.end_place)}")
    return lines


def _unscheduled(view: PlanView) -> list[str]:
    lines = ["", f"## Not scheduled ({len(view.unscheduled)}), team only", ""]
    for item in view.unscheduled:
        who = " \u00b7 ".join(part for part in (_md(item.counterpart), _md(item.kind_label)) if part)
        must = ", must" if item.mandatory else ""
        lines.append(f"- **{_md(item.title, '  ')}** ({who}; value {format_number(item.value)}{must}): "
                     f"{_md(item.reason, '  ')} ({_md(item.code)})")
    return lines


def render_view(view: PlanView) -> str:
    """The Markdown text of a prepared :class:`~scheduler.export.view.PlanView`."""
    lines = _cover(view)
    for day in view.days:
        lines += _day(day, view)
    if view.is_team and view.unscheduled:
        lines += _unscheduled(view)
    return "\n".join(lines) + "\n"


def render(plan: Plan, *, audience: str = "team") -> str:
    """The run sheet of ``plan`` as Markdown text.

    Parameters
    ----------
    plan
        A solved plan.
    audience
        ``"team"`` (internal notes and unscheduled requests included) or ``"guest"``.

    Returns
    -------
    str
        The text (no HTML); the same plan always gives the same text.
    """
    return render_view(build_view(plan, audience=audience))


def write(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write ``agenda.md`` (team) or ``agenda-guest.md`` (guest) into ``out_dir``, privately."""
    return write_copy(out_dir, ".md", render(plan, audience=audience), audience)
