"""`scheduler replan` without --now after the tour warns that nothing could change."""

from __future__ import annotations

from builders import problem, request, window
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.planfile import write_plan
from scheduler.solve import SolveParams, solve


def test_replan_without_now_after_the_tour_says_to_give_now(tmp_path):
    """The tour is long over by the machine's clock: the version is written, with a warning
    naming --now; with --now inside the tour there is no such warning."""
    plan = solve(problem([request("a", [window("10:00", "12:00")])]),
                 SolveParams(time_limit=1.0, seed=0, workers=1)).plan
    plan_file = write_plan(plan, tmp_path / "out" / "plan.json")
    run = CliRunner().invoke(main, ["replan", str(plan_file), "-o", str(tmp_path / "v2"), "--no-pdf"])
    assert run.exit_code == 0, run.output
    assert "after the tour's last working day" in run.stderr and "give --now" in run.stderr
    day = plan.problem.tour.days[0].date.isoformat()
    run = CliRunner().invoke(main, ["replan", str(plan_file), "-o", str(tmp_path / "v3"), "--no-pdf",
                                    "--now", f"{day} 08:00"])
    assert run.exit_code == 0, run.output
    assert "last working day" not in run.stderr
