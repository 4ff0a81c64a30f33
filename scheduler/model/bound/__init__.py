"""An upper bound on the objective from a set-partitioning relaxation over day routes."""

from .generation import LABEL_WORK_PER_SECOND, RouteBound, plan_routes, route_bound

__all__ = ["LABEL_WORK_PER_SECOND", "RouteBound", "plan_routes", "route_bound"]
