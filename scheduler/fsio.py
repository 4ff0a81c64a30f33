"""Safe file output: atomic writes, private permissions, numbered copies of what was there, and
output folders that change all at once or not at all.

What a reader of an output folder can see, whatever happens to the writing process (an error,
Ctrl-C, a crash): each file whole, old or new, never half; no temporary file left beside it,
except after a hard kill (a file named ``.<name>.*.tmp``, or a folder ``.<out>.*.staging``,
which the next run does not read). A file holding the guest's itinerary is readable by its
owner only from the moment it exists.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Literal

__all__ = ["PRIVATE_MODE", "SHARED_MODE", "Stage", "backup_path", "staged_output", "write_atomic"]

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
        shutil.copymode(target, temp_name)
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


def _sync_folder(folder: Path) -> None:
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
        os.chmod(temp, PRIVATE_MODE if private else SHARED_MODE)
        _replace_keeping_previous(temp, target, keep_previous)
    except BaseException:
        _remove(temp)
        raise
    _sync_folder(target.parent)
    return target


class Stage:
    """A staging folder for one set of outputs; see :func:`staged_output`.

    Attributes
    ----------
    path
        Where to write (a private folder beside the output folder), inside the ``with`` block.
    files
        After a successful ``with`` block: every file of the set at its place in the output
        folder, in a stable order (written, or already there with the same content).
    """

    def __init__(self, out_dir: str | os.PathLike) -> None:
        self.out_dir = Path(out_dir)
        self._path: Path | None = None
        self.files: list[Path] = []
        self._created: list[Path] = []

    def __enter__(self) -> Stage:
        missing = []
        for folder in (self.out_dir.parent, *self.out_dir.parent.parents):
            if folder.exists():
                break
            missing.append(folder)
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self._created = missing  # deepest first, removed on failure when still empty
        self._path = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.", suffix=".staging",
                                           dir=self.out_dir.parent))
        return self

    @property
    def path(self) -> Path:
        """The staging folder (only inside the ``with`` block)."""
        if self._path is None:
            raise RuntimeError("the stage is used outside its `with` block")
        return self._path

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> Literal[False]:
        try:
            if kind is None:
                self.files = self._commit()
        finally:
            shutil.rmtree(self.path, ignore_errors=True)
            if kind is not None:
                for folder in self._created:
                    try:
                        folder.rmdir()
                    except OSError:
                        break
        return False

    def final(self, staged: str | os.PathLike) -> Path:
        """Where a file written under :attr:`path` ends up in the output folder."""
        return self.out_dir / Path(staged).relative_to(self.path)

    def _commit(self) -> list[Path]:
        staged = sorted(p for p in self.path.rglob("*") if p.is_file())
        finals = []
        for source in staged:
            target = self.final(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() and target.read_bytes() == source.read_bytes():
                finals.append(target)
                continue
            _replace_keeping_previous(source, target, keep_previous=True)
            finals.append(target)
        for folder in sorted({target.parent for target in finals}):
            _sync_folder(folder)
        return finals


def staged_output(out_dir: str | os.PathLike) -> Stage:
    """Write a set of outputs so that ``out_dir`` changes only once all of them are written.

    Inside ``with staged_output(out) as stage:`` every file is written under ``stage.path``
    (a private folder beside ``out``). When the block ends normally each file is moved into
    ``out`` by one rename (a different old file kept as ``name.~N~``, an identical one left
    as it is) and ``stage.files`` lists them there. When the block fails or is interrupted,
    nothing in ``out`` changes, ``out`` is not even created, and the staging folder is removed.

    Parameters
    ----------
    out_dir
        The output folder (created on success when missing).

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
    return Stage(out_dir)
