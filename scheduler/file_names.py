"""File names made from ids (``invites/<id>.ics``, ``guests/<id>.pdf``): safe on every system.

Every writer and every face that names or looks up such a file calls :func:`safe_file_name`,
so the name an export writes is the name a link, a listing or ``changes.md`` shows.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["WINDOWS_DEVICE_NAMES", "safe_file_name"]

WINDOWS_DEVICE_NAMES = ("CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)),
                        *(f"LPT{n}" for n in range(10)))
"""Names Windows gives to devices, in any case and whatever extension follows them
(``con.ics`` is the console): a file of that name cannot be created or opened there."""

# A device name, or one with underscores already added: each gets one more, so the renaming
# stays one to one (`con` → `con_`, and an id `con_` → `con__`).
_DEVICE_STEM = re.compile(rf"^(?:{'|'.join(WINDOWS_DEVICE_NAMES)})_*$", re.IGNORECASE)


def safe_file_name(text: str, suffix: str = ".ics") -> str:
    """A file or resource name for ``text`` that stays in its folder and opens on every system.

    Anything but letters, digits, ``-``, ``_``, ``.`` and ``~`` is percent-encoded, and so is
    a leading dot, so ``../x`` or ``.hidden`` stay plain names inside the folder. A name whose
    part before the first dot is a Windows device name (``CON``, ``lpt1``; see
    :data:`WINDOWS_DEVICE_NAMES`) gets an underscore after that part (``CON_.ics``,
    ``lpt1_.v2.ics``), as does one that is already such a name followed by underscores, so
    two texts never share a name. A trailing dot, which Windows drops, is percent-encoded.

    Parameters
    ----------
    text
        The id (or any text) the file is named after.
    suffix
        What follows the name: ``.ics``, ``.pdf``, or nothing.

    Returns
    -------
    str
        ``"psoe.ics"`` for ``"psoe"``; ``"con_.ics"`` for ``"con"``.
    """
    name = quote(text, safe="")
    if name.startswith("."):
        name = "%2E" + name[1:]
    stem, dot, rest = name.partition(".")
    if _DEVICE_STEM.match(stem):
        name = f"{stem}_{dot}{rest}"
    name += suffix
    if name.endswith("."):
        name = name[:-1] + "%2E"
    return name
