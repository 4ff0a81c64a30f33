"""The frame page: ``tour.toml`` as a form, checked as ``scheduler check`` checks it, versioned."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from .. import app
from ..errors import InputError, InputIssue
from .common import form_text, off_loop, plain_number, redirect, render, tour_dir, workspace

__all__ = ["FIELDS", "ROUTES", "frame_from_form"]

#: The frame's single fields: (dotted key, label, input type, hint).
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("tour.id", "Tour id", "text", "letters, digits, - and _; used in calendar ids"),
    ("tour.name", "Name of the visit", "text", ""),
    ("tour.timezone", "Time zone", "text", "like Europe/Madrid"),
    ("tour.first_day", "First working day", "date", ""),
    ("tour.last_day", "Last working day", "date", ""),
    ("guest.name", "Guest", "text", ""),
    ("guest.timezone", "Time zone of the guest's phone", "text", "empty: the tour's"),
    ("organizer.name", "Organizer", "text", "who sends the invitations"),
    ("organizer.email", "Organizer's email", "email", ""),
    ("arrival.at", "Arrival", "datetime-local", ""),
    ("arrival.location", "Arrival place", "text", "a place id"),
    ("arrival.buffer_minutes", "Minutes after arrival before anything", "number", ""),
    ("departure.at", "Departure", "datetime-local", ""),
    ("departure.location", "Departure place", "text", "a place id"),
    ("departure.buffer_minutes", "Minutes before departure to be there", "number", ""),
    ("hours.start", "Working hours from", "time", ""),
    ("hours.end", "Working hours until", "time", ""),
    ("meal.earliest", "Meal break not before", "time", ""),
    ("meal.latest", "Meal break ends by", "time", ""),
    ("meal.minutes", "Meal minutes", "number", ""),
    ("limits.max_engagements_per_day", "Most engagements a day", "number", ""),
    ("limits.min_buffer_minutes", "Minutes between engagements", "number", ""),
    ("limits.time_step_minutes", "Start times on a grid of (minutes)", "number", "1 to 60"),
)
SECTIONS = (("The visit", "tour."), ("People", ("guest.", "organizer.")),
            ("Arrival and departure", ("arrival.", "departure.")),
            ("Hours and meal", ("hours.", "meal.")), ("Limits", "limits."))
#: The rows of the frame's tables: key → (column, label, input type).
ARRAYS = {
    "lodging": (("location", "Place id", "text"), ("first_night", "First night", "date"),
                ("last_night", "Last night", "date")),
    "hours.day": (("date", "Date", "date"), ("start", "From", "time"), ("end", "Until", "time"),
                  ("off", "Day off", "checkbox")),
}
_BLANK_ROWS = 2


def _get(frame: dict, key: str) -> Any:
    value: Any = frame
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _set(frame: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    table = frame
    for part in parts[:-1]:
        table = table.setdefault(part, {})
    if value is None:
        table.pop(parts[-1], None)
    else:
        table[parts[-1]] = value


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "datetime-local" and isinstance(value, datetime):
        return value.isoformat()[:16]
    if kind == "time":
        return str(value)[:5]
    if kind == "checkbox":
        return "on" if value else ""
    return str(value)


def _parsed(text: str, kind: str) -> Any:
    """A form text as a TOML value (ValueError with a message when it is not one)."""
    if kind == "checkbox":
        return True if text else None
    if text == "":
        return None
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "datetime-local":
        return datetime.fromisoformat(text)
    if kind == "number":
        try:
            return int(text)
        except ValueError:
            raise ValueError("not a whole number") from None
    if kind == "time":
        datetime.strptime(text, "%H:%M")
        return text
    return text


def frame_from_form(form, frame: dict) -> tuple[dict, dict[str, list[str]]]:
    """The frame with the form's values, and the values that are not even of the right kind."""
    frame = {key: (dict(value) if isinstance(value, dict) else value) for key, value in frame.items()}
    if isinstance(frame.get("hours"), dict):
        frame["hours"] = dict(frame["hours"])
    local: dict[str, list[str]] = {}
    for key, _label, kind, _hint in FIELDS:
        text = form_text(form, key)
        try:
            _set(frame, key, _parsed(text, kind))
        except ValueError as error:
            local.setdefault(key, []).append(f"{text!r}: {error}")
    for array, columns in ARRAYS.items():
        rows = []
        # The count is a hidden field: rows past the fields the form holds would be empty.
        count = min(plain_number(form_text(form, f"{array}.rows")) or 0, len(form))
        for index in range(count):
            row = {}
            for column, _label, kind in columns:
                name = f"{array}.{index}.{column}"
                try:
                    value = _parsed(form_text(form, name), kind)
                except ValueError as error:
                    local.setdefault(name, []).append(str(error))
                    continue
                if value is not None:
                    row[column] = value
            if row:
                rows.append(row)
        _set(frame, array, rows or None)
    for section in ("tour", "guest", "organizer", "arrival", "departure", "hours", "meal", "limits"):
        if frame.get(section) == {}:
            del frame[section]
    return frame, local


def _place_problems(problems, text: app.FrameText | None) -> tuple[dict[str, list[str]], list[str]]:
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for issue in problems:
        if issue.file != "tour.toml":
            general.append(str(issue))
            continue
        key, index = text.key_of(issue) if text else (issue.field, None)
        array = next((name for name in ARRAYS if key and key.startswith(name + ".")), None)
        if array and index is not None:
            name = f"{array}.{index}.{key[len(array) + 1:]}"
        else:
            name = key or ""
        known = {f[0] for f in FIELDS} | set(ARRAYS)
        if name in known or (array and index is not None):
            by_field.setdefault(name, []).append(issue.message)
        elif key in ARRAYS:
            by_field.setdefault(key, []).append(issue.message)
        else:
            general.append(str(issue))
    return by_field, general


#: Labels that read differently for a delegation (``[[guests]]``): key → (label, hint).
_DELEGATION_LABELS = {
    "guest.name": ("Name of the delegation", "empty: the members' names"),
    "guest.timezone": ("Time zone of the delegation's calendars", "empty: the tour's; each member has their own"),
}
#: What the form cannot edit and a save must keep exactly as it is.
_KEPT_AS_WRITTEN = ("guests", "resources", "legs")


def _members(frame: dict) -> list[dict[str, str]]:
    """The ``[[guests]]`` of a frame as the read-only table shows them."""
    members = []
    for entry in frame.get("guests") or []:
        if not isinstance(entry, dict):
            continue
        hours = entry.get("hours") if isinstance(entry.get("hours"), dict) else {}
        own = []
        if hours.get("start") or hours.get("end"):
            own.append(f"hours {_shown(hours.get('start'), 'time') or '…'}–{_shown(hours.get('end'), 'time') or '…'}")
        if hours.get("day"):
            own.append(f"{len(hours['day'])} day(s) of their own hours")
        for key, word in (("arrival", "arrives"), ("departure", "leaves")):
            moment = entry.get(key) if isinstance(entry.get(key), dict) else {}
            if moment.get("at"):
                own.append(f"{word} {_shown(moment['at'], 'datetime-local').replace('T', ' ')}"
                           f"{' at ' + str(moment['location']) if moment.get('location') else ''}")
        if entry.get("lodging"):
            places = ", ".join(dict.fromkeys(str(night.get("location", "")) for night in entry["lodging"]
                                             if isinstance(night, dict)))
            own.append(f"sleeps at {places}")
        members.append({"id": str(entry.get("id", "")), "name": str(entry.get("name", "")),
                        "timezone": str(entry.get("timezone", "") or "the tour's"),
                        "own": "; ".join(own) or "the tour's days, hours and lodging"})
    return members


def _keeps_what_it_cannot_edit(original: dict, edited: dict) -> bool:
    """Whether ``tour.toml`` written from ``edited`` reads back with the members, resources
    and legs of ``original`` unchanged (the form shows them, it does not edit them)."""
    try:
        again = app.parse_toml(app.frame_text(edited).text)
    except (TypeError, ValueError, tomllib.TOMLDecodeError):
        return False
    return all(again.get(key) == original.get(key) for key in _KEPT_AS_WRITTEN)


def _context(frame: dict, version: str, by_field: dict[str, list[str]], general: list[str]) -> dict:
    delegation = bool(frame.get("guests"))
    sections = []
    for title, prefixes in SECTIONS:
        fields = []
        for key, label, kind, hint in FIELDS:
            if not key.startswith(prefixes):
                continue
            if delegation and key in _DELEGATION_LABELS:
                label, hint = _DELEGATION_LABELS[key]
            fields.append({"name": key, "label": label, "type": kind, "hint": hint,
                           "value": _shown(_get(frame, key), kind), "problems": by_field.get(key, [])})
        sections.append({"title": title, "fields": fields})
    arrays = []
    for array, columns in ARRAYS.items():
        rows = list(_get(frame, array) or []) + [{}] * _BLANK_ROWS
        arrays.append({"name": array, "rows": len(rows), "problems": by_field.get(array, []),
                       "title": "Lodging, night by night" if array == "lodging" else "Hours of one day",
                       "columns": columns,
                       "cells": [[{"name": f"{array}.{i}.{column}", "label": label, "type": kind,
                                   "value": _shown(row.get(column) if isinstance(row, dict) else None, kind),
                                   "problems": by_field.get(f"{array}.{i}.{column}", [])}
                                  for column, label, kind in columns] for i, row in enumerate(rows)]})
    return {"sections": sections, "arrays": arrays, "version": version, "general": general,
            "members": _members(frame) if delegation else [],
            "resources": [str(r.get("name") or r.get("id", "")) for r in frame.get("resources") or []
                          if isinstance(r, dict)]}


@off_loop(reads="form")
def frame_page(request: Request, form):
    tour_id, folder = tour_dir(request)
    info = workspace(request).info(tour_id)
    base = {"tour_id": tour_id, "tour_name": info.name, "section": "frame"}
    try:
        frame, version = app.read_frame(folder)
    except InputError as error:
        return render(request, "frame.html", {**base, **_context({}, "", {}, [str(p) for p in error.problems])})
    if request.method in ("GET", "HEAD"):
        problems: tuple[InputIssue, ...] = app.check_candidate(folder, {})
        by_field, general = _place_problems(problems, None)
        return render(request, "frame.html", {**base, **_context(frame, version, by_field, general)})
    edited, local = frame_from_form(form, frame)
    given_version = form_text(form, "version")
    if local:
        context = _context(edited, given_version, local, ["Some values are not of the right kind; "
                                                          "nothing was saved."])
        return render(request, "frame.html", {**base, **context}, status_code=422)
    if not _keeps_what_it_cannot_edit(frame, edited):
        context = _context(edited, given_version, {}, [
            "Nothing was saved: the form cannot write the delegation's members, the shared "
            "resources or the booked legs of this tour.toml back as they are. Edit tour.toml "
            "itself (or upload the tour folder again)."])
        return render(request, "frame.html", {**base, **context}, status_code=422)
    try:
        new_version, problems = app.save_frame(folder, edited, given_version)
    except app.EditConflict as conflict:
        context = _context(edited, given_version, {}, [str(conflict)])
        return render(request, "frame.html", {**base, **context, "conflict": True}, status_code=409)
    by_field, general = _place_problems(problems, app.frame_text(edited))
    if any(problem.file == "tour.toml" for problem in problems):
        context = _context(edited, given_version, by_field,
                           ["The frame has problems (shown next to their fields); nothing was saved."]
                           + general)
        return render(request, "frame.html", {**base, **context}, status_code=422)
    return redirect(f"/tours/{tour_id}/frame", "saved")


ROUTES = [Route("/tours/{tour_id}/frame", frame_page, methods=["GET", "POST"])]
