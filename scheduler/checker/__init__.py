"""An independent checker of a plan file: every rule of docs/plan-format.md, from the JSON alone.

It shares no code with the solver's model, the domain, the input reader or the plan file
reader, on purpose: a bug there must not hide a bug here. It reads the dictionary
``json.loads`` gives, imports only the standard library and its own modules (a test holds it
to that), expands the windows from the text the user wrote with its own small reader,
compares instants (through UTC, never the wall-clock readings of two times) and reports every
broken rule in plain words, naming the request and the times.

A plan whose shape is wrong (a missing field, a time that does not parse) is reported with
``schema`` violations only: the other rules cannot be judged on a broken file.

A re-planned plan carries the moment of its last re-plan (``now`` of the last entry of
``history``). A travel leg that departed before that moment is history: when it leads to a
place where nothing happens next (the engagement it was heading for was cancelled or moved),
its arrival is a *stop-over* anchor of the day, and the next leg leaves from there.
"""

from __future__ import annotations

from .report import CHECKS, assert_valid, check_plan, check_plan_file, describe
from .violations import RULES, SCHEMA_VERSION, UNSCHEDULED_CODES, Violation

__all__ = ["CHECKS", "RULES", "SCHEMA_VERSION", "UNSCHEDULED_CODES", "Violation", "assert_valid",
           "check_plan", "check_plan_file", "describe"]
