"""The workspace: a folder of tour folders, the same files the command line reads and writes.

A tour's id is its folder's name; its outputs go to ``<tour>/out/`` (``plan.json``, the
exports, ``versions/``), so ``scheduler replan <tour>/out/plan.json -o <tour>/out`` works on
the same tour. Uploaded zips are unpacked only when no entry can land outside the new folder.
"""

from __future__ import annotations

import io
import re
import shutil
import stat
import tempfile
import threading
import tomllib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import app

__all__ = ["TourInfo", "UnsafeUpload", "Workspace", "valid_tour_id"]

_TOUR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ZIP_MAX_ENTRIES = 200
_ZIP_MAX_BYTES = 50 * 1024 * 1024


class UnsafeUpload(ValueError):
    """An upload the workspace refuses (an entry outside the folder, a link, not a tour)."""


def valid_tour_id(text: str) -> bool:
    """Whether ``text`` can be a tour id (a folder name without path parts)."""
    return bool(_TOUR_ID.match(text)) and text not in {".", ".."}


@dataclass(frozen=True)
class TourInfo:
    """A tour of the workspace as the tours list shows it."""

    id: str
    name: str
    path: Path
    planned: bool

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "planned": self.planned}


class Workspace:
    """The tour folders under ``root``.

    The web app's handlers run in a thread pool, so two organizers can create tours at the
    same moment: choosing a new tour's id and creating its folder happen together under a
    lock, and two tours given one name become ``name`` and ``name-2``, never one folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self._creating = threading.Lock()

    # ----------------------------------------------------------------- finding tours

    def tours(self) -> list[TourInfo]:
        """Every tour folder (a folder with ``tour.toml``), by name."""
        found = []
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and valid_tour_id(folder.name) and (folder / "tour.toml").is_file():
                found.append(self.info(folder.name))
        return sorted(found, key=lambda tour: tour.name.lower())

    def info(self, tour_id: str) -> TourInfo:
        """One tour's id, name and whether it has a plan."""
        folder = self.tour_dir(tour_id)
        name = tour_id
        try:
            frame = app.parse_toml((folder / "tour.toml").read_text(encoding="utf-8"))
            name = str(frame.get("tour", {}).get("name") or tour_id)
        except (OSError, tomllib.TOMLDecodeError, AttributeError, UnicodeDecodeError):
            pass
        return TourInfo(tour_id, name, folder, self.plan_path(tour_id).is_file())

    def exists(self, tour_id: str) -> bool:
        """Whether ``tour_id`` names a tour folder of this workspace."""
        return valid_tour_id(tour_id) and (self.root / tour_id / "tour.toml").is_file()

    def tour_dir(self, tour_id: str) -> Path:
        """The folder of a tour.

        Raises
        ------
        KeyError
            When there is no such tour (or the id could name something outside the workspace).
        """
        if not self.exists(tour_id):
            raise KeyError(tour_id)
        return self.root / tour_id

    def out_dir(self, tour_id: str) -> Path:
        """Where a tour's plan and exports go."""
        return self.tour_dir(tour_id) / "out"

    def plan_path(self, tour_id: str) -> Path:
        """The tour's current plan file (it may not exist yet)."""
        return self.out_dir(tour_id) / "plan.json"

    def output_file(self, tour_id: str, name: str) -> Path:
        """A file of the tour's outputs by its relative name.

        Raises
        ------
        KeyError
            When the name is not a plain file inside ``out/`` (``..``, hidden, a backup).
        """
        parts = PurePosixPath(name).parts
        if (not parts or PurePosixPath(name).is_absolute()
                or any(part in {"", ".", ".."} or part.startswith(".") or "~" in part for part in parts)):
            raise KeyError(name)
        out = self.out_dir(tour_id).resolve()
        path = (out / Path(*parts)).resolve()
        if not path.is_relative_to(out) or not path.is_file():
            raise KeyError(name)
        return path

    # ----------------------------------------------------------------- new tours

    def unique_id(self, wanted: str) -> str:
        """``wanted`` made a valid id not yet used (``-2``, ``-3``, ... appended when needed)
        that names a folder on every system (``CON`` becomes ``CON_``)."""
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", wanted).strip("-._")[:56] or "tour"
        base = app.safe_file_name(base, "")
        candidate, number = base, 2
        while (self.root / candidate).exists():
            candidate, number = f"{base}-{number}", number + 1
        return candidate

    def add_example(self, which: str = "spain") -> str:
        """Copy a bundled example tour into the workspace; its new id.

        ``which`` is ``spain`` (one guest in Madrid and Barcelona) or ``delegation`` (three
        guests in Brussels with an interpreter and a car).
        """
        source = app.delegation_example() if which == "delegation" else app.demo_tour()
        with self._creating:
            tour_id = self.unique_id(source.name)
            shutil.copytree(source, self.root / tour_id,
                            ignore=shutil.ignore_patterns("out", "README.md", ".*"))
        return tour_id

    def add_from_frame(self, wanted_id: str, frame: dict, requests_csv: bytes | None = None) -> str:
        """A new tour folder from a frame (and a requests spreadsheet); its id."""
        with self._creating:
            tour_id = self.unique_id(wanted_id)
            app.new_tour_folder(self.root / tour_id, frame, requests_csv)
        return tour_id

    def add_from_zip(self, data: bytes, wanted_id: str | None = None) -> str:
        """Unpack a zipped tour folder into a new tour; its id.

        Every entry must be a plain file or folder whose path stays inside the new folder
        (no absolute path, no ``..``, no link); one top folder around everything is dropped.

        Raises
        ------
        UnsafeUpload
            When the zip is not readable, too large, escapes, or holds no ``tour.toml``.
        """
        entries = _safe_entries(data)
        names = [parts for parts, _ in entries]
        tops = {parts[0] for parts in names}
        strip = len(tops) == 1 and all(len(parts) > 1 for parts in names)
        if not any((parts[1:] if strip else parts) == ("tour.toml",) and not info.is_dir()
                   for parts, info in entries):
            raise UnsafeUpload("the zip has no tour.toml at its top (a tour folder holds tour.toml "
                               "and requests.csv)")
        with tempfile.TemporaryDirectory(prefix=".upload-", dir=self.root) as scratch:
            staging = Path(scratch) / "tour"
            staging.mkdir()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for parts, info in entries:
                    inner = parts[1:] if strip else parts
                    if not inner or info.is_dir():
                        continue
                    target = staging.joinpath(*inner)
                    if not target.resolve().is_relative_to(staging.resolve()):
                        raise UnsafeUpload(f"the zip entry {info.filename!r} leaves its folder")
                    try:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with archive.open(info) as source, open(target, "wb") as sink:
                            shutil.copyfileobj(source, sink)
                    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
                        # An entry that unpacks to other bytes than its header says (a CRC
                        # or a size that does not match: how a zip bomb hides) is not used.
                        raise UnsafeUpload(f"the zip is damaged at the entry {info.filename!r} "
                                           f"({error})") from None
                    except OSError as error:
                        raise UnsafeUpload(f"the zip entry {info.filename!r} cannot be unpacked: "
                                           f"{error.strerror or error}") from None
                    app.set_mode(target, 0o600)  # not on a drive without modes (FAT, exFAT)
            with self._creating:
                tour_id = self.unique_id(wanted_id or (next(iter(tops)) if strip else "tour"))
                staging.rename(self.root / tour_id)
        return tour_id


def _safe_entries(data: bytes) -> list[tuple[tuple[str, ...], zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnsafeUpload("the upload is not a zip file") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > _ZIP_MAX_ENTRIES:
            raise UnsafeUpload(f"the zip holds more than {_ZIP_MAX_ENTRIES} entries")
        if sum(info.file_size for info in infos) > _ZIP_MAX_BYTES:
            raise UnsafeUpload("the zip unpacks to more than 50 MB")
        entries = []
        for info in infos:
            name = info.filename
            if _system_file(name):
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafeUpload(f"the zip entry {name!r} is a link; links are not accepted")
            if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
                raise UnsafeUpload(f"the zip entry {name!r} has an absolute or Windows path")
            parts = tuple(part for part in PurePosixPath(name).parts if part not in {"", "."})
            if any(part == ".." for part in parts):
                raise UnsafeUpload(f"the zip entry {name!r} leaves its folder ('..')")
            _check_names(name, parts)
            if parts:
                entries.append((parts, info))
        _check_layout(entries)
        return entries


#: Files the operating system adds to a folder or to a zip of it, never part of a tour:
#: macOS's resource forks and folder settings (``__MACOSX/``, ``._name``, ``.DS_Store``, a
#: folder's custom icon ``Icon\r``) and Windows's (``Thumbs.db``, ``desktop.ini``). Left
#: out of the unpacked tour, so that a zip made with the Finder or Explorer is not refused
#: for a name it holds only for the system.
_SYSTEM_FILES = {".DS_Store", "Icon\r", "Thumbs.db", "desktop.ini"}


def _system_file(name: str) -> bool:
    """Whether a zip entry is one of the operating system's own files (:data:`_SYSTEM_FILES`)."""
    if name.startswith("__MACOSX/"):
        return True
    base = PurePosixPath(name).name
    return base in _SYSTEM_FILES or base.startswith("._")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NOT_ON_WINDOWS = re.compile(r'[<>:"|?*]|[ .]$')
_DEVICE = re.compile(rf"^(?:{'|'.join(app.WINDOWS_DEVICE_NAMES)})$", re.IGNORECASE)
_PART_BYTES, _PATH_BYTES = 255, 1024


def _check_names(name: str, parts: tuple[str, ...]) -> None:
    """Refuse an entry whose name some file system cannot hold as it is: the tour folder is
    meant to be copied to any system (docs/web.md, "The workspace")."""
    if _CONTROL.search(name):
        raise UnsafeUpload(f"the zip entry {name!r} has a control character in its name")
    if (any(len(part.encode("utf-8")) > _PART_BYTES for part in parts)
            or len(name.encode("utf-8")) > _PATH_BYTES):
        raise UnsafeUpload(f"the zip entry {name[:80]!r}... has a name too long for a file system")
    for part in parts:
        if _DEVICE.match(part.split(".")[0]) or _NOT_ON_WINDOWS.search(part):
            raise UnsafeUpload(f"the zip entry {name!r} has a name Windows cannot hold (a "
                               f"device name such as CON or aux, or one of < > : \" | ? *, or "
                               f"a final dot or space)")


def _check_layout(entries) -> None:
    """Refuse a name given twice (two unpackers would take different files) and one given
    both to a file and to a folder."""
    files, folders = set(), set()
    for parts, info in entries:
        if not info.is_dir():
            if parts in files:
                raise UnsafeUpload(f"the zip holds {'/'.join(parts)!r} twice")
            files.add(parts)
        folders.update(parts[:end] for end in range(1, len(parts) if not info.is_dir() else len(parts) + 1))
    clash = files & folders
    if clash:
        raise UnsafeUpload(f"the zip has {'/'.join(sorted(clash)[0])!r} as both a file and a folder")
