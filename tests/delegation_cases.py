"""Delegations built in code for the engine's tests, and a check of their plans.

The whole plan is checked by the independent checker, and so is each guest's share (a one-guest
plan of that guest's engagements, travel, breaks and days); who attends, joint engagements
together and a resource in one place at a time are also checked here, by a second hand.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from builders import problem

from scheduler.checker import assert_valid
from scheduler.domain import Guest, Plan, Problem, Unscheduled
from scheduler.planfile import plan_to_dict

NAMES = {"anna": "Anna Kowalska", "boris": "Boris Ivanov", "chen": "Chen Wei"}


def delegation(requests, guests=("anna", "boris"), resources=(), own_days=None, **kw) -> Problem:
    """A delegation of ``guests`` (ids of :data:`NAMES`) over the builders' one-guest problem.

    ``own_days`` maps a guest id to their own days (default: the tour's).
    """
    base = problem([replace(r, guests=(), guests_any=False, needs=()) for r in requests], **kw)
    members = tuple(Guest(NAMES[g], "Europe/Madrid", id=g, days=tuple((own_days or {}).get(g, ())))
                    for g in guests)
    tour = replace(base.tour, delegation=members,
                   guest=Guest(", ".join(NAMES[g] for g in guests), "Europe/Madrid"))
    return replace(base, tour=tour, requests=tuple(requests), resources=tuple(resources))


def guest_share(plan: Plan, guest_id: str) -> Plan:
    """One guest's part of a delegation's plan, as the plan of a tour of that guest alone."""
    problem = plan.problem
    tour = problem.tour
    mine = tuple(replace(r, guests=(), guests_any=False, mandatory=False)
                 for r in problem.requests if guest_id in r.guests)
    alone = replace(problem, tour=replace(tour, delegation=(), guest=tour.member(guest_id),
                                          days=tour.days_of(guest_id)),
                    requests=mine, rules=())
    engagements = tuple(replace(e, guests=()) for e in plan.engagements_of(guest_id))
    attended = {e.request_id for e in engagements}
    return Plan(alone, engagements,
                tuple(replace(t, guest="") for t in plan.travel_of(guest_id)),
                tuple(replace(b, guest="") for b in plan.breaks_of(guest_id)),
                tuple(Unscheduled(r.id, "elsewhere", "displaced") for r in mine if r.id not in attended),
                plan.solver)


def assert_delegation_valid(plan: Plan) -> None:
    """Each guest's share passes the checker; attendance, joint meetings and shared resources
    between guests keep the contract."""
    problem = plan.problem
    tour = problem.tour
    assert_valid(plan_to_dict(plan))  # the whole delegation, as the checker judges it
    for guest in tour.guest_ids:
        assert_valid(plan_to_dict(guest_share(plan, guest)))
    served = [e.request_id for e in plan.engagements]
    assert len(served) == len(set(served)), "a request served twice"
    for e in plan.engagements:
        request = problem.request(e.request_id)
        if request.joint:
            assert e.guests == tuple(g for g in tour.guest_ids if g in request.guests)
        else:
            assert len(e.guests) == 1 and e.guests[0] in request.guests, (e.request_id, e.guests)
    # A shared resource between two guests' engagements: buffer and travel in between (none
    # from or to a remote one); a room: one use at a time.
    buffer = timedelta(minutes=tour.min_buffer_minutes)
    uses = [(e, resource) for e in plan.engagements for resource in e.resources]
    for i, (a, resource) in enumerate(uses):
        for b, other in uses[i + 1:]:
            if other != resource or a.request_id == b.request_id or set(a.guests) & set(b.guests):
                continue
            travels = problem.resource(resource).travels
            if a.start > b.start:
                a, b = b, a
            gap = timedelta(0)
            if travels:
                gap = buffer
                if a.location and b.location:
                    gap += timedelta(minutes=problem.travel.between(a.location, b.location))
            setup = timedelta(minutes=problem.request(b.request_id).setup_minutes)
            assert a.end + gap <= b.start - setup, f"{resource} in two places: {a} and {b}"
    for rule in problem.rules:
        if rule.kind == "apart":
            dates = [e.day for e in plan.engagements if e.request_id in rule.requests]
            assert len(dates) == len(set(dates)), f"{rule.label} broken"
