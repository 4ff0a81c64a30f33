"""`explain` in a delegation: the what-if with a second interpreter, and each guest's own time."""

from __future__ import annotations

import pytest
from builders import window
from click.testing import CliRunner
from delegation_cases import delegation
from test_delegation_engine import fixed, interpreter

from scheduler.diagnose import explain_request, what_if_resource
from scheduler.solve import SolveParams, solve

FAST = SolveParams(time_limit=2.0, seed=0, workers=2)


@pytest.fixture(scope="module")
def shared():
    """Anna and Boris both need the one interpreter at 10:00: Boris's meeting is left out."""
    prob = delegation([fixed("elpais", "10:00", "11:00", "A", "anna", value=10,
                             needs=("kind:interpreter",)),
                       fixed("abc", "10:00", "11:00", "B", "boris", value=8,
                             needs=("kind:interpreter",))],
                      resources=[interpreter("interp-1", travels=True)], buffer=10)
    plan = solve(prob, FAST).plan
    assert [e.request_id for e in plan.engagements] == ["elpais"]
    return plan


def test_a_second_interpreter_serves_the_request_it_forced_out(shared):
    answer = what_if_resource(shared, "interp-1", "abc", FAST)
    assert answer.copy_id == "interp-1-2"
    assert answer.request_served and [c.request_id for c in answer.served] == ["abc"]
    assert (answer.value_before, answer.value_after, answer.value_change) == (10, 18, 8)
    assert answer.uses and not answer.dropped
    assert answer.plan.engagement("abc").guests == ("boris",)
    text = answer.text()
    assert "What if there were a second Interpreter interp-1 (interp-1-2: the same kind" in text
    assert "[abc] would be served Tue 27 Nov 10:00–11:00." in text
    assert "Value served: 10 → 18 (+8, gained)." in text


def test_a_second_interpreter_that_gains_nothing_says_so(shared):
    """A request that names the interpreter itself still needs that one."""
    from dataclasses import replace
    problem = shared.problem
    named = replace(problem, requests=tuple(replace(r, needs=("interp-1",)) for r in problem.requests))
    plan = solve(named, FAST).plan
    answer = what_if_resource(plan, "interp-1", "abc", FAST)
    assert not answer.request_served and answer.value_change == 0
    assert "would still be left out" in answer.text() and "gains nothing" in answer.text()


def test_explain_with_add_resource_replaces_the_mandatory_what_if(shared):
    explanation = explain_request(shared, "abc", params=FAST, add_resource="interp-1")
    assert explanation.what_if is None and explanation.resource_what_if.request_served
    assert explanation.to_dict()["resource_what_if"]["copy_id"] == "interp-1-2"
    assert "resource_what_if" not in explain_request(shared, "abc", what_if=False).to_dict()


def test_the_command_adds_a_resource_and_refuses_an_unknown_one(shared, tmp_path, monkeypatch):
    """Until plan.json carries a delegation, the command is given the plan in memory."""
    from scheduler import app
    from scheduler.cli import main
    monkeypatch.setattr(app, "load_plan", lambda path: shared)
    plan_json = str(tmp_path / "plan.json")
    result = CliRunner().invoke(main, ["explain", plan_json, "abc", "--add-resource", "interp-1",
                                       "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "[abc] would be served" in result.output
    result = CliRunner().invoke(main, ["explain", plan_json, "abc", "--add-resource", "interp-9"])
    assert result.exit_code == 2
    assert "no resource `interp-9` (did you mean `interp-1`?)" in result.output


# ------------------------------------------------------------------ each guest's own time

@pytest.fixture(scope="module")
def two_days():
    """On one date Anna works 09:00-20:00, Boris 12:00-20:00. Both are busy 13:00-14:00 (Anna
    at A, Boris at B); Boris's cheaper meeting at C then is left out; one early request of
    Boris's falls before his day starts; one joint meeting in the afternoon."""
    from builders import day
    prob = delegation([fixed("anna-a", "13:00", "14:00", "A", "anna", value=10),
                       fixed("boris-b", "13:00", "14:00", "B", "boris", value=10),
                       fixed("boris-x", "13:00", "14:00", "C", "boris", value=2),
                       fixed("boris-early", "09:00", "10:00", "A", "boris", value=2),
                       fixed("joint", "16:00", "17:00", "C", "anna;boris", value=10)],
                      own_days={"boris": (day(start="12:00"),)})
    plan = solve(prob, FAST).plan
    assert {e.request_id for e in plan.engagements} == {"anna-a", "boris-b", "joint"}
    return plan


def test_what_occupies_the_time_is_the_attending_guests(two_days):
    explanation = explain_request(two_days, "boris-x", what_if=False)
    [report] = explanation.windows
    [fit] = report.days
    assert fit.text.startswith("Boris Ivanov: it fits there alone")
    occupied = [o.request_id for o in fit.occupants if o.kind == "engagement"]
    assert occupied == ["boris-b"]  # not Anna's meeting at A
    assert all(o.text.startswith("Boris Ivanov") for o in fit.occupants)
    assert fit.room == "occupied" and fit.room_text.startswith("Boris Ivanov: ")


def test_the_free_time_is_read_in_the_guests_own_hours(two_days):
    [report] = explain_request(two_days, "boris-early", what_if=False).windows
    [fit] = report.days
    assert fit.verdict == "outside_hours"
    assert "Boris Ivanov: it lies outside the guest's hours that day (12:00–20:00)" in fit.text


def test_the_placement_of_a_joint_meeting_reads_every_guests_day(two_days):
    placement = explain_request(two_days, "joint", what_if=False).placement
    text = "\n".join(placement.text)
    assert "Anna Kowalska's hours that day: 09:00–20:00" in text
    assert "Boris Ivanov's hours that day: 12:00–20:00" in text
    boris = explain_request(two_days, "boris-b", what_if=False).placement
    assert "Boris Ivanov's hours that day: 12:00–20:00" in "\n".join(boris.text)
    assert "Anna Kowalska" not in "\n".join(boris.text)
