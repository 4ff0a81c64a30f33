"""Whose days an explanation reads in a delegation: the model day and the working day of each guest."""

from __future__ import annotations

from ..domain import Day, Engagement, Request
from ..window_fit import TourMinutes

__all__ = ["guests_of", "model_day", "named", "names", "working_day"]


def guests_of(facts: TourMinutes, request: Request, engagement: Engagement | None = None
              ) -> tuple[str, ...]:
    """Whose time an explanation of ``request`` reads: who attends its engagement, else who
    may go (every guest of a joint request, each listed one of "any one of"); ``("",)`` for
    a tour of one guest."""
    if not facts.tour.is_delegation:
        return ("",)
    if engagement is not None and engagement.guests:
        return engagement.guests
    return tuple(g for g in facts.tour.guest_ids if g in request.guests)


def model_day(facts: TourMinutes, index: int, guest: str = "") -> int | None:
    """The model day (first part) of tour day ``index`` for ``guest``; ``None`` when that
    guest has no working day on that date. For one guest it is ``index`` itself."""
    if not guest:
        return index
    parts = facts.instance.parts_of(index, facts.instance.guests.index(guest))
    return parts[0] if parts else None


def working_day(facts: TourMinutes, index: int, guest: str = "") -> Day | None:
    """The guest's own working day on the date of tour day ``index`` (the tour's for ``""``)."""
    date = facts.tour.days[index].date
    return next((day for day in facts.tour.days_of(guest) if day.date == date), None)


def named(facts: TourMinutes, guest: str, text: str) -> str:
    """``Boris Ivanov: <text>`` in a delegation; ``text`` as it is for one guest."""
    return f"{facts.tour.member(guest).label}: {text}" if guest else text


def names(facts: TourMinutes, guests) -> str:
    """``Anna Kowalska and Boris Ivanov``: the members by name."""
    labels = [facts.tour.member(g).label for g in guests if g]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
