"""Publish the guest's calendar to a CalDAV server: one resource per event, kept in step.

The events go into one calendar: the URL given when it is a calendar, else the calendar of
that name (by default the tour's) in the account's calendar home, made when missing. Each
event of :func:`scheduler.export.ics.guest_calendar` becomes its own calendar object
resource, with the VTIMEZONE it uses. Publishing again updates those resources in place
(found by UID), and deletes the ones of this tour (recognised by their UID suffix) that the
plan no longer has. Nothing else on the calendar is touched. Credentials are passed to the
HTTP client only: never logged, never written, never part of an error message.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, cast
from urllib.parse import unquote, urlsplit, urlunsplit

from caldav.calendarobjectresource import CalendarObjectResource
from caldav.collection import Calendar as DAVCalendar
from caldav.collection import CalendarSet
from caldav.davclient import DAVClient
from caldav.davobject import DAVObject
from caldav.elements import cdav, dav
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


_CALENDAR = "{urn:ietf:params:xml:ns:caldav}calendar"


@contextmanager
def _doing(what: str, url: object, *, has_login: bool) -> Iterator[None]:
    """Turn a failed request while doing ``what`` at ``url`` into a PublishError with its cause.

    The URL is shown by its path only, so no credentials can slip into the message.
    """
    try:
        yield
    except caldav_error.DAVError as failure:
        raise PublishError(_cause(failure, what, urlsplit(str(url)).path or "/",
                                  has_login)) from None


def _cause(failure: caldav_error.DAVError, what: str, path: str, has_login: bool) -> str:
    status = getattr(failure, "status", None)
    if status == 401 or (isinstance(failure, caldav_error.AuthorizationError) and status is None):
        if not has_login:
            return (f"the server wants a login to {what} (HTTP 401): give a user name "
                    f"and a password")
        return f"the credentials were refused (HTTP 401 to {what} at {path})"
    if status == 403:
        # A 403 comes after a login that worked: the account may not do this here.
        return (f"the server forbade {what} at {path} (HTTP 403): this account may not "
                f"write there; give the server's URL, the account's calendar home, or the "
                f"URL of one of its calendars")
    if status == 404 or isinstance(failure, caldav_error.NotFoundError):
        return f"no such calendar or collection at {path} (HTTP 404): check the URL"
    if status in (405, 501):
        return f"{path} is not a CalDAV collection (HTTP {status} to {what}): check the URL"
    return f"the server failed to {what} at {path} ({type(failure).__name__}, HTTP {status})"


def _properties(client: DAVClient, url: object, names: list) -> dict:
    return DAVObject(client=client, url=url).get_properties(names)


def _calendar_home(client: DAVClient, url: str, has_login: bool) -> CalendarSet:
    """The collection under which the user's calendars live, named by the server itself."""
    with _doing("find the user's principal", url, has_login=has_login):
        principal = _properties(client, url, [dav.CurrentUserPrincipal()]).get(
            dav.CurrentUserPrincipal.tag)
    if not principal:
        raise PublishError("the server does not say whose account this is (no "
                           "current-user-principal): give the URL of the calendar itself")
    principal_url = client.url.join(principal)
    with _doing("find the calendar home", principal_url, has_login=has_login):
        home = _properties(client, principal_url, [cdav.CalendarHomeSet()]).get(
            cdav.CalendarHomeSet.tag)
    if not home:
        raise PublishError("the server names no calendar home for this account (no "
                           "calendar-home-set): give the URL of the calendar itself")
    return CalendarSet(client=client, url=client.url.join(home))


def _open_calendar(client: DAVClient, url: str, calendar_name: str | None,
                   default_name: str, has_login: bool) -> DAVCalendar:
    """The calendar to publish into: the URL itself, or one found or made by name.

    Without a name, a URL that is a calendar is used as it is. Any other URL (the server,
    the principal, the calendar home) leads to the account's calendar home, where the
    calendar named ``calendar_name`` (default ``default_name``) is found or made: events
    are never put into a collection that is not a calendar.
    """
    with _doing("read the collection", url, has_login=has_login):
        kinds = _properties(client, url, [dav.ResourceType()]).get(dav.ResourceType.tag) or []
    if calendar_name is None and _CALENDAR in kinds:
        return client.calendar(url=url)
    name = calendar_name or default_name
    home = _calendar_home(client, url, has_login)
    with _doing("list the calendars", home.url, has_login=has_login):
        calendars = home.get_calendars()
    for calendar in calendars:
        with _doing("read a calendar's name", calendar.url, has_login=has_login):
            if calendar.get_display_name() == name:
                return calendar
    log.info("creating CalDAV calendar %r", name)
    with _doing(f"make the calendar {name!r}", home.url, has_login=has_login):
        return home.make_calendar(name=name)


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
          wanted: Mapping[str, bytes], has_login: bool) -> PublishReport:
    """Make the calendar's events of ``tour_id`` exactly ``wanted``; leave the others alone."""
    if calendar.url is None:
        raise PublishError("the calendar has no URL")
    with _doing("read the calendar's events", calendar.url, has_login=has_login):
        existing = _existing_by_uid(calendar)
    created, updated, removed = [], [], []
    for uid, body in wanted.items():
        text = body.decode("utf-8")
        if uid in existing:
            # Rewrite the resource where it is, so a reader's copy is updated, not doubled.
            first, *duplicates = sorted(existing[uid], key=lambda item: str(item.url))
            with _doing(f"update {uid}", first.url, has_login=has_login):
                _check(client.put(str(first.url), text, _CONTENT_TYPE), f"update {uid}")
                for duplicate in duplicates:
                    _check(client.delete(str(duplicate.url)), f"delete a copy of {uid}")
            updated.append(uid)
        else:
            target = calendar.url.join(safe_file_name(uid))
            with _doing(f"create {uid}", target, has_login=has_login):
                _check(client.put(str(target), text, _CONTENT_TYPE), f"create {uid}")
            created.append(uid)
    for uid, items in existing.items():
        if uid in wanted or not owns_uid(tour_id, uid):
            continue
        for item in items:
            with _doing(f"delete {uid}", item.url, has_login=has_login):
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
        The URL of a calendar (used as it is when ``calendar_name`` is not given), or of the
        server, the account's principal or its calendar home (the calendar is then found or
        made by name in the account's calendar home). A ``user:password@`` inside it is used
        as the credentials and removed from the URL.
    username, password
        HTTP credentials, if the server wants them.
    calendar_name
        The display name of the calendar to use in the account's calendar home; made when
        it does not exist. Default, when ``url`` is not itself a calendar: the tour's name.
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
        The server cannot be reached, refuses the credentials (HTTP 401), forbids a change
        (HTTP 403), has nothing at the URL, or names no calendar home. The message names
        the server without credentials.
    """
    calendar = guest_calendar(plan, alarm_minutes=alarm_minutes, calendar_zone=calendar_zone,
                              sequences=sequences, cancelled=cancelled)
    wanted = event_resources(calendar)
    clean_url, url_user, url_password = _without_credentials(url)
    username = username if username is not None else url_user
    password = password if password is not None else url_password
    has_login = username is not None
    tour = plan.problem.tour
    where = f"CalDAV server {clean_url}"
    try:
        # No RFC 6764 discovery: talk to the URL given and nothing else (no DNS look-ups).
        with DAVClient(url=clean_url, username=username, password=password,
                       timeout=timeout, enable_rfc6764=False) as client:
            target = _open_calendar(client, clean_url, calendar_name, tour.name or tour.id,
                                    has_login)
            report = _sync(client, target, tour.id, wanted, has_login)
    except PublishError as failure:
        raise PublishError(f"{where}: {failure}") from None
    except caldav_error.DAVError as failure:
        status = getattr(failure, "status", None)
        raise PublishError(f"{where}: {type(failure).__name__} (HTTP {status})") from None
    except OSError as failure:  # connection refused, DNS, TLS, timeouts
        raise PublishError(f"{where}: cannot connect ({type(failure).__name__})") from None
    log.info("published %s: %s", clean_url, report.summary())
    return report
