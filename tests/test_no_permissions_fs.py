"""Output on a file system that keeps no permissions and no hard links (FAT and exFAT, as on
most USB sticks): there ``chmod`` fails (``EPERM`` from Linux's drivers, ``ENOSYS`` from
others) and so does ``link``. The fixture makes this machine's file system behave so."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.fsio import set_mode, write_atomic

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spain-2018"


@pytest.fixture(params=[errno.EPERM, errno.ENOSYS])
def no_permissions(monkeypatch, request):
    """chmod and link fail as on a FAT drive (with that errno), everything else works."""
    def refuse(*args, **kwargs):
        raise OSError(request.param, os.strerror(request.param))

    monkeypatch.setattr(os, "chmod", refuse)
    monkeypatch.setattr(os, "link", refuse)
    return request.param


def test_set_mode_says_when_the_file_system_keeps_no_modes(tmp_path, no_permissions):
    """set_mode on such a file system returns False instead of raising."""
    (tmp_path / "f").write_text("x")
    assert set_mode(tmp_path / "f", 0o600) is False


def test_set_mode_still_raises_other_errors(tmp_path, monkeypatch):
    """A chmod that fails for another reason (the file is gone) is not taken for that."""
    with pytest.raises(FileNotFoundError):
        set_mode(tmp_path / "missing", 0o600)


def test_an_atomic_write_works_there(tmp_path, no_permissions):
    """write_atomic writes the file whole and keeps the earlier one as a numbered copy."""
    target = tmp_path / "plan.json"
    write_atomic(target, "one", private=True)
    write_atomic(target, "two", private=True)
    assert target.read_text() == "two"
    assert (tmp_path / "plan.json.~1~").read_text() == "one"


def test_plan_and_plan_again_write_their_folder_there(tmp_path, no_permissions):
    """`scheduler plan` twice into one folder on such a drive: exit 0 both times, every
    output written, the second a new version of the first (its versions kept)."""
    out = tmp_path / "out"
    for _ in range(2):
        result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "-o", str(out), "--time-limit", "1"])
        assert result.exit_code == 0, result.output
    for name in ("plan.json", "agenda.ics", "agenda-team.ics", "agenda.pdf", "changes.md"):
        assert (out / name).is_file(), name
    assert (out / "versions" / "plan-v2.json").is_file()
    assert any((out / "invites").iterdir())


def test_the_web_app_unpacks_a_tour_zip_there(tmp_path, no_permissions):
    """A tour uploaded as a zip into a workspace on such a drive: unpacked, its files whole
    (owner-only where the drive keeps modes, as elsewhere)."""
    import io
    import zipfile

    from scheduler.web.workspace import Workspace

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("tour.toml", "requests.csv", "locations.csv"):
            archive.writestr(f"spain/{name}", (EXAMPLE / name).read_bytes())
    workspace = Workspace(tmp_path / "workspace")
    tour_id = workspace.add_from_zip(buffer.getvalue())
    for name in ("tour.toml", "requests.csv", "locations.csv"):
        assert (workspace.tour_dir(tour_id) / name).read_bytes() == (EXAMPLE / name).read_bytes()
