import sys, time
from scheduler.io.load import load_tour
from scheduler.solve import solve, SolveParams
from scheduler.planfile import plan_to_dict
from scheduler.checker import check_plan
p = load_tour(sys.argv[1])
print(p.rules, p.tour.min_rest_minutes, p.tour.max_engagement_minutes_per_day, p.tour.objective.balance_weight)
t=time.time()
r = solve(p, SolveParams(time_limit=float(sys.argv[2]) if len(sys.argv)>2 else 10))
print(r.summary(), time.time()-t)
for e in r.plan.engagements: print(e.request_id, e.start, e.end)
print(check_plan(plan_to_dict(r.plan)))
