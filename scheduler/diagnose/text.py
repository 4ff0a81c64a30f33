"""The words of ``scheduler explain``: an explanation laid out for people."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..formatting import format_day, when

if TYPE_CHECKING:
    from .records import Change, Explanation, ResourceWhatIf, WhatIf, WindowReport

__all__ = ["at_place", "explanation_text", "resource_what_if_lines"]


def at_place(place: str) -> str:
    """``at PSOE, sede federal``, or ``by phone`` for a remote call.

    Parameters
    ----------
    place
        A place's name, or ``remote (phone)`` / ``remote`` as
        :meth:`~scheduler.window_fit.TourMinutes.place_name` writes a remote call.
    """
    if place.startswith("remote (") and place.endswith(")"):
        return f"by {place[len('remote ('):-1]}"
    return "remotely" if place == "remote" else f"at {place}"


def _span(pair: tuple[datetime, datetime] | None) -> str:
    """``Tue 27 Nov 10:00–11:00`` in the times' own zone (the tour's), or ``—``."""
    return "—" if pair is None else when(pair[0], pair[1])


def _change_line(change: Change, kind: str) -> str:
    """One dropped, moved or added engagement for people."""
    if kind == "moved":
        return f"{change.title}: {_span(change.before)} → {_span(change.after)}"
    pair = change.before if kind == "dropped" else change.after
    return f"{change.title} ({_span(pair)}, value {change.value})"


def explanation_text(explanation: Explanation) -> str:
    """The words of :meth:`Explanation.text`, as ``scheduler explain`` prints them.

    Parameters
    ----------
    explanation
        What :func:`~scheduler.diagnose.explain_request` found.

    Returns
    -------
    str
        The request, why it is where it is (scheduled), its windows against the tour and the
        agenda, and the what-if (left out), as indented lines.
    """
    e = explanation
    head = f"{e.title} [{e.request_id}]"
    lines = [f"{head} is {'in' if e.scheduled else 'not in'} the agenda.",
             f"  {e.duration_minutes} min {at_place(e.place)}; value {e.value}; "
             f"{'mandatory' if e.mandatory else 'optional'}."]
    if e.reason:
        # The reason is in words; its code (``no_window``) is for --json and programs.
        lines.append(f"  The plan says: {e.reason}")
    if e.placement is not None:
        lines.append("")
        lines.append("Why it is where it is:")
        lines += [f"  {line}" for line in e.placement.text]
    lines.append("")
    lines.append("Its windows against the tour's days and hours:" if e.windows
                 else "It has no window at all.")
    for report in e.windows:
        lines += _window_lines(report, e.scheduled)
    if e.what_if is not None:
        lines.append("")
        lines += _what_if_lines(e.what_if)
    if e.resource_what_if is not None:
        lines.append("")
        lines += resource_what_if_lines(e.resource_what_if)
    return "\n".join(lines)


def _window_lines(report: WindowReport, scheduled: bool) -> list[str]:
    """One window: its verdict day by day, what fills it now, and the room."""
    lines = [f"  {when(report.start, report.end)}"]
    if report.note:
        lines.append(f"    {report.note[0].upper()}{report.note[1:]}.")
    for fit in report.days:
        lines.append(f"    {format_day(fit.date)}: {fit.text}.")
        if fit.occupants and not scheduled:
            lines.append("      In that time now:")
            for occupant in fit.occupants:
                lines.append(f"        - {occupant.text}")
                if occupant.why:
                    lines.append(f"          ({occupant.why})")
        if fit.room_text:
            label = {"free": "Room", "travel": "Travel", "occupied": "Room",
                     "full": "Cap"}.get(fit.room or "", "Room")
            lines.append(f"      {label}: {fit.room_text}.")
    return lines


def _what_if_lines(what_if: WhatIf) -> list[str]:
    """The what-if: where it would go, what drops, moves or joins, and the value; or the conflict."""
    w = what_if
    lines = ["What if it were mandatory (the same planner, the current agenda as a start):"]
    if not w.fits:
        lines.append("  It cannot fit even then.")
        if w.conflict is not None:
            lines.append(f"  {w.conflict.headline}")
            lines += [f"    - {detail}" for detail in w.conflict.details]
        return lines
    lines.append(f"  It would be placed {_span(w.placed.after if w.placed else None)}.")
    for kind, items in (("dropped", w.dropped), ("moved", w.moved), ("added", w.added)):
        if items:
            lines.append(f"  {kind.capitalize()}:")
            lines += [f"    - {_change_line(item, kind)}" for item in items]
    if not (w.dropped or w.moved or w.added):
        lines.append("  Nothing else changes.")
    change = w.value_change or 0
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    verdict = "gained" if change > 0 else ("lost" if change < 0 else "unchanged")
    lines.append(f"  Value served: {w.value_before} → {w.value_after} "
                 f"({sign}{abs(change)}, {verdict}).")
    if w.solver_status != "optimal":
        lines.append("  (The search stopped at its time limit: a better agenda may exist; "
                     "try a longer --time-limit.)")
    return lines


def resource_what_if_lines(what_if: ResourceWhatIf) -> list[str]:
    """The what-if with a second resource: the explained request, what joins, drops or moves,
    what the copy would take, and the value."""
    w = what_if
    lines = [f"What if there were a second {w.copy_name.removesuffix(' (second)')} "
             f"({w.copy_id}: the same kind, hours and travel as {w.resource_id}):"]
    if w.request_id is not None:
        placed = next((c for c in w.served if c.request_id == w.request_id), None)
        if placed is not None:
            lines.append(f"  [{w.request_id}] would be served {_span(placed.after)}.")
        elif not w.request_served:
            lines.append(f"  [{w.request_id}] would still be left out.")
    for kind, items in (("newly served", w.served), ("dropped", w.dropped), ("moved", w.moved)):
        if items:
            lines.append(f"  {kind[0].upper()}{kind[1:]}:")
            lines += [f"    - {_change_line(item, 'added' if kind == 'newly served' else kind)}"
                      for item in items]
    if not (w.served or w.dropped or w.moved):
        lines.append("  Nothing would change: the agenda gains nothing from it.")
    if w.uses:
        lines.append(f"  {w.copy_id} would take: {', '.join(w.uses)}.")
    change = w.value_change
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    verdict = "gained" if change > 0 else ("lost" if change < 0 else "unchanged")
    lines.append(f"  Value served: {w.value_before} → {w.value_after} ({sign}{abs(change)}, {verdict}).")
    if w.solver_status != "optimal":
        lines.append("  (The search stopped at its time limit: a better agenda may exist; "
                     "try a longer --time-limit.)")
    return lines
