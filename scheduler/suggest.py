"""Suggestions for a misspelt name: the one home of "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean"]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest candidates to ``word``, or ``""`` when none is close.

    Parameters
    ----------
    word
        What was written.
    candidates
        The names that would have been accepted.

    Returns
    -------
    str
        ``" (did you mean `x`?)"`` or ``" (did you mean `x` or `y`?)"``, or ``""``.
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = word.casefold()
    if folded in by_folded and by_folded[folded] != word:
        return f" (did you mean `{by_folded[folded]}`? names are case-sensitive)"
    close = difflib.get_close_matches(folded, list(by_folded), n=2, cutoff=0.6)
    if not close:
        return ""
    names = " or ".join(f"`{by_folded[name]}`" for name in close)
    return f" (did you mean {names}?)"
