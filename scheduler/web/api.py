"""The JSON API under ``/api`` (the contract of docs/web.md): tours, plan, re-plan, versions, files,
progress."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import mimetypes
import tomllib
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import app
from .common import kept_versions, off_loop, on_loop, plain_number, runner, settings, tour_dir, workspace
from .problems import problem_list
from .workspace import UnsafeUpload

__all__ = ["ROUTES", "WRITING_KINDS", "latest_outcome", "start_job"]

#: The tasks that write a tour's plan: ``GET .../plan`` answers 202 while one runs.
WRITING_KINDS = ("plan", "replan", "replan-accept", "write-plan", "restore")
_INPUT_FILES = ("tour.toml", "requests.csv")


def _error(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": error, "message": message, **extra}, status_code=status)


def _json_body(body: bytes | None) -> dict[str, Any]:
    if body is None or not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested thousands deep
        return {"__invalid__": True}
    return data if isinstance(data, dict) else {"__invalid__": True}


def start_job(request: Request, tour_id: str, kind: str, kwargs: dict[str, Any],
              meta: dict[str, Any] | None = None):
    """Start a task for a tour unless it is busy: (job, started)."""
    return runner(request).start(tour_id, kind, kwargs, meta)


def latest_outcome(request: Request, tour_id: str):
    """The tour's most recently finished writing job, if any."""
    jobs = [runner(request).last(tour_id, kind) for kind in WRITING_KINDS]
    jobs = [job for job in jobs if job is not None and not job.running]
    return max(jobs, key=lambda job: job.finished or 0, default=None)


@off_loop()
def list_tours(request: Request) -> Response:
    return JSONResponse([tour.to_dict() for tour in workspace(request).tours()])


@off_loop(reads="upload")
def create_tour(request: Request, form) -> Response:
    try:
        upload = form.get("tour")
        wanted = form.get("id") if isinstance(form.get("id"), str) else None
        if form.get("example"):
            which = "delegation" if form.get("example") == "delegation" else "spain"
            tour_id = workspace(request).add_example(which)
        elif upload is None or isinstance(upload, str):
            return _error(400, "bad-request", "send a zip of a tour folder in the field `tour`, "
                                              "or `example=1` for the bundled example "
                                              "(`example=delegation`: the delegation's)")
        else:
            tour_id = workspace(request).add_from_zip(upload.file.read(), wanted or None)
    except UnsafeUpload as error:
        return _error(400, "unsafe-upload", str(error))
    return JSONResponse({"id": tour_id}, status_code=201)


@off_loop()
def tour_status(request: Request) -> Response:
    tour_id, _ = tour_dir(request)
    job = runner(request).running(tour_id)
    return JSONResponse({**workspace(request).info(tour_id).to_dict(),
                         "job": job.status() if job else None})


@off_loop(reads="body")
def start_plan(request: Request, data: bytes) -> Response:
    tour_id, folder = tour_dir(request)
    body = _json_body(data)
    time_limit = body.get("time_limit", settings(request).plan_time_limit)
    if "__invalid__" in body or not isinstance(time_limit, (int, float)) or not 0.1 <= time_limit <= 3600:
        return _error(400, "bad-request", 'send {"time_limit": seconds between 0.1 and 3600}')
    job, started = start_job(request, tour_id, "plan", {
        "tour_dir": str(folder), "out_dir": str(workspace(request).out_dir(tour_id)),
        "time_limit": float(time_limit)})
    if not started and job.kind != "plan":
        return _error(409, "busy", f"the tour is busy ({job.kind}); try again when it ends")
    return JSONResponse({"status": "solving", "started": started, **job.status()}, status_code=202)


@off_loop()
def get_plan(request: Request) -> Response:
    tour_id, _ = tour_dir(request)
    job = runner(request).running(tour_id)
    if job is not None and job.kind in WRITING_KINDS:
        return JSONResponse({"status": "solving", **job.status()}, status_code=202)
    path = workspace(request).plan_path(tour_id)
    outcome = latest_outcome(request, tour_id)
    if outcome is not None and outcome.state == "failed" and (
            not path.exists() or path.stat().st_mtime < (outcome.finished or 0)):
        return _error(422, outcome.error["kind"], outcome.error["message"],
                      **problem_list("details", outcome.error["details"]))
    if not path.exists():
        return _error(404, "not-planned", "this tour has no plan yet: POST .../plan")
    return Response(path.read_bytes(), media_type="application/json",
                    headers={"cache-control": "no-store"})


@off_loop(reads="body")
def start_replan(request: Request, data: bytes) -> Response:
    tour_id, _ = tour_dir(request)
    body = _json_body(data)
    plan_path = workspace(request).plan_path(tour_id)
    if not plan_path.exists():
        return _error(409, "not-planned", "this tour has no plan to re-plan yet")
    lists = {name: body.get(name, []) for name in ("cancel", "pin", "unavailable")}
    absent = _absences(body.get("absent", []))
    delay = body.get("delay_minutes")
    time_limit = body.get("time_limit", settings(request).replan_time_limit)
    now = body.get("now")
    if ("__invalid__" in body or any(not isinstance(v, list) or not all(isinstance(i, str) for i in v)
                                     for v in lists.values())
            or (now is not None and not isinstance(now, str))
            or (delay is not None and not isinstance(delay, int))
            or absent is None or not isinstance(time_limit, (int, float))
            or not 0.1 <= time_limit <= 3600):  # also refuses NaN, which compares false
        return _error(400, "bad-request", 'send {"now": "YYYY-MM-DD HH:MM", "cancel": [ids], '
                                          '"pin": [ids], "delay_minutes": N, '
                                          '"time_limit": seconds between 0.1 and 3600, '
                                          '"absent": [id or {"guest", "from", "until", "joint"}]}')
    job, started = start_job(request, tour_id, "replan", {
        "plan_path": str(plan_path), "out_dir": str(plan_path.parent), "time_limit": float(time_limit),
        "now": now, "delay_minutes": delay, "absent": absent, **lists,
        "if_version": app.file_version(plan_path)})
    if not started:
        return _error(409, "busy", f"the tour is busy ({job.kind}); try again when it ends")
    return JSONResponse({"status": "solving", **job.status()}, status_code=202)


@off_loop()
def list_versions(request: Request) -> Response:
    """The versions the tour's output folder keeps, oldest first, as ``scheduler versions``
    lists them (:func:`scheduler.app.version_summaries`); with an unreadable ``plan.json``
    only their numbers, and the reason in ``plan_problem``."""
    tour_id, _ = tour_dir(request)
    if not workspace(request).plan_path(tour_id).exists():
        return _error(404, "not-planned", "this tour has no plan yet: POST .../plan")
    kept, problem = kept_versions(request, tour_id)
    return JSONResponse({"versions": [_version_json(version) for version in kept],
                         "plan_problem": problem}, headers={"cache-control": "no-store"})


def _version_json(version) -> dict[str, Any]:
    return {"number": version.number, "made": version.made.isoformat() if version.made else None,
            "note": version.note or None, "engagements": version.engagements,
            "value_served": version.value_served, "value_total": version.value_total,
            "current": version.current, "problem": version.problem}


@off_loop()
def restore_version(request: Request) -> Response:
    """Bring a kept version back as the next version (a task, as the page's "Go back")."""
    tour_id, _ = tour_dir(request)
    number = plain_number(request.path_params["number"])
    out = workspace(request).out_dir(tour_id)
    if not workspace(request).plan_path(tour_id).exists():
        return _error(404, "not-planned", "this tour has no plan yet: POST .../plan")
    kept = [version.number for version in app.plan_versions(out)]
    if number not in kept:
        return _error(404, "no-such-version", "there is no such version of this plan to go back "
                      "to; the versions kept are: " + (", ".join(map(str, kept)) or "none yet"),
                      kept=kept)
    job, started = start_job(request, tour_id, "restore", {"out_dir": str(out), "number": number})
    if not started:
        return _error(409, "busy", f"the tour is busy ({job.kind}); try again when it ends")
    return JSONResponse({"status": "solving", **job.status()}, status_code=202)


def _absences(value: Any) -> list[dict[str, str]] | None:
    """The ``absent`` of a re-plan: member ids, or ``{"guest", "from", "until", "joint"}``
    (the changes file's ``[[absent]]``); None when it is neither."""
    if not isinstance(value, list):
        return None
    absences = []
    for item in value:
        if isinstance(item, str):
            item = {"guest": item}
        if (not isinstance(item, dict) or not isinstance(item.get("guest"), str)
                or set(item) - {"guest", "from", "until", "joint"}
                or not all(isinstance(v, str) for v in item.values())):
            return None
        absences.append(dict(item))
    return absences


@on_loop
async def events(request: Request) -> Response:
    """Server-sent events: the running job's progress, then ``done`` with its outcome (on the
    loop: it reads the jobs' state in memory and sleeps between updates)."""
    tour_id, _ = tour_dir(request)
    jobs = runner(request)

    async def stream():
        job = jobs.running(tour_id)
        sent = None
        while job is not None and job.running:
            payload = json.dumps(job.status())
            if payload != sent:
                yield f"event: progress\ndata: {payload}\n\n"
                sent = payload
            if await request.is_disconnected():
                return
            await asyncio.sleep(0.3)
        yield f"event: done\ndata: {json.dumps(job.status() if job else {'state': 'idle'})}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})


@off_loop()
def get_file(request: Request) -> Response:
    tour_id, _ = tour_dir(request)
    name = request.path_params["name"]
    try:
        path = workspace(request).output_file(tour_id, name)
    except KeyError:
        return _error(404, "no-such-file", f"this tour's outputs have no file {name!r}")
    media_type = {".ics": "text/calendar", ".csv": "text/csv", ".md": "text/markdown",
                  ".json": "application/json"}.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    return FileResponse(path, media_type=media_type or "application/octet-stream",
                        filename=path.name, headers={"cache-control": "no-store"})


@off_loop(reads="body")
def input_file(request: Request, body: bytes | None) -> Response:
    """``tour.toml`` or ``requests.csv`` with its ETag; PUT with ``If-Match`` replaces it."""
    tour_id, folder = tour_dir(request)
    name = request.path_params["name"]
    if name not in _INPUT_FILES:
        return _error(404, "no-such-file", f"editable files are {', '.join(_INPUT_FILES)}")
    path = folder / name
    if request.method in ("GET", "HEAD"):
        version = app.file_version(path)
        return Response(path.read_bytes() if path.exists() else b"", headers={"etag": f'"{version}"'},
                        media_type="text/csv" if name.endswith(".csv") else "application/toml")
    expected = request.headers.get("if-match", "").strip('"') or None
    if expected is None:
        return _error(428, "version-required", "send If-Match with the ETag of the version you edited")
    text = body.decode("utf-8", errors="replace")
    try:
        if name == "tour.toml":
            try:
                frame = app.parse_toml(text)
            except tomllib.TOMLDecodeError as error:
                return _error(422, "input", f"tour.toml is not TOML: {error}")
            version, problems = app.save_frame(folder, frame, expected)
        else:
            rows = list(csv.DictReader(io.StringIO(text)))
            columns = list(rows[0].keys()) if rows else list(app.REQUEST_COLUMNS)
            version, problems = app.save_requests(folder, columns, rows, expected)
    except app.EditConflict as conflict:
        return _error(409, "conflict", str(conflict), current=conflict.current)
    if any(problem.file == name for problem in problems):
        return _error(422, "input", f"{name} was not saved: it has problems",
                      **problem_list("details", problems))
    return JSONResponse({"saved": name, **problem_list("problems", problems)},
                        headers={"etag": f'"{version}"'})


ROUTES = [
    Route("/api/tours", list_tours, methods=["GET"]),
    Route("/api/tours", create_tour, methods=["POST"]),
    Route("/api/tours/{tour_id}", tour_status, methods=["GET"]),
    Route("/api/tours/{tour_id}/plan", start_plan, methods=["POST"]),
    Route("/api/tours/{tour_id}/plan", get_plan, methods=["GET"]),
    Route("/api/tours/{tour_id}/replan", start_replan, methods=["POST"]),
    Route("/api/tours/{tour_id}/versions", list_versions, methods=["GET"]),
    Route("/api/tours/{tour_id}/versions/{number}/restore", restore_version, methods=["POST"]),
    Route("/api/tours/{tour_id}/events", events, methods=["GET"]),
    Route("/api/tours/{tour_id}/files/{name:path}", get_file, methods=["GET"]),
    Route("/api/tours/{tour_id}/input/{name}", input_file, methods=["GET", "PUT"]),
]
