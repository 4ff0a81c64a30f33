"""An upper bound on the objective from a set-partitioning relaxation over day routes."""

from .generation import EXTENSIONS_PER_SECOND, RouteBound, plan_routes, route_bound

__all__ = ["EXTENSIONS_PER_SECOND", "RouteBound", "plan_routes", "route_bound"]
