"""The printable run sheet as one self-contained HTML file (``agenda.html``): cover, one page a day.

Everything the page needs is inside it: styles inline, the timelines as inline SVG, no
scripts, no fonts or images to fetch, and a Content-Security-Policy that forbids loading
anything should a browser be tempted. Print CSS lays it out on A4 with a page per day, and
:mod:`scheduler.export.pdf` turns the same text into ``agenda.pdf`` (with each timeline as an SVG
image, :func:`render_printable`).

The page is rendered from the Jinja2 templates in ``scheduler/templates`` (``run_sheet.html``
and its partials) with escaping on, so every text from the input is escaped unless a template
says otherwise; nothing from the input is placed in CSS or in a URL. This module only
prepares what the templates lay out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..domain import Plan
from ..formatting import format_duration, format_number
from .items import BreakItem, EngagementItem, Item, UnscheduledItem
from .rendering import render_template
from .timeline import COLORS, FONT_STACK, day_drawing
from .view import DayView, PlanView, build_view, write_copy

#: The scheme of the URLs the PDF's document names each day's timeline by.
TIMELINE_SCHEME = "timeline"

__all__ = ["TIMELINE_SCHEME", "most_valuable", "render", "render_printable", "render_view", "write"]


@dataclass(frozen=True, slots=True)
class MarkerRow:
    """A row of the day's table that marks a moment (the day's start, an arrival, the end)."""

    time_text: str
    text: str


def _cards(view: PlanView) -> list[tuple[str, str, str, str]]:
    """The cover's totals: (label, number, detail, css class) per card."""
    engaged_days = sum(1 for day in view.days if day.engagements)
    audience_detail = (f"{sum(1 for e in view.engagements if e.audience is not None)} of "
                       f"{view.engagement_count} with a known audience")
    travel_detail = f"{view.travel_legs} leg{'s' if view.travel_legs != 1 else ''}"
    if view.estimated_legs:
        travel_detail += f", {view.estimated_legs} estimated"
    solver_detail = ("the best plan there is for these requests" if view.proven_optimal
                     else "a good plan, not proven the best")
    share = view.value_share
    value_detail = f"{share}% of the value asked" if share is not None else "of the value asked"
    return [
        ("Engagements", format_number(view.engagement_count),
         f"on {engaged_days} of {len(view.days)} days", ""),
        ("Audience reached", format_number(view.audience_reached), audience_detail, ""),
        ("Value served", f"{format_number(view.value_served)} / {format_number(view.value_total)}",
         value_detail, ""),
        ("Travel", format_duration(view.travel_minutes), travel_detail, ""),
        ("Solver", "Optimal" if view.proven_optimal else "Not proven", solver_detail,
         "status-optimal" if view.proven_optimal else "status-other"),
    ]


def _table_rows(day: DayView) -> list[tuple[str, MarkerRow | Item]]:
    """The rows of the day's table in time order, as (kind, row) with kind ``marker``,
    ``engagement`` or ``break``; legs show in the engagement they lead to."""
    rows: list[tuple[str, MarkerRow | Item]] = [
        ("marker", MarkerRow(day.start_text, f"Day starts at {day.start_place}"))]
    arrival = day.closing_travel[-1] if day.closing_travel else None
    for item in day.items:
        if isinstance(item, EngagementItem):
            rows.append(("engagement", item))
        elif isinstance(item, BreakItem):
            rows.append(("break", item))
        elif item.fixed:
            rows.append(("leg", item))
        elif item == arrival and item != day.items[-1]:
            # The way to the night's place gets its own row when something (a late meal) follows it.
            rows.append(("marker", MarkerRow(item.end_text,
                                             f"Arrive at {day.end_place} ({day.arrival_text})")))
    ending = f"Day ends at {day.end_place}"
    if arrival is not None and arrival == day.items[-1]:
        ending += f" ({day.arrival_text})"
    rows.append(("marker", MarkerRow(day.programme_end_text, ending)))
    return rows


def most_valuable(items: tuple[UnscheduledItem, ...], limit: int | None) -> tuple[UnscheduledItem, ...]:
    """The ``limit`` requests of ``items`` of highest value (mandatory ones first), in their
    order; all of them when ``limit`` is ``None`` or not below their number."""
    if limit is None or len(items) <= limit:
        return items
    ranked = sorted(range(len(items)), key=lambda i: (not items[i].mandatory, -items[i].value, i))
    return tuple(items[i] for i in sorted(ranked[:max(limit, 0)]))


def render_view(view: PlanView, *, created_iso: str = "", unscheduled_rows: int | None = None,
                timeline_urls: Sequence[str] = ()) -> str:
    """The HTML document of a prepared :class:`~scheduler.export.view.PlanView`.

    Parameters
    ----------
    view
        From :func:`scheduler.export.view.build_view`.
    created_iso
        The plan's creation time as ISO 8601, written as document metadata (WeasyPrint
        copies it into the PDF); ``""`` for none.
    unscheduled_rows
        At most this many requests left out are listed (those of highest value), with a line
        saying which files list them all; ``None`` (the default) lists every one.
    timeline_urls
        For print: a URL for each day, and the day's timeline is an ``<img>`` of it instead of
        inline SVG (:func:`render_printable`); empty (the default) for the HTML file.

    Returns
    -------
    str
        A complete HTML5 document.
    """
    days = [(day, day_drawing(day, day.zone_name or view.zone_name), _table_rows(day)) for day in view.days]
    return render_template("run_sheet.html", view=view, days=days, cards=_cards(view),
                           is_team=view.is_team, created_iso=created_iso, colors=COLORS,
                           font_stack=FONT_STACK,
                           unscheduled_rows=most_valuable(view.unscheduled, unscheduled_rows),
                           timeline_urls=tuple(timeline_urls))


def render_printable(plan: Plan, *, audience: str = "team", unscheduled_rows: int | None = None
                     ) -> tuple[str, dict[str, bytes]]:
    """The run sheet of ``plan`` for the PDF: the document, and each day's timeline apart.

    The document is :func:`render`'s with each timeline an ``<img>`` naming it by a
    ``timeline:N`` URL. WeasyPrint reads an SVG image with the XML parser and draws it as it
    draws inline SVG, but never parses its shapes as HTML or styles them as HTML elements,
    which inline SVG costs it: about a seventh of each PDF's time (BENCHMARKS.md, "The whole
    command at 2,000 requests, again"). The pages look the same.

    Parameters
    ----------
    plan
        A solved plan.
    audience
        ``"team"`` or ``"guest"``.
    unscheduled_rows
        At most this many requests left out are listed; ``None`` lists all.

    Returns
    -------
    tuple[str, dict[str, bytes]]
        The HTML text, and the SVG of each day's timeline by its URL; only the PDF's URL
        fetcher (:func:`scheduler.export.pdf.render_html`) knows these URLs.
    """
    view = build_view(plan, audience=audience)
    created = plan.created.astimezone(plan.problem.tour.zone).isoformat() if plan.created else ""
    images = {f"{TIMELINE_SCHEME}:{number}": render_template(
                  "partials/day_timeline.svg", drawing=day_drawing(day, day.zone_name or view.zone_name),
                  font_stack=FONT_STACK).encode("utf-8")
              for number, day in enumerate(view.days, start=1)}
    document = render_view(view, created_iso=created, unscheduled_rows=unscheduled_rows,
                           timeline_urls=tuple(images))
    return document, images


def render(plan: Plan, *, audience: str = "team", unscheduled_rows: int | None = None) -> str:
    """The run sheet of ``plan`` as one self-contained HTML document.

    Parameters
    ----------
    plan
        A solved plan.
    audience
        ``"team"`` (internal notes and unscheduled requests included) or ``"guest"``.
    unscheduled_rows
        At most this many requests left out are listed; ``None`` (the default) lists all.

    Returns
    -------
    str
        The HTML text; the same plan always gives the same text.

    Raises
    ------
    scheduler.export.view.AudienceError
        For an unknown audience.
    """
    view = build_view(plan, audience=audience)
    created = plan.created.astimezone(plan.problem.tour.zone).isoformat() if plan.created else ""
    return render_view(view, created_iso=created, unscheduled_rows=unscheduled_rows)


def write(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write ``agenda.html`` (team) or ``agenda-guest.html`` (guest) into ``out_dir``."""
    return write_copy(out_dir, ".html", render(plan, audience=audience), audience)
