"""The pages' forms under hostile or mistyped numbers: a row index, a version, a row count that
is not a plain number (a superscript digit, thousands of digits, letters) is refused in plain
words, never a server error, and nothing is written."""

from __future__ import annotations

import re

import pytest
from builders import form_fields, log_in

from starlette.testclient import TestClient

from scheduler.web import WebSettings, create_app

TOKEN = "hostile-forms-token"
TOUR = "spain-2018"
NOT_NUMBERS = ["²", "9" * 5000, "abc", "1e3", ""]


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A browser session on the example tour, planned once (one version)."""
    workspace = tmp_path_factory.mktemp("workspace")
    with TestClient(create_app(WebSettings(workspace=workspace, token=TOKEN)),
                    raise_server_exceptions=False) as client:
        csrf = log_in(client, TOKEN)
        client.post("/tours", data={"how": "example", "csrf_token": csrf})
        client.post(f"/tours/{TOUR}/plan", data={"csrf_token": csrf, "time_limit": "1"})
        client.app.state.runner.wait(TOUR)
        yield client, csrf, workspace / TOUR


def _files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("index", ["²", "9" * 5000, "99999999999999999999"])
def test_a_request_path_with_an_odd_number_goes_back_to_the_table(session, index):
    """/tours/ID/requests/² or a number of thousands of digits: back to the table, no 500."""
    client, _, _ = session
    response = client.get(f"/tours/{TOUR}/requests/{index}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/tours/{TOUR}/requests"


@pytest.mark.parametrize("index", NOT_NUMBERS)
def test_deleting_a_request_by_an_index_that_is_not_a_number_deletes_nothing(session, index):
    """The delete form's index is a hidden field; forged, it deletes nothing and answers a page."""
    client, csrf, folder = session
    before = _files(folder)
    response = client.post(f"/tours/{TOUR}/requests-delete", data={"index": index, "csrf_token": csrf},
                           follow_redirects=False)
    assert response.status_code == 303
    assert _files(folder) == before


@pytest.mark.parametrize("number", NOT_NUMBERS)
def test_restoring_a_version_that_is_not_a_number_restores_nothing(session, number):
    """"Go back to this version" with a forged version: no 500, no job, nothing written."""
    client, csrf, folder = session
    before = _files(folder)
    response = client.post(f"/tours/{TOUR}/versions/restore", data={"version": number, "csrf_token": csrf},
                           follow_redirects=False)
    client.app.state.runner.wait(TOUR)
    assert response.status_code == 303
    assert _files(folder) == before


def test_restoring_a_version_the_tour_does_not_keep_says_so_in_words(session):
    """Version 7 of a tour planned once: the page says there is no such version (not a bare
    "7"), and nothing is written."""
    client, csrf, folder = session
    before = _files(folder)
    client.post(f"/tours/{TOUR}/versions/restore", data={"version": "7", "csrf_token": csrf})
    client.app.state.runner.wait(TOUR)
    page = client.get(f"/tours/{TOUR}").text
    assert "no version 7" in page
    assert _files(folder) == before


@pytest.mark.parametrize("rows", ["²", "abc", "9" * 5000, "100000000000"])
def test_a_forged_row_count_in_the_frame_form_is_not_a_server_error(session, rows):
    """The frame form's row counts (lodging, days' hours) are hidden fields: a count that is not
    a number, or one far beyond the rows sent, reads the rows the form holds, at once."""
    client, _, folder = session
    before = (folder / "tour.toml").read_bytes()
    fields = form_fields(client.get(f"/tours/{TOUR}/frame").text)
    fields["lodging.rows"] = rows
    response = client.post(f"/tours/{TOUR}/frame", data=fields, follow_redirects=False)
    assert response.status_code in (303, 422), response.text[:300]
    if response.status_code == 422:
        assert (folder / "tour.toml").read_bytes() == before


_NEW_TOUR = {"how": "form", "name": "Visit", "first_day": "2026-03-02", "last_day": "2026-03-06",
             "timezone": "Europe/Madrid", "lodging": "HOTEL", "lodging_name": "Hotel",
             "latitude": "40.4", "longitude": "-3.7"}


def _new_tour(client, csrf: str, **fields) -> str:
    response = client.post("/tours", data={**_NEW_TOUR, **fields, "csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    return response.headers["location"].split("/")[2]


@pytest.mark.parametrize("field, typed", [
    ("latitude", "40.4\nEVIL,Evil place,,,1,2,yes"),
    ("lodging_name", 'The "Grand"\nEVIL,Evil place,,,1,2,yes'),
    ("lodging", "HOTEL,EVIL"),
])
def test_what_the_new_tour_form_types_about_the_lodging_is_one_row_of_locations_csv(session, field, typed):
    """A line break, a quote or a comma typed in the new-tour form's lodging fields stays in
    its cell of locations.csv: it cannot add a place of its own."""
    import csv

    client, csrf, folder = session
    tour_id = _new_tour(client, csrf, **{field: typed})
    with open(folder.parent / tour_id / "locations.csv", newline="", encoding="utf-8") as places:
        rows = list(csv.DictReader(places))
    assert len(rows) == 1
    assert rows[0][{"lodging_name": "name", "lodging": "id"}.get(field, field)] == typed


def test_a_new_tour_named_with_accents_gets_an_id_its_own_tour_toml_accepts(session):
    """"Visite à Genève": the folder's id and the tour.id written in tour.toml are plain
    letters, digits and dashes, which the reader accepts (an accented letter it refuses)."""
    from scheduler import app

    client, csrf, folder = session
    tour_id = _new_tour(client, csrf, name="Visite à Genève ٣")
    frame = app.parse_toml((folder.parent / tour_id / "tour.toml").read_text(encoding="utf-8"))
    assert re.fullmatch(r"[A-Za-z0-9_-]+", frame["tour"]["id"]), frame["tour"]["id"]


def test_a_problem_of_the_new_request_form_names_the_form_not_a_file(session):
    """The visit page's "A new request" is read as a one-row requests.csv; a problem in it
    names the form's field ("new request [id]"), not a file and line a phone user never saw."""
    client, csrf, _ = session
    client.post(f"/tours/{TOUR}/replan", data={
        "csrf_token": csrf, "new_id": "../x", "new_title": "Call", "new_duration": "30",
        "new_remote": "phone", "now_mode": "typed", "now": "2018-11-26T08:00", "time_limit": "1"})
    client.app.state.runner.wait(TOUR)
    problem = re.search(r'<section class="problem".*?</section>', client.get(f"/tours/{TOUR}/visit").text, re.S)
    assert problem and "new request [id]" in problem.group(0)
    assert "requests.csv" not in problem.group(0)


_MANY_COLUMNS = (",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("x" for _ in range(100_000)) + "\n")


def test_importing_a_csv_with_a_hundred_thousand_problems_shows_the_first_ones(session):
    """A CSV of 100,000 unknown columns has 100,000 problems: the page lists the first ones
    and says how many more there are, instead of a page of tens of megabytes."""
    client, csrf, folder = session
    before = (folder / "requests.csv").read_bytes()
    version = re.search(r'name="version" value="([^"]+)"', client.get(f"/tours/{TOUR}/requests").text).group(1)
    response = client.post(f"/tours/{TOUR}/requests-import", data={"csrf_token": csrf, "version": version},
                           files={"file": ("wide.csv", _MANY_COLUMNS.encode(), "text/csv")})
    assert response.status_code == 422
    assert len(response.content) < 200_000
    assert "unknown column `c0`" in response.text and "more problems not shown" in response.text
    assert (folder / "requests.csv").read_bytes() == before


def test_a_failed_plan_with_a_hundred_thousand_problems_shows_the_first_ones(session):
    """The agenda page of a plan that failed on 100,000 problems lists the first ones."""
    client, csrf, folder = session
    tour = folder.parent / "wide"
    tour.mkdir()
    for name in ("tour.toml", "locations.csv", "travel.csv", "availability.csv"):
        if (folder / name).exists():
            (tour / name).write_bytes((folder / name).read_bytes())
    (tour / "requests.csv").write_text(_MANY_COLUMNS, encoding="utf-8")
    client.post("/tours/wide/plan", data={"csrf_token": csrf, "time_limit": "1"})
    assert client.app.state.runner.wait("wide").state == "failed"
    page = client.get("/tours/wide")
    assert len(page.content) < 200_000
    assert "more problems not shown" in page.text


@pytest.mark.parametrize("moment", [{"now_mode": "current"}, {"now_mode": "typed", "now": "2018-12-25T10:00"}])
def test_a_replan_from_after_the_tour_warns_that_nothing_could_change(session, moment):
    """"The guest is 30 minutes late", re-planned from now when the tour is over (or from a
    typed time after it): the preview says the moment is after the tour's last working day,
    instead of showing "nothing changed" as if the delay had been taken into account."""
    client, csrf, _ = session
    client.post(f"/tours/{TOUR}/replan", data={"csrf_token": csrf, "delay": "30", "time_limit": "1", **moment})
    client.app.state.runner.wait(TOUR)
    page = client.get(f"/tours/{TOUR}/visit").text
    client.post(f"/tours/{TOUR}/replan/decide", data={"csrf_token": csrf, "decision": "discard"})
    assert "accept-replan" in page
    assert "after the tour&#39;s last working day" in page and "nothing could change" in page


@pytest.mark.parametrize("plan_text", [b"not json", b"[" * 100_000, b'{"format": "x"}'])
def test_a_tour_whose_plan_file_is_broken_still_opens_and_can_be_planned_again(session, plan_text):
    """A tour uploaded (or edited by hand) with an out/plan.json that is not a plan: the
    agenda, visit and send pages say the plan file cannot be read, without the server's
    folders, and the agenda keeps its Plan button, which replaces the file."""
    import io
    import zipfile

    client, csrf, folder = session
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("tour.toml", "requests.csv", "locations.csv", "travel.csv", "availability.csv"):
            if (folder / name).exists():
                zipped.writestr(name, (folder / name).read_bytes())
        zipped.writestr("out/plan.json", plan_text)
    created = client.post("/api/tours", headers={"Authorization": f"Bearer {TOKEN}"}, data={"id": "broken"},
                          files={"tour": ("t.zip", archive.getvalue(), "application/zip")})
    tour_id = created.json()["id"]
    for page in ("", "/visit", "/send"):
        response = client.get(f"/tours/{tour_id}{page}")
        assert response.status_code < 500, (page, response.text[:300])
        assert "plan file" in response.text and "cannot be read" in response.text, page
        assert str(folder.parent) not in response.text
    assert 'id="plan-button"' in client.get(f"/tours/{tour_id}").text
    client.post(f"/tours/{tour_id}/plan", data={"csrf_token": csrf, "time_limit": "1"})
    assert client.app.state.runner.wait(tour_id).state == "done"
    planned = client.get(f"/tours/{tour_id}").text
    assert "The tour's plan file (out/plan.json) cannot be read" not in planned
    # What the plan did with the broken file is said, naming the tour's folder as it has it.
    assert "The earlier plan.json in out cannot be read" in planned
    assert str(folder.parent) not in planned


def test_a_task_that_fails_on_a_broken_file_names_it_without_the_server_s_folders(session):
    """Going back to a kept version whose file is broken fails in words that name the file as
    the tour's folder has it (out/versions/plan-v1.json), not where the server keeps it."""
    client, csrf, folder = session
    versions = folder / "out" / "versions"
    versions.mkdir(exist_ok=True)
    kept = versions / "plan-v1.json"
    before = kept.read_bytes() if kept.exists() else None
    kept.write_bytes(b"not json")
    try:
        client.post(f"/tours/{TOUR}/versions/restore", data={"csrf_token": csrf, "version": "1"})
        assert client.app.state.runner.wait(TOUR).state == "failed"
        page = client.get(f"/tours/{TOUR}").text
    finally:
        if before is None:
            kept.unlink()
        else:
            kept.write_bytes(before)
    assert "out/versions/plan-v1.json" in page
    assert str(folder.parent) not in page


def test_a_control_character_in_a_form_field_is_dropped_not_a_broken_file(session):
    """A NUL (or an escape) in a text field, which no one types (a forged request, a paste of
    binary text), is dropped from the field: the visit page's new request is read as typed
    without it, never refused as "binary data" for the whole file."""
    client, csrf, _ = session
    client.post(f"/tours/{TOUR}/replan", data={
        "csrf_token": csrf, "new_id": "late\x00call", "new_title": "Call\x1b with \x00Radio",
        "new_duration": "30", "new_remote": "phone", "now_mode": "typed",
        "now": "2018-11-26T08:00", "time_limit": "1"})
    job = client.app.state.runner.wait(TOUR)
    assert job.state == "done", job.error
    page = client.get(f"/tours/{TOUR}/visit").text
    assert "binary data" not in page
    assert "Call with Radio" in page, page


def test_form_text_keeps_what_people_type():
    """Tabs, line breaks and every printable character (accents, emoji) stay; only the
    control characters no keyboard types go."""
    from scheduler.web.common import form_text

    typed = "Café\tlive\nüber 🙂 «x»"
    assert form_text({"f": f"  {typed}\x00\x07\x1b\x7f "}, "f") == typed


def test_a_refused_plan_says_its_own_reason_in_the_tour_s_words(tmp_path):
    """A plan refused because others kept writing into its folder says that (its own sentence,
    the folder named as the tour has it); any other plan changed meanwhile keeps the general
    sentence, which names no folder."""
    from scheduler.errors import PlanChanged
    from scheduler.web.worker import _in_the_tour, error_record

    out = tmp_path / "tour" / "out"
    own = PlanChanged(out, "a", "b", message=f"the plan in {out} changed 3 times while this plan "
                      "was being written into it; nothing was written. Plan again when they are done.")
    record = _in_the_tour(error_record(own), {"out_dir": str(out)})
    assert record["message"].startswith("The plan in out changed 3 times")
    assert str(tmp_path) not in record["message"]
    general = error_record(PlanChanged(out, "a", "b"))
    assert general["message"].startswith("Someone else changed the plan meanwhile")
    assert str(tmp_path) not in general["message"]
