"""A hand-made plan of a delegation of three in Brussels, for the exporters' tests (no solver).

Anna and Boris sleep at the hotel; Chen has her own days, from a flat. Tuesday: the three meet
the commissioner together (with the interpreter), then Anna takes a phone interview (the
interpreter again), Boris goes to the studio by car and Chen to Parliament. Wednesday: Anna
and Chen meet an MEP, Boris records a podcast.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import permutations
from zoneinfo import ZoneInfo

from scheduler.domain import (
    Break, Contact, Day, Engagement, Guest, Location, Objective, Organizer, Plan, Problem,
    Request, Resource, SolverReport, Tour, TravelLeg, TravelTable, Unscheduled, Window,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
TUESDAY, WEDNESDAY = date(2019, 3, 12), date(2019, 3, 13)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS)


def _day(on: date, home: str, start: int = 8, end: int = 20) -> Day:
    return Day(on, at(on, start), at(on, end), home, home,
               Window(at(on, 12), at(on, 15)), 60, timezone="Europe/Brussels")


def delegation_problem() -> Problem:
    places = {
        "HOTEL": Location("HOTEL", "Hotel Métropole", "Place de Brouckère 31, Brussels", "Brussels",
                          50.8507, 4.3533, timezone="Europe/Brussels"),
        "FLAT": Location("FLAT", "Flat in Ixelles", "Rue du Bailli 10, Ixelles", "Ixelles",
                         50.8275, 4.3600, timezone="Europe/Brussels"),
        "BERL": Location("BERL", "Berlaymont", "Rue de la Loi 200, Brussels", "Brussels",
                         50.8434, 4.3826, timezone="Europe/Brussels"),
        "PARL": Location("PARL", "European Parliament", "Rue Wiertz 60, Brussels", "Brussels",
                         50.8386, 4.3754, timezone="Europe/Brussels"),
        "STUDIO": Location("STUDIO", "Studio Reyers", "Boulevard Reyers 52, Schaerbeek", "Schaerbeek",
                           50.8510, 4.4010, timezone="Europe/Brussels"),
    }
    travel = TravelTable({pair: 15 for pair in permutations(places, 2)})
    anna = Guest("Anna Kowalska", "Europe/Warsaw", id="anna")
    boris = Guest("Boris Ivanov", "Europe/Kyiv", id="boris")
    chen = Guest("Chen Wei", "Europe/Brussels", id="chen",
                 days=(_day(TUESDAY, "FLAT", 9), _day(WEDNESDAY, "FLAT", 9)))
    tour = Tour(
        id="brussels-test", name="Brussels test visit", timezone="Europe/Brussels",
        guest=Guest("Anna Kowalska, Boris Ivanov and Chen Wei", "Europe/Brussels"),
        days=(_day(TUESDAY, "HOTEL"), _day(WEDNESDAY, "HOTEL")),
        organizer=Organizer("Test NGO", "team@ngo.example.org"), objective=Objective(),
        delegation=(anna, boris, chen))
    resources = (
        Resource("interp-1", "Inès Dupont (interpreter)", "interpreter",
                 (Window(at(TUESDAY, 8), at(TUESDAY, 20)), Window(at(WEDNESDAY, 8), at(WEDNESDAY, 20)))),
        Resource("car-1", "Car with driver", "car",
                 (Window(at(TUESDAY, 8), at(TUESDAY, 20)), Window(at(WEDNESDAY, 8), at(WEDNESDAY, 20)))),
    )

    def request(rid, title, minutes, day, guests, value, **kw):
        return Request(rid, title, minutes, (Window(at(day, 9), at(day, 18)),), value,
                       guests=guests, **kw)

    requests = (
        request("commissioner", "Meeting with the Commissioner", 60, TUESDAY, ("anna", "boris", "chen"), 90,
                kind="meeting", counterpart="Office of the Commissioner",
                contact=Contact("Eva Marsh", "eva.marsh@commission.example.org"), location_id="BERL",
                needs=("kind:interpreter",), internal_notes="Ask about the visa waiver"),
        request("radio", "Phone interview, Radio Brux", 30, TUESDAY, ("anna", "boris"), 30, guests_any=True,
                kind="radio", counterpart="Radio Brux", contact=Contact("Luc", "luc@radio.example.org"),
                remote="phone", needs=("kind:interpreter",)),
        request("tv", "Studio interview, Télé Brux", 45, TUESDAY, ("boris",), 40, kind="tv",
                counterpart="Télé Brux", location_id="STUDIO", setup_minutes=15, needs=("car-1",)),
        request("paper", "Interview, Le Quotidien", 60, TUESDAY, ("chen",), 20, kind="print",
                counterpart="Le Quotidien", location_id="PARL"),
        request("mep", "Meeting with an MEP", 60, WEDNESDAY, ("anna", "chen"), 50, kind="meeting",
                counterpart="Office of an MEP", location_id="PARL", needs=("car-1",)),
        request("podcast", "Podcast, Brux Talks", 60, WEDNESDAY, ("boris",), 15, kind="podcast",
                counterpart="Brux Talks", location_id="STUDIO"),
        request("late", "Evening debate", 90, WEDNESDAY, ("boris",), 10, kind="event",
                counterpart="Debate club", location_id="PARL"),
    )
    return Problem(tour, requests, places, travel, resources=resources)


def delegation_plan() -> Plan:
    """A plan of :func:`delegation_problem`, placed by hand."""
    problem = delegation_problem()
    tue, wed = TUESDAY, WEDNESDAY
    engagements = (
        Engagement("commissioner", tue, at(tue, 10), at(tue, 11), "BERL", ("interp-1",), ("anna", "boris", "chen")),
        Engagement("radio", tue, at(tue, 11, 45), at(tue, 12, 15), None, ("interp-1",), ("anna",)),
        Engagement("tv", tue, at(tue, 12), at(tue, 12, 45), "STUDIO", ("car-1",), ("boris",)),
        Engagement("paper", tue, at(tue, 14), at(tue, 15), "PARL", (), ("chen",)),
        Engagement("mep", wed, at(wed, 10), at(wed, 11), "PARL", ("car-1",), ("anna", "chen")),
        Engagement("podcast", wed, at(wed, 10), at(wed, 11), "STUDIO", (), ("boris",)),
    )

    def leg(day, guest, origin, destination, hour, minute):
        return TravelLeg(day, origin, destination, at(day, hour, minute), at(day, hour, minute + 15), 15,
                         guest=guest)

    travel = (
        leg(tue, "anna", "HOTEL", "BERL", 9, 40), leg(tue, "anna", "BERL", "HOTEL", 11, 5),
        leg(tue, "boris", "HOTEL", "BERL", 9, 40), leg(tue, "boris", "BERL", "STUDIO", 11, 5),
        leg(tue, "boris", "STUDIO", "HOTEL", 13, 0),
        leg(tue, "chen", "FLAT", "BERL", 9, 40), leg(tue, "chen", "BERL", "PARL", 13, 30),
        leg(tue, "chen", "PARL", "FLAT", 15, 5),
        leg(wed, "anna", "HOTEL", "PARL", 9, 40), leg(wed, "anna", "PARL", "HOTEL", 11, 5),
        leg(wed, "chen", "FLAT", "PARL", 9, 40), leg(wed, "chen", "PARL", "FLAT", 11, 5),
        leg(wed, "boris", "HOTEL", "STUDIO", 9, 40), leg(wed, "boris", "STUDIO", "HOTEL", 11, 5),
    )
    breaks = tuple(Break(day, at(day, start), at(day, start + 1), guest=guest)
                   for day in (tue, wed) for guest, start in (("anna", 13), ("boris", 14), ("chen", 12)))
    solver = SolverReport("optimal", 1.0, 1.0, 0.0, 0.5, 0, 10.0, 2, 245, 255)
    return Plan(problem, engagements, travel, breaks,
                (Unscheduled("late", "Boris is busy then.", "displaced"),), solver,
                created=at(date(2019, 3, 1), 12))
