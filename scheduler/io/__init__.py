"""Files to domain objects: a tour folder into a :class:`~scheduler.domain.Problem`.

The only place that parses text dates and times. Every problem found in the input becomes an
:class:`~scheduler.errors.InputIssue` naming the file, the line and the field, and all of
them are raised together in one :class:`~scheduler.errors.InputError`.
"""

from scheduler.io.load import load_locations, load_tour, load_travel_settings
from scheduler.io.places import TravelSettings, extend_travel
from scheduler.io.requests import RequestsRead, ValueRule, read_requests_csv
from scheduler.io.windows import parse_windows

__all__ = [
    "RequestsRead",
    "TravelSettings",
    "ValueRule",
    "extend_travel",
    "load_locations",
    "load_tour",
    "load_travel_settings",
    "parse_windows",
    "read_requests_csv",
]
