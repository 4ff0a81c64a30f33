"""Builders for small problems in tests: one day in Madrid unless told otherwise."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain import (
    Day, Guest, Location, Objective, Problem, Request, Tour, TravelTable, Window,
)

ZONE = ZoneInfo("Europe/Madrid")
DAY = date(2018, 11, 27)


def t(hhmm: str, day: date = DAY) -> datetime:
    """A local Madrid time on ``day``."""
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=ZONE)


def window(start: str, end: str, day: date = DAY) -> Window:
    return Window(t(start, day), t(end, day))


def request(rid: str, windows, duration=60, value=10, place="A", **kw) -> Request:
    """A request at ``place`` (``None`` with remote=...)."""
    if kw.get("remote"):
        place = None
    return Request(rid, kw.pop("title", f"Request {rid}"), duration, tuple(windows), value,
                   location_id=place, **kw)


def day(d: date = DAY, start="09:00", end="20:00", home="H", end_place=None,
        meal: tuple[str, str, int] | None = None) -> Day:
    meal_window = Window(t(meal[0], d), t(meal[1], d)) if meal else None
    return Day(d, t(start, d), t(end, d), home, end_place or home, meal_window,
               meal[2] if meal else 0)


def problem(requests, days=None, travel=None, places=("H", "A", "B", "C"), cap=6, buffer=0,
            objective=Objective()) -> Problem:
    """A problem; travel defaults to 20 minutes between any two different places."""
    table = {(a, b): 20 for a in places for b in places if a != b}
    table.update(travel or {})
    for (a, b), minutes in list((travel or {}).items()):
        table.setdefault((b, a), minutes)
    tour = Tour("test", "Test tour", "Europe/Madrid", Guest("Guest", "Europe/Madrid"),
                tuple(days or [day()]), max_engagements_per_day=cap, min_buffer_minutes=buffer,
                objective=objective)
    return Problem(tour, tuple(requests), {p: Location(p, f"Place {p}") for p in places},
                   TravelTable(table))


def busy_day(count: int) -> Problem:
    """One day with ``count`` requests of 20 minutes at four places, each open all day."""
    requests = [request(f"r{i}", [window("09:00", "19:00")], place="ABCD"[i % 4], duration=20,
                        value=5 + i % 7) for i in range(count)]
    return problem(requests, places=("H", "A", "B", "C", "D"), cap=12)


def next_day(d: date, n: int = 1) -> date:
    return d + timedelta(days=n)


def assert_hint_valid(planner, result) -> None:
    """The exact model (``planner``, a :class:`~scheduler.model.cpmodel.PlannerModel`) accepts
    the heuristic's complete agenda (``result``) as it is, with the same objective."""
    from ortools.sat.python import cp_model

    planner.add_complete_hints(result.days)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(planner.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE), \
        "the hint breaks a rule of the model"
    assert solver.objective_value == result.objective


def form_fields(html: str, textareas: bool = False) -> dict[str, str]:
    """The named inputs of a page's form (text values and checked boxes), and with
    ``textareas`` its text areas too, as a browser would send them."""
    import re

    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and ('type="checkbox"' not in tag or "checked" in tag):
            fields[name.group(1)] = value.group(1) if value else "on"
    if textareas:
        for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html,
                                     re.S):
            fields[name] = text.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
    return fields


def log_in(client, token: str) -> str:
    """Log a web test client in with the server's token, as a browser opening the printed
    address does (the session cookie kept), and return the session's CSRF token."""
    import re

    from scheduler.web.security import SESSION_COOKIE

    response = client.get(f"/?token={token}", follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, response.cookies[SESSION_COOKIE])
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
