"""The web app with a delegation: the example created, every page, the guests column, lanes,
an absent member re-planned and accepted, each member's files, the API's `absent`.

The plan is the hand-made one of the exporters' tests (no solver), written into the example
tour's `out/` as `scheduler plan` would write it; re-plans and explanations run for real.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace

import pytest

from starlette.testclient import TestClient

from scheduler import app
from scheduler.domain import Unscheduled, Window
from scheduler.web import WebSettings, create_app

from builders import form_fields, log_in
from delegation_export_plans import WEDNESDAY, at, delegation_plan

TOKEN = "delegation-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TOUR = "brussels-delegation-2019"
MEMBERS = ("anna", "boris", "chen")


def busy_plan():
    """The hand-made plan, with Boris's evening debate only possible while he records the
    podcast: left out, and its explanation must name him busy."""
    plan = delegation_plan()
    requests = tuple(replace(r, windows=(Window(at(WEDNESDAY, 10), at(WEDNESDAY, 11)),), duration_minutes=60,
                             windows_text=None) if r.id == "late" else r for r in plan.problem.requests)
    return replace(plan, problem=replace(plan.problem, requests=requests),
                   unscheduled=(Unscheduled("late", "Boris Ivanov is at Studio Reyers then.", "displaced"),))


@pytest.fixture
def client(tmp_path):
    web = create_app(WebSettings(workspace=tmp_path, token=TOKEN))
    with TestClient(web) as test_client:
        csrf = log_in(test_client, TOKEN)
        created = test_client.post("/tours", data={"how": "delegation-example", "csrf_token": csrf},
                                   follow_redirects=False)
        assert created.status_code == 303 and created.headers["location"].startswith(f"/tours/{TOUR}")
        app.write_plan_outputs(busy_plan(), tmp_path / TOUR / "out")
        yield test_client, csrf, web, tmp_path


def test_the_delegation_example_is_created_and_every_page_opens(client):
    test_client, *_ = client
    for page in ("", "/frame", "/requests", "/requests/0", "/requests/new", "/visit", "/send", "/why"):
        response = test_client.get(f"/tours/{TOUR}{page}")
        assert response.status_code == 200, page
    api = test_client.post("/api/tours", headers=AUTH, data={"example": "delegation"})
    assert api.status_code == 201 and api.json()["id"] == f"{TOUR}-2"


def test_frame_shows_the_members_and_a_save_keeps_them(client):
    test_client, _, _, root = client
    page = test_client.get(f"/tours/{TOUR}/frame").text
    for member in MEMBERS:
        assert f'data-member="{member}"' in page
    assert "Boris Ivanov" in page and "hours 09:30–18:30" in page and "CHEN-HOME" in page
    assert "Name of the delegation" in page
    fields = form_fields(page, textareas=True)
    fields["limits.max_engagements_per_day"] = "5"
    saved = test_client.post(f"/tours/{TOUR}/frame", data=fields, follow_redirects=False)
    assert saved.status_code == 303
    frame = tomllib.loads((root / TOUR / "tour.toml").read_text(encoding="utf-8"))
    assert frame["limits"]["max_engagements_per_day"] == 5
    assert [g["id"] for g in frame["guests"]] == list(MEMBERS)
    assert frame["guests"][1]["hours"] == {"start": "09:30", "end": "18:30"}
    assert [r["id"] for r in frame["resources"]] == ["interp-1", "car-1"]


def test_frame_refuses_to_save_what_it_could_not_keep(client, monkeypatch):
    """Were the members not to survive the form's writing, nothing is saved and the page says why."""
    test_client, _, _, root = client
    before = (root / TOUR / "tour.toml").read_bytes()
    fields = form_fields(test_client.get(f"/tours/{TOUR}/frame").text, textareas=True)
    real = app.frame_text
    monkeypatch.setattr(app, "frame_text", lambda frame: real({k: v for k, v in frame.items() if k != "guests"}))
    response = test_client.post(f"/tours/{TOUR}/frame", data=fields)
    assert response.status_code == 422
    assert "Nothing was saved" in response.text and "members" in response.text
    assert (root / TOUR / "tour.toml").read_bytes() == before


def test_requests_table_shows_and_edits_who_goes(client):
    test_client, _, _, root = client
    page = test_client.get(f"/tours/{TOUR}/requests").text
    assert "<th" in page and ">Who goes</a>" in page
    assert "anna;boris;chen" in page and "anna|boris" in page.replace("&#124;", "|")
    assert "anna;boris: all of them, together; anna|boris: any one of them" in page
    rows = app.read_requests(root / TOUR).rows
    index = next(i for i, row in enumerate(rows) if row["id"] == "mep-epp")
    form = test_client.get(f"/tours/{TOUR}/requests/{index}").text
    assert 'id="h-guests"' in form and "anna (Anna Kowalska)" in form
    fields = form_fields(form, textareas=True)
    fields["guests"] = "anna|chen"
    saved = test_client.post(f"/tours/{TOUR}/requests/{index}", data=fields, follow_redirects=False)
    assert saved.status_code == 303, re.findall(r'<section class="problem".*?</section>', saved.text, re.S)
    assert app.read_requests(root / TOUR).rows[index]["guests"] == "anna|chen"
    fields = form_fields(test_client.get(f"/tours/{TOUR}/requests/{index}").text, textareas=True)
    fields["guests"] = "anna;chen|boris"
    refused = test_client.post(f"/tours/{TOUR}/requests/{index}", data=fields)
    assert refused.status_code == 422 and "guests" in refused.text
    assert app.read_requests(root / TOUR).rows[index]["guests"] == "anna|chen"


def test_agenda_shows_a_lane_per_member_and_resource_with_joint_bands(client):
    test_client, *_ = client
    page = test_client.get(f"/tours/{TOUR}").text
    day = page.split('id="day-2019-03-12"', 1)[1].split("</section>", 1)[0]
    for lane in (*MEMBERS, "interp-1", "car-1"):
        assert 'class="lane-name ' in day and f'data-lane="{lane}"' in day
    assert day.count('class="block engagement joint"') == 4  # the commissioner: three members and the interpreter
    assert 'class="band" data-joint="1"' in day
    assert '<td class="who">Anna Kowalska, Boris Ivanov, Chen Wei</td>' in day
    assert "style=" not in page  # the policy allows no inline style
    assert "svg.timeline" not in page and 'class="timeline"' not in page


def test_why_not_names_the_busy_member(client):
    test_client, csrf, web, _ = client
    test_client.post(f"/tours/{TOUR}/why", data={"csrf_token": csrf, "request": "late", "time_limit": "1"})
    job = web.state.runner.wait(TOUR, 120)
    assert job.state == "done", job.error
    text = test_client.get(f"/tours/{TOUR}/why").text
    assert "Boris Ivanov: Podcast, Brux Talks, 10:00–11:00" in text


def test_an_absent_member_is_previewed_then_accepted(client):
    test_client, csrf, web, root = client
    visit = test_client.get(f"/tours/{TOUR}/visit").text
    assert 'name="absent_guest"' in visit and '<option value="anna">Anna Kowalska</option>' in visit
    before = (root / TOUR / "out" / "plan.json").read_bytes()
    test_client.post(f"/tours/{TOUR}/replan", data={
        "csrf_token": csrf, "now_mode": "typed", "now": "2019-03-12T09:00", "absent_guest": "anna",
        "absent_from": "2019-03-12T09:00", "absent_joint": "continue", "time_limit": "3"})
    job = web.state.runner.wait(TOUR, 120)
    assert job.state == "done", job.error
    preview = test_client.get(f"/tours/{TOUR}/visit").text
    assert "Anna Kowalska is absent from Tue 12 Mar 09:00" in preview
    assert "continues with Boris Ivanov and Chen Wei" in preview
    assert (root / TOUR / "out" / "plan.json").read_bytes() == before  # a preview writes nothing
    test_client.post(f"/tours/{TOUR}/replan/decide", data={"csrf_token": csrf, "decision": "accept"})
    assert web.state.runner.wait(TOUR, 120).state == "done"
    plan = app.load_plan(root / TOUR / "out" / "plan.json")
    assert plan.engagement("commissioner").guests == ("boris", "chen")
    assert not any("anna" in e.guests for e in plan.engagements)
    assert "Anna Kowalska absent" in (root / TOUR / "out" / "changes.md").read_text()


def test_absent_member_who_drops_joint_meetings_and_an_unknown_member(client):
    test_client, csrf, web, _ = client
    test_client.post(f"/tours/{TOUR}/replan", data={
        "csrf_token": csrf, "now_mode": "typed", "now": "2019-03-12T09:00", "absent_guest": "chen",
        "absent_joint": "drop", "time_limit": "3"})
    assert web.state.runner.wait(TOUR, 120).state == "done"
    preview = test_client.get(f"/tours/{TOUR}/visit").text
    assert "joint meetings drop" in preview
    test_client.post(f"/tours/{TOUR}/replan/decide", data={"csrf_token": csrf, "decision": "discard"})
    test_client.post(f"/tours/{TOUR}/replan", data={
        "csrf_token": csrf, "now_mode": "typed", "now": "2019-03-12T09:00", "absent_guest": "chenn",
        "time_limit": "1"})
    job = web.state.runner.wait(TOUR, 60)
    assert job.state == "failed" and "chen" in " ".join(job.error["details"])


def test_send_offers_each_members_calendar_and_run_sheets_and_the_overview(client):
    test_client, *_ = client
    page = test_client.get(f"/tours/{TOUR}/send").text
    assert 'id="download-overview"' in page
    for member in MEMBERS:
        for suffix in ("ics", "pdf", "html"):
            assert f'href="/api/tours/{TOUR}/files/guests/{member}.{suffix}"' in page
    assert f"/api/tours/{TOUR}/files/resources/interp-1.ics" in page
    calendar = test_client.get(f"/api/tours/{TOUR}/files/guests/boris.ics")
    assert calendar.status_code == 200 and b"BEGIN:VCALENDAR" in calendar.content
    assert b"Radio Brux" not in calendar.content  # Anna's phone interview is not in Boris's calendar
    overview = test_client.get(f"/api/tours/{TOUR}/files/delegation.html")
    assert overview.status_code == 200 and b'data-lane="chen"' in overview.content


def test_api_replan_with_an_absent_member(client):
    test_client, _, web, root = client
    bad = test_client.post(f"/api/tours/{TOUR}/replan", headers=AUTH, json={"absent": [{"who": "anna"}]})
    assert bad.status_code == 400
    started = test_client.post(f"/api/tours/{TOUR}/replan", headers=AUTH, json={
        "now": "2019-03-12 09:00", "time_limit": 3,
        "absent": [{"guest": "boris", "from": "2019-03-12 09:00", "joint": "continue"}]})
    assert started.status_code == 202
    assert web.state.runner.wait(TOUR, 120).state == "done"
    assert test_client.get(f"/api/tours/{TOUR}/plan", headers=AUTH).status_code == 200
    plan = app.load_plan(root / TOUR / "out" / "plan.json")
    assert plan.engagement("commissioner").guests == ("anna", "chen")
    assert "tv" not in {e.request_id for e in plan.engagements}  # Boris's own studio interview drops


@pytest.mark.parametrize("moment", ["2019-03-12T25:00", "2019-03-31T02:30"])
def test_a_problem_with_an_absence_names_the_form_not_a_changes_file(client, moment):
    """The "A member is absent" fields are read as a changes file's [[absent]] table in a
    scratch folder; a time that does not exist (25:00, or one the clocks skip) is refused,
    named as the form's field ("absent [from]"), not "changes.toml" and a line."""
    test_client, csrf, web, _ = client
    test_client.post(f"/tours/{TOUR}/replan", data={
        "csrf_token": csrf, "now_mode": "typed", "now": "2019-03-12T09:00", "absent_guest": "anna",
        "absent_from": moment, "time_limit": "1"})
    job = web.state.runner.wait(TOUR, 60)
    assert job.state == "failed"
    details = " ".join(job.error["details"])
    assert "absent [from]" in details and "changes.toml" not in details, details


def test_planning_again_says_the_calendars_update_the_earlier_ones(client):
    """The Plan button into a folder that holds the tour's earlier plan: the agenda page says
    in one sentence that the calendars update those of the earlier version."""
    test_client, csrf, web, tmp_path = client
    app.plan_tour(tmp_path / TOUR, tmp_path / TOUR / "out", app.SolveParams(time_limit=2.0, seed=0, workers=1))
    started = test_client.post(f"/tours/{TOUR}/plan", data={"time_limit": "2", "csrf_token": csrf},
                               follow_redirects=False)
    assert started.status_code == 303
    assert web.state.runner.wait(TOUR, 120).state == "done"
    page = test_client.get(f"/tours/{TOUR}").text
    assert re.search(r"This plan is version \d+ of the tour: its calendars update those of version \d+ "
                     r"already imported \((no event|\d+ events?) cancelled\)\.", page), page[:2000]
