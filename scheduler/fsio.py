"""Safe file output: atomic writes, private permissions, and numbered copies of what was there."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

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


def write_atomic(path: str | os.PathLike, data: bytes | str, *, private: bool = True,
                 keep_previous: bool = True) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The data go to a temporary file in the same folder, are flushed to disk, and replace the
    target in one rename. An existing file with different content is first kept as a numbered
    backup (``name.~N~``) when ``keep_previous`` is true. ``private`` files (anything holding
    the guest's itinerary) are readable by their owner only.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    if keep_previous and target.exists():
        if target.read_bytes() == payload:
            return target
        shutil.copy2(target, backup_path(target))
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, PRIVATE_MODE if private else SHARED_MODE)
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    return target

