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
