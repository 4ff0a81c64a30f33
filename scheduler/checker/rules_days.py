"""Rules about each day: the number of engagements and the meal break."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from .plan_view import BreakView, DayView, PlanView
from .timeline import minutes_text
from .violations import Violation


def too_many_per_day(plan: PlanView) -> Iterator[Violation]:
    """Forbid more engagements on a day (remote ones included) than ``max_engagements_per_day``."""
    for day in plan.days:
        engagements = plan.engagements_on(day)
        if len(engagements) > plan.max_per_day:
            names = ", ".join(repr(e.request_id) for e in engagements)
            yield Violation("too_many_per_day",
                            f"{day.date} has {len(engagements)} engagements ({names}); at most "
                            f"{plan.max_per_day} a day", None, day.date)


def meal_breaks(day: DayView) -> list[BreakView]:
    return [item for item in day.breaks if item.kind == "meal"]


def meal_missing(plan: PlanView) -> Iterator[Violation]:
    """Forbid a day with a meal rule and no break of kind ``meal``."""
    for day in plan.days:
        if day.meal is not None and not meal_breaks(day):
            yield Violation("meal_missing",
                            f"{day.date} has no meal break; {day.meal.minutes} min are due between "
                            f"{plan.span(day.meal.earliest, day.meal.latest)}", None, day.date)


def meal_outside_window(plan: PlanView) -> Iterator[Violation]:
    """Forbid a meal break that starts before the meal's ``earliest`` or ends after its ``latest``."""
    for day in plan.days:
        if day.meal is None:
            continue
        for item in meal_breaks(day):
            if item.start < day.meal.earliest or item.end > day.meal.latest:
                yield Violation("meal_outside_window",
                                f"the meal break {plan.span(item.start, item.end)} is outside the meal window "
                                f"{plan.span(day.meal.earliest, day.meal.latest)}", None, day.date)


def meal_wrong_length(plan: PlanView) -> Iterator[Violation]:
    """Forbid a meal break whose length differs from the day's meal ``minutes``."""
    for day in plan.days:
        if day.meal is None:
            continue
        for item in meal_breaks(day):
            if item.end - item.start != timedelta(minutes=day.meal.minutes):
                yield Violation("meal_wrong_length",
                                f"the meal break {plan.span(item.start, item.end)} lasts "
                                f"{minutes_text(item.end - item.start)}, not {day.meal.minutes} min",
                                None, day.date)


def unexpected_break(plan: PlanView) -> Iterator[Violation]:
    """Forbid any break on a day without a meal rule, a second meal break, and a break of a
    kind other than ``meal`` (the only kind this version of the format knows)."""
    for day in plan.days:
        meals_seen = 0
        for item in day.breaks:
            if item.kind == "meal" and day.meal is not None:
                meals_seen += 1
                if meals_seen == 1:
                    continue
                why = "a second meal break"
            elif item.kind != "meal":
                why = f"a break of unknown kind {item.kind!r}"
            else:
                why = "a break on a day without a meal rule"
            yield Violation("unexpected_break", f"{item.path} {plan.span(item.start, item.end)} is {why}",
                            None, day.date)

