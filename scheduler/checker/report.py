"""The checker's public face: every rule run over a plan dictionary or file, and the verdict."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .delegation import about_guest, guest_view, resource_travel, wrong_guests
from .plan_view import PlanView
from .reading import read_plan_dict
from .rules_days import meal_missing, meal_outside_window, meal_wrong_length, too_many_per_day, unexpected_break
from .rules_engagements import (not_fixed_start, outside_hours, outside_window, wrong_day, wrong_duration,
                                wrong_location)
from .rules_requests import (duplicate, mandatory_missing, unknown_request, unscheduled_inconsistent,
                             wrong_code, wrong_offset)
from .rules_resources import resource_hours, resource_needs, resource_overlap
from .rules_tour import rest_too_short, rule_apart, rule_before, rule_gap, too_many_minutes_per_day
from .rules_travel import (fixed_leg, leg_misplaced, leg_missing, leg_overlap, leg_unexpected,
                           leg_wrong_minutes, overlap, travel_too_short)
from .violations import Violation


#: The rules in the order of :data:`~scheduler.checker.violations.RULES`, ``schema`` aside.
CHECKS: tuple[Callable[[PlanView], Iterator[Violation]], ...] = (
    wrong_offset,
    unknown_request,
    duplicate,
    unscheduled_inconsistent,
    wrong_code,
    mandatory_missing,
    wrong_day,
    outside_window,
    wrong_duration,
    wrong_location,
    not_fixed_start,
    outside_hours,
    overlap,
    leg_overlap,
    travel_too_short,
    leg_missing,
    leg_misplaced,
    leg_unexpected,
    leg_wrong_minutes,
    fixed_leg,
    too_many_per_day,
    meal_missing,
    meal_outside_window,
    meal_wrong_length,
    unexpected_break,
    rule_before,
    rule_apart,
    rule_gap,
    too_many_minutes_per_day,
    rest_too_short,
    resource_needs,
    resource_hours,
    resource_overlap,
    wrong_guests,
    resource_travel,
)

#: The rules about one guest's timeline: in a delegation each runs once per member, on the
#: member's own days, engagements, travel and breaks (:func:`guest_view`).
GUEST_CHECKS = frozenset({
    wrong_day, outside_hours, overlap, leg_overlap, travel_too_short, leg_missing, leg_misplaced,
    leg_unexpected, leg_wrong_minutes, fixed_leg, too_many_per_day, meal_missing,
    meal_outside_window, meal_wrong_length, unexpected_break, too_many_minutes_per_day,
    rest_too_short,
})


def check_plan(data: Mapping[str, Any]) -> list[Violation]:
    """Check a plan file's dictionary against every rule of ``docs/plan-format.md``.

    Parameters
    ----------
    data
        The plan file as ``json.loads`` gives it.

    Returns
    -------
    list[Violation]
        Every broken rule, in the order of :data:`RULES`; empty when the plan is valid. When
        the file's shape is wrong only ``schema`` violations are returned. In a delegation the
        rules of a guest's timeline are judged for each member, and say whom they are about.
    """
    plan, problems = read_plan_dict(data)
    if plan is None:
        return problems
    if not plan.guests:
        return [violation for check in CHECKS for violation in check(plan)]
    views = [(guest.id, guest_view(plan, guest)) for guest in plan.guests]
    violations = []
    for check in CHECKS:
        if check in GUEST_CHECKS:
            for guest_id, view in views:
                violations.extend(about_guest(guest_id, check(view)))
        else:
            violations.extend(check(plan))
    return violations


def check_plan_file(path: str | Path) -> list[Violation]:
    """Check the plan file at ``path``; a file that is not a JSON object is a ``schema`` violation.

    Parameters
    ----------
    path
        The ``plan.json`` to read (UTF-8).

    Returns
    -------
    list[Violation]
        As :func:`check_plan`.

    Raises
    ------
    OSError
        When the file cannot be read.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as error:  # not JSON, or a number too long to read
        return [Violation("schema", f"{path} is not JSON: {error}")]
    except RecursionError:
        return [Violation("schema", f"{path} is not JSON: nested too deeply")]
    return check_plan(data)


def assert_valid(data: Mapping[str, Any]) -> None:
    """Raise ``AssertionError`` listing every violation when the plan is not valid (for tests).

    Parameters
    ----------
    data
        The plan file as ``json.loads`` gives it.

    Raises
    ------
    AssertionError
        When :func:`check_plan` finds any violation; the message lists them all.
    """
    violations = check_plan(data)
    if violations:
        raise AssertionError(describe(violations))


def describe(violations: list[Violation]) -> str:
    """The violations for a person: a count, then one line per violation with its rule.

    Parameters
    ----------
    violations
        What :func:`check_plan` found (not empty).

    Returns
    -------
    str
        ``the plan breaks 2 rule(s):`` followed by one indented ``[rule] message`` line each.
    """
    lines = "\n".join(f"  {violation}" for violation in violations)
    return f"the plan breaks {len(violations)} rule(s):\n{lines}"
