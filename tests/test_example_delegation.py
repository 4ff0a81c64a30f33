"""End to end: the Brussels delegation example plans at the default limit, valid and whole.

Three guests, an interpreter and a car, 40 requests, 13 joint meetings of which two are
mandatory (the Commissioner's cabinet and the Parliament's hearing). Nothing here asserts on
time: the run stops at its limit whatever the load.
"""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from scheduler.checker import check_plan
from scheduler.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "brussels-delegation-2019"
MANDATORY_JOINT = {"commissioner": ["anna", "boris", "chen"],
                   "droi-hearing": ["anna", "boris", "chen"]}


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("brussels") / "out"
    result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "-o", str(out), "--time-limit", "10"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def plan_data(planned) -> dict:
    return json.loads((planned / "plan.json").read_text(encoding="utf-8"))


def test_every_engagement_keeps_every_rule(plan_data):
    assert check_plan(plan_data) == []
    assert plan_data["solver"]["status"] in ("optimal", "feasible")


def test_both_mandatory_joint_meetings_are_served_by_all_their_guests(plan_data):
    served = {e["request_id"]: e for e in plan_data["engagements"]}
    for request_id, guests in MANDATORY_JOINT.items():
        assert request_id in served, request_id
        assert served[request_id]["guests"] == guests


def test_each_member_gets_their_calendar_with_their_engagements(planned, plan_data):
    for member in plan_data["tour"]["guests"]:
        path = planned / "guests" / f"{member['id']}.ics"
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        events = [c for c in calendar.walk("VEVENT")]
        mine = [e for e in plan_data["engagements"] if member["id"] in e["guests"]]
        assert mine and len(events) >= len(mine), member["id"]
        summaries = " ".join(str(e.get("SUMMARY")) for e in events)
        titles = {r["id"]: r["title"] for r in plan_data["requests"]}
        for engagement in mine:
            assert titles[engagement["request_id"]] in summaries
        assert (planned / "guests" / f"{member['id']}.html").exists()


def test_explain_answers_on_a_request_left_out(planned, plan_data):
    left_out = plan_data["unscheduled"]
    assert left_out
    request_id = left_out[0]["request_id"]
    result = CliRunner().invoke(main, ["explain", str(planned / "plan.json"), request_id,
                                       "--no-what-if"])
    assert result.exit_code == 0, result.output
    assert f"[{request_id}] is not in the agenda." in result.output
    assert "Traceback" not in result.output


def test_replan_with_a_member_falling_ill_keeps_every_rule(planned, plan_data, tmp_path):
    """Anna falls ill on Tuesday at noon: nothing of hers from then on, the joint meetings
    after noon go on with the others, the new plan is valid and the earlier one untouched."""
    now = "2019-03-19 12:00"
    out = tmp_path / "v2"
    result = CliRunner().invoke(main, ["replan", str(planned / "plan.json"), "-o", str(out),
                                       "--now", now, "--absent", "anna", "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    new = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert check_plan(new) == []
    later = [e for e in new["engagements"] if e["start"] >= "2019-03-19T12:00"]
    assert later and all("anna" not in e["guests"] for e in later)
    joint_before = {e["request_id"] for e in plan_data["engagements"]
                    if len(e["guests"]) > 1 and e["start"] >= "2019-03-19T12:00"}
    kept = {e["request_id"]: e["guests"] for e in later}
    assert any(request_id in kept for request_id in joint_before), "no joint meeting went on"
    assert "Anna Kowalska absent" in (out / "changes.md").read_text(encoding="utf-8")
