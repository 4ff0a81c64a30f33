"""The same TOPTW instances solved by peer routing solvers: PyVRP, VROOM and OR-Tools routing.

Each peer gets the instance in the same exact integers the scheduler sees (times scaled by 10,
travel = truncated distance), is configured as its documentation recommends for this kind of
problem, and returns plain routes (vertex ids, depot left out) and the wall-clock seconds of
its run. None of them is trusted: :func:`benchmarks.route_check.check_routes` scores every
answer. The peers are optional (the ``bench`` extra); a missing one raises
:class:`PeerUnavailable` when it is asked for, not when this module is imported.

Minimising solvers (PyVRP, OR-Tools routing) get each vertex's profit multiplied by
``m * Tmax + 1`` (:func:`prize_factor`): the travel of m tours never exceeds ``m * Tmax``, so no
distance saving can outweigh a visit and their optimum is a TOPTW optimum.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Mapping

from benchmarks.instances import ToptwInstance

__all__ = ["PEERS", "PeerAnswer", "PeerUnavailable", "prize_factor", "solve_pyvrp", "solve_routing",
           "solve_vroom", "vroom_priority"]


class PeerUnavailable(RuntimeError):
    """A peer solver is not installed (``pip install '.[bench]'``)."""


@dataclass(frozen=True, slots=True)
class PeerAnswer:
    """What a peer returned: routes (vertex ids, no depot), wall-clock seconds, a note."""

    peer: str
    routes: tuple[tuple[int, ...], ...]
    seconds: float
    note: str = ""


def prize_factor(instance: ToptwInstance, tours: int) -> int:
    """``m * Tmax + 1``: a profit unit worth more than any total travel of ``tours`` tours."""
    return tours * instance.tmax + 1


def vroom_priority(instance: ToptwInstance, profit: int) -> int:
    """VROOM's integer priority (0-100) for ``profit``: ``round(100 * profit / max profit)``.

    Exact on the Solomon instances (profits are multiples of 10 up to 50, so 2 x profit).
    """
    largest = max(v.profit for v in instance.customers) or 1
    return round(100 * profit / largest)


def solve_pyvrp(instance: ToptwInstance, tours: int, time_limit: float, seed: int = 0) -> PeerAnswer:
    """PyVRP, prize-collecting: optional clients with prizes, ``tours`` vehicles, time windows.

    Every arc is given explicitly (distance = duration = truncated travel); the vehicles and the
    depot are open on ``[0, Tmax]`` with a shift of at most Tmax. Stops at ``time_limit``
    seconds of runtime (:class:`pyvrp.stop.MaxRuntime`).
    """
    try:
        from pyvrp import Model
        from pyvrp.stop import MaxRuntime
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise PeerUnavailable("pyvrp is not installed: pip install '.[bench]'") from error
    started = time.perf_counter()
    factor = prize_factor(instance, tours)
    tmax = instance.tmax
    model = Model()
    locations = [model.add_location(x=float(v.x), y=float(v.y), name=f"v{v.index}")
                 for v in instance.vertices]
    depot = model.add_depot(locations[0], tw_early=0, tw_late=tmax)
    model.add_vehicle_type(num_available=tours, start_depot=depot, end_depot=depot,
                           tw_early=0, tw_late=tmax, shift_duration=tmax)
    for vertex in instance.customers:
        model.add_client(locations[vertex.index], service_duration=vertex.service,
                         tw_early=vertex.open, tw_late=vertex.close,
                         prize=vertex.profit * factor, required=False, name=f"v{vertex.index}")
    for a, frm in enumerate(locations):
        for b, to in enumerate(locations):
            if a != b:
                travel = instance.distance(a, b)
                model.add_edge(frm, to, distance=travel, duration=travel)
    data = model.data()
    result = model.solve(stop=MaxRuntime(time_limit), seed=seed, display=False)
    # Results number clients from 0, depots apart: go back through each client's location,
    # whose index is the vertex number because locations were added in vertex order.
    routes = []
    for route in result.best.routes():
        vertices = []
        for activity in route.schedule():
            if activity.is_client():
                vertices.append(int(data.client(activity.idx).location))
        routes.append(tuple(vertices))
    note = "" if result.best.is_feasible() else "PyVRP reports its best solution infeasible"
    return PeerAnswer("pyvrp", tuple(routes), time.perf_counter() - started, note)


def solve_vroom(instance: ToptwInstance, tours: int, time_limit: float, seed: int = 0) -> PeerAnswer:
    """VROOM (pyvroom): jobs with priorities, time windows on the start of service, service times.

    Vehicles start and end at vertex 0 within ``[0, Tmax]``; the duration matrix is the truncated
    travel. Exploration level 5 (the command line's default) on 2 threads. VROOM stops on its
    own, usually well before ``time_limit``, which is passed only as a cap; it has no seed (its
    search is deterministic).
    """
    del seed  # VROOM takes none
    try:
        import vroom
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise PeerUnavailable("pyvroom is not installed: pip install '.[bench]'") from error
    started = time.perf_counter()
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=[list(row) for row in instance.travel])
    for number in range(tours):
        problem.add_vehicle(vroom.Vehicle(number + 1, start=0, end=0, profile="car",
                                          time_window=vroom.TimeWindow(0, instance.tmax)))
    for vertex in instance.customers:
        problem.add_job(vroom.Job(vertex.index, location=vertex.index, default_service=vertex.service,
                                  priority=vroom_priority(instance, vertex.profit),
                                  time_windows=[vroom.TimeWindow(vertex.open, vertex.close)]))
    solution = problem.solve(exploration_level=5, nb_threads=2,
                             timeout=timedelta(seconds=time_limit))
    frame = solution.routes
    routes: dict[int, list[int]] = {number + 1: [] for number in range(tours)}
    for row in frame.itertuples(index=False):
        if row.type == "job":
            routes[int(row.vehicle_id)].append(int(row.id))
    return PeerAnswer("vroom", tuple(tuple(r) for r in routes.values()), time.perf_counter() - started)


def solve_routing(instance: ToptwInstance, tours: int, time_limit: float, seed: int = 0) -> PeerAnswer:
    """The OR-Tools routing library: disjunctions with penalties and a time dimension.

    Arc cost = travel; dropping vertex ``i`` costs ``profit_i * (m * Tmax + 1)``; the time
    dimension's transit from ``i`` is ``service_i + travel(i, j)`` with waiting as slack, so the
    cumul at a vertex is its start of service and carries the window ``[O, C]``; every route
    starts and ends within ``[0, Tmax]``. First solution by path-cheapest-arc, then guided local
    search until ``time_limit``. Single-threaded; the library takes no seed, and a run stopped
    by a wall-clock limit is not repeatable exactly.
    """
    del seed  # the routing library's search takes no seed
    try:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise PeerUnavailable("ortools is not installed") from error
    started = time.perf_counter()
    count = len(instance.vertices)
    tmax = instance.tmax
    factor = prize_factor(instance, tours)
    manager = pywrapcp.RoutingIndexManager(count, tours, 0)
    routing = pywrapcp.RoutingModel(manager)
    travel = [list(row) for row in instance.travel]
    busy = [[instance.vertices[a].service + travel[a][b] for b in range(count)] for a in range(count)]
    travel_callback = routing.RegisterTransitMatrix(travel)
    time_callback = routing.RegisterTransitMatrix(busy)
    routing.SetArcCostEvaluatorOfAllVehicles(travel_callback)
    routing.AddDimension(time_callback, tmax, tmax, False, "Time")
    time_dimension = routing.GetDimensionOrDie("Time")
    for vertex in instance.customers:
        index = manager.NodeToIndex(vertex.index)
        time_dimension.CumulVar(index).SetRange(vertex.open, vertex.close)
        routing.AddDisjunction([index], vertex.profit * factor)
    for vehicle in range(tours):
        time_dimension.CumulVar(routing.Start(vehicle)).SetRange(0, tmax)
        time_dimension.CumulVar(routing.End(vehicle)).SetRange(0, tmax)
        routing.AddVariableMinimizedByFinalizer(time_dimension.CumulVar(routing.Start(vehicle)))
        routing.AddVariableMinimizedByFinalizer(time_dimension.CumulVar(routing.End(vehicle)))
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    parameters.time_limit.FromMilliseconds(int(time_limit * 1000))
    solution = routing.SolveWithParameters(parameters)
    routes: list[tuple[int, ...]] = []
    note = ""
    if solution is None:
        note = "no solution found"
    else:
        for vehicle in range(tours):
            index = routing.Start(vehicle)
            visits = []
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                if node != 0:
                    visits.append(int(node))
                index = solution.Value(routing.NextVar(index))
            routes.append(tuple(visits))
    return PeerAnswer("routing", tuple(routes), time.perf_counter() - started, note)


PeerSolver = Callable[[ToptwInstance, int, float, int], PeerAnswer]

PEERS: Mapping[str, PeerSolver] = {
    "pyvrp": solve_pyvrp,
    "vroom": solve_vroom,
    "routing": solve_routing,
}
"""The peers by the names the command line takes."""
