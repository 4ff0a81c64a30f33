"""The agenda page (Plan with live progress, day timelines, the table, left-out requests) and Why not."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import app
from ..errors import PlanFileError
from .api import latest_outcome
from .common import form_text, off_loop, outdated, redirect, render, runner, settings, tour_dir, workspace
from .views import agenda_view

__all__ = ["ROUTES", "current_plan", "plan_file_problem"]


def current_plan(request: Request, tour_id: str):
    """The tour's current plan, or None when it has none or its file cannot be read (see
    :func:`plan_file_problem`)."""
    return _read_plan(request, tour_id)[0]


def plan_file_problem(request: Request, tour_id: str) -> dict | None:
    """Why the tour's ``out/plan.json`` cannot be read (as ``_error.html`` shows an error), or
    None. A zip can bring one, and the folder is the command line's too, so a broken file is
    said on the page, whose Plan button replaces it (the old file kept as a numbered copy)."""
    return _read_plan(request, tour_id)[1]


def _read_plan(request: Request, tour_id: str):
    cache = request.scope.setdefault("state", {}).setdefault("plans", {})
    if tour_id not in cache:
        path = workspace(request).plan_path(tour_id)
        plan = problem = None
        if path.exists():
            try:
                plan = app.load_plan(path)
            except PlanFileError as error:
                # Named as the workspace names it: the server's own folders stay out of pages.
                detail = str(error).replace(str(path), "out/plan.json")
                problem = {"message": "The tour's plan file (out/plan.json) cannot be read; plan "
                                      "the tour again to replace it (the file is kept as a "
                                      "numbered copy).", "details": [detail]}
        cache[tour_id] = (plan, problem)
    return cache[tour_id]


def _time_limit(form, default: float) -> float:
    try:
        return min(3600.0, max(0.5, float(form_text(form, "time_limit") or default)))
    except ValueError:
        return default


@off_loop()
def agenda_page(request: Request) -> Response:
    tour_id, _ = tour_dir(request)
    info = workspace(request).info(tour_id)
    plan = current_plan(request, tour_id)
    job = runner(request).running(tour_id)
    outcome = latest_outcome(request, tour_id)
    failed = outcome.error if outcome is not None and outcome.state == "failed" else None
    failed = failed or plan_file_problem(request, tour_id)
    # What the last plan did to the folder (its calendars update the earlier ones, ...).
    notes = (outcome.result.get("notes", []) if outcome is not None and outcome.state == "done"
             and outcome.kind == "plan" and isinstance(outcome.result, dict) else [])
    return render(request, "agenda.html", {
        "tour_id": tour_id, "tour_name": info.name, "section": "agenda", "notes": notes,
        "view": agenda_view(plan) if plan is not None else None, "job": job, "failed": failed,
        "time_limit": settings(request).plan_time_limit})


@off_loop(reads="form")
def start_plan(request: Request, form) -> Response:
    tour_id, folder = tour_dir(request)
    job, started = runner(request).start(tour_id, "plan", {
        "tour_dir": str(folder), "out_dir": str(workspace(request).out_dir(tour_id)),
        "time_limit": _time_limit(form, settings(request).plan_time_limit)})
    return redirect(f"/tours/{tour_id}", "planning" if started or job.kind == "plan" else "busy")


@off_loop(reads="form")
def start_why(request: Request, form) -> Response:
    tour_id, _ = tour_dir(request)
    request_id = form_text(form, "request")
    plan_path = workspace(request).plan_path(tour_id)
    if not plan_path.exists():
        return redirect(f"/tours/{tour_id}")
    job, started = runner(request).start(tour_id, "explain", {
        "plan_path": str(plan_path), "request_id": request_id,
        "time_limit": _time_limit(form, settings(request).explain_time_limit)},
        meta={"request_id": request_id, "plan_version": app.file_version(plan_path)})
    if not started:
        return redirect(f"/tours/{tour_id}/why", "busy")
    return redirect(f"/tours/{tour_id}/why")


@off_loop()
def why_page(request: Request) -> Response:
    tour_id, _ = tour_dir(request)
    info = workspace(request).info(tour_id)
    job = runner(request).last(tour_id, "explain")
    explanation = job.result if job is not None and job.state == "done" else None
    what_if = explanation.what_if if explanation is not None else None
    return render(request, "why.html", {
        "tour_id": tour_id, "tour_name": info.name, "section": "agenda", "job": job,
        "explanation": explanation, "text": explanation.text() if explanation else "",
        "what_if": what_if,
        "can_accept": bool(what_if is not None and what_if.fits and what_if.plan is not None)})


@off_loop(reads="form")
def accept_what_if(request: Request, form) -> Response:
    tour_id, _ = tour_dir(request)
    jobs = runner(request)
    job = jobs.last(tour_id, "explain")
    refused = outdated(job, form_text(form, "preview"), workspace(request).plan_path(tour_id))
    if refused:
        if refused == "stale":
            jobs.forget(tour_id, "explain")
        return redirect(f"/tours/{tour_id}/why", refused)
    what_if = job.result.what_if if job is not None and job.state == "done" and job.result else None
    if what_if is None or not what_if.fits or what_if.plan is None:
        return redirect(f"/tours/{tour_id}/why")
    _, started = jobs.start(tour_id, "write-plan", {
        "plan": what_if.plan, "out_dir": str(workspace(request).out_dir(tour_id)),
        "note": f"What-if accepted: {what_if.request_id} made mandatory and fitted in.",
        "if_version": job.meta.get("plan_version")})
    if not started:
        return redirect(f"/tours/{tour_id}/why", "busy")
    jobs.forget(tour_id, "explain")
    return redirect(f"/tours/{tour_id}", "accepted")


ROUTES = [
    Route("/tours/{tour_id}", agenda_page, methods=["GET"]),
    Route("/tours/{tour_id}/plan", start_plan, methods=["POST"]),
    Route("/tours/{tour_id}/why", start_why, methods=["POST"]),
    Route("/tours/{tour_id}/why", why_page, methods=["GET"]),
    Route("/tours/{tour_id}/why/accept", accept_what_if, methods=["POST"]),
]
