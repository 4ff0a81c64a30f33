"""All or nothing: a run killed at any moment leaves each output folder old or new, never a mix,
and runs into one folder at once lose no file.

A hard kill is simulated by ``os._exit`` at the k-th file-system operation (a link, a rename,
an fsync, an unlink, the folder switch...), in a child process, for every k of the commit and
for moments spread over a whole ``scheduler plan`` and ``scheduler replan``. After each kill
the folder must equal the version before or the version after, every file it had must still
be there (in place or as a numbered backup), and the next run must clean up what was left.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import scheduler.staging as staging
from scheduler.staging import staged_output

sys.path.insert(0, str(Path(__file__).parent))
from test_data_safety import _tour  # noqa: E402

KILLED = 77
_BACKUP = re.compile(r"\.~\d+~$")

# Counts the file-system operations of a run and exits hard at the k-th (KILL_AT), or writes
# the count to COUNT_FILE when the run ends; then runs the command line.
DRIVER = textwrap.dedent("""
    import os, sys
    kill_at = int(os.environ.get("KILL_AT", "0"))
    count = [0]
    def counted(function):
        def wrapper(*args, **kwargs):
            count[0] += 1
            if count[0] == kill_at:
                os._exit(%d)
            return function(*args, **kwargs)
        return wrapper
    for name in ("link", "rename", "replace", "unlink", "rmdir", "mkdir", "symlink", "chmod", "fsync"):
        setattr(os, name, counted(getattr(os, name)))
    import scheduler.staging
    scheduler.staging._exchange = counted(scheduler.staging._exchange)
    from scheduler.cli import main
    try:
        main(sys.argv[1:], standalone_mode=False)
    finally:
        if os.environ.get("COUNT_FILE"):
            with open(os.environ["COUNT_FILE"], "w") as stream:
                stream.write(str(count[0]))
""" % KILLED)


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the numbered backups."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not _BACKUP.search(p.name)}


def _everything(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _leftovers(out: Path) -> list[Path]:
    return [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")
            and not p.name.endswith(".lock")]


def _assert_old_or_new(out: Path, old: dict[str, bytes], new: dict[str, bytes], kept: list[bytes],
                       missing_allowed: bool = False) -> None:
    if missing_allowed and not out.exists():
        return  # the two-rename switch cut in between; the next run settles it
    now = _contents(out)
    assert now in (old, new), f"a mix: {sorted(set(now.items()) ^ set(old.items()))[:3]}"
    present = _everything(out)
    for data in kept:
        assert data in present, "a file of the earlier version was lost"


def _settle(out: Path) -> None:
    """What the next run does first: take the lock and clean up after a killed run."""
    with staged_output(out):
        pass
    assert _leftovers(out) == []


# ------------------------------------------------------------------ the commit, step by step

def _old_folder(out: Path) -> None:
    (out / "invites").mkdir(parents=True)
    (out / "plan.json").write_text('{"version": 1}')
    (out / "plan.json.~1~").write_text('{"version": 0}')
    (out / "agenda.ics").write_text("old calendar")
    (out / "same.txt").write_text("unchanged")
    (out / "invites" / "a.ics").write_text("old invitation a")
    (out / "my notes.txt").write_text("a file the user put here")
    os.symlink("plan.json", out / "latest.json")


def _write_new(folder: Path) -> None:
    (folder / "invites").mkdir(exist_ok=True)
    (folder / "plan.json").write_text('{"version": 2}')
    (folder / "agenda.ics").write_text("new calendar")
    (folder / "same.txt").write_text("unchanged")
    (folder / "invites" / "a.ics").write_text("new invitation a")
    (folder / "invites" / "b.ics").write_text("new invitation b")
    (folder / "changes.md").write_text("what changed")


def _expected_new(tmp_path: Path) -> dict[str, bytes]:
    reference = tmp_path / "reference" / "out"
    _old_folder(reference)
    with staged_output(reference) as stage:
        _write_new(stage.path)
    return _contents(reference)


def _commit_killed_at(out: Path, kill_at: int) -> int:
    """Commit the new version into ``out`` in a child killed at operation ``kill_at``;
    returns the child's exit status (``KILLED`` or 0 when the run ended first)."""
    pid = os.fork()
    if pid == 0:  # the child: count operations, die hard at the chosen one
        try:
            count = [0]
            real = {name: getattr(os, name) for name in
                    ("link", "rename", "replace", "unlink", "rmdir", "mkdir", "symlink", "chmod", "fsync")}

            def counted(function):
                def wrapper(*args, **kwargs):
                    count[0] += 1
                    if count[0] == kill_at:
                        os._exit(KILLED)
                    return function(*args, **kwargs)
                return wrapper

            for name, function in real.items():
                setattr(os, name, counted(function))
            staging._exchange = counted(staging._exchange)
            with staged_output(out) as stage:
                _write_new(stage.path)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("exchange", [True, False], ids=["atomic-exchange", "two-renames"])
def test_commit_killed_at_every_step_leaves_old_or_new(tmp_path, monkeypatch, exchange):
    """Killed at each file-system operation of a commit (with the atomic exchange, and with
    the two-rename switch of systems without it), the folder is the old version or the new
    one, no earlier file is lost, and the next run leaves nothing behind."""
    if not exchange:
        monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
    new = _expected_new(tmp_path)
    kill_at, outcomes = 0, set()
    while True:
        kill_at += 1
        out = tmp_path / f"run{kill_at}" / "out"
        _old_folder(out)
        old = _contents(out)
        kept = _everything(out)
        status = _commit_killed_at(out, kill_at)
        assert status in (KILLED, 0)
        _assert_old_or_new(out, old, new, kept, missing_allowed=not exchange)
        outcomes.add("new" if _contents(out) == new else "old" if out.exists() else "missing")
        _settle(out)
        _assert_old_or_new(out, old, new, kept)
        if status == 0:
            break
        assert kill_at < 500
    assert outcomes == ({"old", "new"} if exchange else {"old", "new", "missing"}) and kill_at > 10


@pytest.mark.parametrize("how", ["killed", "interrupted"])
def test_two_rename_switch_cut_in_between_is_settled_by_the_next_run(tmp_path, monkeypatch, how):
    """The only in-between state of the two-rename switch (no output folder, the old version
    under a hidden name) is settled by the next run: after a hard kill the whole staged
    version is put in place; after an interrupt (whose clean-up removed the staging folder)
    the old version is put back."""
    switch_cut_between_renames(tmp_path, monkeypatch, how)


def switch_cut_between_renames(tmp_path: Path, monkeypatch, how: str) -> None:
    """A commit of ``tmp_path/out`` through the two-rename switch, stopped (``how``:
    "killed" hard, or "interrupted") between its renames, then settled by the next run;
    checks that the folder is then the new version or the old one, as ``how`` says."""
    out = tmp_path / "out"
    _old_folder(out)
    old = _contents(out)
    new = _expected_new(tmp_path)
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
    real_rename = os.rename

    def rename_then_stop(source, target):
        real_rename(source, target)
        if Path(source) == out:  # the old folder moved aside, the new one not yet in place
            if how == "killed":
                os._exit(KILLED)
            raise KeyboardInterrupt

    pid = os.fork()
    if pid == 0:
        try:
            os.rename = rename_then_stop
            with staged_output(out) as stage:
                _write_new(stage.path)
            os._exit(0)
        except KeyboardInterrupt:
            os._exit(KILLED)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == KILLED
    assert not out.exists()
    _settle(out)
    assert _contents(out) == (new if how == "killed" else old)


def eight_concurrent_commits(out: Path) -> None:
    """Eight threads commit into ``out`` at once, each writing ``plan.json`` and a file of
    its own; checks that the folder is whole and every version's files are there, current
    or as numbered backups, and nothing is left beside it."""
    out.mkdir()
    (out / "plan.json").write_text("version 0")
    start = threading.Barrier(8)
    errors = []

    def run(number: int) -> None:
        try:
            with staged_output(out) as stage:
                (stage.path / "plan.json").write_text(f"version {number + 1}")
                (stage.path / f"only-{number}.txt").write_text(str(number))
                start.wait()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    everything = _everything(out)
    for number in range(9):
        assert f"version {number}".encode() in everything
    for number in range(8):
        assert (out / f"only-{number}.txt").read_text() == str(number)
    assert _leftovers(out) == []


def test_concurrent_commits_into_one_folder_lose_no_file(tmp_path):
    """Eight runs committing into one folder at once: the folder is whole (one run's
    version), and every version's files are there, current or as numbered backups."""
    eight_concurrent_commits(tmp_path / "out")


# ----------------------------------------------------------- whole commands, killed anywhere

def _run(args: list[str], tmp_path: Path, kill_at: int = 0) -> tuple[int, int]:
    """Run the command line with the counting driver; returns (exit code, operations)."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    count_file = tmp_path / "count.txt"
    count_file.unlink(missing_ok=True)
    env = dict(os.environ, KILL_AT=str(kill_at), COUNT_FILE=str(count_file))
    done = subprocess.run([sys.executable, str(driver), *args], env=env, capture_output=True,
                          text=True, timeout=300)
    count = int(count_file.read_text()) if count_file.exists() else -1
    assert done.returncode in (0, KILLED), done.stderr
    return done.returncode, count


def _moments(total: int, samples: int, tail: int) -> list[int]:
    """Operation numbers to kill at: spread over the run, and densely over its end (the commit)."""
    spread = {max(1, round(total * (i + 1) / (samples + 1))) for i in range(samples)}
    end = {total - i for i in range(0, tail, max(1, tail // 6))}
    return sorted(k for k in spread | end if 1 <= k <= total)


def _killed_runs(tmp_path: Path, name: str, prepare, args, samples: int, tail: int) -> None:
    template = tmp_path / f"{name}-template"
    prepare(template)
    first = tmp_path / f"{name}-full"
    shutil.copytree(template, first, symlinks=True)
    out = first / "out"
    old = _contents(out)
    status, total = _run(args(out), tmp_path)
    assert status == 0 and total > 20
    new = _contents(out)
    assert new != old
    outcomes = set()
    for kill_at in _moments(total, samples, tail):
        folder = tmp_path / f"{name}-{kill_at}"
        shutil.copytree(template, folder, symlinks=True)
        out = folder / "out"
        kept = _everything(out)
        status, _ = _run(args(out), tmp_path, kill_at)
        assert status == KILLED
        now = _contents(out)
        # The run's own time stamps differ from run to run: compare what a version is made of.
        assert set(now) in (set(old), set(new)), f"killed at {kill_at}: a mix of versions"
        if set(now) == set(old):
            assert now == old, f"killed at {kill_at}: the old version changed"
        outcomes.add("old" if now == old else "new")
        for data in kept:
            assert data in _everything(out), f"killed at {kill_at}: a file was lost"
        _settle(out)
    assert outcomes == {"old", "new"}, "the kills did not span the commit"


def test_plan_killed_at_any_moment_leaves_the_folder_old_or_new(tmp_path):
    """`scheduler plan` into a folder holding an earlier plan, killed at moments spread over
    the run and through its commit: the folder is the earlier version or the new one."""
    limit = ["--time-limit", "0.3", "--workers", "1"]

    def prepare(folder: Path) -> Path:
        tour = _tour(folder / "tour", "id,title,counterpart,location,duration,windows\n"
                                      "a,Meeting A,Org A,A,60,Tue 10:00-12:00\n")
        out = folder / "out"
        status, _ = _run(["plan", str(tour), "-o", str(out), *limit], folder)
        assert status == 0
        _tour(folder / "tour")  # the requests change before the second plan
        (out / "my notes.txt").write_text("kept whatever happens")
        return out

    def args(out: Path) -> list[str]:
        return ["plan", str(out.parent / "tour"), "-o", str(out), *limit]

    _killed_runs(tmp_path, "plan", prepare, args, samples=3, tail=60)


def test_replan_killed_at_any_moment_leaves_the_folder_old_or_new(tmp_path):
    """`scheduler replan` into the plan's own folder, killed at moments spread over the run
    and through its commit: the folder is the earlier version or the new one, and the
    earlier plan.json is never lost."""
    limit = ["--time-limit", "0.3", "--workers", "1"]

    def prepare(folder: Path) -> Path:
        out = folder / "out"
        status, _ = _run(["plan", str(_tour(folder / "tour")), "-o", str(out), *limit], folder)
        assert status == 0
        return out

    def args(out: Path) -> list[str]:
        return ["replan", str(out / "plan.json"), "-o", str(out), "--now", "2018-11-27 11:30",
                "--cancel", "m", "--no-pdf", *limit]

    _killed_runs(tmp_path, "replan", prepare, args, samples=3, tail=60)
