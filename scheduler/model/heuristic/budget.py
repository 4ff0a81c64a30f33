"""What the search's work costs, in operations: the budget is counted, never timed.

The same instance, seed and budget give the same agenda on any machine because the search
stops after a number of operations (candidate-position checks and their overhead), not after
a number of seconds. ``WORK_PER_SECOND`` of them make one nominal second.
"""

#: Operations (candidate-position checks and their overhead) that make one nominal second
#: on the machines this is tuned on; the budget of the search is ``seconds × WORK_PER_SECOND``.
#: Measured on twelve Solomon runs (one to four tours, one search), the earlier 19 million
#: made a nominal second last a median 0.87 s of wall clock (0.75-0.91).
WORK_PER_SECOND = 21_500_000
#: What laying out a timeline day costs, in those operations: a call, each item it passes,
#: each (placeless item, leg position) pair of a gap. Measured on the generated 60-, 120- and
#: 300-request tours, the earlier 40, 12 and 25 ran 1.6 to 2 times the clock (four nominal
#: seconds took 2.5 s), so the heuristic used about half the share of the time limit it was
#: given on tours with meals and calls. Scaled with ``WORK_PER_SECOND`` (from 22, 7 and 14).
TIMELINE_WORK = 25
TIMELINE_ITEM_WORK = 8
GAP_WORK = 16
