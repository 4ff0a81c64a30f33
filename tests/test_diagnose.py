"""Diagnosis in plain words (scheduler.diagnose): why not, what if, and why mandatory requests conflict."""

from __future__ import annotations

import json
from datetime import date

import pytest

from builders import day, next_day, problem, request, t, window
from conftest import FAST, solve_checked
from scheduler.checker import assert_valid
from scheduler.diagnose import (
    TIE_BREAK_COSTS,
    diagnose_infeasible,
    explain_request,
    infeasible_error,
    what_if_mandatory,
)
from scheduler.errors import InfeasibleError
from scheduler.planfile import plan_to_dict
from scheduler.solve import solve


def _rival_problem():
    """`c` (value 20, place B) holds Tue 10:00–11:00, so `b` (value 5, place A, same hour)
    stays out; `a` (value 10, place A) follows `c` after 20 minutes of travel."""
    return problem([
        request("a", [window("09:00", "12:30")], 60, value=10, place="A", title="Meeting A"),
        request("b", [window("10:00", "11:00")], 60, value=5, place="A", title="Meeting B"),
        request("c", [window("10:00", "11:00")], 60, value=20, place="B", title="Interview C"),
    ], days=[day(end="13:00")])


@pytest.fixture(scope="module")
def rival_plan():
    return solve_checked(_rival_problem()).plan


# ----------------------------------------------------------------------------- why not

def test_window_after_the_tour_is_named(checked_solve):
    """A window after the last working day is reported as such, with that day named."""
    late = request("late", [window("10:00", "11:00", next_day(date(2018, 11, 27), 4))], 30)
    plan = checked_solve(problem([late])).plan
    report, = explain_request(plan, "late", what_if=False).windows
    assert report.days == ()
    assert report.note == "it is after the tour's last working day (Tue 27 Nov)"


def test_window_outside_the_hours_is_named(checked_solve):
    """A window before the guest's hours gets the verdict outside_hours, with the hours."""
    plan = checked_solve(problem([request("early", [window("07:00", "08:00")], 30)])).plan
    fit, = explain_request(plan, "early", what_if=False).windows[0].days
    assert fit.verdict == "outside_hours"
    assert "outside the guest's hours that day (09:00–20:00)" in fit.text


def test_window_shorter_than_the_engagement(checked_solve):
    """A 30-minute window for a 60-minute engagement gets the verdict too_short."""
    plan = checked_solve(problem([request("short", [window("10:00", "10:30")], 60)])).plan
    fit, = explain_request(plan, "short", what_if=False).windows[0].days
    assert fit.verdict == "too_short"
    assert "shorter than the 60 min it needs" in fit.text


def test_travel_from_the_lodging_makes_a_window_unreachable(checked_solve):
    """At 09:00 sharp, 45 minutes from the hotel, the window is unreachable: the minutes are named."""
    far = request("far", [window("09:00", "09:40")], 30, place="A")
    plan = checked_solve(problem([far], travel={("H", "A"): 45})).plan
    fit, = explain_request(plan, "far", what_if=False).windows[0].days
    assert fit.verdict == "unreachable"
    assert "45 min of travel make 09:45 its earliest start, but it must start by 09:10" in fit.text


def test_engagement_in_the_way_is_named_with_its_value(rival_plan):
    """What occupies the window: the rival engagement, its time and value, and that the two
    cannot both happen that day."""
    fit, = explain_request(rival_plan, "b", what_if=False).windows[0].days
    rival, = [o for o in fit.occupants if o.kind == "engagement"]
    assert (rival.request_id, rival.value, rival.excludes) == ("c", 20, True)
    assert "Interview C, 10:00–11:00 at Place B, value 20" in rival.text


def test_room_blocked_by_travel_is_told_apart(checked_solve):
    """Free time that the travel to and from the neighbours eats is reported as `travel`."""
    requests = [
        request("before", [window("09:30", "10:30")], 60, value=50, place="A", title="Before"),
        request("after", [window("11:30", "12:30")], 60, value=50, place="A", title="After"),
        request("middle", [window("10:30", "11:30")], 40, value=1, place="B", title="Middle"),
    ]
    plan = checked_solve(problem(requests, travel={("A", "B"): 30, ("B", "A"): 30})).plan
    assert plan.engagement("middle") is None
    fit, = explain_request(plan, "middle", what_if=False).windows[0].days
    assert fit.room == "travel"
    assert "30 min of travel from Place A to Place B and 30 min on to Place A" in fit.room_text


def test_room_full_when_the_daily_cap_is_reached(checked_solve):
    """A day at its cap is reported as full, naming the cap."""
    requests = [request("a", [window("10:00", "11:00")], 30, value=20, remote="phone"),
                request("b", [window("15:00", "16:00")], 30, value=1, remote="phone")]
    plan = checked_solve(problem(requests, cap=1)).plan
    fit, = explain_request(plan, "b", what_if=False).windows[0].days
    assert fit.room == "full"
    assert "the daily cap of 1" in fit.room_text


# ----------------------------------------------------------------------------- what if

def test_what_if_places_the_request_and_names_what_drops(rival_plan):
    """Made mandatory, `b` takes 10:00–11:00 and `c` drops, losing 15 value points in all."""
    trial = what_if_mandatory(rival_plan, "b", FAST)
    assert trial.fits and trial.placed.after[0] == t("10:00")
    assert [c.request_id for c in trial.dropped] == ["c"]
    assert (trial.value_before, trial.value_after, trial.value_change) == (30, 15, -15)


def test_what_if_shows_moves_old_to_new(rival_plan):
    """`a` stays but moves from 11:20 (after the travel from `c`) to 11:00, beside `b`."""
    moved, = what_if_mandatory(rival_plan, "b", FAST).moved
    assert (moved.request_id, moved.before[0], moved.after[0]) == ("a", t("11:20"), t("11:00"))


def test_what_if_plan_passes_the_checker(rival_plan):
    """The what-if agenda is a real plan: the independent checker accepts it."""
    trial = what_if_mandatory(rival_plan, "b", FAST)
    assert_valid(plan_to_dict(trial.plan))
    assert trial.plan.problem.request("b").mandatory


def test_what_if_only_breaks_ties():
    """The price of a move is far below one value point, so it only breaks ties."""
    objective = _rival_problem().tour.objective
    assert TIE_BREAK_COSTS.drop == 0
    assert max(TIE_BREAK_COSTS.shift, TIE_BREAK_COSTS.move_day) * 100 < objective.value_weight


def test_what_if_that_cannot_fit_names_the_conflict(checked_solve):
    """When `b` clashes with a mandatory request, the what-if names both instead of a plan."""
    requests = [request("a", [window("10:00", "11:00")], 60, place="A", mandatory=True, title="A"),
                request("b", [window("10:00", "11:00")], 60, place="B", title="B")]
    plan = checked_solve(problem(requests)).plan
    trial = what_if_mandatory(plan, "b", FAST)
    assert not trial.fits and trial.value_after is None
    assert set(trial.conflict.request_ids) == {"a", "b"}
    assert "cannot both happen" in trial.conflict.headline


def test_what_if_text_gives_the_value_change(rival_plan):
    """The words of a what-if end with the value served before and after."""
    text = explain_request(rival_plan, "b", params=FAST).text()
    assert "Value served: 30 → 15 (−15, lost)." in text
    assert "Meeting A: Tue 27 Nov 11:20–12:20 → Tue 27 Nov 11:00–12:00" in text


# ----------------------------------------------------------------------------- scheduled

def test_scheduled_request_names_its_window_and_neighbour(rival_plan):
    """For `a`: its window, and `c` before it with the 20 minutes of travel that set its start."""
    placement = explain_request(rival_plan, "a").placement
    assert placement.window == (t("09:00"), t("12:30"))
    assert (placement.before.request_id, placement.before.travel_minutes) == ("c", 20)
    assert placement.earliest_start == t("11:20")
    assert any("Interview C" in reason for reason in placement.binding)


def test_fixed_start_cannot_move(checked_solve):
    """A live slot with a fixed start is pinned by it, and the words say so."""
    live = request("live", [window("10:30", "11:00")], 30, fixed_start=t("10:30"), title="Live")
    plan = checked_solve(problem([live])).plan
    placement = explain_request(plan, "live").placement
    assert placement.binding == ("its fixed start at 10:30",)
    assert placement.earliest_start == placement.latest_start == t("10:30")


def test_scheduled_request_has_no_what_if(rival_plan):
    """A scheduled request is explained without solving again."""
    explanation = explain_request(rival_plan, "c")
    assert explanation.scheduled and explanation.what_if is None


def test_explanation_is_json_ready(rival_plan):
    """`to_dict` gives JSON with the request, its windows and the what-if."""
    data = json.loads(json.dumps(explain_request(rival_plan, "b", params=FAST).to_dict()))
    assert data["request_id"] == "b" and data["scheduled"] is False
    assert data["windows"][0]["days"][0]["verdict"] == "fits"
    assert data["what_if"]["dropped"][0]["request_id"] == "c"


def test_unknown_request_raises_key_error(rival_plan):
    """Asking about a request the plan does not have raises KeyError."""
    with pytest.raises(KeyError):
        explain_request(rival_plan, "nope", what_if=False)


# ----------------------------------------------------------------------------- conflicts

def _conflict(requests, **kw):
    prob = problem(requests, **kw)
    with pytest.raises(InfeasibleError):
        solve(prob, FAST)
    return diagnose_infeasible(prob, FAST)


def test_pair_apart_by_travel_is_named_with_the_minutes():
    """Two fixed slots 20 minutes apart with 40 minutes of travel: the travel is the reason."""
    conflict = _conflict([
        request("psoe", [window("10:00", "11:00")], 60, place="A", mandatory=True, title="PSOE meeting"),
        request("a3", [window("11:20", "11:40")], 20, place="B", mandatory=True, title="Antena 3 live",
                fixed_start=t("11:20")),
    ], travel={("A", "B"): 40, ("B", "A"): 40})
    assert conflict.headline == ("PSOE meeting (Tue 27 Nov 10:00–11:00) and Antena 3 live "
                                 "(Tue 27 Nov 11:20–11:40) cannot both happen: 40 min travel between them.")
    assert [rule.key for rule in conflict.rules] == ["travel@A|B"]


def test_overlapping_pair_says_their_times_overlap():
    """Two calls at overlapping fixed times collide without any travel."""
    conflict = _conflict([
        request("c1", [window("10:00", "10:30")], 30, remote="phone", mandatory=True, title="Call one"),
        request("c2", [window("10:15", "10:45")], 30, remote="video", mandatory=True, title="Call two"),
    ])
    assert conflict.headline.endswith("cannot both happen: their times overlap.")
    assert conflict.rules == ()


def test_conflict_is_minimal():
    """A mandatory request that fits beside the others is not named."""
    conflict = _conflict([
        request("c1", [window("10:00", "10:30")], 30, remote="phone", mandatory=True),
        request("c2", [window("10:15", "10:45")], 30, remote="video", mandatory=True),
        request("free", [window("15:00", "16:00")], 30, remote="video", mandatory=True),
    ])
    assert set(conflict.request_ids) == {"c1", "c2"}


def test_meal_rule_that_leaves_no_room_is_named():
    """A three-hour workshop over the whole meal window is stopped by the meal break."""
    conflict = _conflict([request("long", [window("13:00", "16:30")], 180, mandatory=True,
                                  title="Long workshop")], days=[day(meal=("13:30", "16:00", 60))])
    assert [rule.key for rule in conflict.rules] == ["meal@2018-11-27"]
    assert "the meal break on Tue 27 Nov (60 min between 13:30 and 16:00) leaves no room" in conflict.headline


def test_daily_cap_is_named():
    """Two mandatory requests on the only day, with a cap of one, name the cap."""
    conflict = _conflict([request("a", [window("10:00", "11:00")], 30, mandatory=True),
                          request("b", [window("15:00", "16:00")], 30, mandatory=True)], cap=1)
    assert [rule.key for rule in conflict.rules] == ["cap"]
    assert "the cap of 1 engagement a day" in conflict.headline


def test_buffer_is_named_when_it_decides():
    """Two calls that would fit back to back are kept apart by the 15-minute buffer."""
    conflict = _conflict([
        request("c1", [window("10:00", "10:30")], 30, remote="phone", mandatory=True, title="Call one"),
        request("c2", [window("10:30", "11:00")], 30, remote="phone", mandatory=True, title="Call two"),
    ], buffer=15)
    assert [rule.key for rule in conflict.rules] == ["buffer"]
    assert "with the 15-minute buffer after each engagement" in conflict.headline


def test_hours_are_named_when_they_decide():
    """Two long calls that fit in the day's window but not in the guest's hours name the hours."""
    conflict = _conflict([
        request("a", [window("07:00", "14:00")], 120, remote="phone", mandatory=True),
        request("b", [window("07:00", "14:00")], 90, remote="phone", mandatory=True),
    ], days=[day(start="09:00", end="12:00")])
    assert [rule.key for rule in conflict.rules] == ["hours@2018-11-27"]
    assert "the guest's hours on Tue 27 Nov (09:00–12:00)" in conflict.headline


def test_three_in_a_squeeze_are_counted():
    """Three 25-minute calls in one hour: the minutes they need against the minutes there are."""
    conflict = _conflict([request(f"r{i}", [window("10:00", "11:00")], 25, remote="phone",
                                  mandatory=True) for i in range(3)])
    assert "they must all fit between 10:00 and 11:00 (60 min) but need 75 min" in conflict.headline


def test_mandatory_request_that_cannot_be_placed_names_its_window():
    """A mandatory request outside the guest's hours is a conflict on its own, with the hours."""
    conflict = _conflict([request("early", [window("07:00", "08:00")], 30, mandatory=True,
                                  title="Early radio")])
    assert conflict.request_ids == ("early",)
    assert "its only window (Tue 27 Nov 07:00–08:00) does not work: it lies outside the " \
           "guest's hours that day (09:00–20:00)" in conflict.headline


def test_mandatory_request_unreachable_from_the_lodging_names_the_travel():
    """A mandatory request 45 minutes from the hotel at 09:00 sharp names those minutes."""
    conflict = _conflict([request("far", [window("09:00", "09:30")], 30, place="A", mandatory=True)],
                         travel={("H", "A"): 45})
    assert "45 min of travel make 09:45 its earliest start, but it must start by 09:00" in conflict.headline


def test_no_conflict_when_the_mandatory_requests_fit():
    """When the mandatory requests fit together there is nothing to diagnose."""
    prob = problem([request("a", [window("10:00", "11:00")], 30, mandatory=True)])
    assert diagnose_infeasible(prob, FAST) is None


def test_infeasible_error_is_retold_in_plain_words():
    """The engine's error becomes one whose message is the headline and whose lines are the details."""
    prob = problem([
        request("c1", [window("10:00", "10:30")], 30, remote="phone", mandatory=True, title="Call one"),
        request("c2", [window("10:15", "10:45")], 30, remote="video", mandatory=True, title="Call two"),
    ])
    with pytest.raises(InfeasibleError) as raised:
        solve(prob, FAST)
    error = infeasible_error(prob, FAST, raised.value)
    assert str(error).startswith("Call one (Tue 27 Nov 10:00–10:30) and Call two")
    assert any("Call one ends 10:30 at the earliest" in line for line in error.conflicts)


def test_engine_error_names_the_conflicting_requests():
    """solve's InfeasibleError carries the minimal set its search found, for the diagnosis to reuse."""
    prob = problem([
        request("c1", [window("10:00", "10:30")], 30, remote="phone", mandatory=True),
        request("c2", [window("10:15", "10:45")], 30, remote="video", mandatory=True),
        request("free", [window("15:00", "16:00")], 30, remote="video", mandatory=True),
    ])
    with pytest.raises(InfeasibleError) as raised:
        solve(prob, FAST)
    assert raised.value.request_ids == ("c1", "c2")
    assert infeasible_error(prob, FAST, raised.value).request_ids == ("c1", "c2")


def test_infeasible_error_keeps_an_error_that_is_no_conflict():
    """An error that is not about the mandatory requests (a time limit) is returned unchanged."""
    prob = problem([request("a", [window("10:00", "11:00")], 30, mandatory=True)])
    original = InfeasibleError("The solver found no agenda within the limit")
    assert infeasible_error(prob, FAST, original) is original


# ----------------------------------------------------------------------------- plan reasons

def test_plan_reason_of_an_unreachable_request_names_the_travel(checked_solve):
    """The plan's own reason for an unreachable request now names the day, the place and the minutes."""
    far = request("far", [window("09:00", "09:30")], 30, place="A")
    plan = checked_solve(problem([far], travel={("H", "A"): 45})).plan
    item, = plan.unscheduled
    assert item.code == "unreachable"
    assert "Tue 27 Nov 09:00–09:30: the guest leaves Place H at 09:00 at the earliest; 45 min of " \
           "travel make 09:45 its earliest start" in item.reason


def test_request_displaced_by_a_mandatory_one_says_so(checked_solve):
    """A higher-value request pushed out by a mandatory one is not said to lose on value."""
    plan = checked_solve(problem([
        request("press", [window("10:00", "11:00")], 60, value=50, place="A", title="Press"),
        request("duty", [window("10:00", "11:00")], 60, value=5, place="A", title="Duty call",
                mandatory=True),
    ])).plan
    item, = plan.unscheduled
    assert item.request_id == "press" and item.code == "displaced"
    assert item.reason.startswith("Displaced by a mandatory request:")
    assert "the mandatory Duty call" in item.reason
    assert "more value" not in item.reason
    fit, = explain_request(plan, "press", what_if=False).windows[0].days
    assert any("value 5, mandatory" in o.text for o in fit.occupants)


def test_request_displaced_by_more_value_keeps_its_words(rival_plan):
    """Without a mandatory rival the reason still says the rivals serve more value."""
    item, = [u for u in rival_plan.unscheduled if u.request_id == "b"]
    assert "which serve more value in the agenda as a whole" in item.reason
    assert "mandatory" not in item.reason
