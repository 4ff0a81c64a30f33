"""Shared resources of a tour (an escort, an interpreter, a car, a room) and what a request needs of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from .base import Window, _check, utc

#: A need for any one resource of a kind is written ``kind:<kind>`` (``kind:interpreter``).
KIND_PREFIX = "kind:"
_WORD = re.compile(r"^[A-Za-z0-9_\-]+$")


@dataclass(frozen=True, slots=True)
class Resource:
    """Someone or something an engagement may need besides the guest (tour.toml ``[[resources]]``).

    ``hours`` are when the resource can be used, sorted and apart: an engagement that uses
    it lies, set-up included, inside one of them. A resource that ``travels`` (an escort, an
    interpreter, a car) goes with whoever uses it; one that does not (a room) stays at its
    ``location``, which it must then have.
    """

    id: str
    name: str
    kind: str
    hours: tuple[Window, ...]
    travels: bool = True
    location: str | None = None

    def __post_init__(self) -> None:
        _check(bool(_WORD.match(self.id or "")), f"resource {self.id!r}: the id is letters, digits, - and _")
        _check(bool(_WORD.match(self.kind or "")), f"resource {self.id}: the kind is one word")
        _check(self.travels or self.location is not None,
               f"resource {self.id}: a resource that does not travel needs a location")
        hours = tuple(sorted(self.hours, key=lambda window: utc(window.start)))
        for before, after in zip(hours, hours[1:]):
            _check(utc(before.end) <= utc(after.start), f"resource {self.id}: its hours overlap")
        object.__setattr__(self, "hours", hours)

    @property
    def label(self) -> str:
        """The name people know it by: its name, or its id when it has none."""
        return self.name or self.id

    def holds(self, start: datetime, end: datetime) -> bool:
        """Whether ``start`` to ``end`` lies inside one stretch of its hours."""
        return any(window.contains(start, end) for window in self.hours)


def need_kind(need: str) -> str | None:
    """The kind a ``kind:<kind>`` need asks for; ``None`` for a need of one resource by id."""
    return need[len(KIND_PREFIX):] if need.startswith(KIND_PREFIX) else None


def check_need(need: str) -> None:
    """Raise :class:`DomainError` unless ``need`` is a resource id or ``kind:<kind>``."""
    kind = need_kind(need)
    _check(bool(_WORD.match(kind if kind is not None else need)),
           f"need {need!r} is neither a resource id nor kind:<kind>")


def need_candidates(need: str, resources: Iterable[Resource], place: str | None) -> tuple[Resource, ...]:
    """The resources that can meet ``need`` for an engagement at ``place`` (``None``: remote),
    in the tour's order: the one named, or every one of the kind; a resource that does not
    travel only at its own place or for a remote engagement."""
    kind = need_kind(need)
    matching = [r for r in resources if (r.kind == kind if kind is not None else r.id == need)]
    return tuple(r for r in matching if r.travels or place is None or r.location == place)
