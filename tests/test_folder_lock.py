"""The locks of fsio: a folder's lock excludes other threads and processes, and leaves no file."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

from scheduler.fsio import file_lock, folder_lock, remove_old_lock_files
from scheduler.staging import staged_output
from test_io_support import MINIMAL_LOCATIONS, one_day_tour, write_files

_HOLD = """
import sys
from scheduler.fsio import file_lock
with file_lock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def _free(folder: Path) -> bool:
    """Whether another open file could take the folder's lock now (without waiting)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(handle)
    return True


def test_saving_a_file_leaves_no_lock_file_in_its_folder(tmp_path):
    """file_lock on ``tour.toml`` creates nothing in the tour folder (no ``.tour.toml.lock``)."""
    (tmp_path / "tour.toml").write_text("x = 1\n", encoding="utf-8")
    with file_lock(tmp_path / "tour.toml"):
        assert sorted(os.listdir(tmp_path)) == ["tour.toml"]
    assert sorted(os.listdir(tmp_path)) == ["tour.toml"]


def test_a_thread_holding_the_lock_excludes_another_thread(tmp_path):
    """While one thread holds the lock of ``requests.csv``, another thread's attempt on its
    folder (through its own descriptor) is refused; once released, it is free."""
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    attempts = []

    def hold() -> None:
        with file_lock(tmp_path / "requests.csv"):
            holding.set()
            release.wait(timeout=30)
        done.set()

    def probe() -> None:
        attempts.append(_free(tmp_path))

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=30)
    prober = threading.Thread(target=probe)
    prober.start()
    prober.join(timeout=30)
    release.set()
    holder.join(timeout=30)
    assert attempts == [False]
    assert done.is_set() and _free(tmp_path)


def test_two_files_of_one_folder_share_the_lock(tmp_path):
    """Holding the lock of ``tour.toml`` holds the folder's: ``requests.csv``'s is taken too."""
    with file_lock(tmp_path / "tour.toml"):
        assert not _free(tmp_path)
    with folder_lock(tmp_path):
        assert not _free(tmp_path)
    assert _free(tmp_path)


def test_a_process_holding_the_lock_excludes_another_process(tmp_path):
    """Another process holding the lock of ``tour.toml`` keeps this one out until it leaves."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(tmp_path / "tour.toml")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not _free(tmp_path)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=60) == 0
        assert _free(tmp_path)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_commit_leaves_no_lock_file_beside_the_output_folder(tmp_path):
    """An output folder committed inside a tour folder leaves no ``.out.lock`` beside it."""
    with staged_output(tmp_path / "out") as stage:
        (stage.path / "plan.json").write_text("{}", encoding="utf-8")
    assert sorted(os.listdir(tmp_path)) == ["out"]


# --- the lock files the code before the folder locks left -----------------------------------


def _commit(out: Path) -> None:
    with staged_output(out) as stage:
        (stage.path / "plan.json").write_text("{}", encoding="utf-8")


def _saved_tour(folder: Path) -> Path:
    """A tour folder whose requests are saved once through the application layer."""
    write_files(folder, {"tour.toml": one_day_tour("locks"), "locations.csv": MINIMAL_LOCATIONS,
                         "requests.csv": "id,title,counterpart,location,duration,windows\n"
                                         "a,Meeting A,Org A,PSOE,60,Tue 10:00-12:00\n"})
    return folder


def test_a_commit_removes_the_old_empty_lock_file_beside_the_output_folder(tmp_path):
    """``.out.lock``, empty, as a commit made before the folder lock left it beside ``out``:
    the next commit removes it, in a new folder and in one that exists."""
    (tmp_path / ".out.lock").touch()
    _commit(tmp_path / "out")
    assert sorted(os.listdir(tmp_path)) == ["out"]
    (tmp_path / ".out.lock").touch()
    _commit(tmp_path / "out")
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_a_commit_keeps_a_lock_file_with_content_a_link_and_other_names(tmp_path):
    """A ``.out.lock`` with content, a link named ``.out.lock`` (and what it points to), and
    empty files of other names (another folder's lock, a tour file's lock, a backup) stay."""
    (tmp_path / "target").touch()
    (tmp_path / ".out.lock").symlink_to(tmp_path / "target")
    others = [".other.lock", ".tour.toml.lock", ".out.lock.~1~", "out.lock", ".out.lock2"]
    for name in others:
        (tmp_path / name).touch()
    _commit(tmp_path / "out")
    assert (tmp_path / ".out.lock").is_symlink() and (tmp_path / "target").is_file()
    assert all((tmp_path / name).is_file() for name in others)
    (tmp_path / ".out.lock").unlink()
    (tmp_path / ".out.lock").write_text("mine", encoding="utf-8")
    _commit(tmp_path / "out")
    assert (tmp_path / ".out.lock").read_text(encoding="utf-8") == "mine"


def test_a_commit_succeeds_when_the_old_lock_file_cannot_be_removed(tmp_path, monkeypatch):
    """Removing the old lock file fails (a read-only folder, say): the commit still succeeds
    and the file stays."""
    (tmp_path / ".out.lock").touch()
    real_unlink = os.unlink

    def refuse(path, *args, **kwargs):
        if Path(path).name == ".out.lock":
            raise PermissionError(13, "Permission denied", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refuse)
    _commit(tmp_path / "out")
    assert (tmp_path / "out" / "plan.json").is_file() and (tmp_path / ".out.lock").exists()


def test_saving_the_tour_removes_its_old_empty_lock_files(tmp_path):
    """A save of ``requests.csv`` and one of ``tour.toml`` each remove both old lock files
    (``.tour.toml.lock``, ``.requests.csv.lock``) when they are empty regular files."""
    from scheduler import app

    tour = _saved_tour(tmp_path / "tour")
    for name in (".tour.toml.lock", ".requests.csv.lock"):
        (tour / name).touch()
    table = app.read_requests(tour)
    _, problems = app.save_requests(tour, table.columns, table.rows, table.version)
    assert not [p for p in problems if p.file == "requests.csv"]
    assert not any(name.endswith(".lock") for name in os.listdir(tour))
    for name in (".tour.toml.lock", ".requests.csv.lock"):
        (tour / name).touch()
    frame, frame_version = app.read_frame(tour)
    _, problems = app.save_frame(tour, frame, frame_version)
    assert not [p for p in problems if p.file == "tour.toml"]
    assert not any(name.endswith(".lock") for name in os.listdir(tour))


def test_saving_the_tour_keeps_lock_files_it_did_not_make(tmp_path):
    """A ``.tour.toml.lock`` with content, a link named ``.requests.csv.lock`` and an empty
    ``.locations.csv.lock`` (a name the old code never locked) stay after a save."""
    from scheduler import app

    tour = _saved_tour(tmp_path / "tour")
    (tour / ".tour.toml.lock").write_text("mine", encoding="utf-8")
    (tour / ".requests.csv.lock").symlink_to(tour / "locations.csv")
    (tour / ".locations.csv.lock").touch()
    table = app.read_requests(tour)
    app.save_requests(tour, table.columns, table.rows, table.version)
    assert (tour / ".tour.toml.lock").read_text(encoding="utf-8") == "mine"
    assert (tour / ".requests.csv.lock").is_symlink() and (tour / "locations.csv").stat().st_size > 0
    assert (tour / ".locations.csv.lock").is_file()


def test_a_lock_file_that_is_a_folder_is_left_alone(tmp_path):
    """A folder named like an old lock file is not a lock file of ours: it stays."""
    (tmp_path / ".out.lock").mkdir()
    assert remove_old_lock_files(tmp_path / "out") == []
    assert (tmp_path / ".out.lock").is_dir()
