"""A delegation's request pruned before the search: its reason judged on its guests' own days.

Planning the Brussels delegation once said of a meeting of Boris alone (18:00-19:30, an hour;
his days end at 18:30): "None of its windows falls within the guest's hours ... it fits
there alone, starting between 18:00 and 18:30" - the details were judged on another guest's
day. The reason, the window's verdicts and the checker's judgement of the code now go by the
days of the guests who would attend.
"""

from __future__ import annotations

from builders import day, request, window
from delegation_cases import delegation

from scheduler.checker import check_plan
from scheduler.model.instance import build_instance
from scheduler.planfile import plan_to_dict
from scheduler.solve import SolveParams, solve
from scheduler.window_fit import TourMinutes, fit_alone

FAST = SolveParams(time_limit=2.0, seed=0, workers=1)


def _evening(boris_end: str):
    """Boris alone at the community's evening, 18:00-19:30 for an hour; his days end at
    ``boris_end``, Anna's (the tour's) at 20:00."""
    return delegation([request("evening", [window("18:00", "19:30")], place="A", value=5,
                               guests=("boris",)),
                       request("lunch", [window("12:00", "14:00")], place="B", value=5,
                               guests=("anna",))],
                      own_days={"boris": [day(end=boris_end)]})


def test_outside_the_attending_guests_hours_is_said_of_that_guest():
    prob = _evening("18:30")
    result = solve(prob, FAST)
    (left,) = result.plan.unscheduled
    assert left.code == "no_window"
    assert left.reason.startswith("None of its windows falls within Boris Ivanov's hours")
    assert "only 30 min of it lie within Boris Ivanov's hours that day (09:00–18:30)" in left.reason
    assert "fits there alone" not in left.reason
    # The checker judges the code on Boris's days, not on the tour's wider ones.
    assert check_plan(plan_to_dict(result.plan)) == []


def test_within_the_attending_guests_hours_the_request_is_served():
    """Nearly: with Boris's day ending at 19:50 the hour fits, travel back included."""
    result = solve(_evening("19:50"), FAST)
    assert {e.request_id for e in result.plan.engagements} == {"evening", "lunch"}


def test_a_false_no_window_claim_is_caught_on_the_guests_own_days():
    """The window holds the hour within Boris's hours (but not the travel home): claiming
    no_window there is false."""
    prob = _evening("19:10")
    result = solve(prob, FAST)
    (left,) = result.plan.unscheduled
    assert left.code == "unreachable"
    assert "Boris Ivanov's hours" in left.reason
    data = plan_to_dict(result.plan)
    data["unscheduled"][0]["code"] = "no_window"
    assert {v.rule for v in check_plan(data)} == {"wrong_code"}


def test_a_joint_meeting_its_guests_can_never_attend_together():
    """Anna's day ends at 11:00 and Boris's starts then: each could go alone, never both."""
    prob = delegation([request("joint", [window("09:00", "17:00")], place="A",
                               guests=("anna", "boris"))],
                      own_days={"anna": [day(end="11:00")], "boris": [day(start="11:00")]})
    result = solve(prob, FAST)
    (left,) = result.plan.unscheduled
    assert left.code == "unreachable"
    assert left.reason.startswith("Its windows never leave a time at which all its guests can "
                                  "be there")
    assert "each of its guests can start it alone, but never all at one time " \
           "(Anna Kowalska from 09:20 to 09:40; Boris Ivanov from 11:20 to 16:00)" in left.reason
    verdict = fit_alone(TourMinutes(prob, build_instance(prob)), prob.request("joint"),
                        prob.request("joint").windows[0], 0)
    assert verdict.verdict == "not_together"
    assert check_plan(plan_to_dict(result.plan)) == []


def test_a_joint_meeting_that_fits_gives_the_common_starts():
    prob = delegation([request("joint", [window("09:00", "17:00")], place="A",
                               guests=("anna", "boris"))],
                      own_days={"boris": [day(start="11:00")]})
    facts = TourMinutes(prob, build_instance(prob))
    verdict = fit_alone(facts, prob.request("joint"), prob.request("joint").windows[0], 0)
    assert verdict.verdict == "fits"
    assert verdict.text == "it fits there alone for all its guests, starting between 11:20 and 16:00"
