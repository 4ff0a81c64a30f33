"""Reading a plan file for a use case (parsed, then judged by the independent checker), and
the version of a file, by which a use case sees that nobody changed it meanwhile."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..domain import Plan
from ..errors import PlanChanged
from ..planfile import read_plan


def load_plan(path: str | Path) -> Plan:
    """Read ``path`` as a plan file; a plan the checker rejects is refused.

    Raises
    ------
    PlanFileError
        When the file cannot be read, is not a plan file, or holds a plan that breaks a rule
        (the message names the field, or the rule and the engagement).
    """
    return read_plan(Path(path))


def file_version(path: str | Path) -> str:
    """The version of a file: the first 16 hex digits of its SHA-256 (``absent`` when missing)."""
    path = Path(path)
    if not path.exists():
        return "absent"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def require_plan_version(out_dir: str | Path, expected: str | None) -> None:
    """Raise :class:`PlanChanged` unless ``out_dir/plan.json`` is still at version ``expected``
    (:func:`file_version`; None: no check)."""
    if expected is None:
        return
    current = file_version(Path(out_dir) / "plan.json")
    if current != expected:
        raise PlanChanged(Path(out_dir), expected, current)
