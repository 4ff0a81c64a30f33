"""Exporters: a plan to files for people (calendar, invitations, run sheets, tables); never solves."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..domain import Plan

# format name -> module under scheduler.export with write(plan, out_dir, *, audience) -> [Path]
FORMATS = {
    "csv": "table",
}


def write_format(plan: Plan, out_dir: Path, fmt: str, *, audience: str = "team") -> list[Path]:
    """Write one format into ``out_dir``; returns the files written."""
    module = importlib.import_module(f".{FORMATS[fmt]}", __name__)
    return list(module.write(plan, Path(out_dir), audience=audience))


def write_all(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write every format into ``out_dir``."""
    written: list[Path] = []
    for fmt in FORMATS:
        written += write_format(plan, out_dir, fmt, audience=audience)
    return written
