"""Travel minutes estimated from coordinates by a tour's travel rules (great-circle km).

The one formula for every estimate: reading a tour folder fills the travel nobody gave with
it, and reading a plan file fills in again the estimates the file leaves out (a plan file
keeps only the travel its agenda uses, docs/plan-format.md).
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence

import numpy as np

from .domain import Location, TravelRules

__all__ = ["EARTH_RADIUS_KM", "estimate_between", "estimate_matrix", "estimated_minutes",
           "great_circle_km"]

EARTH_RADIUS_KM = 6371.0
# A float product such as 14.000000000000002 must not cost a whole extra minute.
_CEIL_TOLERANCE = 1e-9


def great_circle_km(latitudes: np.ndarray, longitudes: np.ndarray) -> np.ndarray:
    """The haversine distance in km between every two points, as an ``n × n`` matrix."""
    phi = np.radians(latitudes)[:, None]
    lam = np.radians(longitudes)[:, None]
    half_dphi = (phi - phi.T) / 2.0
    half_dlam = (lam - lam.T) / 2.0
    a = np.sin(half_dphi) ** 2 + np.cos(phi) * np.cos(phi.T) * np.sin(half_dlam) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def estimated_minutes(km: np.ndarray, rules: TravelRules) -> np.ndarray:
    """``ceil(km × detour ÷ speed × 60) + overhead`` for each distance, in whole minutes, with
    the long-distance mode beyond ``rules.long_distance_km``."""
    long_distance = km > rules.long_distance_km
    speed = np.where(long_distance, rules.speeds_kmh[rules.long_distance_mode],
                     rules.speeds_kmh[rules.mode])
    overhead = np.where(long_distance, rules.overhead_minutes[rules.long_distance_mode],
                        rules.overhead_minutes[rules.mode])
    riding = np.ceil(km * rules.detour_factor / speed * 60.0 - _CEIL_TOLERANCE)
    return np.maximum(riding, 0).astype(np.int64) + overhead


def estimate_matrix(located: Sequence[str], locations: Mapping[str, Location],
                    rules: TravelRules) -> list[list[int]]:
    """Estimated minutes from each place of ``located`` (with coordinates) to each, by position."""
    latitudes = np.array([locations[place].latitude for place in located], dtype=float)
    longitudes = np.array([locations[place].longitude for place in located], dtype=float)
    return estimated_minutes(great_circle_km(latitudes, longitudes), rules).tolist()


def estimate_between(located: Sequence[str], locations: Mapping[str, Location], rules: TravelRules,
                     known: Container[tuple[str, str]] = frozenset()) -> dict[tuple[str, str], int]:
    """Estimated minutes for every ordered pair of different places of ``located`` not in ``known``.

    Parameters
    ----------
    located
        Place ids, each with coordinates in ``locations``.
    locations
        The places by id.
    rules
        Speeds, overheads, detour factor and the long-distance rule.
    known
        Pairs that already have a time (given ones): left out.

    Returns
    -------
    dict[tuple[str, str], int]
        Minutes by ordered pair. Each pair's minutes depend on its two places only, so the
        same places and rules always give the same minutes, whatever else ``located`` holds.
    """
    if len(located) < 2:
        return {}
    matrix = estimate_matrix(located, locations, rules)
    # one pass over the n² pairs, without indexing: this dict is most of reading a large tour
    return {pair: int(minutes)
            for i, (origin, row) in enumerate(zip(located, matrix))
            for j, (destination, minutes) in enumerate(zip(located, row))
            if i != j and (pair := (origin, destination)) not in known}
