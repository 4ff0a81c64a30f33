"""What ended a CP-SAT solve: a proof, its deterministic budget, or its wall clock.

CP-SAT's response does not say which limit stopped it, and neither of its clocks reaches its
limit exactly: with several workers interleaved in batches it ends on its deterministic budget
short of it (a 100-customer instance, two workers: 2.16 of 2.50 deterministic seconds, after
2.0 s of the 3.2 s of wall clock it was given, the same on every run) or past it, and it ends
on its wall clock a little before that limit (0.67 s of 0.70 under load). A solve counted as
stopped by the clock is one the same input need not repeat, so the clock is named when the
solve ran (nearly) into its wall-clock limit, or used a larger share of it than of its budget.
Its deterministic count does not settle it: the workers' batches are checked against the
budget only between batches, so a solve the clock cut short in its last batch can report
more than its whole budget (a delegation's model at 10 s: 2.7-3.0 deterministic seconds of a
budget of 1.5-1.8, at its wall-clock limit, and two runs gave different agendas). CP-SAT's
own ``wall_time`` at the limit is therefore the clock's, whatever the count says.
The wall clock is the caller's, measured around ``solve()`` with the loading (CP-SAT's own
``wall_time`` leaves part of the loading out, so under load it reads short of a limit the
solve did hit).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

#: A solve that ran at least this share of the wall clock it was given is counted as stopped
#: by it whatever its budget says (CP-SAT stops a little before its wall-clock limit; the
#: margin keeps an ambiguous case on the side of "may not repeat").
WALL_STOP_SHARE = 0.95
#: A solve that used at least this share of its deterministic budget ended on that budget.
BUDGET_USED_SHARE = 0.99


def ended_by_clock(solver: cp_model.CpSolver, status: int, elapsed: float) -> bool:
    """Whether ``solver``'s wall-clock limit, rather than a proof or its deterministic budget,
    ended a solve that returned ``status`` after ``elapsed`` seconds of the caller's clock.

    A proven status (optimal, infeasible) is never the clock's; a solve that used its whole
    deterministic budget ended on it; otherwise the clock ended it when the solve lasted about
    the wall-clock limit it was given (``WALL_STOP_SHARE``), or a larger share of that limit
    than of its budget (the limit nearer its end is the one that stopped it).
    """
    if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        return False
    parameters = solver.parameters
    wall = parameters.max_time_in_seconds
    if wall > 0 and solver.response_proto.wall_time >= WALL_STOP_SHARE * wall:
        # CP-SAT's own clock ran into the limit: whatever its budget says, the wall clock
        # may have cut its last batch short.
        return True
    budget = parameters.max_deterministic_time
    budget_used = solver.response_proto.deterministic_time / budget if budget > 0 else 1.0
    if budget_used >= BUDGET_USED_SHARE:
        return False
    wall_used = elapsed / wall if wall > 0 else 1.0
    return wall_used >= min(WALL_STOP_SHARE, budget_used)


__all__ = ["BUDGET_USED_SHARE", "WALL_STOP_SHARE", "ended_by_clock"]
