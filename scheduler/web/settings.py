"""The web app's settings and its user accounts (argon2 password hashes in a plain file)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["LOOPBACK_HOSTS", "WebSettings", "add_user", "read_users", "users_file", "verify_password"]

#: Addresses that only this machine can reach; any other needs user accounts.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})

_HASHER = PasswordHasher()


@dataclass(frozen=True)
class WebSettings:
    """What a running web app needs to know.

    Attributes
    ----------
    workspace
        The folder of tour folders.
    token
        The login token (``SCHEDULER_TOKEN``, or generated at start).
    users
        User name → argon2 hash; empty: the token is the only way in.
    max_upload_bytes
        The largest request body accepted (uploads, forms).
    plan_time_limit, replan_time_limit, explain_time_limit
        Default solver budgets in seconds for Plan, a re-plan and a what-if.
    secure_cookies
        Mark the session cookie ``Secure`` (when TLS is put in front).
    """

    workspace: Path
    token: str = field(default_factory=lambda: os.environ.get("SCHEDULER_TOKEN") or secrets.token_urlsafe(24))
    users: Mapping[str, str] = field(default_factory=dict)
    max_upload_bytes: int = 20 * 1024 * 1024
    plan_time_limit: float = 10.0
    replan_time_limit: float = 2.0
    explain_time_limit: float = 5.0
    secure_cookies: bool = False


def users_file(workspace: str | Path) -> Path:
    """Where a workspace keeps its user accounts: ``WORKSPACE/.scheduler/users``."""
    return Path(workspace) / ".scheduler" / "users"


def read_users(path: str | Path) -> dict[str, str]:
    """User name → argon2 hash, one ``name:hash`` a line (blank lines and ``#`` lines skipped)."""
    path = Path(path)
    if not path.exists():
        return {}
    users = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and ":" in line:
            name, hashed = line.split(":", 1)
            users[name.strip()] = hashed.strip()
    return users


def add_user(path: str | Path, name: str, password: str) -> None:
    """Add a user (or set a user's password): the password is stored as an argon2id hash only.

    Raises
    ------
    ValueError
        When the name is empty or holds ``:`` or a line break, or the password is shorter than 8.
    """
    if not name or any(char in name for char in ":\n\r") or name != name.strip():
        raise ValueError("a user name must be non-empty, without ':' or line breaks")
    if len(password) < 8:
        raise ValueError("a password must have at least 8 characters")
    path = Path(path)
    users = read_users(path)
    users[name] = _HASHER.hash(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{user}:{hashed}\n" for user, hashed in users.items())
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    temp.chmod(0o600)
    temp.replace(path)


def verify_password(users: Mapping[str, str], name: str, password: str) -> bool:
    """Whether ``password`` is the password of user ``name`` (constant work for unknown names)."""
    hashed = users.get(name)
    try:
        if hashed is None:
            _HASHER.hash(password)  # same cost as a real check, so timing does not tell names
            return False
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
