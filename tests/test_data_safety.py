"""Data safety: outputs are written whole or not at all, private where they hold the itinerary,
and spreadsheet cells never run as formulas.

A crash is simulated where it can hurt most: the rename that publishes a file, the write of its
bytes, an exporter failing or Ctrl-C after the solve.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import scheduler.export.html
import scheduler.fsio as fsio
from scheduler.checker import check_plan
from scheduler.cli import main
from scheduler.export import table
from scheduler.fsio import write_atomic
from scheduler.staging import staged_output
from test_io_support import one_day_tour, write_files

TOUR = one_day_tour("safe")
LOCATIONS = """id,name,latitude,longitude
HOTEL,Hotel,40.4200,-3.7050
A,Place A,40.4300,-3.7100
"""
REQUESTS = """id,title,counterpart,location,duration,windows,notes
a,Meeting A,Org A,A,60,Tue 10:00-12:00,
f,=HYPERLINK("http://evil.example";"click"),+cmd|' /C calc'!A0,A,30,Tue 15:00-17:00,@SUM(1+1)
m,-2+3,Org M,A,30,Tue 12:00-13:00,\tTabbed
"""
LIMIT = ["--time-limit", "2", "--workers", "1"]


def _tour(folder: Path, requests: str = REQUESTS) -> Path:
    return write_files(folder, {"tour.toml": TOUR, "locations.csv": LOCATIONS, "requests.csv": requests})


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(folder: Path) -> list[Path]:
    """Temporary files or staging folders anywhere under or beside ``folder``."""
    return [p for p in folder.parent.rglob("*") if p.name.endswith((".tmp", ".staging"))]


def _whole(name: str, data: bytes) -> bool:
    """Whether ``data`` is a complete file of its kind (not one cut short); backups too."""
    name = re.sub(r"\.~\d+~$", "", name)
    if name.endswith(".json"):
        json.loads(data)
        return True
    if name.endswith(".ics"):
        return data.endswith(b"END:VCALENDAR\r\n")
    if name.endswith(".html"):
        return data.rstrip().endswith(b"</html>")
    if name.endswith(".pdf"):
        return data.rstrip().endswith(b"%%EOF")
    if name.endswith((".csv", ".md")):
        return data.endswith(b"\n")
    return False


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    """A tour planned once by `scheduler plan`: the output folder."""
    root = tmp_path_factory.mktemp("planned")
    out = root / "out"
    result = CliRunner().invoke(main, ["plan", str(_tour(root / "tour")), "-o", str(out), *LIMIT])
    assert result.exit_code == 0, result.output
    assert check_plan(json.loads((out / "plan.json").read_text(encoding="utf-8"))) == []
    return out


# ----------------------------------------------------------------------------- write_atomic

def test_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    """When the rename that publishes the new file fails, the old file is intact, no temporary
    file remains and no useless backup is left."""
    target = tmp_path / "plan.json"
    target.write_text("old", encoding="utf-8")

    def refuse(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(fsio.os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_crash_in_the_middle_of_writing_leaves_the_old_file(tmp_path, monkeypatch):
    """A write that dies half-way (the disk, a signal) never reaches the target."""
    target = tmp_path / "agenda.ics"
    target.write_bytes(b"old calendar")
    real_fdopen = os.fdopen

    class HalfWriter(io.RawIOBase):
        def __init__(self, handle, mode):
            self.stream = real_fdopen(handle, mode)

        def write(self, data):
            self.stream.write(bytes(data[: len(data) // 2]))
            self.stream.flush()
            raise KeyboardInterrupt

        def close(self):
            self.stream.close()

    monkeypatch.setattr(fsio.os, "fdopen", HalfWriter)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new calendar, much longer than the old one")
    assert target.read_bytes() == b"old calendar"
    assert [p.name for p in tmp_path.iterdir()] == ["agenda.ics"]


def test_private_file_is_owner_only_whatever_the_umask(tmp_path):
    """A private file is 0600 even under umask 000, and so is its backup."""
    old_umask = os.umask(0)
    try:
        target = write_atomic(tmp_path / "plan.json", "first")
        write_atomic(target, "second")
    finally:
        os.umask(old_umask)
    assert _mode(target) == 0o600
    assert _mode(tmp_path / "plan.json.~1~") == 0o600


def test_private_content_is_never_readable_by_others_while_written(tmp_path, monkeypatch):
    """The temporary file is already owner-only when the itinerary's bytes go into it."""
    seen = []
    real_replace = os.replace

    def watch(source, destination):
        seen.append(_mode(Path(source)))
        real_replace(source, destination)

    monkeypatch.setattr(fsio.os, "replace", watch)
    old_umask = os.umask(0)
    try:
        write_atomic(tmp_path / "agenda.html", "<p>itinerary</p>")
    finally:
        os.umask(old_umask)
    assert seen == [0o600]


def test_shared_file_is_0644(tmp_path):
    """An invitation (not private) is readable by all, writable by its owner only."""
    assert _mode(write_atomic(tmp_path / "psoe.ics", "x", private=False)) == 0o644


def test_backup_keeps_the_old_content_whole(tmp_path):
    """A different old file is kept as name.~1~ with its exact bytes; the same content makes none."""
    target = write_atomic(tmp_path / "plan.json", "first")
    write_atomic(target, "first")
    assert not (tmp_path / "plan.json.~1~").exists()
    write_atomic(target, "second")
    assert (tmp_path / "plan.json.~1~").read_text(encoding="utf-8") == "first"
    assert target.read_text(encoding="utf-8") == "second"


# ----------------------------------------------------------------------------- staged_output

def test_staged_output_publishes_every_file_on_success(tmp_path):
    """Files written in the stage appear in the output folder, listed there, with their modes."""
    out = tmp_path / "out"
    with staged_output(out) as stage:
        write_atomic(stage.path / "plan.json", "plan")
        write_atomic(stage.path / "invites" / "a.ics", "invite", private=False)
    assert stage.files == [out / "invites" / "a.ics", out / "plan.json"]
    assert _mode(out / "plan.json") == 0o600 and _mode(out / "invites" / "a.ics") == 0o644
    assert _leftovers(out) == []


def test_staged_output_failure_changes_nothing(tmp_path):
    """An error after some files are written leaves the old outputs byte for byte, and no
    staging folder."""
    out = tmp_path / "out"
    write_atomic(out / "plan.json", "old plan")
    write_atomic(out / "agenda.csv", "old table")
    before = _snapshot(out)
    with pytest.raises(RuntimeError):
        with staged_output(out) as stage:
            write_atomic(stage.path / "plan.json", "new plan")
            raise RuntimeError("the HTML exporter failed")
    assert _snapshot(out) == before
    assert _leftovers(out) == []


def test_staged_output_failure_creates_no_output_folder(tmp_path):
    """When the outputs did not exist yet, a failure leaves no output folder (nor its parents)."""
    out = tmp_path / "deep" / "out"
    with pytest.raises(KeyboardInterrupt):
        with staged_output(out) as stage:
            write_atomic(stage.path / "plan.json", "new plan")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_staged_output_keeps_a_copy_of_a_different_old_file(tmp_path):
    """Publishing over a different file keeps the old one as name.~1~; an identical one stays."""
    out = tmp_path / "out"
    write_atomic(out / "plan.json", "old plan")
    write_atomic(out / "agenda.md", "same")
    with staged_output(out) as stage:
        write_atomic(stage.path / "plan.json", "new plan")
        write_atomic(stage.path / "agenda.md", "same")
    assert (out / "plan.json.~1~").read_text(encoding="utf-8") == "old plan"
    assert not (out / "agenda.md.~1~").exists()


# ----------------------------------------------------------------------------- the command line

def test_itinerary_files_are_not_world_readable(planned):
    """plan.json and every agenda file are owner-only; invitations are at most 0644."""
    for path in planned.rglob("*"):
        if not path.is_file():
            continue
        if path.parent.name == "invites":
            assert _mode(path) & 0o022 == 0, path
        else:
            assert _mode(path) & 0o077 == 0, path
    assert (planned / "plan.json").exists() and (planned / "agenda.ics").exists()


def test_exported_csv_neutralises_formula_cells(planned):
    """Cells a spreadsheet would run (=, +, -, @, tab) start with an apostrophe in agenda.csv."""
    text = (planned / "agenda.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    by_id = {row["Request id"]: row for row in rows}
    assert by_id["f"]["Title"] == "'=HYPERLINK(\"http://evil.example\";\"click\")"
    assert by_id["f"]["Counterpart"] == "'+cmd|' /C calc'!A0"
    assert by_id["f"]["Notes"] == "'@SUM(1+1)"
    assert by_id["m"]["Title"] == "'-2+3"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(table.FORMULA_STARTS), cell


def test_neutralise_covers_every_formula_start():
    """Each character a spreadsheet reads as the start of a formula is defused, and only those."""
    for start in ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"):
        assert table.neutralise(start + "1") == "'" + start + "1"
    assert table.neutralise("Meeting = good") == "Meeting = good"
    assert table.neutralise("Meeting ＝ good") == "Meeting ＝ good"
    assert table.neutralise("") == ""


def test_plan_writes_nothing_when_the_solve_fails_unexpectedly(tmp_path, monkeypatch):
    """An unexpected error in the solve (exit 1) leaves no output folder."""
    import scheduler.app.planning

    def boom(problem, params=None, baseline=None, *, created=None):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(scheduler.app.planning, "solve", boom)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(_tour(tmp_path / "tour")), "-o", str(out)])
    assert result.exit_code == 1 and "solver crashed" in result.output
    assert not out.exists() and _leftovers(out) == []


def _plan_again_with_the_html_exporter_failing(planned, tmp_path, monkeypatch):
    """A copy of ``planned``'s outputs, its files before, and the result of `scheduler plan`
    into it on a changed tour while the HTML exporter fails after the solve."""
    out = write_files(tmp_path / "out", _snapshot(planned))
    before = _snapshot(out)

    def fail(plan, out_dir, *, audience="team"):
        raise RuntimeError("HTML exporter failed")

    monkeypatch.setattr(scheduler.export.html, "write", fail)
    tour = _tour(tmp_path / "tour", REQUESTS.replace("Meeting A", "Meeting A moved"))
    return out, before, CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), *LIMIT])


def test_exporter_failure_after_the_solve_leaves_no_half_file(planned, tmp_path, monkeypatch):
    """When an exporter fails after the solve, every file in the folder is whole (the plan
    passes the checker, each file is the old one or a complete new one) and no temporary
    file is left."""
    out, before, result = _plan_again_with_the_html_exporter_failing(planned, tmp_path, monkeypatch)
    assert result.exit_code == 1 and "HTML exporter failed" in result.output
    assert check_plan(json.loads((out / "plan.json").read_text(encoding="utf-8"))) == []
    for name, data in _snapshot(out).items():
        assert data == before.get(name) or _whole(name, data), name
    assert _leftovers(out) == []


def test_exporter_failure_after_the_solve_changes_nothing(planned, tmp_path, monkeypatch):
    """With staged output, a failing exporter leaves the previous outputs byte for byte."""
    out, before, result = _plan_again_with_the_html_exporter_failing(planned, tmp_path, monkeypatch)
    assert result.exit_code == 1
    assert _snapshot(out) == before and _leftovers(out) == []
