"""Re-planning with a delay anywhere in its documented range (0 to 1,440 minutes), at moments
across a day: always a valid plan (the checker passes it), never an internal error; a delay
that takes the rest of a day says so."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from conftest import solve_checked
from scheduler.checker import assert_valid
from scheduler.io import load_tour
from scheduler.io.changes import MAX_DELAY_MINUTES
from scheduler.planfile import plan_to_dict
from scheduler.replan import Changes, replan
from scheduler.resources import demo_tour
from scheduler.solve import SolveParams

FAST = SolveParams(time_limit=1.0, seed=0, workers=1)


@pytest.fixture(scope="module")
def demo_plan():
    return solve_checked(load_tour(demo_tour()), SolveParams(time_limit=3.0, seed=0, workers=2)).plan


@pytest.mark.parametrize("delay", [0, 90, 600, 1200, 1440])
@pytest.mark.parametrize("now", ["2018-11-27 10:30", "2018-11-27 18:00"])
def test_any_documented_delay_gives_a_valid_plan(demo_plan, delay, now):
    """Every delay the option accepts, late in the morning or in the evening, gives a plan
    that passes the independent checker."""
    zone = demo_plan.problem.tour.zone
    moment = datetime.fromisoformat(now).replace(tzinfo=zone)
    result = replan(demo_plan, Changes(delay_minutes=delay), now=moment, params=FAST)
    assert_valid(json.loads(json.dumps(plan_to_dict(result.plan))))
    if delay >= 1200:
        assert any("nothing more is planned that day" in w for w in result.warnings)


def test_the_documented_maximum_is_a_day():
    """The option's upper end is the whole range this test covers."""
    assert MAX_DELAY_MINUTES == 24 * 60
