"""Collects input problems so that a reader can report every one of them at once."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from scheduler.errors import InputError, InputIssue
from scheduler.suggest import did_you_mean  # re-exported: the readers import it from here

__all__ = ["IssueLog", "Suggester", "did_you_mean", "printable"]

# Fuzzy matching is the slow part of reporting an unknown name; past this many distinct
# unknown names per list, a huge broken file is reported without suggestions.
_MAX_SUGGESTED_NAMES = 500
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def printable(text: str) -> str:
    """``text`` on one line with every control character made visible (``\\n``, ``\\x1b``).

    Messages quote cells, and a cell may hold a line break or a terminal escape sequence: a
    problem must stay one line of the list, and must not drive the terminal that shows it.
    """
    if text.isprintable():
        return text
    # Spaces of any width are harmless; controls, line and paragraph separators and format
    # characters (zero-width, right-to-left overrides) are shown as escapes.
    return "".join(char.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(char) in _HIDDEN else char for char in text)


class IssueLog:
    """An ordered list of :class:`~scheduler.errors.InputIssue` that grows while files are read."""

    def __init__(self) -> None:
        self._issues: list[InputIssue] = []
        self._sheets: dict[str, str] = {}

    def read_from_sheet(self, file: str, sheet: str) -> None:
        """Say that ``file`` is a workbook read from ``sheet``: its problems name the sheet.

        The readers of the tables report problems by file name and line whatever the file
        is; a workbook's problems then read ``requests.xlsx, sheet "requests", row 7``.
        """
        self._sheets[file] = printable(sheet)

    def add(self, file: str, line: int | None, field: str | None, message: str) -> None:
        """Record one problem (see :func:`printable` for what happens to the message)."""
        self._issues.append(InputIssue(file, line, field, printable(message), self._sheets.get(file)))

    def extend(self, issues: Iterable[InputIssue]) -> None:
        """Record problems found elsewhere."""
        self._issues.extend(issues)

    @property
    def issues(self) -> tuple[InputIssue, ...]:
        """The problems recorded so far, in the order found."""
        return tuple(self._issues)

    def __len__(self) -> int:
        return len(self._issues)

    def raise_if_any(self, file_order: Sequence[str] = ()) -> None:
        """Raise one :class:`~scheduler.errors.InputError` holding every problem, if there are any.

        Parameters
        ----------
        file_order
            File names in the order their problems are listed; problems of other files come
            after them. Within a file, problems are listed by line (whole-file ones first),
            then in the order found.
        """
        if not self._issues:
            return
        rank = {name: position for position, name in enumerate(file_order)}
        ordered = sorted(self._issues, key=lambda issue: (
            rank.get(issue.file, len(rank)), issue.file if issue.file not in rank else "",
            issue.line or 0))
        raise InputError(ordered)


class Suggester:
    """:func:`did_you_mean` over one fixed list of names, remembering its answers."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self._candidates = tuple(candidates)
        self._hints: dict[str, str] = {}

    def hint(self, word: str) -> str:
        """The hint for ``word`` (see :func:`did_you_mean`)."""
        if word not in self._hints:
            if len(self._hints) >= _MAX_SUGGESTED_NAMES:
                return ""
            self._hints[word] = did_you_mean(word, self._candidates)
        return self._hints[word]
