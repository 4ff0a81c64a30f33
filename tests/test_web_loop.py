"""One organizer's slow request does not hold the others' (docs/web.md, "One organizer's slow
request"): a real uvicorn server, one request made to wait inside the application layer, and
the pages, the API, the progress stream and the login answered meanwhile."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from scheduler import app
from scheduler.app import tour_editing
from scheduler.web import WebSettings, create_app
from scheduler.web.application import free_port
from scheduler.web.common import ON_LOOP
from scheduler.web.workspace import Workspace

TOKEN = "loop-test-token"
#: Generous: a request answered at all while the slow one waits is what is tested, not speed.
ANSWER_SECONDS = 20.0


@contextlib.contextmanager
def real_server(workspace: Path) -> Iterator[str]:
    """The web app served by uvicorn on a free port, in a thread of this process (so that the
    test can make an application function wait); yields the base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(WebSettings(workspace=workspace, token=TOKEN)), host="127.0.0.1",
                            port=port, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def fetch(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
          timeout: float = ANSWER_SECONDS) -> tuple[int, bytes]:
    """Status and body of one request with the token (an HTTP error is an answer too)."""
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Authorization": f"Bearer {TOKEN}", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Gate:
    """Wraps an application function so that its call waits until :meth:`release`."""

    def __init__(self, function):
        self.function = function
        self.entered = threading.Event()
        self.released = threading.Event()

    def __call__(self, *args, **kwargs):
        self.entered.set()
        self.released.wait(timeout=120)
        return self.function(*args, **kwargs)

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def tour(tmp_path):
    """A workspace with the bundled example; (workspace, tour id, its requests file)."""
    workspace = tmp_path / "workspace"
    tour_id = Workspace(workspace).add_example()
    return workspace, tour_id, (workspace / tour_id / "requests.csv").read_bytes()


def _requests_page(base: str, folder: Path, csv: bytes):
    return fetch(f"{base}/tours/{folder.name}/requests", timeout=150)


def _import_csv(base: str, folder: Path, csv: bytes):
    body, kind = multipart({"version": app.read_requests(folder).version}, {"file": ("requests.csv", csv)})
    return fetch(f"{base}/tours/{folder.name}/requests-import", "POST", body, {"Content-Type": kind},
                 timeout=150)


def _api_put(base: str, folder: Path, csv: bytes):
    return fetch(f"{base}/api/tours/{folder.name}/input/requests.csv", "PUT", csv,
                 {"If-Match": f'"{app.file_version(folder / "requests.csv")}"', "Content-Type": "text/csv"},
                 timeout=150)


def _api_new_tour(base: str, folder: Path, csv: bytes):
    body, kind = multipart({"example": "1"}, {})
    return fetch(f"{base}/api/tours", "POST", body, {"Content-Type": kind}, timeout=150)


#: A slow request: (how it is made, the application function made to wait, the answer then).
SLOW = {
    "the requests page": (_requests_page, "check_candidate", 200),
    "a CSV import": (_import_csv, "check_candidate", 200),  # 303 to the requests page, followed
    "the API's PUT of requests.csv": (_api_put, "save_requests", 200),
    "the API's new tour": (_api_new_tour, "demo_tour", 201),
}


@pytest.mark.parametrize("slow", SLOW, ids=list(SLOW))
def test_other_requests_are_answered_while_one_waits(tour, monkeypatch, slow):
    """While one request waits inside the application layer (a big import being checked, a
    save, a new tour), another organizer's pages, the API, the progress stream and the login
    page are answered; then the waiting one ends as it would have alone."""
    workspace, tour_id, csv = tour
    folder = workspace / tour_id
    make, function, expected = SLOW[slow]
    gate = Gate(getattr(app, function))
    monkeypatch.setattr(app, function, gate)
    # The requests with a copy of the first one under a new id, so that a save shows.
    first_id = app.read_requests(folder).rows[0]["id"]
    csv = csv.rstrip(b"\n") + b"\n" + csv.split(b"\n")[1].replace(b",", b"x,", 1) + b"\n"
    with real_server(workspace) as base:
        outcome: dict = {}
        slow_thread = threading.Thread(target=lambda: outcome.update(answer=make(base, folder, csv)),
                                       daemon=True)
        slow_thread.start()
        try:
            assert gate.entered.wait(timeout=60), "the slow request never reached the application"
            others = {
                "tours page": fetch(f"{base}/"),
                "login page": fetch(f"{base}/login"),
                "API tours": fetch(f"{base}/api/tours"),
                "API tour": fetch(f"{base}/api/tours/{tour_id}"),
                "progress stream": fetch(f"{base}/api/tours/{tour_id}/events"),
            }
            assert slow_thread.is_alive() and not gate.released.is_set()
        except (TimeoutError, OSError) as error:
            pytest.fail(f"another organizer's request was not answered while {slow} waited: {error}")
        finally:
            gate.release()
            slow_thread.join(timeout=150)
    assert {name: status for name, (status, _) in others.items()} == dict.fromkeys(others, 200)
    assert b"event: done" in others["progress stream"][1]
    assert tour_id.encode() in others["tours page"][1]
    assert [tour["id"] for tour in json.loads(others["API tours"][1])] == [tour_id]
    status, body = outcome["answer"]
    assert status == expected, body[:500]
    if slow == "the requests page":
        assert app.read_requests(folder).rows[0]["title"].encode() in body
    elif function != "demo_tour":  # the import and the PUT saved the file with the new row
        assert f"{first_id}x" in [row["id"] for row in app.read_requests(folder).rows]


def test_every_route_says_where_its_work_runs(tmp_path):
    """Every route's handler is made with ``off_loop`` (its work in the thread pool) or marked
    ``on_loop`` (memory only): a new handler cannot block the loop by being forgotten."""
    web = create_app(WebSettings(workspace=tmp_path, token=TOKEN))
    handlers = [route for route in web.routes if hasattr(route, "endpoint") and route.path != "/static"]
    assert handlers
    unmarked = [route.path for route in handlers if not hasattr(route.endpoint, ON_LOOP)]
    assert unmarked == []
    on_loop = sorted({route.endpoint.__name__ for route in handlers if getattr(route.endpoint, ON_LOOP)})
    assert on_loop == ["events", "logout"]


class FirstCallGate(Gate):
    """A :class:`Gate` that holds the first call only; later calls go straight through."""

    def __call__(self, *args, **kwargs):
        if self.entered.is_set():
            return self.function(*args, **kwargs)
        return super().__call__(*args, **kwargs)


def _race(first, second, gate: Gate) -> dict:
    """Run ``first`` until it waits at ``gate``, then ``second``; give ``second`` a moment to
    finish (it does only without a lock), release the gate; each one's result or error."""
    outcomes: dict = {}

    def run(name, call):
        try:
            outcomes[name] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what is compared
            outcomes[name] = error

    threads = {"first": threading.Thread(target=run, args=("first", first), daemon=True),
               "second": threading.Thread(target=run, args=("second", second), daemon=True)}
    threads["first"].start()
    assert gate.entered.wait(timeout=60)
    threads["second"].start()
    threads["second"].join(timeout=2)  # not an assertion: a lock makes it wait for the first
    gate.release()
    for thread in threads.values():
        thread.join(timeout=120)
    return outcomes


def test_two_saves_on_one_version_in_two_threads_one_is_refused(tour, monkeypatch):
    """Two organizers save requests.csv from the same version at the same moment (two
    threads of the server): the first is saved, the second refused as a conflict, instead of
    both passing the version check and the second overwriting the first."""
    workspace, tour_id, _ = tour
    folder = workspace / tour_id
    table = app.read_requests(folder)
    gate = FirstCallGate(tour_editing.check_candidate)
    monkeypatch.setattr(tour_editing, "check_candidate", gate)

    def save(title):
        rows = [dict(table.rows[0], title=title), *table.rows[1:]]
        return app.save_requests(folder, table.columns, rows, table.version)

    outcomes = _race(lambda: save("First organizer's title"), lambda: save("Second organizer's title"), gate)
    assert isinstance(outcomes["first"], tuple)
    assert isinstance(outcomes["second"], app.EditConflict)
    assert app.read_requests(folder).rows[0]["title"] == "First organizer's title"


def test_two_tours_created_at_once_with_one_name_get_two_folders(tmp_path, monkeypatch):
    """Two organizers add the example at the same moment (two threads): two tours, ``name``
    and ``name-2``, not two copies into one folder."""
    space = Workspace(tmp_path)
    # The first waits between choosing its id and creating its folder.
    gate = FirstCallGate(shutil.copytree)
    monkeypatch.setattr(shutil, "copytree", gate)
    outcomes = _race(space.add_example, space.add_example, gate)
    assert sorted(map(str, outcomes.values())) == ["spain-2018", "spain-2018-2"]
    assert sorted(tour.id for tour in space.tours()) == ["spain-2018", "spain-2018-2"]


def test_waiting_after_a_job_ended_gives_that_job():
    """``JobRunner.wait`` called once the tour's job has already ended (a task that fails or
    ends fast while the page after the press renders) gives that job, not None; a tour that
    never had one gives None."""
    from scheduler.web.jobs import Job, JobRunner

    runner = JobRunner()
    assert runner.wait("t", 1) is None
    older, newer = Job("t", "plan", {}), Job("t", "replan-preview", {})
    for job in (older, newer):
        job.state = "done"
        runner._last[("t", job.kind)] = job
    runner._last[("other", "plan")] = Job("other", "plan", {})
    assert runner.wait("t", 1) is newer
