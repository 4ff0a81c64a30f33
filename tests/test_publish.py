"""Publishing to CalDAV (scheduler.export.publish) against a real Radicale server on loopback."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import caldav
import pytest
from icalendar import Calendar

from factories import small_plan
from scheduler.export.ics import guest_calendar
from scheduler.export.publish import PublishError, PublishReport, event_resources, publish

USER = "organizer"
PASSWORD = "s3cret-Pässword;42"
FOREIGN_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone else//EN\r\n"
    "BEGIN:VEVENT\r\nUID:dentist@example.net\r\nDTSTAMP:20181001T000000Z\r\n"
    "DTSTART:20181027T090000Z\r\nDTEND:20181027T100000Z\r\nSUMMARY:Dentist\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"radicale exited: {process.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("radicale did not start listening in time")


@pytest.fixture
def radicale(tmp_path) -> Iterator[str]:
    """A Radicale server on 127.0.0.1 at a free port, with plain htpasswd auth and temp storage.

    Yields the server's base URL; stops the server afterwards.
    """
    users = tmp_path / "users"
    users.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    port = _free_port()
    config = tmp_path / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\n"
        "delay = 0\n"
        "[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {tmp_path / 'collections'}\n"
        "[logging]\nlevel = warning\n",
        encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture
def calendar_url(radicale) -> str:
    """The URL of an empty calendar collection of USER on the server."""
    with caldav.DAVClient(url=radicale, username=USER, password=PASSWORD,
                          enable_rfc6764=False) as client:
        calendar = client.principal().make_calendar(name="Tour", cal_id="tour")
        return str(calendar.url)


def server_events(url: str) -> dict[str, list]:
    """The events on the calendar at ``url``, read with the caldav client, by UID."""
    with caldav.DAVClient(url=url, username=USER, password=PASSWORD, enable_rfc6764=False) as client:
        found: dict[str, list] = {}
        for item in client.calendar(url=url).get_events():
            [event] = Calendar.from_ical(item.data).walk("VEVENT")
            found.setdefault(str(event["UID"]), []).append((str(item.url), event))
        return found


def guest_uids(plan) -> set[str]:
    return {str(e["UID"]) for e in guest_calendar(plan).walk("VEVENT")}


def without(plan, request_id):
    return replace(plan, engagements=tuple(e for e in plan.engagements if e.request_id != request_id))


def test_event_resources_one_per_uid():
    """Each event of the guest calendar becomes its own VCALENDAR, keyed by its UID."""
    resources = event_resources(guest_calendar(small_plan()))
    assert set(resources) == guest_uids(small_plan())
    for uid, body in resources.items():
        assert [str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")] == [uid]


def test_event_resources_carry_the_vtimezone_they_use():
    """A timed event comes with the tour zone's VTIMEZONE; an all-day night with none."""
    resources = event_resources(guest_calendar(small_plan()))
    assert b"TZID:Europe/Madrid" in resources["psoe@small.scheduler"]
    assert b"VTIMEZONE" not in resources["2018-10-26@night.small.scheduler"]


def test_publish_creates_every_event(calendar_url):
    """A first publication creates one resource per event, read back by the caldav client."""
    report = publish(small_plan(), calendar_url, username=USER, password=PASSWORD)
    assert set(report.created) == guest_uids(small_plan())
    assert report.updated == () and report.removed == ()
    assert set(server_events(calendar_url)) == guest_uids(small_plan())


def test_published_event_keeps_its_instant(calendar_url):
    """The engagement read back from the server starts at the plan's instant in the tour zone."""
    publish(small_plan(), calendar_url, username=USER, password=PASSWORD)
    [(_, event)] = server_events(calendar_url)["tv@small.scheduler"]
    assert event.decoded("DTSTART") == small_plan().engagement("tv").start
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"


def test_republish_updates_in_place_and_removes_the_dropped(calendar_url):
    """After dropping an engagement, the rest are updated at the same URLs and it is deleted."""
    plan = small_plan()
    publish(plan, calendar_url, username=USER, password=PASSWORD)
    before = {uid: [url for url, _ in items] for uid, items in server_events(calendar_url).items()}
    report = publish(without(plan, "radio"), calendar_url, username=USER, password=PASSWORD)
    after = {uid: [url for url, _ in items] for uid, items in server_events(calendar_url).items()}
    assert report.removed == ("radio@small.scheduler",)
    assert report.created == ()
    assert set(report.updated) == guest_uids(plan) - {"radio@small.scheduler"}
    assert "radio@small.scheduler" not in after
    assert all(after[uid] == before[uid] for uid in after)


def test_republish_makes_no_duplicates(calendar_url):
    """Publishing the same plan twice leaves exactly one resource per UID."""
    publish(small_plan(), calendar_url, username=USER, password=PASSWORD)
    publish(small_plan(), calendar_url, username=USER, password=PASSWORD)
    events = server_events(calendar_url)
    assert all(len(items) == 1 for items in events.values())
    assert len(events) == len(guest_uids(small_plan()))


def test_republish_carries_the_new_content(calendar_url):
    """An update in place holds the new plan's data (here a raised SEQUENCE)."""
    publish(small_plan(), calendar_url, username=USER, password=PASSWORD)
    publish(small_plan(), calendar_url, username=USER, password=PASSWORD,
            sequences={"psoe@small.scheduler": 1})
    [(_, event)] = server_events(calendar_url)["psoe@small.scheduler"]
    assert event.decoded("SEQUENCE") == 1


def test_publish_leaves_other_events_alone(calendar_url):
    """An event someone else put on the calendar survives a publication that removes ours."""
    with caldav.DAVClient(url=calendar_url, username=USER, password=PASSWORD,
                          enable_rfc6764=False) as client:
        client.put(calendar_url + "dentist.ics", FOREIGN_EVENT,
                   {"Content-Type": "text/calendar; charset=utf-8"})
    publish(small_plan(), calendar_url, username=USER, password=PASSWORD)
    report = publish(without(small_plan(), "tv"), calendar_url, username=USER, password=PASSWORD)
    assert "dentist@example.net" in server_events(calendar_url)
    assert "dentist@example.net" not in report.removed


def test_publish_by_calendar_name_creates_then_reuses(radicale):
    """With a calendar name the calendar is made under the user's principal, then found again."""
    first = publish(small_plan(), radicale, username=USER, password=PASSWORD, calendar_name="Spain tour")
    second = publish(small_plan(), radicale, username=USER, password=PASSWORD, calendar_name="Spain tour")
    assert set(first.created) == set(second.updated) == guest_uids(small_plan())
    with caldav.DAVClient(url=radicale, username=USER, password=PASSWORD, enable_rfc6764=False) as client:
        names = [c.get_display_name() for c in client.principal().get_calendars()]
    assert names.count("Spain tour") == 1


def test_credentials_in_the_url_are_used(calendar_url):
    """user:password@ in the URL authenticates as well as the keyword arguments."""
    with_credentials = calendar_url.replace("http://", f"http://{USER}:s3cret-P%C3%A4ssword%3B42@")
    report = publish(small_plan(), with_credentials)
    assert set(report.created) == guest_uids(small_plan())


def test_wrong_password_is_refused_without_echoing_it(calendar_url):
    """A refused password raises PublishError whose message names neither password."""
    with pytest.raises(PublishError, match="credentials were refused") as caught:
        publish(small_plan(), calendar_url, username=USER, password="wrong-Guess-77")
    assert "wrong-Guess-77" not in str(caught.value)
    assert PASSWORD not in str(caught.value)


def test_password_never_reaches_the_logs(calendar_url, caplog):
    """At DEBUG level no log record, ours or the libraries', contains the password."""
    caplog.set_level(logging.DEBUG)
    publish(small_plan(), calendar_url, username=USER, password=PASSWORD)
    with pytest.raises(PublishError):
        publish(small_plan(), calendar_url, username=USER, password="wrong-Guess-77")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert PASSWORD not in logged
    assert "wrong-Guess-77" not in logged


def test_url_password_is_not_in_the_error(radicale):
    """A password given inside the URL does not appear in the error message."""
    url = radicale.replace("http://", "http://organizer:Url-Secret-99@") + "organizer/missing/"
    with pytest.raises(PublishError) as caught:
        publish(small_plan(), url)
    assert "Url-Secret-99" not in str(caught.value)


def test_unreachable_server_raises_publish_error():
    """No server listening gives a PublishError, not a library exception."""
    with pytest.raises(PublishError, match="cannot connect"):
        publish(small_plan(), f"http://127.0.0.1:{_free_port()}/cal/", username=USER,
                password=PASSWORD, timeout=5)


def test_report_summary():
    """The report's summary counts created, updated and removed events."""
    report = PublishReport(("a",), ("b", "c"), ())
    assert report.summary() == "1 created, 2 updated, 0 removed"


def test_fixture_storage_is_temporary(radicale, tmp_path):
    """The server stores its collections inside the test's temporary folder."""
    publish(small_plan(), radicale, username=USER, password=PASSWORD, calendar_name="Spain tour")
    assert any(Path(tmp_path, "collections").rglob("*.ics"))


def test_missing_calendar_says_so(radicale):
    """A calendar URL that does not exist gives a PublishError saying so."""
    with pytest.raises(PublishError, match="no such calendar"):
        publish(small_plan(), radicale + f"{USER}/missing/", username=USER, password=PASSWORD)


def calendars_of_user(radicale) -> dict[str, int]:
    """The user's calendars as {display name: number of events}, read with the caldav client."""
    with caldav.DAVClient(url=radicale, username=USER, password=PASSWORD, enable_rfc6764=False) as client:
        return {c.get_display_name(): len(c.get_events()) for c in client.principal().get_calendars()}


def test_server_url_alone_makes_one_calendar_named_after_the_tour(radicale):
    """As the help shows it (the server's URL and a login): one calendar, the tour's name."""
    report = publish(small_plan(), radicale, username=USER, password=PASSWORD)
    assert set(report.created) == guest_uids(small_plan())
    assert calendars_of_user(radicale) == {small_plan().problem.tour.name: len(guest_uids(small_plan()))}
    again = publish(small_plan(), radicale, username=USER, password=PASSWORD)
    assert set(again.updated) == guest_uids(small_plan()) and again.created == ()
    assert len(calendars_of_user(radicale)) == 1


def test_calendar_home_url_makes_one_calendar_not_one_per_event(radicale):
    """Given the account's home collection, the events go into one calendar inside it."""
    publish(small_plan(), radicale + f"{USER}/", username=USER, password=PASSWORD)
    assert calendars_of_user(radicale) == {small_plan().problem.tour.name: len(guest_uids(small_plan()))}


def test_forbidden_is_not_called_a_refused_login(radicale):
    """A 403 (the login worked, the account may not write there) is named as such."""
    with pytest.raises(PublishError) as caught:
        publish(small_plan(), radicale + "someone-else/tour/", username=USER, password=PASSWORD)
    message = str(caught.value)
    assert "HTTP 403" in message and "forbade" in message
    assert "credentials were refused" not in message


def test_wrong_password_names_http_401(radicale):
    """A wrong password at the server's URL is a refused login, with its status."""
    with pytest.raises(PublishError, match=r"credentials were refused \(HTTP 401"):
        publish(small_plan(), radicale, username=USER, password="wrong-Guess-77")


def test_no_login_says_one_is_needed(radicale):
    """Without any user name, a 401 asks for a login instead of blaming credentials."""
    with pytest.raises(PublishError, match="wants a login"):
        publish(small_plan(), radicale)


def test_server_without_calendar_home_says_so(radicale, monkeypatch):
    """A server that names no calendar-home-set is reported as such, not as a login problem."""
    import scheduler.export.publish as module
    real = module._properties

    def no_home(client, url, names):
        found = real(client, url, names)
        return {tag: (None if tag.endswith("calendar-home-set") else value)
                for tag, value in found.items()}
    monkeypatch.setattr(module, "_properties", no_home)
    with pytest.raises(PublishError, match="no calendar home"):
        publish(small_plan(), radicale, username=USER, password=PASSWORD)
