"""The application layer: the use cases every face (the command line, the web app, a script) calls.

Each use case takes paths or domain objects and returns a result record; each writes its
files through one staged commit (:mod:`scheduler.staging`), so an output folder holds the old
version or the new one, never a mix. The faces parse arguments and print; they import this
layer and never the engine, the readers or the writers directly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .explaining import explain_request_in, unknown_request_message, unknown_resource_message
    from .exporting import delegation_lanes, export_plan, publish_plan
    from .planning import check_tour, delegation_example, demo_tour, plan_tour, solve_tour, write_plan_outputs
    from .plans import file_version, load_plan
    from .replanning import (absence_notes, changes_text, compute_replan, read_replan_changes,
                             replan_plan, write_replan)
    from .results import CheckOutcome, PlanOutcome, ReplanOutcome, Written
    from .tour_editing import (REQUEST_COLUMNS, TOUR_FILES, EditConflict, FrameText, RequestTable,
                               check_candidate, frame_text, new_tour_folder, read_frame,
                               read_requests, requests_csv_from_upload, requests_csv_text, save_frame,
                               save_requests)
    from .versions import (PlanVersion, VersionSummary, adopt_plan, bring_back_version,
                           plan_versions, restore_version, version_summaries)
    from ..errors import PlanChanged
    from ..file_names import WINDOWS_DEVICE_NAMES, safe_file_name
    from ..io.tomlfile import parse_toml
    from ..fsio import set_mode
    from ..solve import Progress, SolveParams

#: Where each public name lives. A name is imported on first use (PEP 562), so that a face
#: starts without the engine: ``scheduler --help`` needs neither OR-Tools nor pandas, and a
#: command imports only what its use case needs.
_HOMES = {
    **dict.fromkeys(("explain_request_in", "unknown_request_message", "unknown_resource_message"),
                    ".explaining"),
    **dict.fromkeys(("delegation_lanes", "export_plan", "publish_plan"), ".exporting"),
    **dict.fromkeys(("check_tour", "delegation_example", "demo_tour", "plan_tour", "solve_tour",
                     "write_plan_outputs"), ".planning"),
    **dict.fromkeys(("file_version", "load_plan"), ".plans"),
    "PlanChanged": "..errors",
    **dict.fromkeys(("absence_notes", "changes_text", "compute_replan", "read_replan_changes",
                     "replan_plan", "write_replan"), ".replanning"),
    **dict.fromkeys(("CheckOutcome", "PlanOutcome", "ReplanOutcome", "Written"), ".results"),
    **dict.fromkeys(("REQUEST_COLUMNS", "TOUR_FILES", "EditConflict", "FrameText", "RequestTable",
                     "check_candidate", "frame_text", "new_tour_folder",
                     "read_frame", "read_requests", "requests_csv_from_upload",
                     "requests_csv_text", "save_frame", "save_requests"), ".tour_editing"),
    **dict.fromkeys(("PlanVersion", "VersionSummary", "adopt_plan", "bring_back_version",
                     "plan_versions", "restore_version", "version_summaries"), ".versions"),
    **dict.fromkeys(("Progress", "SolveParams"), "..solve"),
    **dict.fromkeys(("WINDOWS_DEVICE_NAMES", "safe_file_name"), "..file_names"),
    "parse_toml": "..io.tomlfile",
    "set_mode": "..fsio",
}


def __getattr__(name: str) -> Any:
    """A public name of the layer, imported from its module on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = [
    "REQUEST_COLUMNS",
    "TOUR_FILES",
    "WINDOWS_DEVICE_NAMES",
    "CheckOutcome",
    "EditConflict",
    "FrameText",
    "PlanChanged",
    "PlanOutcome",
    "PlanVersion",
    "Progress",
    "ReplanOutcome",
    "RequestTable",
    "SolveParams",
    "VersionSummary",
    "Written",
    "absence_notes",
    "changes_text",
    "check_candidate",
    "adopt_plan",
    "bring_back_version",
    "check_tour",
    "compute_replan",
    "delegation_example",
    "delegation_lanes",
    "demo_tour",
    "explain_request_in",
    "export_plan",
    "file_version",
    "frame_text",
    "load_plan",
    "new_tour_folder",
    "parse_toml",
    "plan_tour",
    "plan_versions",
    "publish_plan",
    "read_frame",
    "read_replan_changes",
    "read_requests",
    "replan_plan",
    "requests_csv_from_upload",
    "requests_csv_text",
    "restore_version",
    "safe_file_name",
    "set_mode",
    "save_frame",
    "save_requests",
    "solve_tour",
    "unknown_request_message",
    "unknown_resource_message",
    "version_summaries",
    "write_plan_outputs",
    "write_replan",
]
