"""Benchmarks of the scheduler's engine: public TOPTW instances, peer solvers, generated tours.

Nothing here is imported by the scheduler itself; the peers (PyVRP, VROOM, the OR-Tools routing
library) are optional ``bench`` extras.
"""
