"""The planning domain as immutable, validated, zone-aware objects; imports nothing else of ours.

Every datetime here is timezone-aware. Comparisons and arithmetic between datetimes go
through UTC (:func:`utc`), because Python compares two datetimes that share a ``tzinfo`` by
their wall-clock reading, which is wrong across a daylight-saving change.

The package is split by what a thing is: ``base`` (errors, UTC, places, windows), ``problem``
(requests, days, the tour, its rules, travel, the objective), ``resources`` (the
shared resources and what a request needs of them) and ``plan`` (the agenda and the
solver's account); every name is imported from here.
"""

from __future__ import annotations

from dataclasses import replace

from .base import (  # noqa: F401
    Contact,
    DomainError,
    KINDS,
    LEG_CHECKIN_MINUTES,
    LEG_MODES,
    Location,
    REMOTE_MODES,
    RULE_KINDS,
    VALUE_BASES,
    Window,
    WindowsText,
    _check,
    _check_zone,
    minutes_between,
    utc,
)
from .days import GUEST_ID  # noqa: F401
from .problem import (  # noqa: F401
    Day,
    Endpoint,
    FixedLeg,
    Guest,
    Objective,
    Organizer,
    Problem,
    Request,
    Tour,
    TourRule,
    TravelRules,
    TravelTable,
    ValueRule,
    _round_half_up,
)
from .resources import KIND_PREFIX, Resource, need_candidates, need_kind  # noqa: F401
from .plan import (  # noqa: F401
    Break,
    Engagement,
    Plan,
    STATUSES,
    STOPPED_BY,
    SolverReport,
    TravelLeg,
    Unscheduled,
    day_of,
)

__all__ = [
    "KINDS",
    "REMOTE_MODES",
    "Break",
    "Contact",
    "Day",
    "Endpoint",
    "Engagement",
    "FixedLeg",
    "Guest",
    "LEG_CHECKIN_MINUTES",
    "LEG_MODES",
    "Location",
    "Objective",
    "Organizer",
    "Plan",
    "Problem",
    "Request",
    "Resource",
    "KIND_PREFIX",
    "need_candidates",
    "need_kind",
    "RULE_KINDS",
    "SolverReport",
    "Tour",
    "TourRule",
    "TravelLeg",
    "TravelRules",
    "TravelTable",
    "Unscheduled",
    "VALUE_BASES",
    "ValueRule",
    "Window",
    "WindowsText",
    "minutes_between",
    "replace",
    "utc",
]
