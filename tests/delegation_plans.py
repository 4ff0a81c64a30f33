"""A small delegation's plan placed by hand (no solver): Anna and Boris in Madrid for a day.

Timeline of Tuesday 27 November 2018 (travel 20 min between any two places, buffer 10 min):

- both: H → A 09:30–09:50, the minister (joint) at A 10:00–11:00;
- Anna: A → B 11:10–11:30, the press at B 11:30–12:30 with the interpreter, B → H 12:40–13:00,
  meal 13:00–14:00;
- Boris: A → C 11:10–11:30, meal 11:30–12:30, the NGO at C 13:00–14:00 with the interpreter
  (who leaves B at 12:40 and arrives at 13:00 exactly), C → H 14:10–14:30, the radio (Anna or
  Boris) by phone 16:00–16:30.

Several rules are met with nothing to spare: the interpreter's travel, Boris's three
engagements (at most 3 a day), his 150 engagement minutes (at most 150), Boris's day ending at
18:00 while Anna's ends at 20:00.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.domain import (Break, Day, Engagement, Guest, Location, Objective, Plan, Problem, Request,
                              Resource, SolverReport, Tour, TravelLeg, TravelTable, Window)
from scheduler.planfile import plan_to_dict

MADRID = ZoneInfo("Europe/Madrid")
DAY = date(2018, 11, 27)
PLACES = ("H", "A", "B", "C")


def t(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2018, 11, 27, hours, minutes, tzinfo=MADRID)


def _day(start: str, end: str) -> Day:
    return Day(DAY, t(start), t(end), "H", "H", Window(t("11:30"), t("15:00")), 60)


def delegation_problem(*, cap: int = 3, minutes_cap: int | None = 150) -> Problem:
    anna = Guest("Anna Kowalska", "Europe/Warsaw", "anna", (_day("09:00", "20:00"),))
    boris = Guest("Boris Ivanov", "Europe/Madrid", "boris", (_day("08:00", "18:00"),))
    tour = Tour("deleg", "A delegation in Madrid", "Europe/Madrid", Guest("Anna Kowalska and Boris Ivanov",
                "Europe/Madrid"), (_day("09:00", "20:00"),), max_engagements_per_day=cap,
                min_buffer_minutes=10, objective=Objective(), max_engagement_minutes_per_day=minutes_cap,
                delegation=(anna, boris))
    requests = (
        Request("minister", "Meeting with the minister", 60, (Window(t("10:00"), t("12:00")),), 50,
                location_id="A", guests=("anna", "boris")),
        Request("press", "Press conference", 60, (Window(t("09:00"), t("20:00")),), 30,
                location_id="B", needs=("int",), guests=("anna",)),
        Request("ngo", "Meeting with an NGO", 60, (Window(t("08:00"), t("18:00")),), 20,
                location_id="C", needs=("int",), guests=("boris",)),
        Request("radio", "Radio interview", 30, (Window(t("12:00"), t("19:00")),), 10,
                remote="phone", guests=("anna", "boris"), guests_any=True),
    )
    travel = TravelTable({(a, b): 20 for a in PLACES for b in PLACES if a != b})
    interpreter = Resource("int", "Ines (interpreter)", "interpreter", (Window(t("08:00"), t("20:00")),))
    return Problem(tour, requests, {p: Location(p, f"Place {p}") for p in PLACES}, travel,
                   resources=(interpreter,))


def delegation_plan(**limits) -> Plan:
    """The plan of the module's docstring for :func:`delegation_problem`."""
    problem = delegation_problem(**limits)
    engagements = (
        Engagement("minister", DAY, t("10:00"), t("11:00"), "A", guests=("anna", "boris")),
        Engagement("press", DAY, t("11:30"), t("12:30"), "B", ("int",), ("anna",)),
        Engagement("ngo", DAY, t("13:00"), t("14:00"), "C", ("int",), ("boris",)),
        Engagement("radio", DAY, t("16:00"), t("16:30"), None, guests=("boris",)),
    )

    def leg(origin, destination, depart, arrive, guest):
        return TravelLeg(DAY, origin, destination, t(depart), t(arrive), 20, guest=guest)

    travel = (
        leg("H", "A", "09:30", "09:50", "anna"), leg("A", "B", "11:10", "11:30", "anna"),
        leg("B", "H", "12:40", "13:00", "anna"),
        leg("H", "A", "09:30", "09:50", "boris"), leg("A", "C", "11:10", "11:30", "boris"),
        leg("C", "H", "14:10", "14:30", "boris"),
    )
    breaks = (Break(DAY, t("13:00"), t("14:00"), guest="anna"),
              Break(DAY, t("11:30"), t("12:30"), guest="boris"))
    solver = SolverReport("optimal", 0.0, 0.0, 0.0, 0.1, 0, 1.0, 1, 110, 110)
    return Plan(problem, engagements, travel, breaks, (), solver, created=t("08:00"))


def delegation_dict(**limits) -> dict:
    """The plan file's dictionary of :func:`delegation_plan`, as ``json.loads`` gives it."""
    return json.loads(json.dumps(plan_to_dict(delegation_plan(**limits))))
