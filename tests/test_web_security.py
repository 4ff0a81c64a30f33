"""The web app's security: token and sessions, CSRF, uploads, headers, binding, logs, no external URL."""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from pathlib import Path

import pytest
from builders import log_in

from starlette.testclient import TestClient

from scheduler.web import BindRefused, WebSettings, add_user, create_app, read_users, serve
from scheduler.web.security import CSP, SESSION_COOKIE

TOKEN = "secret-token-abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "spain-2018"


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(WebSettings(workspace=tmp_path, token=TOKEN,
                                           max_upload_bytes=2 * 1024 * 1024))) as test_client:
        yield test_client


def logged_in(client: TestClient) -> str:
    """Log the client in with the token; the CSRF token of its session."""
    return log_in(client, TOKEN)


def zipped(files: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_no_token_is_401_for_the_api_and_the_pages(client):
    """Without the token or a session: the API answers 401, a page 401 with where to log in."""
    assert client.get("/api/tours").status_code == 401
    assert client.get("/api/tours", headers={"Authorization": "Bearer wrong"}).status_code == 401
    page = client.get("/")
    assert page.status_code == 401 and "?token=" in page.text
    assert client.get("/?token=wrong").status_code == 401


def test_token_login_sets_a_strict_httponly_cookie_and_drops_the_token(client):
    """/?token= redirects to the address without it, setting an HttpOnly SameSite=Strict cookie."""
    response = client.get(f"/tours?token={TOKEN}&x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/tours?x=1"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and TOKEN not in cookie


def test_csrf_token_is_required_on_posts_from_a_session(client):
    """A form post with the cookie but without the session's CSRF token is refused (403)."""
    csrf = logged_in(client)
    refused = client.post("/tours", data={"how": "example"}, follow_redirects=False)
    assert refused.status_code == 403
    wrong = client.post("/tours", data={"how": "example", "csrf_token": "x" + csrf},
                        follow_redirects=False)
    assert wrong.status_code == 403
    accepted = client.post("/tours", data={"how": "example", "csrf_token": csrf}, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/tours/spain-2018")
    header = client.post("/api/tours", data={"example": "1"}, headers={"X-CSRF-Token": csrf})
    assert header.status_code == 201


@pytest.mark.parametrize("content_type, body", [
    ("multipart/form-data", b"garbage"),
    ("multipart/form-data; boundary=", b"garbage"),
    ("multipart/form-data; boundary=xyz", b'--xyz\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xyz--\r\n'),
])
@pytest.mark.parametrize("path", ["/tours", "/tours/spain-2018/replan", "/api/tours"])
def test_a_malformed_form_from_a_session_is_a_400_in_plain_words(client, path, content_type, body):
    """A form body that cannot be parsed, sent with the session cookie, is refused (400) with a
    sentence before the CSRF check reads it; never a server error, and nothing is created."""
    logged_in(client)
    client.post("/api/tours", data={"example": "1"}, headers={"Authorization": f"Bearer {TOKEN}"})
    before = sorted(path.name for path in client.app.state.workspace.root.iterdir())
    response = client.post(path, content=body, headers={"content-type": content_type})
    assert response.status_code == 400, response.text
    assert "could not be read" in response.text
    assert sorted(path.name for path in client.app.state.workspace.root.iterdir()) == before


@pytest.mark.parametrize("bad", [
    {"../evil/tour.toml": b"x", "tour.toml": b"[tour]"},
    {"t/../../evil.txt": b"x", "t/tour.toml": b"[tour]"},
    {"/etc/evil": b"x", "tour.toml": b"[tour]"},
    {"t\\..\\evil": b"x", "tour.toml": b"[tour]"},
])
def test_zip_entries_that_leave_the_folder_are_refused(client, tmp_path, bad):
    """A zip with `..`, an absolute or a Windows path is refused, and nothing is unpacked."""
    response = client.post("/api/tours", headers=AUTH,
                           files={"tour": ("t.zip", zipped(bad), "application/zip")})
    assert response.status_code == 400
    assert response.json()["error"] == "unsafe-upload"
    assert not (tmp_path.parent / "evil").exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []


def test_zip_with_a_link_is_refused(client, tmp_path):
    """A zip holding a symbolic link is refused."""
    data = zipped({"t/tour.toml": b"[tour]"}, links=("t/requests.csv",))
    response = client.post("/api/tours", headers=AUTH, files={"tour": ("t.zip", data, "application/zip")})
    assert response.status_code == 400 and "link" in response.json()["message"]


def _zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of these entries in this order (a name may come twice; one ending in / is a folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a name written twice: the point here
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_a_wrong_size(data: bytes, name: bytes, size: int) -> bytes:
    """The zip ``data`` with the unpacked size of entry ``name`` set to ``size`` in both its
    headers: the CRC and the real size no longer match what the zip claims."""
    import struct

    patched = bytearray(data)
    for signature, name_length_at, size_at, name_at in ((b"PK\x03\x04", 26, 22, 30),
                                                        (b"PK\x01\x02", 28, 24, 46)):
        at = patched.find(signature)
        while at >= 0:
            length = struct.unpack("<H", patched[at + name_length_at:at + name_length_at + 2])[0]
            if patched[at + name_at:at + name_at + length] == name:
                patched[at + size_at:at + size_at + 4] = struct.pack("<I", size)
            at = patched.find(signature, at + 4)
    return bytes(patched)


_TOUR = [("tour.toml", b"[tour]"), ("requests.csv", b"id,title")]


@pytest.mark.parametrize("entries, said", [
    (_TOUR + [("x" * 300 + ".txt", b"x")], "too long"),
    (_TOUR + [("/".join(["d" * 200] * 30) + "/f.txt", b"x")], "too long"),
    (_TOUR + [("requests.csv/x", b"x")], "both a file and a folder"),
    ([("tour.toml/", b""), ("requests.csv", b"id,title")], "no tour.toml"),
    (_TOUR + [("tour.toml", b"other = 1")], "twice"),
    (_TOUR + [("a\x1b[2Jb.txt", b"x")], "control character"),
    (_TOUR + [("CON", b"x")], "Windows"),
    (_TOUR + [("notes/aux.csv", b"x")], "Windows"),
    (_TOUR + [("what?.txt", b"x")], "Windows"),
])
def test_zip_entries_no_folder_can_hold_as_named_are_refused(client, tmp_path, entries, said):
    """A name longer than a file system allows, a name used for a file and a folder, a
    tour.toml that is a folder, the same name twice (two unpackers would take different
    files), a control character, or a name Windows keeps for a device or cannot hold: 400
    with the entry named, and no tour folder is left behind."""
    response = client.post("/api/tours", headers=AUTH,
                           files={"tour": ("t.zip", _zip_of(entries), "application/zip")})
    assert response.status_code == 400, response.text
    assert said in response.json()["message"]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []


def test_a_zip_made_by_the_finder_or_explorer_unpacks_without_their_system_files(client, tmp_path):
    """The files an operating system adds to a folder or its zip (macOS's ``__MACOSX/`` and
    ``._`` resource forks, ``.DS_Store``, a folder icon's ``Icon\\r``; Windows's ``Thumbs.db``
    and ``desktop.ini``) do not make the upload fail and are not unpacked."""
    system = [("__MACOSX/t/._tour.toml", b"\0\5\26\7"), ("t/._requests.csv", b"\0"),
              ("t/.DS_Store", b"\0"), ("t/Icon\r", b""), ("t/Thumbs.db", b"\0"),
              ("t/desktop.ini", b"[.ShellClassInfo]")]
    tour = [(f"t/{path.name}", path.read_bytes()) for path in EXAMPLE.iterdir() if path.is_file()]
    response = client.post("/api/tours", headers=AUTH,
                           files={"tour": ("t.zip", _zip_of(tour + system), "application/zip")})
    assert response.status_code == 201, response.text
    unpacked = {path.name for path in (tmp_path / response.json()["id"]).rglob("*")}
    assert {name for name, _ in tour} <= {f"t/{name}" for name in unpacked}
    assert not unpacked & {"._tour.toml", "._requests.csv", ".DS_Store", "Icon\r", "Thumbs.db",
                           "desktop.ini", "__MACOSX"}


def test_a_zip_whose_entry_lies_about_its_size_is_refused_as_damaged(client, tmp_path):
    """An entry that unpacks to more than its header says (how a zip bomb hides from a size
    check) is refused as damaged, not a server error; nothing is left behind."""
    data = _with_a_wrong_size(_zip_of(_TOUR + [("big.bin", b"\0" * 100_000)]), b"big.bin", 10)
    response = client.post("/api/tours", headers=AUTH, files={"tour": ("t.zip", data, "application/zip")})
    assert response.status_code == 400, response.text
    assert "damaged" in response.json()["message"]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []


def test_uploads_over_the_limit_are_refused(client):
    """A body over the upload limit is refused with 413 before it is read."""
    big = b"0" * (3 * 1024 * 1024)
    response = client.post("/api/tours", headers=AUTH, files={"tour": ("t.zip", big, "application/zip")})
    assert response.status_code == 413


def test_uploads_in_chunks_without_a_length_are_bounded_too(client):
    """A body sent in chunks (no Content-Length) with the bearer token is still refused past
    the limit: the app reads every changing body with its bound, whoever sends it."""
    def chunks():
        for _ in range(4):
            yield b"0" * (1024 * 1024)

    response = client.post("/api/tours", headers={**AUTH, "Content-Type": "application/zip"},
                           content=chunks())
    assert response.status_code == 413


def test_every_response_carries_the_content_security_policy(client):
    """Pages, the API and refusals carry a CSP that allows this app only, and anti-framing headers."""
    logged_in(client)
    for response in (client.get("/"), client.get("/api/tours", headers=AUTH), client.get("/static/app.css"),
                     client.post("/tours", data={})):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "'self'" in CSP and "http" not in CSP and "unsafe" not in CSP


def test_no_page_names_another_host(client):
    """No page, script or style sheet refers to any URL of another host, and no page has inline script."""
    csrf = logged_in(client)
    client.post("/tours", data={"how": "example", "csrf_token": csrf})
    tour = "/tours/spain-2018"
    bodies = [client.get(path).text for path in
              ("/", tour, f"{tour}/frame", f"{tour}/requests", f"{tour}/requests/0", f"{tour}/visit",
               f"{tour}/send", f"{tour}/why", "/static/app.js", "/static/app.css")]
    for body in bodies:
        assert not re.search(r"""(src|href|action)\s*=\s*["']?(https?:)?//""", body, re.I)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", body, re.I)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body, re.I)
        assert not re.search(r"\son[a-z]+\s*=", body)  # no inline event handlers either


def test_the_token_never_reaches_the_log(client, caplog):
    """The app logs paths only: the token of a login address is not written anywhere."""
    with caplog.at_level(logging.INFO, logger="scheduler.web"):
        client.get(f"/?token={TOKEN}")
        client.get("/api/tours", headers=AUTH)
    assert caplog.records
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


def test_binding_another_address_needs_user_accounts(tmp_path):
    """serve refuses any address but loopback unless user accounts are configured."""
    with pytest.raises(BindRefused, match="Add a user"):
        serve(WebSettings(workspace=tmp_path, token=TOKEN), host="0.0.0.0", port=1, announce=lambda _: None)


def test_user_accounts_store_argon2_hashes_and_log_in(tmp_path):
    """add_user keeps an argon2 hash only; /login opens a session; a wrong password does not."""
    users_path = tmp_path / ".scheduler" / "users"
    add_user(users_path, "maria", "correct horse battery")
    assert "correct horse" not in users_path.read_text() and "$argon2id$" in users_path.read_text()
    settings = WebSettings(workspace=tmp_path, token=TOKEN, users=read_users(users_path))
    with TestClient(create_app(settings)) as client:
        assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")
        form = client.get("/login?next=/")
        login_token = re.search(r'name="login_token" value="([^"]+)"', form.text).group(1)
        wrong = client.post("/login", data={"user": "maria", "password": "nope-nope",
                                            "login_token": login_token})
        assert wrong.status_code == 401
        right = client.post("/login?next=/", data={"user": "maria", "password": "correct horse battery",
                                                   "login_token": login_token}, follow_redirects=False)
        assert right.status_code == 303 and SESSION_COOKIE in right.cookies
        client.cookies.set(SESSION_COOKIE, right.cookies[SESSION_COOKIE])
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/tours/spain-2018/frame", "/tours/spain-2018/requests/0",
                                  "/tours/spain-2018/requests/new", "/login"])
def test_a_head_request_is_answered_as_a_get_and_changes_nothing(client, path):
    """HEAD (a link checker's, a browser's preflight) of a page that also takes a form is
    answered like its GET, headers and no body, never read as an empty form to save."""
    logged_in(client)
    client.post("/api/tours", data={"example": "1"}, headers=AUTH)
    folder = client.app.state.workspace.root / "spain-2018"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    got, head = client.get(path), client.head(path)
    assert got.status_code == head.status_code == 200, (got.status_code, head.status_code)
    assert head.content == b""
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_a_head_of_an_input_file_gives_its_etag(client):
    """HEAD /api/tours/ID/input/requests.csv gives the ETag the GET gives, for a PUT after it."""
    client.post("/api/tours", data={"example": "1"}, headers=AUTH)
    got = client.get("/api/tours/spain-2018/input/requests.csv", headers=AUTH)
    head = client.head("/api/tours/spain-2018/input/requests.csv", headers=AUTH)
    assert head.status_code == 200 and head.headers["etag"] == got.headers["etag"]
