"""``scheduler serve``: the organizers' web app over a workspace of tour folders."""

from __future__ import annotations

from pathlib import Path

import click

from .boundary import EXIT_INPUT, Fail

__all__ = ["serve"]


@click.command()
@click.argument("workspace", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any other than this machine's needs user accounts "
                   "(--add-user) and TLS in front (docs/web.md).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--add-user", "new_user", metavar="NAME", default=None,
              help="Add a user account (or set its password; asked twice) to the workspace, then exit.")
@click.option("--time-limit", type=click.FloatRange(0.5, 3600), default=10.0, show_default=True,
              help="The Plan button's default solver seconds.")
@click.option("--secure-cookies", is_flag=True,
              help="Mark the login cookie Secure (when TLS is put in front).")
def serve(workspace: Path, host: str, port: int, new_user: str | None, time_limit: float,
          secure_cookies: bool) -> None:
    """Serve the web app: plan, explain, re-plan and send from a browser.

    \b
    WORKSPACE is a folder of tour folders (default: the current folder); a tour's plan and
    exports go to <tour>/out/, so the command line works on the same tours. The address to
    open is printed with a login token (set SCHEDULER_TOKEN to choose it).
    \b
    Example:
      scheduler serve tours/
      scheduler serve tours/ --add-user maria
    """
    # Imported here: the web stack (Starlette, Jinja2, argon2) need not load for other commands.
    from ..web import BindRefused, WebSettings, add_user, read_users, users_file
    from ..web import serve as serve_web

    accounts = users_file(workspace)
    if new_user is not None:
        password = click.prompt(f"Password for {new_user}", hide_input=True, confirmation_prompt=True)
        try:
            add_user(accounts, new_user, password)
        except ValueError as error:
            raise Fail(f"error: {error}", EXIT_INPUT) from None
        click.echo(f"User {new_user} saved in {accounts} (argon2 hash only).")
        return
    workspace.mkdir(parents=True, exist_ok=True)
    settings = WebSettings(workspace=workspace.resolve(), users=read_users(accounts),
                           plan_time_limit=time_limit, secure_cookies=secure_cookies)
    try:
        serve_web(settings, host=host, port=port, announce=click.echo)
    except BindRefused as error:
        raise Fail(f"error: {error}", EXIT_INPUT) from None
