"""The tours page (list, create from a form, the example, a zip or a spreadsheet), login and logout."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .. import app
from ..errors import InputError
from .common import form_text, off_loop, on_loop, redirect, render, settings, workspace
from .security import LOGIN_COOKIE, SESSION_COOKIE, session_cookie
from .settings import verify_password
from .workspace import UnsafeUpload

__all__ = ["ROUTES", "frame_for_new_tour"]


def frame_for_new_tour(form) -> tuple[str, dict, bytes | None, list[str]]:
    """The id, frame and places file of the new-tour form, and what is missing or wrong."""
    problems = []
    name = form_text(form, "name")
    wanted = form_text(form, "id") or name.lower() or "tour"
    try:
        first = date.fromisoformat(form_text(form, "first_day"))
        last = date.fromisoformat(form_text(form, "last_day"))
    except ValueError:
        first = last = None
        problems.append("First and last day: give both dates.")
    if not name:
        problems.append("Name of the visit: required.")
    lodging = form_text(form, "lodging") or "LODGING"
    # The reader takes ASCII letters and digits only: `str.isalnum` would keep "à" and "٣".
    frame = {"tour": {"id": "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else "-"
                                    for c in wanted)[:40],
                      "name": name, "timezone": form_text(form, "timezone") or "UTC"},
             "guest": {"name": form_text(form, "guest") or "The guest"},
             "hours": {"start": form_text(form, "hours_start") or "09:00",
                       "end": form_text(form, "hours_end") or "19:00"}}
    places = None
    if first and last:
        frame["tour"]["first_day"], frame["tour"]["last_day"] = first, last
        frame["lodging"] = [{"location": lodging, "first_night": first - timedelta(days=1),
                             "last_night": last}]
    latitude, longitude = form_text(form, "latitude"), form_text(form, "longitude")
    if latitude and longitude:
        # Written as CSV, quoted where needed: a comma, a quote or a line break typed in a
        # field stays in its cell (the reader then says what is wrong with it), and cannot
        # add a row, a place of its own.
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["id", "name", "address", "city", "latitude", "longitude", "approximate"])
        writer.writerow([lodging, form_text(form, "lodging_name") or "Lodging", "", "", latitude,
                         longitude, "yes"])
        places = text.getvalue().encode()
    return wanted, frame, places, problems


@off_loop()
def tours_page(request: Request) -> Response:
    return render(request, "tours.html", {"tours": workspace(request).tours(), "problems": []})


@off_loop(reads="upload")
def create_tour(request: Request, form) -> Response:
    space = workspace(request)
    try:
        how = form_text(form, "how")
        if how == "example":
            tour_id = space.add_example()
        elif how == "delegation-example":
            tour_id = space.add_example("delegation")
        elif how == "zip":
            upload = form.get("tour")
            if upload is None or isinstance(upload, str) or not upload.filename:
                raise UnsafeUpload("choose a zip file of a tour folder")
            tour_id = space.add_from_zip(upload.file.read())
        else:
            wanted, frame, places, problems = frame_for_new_tour(form)
            if problems:
                return render(request, "tours.html", {"tours": space.tours(), "problems": problems},
                              status_code=422)
            upload = form.get("requests")
            requests_csv = None
            if upload is not None and not isinstance(upload, str) and upload.filename:
                try:
                    requests_csv = app.requests_csv_from_upload(upload.filename, upload.file.read())
                except InputError as error:
                    return render(request, "tours.html", {"tours": space.tours(),
                                  "problems": [str(p) for p in error.problems]}, status_code=422)
            tour_id = space.add_from_frame(wanted, frame, requests_csv)
            if places:
                (space.tour_dir(tour_id) / "locations.csv").write_bytes(places)
    except UnsafeUpload as error:
        return render(request, "tours.html", {"tours": space.tours(), "problems": [str(error)]},
                      status_code=400)
    return redirect(f"/tours/{tour_id}" if how in {"example", "delegation-example", "zip"} else f"/tours/{tour_id}/frame",
                    "created")


@off_loop(reads="form")
def login_page(request: Request, form) -> Response:
    """The login form; a POST checks the password (argon2: deliberately slow, so in the thread
    pool like every page's work)."""
    users = settings(request).users
    next_url = request.query_params.get("next", "/")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"
    if request.method in ("GET", "HEAD"):
        login_token = secrets.token_urlsafe(24)
        response = render(request, "login.html", {"login_token": login_token, "next": next_url,
                                                  "problem": None, "enabled": bool(users)})
        response.set_cookie(LOGIN_COOKIE, login_token, httponly=True, samesite="strict", path="/login",
                            secure=settings(request).secure_cookies)
        return response
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, form_text(form, "login_token")):
        return Response("The login form is out of date; reload it.", status_code=403)
    if not verify_password(users, form_text(form, "user"), form_text(form, "password")):
        return render(request, "login.html", {"login_token": cookie, "next": next_url,
                                              "problem": "Wrong user name or password.",
                                              "enabled": bool(users)}, status_code=401)
    session_id, _ = request.app.state.sessions.create(form_text(form, "user"))
    response = RedirectResponse(next_url, status_code=303)
    session_cookie(response, session_id, settings(request))
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@on_loop
async def logout(request: Request) -> Response:
    request.app.state.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login" if settings(request).users else "/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


ROUTES = [
    Route("/", tours_page, methods=["GET"]),
    Route("/tours", create_tour, methods=["POST"]),
    Route("/login", login_page, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
]
