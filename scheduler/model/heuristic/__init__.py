"""A fast primal heuristic for the agenda: greedy construction, then ruin and recreate.

It works on the integer :class:`~scheduler.model.instance.Instance` and keeps every hard rule
of :mod:`scheduler.model.cpmodel` (its agenda is handed to CP-SAT as a complete hint, and
CP-SAT is the final judge). Work is counted in operations, not seconds, so the same instance,
seed and budget give the same agenda. The parts:

- :mod:`.budget` - what work costs, and ``WORK_PER_SECOND``;
- :mod:`.state` - the search state and the rules it keeps; :mod:`.routes` and
  :mod:`.timeline` - the two kinds of day (a route of in-person engagements; a timeline with
  a meal or remote calls, laid out exactly);
- :mod:`.insertion` (recreate; :mod:`.route_options`, a route day's options scored
  quickly), :mod:`.ruin`, :mod:`.string_removal`, :mod:`.compaction`,
  :mod:`.interday` (moves between route days) - the moves; :mod:`.recombination` - the pool
  of day routes seen and CP-SAT's best combination of them (off by default);
- :mod:`.construction` - the first agenda; :mod:`.annealing` - ruin and recreate with
  simulated annealing; :mod:`.islands` and :mod:`.worker` - searches side by side in worker
  processes; :mod:`.search` - :func:`solve_heuristic`; :mod:`.result` - what it returns.
"""

from .annealing import TUNING
from .budget import GAP_WORK, TIMELINE_ITEM_WORK, TIMELINE_WORK, WORK_PER_SECOND
from .islands import ISLAND_MEETINGS
from .meal import MEAL, meal_range
from .result import DayPlan, HeuristicResult, SearchCount, plan_objective
from .search import solve_heuristic

__all__ = [
    "GAP_WORK", "ISLAND_MEETINGS", "MEAL", "TIMELINE_ITEM_WORK", "TIMELINE_WORK", "TUNING",
    "WORK_PER_SECOND", "DayPlan", "HeuristicResult", "SearchCount", "meal_range",
    "plan_objective", "solve_heuristic",
]
