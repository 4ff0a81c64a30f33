"""During the visit: pin, cancel, delay, add a request; re-plan from now; preview, accept; versions."""

from __future__ import annotations

import csv
import io

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import app
from ..formatting import format_date, format_time, place_name
from .common import (form_text, kept_versions, off_loop, outdated, plain_number, redirect, render, runner, settings, tour_dir,
                     workspace)
from .pages_agenda import current_plan, plan_file_problem
from .views import diff_view

__all__ = ["NEW_REQUEST_COLUMNS", "ROUTES"]

#: The fields of the "new request" part of the form, as ``requests.csv`` columns.
NEW_REQUEST_COLUMNS = ("id", "title", "duration", "location", "remote", "windows", "priority",
                       "mandatory")


def _engagement_cards(plan) -> list[dict]:
    cards = []
    tour = plan.problem.tour
    for day in tour.days:
        zone = tour.day_zone(day)  # each day in the zone it is lived in
        for engagement in plan.engagements_on(day.date):
            request = plan.problem.request(engagement.request_id)
            cards.append({"id": request.id, "title": request.title, "day": format_date(day.date),
                          "when": f"{format_time(engagement.start, zone)}–{format_time(engagement.end, zone)}",
                          "place": place_name(plan.problem.locations, engagement.location, request.remote),
                          "who": ", ".join(tour.member(g).name for g in engagement.guests)})
    return cards


def _absent_from_form(form) -> list[dict[str, str]]:
    """The "a member is absent" part of the form, as the changes file's ``[[absent]]``."""
    guest = form_text(form, "absent_guest")
    if not guest:
        return []
    moments = {key: form_text(form, f"absent_{key}").replace("T", " ") for key in ("from", "until")}
    joint = "drop" if form_text(form, "absent_joint") == "drop" else "continue"
    return [{"guest": guest, **{key: value for key, value in moments.items() if value}, "joint": joint}]


def _versions(request: Request, tour_id: str) -> list[app.VersionSummary]:
    """The kept versions, newest first, each with when and what made it, its size and value,
    and whether it is the current plan; only their numbers when the current ``plan.json``
    cannot be read (the page says why elsewhere)."""
    return list(reversed(kept_versions(request, tour_id)[0]))


@off_loop()
def visit_page(request: Request) -> Response:
    tour_id, _ = tour_dir(request)
    info = workspace(request).info(tour_id)
    plan = current_plan(request, tour_id)
    job = runner(request).last(tour_id, "replan-preview")
    running = runner(request).running(tour_id)
    preview = job.result if job is not None and job.state == "done" else None
    # A preview made from a plan someone has since replaced cannot be accepted (the Accept
    # would be refused): the page says so at once rather than after the press.
    out_of_date = preview is not None and \
        outdated(job, "", workspace(request).plan_path(tour_id)) == "stale"
    members = [(guest.id, guest.name) for guest in plan.problem.tour.delegation] if plan is not None else []
    return render(request, "visit.html", {
        "members": members, "absence": app.absence_notes(preview) if preview is not None else [],
        "tour_id": tour_id, "tour_name": info.name, "section": "visit", "plan": plan,
        "plan_problem": plan_file_problem(request, tour_id),
        "cards": _engagement_cards(plan) if plan is not None else [],
        "job": job, "running": running, "preview": preview, "out_of_date": out_of_date,
        "diff": diff_view(preview) if preview is not None else None,
        "changes": app.changes_text(preview) if preview is not None else "",
        "versions": _versions(request, tour_id), "time_limit": settings(request).replan_time_limit,
        "new_columns": NEW_REQUEST_COLUMNS})


def _new_request_csv(form) -> str | None:
    columns = NEW_REQUEST_COLUMNS + (("guests",) if form_text(form, "new_guests") else ())
    row = {column: form_text(form, f"new_{column}") for column in columns}
    if not row["id"] and not row["title"]:
        return None
    row["mandatory"] = "yes" if row["mandatory"] else ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


@off_loop(reads="form")
def start_replan(request: Request, form) -> Response:
    tour_id, _ = tour_dir(request)
    plan_path = workspace(request).plan_path(tour_id)
    if not plan_path.exists():
        return redirect(f"/tours/{tour_id}/visit")
    now = form_text(form, "now").replace("T", " ") if form_text(form, "now_mode") == "typed" else None
    delay = form_text(form, "delay")
    try:
        time_limit = min(600.0, max(0.5, float(form_text(form, "time_limit") or
                                                settings(request).replan_time_limit)))
        delay_minutes = int(delay) if delay else None
    except ValueError:
        time_limit, delay_minutes = settings(request).replan_time_limit, None
    _, started = runner(request).start(tour_id, "replan-preview", {
        "plan_path": str(plan_path), "time_limit": time_limit, "now": now or None,
        "cancel": form.getlist("cancel"), "pin": form.getlist("pin"),
        "delay_minutes": delay_minutes, "new_requests_csv": _new_request_csv(form),
        "absent": _absent_from_form(form)}, meta={"plan_version": app.file_version(plan_path)})
    return redirect(f"/tours/{tour_id}/visit", None if started else "busy")


@off_loop(reads="form")
def decide_replan(request: Request, form) -> Response:
    """Accept the previewed re-plan (write it as the new version) or discard it."""
    tour_id, _ = tour_dir(request)
    jobs = runner(request)
    job = jobs.last(tour_id, "replan-preview")
    refused = outdated(job, form_text(form, "preview"), workspace(request).plan_path(tour_id))
    if refused is not None:
        if refused == "stale":
            jobs.forget(tour_id, "replan-preview")
        return redirect(f"/tours/{tour_id}/visit", refused)
    if form_text(form, "decision") != "accept":
        jobs.forget(tour_id, "replan-preview")
        return redirect(f"/tours/{tour_id}/visit", "discarded")
    _, started = jobs.start(tour_id, "replan-accept", {
        "result": job.result, "out_dir": str(workspace(request).out_dir(tour_id)),
        "if_version": job.meta.get("plan_version")})
    if not started:
        return redirect(f"/tours/{tour_id}/visit", "busy")
    jobs.forget(tour_id, "replan-preview")
    return redirect(f"/tours/{tour_id}", "accepted")


@off_loop(reads="form")
def restore(request: Request, form) -> Response:
    tour_id, _ = tour_dir(request)
    number = plain_number(form_text(form, "version"))
    if number is None:
        return redirect(f"/tours/{tour_id}/visit")
    _, started = runner(request).start(tour_id, "restore", {
        "out_dir": str(workspace(request).out_dir(tour_id)), "number": number})
    return redirect(f"/tours/{tour_id}", "restored" if started else "busy")


ROUTES = [
    Route("/tours/{tour_id}/visit", visit_page, methods=["GET"]),
    Route("/tours/{tour_id}/replan", start_replan, methods=["POST"]),
    Route("/tours/{tour_id}/replan/decide", decide_replan, methods=["POST"]),
    Route("/tours/{tour_id}/versions/restore", restore, methods=["POST"]),
]
