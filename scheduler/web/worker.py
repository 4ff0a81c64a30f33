"""What runs in a worker process: every use case that solves or renders, never in a request handler.

Each task takes plain arguments and a ``progress`` callback and returns something that can
be pickled back (a summary, a re-plan to preview, an explanation); errors come back as a
dictionary with the message a page shows.
"""

from __future__ import annotations

import copyreg
import dataclasses
import json
import pickle
import tempfile
import traceback
import types
from pathlib import Path
from typing import Any, Callable

from .. import app
from ..errors import InfeasibleError, InputError, PlanChanged, PlanFileError

__all__ = ["TASKS", "error_record", "run_task"]

Report = Callable[[Any], None]

# Plans hold read-only mappings (``MappingProxyType``), which pickle cannot copy by itself; a
# re-plan to preview and a what-if come back from the worker as pickles, so both the worker
# and the server (which import this module) copy them as plain dictionaries made read-only again.
def read_only(mapping: dict) -> types.MappingProxyType:
    """A read-only view of ``mapping`` (how a pickled ``MappingProxyType`` comes back)."""
    return types.MappingProxyType(mapping)


copyreg.pickle(types.MappingProxyType, lambda mapping: (read_only, (dict(mapping),)))


def _params(time_limit: float, progress: Report) -> app.SolveParams:
    return app.SolveParams(time_limit=float(time_limit), seed=0, workers=2, on_progress=progress)


def plan_summary(plan) -> dict[str, Any]:
    """A few numbers about a plan, for a page or the API."""
    solver = plan.solver
    return {"engagements": len(plan.engagements), "left_out": len(plan.unscheduled),
            "value_served": solver.value_served, "value_total": solver.value_total,
            "status": solver.status, "seconds": round(solver.seconds, 2)}


def plan(tour_dir: str, out_dir: str, time_limit: float, progress: Report) -> dict[str, Any]:
    """Plan a tour folder and write its outputs."""
    outcome = app.plan_tour(tour_dir, out_dir, _params(time_limit, progress))
    return {**plan_summary(outcome.plan), "warnings": list(outcome.result.warnings),
            "skipped": list(outcome.written.skipped if outcome.written else ()),
            "notes": list(outcome.written.notes if outcome.written else ())}


def absence_tables(absent) -> str:
    """Members absent as the ``[[absent]]`` tables of a changes file (docs/replanning.md).

    Each item is a dictionary with ``guest`` and optionally ``from``, ``until`` (moments as
    ``YYYY-MM-DD HH:MM``) and ``joint`` (``continue`` or ``drop``); the changes file is how
    the command line says the same, so both are read and checked by one function.
    """
    lines = []
    for item in absent:
        lines.append("[[absent]]")
        for key in ("guest", "from", "until", "joint"):
            if item.get(key):
                lines.append(f"{key} = {json.dumps(str(item[key]), ensure_ascii=False)}")
        lines.append("")
    return "\n".join(lines)


def _changes(plan_path: str, now: str | None, cancel, pin, delay_minutes, unavailable,
             new_requests_csv: str | None, absent=()):
    current = app.load_plan(plan_path)
    with tempfile.TemporaryDirectory(prefix="scheduler-new-") as scratch:
        requests_csv = changes_file = None
        if new_requests_csv:
            requests_csv = Path(scratch) / "requests.csv"
            requests_csv.write_text(new_requests_csv, encoding="utf-8")
        if absent:
            changes_file = Path(scratch) / "changes.toml"
            changes_file.write_text(absence_tables(absent), encoding="utf-8")
        changes, moment = app.read_replan_changes(
            current, cancel=cancel, pin=pin, delay_minutes=delay_minutes, unavailable=unavailable,
            requests_csv=requests_csv, changes_file=changes_file, now=now)
    return current, changes, moment


# The readers of changes name the command line's options; the page and the API name their
# own fields, and a phone user has never seen `--cancel`.
_WEB_SOURCES = {"--cancel": "cancel", "--pin": "pin", "--now": "now", "--delay": "delay_minutes",
                "--unavailable": "unavailable", "--requests": "new request", "--absent": "absent"}


def replan_preview(plan_path: str, time_limit: float, progress: Report, now: str | None = None,
                   cancel=(), pin=(), delay_minutes: int | None = None, unavailable=(),
                   new_requests_csv: str | None = None, absent=()):
    """Plan again from ``now`` without writing: the re-plan to show before accepting.

    ``absent`` lists a delegation's members absent (see :func:`absence_tables`).
    """
    try:
        current, changes, moment = _changes(plan_path, now, cancel, pin, delay_minutes, unavailable,
                                            new_requests_csv, absent)
        return app.compute_replan(current, changes, moment, _params(time_limit, progress))
    except InputError as error:
        raise InputError([_as_web_problem(problem) for problem in error.problems]) from None


# The scratch files the page's fields are written to (see ``_changes``); a re-plan reads the
# plan file, never the tour's own requests.csv, so these names are always the form's.
_SCRATCH_SOURCES = {"requests.csv": _WEB_SOURCES["--requests"], "changes.toml": _WEB_SOURCES["--absent"]}


def _as_web_problem(problem):
    """A problem of the changes named by the page's field. The form's new request and absence
    are read as a one-row ``requests.csv`` and an ``[[absent]]`` table in a scratch folder:
    their problems name the form's part ("new request", "absent"), without a line of a file
    the organizer never saw."""
    if problem.file in _SCRATCH_SOURCES:
        return dataclasses.replace(problem, file=_SCRATCH_SOURCES[problem.file], line=None)
    return dataclasses.replace(problem, file=_WEB_SOURCES.get(problem.file, problem.file))


def replan_accept(result, out_dir: str, progress: Report, if_version: str | None = None) -> dict[str, Any]:
    """Write a previewed re-plan as the tour's new version (``if_version``: of the plan file
    it was made from; another one there refuses it, see :func:`scheduler.app.write_replan`)."""
    written = app.write_replan(result, out_dir, if_version=if_version)
    return {**plan_summary(result.plan), "summary": result.summary(), "skipped": list(written.skipped)}


def replan(plan_path: str, out_dir: str, time_limit: float, progress: Report, now: str | None = None,
           cancel=(), pin=(), delay_minutes: int | None = None, unavailable=(),
           new_requests_csv: str | None = None, absent=(), if_version: str | None = None) -> dict[str, Any]:
    """Plan again from ``now`` and write the new version at once (the API's re-plan)."""
    result = replan_preview(plan_path, time_limit, progress, now=now, cancel=cancel, pin=pin,
                            delay_minutes=delay_minutes, unavailable=unavailable,
                            new_requests_csv=new_requests_csv, absent=absent)
    return replan_accept(result, out_dir, progress, if_version=if_version)


def explain(plan_path: str, request_id: str, time_limit: float, progress: Report):
    """Why a request is or is not in the agenda, with the what-if for one left out."""
    current = app.load_plan(plan_path)
    unknown = app.unknown_request_message(current, request_id, "The plan")
    if unknown is not None:
        raise KeyError(unknown)
    return app.explain_request_in(current, request_id, params=_params(time_limit, progress))


def write_plan(plan, out_dir: str, progress: Report, note: str = "What-if accepted.",
               if_version: str | None = None) -> dict[str, Any]:
    """Make a plan (an accepted what-if) the tour's next version (``if_version``: of the plan
    file it was made from)."""
    outcome = app.adopt_plan(out_dir, plan, note=note, if_version=if_version)
    return {**plan_summary(outcome.plan), "skipped": list(outcome.written.skipped)}


def restore(out_dir: str, number: int, progress: Report) -> dict[str, Any]:
    """Make a kept version the current plan again."""
    written = app.restore_version(out_dir, int(number))
    return {"restored": int(number), "skipped": list(written.skipped)}


TASKS: dict[str, Callable[..., Any]] = {
    "plan": plan, "replan": replan, "replan-preview": replan_preview,
    "replan-accept": replan_accept, "explain": explain, "write-plan": write_plan,
    "restore": restore,
}


def error_record(error: BaseException) -> dict[str, Any]:
    """An error as the pages and the API show it: kind, message and the details."""
    if isinstance(error, InputError):
        return {"kind": "input", "message": f"{len(error.problems)} problem(s) in the input",
                "details": [str(problem) for problem in error.problems]}
    if isinstance(error, InfeasibleError):
        return {"kind": "infeasible", "message": f"No feasible plan: {error}",
                "details": list(error.conflicts)}
    if isinstance(error, PlanChanged):
        said = error.said and error.said[0].upper() + error.said[1:]
        return {"kind": "conflict", "message": said or "Someone else changed the plan meanwhile, "
                "and writing this would undo their change; nothing was written. Make your change "
                "again from the current plan.", "details": []}
    if isinstance(error, PlanFileError):
        return {"kind": "plan-file", "message": str(error), "details": []}
    if isinstance(error, KeyError):
        return {"kind": "unknown", "message": str(error.args[0]) if error.args else "not found",
                "details": []}
    return {"kind": "unexpected", "message": f"{type(error).__name__}: {error}",
            "details": traceback.format_exception_only(type(error), error)}


def run_task(name: str, kwargs: dict[str, Any], queue) -> None:
    """The worker process's entry: run task ``name`` and send progress and the outcome on ``queue``."""

    def progress(update) -> None:
        queue.put(("progress", getattr(update, "objective", None), getattr(update, "bound", None),
                   getattr(update, "seconds", None)))

    try:
        # Pickled here, not by the queue's feeder thread, which would drop an error silently.
        result = TASKS[name](progress=progress, **kwargs)
        if isinstance(result, dict):
            result = _said_in_the_tour(result, kwargs)
        outcome = ("done", pickle.dumps(result))
    except BaseException as error:  # the parent must always hear how the task ended
        outcome = ("failed", _in_the_tour(error_record(error), kwargs))
    queue.put(outcome)


def _tour_folder(kwargs: dict[str, Any]) -> Path | None:
    """The tour folder a task works in, from its arguments."""
    if kwargs.get("tour_dir"):
        return Path(kwargs["tour_dir"])
    if kwargs.get("out_dir"):
        return Path(kwargs["out_dir"]).parent
    if kwargs.get("plan_path"):
        return Path(kwargs["plan_path"]).parent.parent
    return None


def _in_the_tour(record: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """An error record whose messages name files as the tour's folder has them
    (``out/versions/plan-v1.json``), not where the server keeps the workspace."""
    folder = _tour_folder(kwargs)
    if folder is None:
        return record
    prefix = f"{folder}/"
    return {**record, "message": record["message"].replace(prefix, ""),
            "details": [line.replace(prefix, "") for line in record["details"]]}


#: The sentences of a task's result that pages show as they are.
_SAID = ("notes", "warnings", "skipped")


def _said_in_the_tour(result: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """A task's result whose sentences (:data:`_SAID`) name files and folders as the tour's
    folder has them (``out``, ``out/plan.json``), as its errors do (:func:`_in_the_tour`)."""
    folder = _tour_folder(kwargs)
    if folder is None:
        return result
    prefix = f"{folder}/"
    return {**result, **{key: [text.replace(prefix, "") if isinstance(text, str) else text
                               for text in result[key]]
                         for key in _SAID if isinstance(result.get(key), list)}}
