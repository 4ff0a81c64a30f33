"""The re-planning package's boundaries: what it may import, and the calendar UIDs it shares."""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import scheduler.replan
from scheduler import calendar_uids
from scheduler.domain import TravelLeg
from scheduler.export import ics

FORBIDDEN = ("scheduler.io", "scheduler.export", "scheduler.planfile", "scheduler.fsio")
PACKAGE = Path(scheduler.replan.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved against scheduler.replan."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parts = ["scheduler", "replan"][: 2 - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def test_the_engine_imports_no_reader_writer_or_file_code():
    """No module of scheduler/replan/ imports scheduler.io, .export, .planfile or .fsio: the
    engine computes, the readers and exporters turn text and files into its data and back."""
    offending = {
        path.name: sorted(name for name in imported_modules(path)
                          if any(name == f or name.startswith(f + ".") for f in FORBIDDEN))
        for path in sorted(PACKAGE.glob("*.py"))}
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_import_check_sees_relative_imports():
    """The check resolves ``from ..io import x`` to scheduler.io (so it would catch one)."""
    probe = PACKAGE / "cut.py"
    assert {"scheduler.domain", "scheduler.formatting"} <= imported_modules(probe)
    assert "scheduler.replan.changes" in imported_modules(probe)


def test_calendar_uids_are_stable():
    """Calendar UIDs depend on ids only and never change form: a phone that imported an event
    follows it through every re-plan only if its UID stays the same."""
    zone = ZoneInfo("Europe/Madrid")
    leg = TravelLeg(date(2018, 11, 27), "HOTEL-MAD", "MAD-PSOE", datetime(2018, 11, 27, 9, tzinfo=zone),
                    datetime(2018, 11, 27, 9, 20, tzinfo=zone), 20)
    assert ics.engagement_uid is calendar_uids.engagement_uid
    assert calendar_uids.engagement_uid("spain-2018", "psoe") == "psoe@spain-2018.scheduler"
    assert calendar_uids.travel_uid("spain-2018", leg) == \
        "2018-11-27.HOTEL-MAD.MAD-PSOE@travel.spain-2018.scheduler"
    assert calendar_uids.travel_uid("spain-2018", leg, 2) == \
        "2018-11-27.HOTEL-MAD.MAD-PSOE.2@travel.spain-2018.scheduler"
    assert calendar_uids.night_uid("spain-2018", date(2018, 11, 27)) == \
        "2018-11-27@night.spain-2018.scheduler"
