"""The exceptions the library raises; the command line turns them into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass

#: Why the package does not run on Windows itself: every write takes POSIX file locks
#: (``fcntl.flock``) and switches output folders with POSIX renames. Said when the writers are
#: imported there (:mod:`scheduler.fsio`) and by the command line before any command runs.
POSIX_ONLY = ("scheduler runs on Linux and macOS; on Windows, run it inside WSL (the Windows "
              "Subsystem for Linux): its all-or-nothing writes need POSIX file locks")


class SchedulerError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True, slots=True)
class InputIssue:
    """One problem found in the input: where it is and what is wrong.

    Attributes
    ----------
    file
        The file name (relative to the tour folder where possible).
    line
        The 1-based line number, or ``None`` when the problem is about the whole file.
    field
        The column or key the problem is about, or ``None``.
    message
        What is wrong, in plain words, with a hint where one helps.
    sheet
        The sheet of a workbook (``.xlsx``, ``.ods``) the problem is in, ``None`` for a text
        file. In a workbook, ``line`` is the row number the spreadsheet shows (header = 1).
    """

    file: str
    line: int | None
    field: str | None
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            # Spreadsheet users know rows and columns, not lines:
            # requests.xlsx, sheet "requests", row 7, column duration: ...
            where = f'{self.file}, sheet "{self.sheet}"'
            if self.line is not None:
                where += f", row {self.line}"
            if self.field:
                where += f", column {self.field}"
            return f"{where}: {self.message}"
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}"


class InputError(SchedulerError):
    """The input is invalid; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[InputIssue] | tuple[InputIssue, ...]):
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the input"
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))


class InfeasibleError(SchedulerError):
    """No plan satisfies every hard rule (for example two mandatory requests that collide).

    Attributes
    ----------
    conflicts
        One line per reason, for people.
    request_ids
        The mandatory requests the engine found in conflict (dropping any one makes the rest
        fit), when it searched for them; empty otherwise. The diagnosis reuses them instead
        of searching again.
    """

    def __init__(self, message: str, conflicts: tuple[str, ...] = (),
                 request_ids: tuple[str, ...] = ()):
        self.conflicts = tuple(conflicts)
        self.request_ids = tuple(request_ids)
        super().__init__(message)


class OutputFolderError(SchedulerError):
    """The output folder cannot be one: a file, or a link to nothing (nothing was written)."""


class PlanFileError(SchedulerError):
    """A plan file cannot be read: not JSON, a schema it does not know, or missing fields."""


class PlanChanged(SchedulerError):
    """A new version made from a plan that is no longer the current one: someone else
    accepted, restored or planned in between (nothing was written)."""

    def __init__(self, out_dir, expected: str, current: str, *, message: str | None = None):
        self.out_dir, self.expected, self.current = out_dir, expected, current
        #: The message given for this case, if any (else the general one below).
        self.said = message
        super().__init__(message or f"someone else changed the plan in {out_dir} after this change "
                         f"was made from it, and writing it would undo theirs; nothing was "
                         f"written. Look at the current plan and make the change again.")


def first_line(error: BaseException) -> str:
    """An error's message cut to its first line, for a one-line note (its type's name when it
    has no message)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
