"""The meal as an item of a day's sequence, and the range its start may take."""

from __future__ import annotations

#: The meal's entry in a day's sequence of items (the other entries are request indices).
MEAL = -1


def meal_range(day) -> tuple[tuple[int, int]] | None:
    """The meal's start range: inside its window and, when that leaves room, the day's hours
    (the same domain as the model's ``meal_start``).

    Parameters
    ----------
    day
        The :class:`~scheduler.model.instance.DayData` of a day with a meal.

    Returns
    -------
    tuple or None
        One inclusive ``(earliest, latest)`` range of start minutes, or ``None`` when the meal
        cannot fit at all.
    """
    earliest = max(day.meal_earliest, day.start)
    latest = min(day.meal_latest, day.end) - day.meal_minutes
    if earliest > latest:
        earliest, latest = day.meal_earliest, day.meal_latest - day.meal_minutes
    return ((earliest, latest),) if earliest <= latest else None
