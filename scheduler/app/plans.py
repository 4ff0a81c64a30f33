"""Reading a plan file for a use case: parsed, then judged by the independent checker."""

from __future__ import annotations

from pathlib import Path

from ..domain import Plan
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
