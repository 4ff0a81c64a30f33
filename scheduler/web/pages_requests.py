"""The requests page: a table to add, edit, delete, sort and filter requests; CSV import and export."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import app
from ..errors import InputError
from .common import form_text, off_loop, plain_number, redirect, render, tour_dir, workspace

__all__ = ["ROUTES", "SHOWN_COLUMNS"]

#: The columns the table shows; the edit form has every column of the file.
SHOWN_COLUMNS = ("id", "title", "guests", "counterpart", "location", "remote", "duration", "priority",
                 "mandatory", "windows")
_LABELS = {"id": "Id", "title": "Title", "kind": "Kind", "counterpart": "Counterpart",
           "contact_name": "Contact", "contact_email": "Contact email", "contact_phone": "Contact phone",
           "location": "Place id", "remote": "Remote (phone or video)", "duration": "Minutes",
           "priority": "Priority", "audience": "Audience", "mandatory": "Mandatory",
           "windows": "Windows", "fixed_start": "Fixed start", "setup_minutes": "Set-up minutes",
           "notes": "Notes", "internal_notes": "Internal notes (team only)", "value": "Value",
           "needs": "Needs (resource ids, or kind:<kind>)", "guests": "Who goes"}
#: How the ``guests`` cell is written (docs/delegations.md).
GUESTS_HINT = "anna;boris: all of them, together; anna|boris: any one of them, the planner chooses"
_NUMERIC = {"duration", "priority", "audience", "value", "setup_minutes"}


def _sort_key(column: str):
    def key(row: dict) -> tuple:
        text = row.get(column, "")
        if column in _NUMERIC:
            try:
                return (0, float(text), "")
            except ValueError:
                return (1, 0.0, text.lower())
        return (0, 0.0, text.lower())

    return key


def delegation_members(folder) -> list[tuple[str, str]]:
    """The (id, name) of each ``[[guests]]`` member of the tour (none for one guest)."""
    try:
        frame, _ = app.read_frame(folder)
    except InputError:
        return []
    return [(str(entry.get("id", "")), str(entry.get("name", ""))) for entry in frame.get("guests") or []
            if isinstance(entry, dict)]


def _table_context(request: Request, tour_id: str, table: app.RequestTable, problems=(),
                   **extra) -> dict:
    query = request.query_params.get("q", "").strip().lower()
    sort = request.query_params.get("sort", "")
    descending = request.query_params.get("order") == "desc"
    rows = [{**row, "_index": index} for index, row in enumerate(table.rows)]
    if query:
        rows = [row for row in rows if any(query in str(row.get(c, "")).lower() for c in table.columns)]
    if sort in table.columns:
        rows.sort(key=_sort_key(sort), reverse=descending)
    lines = table.lines()
    by_row: dict[int, list[str]] = {}
    general = []
    for issue in problems:
        if issue.file == "requests.csv" and issue.line in lines:
            by_row.setdefault(lines.index(issue.line), []).append(str(issue))
        else:
            general.append(str(issue))
    return {"tour_id": tour_id, "tour_name": workspace(request).info(tour_id).name,
            "section": "requests", "columns": [c for c in SHOWN_COLUMNS if c in table.columns],
            "labels": _LABELS, "rows": rows, "version": table.version, "q": query, "sort": sort,
            "order": "desc" if descending else "asc", "row_problems": by_row, "general": general,
            "members": delegation_members(workspace(request).tour_dir(tour_id)),
            "guests_hint": GUESTS_HINT, **extra}


@off_loop()
def requests_page(request: Request) -> Response:
    tour_id, folder = tour_dir(request)
    table = app.read_requests(folder)
    problems = app.check_candidate(folder, {})
    return render(request, "requests.html", _table_context(request, tour_id, table, problems))


def _edit_context(tour_id: str, request: Request, columns, row: dict, index: int | None,
                  version: str, problems: list[str]) -> dict:
    members = delegation_members(workspace(request).tour_dir(tour_id))
    guests_hint = (GUESTS_HINT + ". Members: " + ", ".join(f"{member_id} ({name})" for member_id, name in members)
                   if members else GUESTS_HINT)
    fields = [{"name": c, "label": _LABELS.get(c, c), "value": row.get(c, ""),
               "long": c in {"notes", "internal_notes", "windows", "title"},
               "hint": guests_hint if c == "guests" else ""} for c in columns]
    return {"tour_id": tour_id, "tour_name": workspace(request).info(tour_id).name,
            "section": "requests", "fields": fields, "index": index, "version": version,
            "problems": problems}


@off_loop(reads="form")
def edit_page(request: Request, form) -> Response:
    """GET: the form of one request (``new`` for an empty one); POST: save it."""
    tour_id, folder = tour_dir(request)
    table = app.read_requests(folder)
    columns = list(table.columns)
    for column in app.REQUEST_COLUMNS:
        if column not in columns:
            columns.append(column)
    if "guests" not in columns and delegation_members(folder):
        columns.insert(2, "guests")  # every request of a delegation says who goes
    which = request.path_params["index"]
    index = None if which == "new" else plain_number(which)
    if which != "new" and (index is None or not 0 <= index < len(table.rows)):
        return redirect(f"/tours/{tour_id}/requests")
    if request.method in ("GET", "HEAD"):
        row = table.rows[index] if index is not None else {}
        return render(request, "request_edit.html",
                      _edit_context(tour_id, request, columns, row, index, table.version, []))
    row = {column: form_text(form, column) for column in columns}
    rows = [dict(r) for r in table.rows]
    if index is None:
        rows.append(row)
    else:
        rows[index] = row
    position = index if index is not None else len(rows) - 1
    try:
        _, problems = app.save_requests(folder, columns, rows, form_text(form, "version"))
    except app.EditConflict as conflict:
        return render(request, "request_edit.html", _edit_context(
            tour_id, request, columns, row, index, form_text(form, "version"), [str(conflict)]),
            status_code=409)
    line = app.RequestTable(tuple(columns), tuple(rows), "").lines()[position]
    mine = [issue for issue in problems if issue.file == "requests.csv"]
    if mine:
        shown = [f"{issue.field or 'row'}: {issue.message}" for issue in mine if issue.line == line] \
            or [str(issue) for issue in mine]
        return render(request, "request_edit.html", _edit_context(
            tour_id, request, columns, row, index, form_text(form, "version"),
            ["Not saved:"] + shown), status_code=422)
    return redirect(f"/tours/{tour_id}/requests", "saved")


@off_loop(reads="form")
def delete_request(request: Request, form) -> Response:
    tour_id, folder = tour_dir(request)
    table = app.read_requests(folder)
    index = plain_number(form_text(form, "index"))
    if index is None or not 0 <= index < len(table.rows):
        return redirect(f"/tours/{tour_id}/requests")
    rows = [row for i, row in enumerate(table.rows) if i != index]
    try:
        _, problems = app.save_requests(folder, table.columns, rows, form_text(form, "version"),
                                        force=True)
    except app.EditConflict as conflict:
        return render(request, "requests.html", _table_context(
            request, tour_id, table, (), conflict=str(conflict)), status_code=409)
    return redirect(f"/tours/{tour_id}/requests", "deleted")


@off_loop(reads="upload")
def import_csv(request: Request, form) -> Response:
    tour_id, folder = tour_dir(request)
    upload = form.get("file")
    table = app.read_requests(folder)
    if upload is None or isinstance(upload, str) or not upload.filename:
        return redirect(f"/tours/{tour_id}/requests")
    data = upload.file.read()
    candidate_dir = folder
    text = data.decode("utf-8-sig", errors="replace")
    problems = app.check_candidate(candidate_dir, {"requests.csv": text})
    if any(issue.file == "requests.csv" for issue in problems):
        return render(request, "requests.html", _table_context(
            request, tour_id, table, (), import_problems=[str(p) for p in problems
                                                         if p.file == "requests.csv"]),
                      status_code=422)
    try:
        app.save_requests(folder, *_columns_rows(text), form_text(form, "version"))
    except app.EditConflict as conflict:
        return render(request, "requests.html", _table_context(
            request, tour_id, table, (), conflict=str(conflict)), status_code=409)
    return redirect(f"/tours/{tour_id}/requests", "saved")


def _columns_rows(text: str):
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    rows = [{k.strip(): (v or "") for k, v in row.items() if k} for row in reader]
    return [c.strip() for c in (reader.fieldnames or [])], rows


@off_loop()
def export_csv(request: Request) -> Response:
    tour_id, folder = tour_dir(request)
    table = app.read_requests(folder)
    return Response(app.requests_csv_text(table.columns, table.rows), media_type="text/csv",
                    headers={"content-disposition": f'attachment; filename="{tour_id}-requests.csv"',
                             "cache-control": "no-store"})


ROUTES = [
    Route("/tours/{tour_id}/requests", requests_page, methods=["GET"]),
    Route("/tours/{tour_id}/requests/{index}", edit_page, methods=["GET", "POST"]),
    Route("/tours/{tour_id}/requests-delete", delete_request, methods=["POST"]),
    Route("/tours/{tour_id}/requests-import", import_csv, methods=["POST"]),
    Route("/tours/{tour_id}/requests.csv", export_csv, methods=["GET"]),
]
