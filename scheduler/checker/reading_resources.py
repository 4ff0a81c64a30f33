"""The shared resources of a plan dictionary and what requests and engagements say of them."""

from __future__ import annotations

from typing import Any

from .fields import FieldReader, Malformed, flag, items_of, known_place, required, text_of
from .plan_view import ResourceView


def read_resource(reader: FieldReader, raw: Any, path: str, places) -> ResourceView:
    """An entry of ``resources``: its id, kind, whether it travels, its place and hours."""
    hours = []
    for index, pair in enumerate(items_of(required(raw, "hours", path), f"{path}.hours")):
        where = f"{path}.hours[{index}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise Malformed(f"{where}: not a pair [start, end]")
        start, end = reader.instant(pair[0], f"{where}[0]"), reader.instant(pair[1], f"{where}[1]")
        if end <= start:
            raise Malformed(f"{where}: ends before it starts")
        hours.append((start, end))
    travels = flag(raw.get("travels", True) if isinstance(raw, dict) else None, f"{path}.travels")
    location = raw.get("location")
    if location is not None:
        location = known_place(location, f"{path}.location", places)
    elif not travels:
        raise Malformed(f"{path}.location: a resource that does not travel needs one")
    return ResourceView(text_of(required(raw, "id", path), f"{path}.id"),
                        text_of(required(raw, "kind", path), f"{path}.kind"),
                        travels, location, tuple(hours))


def read_texts(raw: Any, key: str, path: str) -> tuple[str, ...] | None:
    """The list of texts ``raw[key]`` (``needs``, ``resources``); ``None`` when absent."""
    if not isinstance(raw, dict) or key not in raw:
        return None
    return tuple(text_of(item, f"{path}.{key}[{index}]")
                 for index, item in enumerate(items_of(raw[key], f"{path}.{key}")))
