"""Safe file output: atomic writes of one file, private permissions, numbered copies of what was
there. Whole output folders change all at once through :mod:`scheduler.staging`.

What a reader of a file can see, whatever happens to the writing process (an error, Ctrl-C,
a crash): the file whole, old or new, never half; no temporary file left beside it, except
after a hard kill (a file named ``.<name>.*.tmp``). A file holding the guest's itinerary is
readable by its owner only from the moment it exists.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import POSIX_ONLY

try:
    import fcntl
except ModuleNotFoundError:  # Windows: no fcntl
    raise ImportError(POSIX_ONLY) from None

__all__ = ["FALLBACK_LOCK_NAME", "PRIVATE_MODE", "SHARED_MODE", "backup_path", "copy_file",
           "file_lock", "folder_lock", "folder_lock_unsupported", "hold_file_lock",
           "remove_old_lock_files", "set_mode", "sync_folder", "write_atomic"]

#: The lock file of a folder whose file system cannot lock the folder itself (an NFS or SMB
#: mount): see :func:`folder_lock`. Hidden, and left in the folder.
FALLBACK_LOCK_NAME = ".scheduler.lock"

#: What ``flock`` on a folder fails with where the file system cannot lock one, rather than
#: because another holder has it: Linux emulates ``flock`` on NFS (and on SMB mounts) with
#: record locks, which need a file open for writing, and a folder cannot be (``EBADF``);
#: other file systems have no locks at all (``ENOLCK``, ``EOPNOTSUPP``, ``ENOSYS``, ``EINVAL``).
_NO_FOLDER_LOCK = frozenset({errno.EBADF, errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP,
                             errno.ENOSYS, errno.EINVAL})

PRIVATE_MODE = 0o600
SHARED_MODE = 0o644


def backup_path(path: Path) -> Path:
    """The first free numbered backup name for ``path``: ``name.~1~``, ``name.~2~``, ..."""
    number = 1
    while True:
        candidate = path.with_name(f"{path.name}.~{number}~")
        if not candidate.exists():
            return candidate
        number += 1


#: What ``chmod`` of a file or folder we made fails with on a file system that keeps no
#: permissions (FAT and exFAT, as on most USB sticks; some network shares): ``EPERM`` from
#: Linux's own drivers, ``ENOSYS`` or ``EOPNOTSUPP`` from others.
_NO_MODES = frozenset({errno.EPERM, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP})


def set_mode(path: str | os.PathLike, mode: int) -> bool:
    """Give ``path`` (a file or folder this process made) the permission bits ``mode``;
    False, and nothing raised, where its file system keeps no permissions (FAT and exFAT:
    there every file is readable as the whole drive is, whatever we ask)."""
    try:
        os.chmod(path, mode)
    except OSError as error:
        if error.errno not in _NO_MODES:
            raise
        return False
    return True


def copy_file(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Copy ``source``'s bytes to ``target``, then its mode and times where the file system
    keeps them (:func:`shutil.copy2`, which stops at the first of these it cannot set)."""
    shutil.copyfile(source, target)
    try:
        shutil.copystat(source, target)
    except OSError as error:
        if error.errno not in _NO_MODES:
            raise


def folder_lock_unsupported(error: OSError) -> bool:
    """Whether ``flock`` on a folder failed because its file system cannot lock a folder
    (an NFS or SMB mount), not because another holder has the lock."""
    return error.errno in _NO_FOLDER_LOCK


@contextmanager
def folder_lock(folder: str | os.PathLike) -> Iterator[None]:
    """Hold the lock of ``folder`` (``flock`` on a descriptor of the folder itself) inside
    the block.

    A second holder waits until the first leaves: another process, or another thread of this
    one (each opens the folder on its own, and ``flock`` locks belong to the open file, not to
    the process). So the same thread must not take the lock of one folder twice, nested: it
    would wait for itself.

    We lock the folder rather than a ``.<name>.lock`` file beside what is guarded because
    such a file stays in the user's folder for good (it cannot be removed: two holders could
    then lock two different files), where it turns up in listings, in a zip of the folder, in
    a copy sent to someone. A folder is never removed or replaced while it is locked, so all
    holders lock the same one. ``flock`` on a folder works on Linux and macOS local file
    systems (the staging of output folders relies on it too). On an NFS or SMB mount Linux
    emulates ``flock`` with record locks, which need a file open for writing, so a folder
    cannot be locked there: then, and only then, the lock is a record lock on a file in the
    folder, :data:`FALLBACK_LOCK_NAME`, which stays there (:func:`hold_file_lock`; record
    locks are what NFS and SMB servers share between machines).
    """
    handle = os.open(Path(folder), os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
    except OSError as error:
        os.close(handle)
        if not folder_lock_unsupported(error):
            raise
        with hold_file_lock(Path(folder) / FALLBACK_LOCK_NAME):
            yield
        return
    try:
        yield
    finally:
        os.close(handle)


#: The record locks this process holds or waits for, by the real path of their file: the
#: thread lock that makes the threads of this process take turns at it (see hold_file_lock)
#: and how many threads hold or wait for it (an entry goes when none does: each staging
#: folder's owner file has a name of its own, and a server runs for months).
_RECORD_LOCKS: dict[str, list] = {}
_RECORD_LOCKS_GUARD = threading.Lock()


@contextmanager
def hold_file_lock(path: str | os.PathLike, *, wait: bool = True) -> Iterator[int]:
    """Hold a POSIX record lock (``lockf``) on the whole of the file ``path``, made when
    missing (empty, owner-only), inside the block; yields its descriptor.

    Record locks belong to the process, not to the open file: two threads of one process
    would both get it, and closing any descriptor of the file releases it. So the threads of
    this process first take turns at a thread lock of that file, and only the holder opens
    it. With ``wait`` False, :class:`BlockingIOError` is raised at once when another holder
    (a thread of this process, or another process) has it.
    """
    key = os.path.realpath(path)
    with _RECORD_LOCKS_GUARD:
        entry = _RECORD_LOCKS.setdefault(key, [threading.Lock(), 0])
        entry[1] += 1
    turn = entry[0]
    try:
        if not turn.acquire(blocking=wait):
            raise BlockingIOError(errno.EWOULDBLOCK, "the lock is held", str(path))
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
            try:
                try:
                    fcntl.lockf(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as error:
                    if error.errno in (errno.EACCES, errno.EAGAIN):  # LOCK_NB: another holder
                        raise BlockingIOError(errno.EWOULDBLOCK, "the lock is held",
                                              str(path)) from None
                    raise
                yield handle
            finally:
                os.close(handle)
        finally:
            turn.release()
    finally:
        with _RECORD_LOCKS_GUARD:
            entry[1] -= 1
            if entry[1] == 0:
                del _RECORD_LOCKS[key]


@contextmanager
def file_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold the lock that guards ``path``: the lock of its folder (:func:`folder_lock`),
    so no lock file is left beside it. Two files of one folder share the lock: one is
    never locked while the other is held by the same thread."""
    with folder_lock(Path(path).absolute().parent):
        yield


def remove_old_lock_files(*guarded: str | os.PathLike) -> list[Path]:
    """Remove the lock files that the code before :func:`folder_lock` left beside each
    ``guarded`` path (``.tour.toml.lock`` beside ``tour.toml``, ``.out.lock`` beside an
    output folder ``out``); returns those removed.

    That code locked ``.<name>.lock`` beside what it guarded, created empty and never
    removed. Only a file of exactly that name that is an empty regular file goes: never a
    link, a folder, or a file with content (then it is not one of ours). Call it holding
    the folder's lock. Errors are ignored (a read-only folder, another process removing it
    first): the file is only clutter, and the save or commit that calls this has succeeded.
    """
    removed = []
    for path in guarded:
        target = Path(path).absolute()
        lock = target.parent / f".{target.name}.lock"
        try:
            info = os.lstat(lock)
            if not stat.S_ISREG(info.st_mode) or info.st_size != 0:
                continue
            os.unlink(lock)
        except OSError:
            continue
        removed.append(lock)
    return removed


def _keep_copy(target: Path) -> Path:
    """Keep the current ``target`` as its next numbered backup, atomically.

    A hard link names the same bytes without copying them, so the backup is whole the moment
    it exists (and keeps the file's mode). Where links are not allowed, a copy is made under a
    temporary name and renamed into place.
    """
    backup = backup_path(target)
    try:
        os.link(target, backup)
        return backup
    except OSError:
        pass
    handle, temp_name = tempfile.mkstemp(prefix=f".{backup.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream, open(target, "rb") as source:
            shutil.copyfileobj(source, stream)
            stream.flush()
            os.fsync(stream.fileno())
        set_mode(temp_name, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp_name, backup)
    except BaseException:
        _remove(Path(temp_name))
        raise
    return backup


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); a no-op where folders cannot be opened."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _replace_keeping_previous(source: Path, target: Path, keep_previous: bool) -> None:
    """Rename ``source`` over ``target``; a different old ``target`` is kept as a backup."""
    backup = _keep_copy(target) if keep_previous and target.exists() else None
    try:
        os.replace(source, target)
    except BaseException:
        if backup is not None:
            _remove(backup)  # the old file is still in place: its copy would only be clutter
        raise


def write_atomic(path: str | os.PathLike, data: bytes | str, *, private: bool = True,
                 keep_previous: bool = True) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The data go to a temporary file in the same folder (created readable by its owner only),
    are flushed to disk, get their final mode, and replace the target in one rename. An
    existing file with different content is first kept as a numbered backup (``name.~N~``)
    when ``keep_previous`` is true; one with the same content is left untouched. If anything
    fails or is interrupted, the temporary file is removed and the old file stays as it was.

    Parameters
    ----------
    path
        The file to write.
    data
        The content; text is written as UTF-8.
    private
        Readable by its owner only (0600): anything holding the guest's itinerary.
        Otherwise 0644 (invitations, meant to be sent).
    keep_previous
        Keep a different old file as ``name.~N~``.

    Returns
    -------
    Path
        ``path``.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    if keep_previous and target.exists() and target.read_bytes() == payload:
        return target
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        set_mode(temp, PRIVATE_MODE if private else SHARED_MODE)
        _replace_keeping_previous(temp, target, keep_previous)
    except BaseException:
        _remove(temp)
        raise
    sync_folder(target.parent)
    return target
