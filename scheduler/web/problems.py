"""How many of a refused input's problems the web app sends back, on a page or from the API.

A file made to break the reader can have a hundred thousand problems (a CSV of 100,000 bad
rows): a page or a JSON answer listing them all would weigh tens of megabytes. Both show the
first :data:`PROBLEMS_SHOWN`; a page adds a line saying how many more there are, the API the
total under ``<key>_total``. ``scheduler check`` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import formatting

__all__ = ["PROBLEMS_SHOWN", "first_problems", "problem_list"]

#: How many problems a page or an API answer lists.
PROBLEMS_SHOWN = 50


def first_problems(problems: Iterable[Any] | None) -> list[str]:
    """The first :data:`PROBLEMS_SHOWN` problems, and a line saying how many more there are
    (what a page shows)."""
    problems = list(problems or ())
    if len(problems) <= PROBLEMS_SHOWN:
        return problems
    hidden = len(problems) - PROBLEMS_SHOWN
    return problems[:PROBLEMS_SHOWN] + [
        f"… and {formatting.format_number(hidden)} more problems not shown here; fix these first "
        f"(`scheduler check` lists them all)."]


def problem_list(key: str, problems: Iterable[Any] | None) -> dict[str, Any]:
    """The JSON fields of an API answer for a list of problems: ``key`` holds the first
    :data:`PROBLEMS_SHOWN` (as text), ``<key>_total`` how many there are in all."""
    problems = list(problems or ())
    return {key: [str(problem) for problem in problems[:PROBLEMS_SHOWN]],
            f"{key}_total": len(problems)}
