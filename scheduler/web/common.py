"""What every route shares: the app's parts from the request, templates, forms, errors as pages."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from .. import app, formatting
from ..errors import PlanFileError, first_line
from .jobs import JobRunner
from .problems import first_problems
from .settings import WebSettings
from .workspace import Workspace

__all__ = ["NOTICES", "ON_LOOP", "TEMPLATES", "csrf_token", "form_text", "kept_versions", "off_loop", "on_loop",
           "outdated", "plain_number", "redirect", "render", "runner", "settings", "tour_dir", "workspace"]

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
TEMPLATES.filters["first_problems"] = first_problems
TEMPLATES.globals.update(format_time=formatting.format_time, format_date=formatting.format_date,
                         format_duration=formatting.format_duration,
                         format_number=formatting.format_number)

#: Messages a redirect may ask a page to show (a code in the URL, never data of the tour).
NOTICES = {
    "saved": "Saved.",
    "created": "The tour was created.",
    "planning": "Planning started.",
    "busy": "This tour is busy with another task; wait for it to finish.",
    "accepted": "Accepted: this is now the tour's current plan.",
    "discarded": "The re-plan was discarded; nothing changed.",
    "restored": "That version is the current plan again.",
    "deleted": "The request was deleted.",
    "published": "Published.",
    "gone": "That preview was already accepted or discarded (from another page, or by someone "
            "else); nothing more was written.",
    "replaced": "Someone asked for another preview after your page was loaded, so nothing was "
                "accepted. The page now shows theirs: read it before accepting.",
    "stale": "Someone else changed the plan after this preview was made from it, and accepting "
             "it would undo their change, so nothing was written. Make your change again from "
             "the current plan.",
}


_SAFE_METHODS = frozenset({"GET", "HEAD"})
#: Whether an endpoint does its work in the thread pool (set by :func:`off_loop`).
ON_LOOP = "_runs_on_loop"


def off_loop(reads: Literal["form", "upload", "body"] | None = None):
    """Make a plain function a route handler whose work runs in the thread pool.

    The rule of the web app (docs/web.md, "One organizer's slow request"): what a handler
    does (read and check a tour's files, write them, start a worker, render a page) blocks,
    for milliseconds or for seconds; done on the event loop it would hold every other
    organizer's page, the progress stream and the login until it ends. So the endpoint this
    makes awaits the request's body on the loop (the only part that must be awaited), then
    runs ``handler`` in Starlette's thread pool and returns its response.

    Parameters
    ----------
    reads
        What the handler needs of the body for a change (POST, PUT; a GET or HEAD gets
        an empty one): ``"form"`` the parsed form, ``"upload"`` the form with files up to the
        upload limit, ``"body"`` the raw bytes; ``None``: nothing, ``handler(request)``.
        Otherwise ``handler(request, data)``. A form is closed when the handler returns.
    """
    def wrap(handler: Callable[..., Any]) -> Callable[[Request], Awaitable[Any]]:
        @functools.wraps(handler)
        async def endpoint(request: Request):
            if reads is None:
                return await run_in_threadpool(handler, request)
            if request.method in _SAFE_METHODS:  # no body to read: an empty one
                return await run_in_threadpool(handler, request, b"" if reads == "body" else FormData())
            if reads == "body":
                return await run_in_threadpool(handler, request, await request.body())
            limit = settings(request).max_upload_bytes if reads == "upload" else None
            form = await (request.form(max_part_size=limit) if limit else request.form())
            try:
                return await run_in_threadpool(handler, request, form)
            finally:
                await form.close()

        setattr(endpoint, ON_LOOP, False)
        return endpoint

    return wrap


def on_loop(handler: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Any]]:
    """Mark an ``async`` route handler that stays on the event loop: it only looks at what
    the server holds in memory (sessions, the jobs' progress) and awaits the rest. Every
    other handler is made with :func:`off_loop`; a test holds every route to one of the two."""
    setattr(handler, ON_LOOP, True)
    return handler


def workspace(request: Request) -> Workspace:
    return request.app.state.workspace


def runner(request: Request) -> JobRunner:
    return request.app.state.runner


def settings(request: Request) -> WebSettings:
    return request.app.state.settings


def tour_dir(request: Request) -> tuple[str, Path]:
    """The tour id of the path and its folder; 404 when there is no such tour."""
    tour_id = request.path_params["tour_id"]
    try:
        return tour_id, workspace(request).tour_dir(tour_id)
    except KeyError:
        raise HTTPException(404, f"There is no tour {tour_id!r} in this workspace.") from None


def csrf_token(request: Request) -> str:
    session = request.scope.get("state", {}).get("session")
    return session.csrf if session is not None else ""


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    """A page from a template; every page gets the CSRF token, the notice and the tour nav."""
    values = {"request": request, "csrf_token": csrf_token(request), "tour_id": None,
              "tour_name": None, "section": None, "users": bool(settings(request).users),
              "notice": NOTICES.get(request.query_params.get("notice", ""))}
    values.update(context or {})
    html = TEMPLATES.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers={"cache-control": "no-store"})


def redirect(url: str, notice: str | None = None) -> RedirectResponse:
    """See Other to ``url`` (with a notice code)."""
    if notice:
        url += ("&" if "?" in url else "?") + f"notice={notice}"
    return RedirectResponse(url, status_code=303)


#: Control characters no one types into a form field (NUL, escape, ...): a forged request or
#: a paste of binary text. Tab and line breaks stay (a note may hold them).
_UNTYPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def form_text(form, name: str, default: str = "") -> str:
    """A text field of a form, stripped ('' when absent or a file), without the control
    characters no one types (:data:`_UNTYPED`): written into a tour's files they would make a
    whole file unreadable ("binary data") where the page meant one field."""
    value = form.get(name)
    return _UNTYPED.sub("", value).strip() if isinstance(value, str) else default


_PLAIN_NUMBER = re.compile(r"[0-9]{1,9}")


def plain_number(text: str) -> int | None:
    """``text`` as a whole number when it is 1 to 9 ASCII digits, else None.

    Row indexes, versions and row counts come back in forms and paths, where anyone can put
    anything: ``str.isdigit`` takes a superscript two, which ``int`` then refuses, and
    ``int`` of thousands of digits refuses too (or makes a loop run for hours)."""
    return int(text) if _PLAIN_NUMBER.fullmatch(text) else None


def outdated(job, shown: str, plan_path) -> str | None:
    """Why a preview (a re-plan, a what-if) cannot be decided from the page that showed it, as
    a notice code, else None. ``shown`` is the job id the page's form carries: two organizers
    share the tour's one preview, and each must decide only the one they read."""
    if job is None:
        return "gone" if shown else ""
    if shown and shown != str(job.id):
        return "replaced"
    if job.state != "done":
        return ""
    if app.file_version(plan_path) != job.meta.get("plan_version"):
        return "stale"
    return None


def kept_versions(request: Request, tour_id: str) -> tuple[list[app.VersionSummary], str | None]:
    """The versions a tour's output folder keeps, oldest first (:func:`scheduler.app.version_summaries`),
    and why its ``plan.json`` cannot be read (then the versions by number only), for the
    visit page and the API. Files are named as the tour folder names them (``out/...``):
    the server's own folders stay out of what a browser is sent."""
    out = workspace(request).out_dir(tour_id)
    problem = None
    try:
        kept = list(app.version_summaries(out))
    except (PlanFileError, OSError) as error:
        problem = first_line(error)
        kept = [app.VersionSummary(version.number) for version in app.plan_versions(out)]

    def named(text: str) -> str:
        for folder in {str(out), str(Path(out).resolve())}:
            text = text.replace(folder, "out")
        return text

    kept = [dataclasses.replace(version, problem=named(version.problem)) if version.problem else version
            for version in kept]
    return kept, named(problem) if problem else None
