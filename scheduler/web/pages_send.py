"""The Send page: the guest's calendar, run sheets, invitations (each or a zip), CSV; CalDAV publishing."""

from __future__ import annotations

import io
import zipfile

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import app
from ..errors import PlanFileError, SchedulerError
from .common import form_text, off_loop, render, tour_dir, workspace
from .pages_agenda import current_plan, plan_file_problem

__all__ = ["DOWNLOADS", "MEMBER_DOWNLOADS", "ROUTES"]

#: The files offered for download, with what each is for.
DOWNLOADS = (
    ("agenda.ics", "The guest's calendar (for the guest's phone)"),
    ("agenda-team.ics", "The team's calendar"),
    ("agenda-guest.pdf", "The guest's run sheet (PDF)"),
    ("agenda.pdf", "The team's run sheet (PDF)"),
    ("agenda-guest.html", "The guest's run sheet (web page)"),
    ("agenda.html", "The team's run sheet (web page)"),
    ("agenda.csv", "The agenda as a spreadsheet (CSV)"),
    ("changes.md", "What the last new version changed (a re-plan, or the tour planned again)"),
)


#: Labels that read differently for a delegation: there every member is in these files.
DELEGATION_LABELS = {
    "agenda.ics": "The delegation's calendar (every member)",
    "agenda-guest.pdf": "The delegation's run sheet (PDF, without internal notes)",
    "agenda-guest.html": "The delegation's run sheet (web page, without internal notes)",
}
#: A delegation's files for each member, with what each is for.
MEMBER_DOWNLOADS = (("ics", "calendar"), ("pdf", "run sheet (PDF)"), ("html", "run sheet (web page)"))
#: The delegation's overview page (a lane per guest and per resource).
OVERVIEW = "delegation.html"


def _delegation_files(request: Request, tour_id: str, out) -> tuple[list[dict], list[dict]]:
    """Each member's files and each shared resource's calendar, for a delegation's plan."""
    plan = current_plan(request, tour_id)
    if plan is None or not plan.problem.tour.is_delegation:
        return [], []
    members = []
    for guest in plan.problem.tour.delegation:
        names = {suffix: app.safe_file_name(guest.id, f".{suffix}") for suffix, _ in MEMBER_DOWNLOADS}
        files = [{"name": f"guests/{names[suffix]}", "label": label, "suffix": suffix}
                 for suffix, label in MEMBER_DOWNLOADS if (out / "guests" / names[suffix]).is_file()]
        members.append({"id": guest.id, "name": guest.name, "files": files})
    resources = [{"name": f"resources/{app.safe_file_name(resource.id)}", "label": resource.label}
                 for resource in plan.problem.resources
                 if (out / "resources" / app.safe_file_name(resource.id)).is_file()]
    return members, resources


def _send_context(request: Request, tour_id: str, **extra) -> dict:
    out = workspace(request).out_dir(tour_id)
    files = [{"name": name, "label": label} for name, label in DOWNLOADS if (out / name).is_file()]
    members, resources = _delegation_files(request, tour_id, out)
    if members:
        files = [{**file, "label": DELEGATION_LABELS.get(file["name"], file["label"])} for file in files]
    invites_dir = out / "invites"
    invites = sorted(path.name for path in invites_dir.glob("*.ics")) if invites_dir.is_dir() else []
    return {"tour_id": tour_id, "tour_name": workspace(request).info(tour_id).name, "section": "send",
            "files": files, "invites": invites, "planned": (out / "plan.json").is_file(),
            "published": None, "problem": None, "members": members, "resources": resources,
            "overview": OVERVIEW if members and (out / OVERVIEW).is_file() else None, **extra}


@off_loop()
def send_page(request: Request) -> Response:
    tour_id, _ = tour_dir(request)
    problem = plan_file_problem(request, tour_id)
    return render(request, "send.html", _send_context(
        request, tour_id, problem=problem["message"] if problem else None))


@off_loop()
def invitations_zip(request: Request) -> Response:
    tour_id, _ = tour_dir(request)
    folder = workspace(request).out_dir(tour_id) / "invites"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.ics")) if folder.is_dir() else []:
            archive.write(path, f"invites/{path.name}")
    return Response(buffer.getvalue(), media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="{tour_id}-invitations.zip"',
        "cache-control": "no-store"})


@off_loop(reads="form")
def publish(request: Request, form) -> Response:
    """Push the guest's calendar to a CalDAV server; the password is used once, never stored."""
    tour_id, _ = tour_dir(request)
    url = form_text(form, "url")
    if not url.startswith(("https://", "http://")):
        return render(request, "send.html", _send_context(
            request, tour_id, problem="Give the calendar's address (https://...)."), status_code=422)
    plan_path = workspace(request).plan_path(tour_id)
    try:
        report = app.publish_plan(
            plan_path, url, username=form_text(form, "username") or None,
            password=form_text(form, "password") or None,
            calendar_name=form_text(form, "calendar") or None)
    except (PlanFileError, SchedulerError, OSError) as error:
        return render(request, "send.html", _send_context(
            request, tour_id, problem=f"Not published: {error}"), status_code=502)
    return render(request, "send.html", _send_context(request, tour_id, published=report.summary()))


ROUTES = [
    Route("/tours/{tour_id}/send", send_page, methods=["GET"]),
    Route("/tours/{tour_id}/invitations.zip", invitations_zip, methods=["GET"]),
    Route("/tours/{tour_id}/publish", publish, methods=["POST"]),
]
