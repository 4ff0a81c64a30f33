"""Replacing the agenda outside a re-plan (an accepted what-if, an earlier version brought
back) makes a new version like a re-plan does: history, SEQUENCE raised, invitations for the
changed slots only, every earlier file kept."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from icalendar import Calendar

from scheduler import app
from scheduler.checker import check_plan_file
from scheduler.diagnose import what_if_mandatory
from scheduler.export import write_all

sys.path.insert(0, str(Path(__file__).parent))
from test_data_safety import TOUR, _tour  # noqa: E402
from test_io_support import write_files  # noqa: E402

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


def test_changes_md_of_a_version_brought_back_or_a_what_if_says_what_made_it(tmp_path):
    """changes.md of a version that is not a re-plan is headed by what made it ("Back to
    version 1", "What-if accepted: b"), not "Re-planned from", and says so as its change."""
    out = tmp_path / "out"
    first = app.plan_tour(_tour(tmp_path / "tour", REQUESTS), out, PARAMS).plan
    app.adopt_plan(out, what_if_mandatory(first, "b", PARAMS).plan, note="What-if accepted: b.")
    text = (out / "changes.md").read_text(encoding="utf-8")
    assert "What-if accepted: b on " in text and "Changes: What-if accepted: b." in text
    assert "Re-planned from" not in text
    app.restore_version(out, 1)
    text = (out / "changes.md").read_text(encoding="utf-8")
    assert "\nBack to version 1 on " in text and "version 2 before" in text
    assert "Changes: Back to version 1." in text and "Re-planned from" not in text
    history = json.loads((out / "plan.json").read_text(encoding="utf-8"))["history"]
    assert history[-1]["warnings"] == ["Back to version 1."]


# --- a tour whose places changed between versions ---------------------------------------------

FIRST_PLACES = """id,name,latitude,longitude
HOTEL,Hotel,40.4200,-3.7050
A,Place A,40.4300,-3.7100
"""
LATER_PLACES = """id,name,latitude,longitude
HOTEL2,Hotel Two,40.4100,-3.7000
A,Place A,40.4300,-3.7100
B,Place B,40.4400,-3.7000
"""
ONLY_A = """id,title,counterpart,location,duration,windows
a,Meeting A,Org A,A,60,Tue 10:00-12:00
"""


def _moved_tour(tmp_path: Path) -> Path:
    """An output folder whose version 1 knows HOTEL and A, and whose version 2, planned
    again after the tour was edited (lodging at HOTEL2, a new meeting at B), knows HOTEL2, A
    and B: going back to version 1 drops the meeting at B and the legs to HOTEL2."""
    tour, out = tmp_path / "tour", tmp_path / "out"
    write_files(tour, {"tour.toml": TOUR, "locations.csv": FIRST_PLACES, "requests.csv": ONLY_A})
    app.plan_tour(tour, out, PARAMS)
    write_files(tour, {"tour.toml": TOUR.replace('"HOTEL"', '"HOTEL2"'), "locations.csv": LATER_PLACES,
                       "requests.csv": ONLY_A + "b,Meeting B,Org B,B,60,Tue 14:00-16:00\n"})
    app.plan_tour(tour, out, PARAMS, now=datetime.fromisoformat("2018-11-20T09:00:00+01:00"))
    assert {e.request_id: e.location for e in app.load_plan(out / "plan.json").engagements} == \
        {"a": "A", "b": "B"}
    return out


def _cancelled_lines(path: Path) -> list[str]:
    """SUMMARY and LOCATION of every cancelled event of a calendar file."""
    calendar = Calendar.from_ical(path.read_bytes())
    return [f"{e['SUMMARY']} @ {e.get('LOCATION', '')}" for e in calendar.walk("VEVENT")
            if str(e["STATUS"]) == "CANCELLED"]


def _assert_keeps_the_places_it_cancels_at(out: Path) -> None:
    """Version 3 knows B and HOTEL2, where its calendars cancel the meeting and the legs, and
    names them as people read them in the calendars, the invitation and a later export."""
    plan = app.load_plan(out / "plan.json")
    assert [e.request_id for e in plan.engagements] == ["a"]
    assert {"B", "HOTEL2"} <= set(plan.problem.locations)
    assert check_plan_file(out / "plan.json") == []
    cancelled = _cancelled_lines(out / "agenda.ics")
    assert "Cancelled: Meeting B @ Place B" in cancelled, cancelled
    assert any("Place B → Hotel Two" in line for line in cancelled), cancelled
    invitation = next(iter(Calendar.from_ical((out / "invites" / "b.ics").read_bytes()).walk("VEVENT")))
    assert str(invitation["STATUS"]) == "CANCELLED" and str(invitation["LOCATION"]) == "Place B"
    exported = out.parent / "exported"
    write_all(plan, exported, (("ics", "guest"),))
    assert (exported / "agenda.ics").read_bytes() == (out / "agenda.ics").read_bytes()


def test_going_back_keeps_the_places_the_dropped_slots_were_at(tmp_path):
    """Back to version 1 after the tour's places changed: the new version keeps the places
    its cancellations name (Place B, Hotel Two), as a plan made again does."""
    out = _moved_tour(tmp_path)
    app.restore_version(out, 1)
    _assert_keeps_the_places_it_cancels_at(out)


def test_an_older_what_if_accepted_keeps_the_places_the_dropped_slots_were_at(tmp_path):
    """A what-if made from version 1 (which knows neither B nor HOTEL2) accepted over
    version 2: the new version keeps the places its cancellations name."""
    out = _moved_tour(tmp_path)
    older = app.load_plan(out / "versions" / "plan-v1.json")
    app.adopt_plan(out, older, note="What-if accepted: the first agenda",
                   now=datetime.fromisoformat("2018-11-21T09:00:00+01:00"))
    _assert_keeps_the_places_it_cancels_at(out)
