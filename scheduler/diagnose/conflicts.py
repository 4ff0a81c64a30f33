"""Why there is no plan: the conflicting mandatory requests and rules, in plain words."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain import Problem, Request
from ..errors import InfeasibleError
from ..solve import SolveParams, minimal_conflict
from ..window_fit import TourMinutes, window_verdicts
from .pairs import between_text, excludes_each_other, overlap_without_travel
from .records import Conflict, Rule
from .rules import necessary_rules, problem_fits, relaxed_problem

__all__ = ["diagnose_infeasible", "infeasible_error"]


def _pruned_conflict(facts: TourMinutes, ids: Sequence[str]) -> Conflict:
    """Mandatory requests that no window lets the engine place, each on its own."""
    requests = [facts.problem.request(i) for i in ids]
    details = []
    for request in requests:
        if not request.windows:
            details.append(f"{request.title} [{request.id}]: it has no window at all; every time "
                           "it offered was removed.")
        for label, text in window_verdicts(facts, request):
            details.append(f"{request.title} [{request.id}], {label}: {text}.")
        if len(request.windows) > 8:
            details.append(f"{request.title} [{request.id}]: and {len(request.windows) - 8} more "
                           "windows like these.")
    if len(requests) == 1 and len(requests[0].windows) == 1:
        r = requests[0]
        (label, text), = window_verdicts(facts, r)
        return Conflict(tuple(ids), (), f"{r.title} [{r.id}] is mandatory but cannot be placed at "
                        f"all, whatever else happens: its only window ({label}) does not work: "
                        f"{text}.", ())
    if len(requests) == 1:
        r = requests[0]
        headline = (f"{r.title} [{r.id}] is mandatory but cannot be placed at all, whatever else "
                    f"happens: none of its {len(r.windows)} windows leaves room for it.")
    else:
        headline = (f"{len(requests)} mandatory requests cannot be placed at all, whatever else "
                    f"happens: {_titles(requests)}.")
    return Conflict(tuple(ids), (), headline, tuple(details))


def _titles(requests: Sequence[Request]) -> str:
    names = [f"{r.title} [{r.id}]" for r in requests]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _words(facts: TourMinutes, ids: Sequence[str], rules: Sequence[Rule]) -> tuple[str, tuple[str, ...]]:
    """The headline and the details of a conflict of requests ``ids`` under ``rules``."""
    requests = [facts.problem.request(i) for i in ids]
    details: list[str] = []
    for r in requests:
        setup = f" (+{r.setup_minutes} min set-up)" if r.setup_minutes else ""
        details.append(f"{r.title} [{r.id}]: {r.duration_minutes} min{setup} at "
                       f"{facts.place_name(r.location_id, r.remote)}, possible "
                       f"{facts.possible_text(r)}.")
    clashes: list[tuple[Request, Request, bool]] = []
    for position, a in enumerate(requests):
        for b in requests[position + 1:]:
            a_starts, b_starts = facts.starts(a.id), facts.starts(b.id)
            common = sorted(set(a_starts) & set(b_starts))
            if not common:
                continue
            verdicts = [excludes_each_other(facts, a, a_starts[d], b, b_starts[d]) for d in common]
            if all(excluded for excluded, _ in verdicts):
                overlap = all(overlap_without_travel(a, a_starts[d], b, b_starts[d], facts) for d in common)
                clashes.append((a, b, overlap))
                day_words = facts.day_name(common[0]) if len(common) == 1 else "any day they share"
                details.append(f"{a.title} and {b.title} cannot both happen on {day_words}: "
                               f"{verdicts[0][1]}.")
    squeeze = ""
    if not clashes and len(requests) > 1:
        shared = set.intersection(*(set(facts.starts(r.id)) for r in requests))
        for index in sorted(shared):
            low = min(facts.starts(r.id)[index][0] - r.setup_minutes for r in requests)
            high = max(facts.starts(r.id)[index][1] + r.duration_minutes for r in requests)
            need = sum(r.setup_minutes + r.duration_minutes for r in requests)
            need += facts.buffer * (len(requests) - 1)
            if need > high - low:
                squeeze = (f"on {facts.day_name(index)} they must all fit between {facts.hm(low)} "
                           f"and {facts.hm(high)} ({high - low} min) but need {need} min "
                           "with set-up and buffers, before any travel")
                details.append(squeeze[0].upper() + squeeze[1:] + ".")
    if rules:
        details.append("The rules involved: " + "; ".join(rule.text for rule in rules) + ".")
    rule_words = " and ".join(rule.text for rule in rules)
    if len(requests) == 1:
        r = requests[0]
        verb = "leaves" if len(rules) == 1 else "leave"
        headline = (f"{r.title} [{r.id}] is mandatory but cannot be served: "
                    f"{rule_words or 'the rules of its day'} {verb} no room for it "
                    f"({facts.possible_text(r)}).")
    elif len(requests) == 2 and clashes:
        a, b = requests
        why = between_text(facts, a, b, clashes[0][2])
        extra = [rule.text for rule in rules if not rule.key.startswith("travel@")]
        headline = (f"{a.title} ({facts.possible_text(a)}) and {b.title} "
                    f"({facts.possible_text(b)}) cannot both happen: {why}"
                    + (f", with {' and '.join(extra)}" if extra else "") + ".")
    else:
        reasons = [part for part in (rule_words, squeeze) if part]
        headline = (f"{_titles(requests)} cannot {'both' if len(requests) == 2 else 'all'} be served"
                    + (": " + "; ".join(reasons) if reasons else "")
                    + "; dropping any one of them makes the rest fit.")
    return headline, tuple(details)


def diagnose_infeasible(problem: Problem, params: SolveParams | None = None, *,
                        request_ids: Sequence[str] | None = None) -> Conflict | None:
    """Why the mandatory requests of ``problem`` cannot all be served, in plain words.

    Parameters
    ----------
    problem
        A problem on which :func:`scheduler.solve.solve` raised
        :class:`~scheduler.errors.InfeasibleError`.
    params
        Seed, workers and time limit for the small feasibility checks (each at most
        :data:`scheduler.solve.CHECK_SECONDS` deterministic seconds).
    request_ids
        A minimal conflicting set already known: the ``request_ids`` of the error ``solve``
        raised, so that only the rules behind it are searched here. When not given, the
        set is found here (:func:`scheduler.solve.minimal_conflict`).

    Returns
    -------
    Conflict or None
        A minimal set of mandatory requests and of the tour's rules that conflict, named in
        words. ``None`` when the mandatory requests do fit together (the solve failed for
        another reason, such as its time limit).
    """
    params = params or SolveParams()
    facts = TourMinutes(problem)
    mandatory = [r.id for r in problem.requests if r.mandatory]
    pruned = [rid for rid in mandatory if rid in facts.pruned]
    if pruned:
        return _pruned_conflict(facts, pruned)
    if request_ids is None:
        if not mandatory or problem_fits(relaxed_problem(problem, mandatory, ()), params):
            return None
        request_ids = minimal_conflict(facts.instance, params)
    ids = list(request_ids)
    rules = necessary_rules(facts, ids, params)
    headline, details = _words(facts, ids, rules)
    return Conflict(tuple(ids), rules, headline, details)


def infeasible_error(problem: Problem, params: SolveParams | None, error: InfeasibleError
                     ) -> InfeasibleError:
    """The engine's :class:`~scheduler.errors.InfeasibleError`, re-told in plain words.

    For the command line: ``scheduler plan`` catches the error of ``solve`` and raises what
    this returns, so exit code 3 comes with a minimal set of requests and rules in words.
    When the mandatory requests do fit together (the solver stopped at its limit), the
    original error is returned unchanged.

    Parameters
    ----------
    problem
        The problem that was solved.
    params
        The parameters it was solved with.
    error
        What :func:`scheduler.solve.solve` raised; its ``request_ids`` (the set the engine
        found) are reused, so the requests are searched for once.

    Returns
    -------
    InfeasibleError
        The conflict's headline as its message and its details as its ``conflicts``; or
        ``error`` itself.
    """
    conflict = diagnose_infeasible(problem, params, request_ids=error.request_ids or None)
    return error if conflict is None else conflict.to_error()
