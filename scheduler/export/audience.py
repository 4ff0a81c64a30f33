"""Who a run-sheet copy is for (the team or the guest) and the private file each copy is written to."""

from __future__ import annotations

from pathlib import Path

from ..errors import SchedulerError
from ..fsio import write_atomic

__all__ = ["AUDIENCES", "AudienceError", "check_audience", "output_path", "write_copy"]

AUDIENCES = ("team", "guest")


class AudienceError(SchedulerError, ValueError):
    """An exporter was asked for an audience other than ``"team"`` or ``"guest"``."""


def check_audience(audience: str) -> str:
    """Return ``audience`` when it is known; raise :class:`AudienceError` otherwise.

    Parameters
    ----------
    audience
        ``"team"`` (the full run sheet) or ``"guest"`` (no internal notes, no unscheduled list).
    """
    if audience not in AUDIENCES:
        raise AudienceError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
    return audience


def output_path(out_dir: Path, stem: str, suffix: str, audience: str) -> Path:
    """The file an exporter writes: ``agenda.html`` for the team, ``agenda-guest.html`` for the guest.

    Parameters
    ----------
    out_dir
        The output folder.
    stem
        The name without suffix, such as ``"agenda"``.
    suffix
        The suffix with its dot, such as ``".html"``.
    audience
        ``"team"`` or ``"guest"``; the guest's copy gets its own name so both can sit side by side.
    """
    check_audience(audience)
    name = stem if audience == "team" else f"{stem}-{audience}"
    return Path(out_dir) / f"{name}{suffix}"


def write_copy(out_dir: Path, suffix: str, content: str | bytes, audience: str) -> list[Path]:
    """Write one run-sheet copy (``agenda<suffix>`` or ``agenda-guest<suffix>``) privately.

    Every run sheet holds the guest's itinerary, so it is written atomically and readable by
    its owner only. Returns the file written, in a list.
    """
    path = output_path(Path(out_dir), "agenda", suffix, audience)
    return [write_atomic(path, content, private=True)]
