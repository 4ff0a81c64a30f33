"""Output folders that change all at once: a staged copy of the new folder and one atomic switch.

Every command writes its files into a staging folder beside the output folder. When all of
them are written, the commit, holding a lock on the output folder:

1. cleans up what a killed earlier run left (staging folders whose owner is gone);
2. completes the staging folder into the whole new version of the output folder: every file
   of the old folder that the run does not replace is hard-linked in (no copy of the bytes),
   a replaced file with other content is kept as ``name.~N~``, and an identical one is kept
   as it was;
3. switches the two folders in one step: on Linux ``renameat2(RENAME_EXCHANGE)`` swaps them
   atomically, so at every instant the output folder is the old version or the new one,
   whole; elsewhere two renames, whose only in-between state (no output folder, the old one
   under a hidden name) the next run completes;
4. removes the old version.

What stands where the run writes and is not a file of the same kind (a link, a folder where
a file goes, a file where a folder goes) is kept as ``name.~N~``; nothing is written through a
link. An output folder given as a link is the folder it points to; one that cannot be
switched (a link to nothing, the current folder or one holding it) or cannot be written is
refused before anything is written (:class:`~scheduler.errors.OutputFolderError`).

A reader of the output folder, whatever happens to the writing process (an error, Ctrl-C,
a hard kill, a power cut after the switch was synced), sees the old version or the new one,
never a mix. Two runs into one folder take turns at the commit (``flock`` on the folder
that holds it, so no lock file is left there); the second builds on the first's version, so each keeps the
other's files as backups and none is lost. The cost is one hard link per file of the old
folder (measured in BENCHMARKS.md: "Committing an output folder").
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Literal

from .errors import OutputFolderError
from .fsio import (backup_path, copy_file, folder_lock, folder_lock_unsupported,  # first: it says why there is no fcntl on Windows
                   hold_file_lock, remove_old_lock_files, set_mode, sync_folder)

import fcntl  # noqa: E402

__all__ = ["Stage", "staged_output"]

_STAGING = ".staging"
_OLD = ".old"
#: Beside a staging folder, on a file system that cannot lock a folder (an NFS or SMB mount),
#: the file whose record lock says that its owner is alive (``.<out>.<token>.staging.owner``).
_OWNER = ".owner"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class Stage:
    """A staging folder for one version of an output folder; see :func:`staged_output`.

    Attributes
    ----------
    out_dir
        The output folder.
    files
        After a successful ``with`` block: every file this run wrote, at its place in the
        output folder, in a stable order (written, or already there with the same content).
    backups
        After a successful ``with`` block: the numbered copies made of files this run
        replaced (``name.~N~``), in the output folder.
    """

    def __init__(self, out_dir: str | os.PathLike,
                 precondition: Callable[[Path], None] | None = None) -> None:
        self.out_dir = Path(out_dir)
        self._precondition = precondition
        self.files: list[Path] = []
        self.backups: list[Path] = []
        self._folder = self.out_dir  # the folder itself: where ``out_dir`` leads, if a link
        self._path: Path | None = None
        self._owner: int | None = None
        self._owner_lock = None  # where a folder cannot be locked: see __enter__
        self._created: list[Path] = []
        self._removed: set[Path] = set()

    def __enter__(self) -> Stage:
        if self.out_dir.is_symlink():
            # The switch renames the folder's own name: done on a link, it would put the new
            # version in the link's place and leave the folder it points to as it was.
            target = Path(os.path.realpath(self.out_dir))
            if not target.is_dir():
                raise OutputFolderError(f"the output folder {self.out_dir} is a link to "
                                        f"{target}, which is not a folder; give a folder")
            self._folder = target
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise OutputFolderError(f"the output folder {self.out_dir} is a file; give a folder")
        self._folder = Path(os.path.abspath(self._folder))  # `out/.` and `out/` name `out`
        _refuse_current_folder(self.out_dir, self._folder)
        parent = self._folder.absolute().parent
        missing = []
        for folder in (parent, *parent.parents):
            if folder.exists():
                break
            missing.append(folder)
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self._created = missing  # deepest first, removed on failure when still empty
            self._path = Path(tempfile.mkdtemp(prefix=f".{self._folder.name}.", suffix=_STAGING,
                                               dir=parent))
        except OSError as error:
            # Before anything is written: a read-only or full disk, a folder without the
            # right to write in it. Said of the folder asked for, not of the staging name.
            raise OutputFolderError(f"cannot write the output folder {self.out_dir}: "
                                    f"{error.strerror or error}") from None
        # While this process lives, it holds a lock on its staging folder: a run that cleans
        # up leftovers removes only folders whose lock it can take (their owner is gone).
        self._owner = os.open(self._path, os.O_RDONLY)
        try:
            fcntl.flock(self._owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(self._owner)
            self._owner = None
            if not folder_lock_unsupported(error):
                raise
            # A file system that cannot lock a folder: a record lock on a file beside it.
            owner = hold_file_lock(_owner_file(self._path), wait=False)
            try:
                owner.__enter__()
            except OSError as failure:
                _owner_file(self._path).unlink(missing_ok=True)
                shutil.rmtree(self._path, ignore_errors=True)
                self._remove_created()
                raise _lock_error(self.out_dir, failure) from None
            self._owner_lock = owner
        return self

    @property
    def path(self) -> Path:
        """The staging folder (only inside the ``with`` block)."""
        if self._path is None:
            raise RuntimeError("the stage is used outside its `with` block")
        return self._path

    def remove(self, relative: str | os.PathLike) -> None:
        """Leave a file or a folder of the output folder out of the new version; it is kept
        as its next numbered backup (``name.~N~``; a folder whole, its files hard-linked),
        never lost. What this run writes at the same place is not left out."""
        self._removed.add(Path(relative))

    def final(self, staged: str | os.PathLike) -> Path:
        """Where a file written under :attr:`path` ends up in the output folder."""
        return self.out_dir / Path(staged).relative_to(self.path)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> Literal[False]:
        try:
            if kind is None:
                self._commit()
        finally:
            if self._path is not None:
                shutil.rmtree(self._path, ignore_errors=True)
            if self._owner is not None:
                os.close(self._owner)
                self._owner = None
            if self._owner_lock is not None:
                _owner_file(self._path).unlink(missing_ok=True)
                self._owner_lock.__exit__(None, None, None)
                self._owner_lock = None
            if kind is not None:
                self._remove_created()
        return False

    def _remove_created(self) -> None:
        """Remove the folders made for the output folder (deepest first) while still empty."""
        for folder in self._created:
            try:
                folder.rmdir()
            except OSError:
                break

    def _commit(self) -> None:
        out = self._folder
        stage = self.path
        written = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
        with _folder_lock(out):
            if self._precondition is not None:
                # Under the lock: no other run can commit between this check and the switch.
                self._precondition(out)
            clean_leftovers(out, keep=stage)
            if out.is_dir():
                self.backups = [out / rel for rel in _complete(stage, out, set(written),
                                                                self._removed)]
                set_mode(stage, stat.S_IMODE(out.stat().st_mode))
                _switch(stage, out)
            else:
                set_mode(stage, 0o777 & ~_umask())
                os.rename(stage, out)
            sync_folder(out.absolute().parent)
            # The lock file beside the output folder that commits took before the folder lock.
            remove_old_lock_files(out)
        self.files = [self.out_dir / rel for rel in written]
        self.backups = [self.out_dir / backup.relative_to(out) for backup in self.backups]


def _refuse_current_folder(given: Path, folder: Path) -> None:
    """The switch swaps the output folder for a new one: the current folder of the shell
    that ran the command (or a folder holding it) would be left a removed folder."""
    try:
        current = Path.cwd().resolve()
    except OSError:
        return
    real = folder.resolve()
    if real == current or real in current.parents:
        raise OutputFolderError(f"the output folder {given} is the current folder or holds it; "
                                "give a folder of its own, like `-o out`")


def staged_output(out_dir: str | os.PathLike,
                  precondition: Callable[[Path], None] | None = None) -> Stage:
    """Write one version of an output folder so that it changes all at once or not at all.

    Inside ``with staged_output(out) as stage:`` every file is written under ``stage.path``
    (a private folder beside ``out``). When the block ends normally the new version of
    ``out`` (the files written, and every other file ``out`` had) replaces the old one in
    one switch (see the module docstring), a different old file kept as ``name.~N~``;
    ``stage.files`` then lists the files written at their place in ``out``. When the block
    fails or is interrupted, nothing in ``out`` changes, ``out`` is not even created, and
    the staging folder is removed.

    Parameters
    ----------
    out_dir
        The output folder (created on success when missing).
    precondition
        Called with the output folder while the commit holds its lock, before anything in it
        changes; an exception it raises aborts the commit (nothing is written). A use case
        that builds on what the folder held checks here that nobody changed it meanwhile.

    Returns
    -------
    Stage
        The context manager.

    Examples
    --------
    >>> with staged_output(out) as stage:                       # doctest: +SKIP
    ...     write_plan(plan, stage.path / "plan.json")
    ...     write_all(plan, stage.path)
    >>> stage.files                                             # doctest: +SKIP
    """
    return Stage(out_dir, precondition)


@contextmanager
def _folder_lock(out: Path) -> Iterator[None]:
    """Hold the output folder's lock for the commit: the lock of the folder that holds it
    (:func:`~scheduler.fsio.folder_lock`), which the switch never replaces, where a lock on
    the output folder itself would be left on its old version. No lock file is left beside
    the output folder (in the web app that is the tour folder)."""
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(folder_lock(out.absolute().parent))
        except OSError as error:
            raise _lock_error(out, error) from None
        yield


def _lock_error(out: Path, error: OSError) -> OutputFolderError:
    """Why the output folder cannot be written when a lock cannot be taken (not when it is
    held: then the run waits): a network folder whose server keeps no locks (``ENOLCK``), a
    file system without any."""
    return OutputFolderError(
        f"cannot write the output folder {out}: its folder cannot be locked "
        f"({error.strerror or error}); on a network folder, its server's file locking may be "
        f"off: write the output to a local folder")


def clean_leftovers(out: str | os.PathLike, keep: Path | None = None) -> list[Path]:
    """Finish or remove what killed runs left beside ``out``; call it holding the lock.

    A staging folder whose owner is gone (its lock is free) is removed. If a two-rename
    switch was cut between its renames (``out`` missing, the old version under its hidden
    name), the new version is put in place when its staging folder is whole, the old one
    otherwise. Returns the folders removed.
    """
    out = Path(out).absolute()
    removed = []
    prefix = f".{out.name}."
    # Old versions first: a switch cut between its renames is finished from its staging folder.
    for leftover in sorted(out.parent.glob(f"{_glob_escape(prefix)}*{_OLD}")) + \
            sorted(out.parent.glob(f"{_glob_escape(prefix)}*{_STAGING}")):
        if keep is not None and leftover == keep.absolute():
            continue
        if not leftover.exists() or not _owner_gone(leftover):
            continue
        if leftover.name.endswith(_OLD) and not out.exists():
            token = leftover.name[len(prefix):-len(_OLD)]
            complete = out.parent / f"{prefix}{token}{_STAGING}.complete"
            staged = out.parent / f"{prefix}{token}{_STAGING}"
            if complete.exists() and staged.is_dir():
                os.rename(staged, out)
            else:
                os.rename(leftover, out)
                continue
        shutil.rmtree(leftover, ignore_errors=True)
        _owner_file(leftover).unlink(missing_ok=True)
        removed.append(leftover)
    for marker in out.parent.glob(f"{_glob_escape(prefix)}*{_STAGING}.complete"):
        if not marker.with_name(marker.name[:-len(".complete")]).exists():
            marker.unlink(missing_ok=True)
    for owner in out.parent.glob(f"{_glob_escape(prefix)}*{_STAGING}{_OWNER}"):
        # An owner killed between removing its staging folder and its owner file.
        if not owner.with_name(owner.name[:-len(_OWNER)]).exists() and _owner_file_free(
                owner.with_name(owner.name[:-len(_OWNER)])):
            owner.unlink(missing_ok=True)
    return removed


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _owner_file(stage: Path) -> Path:
    return stage.with_name(stage.name + _OWNER)


def _owner_gone(folder: Path) -> bool:
    """Whether no live process holds the lock of a staging folder (or of an old version left
    by a switch cut between its renames); call it holding the output folder's lock.

    Where the file system cannot lock a folder (an NFS or SMB mount) a staging folder's owner
    holds a record lock on its ``.owner`` file instead; a staging folder without one is kept
    (its owner may be about to make it). An old version is left only by a switch, which runs
    under the output folder's lock: held by the caller, so its owner is gone.
    """
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if not folder_lock_unsupported(error):
            return False
        return _owner_file_free(folder)
    finally:
        os.close(handle)
    return True


def _owner_file_free(folder: Path) -> bool:
    """:func:`_owner_gone` where folders cannot be locked."""
    if folder.name.endswith(_OLD):
        return True
    owner = _owner_file(folder)
    if not owner.is_file():
        return False
    try:
        with hold_file_lock(owner, wait=False):
            return True
    except OSError:
        return False


def _complete(stage: Path, out: Path, written: set[Path], removed: set[Path] = frozenset()
              ) -> list[Path]:
    """Make ``stage`` the whole new version of ``out``; returns the backups made (relative).

    Files of ``out`` that this run does not write are linked in; a written file identical to
    the old one is replaced by the old one (it keeps its time stamps); a different old file,
    or one the run removes, is linked in as its next numbered backup. So is whatever stands
    where the run writes and is not a file of the same kind: a link (kept as a link; what it
    points to is never touched), a folder where a file goes, a file where a folder goes.
    """
    replaced = []
    in_the_way = []
    for root, folders, files in os.walk(out):
        here = Path(root)
        rel_root = here.relative_to(out)
        descend = []
        for name in folders:
            source = here / name
            target = stage / rel_root / name
            if os.path.lexists(target) and (source.is_symlink() or not target.is_dir()):
                in_the_way.append(rel_root / name)
            elif rel_root / name in removed and not os.path.lexists(target):
                replaced.append(rel_root / name)  # kept whole as its backup, not linked in
            elif source.is_symlink():
                _copy_link(source, target)
            else:
                if not target.exists():
                    target.mkdir()
                    set_mode(target, stat.S_IMODE(source.stat().st_mode))
                descend.append(name)
        folders[:] = descend
        for name in files:
            source = here / name
            rel = rel_root / name
            target = stage / rel
            if source.is_symlink() or not source.is_file() or target.is_dir():
                if os.path.lexists(target):
                    if source.is_symlink() or source.is_file():
                        in_the_way.append(rel)
                elif source.is_symlink():
                    _copy_link(source, target)
                continue
            if rel in removed and rel not in written:
                replaced.append(rel)
            elif rel not in written:
                _link(source, target)
            elif _same_bytes(source, target):
                target.unlink()
                _link(source, target)
            else:
                replaced.append(rel)
    backups = []
    for rel in replaced + in_the_way:
        backup = backup_path(stage / rel)
        _keep_entry(out / rel, backup)
        backups.append(backup.relative_to(stage))
    return backups


def _keep_entry(source: Path, backup: Path) -> None:
    """``backup`` holds what ``source`` is: the same link, the same bytes, the same folder."""
    if source.is_symlink():
        _copy_link(source, backup)
    elif source.is_dir():
        shutil.copytree(source, backup, symlinks=True,
                        copy_function=lambda file, copy: _link(Path(file), Path(copy)))
    else:
        _link(source, backup)


def _link(source: Path, target: Path) -> None:
    """``target`` names the same bytes as ``source`` (a hard link; a copy where none can be)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        copy_file(source, target)


def _copy_link(source: Path, target: Path) -> None:
    if not os.path.lexists(target):
        os.symlink(os.readlink(source), target)


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as left, open(b, "rb") as right:
        while True:
            chunk = left.read(1 << 16)
            if chunk != right.read(1 << 16):
                return False
            if not chunk:
                return True


def _switch(stage: Path, out: Path) -> None:
    """Put ``stage`` in the place of ``out``; the old version ends up at ``stage``'s path."""
    if _exchange(stage, out):
        return
    # Two renames where the system cannot exchange two folders. The marker tells a later
    # run that the staging folder is whole, so it can finish a switch cut in between.
    old = stage.with_name(stage.name[:-len(_STAGING)] + _OLD)
    marker = stage.with_name(stage.name + ".complete")
    marker.touch()
    sync_folder(stage.parent)
    os.rename(out, old)
    os.rename(stage, out)
    os.rename(old, stage)
    marker.unlink(missing_ok=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux ``renameat2``); False where that cannot be done."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


_RENAMEAT2: list = []


def _renameat2():
    if not _RENAMEAT2:
        try:
            function = ctypes.CDLL(None, use_errno=True).renameat2
            function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                 ctypes.c_uint]
            function.restype = ctypes.c_int
        except (AttributeError, OSError):
            function = None
        _RENAMEAT2.append(function)
    return _RENAMEAT2[0]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
