"""Folders on a file system that cannot lock a folder (an NFS or SMB mount).

There Linux emulates ``flock`` with record locks, which need a file open for writing, so
``flock`` on a folder fails with ``EBADF``; nor can two folders be exchanged in one rename.
The fixture below makes this machine's file system behave so, and the tests check that the
writers still work there, still exclude each other and still lose nothing.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import scheduler.staging as staging
from scheduler.cli import main
from scheduler.fsio import FALLBACK_LOCK_NAME, folder_lock, hold_file_lock
from scheduler.staging import clean_leftovers, staged_output
from test_commit_kills import (KILLED, _contents, _expected_new, _old_folder, _settle, _write_new,
                               eight_concurrent_commits, switch_cut_between_renames)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spain-2018"


@pytest.fixture
def no_folder_locks(monkeypatch):
    """``flock`` on a folder fails as on an NFS mount (EBADF); ``flock`` on a file works, and
    folders cannot be exchanged (the two-rename switch is used)."""
    real_flock = fcntl.flock

    def flock(handle, operation):
        if stat.S_ISDIR(os.fstat(handle).st_mode):
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return real_flock(handle, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)


def _extra(out: Path) -> list[str]:
    """What stands beside ``out`` in its folder, but ``out`` and the fallback lock file."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name not in (out.name, FALLBACK_LOCK_NAME))


def test_folder_lock_falls_back_to_a_lock_file(tmp_path, no_folder_locks):
    """Where a folder cannot be locked, its lock is a record lock on ``.scheduler.lock`` in
    it: held inside the block (another holder is refused), free after it."""
    with folder_lock(tmp_path):
        assert (tmp_path / FALLBACK_LOCK_NAME).is_file()
        with pytest.raises(BlockingIOError):
            with hold_file_lock(tmp_path / FALLBACK_LOCK_NAME, wait=False):
                pass
    with hold_file_lock(tmp_path / FALLBACK_LOCK_NAME, wait=False):
        pass


def test_the_fallback_lock_excludes_another_thread(tmp_path, no_folder_locks):
    """Record locks belong to the process, yet a second thread of it waits for the first:
    the two blocks never overlap."""
    events = []
    holding = threading.Event()

    def first() -> None:
        with folder_lock(tmp_path):
            events.append("first in")
            holding.set()
            time.sleep(0.3)
            events.append("first out")

    def second() -> None:
        assert holding.wait(timeout=30)
        with folder_lock(tmp_path):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert events == ["first in", "first out", "second in"]


def test_the_fallback_lock_excludes_another_process(tmp_path, no_folder_locks):
    """While a child process holds the folder's lock, this process cannot take it; once the
    child has left, it can."""
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(ready_read)
            os.close(go_write)
            with folder_lock(tmp_path):
                os.write(ready_write, b"x")
                os.read(go_read, 1)
            os._exit(0)
        except BaseException:
            os._exit(1)
    os.close(ready_write)  # so that a child failing before it writes ends the read below
    os.close(go_read)
    assert os.read(ready_read, 1) == b"x"
    with pytest.raises(BlockingIOError):
        with hold_file_lock(tmp_path / FALLBACK_LOCK_NAME, wait=False):
            pass
    os.write(go_write, b"x")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with hold_file_lock(tmp_path / FALLBACK_LOCK_NAME, wait=False):
        pass


def test_other_lock_errors_are_not_taken_for_a_file_system_without_locks(tmp_path, monkeypatch):
    """Only the errors of a file system that cannot lock a folder lead to the lock file: an
    interrupted or failing ``flock`` (here EIO) is raised, and no lock file is made."""
    def flock(handle, operation):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(fcntl, "flock", flock)
    with pytest.raises(OSError) as caught:
        with folder_lock(tmp_path):
            pass
    assert caught.value.errno == errno.EIO
    assert not (tmp_path / FALLBACK_LOCK_NAME).exists()


def test_a_commit_works_and_leaves_only_the_lock_file(tmp_path, no_folder_locks):
    """An output folder replaced through the two-rename switch, its owner's lock a file
    beside the staging folder while it lives: afterwards the new version is whole and only
    ``.scheduler.lock`` stands beside it."""
    out = tmp_path / "out"
    _old_folder(out)
    new = _expected_new(tmp_path / "reference")
    with staged_output(out) as stage:
        owners = [p for p in out.parent.iterdir() if p.name.endswith(".staging.owner")]
        assert len(owners) == 1
        _write_new(stage.path)
    assert _contents(out) == new
    assert _extra(out) == ["reference"]


def test_concurrent_commits_lose_no_file(tmp_path, no_folder_locks):
    """Eight threads committing into one folder at once: each version's files are there,
    current or as numbered backups, and nothing but the lock file is left beside it."""
    out = tmp_path / "out"
    eight_concurrent_commits(out)
    assert _extra(out) == []


def test_a_killed_run_is_cleaned_up_by_the_next(tmp_path, no_folder_locks):
    """A run killed while writing leaves its staging folder and its owner file; the next
    commit finds the owner's lock free and removes both."""
    out = tmp_path / "out"
    _old_folder(out)
    old = _contents(out)
    pid = os.fork()
    if pid == 0:
        try:
            with staged_output(out) as stage:
                _write_new(stage.path)
                os._exit(KILLED)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == KILLED
    left = _extra(out)
    assert any(name.endswith(".staging") for name in left)
    assert any(name.endswith(".staging.owner") for name in left)
    _settle(out)
    assert _extra(out) == []
    assert _contents(out) == old


@pytest.mark.parametrize("how", ["killed", "interrupted"])
def test_a_switch_cut_between_its_renames_is_settled(tmp_path, monkeypatch, no_folder_locks, how):
    """Stopped between the two renames (no output folder, the old version under a hidden
    name): the next run puts the staged version in place after a kill, the old one after an
    interrupt, and leaves nothing but the lock file beside it."""
    switch_cut_between_renames(tmp_path, monkeypatch, how)
    assert _extra(tmp_path / "out") == ["reference"]


def test_a_live_run_of_another_thread_is_not_cleaned_up(tmp_path, no_folder_locks):
    """The clean-up of one commit leaves the staging folder of a run still writing in
    another thread of the same process (its owner file's lock is that process's own)."""
    out = tmp_path / "out"
    out.mkdir()
    writing, finish = threading.Event(), threading.Event()
    errors = []

    def writer() -> None:
        try:
            with staged_output(out) as stage:
                (stage.path / "plan.json").write_text("the writer's")
                writing.set()
                assert finish.wait(timeout=30)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(timeout=30)
    with folder_lock(tmp_path):
        assert clean_leftovers(out) == []
    finish.set()
    thread.join(timeout=30)
    assert errors == []
    assert (out / "plan.json").read_text() == "the writer's"


def test_a_staging_folder_without_its_owner_file_is_kept(tmp_path, no_folder_locks):
    """A staging folder whose owner file is not there yet (its run is starting) is not
    taken for a killed run's."""
    out = tmp_path / "out"
    out.mkdir()
    starting = tmp_path / ".out.abc123.staging"
    starting.mkdir()
    with folder_lock(tmp_path):
        assert clean_leftovers(out) == []
    assert starting.is_dir()


def test_plan_writes_its_folder_where_folders_cannot_be_locked(tmp_path, no_folder_locks):
    """`scheduler plan` into a folder on such a file system: exit 0, every output written,
    and beside the output folder only the lock file."""
    workspace = tmp_path / "work"
    workspace.mkdir()
    out = workspace / "out"
    result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "-o", str(out), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "plan.json").is_file() and (out / "agenda.ics").is_file()
    assert sorted(p.name for p in workspace.iterdir()) == sorted([FALLBACK_LOCK_NAME, "out"])


@pytest.mark.parametrize("failing", ["every lock", "the commit's lock"])
def test_a_network_folder_without_locks_is_refused_in_words(tmp_path, monkeypatch, no_folder_locks, failing):
    """Where even a file cannot be locked (an NFS mount whose lock service is off: ENOLCK),
    whether the run's own lock or the commit's fails: `scheduler plan` says so in one line
    with exit code 2, and writes nothing (when the commit's lock fails, the folder made for
    the output keeps only the lock file the attempt made)."""
    real_lockf = fcntl.lockf

    def lockf(handle, operation):
        if failing == "every lock" or not operation & fcntl.LOCK_NB:
            raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
        return real_lockf(handle, operation)

    monkeypatch.setattr(fcntl, "lockf", lockf)
    workspace = tmp_path / "work"
    workspace.mkdir()
    result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "-o", str(workspace / "sub" / "out"),
                                       "--time-limit", "1"])
    assert result.exit_code == 2, result.output
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("error: cannot write the output folder") and "No locks available" in message
    assert "Traceback" not in result.output
    left = sorted(str(p.relative_to(workspace)) for p in workspace.rglob("*"))
    # The commit locks the folder it made for the output folder: its lock file stays there.
    assert left == ([] if failing == "every lock" else ["sub", f"sub/{FALLBACK_LOCK_NAME}"])


def test_the_record_locks_of_finished_runs_are_forgotten(tmp_path, no_folder_locks):
    """Each commit's owner file has a name of its own; once the runs are over the process
    keeps no thread lock for any of them (a server commits for months)."""
    from scheduler import fsio

    out = tmp_path / "out"
    for number in range(3):
        with staged_output(out) as stage:
            (stage.path / "plan.json").write_text(f"version {number}")
    assert not any(key.startswith(str(tmp_path.resolve())) for key in fsio._RECORD_LOCKS)
