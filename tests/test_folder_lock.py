"""The locks of fsio: a folder's lock excludes other threads and processes, and leaves no file."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

from scheduler.fsio import file_lock, folder_lock
from scheduler.staging import staged_output

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
