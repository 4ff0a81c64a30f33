"""The visit page's list of versions: what a team needs to choose one to go back to."""

from __future__ import annotations

import re

import pytest
from builders import log_in
from starlette.testclient import TestClient

from scheduler.web import WebSettings, create_app

TOKEN = "versions-list-token"
TOUR = "spain-2018"


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """The example tour planned, then re-planned with Podemos cancelled and accepted: two
    versions, the second current."""
    workspace = tmp_path_factory.mktemp("workspace")
    with TestClient(create_app(WebSettings(workspace=workspace, token=TOKEN)),
                    raise_server_exceptions=False) as client:
        csrf = log_in(client, TOKEN)
        client.post("/tours", data={"how": "example", "csrf_token": csrf})
        client.post(f"/tours/{TOUR}/plan", data={"csrf_token": csrf, "time_limit": "1"})
        assert client.app.state.runner.wait(TOUR).state == "done"
        client.post(f"/tours/{TOUR}/replan", data={
            "csrf_token": csrf, "cancel": "podemos", "now_mode": "typed",
            "now": "2018-11-27T08:00", "time_limit": "1"})
        preview = client.app.state.runner.wait(TOUR)
        assert preview.state == "done", preview.error
        client.post(f"/tours/{TOUR}/replan/decide", data={
            "csrf_token": csrf, "preview": preview.id, "decision": "accept"})
        assert client.app.state.runner.wait(TOUR).state == "done"
        yield client, csrf, workspace / TOUR


def _items(page: str) -> list[str]:
    listed = re.search(r'<ul class="versions">(.*?)</ul>', page, re.S)
    assert listed, "no list of versions on the page"
    return re.findall(r"<li.*?</li>", listed.group(1), re.S)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_each_version_says_when_and_what_made_it(session):
    """Newest first: version 2 marked current, made by the re-plan of Tuesday 08:00 that
    cancelled Podemos, with its engagements and value; version 1 the first plan."""
    client, _, _ = session
    items = [_text(item) for item in _items(client.get(f"/tours/{TOUR}/visit").text)]
    assert len(items) == 2
    newest, first = items
    assert newest.startswith("Version 2 (current)")
    assert "Tue 27 Nov 2018 08:00" in newest
    assert "Re-planned: cancelled Meeting with Podemos" in newest
    assert re.search(r"\d+ engagements, value \d+ of \d+", newest)
    assert first.startswith("Version 1") and "(current)" not in first
    assert "First plan." in first


def test_only_the_other_versions_can_be_brought_back(session):
    """The current version has no "Go back" button (it would only copy itself); the other has
    one, naming its number."""
    client, _, _ = session
    newest, first = _items(client.get(f"/tours/{TOUR}/visit").text)
    assert "Go back to this version" not in newest
    assert "Go back to this version" in first
    assert 'name="version" value="1"' in first


def test_an_unreadable_plan_still_lists_the_numbers(session):
    """With the current plan.json broken the page still answers and lists the versions by
    number, to go back to one."""
    client, _, folder = session
    plan = folder / "out" / "plan.json"
    before = plan.read_bytes()
    plan.write_bytes(b"not json")
    try:
        response = client.get(f"/tours/{TOUR}/visit")
    finally:
        plan.write_bytes(before)
    assert response.status_code == 200
    items = [_text(item) for item in _items(response.text)]
    assert [item.split(" Go back")[0] for item in items] == ["Version 2", "Version 1"]
