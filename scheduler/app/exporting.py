"""Use cases of a plan file's outputs: export calendars and run sheets, publish to CalDAV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..export import DEFAULT_OUTPUTS, FORMATS, write_all
from ..domain import Plan
from ..export.overview import LaneDay, lane_days
from ..staging import staged_output
from .plans import load_plan
from .results import Written

if TYPE_CHECKING:
    from ..export.publish import PublishReport

#: What ``export_plan`` accepts as ``fmt``: one format, or ``all``.
EXPORT_CHOICES = (*FORMATS, "all")


def export_outputs(fmt: str = "all", audience: str | None = None) -> tuple[tuple[str, str], ...]:
    """The (format, audience) pairs to write for ``fmt`` and ``audience``.

    ``all`` and no audience give what ``plan`` writes; invitations have one audience only.
    """
    outputs = tuple((f, a) for f, a in DEFAULT_OUTPUTS
                    if (fmt == "all" or f == fmt) and (audience is None or f == "invites" or a == audience))
    return outputs or ((fmt, audience or "team"),)  # e.g. csv for the guest


def export_plan(plan_json: str | Path, out_dir: str | Path | None = None, *, fmt: str = "all",
                audience: str | None = None) -> Written:
    """Write calendars, invitations and run sheets of a plan file, in one commit; never solves.

    Parameters
    ----------
    plan_json
        The plan file; it is checked when read.
    out_dir
        The output folder (default: the plan file's folder).
    fmt
        One of :data:`EXPORT_CHOICES`.
    audience
        ``team`` or ``guest``; ``None`` writes both.

    Raises
    ------
    PlanFileError
        The plan file cannot be read or breaks a rule.
    """
    plan = load_plan(plan_json)
    out = Path(out_dir) if out_dir is not None else Path(plan_json).parent
    with staged_output(out) as stage:
        exported = write_all(plan, stage.path, export_outputs(fmt, audience))
    return Written(out, tuple(stage.files), tuple(stage.backups), tuple(exported.skipped))


def publish_plan(plan_json: str | Path, url: str, *, username: str | None = None,
                 password: str | None = None, calendar_name: str | None = None) -> PublishReport:
    """Push the guest's calendar of a plan file to a CalDAV server; again, to update it in place.

    Raises
    ------
    PlanFileError
        The plan file cannot be read or breaks a rule.
    PublishError
        The server cannot be reached or refuses, with the cause.
    """
    plan = load_plan(plan_json)
    # CalDAV's client and its HTTP stack take a quarter of a second to import: only here
    from ..export.publish import publish

    return publish(plan, url, username=username, password=password, calendar_name=calendar_name)


def delegation_lanes(plan: Plan) -> tuple[LaneDay, ...]:
    """The days of a delegation's plan as the overview page (``delegation.html``) draws them:
    a lane per guest and per resource, each block placed in percent of its day's frame.

    Empty for a tour of one guest.
    """
    return lane_days(plan) if plan.problem.tour.is_delegation else ()
