"""Small hand-made problems and plans for tests that do not need the solver.

The times here were worked out by hand; ``check_plan`` confirms they keep every rule.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.domain import (
    Break, Contact, Day, Engagement, Guest, Location, Objective, Organizer, Plan, Problem,
    Request, SolverReport, Tour, TravelLeg, TravelTable, Unscheduled, Window,
)

MADRID = ZoneInfo("Europe/Madrid")


def at(y, mo, d, h, mi=0, zone=MADRID):
    return datetime(y, mo, d, h, mi, tzinfo=zone)


def small_problem() -> Problem:
    """Two days in Madrid on either side of the end of summer time (Sunday 28 October 2018)."""
    locations = {
        "HOTEL": Location("HOTEL", "Hotel Central", "Gran Vía 1, Madrid", "Madrid", 40.42, -3.70, True),
        "PSOE": Location("PSOE", "PSOE, Ferraz", "Calle de Ferraz 70, Madrid", "Madrid", 40.43, -3.72, True),
        "TV": Location("TV", "Telemadrid", "Ciudad de la Imagen, Pozuelo", "Pozuelo de Alarcón", 40.40, -3.78, True),
    }
    travel = TravelTable(
        {("HOTEL", "PSOE"): 15, ("PSOE", "HOTEL"): 15, ("HOTEL", "TV"): 35, ("TV", "HOTEL"): 35,
         ("PSOE", "TV"): 30, ("TV", "PSOE"): 30},
        estimated=frozenset({("PSOE", "TV"), ("TV", "PSOE")}),
    )
    days = (
        Day(date(2018, 10, 26), at(2018, 10, 26, 9), at(2018, 10, 26, 20), "HOTEL", "HOTEL",
            Window(at(2018, 10, 26, 13, 30), at(2018, 10, 26, 16)), 60),
        Day(date(2018, 10, 29), at(2018, 10, 29, 9), at(2018, 10, 29, 20), "HOTEL", "HOTEL",
            Window(at(2018, 10, 29, 13, 30), at(2018, 10, 29, 16)), 60),
    )
    tour = Tour(
        id="small", name="Small test tour", timezone="Europe/Madrid",
        guest=Guest("Ana Guest", "Europe/Moscow"), days=days,
        organizer=Organizer("Test NGO", "team@example.org"),
        max_engagements_per_day=4, min_buffer_minutes=10, objective=Objective(),
    )
    requests = (
        Request("psoe", "Meeting with PSOE", 60,
                (Window(at(2018, 10, 26, 10), at(2018, 10, 26, 11, 30)),), 50, kind="meeting",
                counterpart="PSOE", contact=Contact("Pilar Ruiz", "pilar@example.org", "+34 600 000 001"),
                location_id="PSOE", priority=5, mandatory=True, notes="Bring the report",
                internal_notes="Ask about the EU motion"),
        Request("radio", "Phone interview, Radio Uno", 30,
                (Window(at(2018, 10, 26, 12), at(2018, 10, 26, 13)),), 20, kind="radio",
                counterpart="Radio Uno", contact=Contact("Luis", "luis@example.com"),
                remote="phone", priority=2, audience=100000),
        Request("tv", 'Telemadrid, "Buenos días"; live, with <script>alert(1)</script> 🌈 Génova', 45,
                (Window(at(2018, 10, 29, 16), at(2018, 10, 29, 17)),), 40, kind="tv",
                counterpart="Telemadrid", contact=Contact("Marta", "marta@example.com"),
                location_id="TV", priority=4, audience=500000, setup_minutes=30,
                fixed_start=at(2018, 10, 29, 16), notes="Line one\nLine two, with comma; and semicolon"),
        Request("late", "Shangay interview", 60,
                (Window(at(2018, 12, 1, 10), at(2018, 12, 1, 12)),), 10, kind="print",
                counterpart="Shangay", location_id="PSOE"),
    )
    return Problem(tour, requests, locations, travel)


def small_plan() -> Plan:
    """A valid agenda for :func:`small_problem`, placed by hand."""
    problem = small_problem()
    d1, d2 = date(2018, 10, 26), date(2018, 10, 29)
    engagements = (
        Engagement("psoe", d1, at(2018, 10, 26, 10), at(2018, 10, 26, 11), "PSOE"),
        Engagement("radio", d1, at(2018, 10, 26, 12), at(2018, 10, 26, 12, 30), None),
        Engagement("tv", d2, at(2018, 10, 29, 16), at(2018, 10, 29, 16, 45), "TV"),
    )
    travel = (
        TravelLeg(d1, "HOTEL", "PSOE", at(2018, 10, 26, 9, 45), at(2018, 10, 26, 10), 15),
        TravelLeg(d1, "PSOE", "HOTEL", at(2018, 10, 26, 11, 10), at(2018, 10, 26, 11, 25), 15),
        TravelLeg(d2, "HOTEL", "TV", at(2018, 10, 29, 14, 55), at(2018, 10, 29, 15, 30), 35),
        TravelLeg(d2, "TV", "HOTEL", at(2018, 10, 29, 16, 55), at(2018, 10, 29, 17, 30), 35),
    )
    breaks = (
        Break(d1, at(2018, 10, 26, 13, 30), at(2018, 10, 26, 14, 30)),
        Break(d2, at(2018, 10, 29, 13, 30), at(2018, 10, 29, 14, 30)),
    )
    unscheduled = (Unscheduled("late", "Its only window (Sat 1 Dec 10:00–12:00) is outside the tour's days.", "no_window"),)
    solver = SolverReport("optimal", 110000.0, 110000.0, 0.0, 0.5, 0, 10.0, 2, 110, 120)
    return Plan(problem, engagements, travel, breaks, unscheduled, solver,
                created=at(2018, 10, 20, 12))
