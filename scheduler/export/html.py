"""The printable run sheet as one self-contained HTML file (``agenda.html``): cover, one page a day.

Everything the page needs is inside it: styles inline, the timelines as inline SVG, no
scripts, no fonts or images to fetch, and a Content-Security-Policy that forbids loading
anything should a browser be tempted. Print CSS lays it out on A4 with a page per day, and
:mod:`scheduler.export.pdf` turns the same text into ``agenda.pdf``.

Every text that comes from the input goes through :func:`html.escape` once, here or in
:mod:`scheduler.export.timeline`; nothing from the input is placed in CSS or in a URL.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..domain import Plan
from .timeline import COLORS, FONT_STACK, day_timeline_svg
from .view import (
    BreakItem,
    DayView,
    EngagementItem,
    PlanView,
    build_view,
    format_duration,
    format_number,
    write_copy,
)

__all__ = ["render", "render_view", "write"]

STYLE = """
@page {
  size: A4;
  margin: 14mm 15mm 15mm 15mm;
  @bottom-left {
    content: "Confidential: the guest's itinerary. Do not forward.";
    font-family: FONT; font-size: 7pt; color: #6b7682;
  }
  @bottom-right {
    content: "Page " counter(page) " of " counter(pages);
    font-family: FONT; font-size: 7pt; color: #6b7682;
  }
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; }
body {
  margin: 0; font-family: FONT; font-size: 9pt; line-height: 1.35; color: INK;
  background: #e6eaee;
}
.page {
  background: #fff; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 14mm 15mm;
  box-shadow: 0 1px 4px rgba(0,0,0,.18);
}
.page + .page { break-before: page; page-break-before: always; }
@media print {
  body { background: #fff; }
  .page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
h1, h2, h3 { margin: 0; font-weight: bold; line-height: 1.15; }
h1 { font-size: 22pt; letter-spacing: -0.2pt; }
h2 { font-size: 17pt; }
h3 { font-size: 10.5pt; margin: 14pt 0 5pt; color: ENGAGEMENT; text-transform: uppercase;
     letter-spacing: 0.6pt; }
p { margin: 0 0 5pt; }
.muted { color: MUTED; }
.small { font-size: 7.5pt; }
.banner {
  display: flex; justify-content: space-between; align-items: center;
  border-top: 3pt solid ENGAGEMENT; padding-top: 5pt; margin-bottom: 22pt;
  font-size: 7.5pt; color: MUTED; text-transform: uppercase; letter-spacing: 0.5pt;
}
.badge {
  display: inline-block; padding: 1pt 5pt; border-radius: 7pt; font-size: 6.8pt; font-weight: bold;
  text-transform: uppercase; letter-spacing: 0.4pt; white-space: nowrap; vertical-align: 1pt;
}
.badge-copy { background: ENGAGEMENT; color: #fff; }
.badge-remote { background: REMOTE; color: ENGAGEMENT; border: 0.6pt dashed ENGAGEMENT; }
.badge-estimated { background: #fff; color: TRAVEL_EDGE; border: 0.6pt dashed TRAVEL_EDGE; }
.badge-must { background: #7a1f1f; color: #fff; }
.subtitle { font-size: 12pt; color: MUTED; margin-top: 5pt; }
.facts { width: 100%; border-collapse: collapse; margin: 16pt 0 4pt; }
.facts th { text-align: left; width: 32%; font-weight: normal; color: MUTED; padding: 3pt 0;
            vertical-align: top; }
.facts td { padding: 3pt 0; border-bottom: 0.5pt solid GRID; }
.totals { display: flex; flex-wrap: wrap; gap: 6pt; margin: 10pt 0 4pt; }
.total { flex: 1 1 0; min-width: 28mm; border: 0.6pt solid GRID; border-radius: 4pt;
         padding: 6pt 7pt; background: #f7f9fb; }
.total .number { font-size: 13pt; white-space: nowrap; font-weight: bold; color: ENGAGEMENT; line-height: 1.1; }
.total .label { font-size: 7pt; color: MUTED; text-transform: uppercase; letter-spacing: 0.4pt; }
.total .detail { font-size: 7pt; color: MUTED; }
.status-optimal .number { color: #2e6b1f; }
.status-other .number { color: #9a5a00; }
.notice { margin-top: 14pt; padding: 7pt 9pt; border-left: 3pt solid #7a1f1f; background: #fbf3f3;
          font-size: 8pt; }
table.grid { width: 100%; border-collapse: collapse; font-size: 8.2pt; }
table.grid th { text-align: left; white-space: nowrap; font-size: 7pt; color: MUTED; text-transform: uppercase;
                letter-spacing: 0.4pt; font-weight: bold; border-bottom: 1pt solid INK;
                padding: 3pt 4pt; }
table.grid td { padding: 4pt 4pt; border-bottom: 0.5pt solid GRID; vertical-align: top; }
table.grid tr { break-inside: avoid; page-break-inside: avoid; }
td.num, table.grid th.num { text-align: right; white-space: nowrap; }
.cover-note { margin-top: 6pt; }
.day-head { display: flex; justify-content: space-between; align-items: flex-end;
            border-bottom: 1.5pt solid ENGAGEMENT; padding-bottom: 5pt; margin-bottom: 6pt; }
.kicker { font-size: 7.5pt; color: MUTED; text-transform: uppercase; letter-spacing: 0.6pt; }
.zone { text-align: right; font-size: 8pt; }
.zone strong { font-size: 10pt; color: ENGAGEMENT; }
.day-meta { font-size: 8.3pt; color: MUTED; margin: 0 0 6pt; }
.day-meta strong { color: INK; }
svg.timeline { display: block; width: 100%; height: auto; margin: 4pt 0 10pt; }
table.run { font-size: 7.8pt; line-height: 1.28; table-layout: fixed; }
table.run td { overflow-wrap: break-word; }
table.run td { padding: 3.5pt 3.5pt; }
table.run col.c-time { width: 15.5%; }
table.run col.c-what { width: 32%; }
table.run col.c-where { width: 19%; }
table.run col.c-contact { width: 16.5%; }
table.run col.c-travel { width: 17%; }
.n { display: inline-block; width: 12pt; margin-right: 3pt; padding: 0.5pt 0; border-radius: 6pt;
     background: ENGAGEMENT; color: #fff; font-size: 7pt; text-align: center; vertical-align: 0.5pt; }
.n.blank { background: none; }
tr.remote .n { background: REMOTE; color: ENGAGEMENT; border: 0.6pt dashed ENGAGEMENT; }
.time { font-weight: bold; font-size: 8.8pt; white-space: nowrap; }
.time + div { padding-left: 15pt; }
.setup { margin-top: 2pt; padding: 1pt 3pt; font-size: 7pt; background: #e8f0f9; border-radius: 2pt;
         white-space: nowrap; }
.nowrap { white-space: nowrap; }
.title { font-weight: bold; font-size: 8.4pt; }
.who { color: MUTED; }
.note { margin-top: 2pt; }
.internal { margin-top: 2pt; padding: 1.5pt 4pt; background: #fff5cc; border-left: 2pt solid #d4a300; }
.leg + .leg { margin-top: 3pt; }
.label { color: MUTED; }
tr.marker td { background: #f2f5f8; color: MUTED; font-size: 8pt; border-bottom: 0.5pt solid GRID; }
tr.marker .time { color: INK; }
tr.break td { background: #f1f8ec; }
tr.break .title { color: BREAK_TEXT; font-weight: normal; }
.empty { padding: 14pt; text-align: center; color: MUTED; border: 0.6pt dashed GRID; }
"""


def _style() -> str:
    replacements = {
        "FONT": FONT_STACK,
        "INK": COLORS["ink"],
        "MUTED": COLORS["muted"],
        "GRID": COLORS["grid"],
        "ENGAGEMENT": COLORS["engagement"],
        "REMOTE": COLORS["remote_fill"],
        "TRAVEL_EDGE": COLORS["travel_edge"],
        "BREAK_TEXT": COLORS["break_text"],
    }
    css = STYLE
    # Longest names first so INK does not clobber a longer name that contains it.
    for name in sorted(replacements, key=len, reverse=True):
        css = css.replace(name, replacements[name])
    return css


def _e(text: object) -> str:
    """Escape input text for HTML content and attributes, keeping its line breaks."""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return escape(value, quote=True).replace("\n", "<br>")


def _breakable_email(address: str) -> str:
    """An escaped e-mail address that may wrap after ``@`` and before a dot, not inside a name."""
    escaped = _e(address)
    return escaped.replace("@", "@<wbr>").replace(".", "<wbr>.")


def _cover(view: PlanView) -> str:
    copy = "Team copy: internal notes included" if view.is_team else "Guest copy"
    status_class = "status-optimal" if view.proven_optimal else "status-other"
    engaged_days = sum(1 for day in view.days if day.engagements)
    facts = [("Guest", _e(view.guest_name)),
             ("Dates", f"{_e(view.dates_text)} ({len(view.days)} day{'s' if len(view.days) != 1 else ''})"),
             ("Times shown in", f"{_e(view.zone_name)}: the local time of each day, "
                                "with the zone on every page")]
    if view.guest_timezone and view.guest_timezone != view.zone_name:
        facts.append(("Guest's home zone", f"{_e(view.guest_timezone)} (a phone still set to it shows other times)"))
    if view.organizer_name or view.organizer_email:
        organizer = _e(view.organizer_name)
        if view.organizer_email:
            organizer += f' <span class="muted">&lt;{_e(view.organizer_email)}&gt;</span>'
        facts.append(("Organizer", organizer))
    if view.created_text:
        facts.append(("Plan made", _e(view.created_text)))
    fact_rows = "\n".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in facts)

    audience_detail = (f"{sum(1 for e in view.engagements if e.audience is not None)} of "
                       f"{view.engagement_count} with a known audience")
    travel_detail = f"{view.travel_legs} leg{'s' if view.travel_legs != 1 else ''}"
    if view.estimated_legs:
        travel_detail += f", {view.estimated_legs} estimated"
    solver_detail = "the best plan there is for these requests" if view.proven_optimal else \
        "a good plan, not proven the best"
    share = view.value_share
    value_detail = (f"{share}% of the value asked" if share is not None else "of the value asked")
    totals = [
        ("Engagements", format_number(view.engagement_count),
         f"on {engaged_days} of {len(view.days)} days", ""),
        ("Audience reached", format_number(view.audience_reached), audience_detail, ""),
        ("Value served", f"{format_number(view.value_served)} / {format_number(view.value_total)}",
         value_detail, ""),
        ("Travel", format_duration(view.travel_minutes), travel_detail, ""),
        ("Solver", "Optimal" if view.proven_optimal else "Not proven", solver_detail, status_class),
    ]
    total_cards = "\n".join(
        f'<div class="total {extra}"><div class="label">{_e(label)}</div>'
        f'<div class="number">{_e(number)}</div><div class="detail">{_e(detail)}</div></div>'
        for label, number, detail, extra in totals)

    day_rows = []
    for day in view.days:
        engagements = day.engagements
        span = (f"{engagements[0].start_text}\u2013{engagements[-1].end_text}" if engagements else "\u2014")
        places = _e(day.start_place)
        if day.end_place != day.start_place:
            places += " \u2192 " + _e(day.end_place)
        day_rows.append(
            f'<tr><td class="nowrap"><strong>{_e(day.date_text)}</strong></td>'
            f'<td class="nowrap">{_e(day.start_text)}\u2013{_e(day.end_text)} <span class="muted small">'
            f'{_e(day.zone_abbreviation)}</span></td>'
            f'<td>{places}</td>'
            f'<td class="num">{len(engagements)}</td><td class="nowrap">{_e(span)}</td>'
            f'<td class="num">{_e(format_duration(day.travel_minutes))}</td></tr>')
    overview = (
        '<table class="grid overview"><thead><tr><th>Day</th><th>Hours</th><th>From \u2192 to</th>'
        '<th class="num">Engagements</th><th>First \u2013 last</th><th class="num">Travel</th></tr></thead>'
        f'<tbody>{"".join(day_rows)}</tbody></table>')

    solver_line = f"Solver: {_e(view.solver_text)}."
    unscheduled_line = ""
    if view.is_team and view.unscheduled_count:
        count = view.unscheduled_count
        plural = "s" if count != 1 else ""
        unscheduled_line = (f'<p class="cover-note">{count} request{plural} could not be scheduled: '
                            "see the last page.</p>")
    return f"""<section class="page cover">
<div class="banner"><span>Run sheet</span><span class="badge badge-copy">{_e(copy)}</span></div>
<h1>{_e(view.tour_name)}</h1>
<div class="subtitle">Agenda for {_e(view.guest_name)} \u00b7 {_e(view.dates_text)}</div>
<table class="facts">{fact_rows}</table>
<h3>At a glance</h3>
<div class="totals">{total_cards}</div>
<p class="muted small">Audience reached is the sum of the audiences the counterparts gave for the
engagements served. {solver_line}</p>
<h3>Days</h3>
{overview}
{unscheduled_line}
<div class="notice"><strong>Confidential.</strong> This document holds the guest's full itinerary:
where they will be and when. Keep it with the guest and the organizing team; do not forward it
or leave it in shared places. Counterparts receive their own slot only.</div>
</section>"""


def _travel_cell(item: EngagementItem) -> str:
    parts = []
    for leg in item.travel_before:
        # "from X" when the leg ends here; the whole move when it ends elsewhere (remote).
        route = (f"from {_e(leg.origin)}" if leg.destination_id == item.place_id
                 else f"{_e(leg.origin)} \u2192 {_e(leg.destination)}")
        estimated = ' <span class="badge badge-estimated">estimated</span>' if leg.estimated else ""
        parts.append(f'<div class="leg"><strong>leave {_e(leg.start_text)}</strong>{estimated}'
                     f'<div class="small"><span class="nowrap">{_e(format_duration(leg.minutes))}</span> '
                     f'{route}</div></div>')
    return "".join(parts) if parts else '<span class="muted small">no travel</span>'


def _engagement_row(item: EngagementItem, is_team: bool) -> str:
    time_cell = (f'<div class="time"><span class="n">{item.number}</span>{_e(item.start_text)}\u2013'
                 f'{_e(item.end_text)}</div>'
                 f'<div class="small muted">{_e(format_duration(item.duration_minutes))}</div>')
    if item.setup_minutes:
        time_cell += (f'<div class="setup"><strong>Be there {_e(item.arrive_text)}</strong><br>'
                      f'{_e(format_duration(item.setup_minutes))} set-up</div>')
    what = f'<div class="title">{_e(item.title)}</div>'
    who = " \u00b7 ".join(part for part in (_e(item.kind_label), _e(item.counterpart)) if part)
    if is_team and item.mandatory:
        who += ' <span class="badge badge-must">must</span>'
    what += f'<div class="who">{who}</div>'
    if item.notes:
        what += f'<div class="note"><span class="label">Notes:</span> {_e(item.notes)}</div>'
    if is_team and item.internal_notes:
        what += f'<div class="internal"><strong>Team only:</strong> {_e(item.internal_notes)}</div>'
    if item.is_remote:
        where = f'<span class="badge badge-remote">remote \u00b7 {_e(item.remote)}</span>'
        if item.place:
            where += f'<div class="small">from {_e(item.place)}; a quiet room is needed</div>'
    else:
        where = f'<strong>{_e(item.place)}</strong>'
        if item.address:
            where += f'<div class="small">{_e(item.address)}</div>'
    contact_lines = [_e(item.contact_name), _breakable_email(item.contact_email), _e(item.contact_phone)]
    contact_lines = [line for line in contact_lines if line]
    contact = "<br>".join(contact_lines) if contact_lines else '<span class="muted">\u2014</span>'
    remote_class = " remote" if item.is_remote else ""
    return (f'<tr class="engagement{remote_class}" id="e-{_e(item.request_id)}">'
            f'<td>{time_cell}</td><td>{what}</td><td>{where}</td>'
            f'<td class="small">{contact}</td><td>{_travel_cell(item)}</td></tr>')


def _break_row(item: BreakItem) -> str:
    return (f'<tr class="break"><td><div class="time"><span class="n blank"></span>{_e(item.start_text)}\u2013'
            f'{_e(item.end_text)}</div></td><td colspan="4"><span class="title">{_e(item.title)}</span>'
            f' <span class="small">({_e(format_duration(item.minutes))})</span></td></tr>')


def _marker_row(time_text: str, content: str) -> str:
    return (f'<tr class="marker"><td><div class="time"><span class="n blank"></span>{_e(time_text)}</div></td>'
            f'<td colspan="4">{content}</td></tr>')


def _day(day: DayView, view: PlanView) -> str:
    engagements = day.engagements
    summary = [f"<strong>{len(engagements)}</strong> engagement{'s' if len(engagements) != 1 else ''}",
               f"<strong>{_e(format_duration(day.travel_minutes))}</strong> travel"]
    if day.audience_reached:
        summary.append(f"audience <strong>{_e(format_number(day.audience_reached))}</strong>")
    meta = (f"Hours <strong>{_e(day.start_text)}\u2013{_e(day.end_text)}</strong> \u00b7 "
            f"from <strong>{_e(day.start_place)}</strong> to <strong>{_e(day.end_place)}</strong>"
            f" \u00b7 " + " \u00b7 ".join(summary))
    rows = [_marker_row(day.start_text, f"Day starts at {_e(day.start_place)}")]
    arrival = day.closing_travel[-1] if day.closing_travel else None
    for item in day.items:
        if isinstance(item, EngagementItem):
            rows.append(_engagement_row(item, view.is_team))
        elif isinstance(item, BreakItem):
            rows.append(_break_row(item))
        elif item == arrival and item != day.items[-1]:
            # The way to the night's place gets its own row when something (a late meal) follows it.
            rows.append(_marker_row(item.end_text, f"Arrive at {_e(day.end_place)} "
                                                   f"({_e(day.arrival_text)})"))
    ending = f"Day ends at {_e(day.end_place)}"
    if arrival is not None and arrival == day.items[-1]:
        ending += f" ({_e(day.arrival_text)})"
    rows.append(_marker_row(day.programme_end_text, ending))
    if engagements:
        table = ('<table class="grid run"><colgroup><col class="c-time">'
                 '<col class="c-what"><col class="c-where"><col class="c-contact"><col class="c-travel">'
                 '</colgroup><thead><tr><th>Time</th><th>Engagement</th><th>Where</th>'
                 '<th>Contact</th><th>Travel</th></tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table>')
    else:
        table = '<div class="empty">No engagements this day.</div>'
    return f"""<section class="page day" id="day-{day.date.isoformat()}">
<div class="day-head"><div><div class="kicker">Day {day.number} of {day.count} \u00b7 {_e(view.tour_name)}</div>
<h2>{_e(day.date_text)}</h2></div>
<div class="zone">Times in <strong>{_e(day.zone_abbreviation)}</strong><br>
<span class="muted">{_e(day.zone_label)}</span></div></div>
<p class="day-meta">{meta}</p>
{day_timeline_svg(day, view.zone_name)}
{table}
</section>"""


def _unscheduled(view: PlanView) -> str:
    rows = []
    for item in view.unscheduled:
        must = ' <span class="badge badge-must">must</span>' if item.mandatory else ""
        rows.append(f'<tr><td><div class="title">{_e(item.title)}</div>'
                    f'<div class="small muted">{_e(item.request_id)}</div></td>'
                    f'<td>{_e(item.counterpart)}</td><td>{_e(item.kind_label)}</td>'
                    f'<td class="num">{_e(format_number(item.value))}{must}</td>'
                    f'<td>{_e(item.reason)} <span class="small muted">({_e(item.code)})</span></td></tr>')
    return f"""<section class="page unscheduled">
<div class="day-head"><div><div class="kicker">Team only \u00b7 {_e(view.tour_name)}</div>
<h2>Not scheduled ({len(view.unscheduled)})</h2></div></div>
<p class="day-meta">Requests this plan leaves out, and why. Freed time during the visit can go to them.</p>
<table class="grid"><thead><tr><th>Request</th><th>Counterpart</th><th>Kind</th><th class="num">Value</th>
<th>Reason</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
</section>"""


def render_view(view: PlanView, *, created_iso: str = "") -> str:
    """The HTML document of a prepared :class:`~scheduler.export.view.PlanView`.

    Parameters
    ----------
    view
        From :func:`scheduler.export.view.build_view`.
    created_iso
        The plan's creation time as ISO 8601, written as document metadata (WeasyPrint
        copies it into the PDF); ``""`` for none.

    Returns
    -------
    str
        A complete HTML5 document.
    """
    copy = "team" if view.is_team else "guest"
    created_meta = f'\n<meta name="dcterms.created" content="{_e(created_iso)}">' if created_iso else ""
    sections = [_cover(view)] + [_day(day, view) for day in view.days]
    if view.is_team and view.unscheduled:
        sections.append(_unscheduled(view))
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="generator" content="scheduler">
<meta name="author" content="{_e(view.organizer_name)}">{created_meta}
<title>Run sheet: {_e(view.tour_name)} \u2014 {_e(view.guest_name)} ({copy} copy)</title>
<style>{_style()}</style>
</head>
<body class="audience-{copy}">
{body}
</body>
</html>
"""


def render(plan: Plan, *, audience: str = "team") -> str:
    """The run sheet of ``plan`` as one self-contained HTML document.

    Parameters
    ----------
    plan
        A solved plan.
    audience
        ``"team"`` (internal notes and unscheduled requests included) or ``"guest"``.

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
    return render_view(view, created_iso=created)


def write(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write ``agenda.html`` (team) or ``agenda-guest.html`` (guest) into ``out_dir``."""
    return write_copy(out_dir, ".html", render(plan, audience=audience), audience)
