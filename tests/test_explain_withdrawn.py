"""explain names what became of a request its counterpart cancelled, and answers JSON under --json."""

from __future__ import annotations

import json

import pytest
from builders import problem, request, t, window
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.planfile import write_plan
from scheduler.replan import Changes, replan
from scheduler.solve import SolveParams, solve

FAST = SolveParams(time_limit=2.0, seed=0, workers=2)


@pytest.fixture(scope="module")
def replanned(tmp_path_factory):
    """A plan file whose request ``b`` its counterpart cancelled in version 2."""
    plan = solve(problem([request("a", [window("10:00", "12:00")]),
                          request("b", [window("14:00", "16:00")], place="B")]), FAST).plan
    result = replan(plan, Changes(cancel=("b",)), now=t("09:00"), params=FAST)
    return write_plan(result.plan, tmp_path_factory.mktemp("out") / "plan.json")


def test_explain_a_cancelled_request_says_it_was_cancelled(replanned):
    """"Why is b not in the agenda?" is answered: cancelled in version 2, and its slot."""
    run = CliRunner().invoke(main, ["explain", str(replanned), "b"])
    assert run.exit_code == 2
    assert "has no request `b`: its counterpart cancelled it in version 2" in run.output
    assert "which dropped its slot" in run.output


def test_explain_an_unknown_request_under_json_prints_json(replanned):
    """Under --json an unknown id still gives one JSON object on standard output."""
    run = CliRunner().invoke(main, ["explain", str(replanned), "zz", "--json"])
    assert run.exit_code == 2
    account = json.loads(run.stdout)
    assert account["ok"] is False and "has no request `zz`" in account["error"]
