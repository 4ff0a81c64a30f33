"""The web app assembled: routes, the security middleware, the job runner, and ``serve``."""

from __future__ import annotations

import contextlib
import logging
import socket
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ..errors import InputError
from . import api, pages_agenda, pages_frame, pages_requests, pages_send, pages_tours, pages_visit
from .common import render
from .jobs import JobRunner
from .problems import problem_list
from .security import SecurityMiddleware, Sessions
from .settings import LOOPBACK_HOSTS, WebSettings
from .workspace import Workspace

__all__ = ["BindRefused", "create_app", "free_port", "serve"]

logger = logging.getLogger("scheduler.web")
STATIC = Path(__file__).parent / "static"


class BindRefused(RuntimeError):
    """Binding to an address other hosts can reach, without user accounts."""


def create_app(settings: WebSettings, runner: JobRunner | None = None) -> Starlette:
    """The web app over ``settings.workspace``.

    Parameters
    ----------
    settings
        The workspace, the token, the user accounts and the limits.
    runner
        The job runner (a new one by default); its workers stop with the app.
    """
    runner = runner or JobRunner()
    sessions = Sessions()

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        try:
            yield
        finally:
            runner.shutdown()

    routes = [*api.ROUTES, *pages_tours.ROUTES, *pages_agenda.ROUTES, *pages_frame.ROUTES, *pages_requests.ROUTES,
              *pages_visit.ROUTES, *pages_send.ROUTES,
              Mount("/static", StaticFiles(directory=STATIC), name="static")]
    web = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(SecurityMiddleware, settings=settings, sessions=sessions)],
                    exception_handlers={InputError: _input_problem})
    web.state.settings = settings
    web.state.workspace = Workspace(settings.workspace)
    web.state.runner = runner
    web.state.sessions = sessions
    return web


async def _input_problem(request, error: InputError):
    """A use case refused its input (a file of the tour it cannot read as it is): say what and
    where, instead of a server error."""
    details = [str(problem) for problem in error.problems]
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "input", **problem_list("problems", details)}, status_code=422)
    return render(request, "problem.html", {"error": {"message": "A file of this tour needs fixing first.",
                                                      "details": details}}, status_code=422)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def serve(settings: WebSettings, host: str = "127.0.0.1", port: int = 8000, announce=print) -> None:
    """Run the web app with uvicorn until interrupted; ``announce`` gets the address to open.

    Raises
    ------
    BindRefused
        When ``host`` is not a loopback address and no user account is configured.
    """
    import uvicorn

    if host not in LOOPBACK_HOSTS and not settings.users:
        raise BindRefused(
            f"refusing to listen on {host}: other machines could reach the tours. Add a user "
            f"first (scheduler serve --add-user NAME), and put TLS in front (docs/web.md).")
    port = port or free_port(host)
    shown = f"[{host}]" if ":" in host else host
    announce(f"Serving the workspace {settings.workspace}")
    announce(f"Open http://{shown}:{port}/?token={settings.token}")
    if settings.users:
        announce(f"or log in at http://{shown}:{port}/login with a user account")
    logging.getLogger("scheduler.web").setLevel(logging.INFO)
    # uvicorn's access log would print query strings (the token); the app logs paths only.
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="warning")
