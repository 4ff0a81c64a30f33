"""Publish the guest's calendar to a CalDAV server: one resource per event, kept in step.

Each event of :func:`scheduler.export.ics.guest_calendar` becomes its own calendar object
resource, with the VTIMEZONE it uses. Publishing again updates those resources in place
(found by UID), and deletes the ones of this tour (recognised by their UID suffix) that the
plan no longer has. Nothing else on the calendar is touched. Credentials are passed to the
HTTP client only: never logged, never written, never part of an error message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable, Mapping, cast
from urllib.parse import unquote, urlsplit, urlunsplit

from caldav.calendarobjectresource import CalendarObjectResource
from caldav.collection import Calendar as DAVCalendar
from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error
from icalendar import Calendar

from ..domain import Engagement, Plan
from ..errors import SchedulerError
from .ics import calendar_bytes, guest_calendar, new_calendar, owns_uid, safe_file_name

__all__ = ["PublishError", "PublishReport", "event_resources", "publish"]

log = logging.getLogger(__name__)

_CONTENT_TYPE = {"Content-Type": 'text/calendar; charset="utf-8"'}
_PUT_OK = (200, 201, 204)


class PublishError(SchedulerError):
    """The CalDAV server could not be reached, refused the credentials, or refused a change."""


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What a publication changed on the server, as sorted tuples of event UIDs."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]

    def summary(self) -> str:
        """One line for people: how many events were created, updated and removed."""
        return (f"{len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.removed)} removed")


def event_resources(calendar: Calendar) -> dict[str, bytes]:
    """Split a calendar into one VCALENDAR per event UID, each with the VTIMEZONEs it uses.

    Returns
    -------
    dict
        ``{uid: RFC 5545 bytes}`` in the calendar's order.
    """
    zones = {str(zone["TZID"]): zone for zone in calendar.walk("VTIMEZONE")}
    resources: dict[str, bytes] = {}
    for event in calendar.walk("VEVENT"):
        single = new_calendar()
        used = sorted({str(event[name].params["TZID"]) for name in ("DTSTART", "DTEND")
                       if name in event and "TZID" in event[name].params})
        for tzid in used:
            single.add_component(zones[tzid])
        single.add_component(event)
        resources[str(event["UID"])] = calendar_bytes(single)
    return resources


def _without_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without any ``user:password@`` part, and that user and password (decoded)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port is not None else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return (clean, unquote(parts.username) if parts.username is not None else None,
            unquote(parts.password) if parts.password is not None else None)


def _uid_of(data: str | bytes | None) -> str | None:
    if not data:
        return None
    try:
        parsed = Calendar.from_ical(data)
    except ValueError:
        return None
    for component in parsed.walk("VEVENT"):
        if "UID" in component:
            return str(component["UID"])
    return None


def _open_calendar(client: DAVClient, url: str, calendar_name: str | None) -> DAVCalendar:
    if calendar_name is None:
        return client.calendar(url=url)
    principal = client.principal()
    for calendar in principal.get_calendars():
        if calendar.get_display_name() == calendar_name:
            return calendar
    log.info("creating CalDAV calendar %r", calendar_name)
    return principal.make_calendar(name=calendar_name)


def _check(response: object, what: str) -> None:
    status = getattr(response, "status", None)
    if status not in _PUT_OK:
        raise PublishError(f"the CalDAV server refused to {what} (HTTP {status})")


def _existing_by_uid(calendar: DAVCalendar) -> dict[str, list[CalendarObjectResource]]:
    """The calendar's objects grouped by the UID of their first VEVENT."""
    found: dict[str, list[CalendarObjectResource]] = {}
    items = cast("list[CalendarObjectResource]", calendar.get_events())
    for item in items:
        uid = _uid_of(item.data)
        if uid is not None:
            found.setdefault(uid, []).append(item)
    return found


def _sync(client: DAVClient, calendar: DAVCalendar, tour_id: str,
          wanted: Mapping[str, bytes]) -> PublishReport:
    """Make the calendar's events of ``tour_id`` exactly ``wanted``; leave the others alone."""
    existing = _existing_by_uid(calendar)
    if calendar.url is None:
        raise PublishError("the calendar has no URL")
    created, updated, removed = [], [], []
    for uid, body in wanted.items():
        text = body.decode("utf-8")
        if uid in existing:
            # Rewrite the resource where it is, so a reader's copy is updated, not doubled.
            first, *duplicates = sorted(existing[uid], key=lambda item: str(item.url))
            _check(client.put(str(first.url), text, _CONTENT_TYPE), f"update {uid}")
            for duplicate in duplicates:
                _check(client.delete(str(duplicate.url)), f"delete a copy of {uid}")
            updated.append(uid)
        else:
            target = calendar.url.join(safe_file_name(uid))
            _check(client.put(str(target), text, _CONTENT_TYPE), f"create {uid}")
            created.append(uid)
    for uid, items in existing.items():
        if uid in wanted or not owns_uid(tour_id, uid):
            continue
        for item in items:
            _check(client.delete(str(item.url)), f"delete {uid}")
        removed.append(uid)
    return PublishReport(tuple(sorted(created)), tuple(sorted(updated)), tuple(sorted(removed)))


def publish(plan: Plan, url: str, *, username: str | None = None, password: str | None = None,
            calendar_name: str | None = None, alarm_minutes: int = 30,
            calendar_zone: str | None = None, sequences: Mapping[str, int] | None = None,
            cancelled: Iterable[str | Engagement] = (), timeout: int = 30) -> PublishReport:
    """Push the guest's calendar to a CalDAV calendar and keep it in step with the plan.

    Parameters
    ----------
    plan
        The solved plan; its guest calendar (not the team's) is published.
    url
        With ``calendar_name``: the CalDAV server or principal URL. Without it: the URL of
        the calendar collection itself. A ``user:password@`` inside it is used as the
        credentials and removed from the URL.
    username, password
        HTTP credentials, if the server wants them.
    calendar_name
        The display name of the calendar to use under the user's principal; made when it
        does not exist.
    alarm_minutes, calendar_zone, sequences, cancelled
        As for :func:`scheduler.export.ics.guest_calendar`.
    timeout
        Seconds to wait for each answer of the server.

    Returns
    -------
    PublishReport
        The UIDs created, updated in place, and removed (ours only).

    Raises
    ------
    PublishError
        The server cannot be reached, refuses the credentials or a change. The message
        names the server without credentials.
    """
    calendar = guest_calendar(plan, alarm_minutes=alarm_minutes, calendar_zone=calendar_zone,
                              sequences=sequences, cancelled=cancelled)
    wanted = event_resources(calendar)
    clean_url, url_user, url_password = _without_credentials(url)
    username = username if username is not None else url_user
    password = password if password is not None else url_password
    where = f"CalDAV server {clean_url}"
    try:
        # No RFC 6764 discovery: talk to the URL given and nothing else (no DNS look-ups).
        with DAVClient(url=clean_url, username=username, password=password,
                       timeout=timeout, enable_rfc6764=False) as client:
            target = _open_calendar(client, clean_url, calendar_name)
            report = _sync(client, target, plan.problem.tour.id, wanted)
    except PublishError as failure:
        raise PublishError(f"{where}: {failure}") from None
    except caldav_error.AuthorizationError:
        raise PublishError(f"{where}: the credentials were refused") from None
    except caldav_error.NotFoundError:
        raise PublishError(f"{where}: no such calendar") from None
    except caldav_error.DAVError as failure:
        status = getattr(failure, "status", None)
        raise PublishError(f"{where}: {type(failure).__name__} (HTTP {status})") from None
    except OSError as failure:  # connection refused, DNS, TLS, timeouts
        raise PublishError(f"{where}: cannot connect ({type(failure).__name__})") from None
    log.info("published %s: %s", clean_url, report.summary())
    return report
