"""An upper bound on the objective from a set-partitioning relaxation over day routes."""

from .generation import LABEL_WORK_PER_SECOND, RouteBound, plan_routes, route_bound
from .pool import Selection, select_routes

__all__ = ["LABEL_WORK_PER_SECOND", "RouteBound", "Selection", "plan_routes",
           "route_bound", "select_routes"]
