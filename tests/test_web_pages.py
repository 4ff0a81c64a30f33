"""The web app's forms: the frame checked like `scheduler check`, versions refusing lost updates, requests."""

from __future__ import annotations

import re

import pytest
from builders import form_fields, log_in

from starlette.testclient import TestClient

from scheduler.web import WebSettings, create_app

TOKEN = "pages-token"


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(WebSettings(workspace=tmp_path, token=TOKEN))) as test_client:
        csrf = log_in(test_client, TOKEN)
        test_client.post("/tours", data={"how": "example", "csrf_token": csrf})
        yield test_client, csrf


def test_frame_problem_is_shown_next_to_its_field_and_nothing_is_saved(client, tmp_path):
    """An unknown time zone: 422, the message inside that field's block, tour.toml unchanged."""
    test_client, _ = client
    before = (tmp_path / "spain-2018" / "tour.toml").read_bytes()
    fields = form_fields(test_client.get("/tours/spain-2018/frame").text)
    fields["tour.timezone"] = "Europe/Atlantis"
    response = test_client.post("/tours/spain-2018/frame", data=fields)
    assert response.status_code == 422
    block = re.search(r'<div class="field has-problem">\s*<label for="f-tour.timezone">.*?</div>\s*</div>',
                      response.text, re.S)
    assert block and "Atlantis" in block.group(0)
    assert (tmp_path / "spain-2018" / "tour.toml").read_bytes() == before


def test_frame_save_then_an_outdated_save_is_refused(client, tmp_path):
    """Two people open the frame; the first save wins, the second gets 409 and a clear message."""
    test_client, _ = client
    first = form_fields(test_client.get("/tours/spain-2018/frame").text)
    second = dict(first)
    first["limits.max_engagements_per_day"] = "5"
    saved = test_client.post("/tours/spain-2018/frame", data=first, follow_redirects=False)
    assert saved.status_code == 303
    assert "max_engagements_per_day = 5" in (tmp_path / "spain-2018" / "tour.toml").read_text()
    second["limits.min_buffer_minutes"] = "20"
    refused = test_client.post("/tours/spain-2018/frame", data=second)
    assert refused.status_code == 409 and "changed by someone else" in refused.text
    assert "min_buffer_minutes = 15" in (tmp_path / "spain-2018" / "tour.toml").read_text()


def test_add_a_request_and_see_it_sorted_in_the_table(client, tmp_path):
    """A new request saved from the form appears in requests.csv and first when sorted by id."""
    test_client, csrf = client
    fields = form_fields(test_client.get("/tours/spain-2018/requests/new").text)
    fields.update({"id": "aaa-radio", "title": "Radio call", "remote": "phone", "duration": "20",
                   "csrf_token": csrf})
    saved = test_client.post("/tours/spain-2018/requests/new", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert "aaa-radio" in (tmp_path / "spain-2018" / "requests.csv").read_text()
    table = test_client.get("/tours/spain-2018/requests?sort=id&order=asc").text
    assert table.index("aaa-radio") < table.index("psoe")
    fresh = form_fields(test_client.get("/tours/spain-2018/requests/new").text)
    bad = dict(fields, version=fresh["version"], id="bbb", duration="soon")
    refused = test_client.post("/tours/spain-2018/requests/new", data=bad)
    assert refused.status_code == 422 and "duration" in refused.text


def test_a_new_tour_takes_its_requests_from_an_excel_workbook(client, tmp_path):
    """The new-tour form takes an .xlsx requests spreadsheet as organizers keep them; the tour
    gets it as requests.csv, which the requests table then edits."""
    import io

    import openpyxl

    test_client, csrf = client
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "requests"
    sheet.append(["id", "title", "counterpart", "location", "remote", "duration", "priority", "windows"])
    sheet.append(["radio", "Radio interview", "Radio", None, "phone", 30, 3, "Tue 10:00-12:00"])
    data = io.BytesIO()
    book.save(data)
    response = test_client.post(
        "/tours", data={"how": "form", "name": "Workbook visit", "id": "workbook",
                        "first_day": "2019-03-05", "last_day": "2019-03-06",
                        "timezone": "Europe/Madrid", "csrf_token": csrf},
        files={"requests": ("requests.xlsx", data.getvalue(),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        follow_redirects=False)
    assert response.status_code == 303, response.text
    text = (tmp_path / "workbook" / "requests.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("id,title")
    assert "radio,Radio interview,Radio,,phone,30,3,Tue 10:00-12:00" in text


def test_an_unreadable_workbook_is_refused_with_its_problem(client, tmp_path):
    test_client, csrf = client
    response = test_client.post(
        "/tours", data={"how": "form", "name": "Broken", "id": "broken", "first_day": "2019-03-05",
                        "last_day": "2019-03-06", "csrf_token": csrf},
        files={"requests": ("requests.xlsx", b"not a workbook", "application/octet-stream")})
    assert response.status_code == 422
    assert "requests.xlsx" in response.text
    assert not (tmp_path / "broken").exists()


def test_a_requests_file_with_stray_bytes_is_shown_as_a_problem_not_mangled(client, tmp_path):
    """A UTF-8 requests.csv with one Windows-1252 byte is refused at its line, as `scheduler
    check` refuses it, instead of being read (and saved back) with every accent broken."""
    test_client, _ = client
    path = tmp_path / "spain-2018" / "requests.csv"
    original = path.read_bytes()
    lines = original.split(b"\n")
    lines[2] = lines[2] + b" caf\xe9"  # one Windows-1252 byte in a UTF-8 file with accents
    path.write_bytes(b"\n".join(lines))
    response = test_client.get("/tours/spain-2018/requests")
    assert response.status_code == 422
    assert "requests.csv:3" in response.text and "UTF-8" in response.text
    assert "Ã" not in response.text
