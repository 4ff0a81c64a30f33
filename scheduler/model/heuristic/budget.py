"""What the search's work costs, in operations: the budget is counted, never timed.

The same instance, seed and budget give the same agenda on any machine because the search
stops after a number of operations, not after a number of seconds. ``WORK_PER_SECOND`` of
them make one nominal second.

Each kind of step is charged by a weight of its own, fitted to what it costs in CPU time
(``benchmarks/work_weights.py``; BENCHMARKS.md, "Calibrating the budget"): 66 runs of the
heuristic alone (one search, two nominal seconds) on the tuning part of the Solomon 100 and
200 series and of the generated TOPTW instances (one to four tours) and on six generated tours
with meals and remote calls, fitted by non-negative least squares on relative error. With
these weights a nominal second lasted 0.82-0.97 CPU seconds of one core on every run of every
set, tuning and held-out (medians 0.84-0.94), where with the weights before (compaction's
checks charged for the whole rest of the day) it lasted 0.37-1.03 s: a median 0.5 s on the
200 series, 0.68-0.84 s on the generated instances, 0.85-0.91 s on the 100 series.

Fitted again after the search became faster for the same decisions (BENCHMARKS.md, "A faster
search"): 62 runs of one nominal second on every other tuning instance (one to four tours),
the other two generated tuning instances with three and four tours, and two generated tours;
a day's insertion options and a move's check found kept are charged by weights of their own
(``OPTIONS_KEPT_WORK``, ``INTERDAY_KEPT_WORK``).

Fitted again (2026-12-06) once the moves between days stopped comparing two days' kinds and
gains, request by request, for every neighbour they looked at (a cost charged to nothing,
which made a nominal second last up to 1.17 s on 200-300 requests with four tours): 68 runs
of one nominal second on the tuning part, the weights per position or item rounded first and
the others fitted with them, for 0.875 CPU s a nominal second (BENCHMARKS.md, "Calibrating
the budget").

Fitted again (2026-12-06, evening) once a route day's insertion options without a travel
weight were scored by the least shift (``route_options.py``, half the CPU a cell): that
scoring has weights of its own (``QUICK_OPTIONS_WORK``, ``QUICK_CELLS_PER_OPERATION``), and
the 68 runs of one nominal second on the tuning part gave every other weight back within
20 %, the weights per cell, row, item or position rounded (BENCHMARKS.md, "Calibrating the
budget").

Lowered (2026-12-06, late) after a third pass over the hot paths made the same decisions
cheaper (BENCHMARKS.md, "Large days, cheaper again (second pass)"): a least-shift cell 1/9 →
1/11 of an operation and its call 941 → 860, a greedy choice 147 → 135, an iteration 268 →
255, so that the work counted on the tuning runs falls by the 5-6 % of CPU time saved and a
nominal second lasts about the CPU time it lasted before (the fit of ``work_weights.py`` at a
load of 4-6 could not tell that change from the load's; the 66 runs it measured and the
alternating runs of before and after set it).

Lowered again (2026-12-07) after a fourth pass made the same decisions cheaper (BENCHMARKS.md,
"The same search in less CPU, again"): by what each part's CPU time, measured before and after
side by side, shows it saved (the moves between days a fifth, a day's refresh an eighth,
compaction and the least-shift scoring a few percent): a move between days prepared 66 → 50,
a position it walks 8 → 7, a check kept 20 → 15, a day's refresh 108 → 94 and 7 → 6 an item,
a compaction check 24 → 22, the least-shift scoring's call 860 → 830. On the 64 TOPTW runs
``work_weights.py`` measured these charge 6.5-7 % less work (median of each set; 5-10 % a
run), about the CPU time the alternating runs saved; the fit alone could again not tell the
change from the load's.
"""

#: Operations that make one nominal second; the budget of the search is
#: ``seconds × WORK_PER_SECOND``. With the weights below, about 0.9 s of one core of the
#: 2-core machines we test on, leaving the rest of a solve its share of the clock. The weights
#: were fitted under a load of 4-6, where a nominal second of 21.5 M lasted 0.875 s; on a
#: quiet machine it lasted 0.75-0.78 s on the three TOPTW sets (0.89 on the tours), so the
#: constant was 23 M for about 0.82 there (BENCHMARKS.md, "Calibrating the budget"). The
#: machines we test on are now faster (AMD EPYC, 2 cores): there 23 M lasted a quiet 0.65 s
#: on the Solomon sets, 0.67 on the generated TOPTW instances and 0.72 on the tours, and
#: solves of 10 s ended on their budget after a median 7.1 s while the peers had all 10; 28 M
#: brings a nominal second back to about 0.8 s there (BENCHMARKS.md, "Calibrated again for
#: a faster machine").
WORK_PER_SECOND = 28_000_000

#: One ruin and recreate of the annealing, beyond the steps charged below (snapshot, ruin,
#: the keys compared).
ITERATION_WORK = 255
#: Evaluating a day's insertion options: a call, and one operation per this many score
#: cells (in-person candidate rows times route positions).
OPTIONS_WORK = 1350
OPTIONS_CELLS_PER_OPERATION = 5
#: The same for a route day scored by the least shift (``route_options.py``: no travel
#: weight, so a candidate's best position is its first of least shift): a call, and one
#: operation per this many (candidate, position) cells, under half the cost of a scored cell.
QUICK_OPTIONS_WORK = 830
QUICK_CELLS_PER_OPERATION = 11
#: A day's insertion options found kept (:data:`~.insertion.OPTIONS_CACHE_SIZE`): the
#: lookup and copying its rows back.
OPTIONS_KEPT_WORK = 196
#: The remote candidates of a timeline day: a call, and each gap of the day (raised with the
#: timeline weights below, 1.25 times).
REMOTE_OPTIONS_WORK = 244
REMOTE_GAP_WORK = 3.75
#: One greedy choice among the candidate rows: a call, and one operation per this many rows.
PICK_WORK = 135
PICK_ROWS_PER_OPERATION = 6
#: Recomputing a day's times after a change: a call, and each item of the day.
REFRESH_WORK = 94
REFRESH_ITEM_WORK = 6
#: A move of compaction checked on a route day: the check, and each position it passes (it
#: stops at the first engagement the move leaves no earlier; on days of 30-60 engagements
#: most checks pass three or four).
MOVE_WORK = 22
MOVE_POSITION_WORK = 3
#: A move between two days (:mod:`.interday`): preparing one engagement's moves (its
#: neighbours on other days and their positions), and each position a move's check walks.
INTERDAY_MOVE_WORK = 50
INTERDAY_POSITION_WORK = 7
#: A move's check found kept since the last change of a day (``kept_arrival``).
INTERDAY_KEPT_WORK = 15
#: The string removal (:mod:`.string_removal`): a removal, and each served request it looks
#: at (its runs' removals are charged as the days' refreshes); ranking every request by
#: distance from a seed (once a seed, kept): a call, and each other request. Fitted
#: (2026-12-06) on the CPU time of each call, its removals left out, in 2,762 removals and
#: 328 rankings of four tuning runs (g250r four tours, g100r two, r107 three, r202 two):
#: 406 + 3.4 a served request, 410 + 4.4 an other request, where 50 and 20 + 0.5 were
#: charged before (a tenth of what they cost).
STRING_RUIN_WORK = 400
STRING_SERVED_WORK = 3
DISTANCE_RANK_WORK = 400
DISTANCE_RANK_OTHER_WORK = 4
#: Finding an engagement's nearest ones (once each): a call, and one operation per this many
#: candidates. Not fitted (too rare in the runs to measure).
NEAREST_WORK = 16
NEAREST_CANDIDATES_PER_OPERATION = 5
#: The room a joint meeting finds on a day: a call, and each position of the day's route.
#: Not fitted (no joint meetings in the runs).
JOINT_ROOM_WORK = 16
JOINT_POSITION_WORK = 8
#: A delegation's checks across its guests (:mod:`.delegation`), charged nothing until
#: 2026-12-07, when they were a quarter of the heuristic's CPU time on delegations and a
#: nominal second lasted 1.3-1.7 CPU s there (0.9 on one guest's tours): the rules of a day
#: against the other guests' days (a call, beside the shared resources), each resource choice
#: the shared resources' check makes (the choice and its comparisons with the other guests'
#: engagements), and the requests an insertion would surely break a rule with (a call).
#: Measured as CPU time per call (2.5 µs a resource choice all in, 3.7 µs a day's rules, 4.3-5.3
#: µs the exclusions) on the bundled delegation example and a generated two- and three-guest
#: delegation of 60 requests (seed 1), at about 30 ns an operation; checked on seeds 2 and 3
#: (BENCHMARKS.md, "A delegation's checks charged").
DELEGATION_RULES_WORK = 120
RESOURCE_USE_WORK = 75
DELEGATION_EXCLUDED_WORK = 160
#: Laying out a timeline day: a call (``TIMELINE_WORK``) and each item it passes
#: (``TIMELINE_ITEM_WORK``); a gap of placeless items between two places (``GAP_CALL_WORK``)
#: and each (placeless item, leg position) pair of it (``GAP_WORK``). Fitted on the generated
#: tours of 40 to 300 requests (seeds 1 and 2), where the earlier 25, 8, 0 and 16 made a
#: nominal second last from 0.50 s (300 requests, long gaps of remote calls) to 1.04 s.
#: Raised 1.25 times (2026-12-07; from 33, 10, 8 and 5, the remote candidates' from 195 and 3)
#: once the machines we test on ran the TOPTW sets' nominal second in 0.79 CPU s and the
#: tours' in 0.88-1.04: with the tours' other phases on their rates (``cp_sat_rate``,
#: ``label_work_per_second`` in ``scheduler/solve_budget.py`` and
#: ``scheduler/solve_route_bound.py``) a tour's solve now ends on its budget on a quiet machine
#: (BENCHMARKS.md, "A tour's phases on its budget"). The TOPTW instances have no timeline day
#: and are not touched.
TIMELINE_WORK = 41.25
TIMELINE_ITEM_WORK = 12.5
GAP_CALL_WORK = 10
GAP_WORK = 6.25
