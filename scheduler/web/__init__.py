"""The organizers' web app: the whole visit in a browser, over the application layer (docs/web.md)."""

from __future__ import annotations

from .application import BindRefused, create_app, free_port, serve
from .settings import WebSettings, add_user, read_users, users_file

__all__ = ["BindRefused", "WebSettings", "add_user", "create_app", "free_port", "read_users", "serve",
           "users_file"]
