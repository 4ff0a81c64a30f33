"""Replacing the agenda outside a re-plan (an accepted what-if, an earlier version brought
back) makes a new version like a re-plan does: history, SEQUENCE raised, invitations for the
changed slots only, every earlier file kept."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from icalendar import Calendar

from scheduler import app
from scheduler.checker import check_plan_file
from scheduler.diagnose import what_if_mandatory

sys.path.insert(0, str(Path(__file__).parent))
from test_data_safety import _tour  # noqa: E402

PARAMS = app.SolveParams(time_limit=1.0, seed=0, workers=1)
REQUESTS = """id,title,counterpart,location,duration,windows,priority
a,Meeting A,Org A,A,60,Tue 10:00-11:30,5
b,Meeting B,Org B,A,60,Tue 10:30-11:30,1
"""


def _sequences(path: Path) -> dict[str, int]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): int(e.get("SEQUENCE", 0)) for e in calendar.walk("VEVENT")}


def test_an_accepted_what_if_is_the_next_version(tmp_path):
    """b loses to a; accepting the what-if that fits b makes version 2: b in, a out (its
    invitation a cancellation), SEQUENCEs raised, and the first plan kept in versions/."""
    out = tmp_path / "out"
    first = app.plan_tour(_tour(tmp_path / "tour", REQUESTS), out, PARAMS).plan
    assert [e.request_id for e in first.engagements] == ["a"]
    what_if = what_if_mandatory(first, "b", PARAMS)
    assert what_if.fits
    before = _sequences(out / "agenda.ics")
    outcome = app.adopt_plan(out, what_if.plan, note="What-if accepted: b")
    assert [e.request_id for e in outcome.plan.engagements] == ["b"]
    assert outcome.result.version == 2
    assert check_plan_file(out / "plan.json") == []
    assert (out / "versions" / "plan-v1.json").exists() and (out / "versions" / "plan-v2.json").exists()
    history = json.loads((out / "plan.json").read_text(encoding="utf-8"))["history"]
    assert "What-if accepted: b" in json.dumps(history[-1])
    after = _sequences(out / "agenda.ics")
    raised = [uid for uid in after if uid in before and after[uid] > before[uid]]
    assert raised, "a changed calendar must raise SEQUENCE so phones update"
    cancelled = Calendar.from_ical((out / "invites" / "a.ics").read_bytes())
    assert str(next(iter(cancelled.walk("VEVENT")))["STATUS"]) == "CANCELLED"


def test_going_back_to_a_version_is_a_new_version(tmp_path):
    """Back to version 1 after a cancellation: version 3 holds version 1's agenda, and every
    version stays in versions/."""
    out = tmp_path / "out"
    app.plan_tour(_tour(tmp_path / "tour", REQUESTS), out, PARAMS)
    app.replan_plan(out / "plan.json", out, cancel=["a"], now="2018-11-27 08:00", params=PARAMS, pdf=False)
    assert [e.request_id for e in app.load_plan(out / "plan.json").engagements] == ["b"]
    app.restore_version(out, 1)
    current = app.load_plan(out / "plan.json")
    assert [e.request_id for e in current.engagements] == ["a"]
    assert sorted(p.name for p in (out / "versions").glob("plan-v*.json")) == \
        ["plan-v1.json", "plan-v2.json", "plan-v3.json"]
    assert check_plan_file(out / "plan.json") == []
