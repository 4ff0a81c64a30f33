"""Re-planning a delegation through plan.json: the absence round trip (needs the plan file's delegation fields)."""

from __future__ import annotations

from builders import DAY, day, next_day, t
from click.testing import CliRunner
from delegation_cases import assert_delegation_valid
from test_replan_absence import FAST, plan as _plan  # noqa: F401 (the module's plan fixture)

from scheduler.cli import main
from scheduler.planfile import read_plan, write_plan

plan = _plan


def test_an_absence_re_planned_from_the_plan_file_and_read_back(plan, tmp_path):
    source = write_plan(plan, tmp_path / "v1" / "plan.json")
    out = tmp_path / "v2"
    result = CliRunner().invoke(main, ["replan", str(source), "-o", str(out), "--now",
                                       "2018-11-27 10:30", "--absent", "anna", "--no-pdf"])
    assert result.exit_code == 0, result.output
    again = read_plan(out / "plan.json")  # the checker judges it when read
    assert_delegation_valid(again)
    assert {e.request_id: e.guests for e in again.engagements}["joint-tue"] == ("boris",)
    assert again.problem.request("joint-tue").guests == ("boris",)
    assert again.history[-1]["changes"]["absent"][0]["guest"] == "anna"
    assert "Boris Ivanov" in (out / "invites" / "joint-tue.ics").read_text(encoding="utf-8")
