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
    """With the current plan.json broken the page and the API still answer and list the
    versions by number, to go back to one; the API says why in ``plan_problem``."""
    client, _, folder = session
    plan = folder / "out" / "plan.json"
    before = plan.read_bytes()
    plan.write_bytes(b"not json")
    try:
        response = client.get(f"/tours/{TOUR}/visit")
        listed = client.get(f"/api/tours/{TOUR}/versions",
                            headers={"Authorization": f"Bearer {TOKEN}"}).json()
    finally:
        plan.write_bytes(before)
    assert [v["number"] for v in listed["versions"]] == [1, 2]
    assert "out/plan.json" in listed["plan_problem"]
    assert str(folder.parent) not in listed["plan_problem"]
    assert response.status_code == 200
    items = [_text(item) for item in _items(response.text)]
    assert [item.split(" Go back")[0] for item in items] == ["Version 2", "Version 1"]


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_the_api_lists_the_versions_as_the_page_does(session):
    """GET /api/tours/ID/versions: oldest first, each with when (ISO, zone-aware), what made
    it, its size and value, and which is current."""
    client, _, _ = session
    response = client.get(f"/api/tours/{TOUR}/versions", headers=AUTH)
    assert response.status_code == 200
    data = response.json()
    assert data["plan_problem"] is None
    first, newest = data["versions"]
    assert (first["number"], first["current"], first["note"]) == (1, False, "First plan.")
    assert (newest["number"], newest["current"]) == (2, True)
    assert newest["made"].startswith("2018-11-27T08:00") and newest["made"].endswith("+01:00")
    assert newest["note"].startswith("Re-planned: cancelled Meeting with Podemos")
    assert newest["engagements"] == first["engagements"] - 1
    assert 0 < newest["value_served"] <= newest["value_total"]


@pytest.mark.parametrize("number", ["9", "0", "²", "9" * 5000, "x"])
def test_the_api_refuses_a_version_it_does_not_keep(session, number):
    """POST .../versions/N/restore for a version not kept (or not a number): 404 naming the
    versions kept, no task started, nothing written."""
    client, _, folder = session
    before = {p: p.read_bytes() for p in sorted((folder / "out").rglob("*")) if p.is_file()}
    response = client.post(f"/api/tours/{TOUR}/versions/{number}/restore", headers=AUTH)
    assert response.status_code == 404
    assert response.json()["error"] == "no-such-version" and response.json()["kept"] == [1, 2]
    assert client.app.state.runner.running(TOUR) is None
    assert {p: p.read_bytes() for p in sorted((folder / "out").rglob("*")) if p.is_file()} == before


def test_the_api_brings_a_version_back(tmp_path):
    """POST .../versions/1/restore on a tour re-planned once: 202, then a version 3, current,
    whose agenda is version 1's, listed as "Back to version 1."."""
    with TestClient(create_app(WebSettings(workspace=tmp_path, token=TOKEN)),
                    raise_server_exceptions=False) as client:
        csrf = log_in(client, TOKEN)
        client.post("/tours", data={"how": "example", "csrf_token": csrf})
        assert client.post(f"/api/tours/{TOUR}/versions", headers=AUTH).status_code == 405
        assert client.get(f"/api/tours/{TOUR}/versions", headers=AUTH).status_code == 404
        client.post(f"/api/tours/{TOUR}/plan", headers=AUTH, json={"time_limit": 1})
        assert client.app.state.runner.wait(TOUR).state == "done"
        client.post(f"/api/tours/{TOUR}/replan", headers=AUTH,
                    json={"now": "2018-11-27 08:00", "cancel": ["podemos"], "time_limit": 1})
        assert client.app.state.runner.wait(TOUR).state == "done"
        response = client.post(f"/api/tours/{TOUR}/versions/1/restore", headers=AUTH)
        assert response.status_code == 202
        assert client.app.state.runner.wait(TOUR).state == "done"
        versions = client.get(f"/api/tours/{TOUR}/versions", headers=AUTH).json()["versions"]
    out = tmp_path / TOUR / "out"
    assert [(v["number"], v["current"]) for v in versions] == [(1, False), (2, False), (3, True)]
    assert versions[2]["note"] == "Back to version 1."

    def agenda(path):
        import json
        return sorted((e["request_id"], e["start"]) for e in json.loads(path.read_text())["engagements"])

    assert agenda(out / "plan.json") == agenda(out / "versions" / "plan-v1.json")


def test_a_broken_kept_version_is_named_as_the_tour_folder_names_it(session):
    """A kept version that cannot be read is listed with the reason, naming the file
    out/versions/plan-v9.json, never where the server keeps it, on the page and in the API."""
    client, _, folder = session
    broken = folder / "out" / "versions" / "plan-v9.json"
    broken.write_bytes(b"not json")
    try:
        page = client.get(f"/tours/{TOUR}/visit").text
        listed = client.get(f"/api/tours/{TOUR}/versions", headers=AUTH).json()
    finally:
        broken.unlink()
    item = _text(_items(page)[0])
    assert item.startswith("Version 9") and "cannot be read" in item
    assert "out/versions/plan-v9.json" in item
    problem = listed["versions"][-1]["problem"]
    assert "out/versions/plan-v9.json" in problem
    assert str(folder.parent) not in page and str(folder.parent) not in problem
