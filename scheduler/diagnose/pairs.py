"""Two requests on one day: whether either order leaves room for both, and why not."""

from __future__ import annotations

from ..domain import Request
from ..window_fit import TourMinutes

__all__ = ["between_text", "excludes_each_other", "overlap_without_travel"]


def _pair_detail(facts: TourMinutes, first: Request, first_range: tuple[int, int], second: Request,
                 second_range: tuple[int, int], *, with_travel: bool = True) -> tuple[bool, str]:
    """Whether ``first`` then ``second`` can happen on one day, and how short it falls."""
    travel = facts.travel(first.location_id, second.location_id) if with_travel else 0
    first_end = first_range[0] + first.duration_minutes
    second_start = first_end + facts.buffer + travel + second.setup_minutes
    possible = second_start <= second_range[1]
    parts = []
    if facts.buffer:
        parts.append(f"{facts.buffer} min of buffer")
    if travel:
        parts.append(f"{travel} min of travel to {facts.place_name(second.location_id)}")
    if second.setup_minutes:
        parts.append(f"{second.setup_minutes} min of set-up")
    gap = " and ".join(parts)
    text = (f"{first.title} ends {facts.hm(first_end)} at the earliest"
            + (f"; with {gap}, " if gap else ", so ")
            + f"{second.title} could start {facts.hm(second_start)} at the earliest, but its "
            f"latest start is {facts.hm(second_range[1])}")
    return possible, text


def excludes_each_other(facts: TourMinutes, a: Request, a_range: tuple[int, int], b: Request,
                        b_range: tuple[int, int]) -> tuple[bool, str]:
    """Whether ``a`` and ``b`` cannot both happen on one day in either order, and why.

    Parameters
    ----------
    facts
        The problem in the engine's minutes (buffer, travel, names).
    a, b
        The two requests.
    a_range, b_range
        Their earliest and latest start minutes that day, each alone.

    Returns
    -------
    (bool, str)
        True and both orders worked through in words when neither order fits; else
        ``(False, "")``.
    """
    forward, forward_text = _pair_detail(facts, a, a_range, b, b_range)
    backward, backward_text = _pair_detail(facts, b, b_range, a, a_range)
    if forward or backward:
        return False, ""
    return True, f"{forward_text}; the other way round, {backward_text}"


def overlap_without_travel(a: Request, a_range: tuple[int, int], b: Request,
                           b_range: tuple[int, int], facts: TourMinutes) -> bool:
    """Whether ``a`` and ``b`` exclude each other even with no travel between them.

    The arguments are those of :func:`excludes_each_other`.
    """
    forward, _ = _pair_detail(facts, a, a_range, b, b_range, with_travel=False)
    backward, _ = _pair_detail(facts, b, b_range, a, a_range, with_travel=False)
    return not (forward or backward)


def between_text(facts: TourMinutes, a: Request, b: Request, overlap: bool = False) -> str:
    """``40 min travel between them``, or why they collide without travel.

    Parameters
    ----------
    facts
        The problem in the engine's minutes.
    a, b
        Two requests that exclude each other.
    overlap
        Whether they do so even without travel (:func:`overlap_without_travel`).
    """
    if overlap:
        return "their times overlap" + (f" (with the {facts.buffer}-minute buffer)" if facts.buffer else "")
    there = facts.travel(a.location_id, b.location_id)
    back = facts.travel(b.location_id, a.location_id)
    if there == back:
        return f"{there} min travel between them"
    return f"{there} min travel between them ({back} min the other way)"
