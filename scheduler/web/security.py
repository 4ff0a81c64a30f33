"""Who may come in: the token, login sessions, CSRF on every change, body limits, security headers.

One ASGI middleware in front of every route, so that no page or API call can forget a check:

- ``Authorization: Bearer TOKEN`` (scripts and the API), or a session cookie (browsers). A
  browser logs in by opening ``/?token=TOKEN`` (the app then redirects to the same address
  without the token, so it stays out of the history) or, with user accounts, at ``/login``.
- A request that changes something and comes with the cookie must carry the session's CSRF
  token (form field ``csrf_token`` or header ``X-CSRF-Token``); bearer requests need none,
  since a browser never adds that header on its own.
- Bodies over the upload limit are refused (413) before they are read whole.
- Every response gets a Content-Security-Policy that allows this app only (no CDN, no other
  host: the itinerary must not reach third parties), and headers against framing and sniffing.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from .settings import WebSettings

__all__ = ["CSP", "SESSION_COOKIE", "SecurityMiddleware", "Session", "Sessions"]

logger = logging.getLogger("scheduler.web")

SESSION_COOKIE = "scheduler_session"
LOGIN_COOKIE = "scheduler_login"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_PUBLIC_PREFIXES = ("/static/", "/login", "/favicon.ico")
_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SESSION_SECONDS = 12 * 3600


@dataclass
class Session:
    """A logged-in browser: who, its CSRF token, when it ends."""

    user: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    expires: float = field(default_factory=lambda: time.time() + SESSION_SECONDS)


class Sessions:
    """The sessions of this server, in memory (a restart logs everyone out).

    Used from the event loop (the middleware) and from the thread pool (the login page), so
    every look and change holds a lock."""

    def __init__(self) -> None:
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, user: str) -> tuple[str, Session]:
        """A new session for ``user`` and the id its cookie carries."""
        session_id, session = secrets.token_urlsafe(32), Session(user)
        with self._lock:
            self._by_id[session_id] = session
        return session_id, session

    def get(self, session_id: str | None) -> Session | None:
        """The live session of a cookie, else None."""
        with self._lock:
            session = self._by_id.get(session_id or "")
            if session is None or session.expires < time.time():
                self._by_id.pop(session_id or "", None)
                return None
            return session

    def end(self, session_id: str | None) -> None:
        """Log a session out."""
        with self._lock:
            self._by_id.pop(session_id or "", None)


def session_cookie(response: Response, session_id: str, settings: WebSettings) -> None:
    """Set the session cookie: HttpOnly, SameSite=Strict, Secure behind TLS."""
    response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_SECONDS, path="/", httponly=True,
                        samesite="strict", secure=settings.secure_cookies)


class SecurityMiddleware:
    """The checks above, in front of the whole app (see the module docstring)."""

    def __init__(self, app, settings: WebSettings, sessions: Sessions) -> None:
        self.app = app
        self.settings = settings
        self.sessions = sessions

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status_seen: list[int] = []

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                status_seen.append(message["status"])
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in {name for name, _ in _HEADERS}]
                message = {**message, "headers": headers + _HEADERS}
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_headers)
        finally:
            # The path only: query strings (a token, a typed time) never reach the log.
            logger.info("%s %s %s %.0f ms", scope["method"], scope["path"],
                        status_seen[0] if status_seen else "-", (time.monotonic() - started) * 1000)

    async def _guarded(self, scope, receive, send) -> None:
        request = Request(scope)
        path = scope["path"]
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.settings.max_upload_bytes):
            await _refuse(scope, receive, send, 413, "The upload is too large.")
            return
        if path.startswith(_PUBLIC_PREFIXES):
            scope.setdefault("state", {})["login_only"] = True
            await self.app(scope, receive, send)
            return
        token = request.query_params.get("token")
        if token is not None:
            await self._token_login(scope, receive, send, request, token)
            return
        user, session = self._identify(request)
        if user is None:
            await self._unauthenticated(scope, receive, send, path)
            return
        state = scope.setdefault("state", {})
        state["user"], state["session"] = user, session
        if scope["method"] in _UNSAFE_METHODS:
            # Read (and so bound) every body that changes something, also one sent in chunks
            # without a length and one sent with the bearer token.
            body = await _read_body(receive, self.settings.max_upload_bytes)
            if body is None:
                await _refuse(scope, receive, send, 413, "The upload is too large.")
                return
            receive = _replay(body)
            try:
                csrf_ok = session is None or await _csrf_ok(scope, body, session.csrf)
            except _UnreadableForm:
                await _refuse(scope, receive, send, 400,
                              "The form could not be read (its upload is not well formed); "
                              "nothing was changed. Reload the page and try again.")
                return
            if not csrf_ok:
                await _refuse(scope, receive, send, 403,
                              "The form is out of date or did not come from this app (CSRF check "
                              "failed). Reload the page and try again.")
                return
        await self.app(scope, receive, send)

    def _identify(self, request: Request) -> tuple[str | None, Session | None]:
        authorization = request.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            given = authorization[7:].strip()
            if hmac.compare_digest(given.encode(), self.settings.token.encode()):
                return "token", None
            return None, None
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        return (session.user, session) if session else (None, None)

    async def _token_login(self, scope, receive, send, request: Request, token: str) -> None:
        if not hmac.compare_digest(token.encode(), self.settings.token.encode()):
            await _refuse(scope, receive, send, 401, "That login token is not right. Open the "
                          "address `scheduler serve` printed, with its token.")
            return
        session_id, _ = self.sessions.create("token")
        rest = [(key, value) for key, value in parse_qsl(scope.get("query_string", b"").decode())
                if key != "token"]
        target = scope["path"] + (("?" + urlencode(rest)) if rest else "")
        response = RedirectResponse(target, status_code=303)
        session_cookie(response, session_id, self.settings)
        await response(scope, receive, send)

    async def _unauthenticated(self, scope, receive, send, path: str) -> None:
        if path.startswith("/api/"):
            response: Response = JSONResponse(
                {"error": "unauthorized", "message": "send Authorization: Bearer TOKEN"},
                status_code=401, headers={"www-authenticate": "Bearer"})
        elif self.settings.users:
            response = RedirectResponse("/login?" + urlencode({"next": path}), status_code=303)
        else:
            response = PlainTextResponse(
                "Not logged in. Open the address that `scheduler serve` printed (it ends with "
                "?token=...).", status_code=401)
        await response(scope, receive, send)


async def _refuse(scope, receive, send, status: int, message: str) -> None:
    if scope["path"].startswith("/api/"):
        response: Response = JSONResponse({"error": "refused", "message": message}, status_code=status)
    else:
        response = PlainTextResponse(message, status_code=status)
    await response(scope, receive, send)


async def _read_body(receive, limit: int) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


class _UnreadableForm(ValueError):
    """A form body the multipart parser refuses (no boundary, a part without a name, cut off)."""


async def _csrf_ok(scope, body: bytes, expected: str) -> bool:
    headers = Headers(scope=scope)
    given = headers.get("x-csrf-token")
    if given is None:
        content_type = headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            # Parsed here, in front of the routes, where Starlette's own 400 for a bad form
            # would not be caught: every parser failure becomes one plain refusal.
            try:
                form = await Request(scope, _replay(body)).form()
            except (HTTPException, MultiPartException, ValueError, KeyError) as error:
                raise _UnreadableForm(str(error)) from None
            value = form.get("csrf_token")
            given = value if isinstance(value, str) else None
            await form.close()
        elif content_type.startswith("application/json"):
            try:
                value = json.loads(body or b"{}").get("csrf_token")
            except (ValueError, AttributeError, RecursionError):
                value = None
            given = value if isinstance(value, str) else None
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
