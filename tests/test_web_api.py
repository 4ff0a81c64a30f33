"""The web app's JSON API (the contract of docs/web.md): tours, plan, re-plan, files, versions of inputs."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest

from icalendar import Calendar
from starlette.testclient import TestClient

from scheduler.web import WebSettings, create_app

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "spain-2018"


def wait_for_plan(client: TestClient, tour_id: str, timeout: float = 90.0):
    """GET .../plan until it stops answering 202."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/api/tours/{tour_id}/plan", headers=AUTH)
        if response.status_code != 202 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A client over a workspace holding the example tour, planned with a 1-second limit."""
    workspace = tmp_path_factory.mktemp("workspace")
    with TestClient(create_app(WebSettings(workspace=workspace, token=TOKEN))) as client:
        tour_id = client.post("/api/tours", headers=AUTH, data={"example": "1"}).json()["id"]
        assert client.post(f"/api/tours/{tour_id}/plan", headers=AUTH,
                           json={"time_limit": 1}).status_code == 202
        assert wait_for_plan(client, tour_id).status_code == 200
        yield client, tour_id, workspace


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_tours_lists_the_example_with_id_and_name(planned):
    """GET /api/tours gives each tour's id and name."""
    client, tour_id, _ = planned
    tours = client.get("/api/tours", headers=AUTH).json()
    assert {"id": tour_id, "name": "Advocacy visit to Spain: LGBT people in Russia and Chechnya",
            "planned": True} in tours


def test_plan_file_follows_the_plan_format(planned):
    """GET .../plan gives the plan file, with the tour and its engagements."""
    client, tour_id, workspace = planned
    plan = client.get(f"/api/tours/{tour_id}/plan", headers=AUTH).json()
    assert plan["schema_version"] == 2 and plan["tour"]["id"] == "spain-2018"
    assert plan["engagements"]
    assert (workspace / tour_id / "out" / "plan.json").is_file()  # where the CLI finds it


def test_a_second_plan_press_does_not_start_a_second_solve(planned):
    """POST .../plan twice while solving: both 202, the second names the running job."""
    client, tour_id, _ = planned
    first = client.post(f"/api/tours/{tour_id}/plan", headers=AUTH, json={"time_limit": 0.5})
    second = client.post(f"/api/tours/{tour_id}/plan", headers=AUTH, json={"time_limit": 0.5})
    assert first.status_code == second.status_code == 202
    assert first.json()["started"] is True and second.json()["started"] is False
    assert second.json()["job"] == first.json()["job"]
    assert client.get(f"/api/tours/{tour_id}/plan", headers=AUTH).status_code == 202
    assert wait_for_plan(client, tour_id).status_code == 200


def test_files_calendar_csv_and_invitations(planned):
    """GET .../files/{name} serves the calendar, the CSV and one invitation; nothing outside out/."""
    client, tour_id, _ = planned
    calendar = client.get(f"/api/tours/{tour_id}/files/agenda.ics", headers=AUTH)
    assert calendar.status_code == 200 and calendar.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(calendar.content).walk("VEVENT")
    assert events
    assert client.get(f"/api/tours/{tour_id}/files/agenda.csv", headers=AUTH).status_code == 200
    plan = client.get(f"/api/tours/{tour_id}/plan", headers=AUTH).json()
    first = plan["engagements"][0]["request_id"]
    invite = client.get(f"/api/tours/{tour_id}/files/invites/{first}.ics", headers=AUTH)
    assert invite.status_code == 200
    for name in ("../tour.toml", "..%2Ftour.toml", "plan.json.~1~", ".hidden", "invites/../../tour.toml"):
        assert client.get(f"/api/tours/{tour_id}/files/{name}", headers=AUTH).status_code == 404


def test_replan_cancels_and_gives_a_new_version(planned):
    """POST .../replan with now and cancel → 202; then .../plan is the next version without it."""
    client, tour_id, workspace = planned
    plan = client.get(f"/api/tours/{tour_id}/plan", headers=AUTH).json()
    later = [e for e in plan["engagements"] if e["start"] > "2018-11-28"]
    cancelled = later[0]["request_id"]
    # Planning again into the tour's folder (an earlier test did) makes versions too.
    before = plan["history"][-1]["version"] if plan.get("history") else 1
    response = client.post(f"/api/tours/{tour_id}/replan", headers=AUTH,
                           json={"now": "2018-11-27 12:00", "cancel": [cancelled], "time_limit": 1})
    assert response.status_code == 202
    new = wait_for_plan(client, tour_id)
    assert new.status_code == 200, new.text
    data = new.json()
    assert cancelled not in {e["request_id"] for e in data["engagements"]}
    assert data["history"] and data["history"][-1]["version"] == before + 1
    assert (workspace / tour_id / "out" / "versions" / f"plan-v{before + 1}.json").is_file()


def test_replan_with_an_unknown_id_reports_the_input_problem(planned):
    """A re-plan of a request the plan does not have ends in 422 with the problem."""
    client, tour_id, _ = planned
    client.post(f"/api/tours/{tour_id}/replan", headers=AUTH,
                json={"now": "2018-11-27 12:00", "cancel": ["no-such-request"], "time_limit": 0.5})
    response = wait_for_plan(client, tour_id)
    assert response.status_code == 422
    assert "no-such-request" in json.dumps(response.json())
    client.post(f"/api/tours/{tour_id}/plan", headers=AUTH, json={"time_limit": 0.5})
    assert wait_for_plan(client, tour_id).status_code == 200


def test_replan_problems_name_the_api_fields_not_the_command_line_options(planned):
    """A phone or a script sent `cancel` and `now`: the problems say so, never `--cancel`."""
    client, tour_id, _ = planned
    for body, field in (({"now": "2018-11-27 12:00", "cancel": ["no-such-request"]}, "cancel [no-such-request]"),
                        ({"now": "12:00"}, "now:")):
        client.post(f"/api/tours/{tour_id}/replan", headers=AUTH, json={**body, "time_limit": 0.5})
        response = wait_for_plan(client, tour_id)
        assert response.status_code == 422
        details = response.json()["details"]
        assert any(detail.startswith(field) for detail in details), details
        assert not any("--" in detail for detail in details), details
    client.post(f"/api/tours/{tour_id}/plan", headers=AUTH, json={"time_limit": 0.5})
    assert wait_for_plan(client, tour_id).status_code == 200


def test_upload_a_zipped_tour_folder(planned):
    """POST /api/tours with a zip of a tour folder (one top folder) → 201 and its id."""
    client, _, workspace = planned
    files = {f"mytour/{path.name}": path.read_bytes() for path in EXAMPLE.iterdir() if path.is_file()}
    response = client.post("/api/tours", headers=AUTH,
                           files={"tour": ("mytour.zip", zipped(files), "application/zip")})
    assert response.status_code == 201
    tour_id = response.json()["id"]
    assert tour_id == "mytour" and (workspace / "mytour" / "tour.toml").is_file()


def test_input_file_saves_refuse_an_outdated_version(planned):
    """PUT .../input/requests.csv with an old ETag is refused with 409 and a clear message."""
    client, tour_id, _ = planned
    current = client.get(f"/api/tours/{tour_id}/input/requests.csv", headers=AUTH)
    etag = current.headers["etag"]
    edited = current.text.replace("Meeting with PSOE", "Meeting with the PSOE", 1)
    saved = client.put(f"/api/tours/{tour_id}/input/requests.csv", content=edited.encode(),
                       headers={**AUTH, "If-Match": etag})
    assert saved.status_code == 200, saved.text
    again = client.put(f"/api/tours/{tour_id}/input/requests.csv", content=current.content,
                       headers={**AUTH, "If-Match": etag})
    assert again.status_code == 409
    assert "changed by someone else" in again.json()["message"]
    assert client.put(f"/api/tours/{tour_id}/input/requests.csv", content=current.content,
                      headers=AUTH).status_code == 428


def test_progress_stream_ends_with_done(planned):
    """GET .../events is a server-sent event stream that ends with `done` when nothing runs."""
    client, tour_id, _ = planned
    response = client.get(f"/api/tours/{tour_id}/events", headers=AUTH)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "event: done" in response.text


def test_unknown_tour_is_404(planned):
    """A tour id that is not a tour folder (or tries to leave the workspace) is 404."""
    client, _, _ = planned
    for tour_id in ("nope", "..", ".scheduler"):
        assert client.get(f"/api/tours/{tour_id}/plan", headers=AUTH).status_code == 404


def _bad_requests_csv(client: TestClient, tour_id: str, rows: int) -> tuple[bytes, str]:
    """The tour's requests.csv with ``rows`` more rows, each with a bad duration, and its ETag."""
    current = client.get(f"/api/tours/{tour_id}/input/requests.csv", headers=AUTH)
    header = current.text.splitlines()[0]
    width = len(header.split(","))
    bad = "".join(f"bad{n},Bad row {n},meeting,X,,,,MAD-PSOE,,-{n},3{',' * (width - 11)}\n"
                  for n in range(rows))
    return current.content + bad.encode(), current.headers["etag"]


def test_a_refused_save_lists_the_first_problems_and_counts_them_all(planned):
    """PUT of a requests.csv with 120 bad rows: 422 with the first 50 problems (as a page shows
    them) and ``details_total`` counting them all, so a hostile upload cannot make the answer
    weigh megabytes; the file is not saved."""
    client, tour_id, _ = planned
    body, etag = _bad_requests_csv(client, tour_id, 120)
    response = client.put(f"/api/tours/{tour_id}/input/requests.csv", content=body,
                          headers={**AUTH, "if-match": etag})
    assert response.status_code == 422, response.text
    answer = response.json()
    assert len(answer["details"]) == 50
    assert answer["details_total"] >= 120
    assert client.get(f"/api/tours/{tour_id}/input/requests.csv", headers=AUTH).headers["etag"] == etag


def test_a_failed_plan_lists_the_first_problems_and_counts_them_all(tmp_path):
    """A tour whose requests.csv has 120 bad rows, planned through the API: the 422 of
    ``GET .../plan`` and the job in ``GET /api/tours/{id}`` list 50 problems and the total."""
    with TestClient(create_app(WebSettings(workspace=tmp_path, token=TOKEN))) as client:
        tour_id = client.post("/api/tours", headers=AUTH, data={"example": "1"}).json()["id"]
        body, _ = _bad_requests_csv(client, tour_id, 120)
        (tmp_path / tour_id / "requests.csv").write_bytes(body)
        assert client.post(f"/api/tours/{tour_id}/plan", headers=AUTH,
                           json={"time_limit": 1}).status_code == 202
        response = wait_for_plan(client, tour_id)
        assert response.status_code == 422, response.text
        assert len(response.json()["details"]) == 50 and response.json()["details_total"] >= 120
        error = client.app.state.runner.wait(tour_id).status()["error"]
        assert len(error["details"]) == 50 and error["details_total"] >= 120


def test_a_download_after_a_save_holds_no_lock_file(planned):
    """After a plan and a PUT of each input file, the tour folder holds no lock file (so a
    copy or zip of it carries none), and neither do the downloads of its files."""
    client, tour_id, workspace = planned
    for name in ("tour.toml", "requests.csv"):
        got = client.get(f"/api/tours/{tour_id}/input/{name}", headers=AUTH)
        saved = client.put(f"/api/tours/{tour_id}/input/{name}", content=got.content,
                           headers={**AUTH, "if-match": got.headers["etag"]})
        assert saved.status_code == 200, saved.text
    locks = [str(p.relative_to(workspace)) for p in workspace.rglob("*") if p.name.endswith(".lock")]
    assert locks == []
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/tours/{tour_id}/invitations.zip", headers=AUTH).content))
    assert archive.namelist() and not [n for n in archive.namelist() if n.endswith(".lock")]
