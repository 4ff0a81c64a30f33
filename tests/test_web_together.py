"""Two organizers on one tour at once: a re-plan or a what-if accepted from a page made before
the other changed the plan is refused with a message, and nothing is written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builders import form_fields, log_in

from starlette.testclient import TestClient

from scheduler import app
from scheduler.errors import SchedulerError
from scheduler.web import WebSettings, create_app

TOKEN = "together-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TOUR = "spain-2018"
REPLAN = {"now_mode": "typed", "now": "2018-11-26T08:00", "time_limit": "1"}


@pytest.fixture
def team(tmp_path):
    """A browser session (organizer A) on the planned example; organizer B uses the API."""
    with TestClient(create_app(WebSettings(workspace=tmp_path, token=TOKEN))) as client:
        csrf = log_in(client, TOKEN)
        client.post("/tours", data={"how": "example", "csrf_token": csrf})
        client.post(f"/tours/{TOUR}/plan", data={"csrf_token": csrf, "time_limit": "1"})
        client.app.state.runner.wait(TOUR)
        assert (tmp_path / TOUR / "out" / "plan.json").is_file()
        yield client, csrf, tmp_path / TOUR / "out"


def _engaged(out: Path) -> list[str]:
    return [e["request_id"] for e in json.loads((out / "plan.json").read_text())["engagements"]]


def _preview(client, csrf: str, cancel: str) -> dict[str, str]:
    """Start a re-plan preview cancelling ``cancel``, wait, and return the Accept form's fields."""
    client.post(f"/tours/{TOUR}/replan", data={**REPLAN, "cancel": cancel, "csrf_token": csrf})
    client.app.state.runner.wait(TOUR)
    page = client.get(f"/tours/{TOUR}/visit").text
    form = re.search(r'<form method="post" action="/tours/[^"]+/replan/decide".*?</form>', page, re.S)
    assert form, page
    return {**form_fields(form.group(0)), "decision": "accept"}


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def test_accepting_a_preview_made_before_another_version_was_accepted_is_refused(team):
    """A previews cancelling one engagement; B re-plans and accepts another version through the
    API; A's Accept must not write A's re-plan (built on the old plan) over B's version."""
    client, csrf, out = team
    first, second = _engaged(out)[:2]
    accept = _preview(client, csrf, first)
    assert client.post(f"/api/tours/{TOUR}/replan", headers=AUTH,
                       json={"now": "2018-11-26 08:00", "cancel": [second], "time_limit": 1}).status_code == 202
    client.app.state.runner.wait(TOUR)
    before = _snapshot(out)
    response = client.post(f"/tours/{TOUR}/replan/decide", data=accept)
    client.app.state.runner.wait(TOUR)
    assert response.status_code == 200
    assert "changed the plan" in response.text and "nothing was written" in response.text.lower()
    assert _snapshot(out) == before


def test_a_preview_made_before_another_version_says_so_on_the_page(team):
    """After B accepted another version, A's page says at once that the preview was made from
    a plan that has changed and offers only Discard, rather than an Accept that would be
    refused; a fresh preview of the current plan can be accepted again."""
    client, csrf, out = team
    first, second = _engaged(out)[:2]
    _preview(client, csrf, first)
    assert 'id="preview-out-of-date"' not in client.get(f"/tours/{TOUR}/visit").text
    assert client.post(f"/api/tours/{TOUR}/replan", headers=AUTH,
                       json={"now": "2018-11-26 08:00", "cancel": [second], "time_limit": 1}).status_code == 202
    client.app.state.runner.wait(TOUR)
    page = client.get(f"/tours/{TOUR}/visit").text
    assert 'id="preview-out-of-date"' in page and 'id="accept-replan"' not in page
    assert 'value="discard"' in page
    _preview(client, csrf, first)
    page = client.get(f"/tours/{TOUR}/visit").text
    assert 'id="preview-out-of-date"' not in page and 'id="accept-replan"' in page


def test_accept_from_a_page_whose_preview_was_replaced_is_refused(team):
    """A's page shows the preview cancelling one engagement; B then previews another change.
    A's Accept must not accept B's preview, which A never saw."""
    client, csrf, out = team
    first, second = _engaged(out)[:2]
    stale_page = _preview(client, csrf, first)
    _preview(client, csrf, second)
    before = _snapshot(out)
    response = client.post(f"/tours/{TOUR}/replan/decide", data=stale_page)
    client.app.state.runner.wait(TOUR)
    assert "another preview" in response.text and "nothing was accepted" in response.text.lower()
    assert _snapshot(out) == before
    assert "accept-replan" in client.get(f"/tours/{TOUR}/visit").text  # B's preview is still there


def test_a_second_accept_of_the_same_preview_says_it_was_accepted_already(team):
    """A double-click on Accept (or the second organizer's Accept of the same preview) writes
    one version and tells the second press that the preview is gone."""
    client, csrf, out = team
    accept = _preview(client, csrf, _engaged(out)[0])
    assert client.post(f"/tours/{TOUR}/replan/decide", data=accept, follow_redirects=False).status_code == 303
    second = client.post(f"/tours/{TOUR}/replan/decide", data=accept)
    client.app.state.runner.wait(TOUR)
    assert "already accepted or discarded" in second.text
    assert [version.number for version in app.plan_versions(out)] == [1, 2]


def test_accepting_a_what_if_made_before_another_version_was_accepted_is_refused(team):
    """The what-if of a left-out request was computed on the old plan: accepting it after B
    re-planned would bring back what B cancelled. It is refused; nothing is written."""
    client, csrf, out = team
    left_out = json.loads((out / "plan.json").read_text())["unscheduled"][0]["request_id"]
    client.post(f"/tours/{TOUR}/why", data={"request": left_out, "time_limit": "2", "csrf_token": csrf})
    client.app.state.runner.wait(TOUR)
    page = client.get(f"/tours/{TOUR}/why").text
    form = re.search(r'<form method="post" action="/tours/[^"]+/why/accept".*?</form>', page, re.S)
    if form is None:
        pytest.skip(f"the what-if of {left_out} does not fit in this plan")
    assert client.post(f"/api/tours/{TOUR}/replan", headers=AUTH,
                       json={"now": "2018-11-26 08:00", "cancel": [_engaged(out)[0]],
                             "time_limit": 1}).status_code == 202
    client.app.state.runner.wait(TOUR)
    before = _snapshot(out)
    response = client.post(f"/tours/{TOUR}/why/accept", data=form_fields(form.group(0)))
    client.app.state.runner.wait(TOUR)
    assert "changed the plan" in response.text
    assert _snapshot(out) == before


def test_writing_a_replan_over_a_plan_that_changed_meanwhile_writes_nothing(team):
    """The application layer's own check, under the output folder's lock: a re-plan made from
    version 1 and written after version 2 appeared (another process) raises and leaves the
    folder as it was, for the command line as for the web app."""
    _, _, out = team
    base = app.file_version(out / "plan.json")
    plan = app.load_plan(out / "plan.json")
    changes, moment = app.read_replan_changes(plan, cancel=[_engaged(out)[0]], now="2018-11-26 08:00")
    mine = app.compute_replan(plan, changes, moment, app.SolveParams(time_limit=1, seed=0, workers=1))
    app.replan_plan(out / "plan.json", out, cancel=[_engaged(out)[1]], now="2018-11-26 08:00",
                    params=app.SolveParams(time_limit=1, seed=0, workers=1), pdf=False)
    before = _snapshot(out)
    with pytest.raises(SchedulerError, match="changed the plan"):
        app.write_replan(mine, out, pdf=False, if_version=base)
    assert _snapshot(out) == before
