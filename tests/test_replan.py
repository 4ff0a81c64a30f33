"""Re-planning (scheduler.replan): the kept past, priced changes, the merged plan, versions,
calendars. Every merged plan is verified by the independent checker."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import ics
import pytest
from icalendar import Calendar

from builders import DAY, day, problem, request, t, window
from scheduler.checker import assert_valid, check_plan
from scheduler.domain import Objective, Plan, TravelRules, utc
from scheduler.errors import InfeasibleError, InputError
from scheduler.export.ics import engagement_uid
from scheduler.io import load_tour
from scheduler.planfile import agenda_places, plan_from_dict, plan_to_dict, problem_to_dict, read_plan
from scheduler.export.changes_md import changes_markdown
from scheduler.export.updates import write_replan_outputs
from scheduler.io.changes import parse_now, read_changes
from scheduler.replan import (
    Changes, change_costs_for, current_sequences, diff_plans, plan_version, replan,
)
from scheduler.resources import demo_tour
from scheduler.solve import SolveParams, solve
from test_export_ics import khal_lines

MADRID = ZoneInfo("Europe/Madrid")
PARAMS = SolveParams(time_limit=2.0, seed=0, workers=2)
TUESDAY_NOON = datetime(2018, 11, 27, 12, 0, tzinfo=MADRID)   # day two of the demo
BEFORE_THE_TOUR = datetime(2018, 11, 26, 8, 0, tzinfo=MADRID)
WED = DAY + timedelta(days=1)


def at(day_: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2018, 11, day_, hh, mm, tzinfo=MADRID)


def checked(result):
    """The result, after the independent checker has verified its plan."""
    assert_valid(plan_to_dict(result.plan))
    return result


def run(plan: Plan, now: datetime, **changes):
    """Re-plan ``plan`` from ``now`` with ``changes`` (keyword arguments of Changes), checked."""
    return checked(replan(plan, Changes(**changes), now=now, params=PARAMS))


def started_before(plan: Plan, now: datetime):
    """Engagements, legs and breaks of ``plan`` that started before ``now``."""
    setup = {r.id: r.setup_minutes for r in plan.problem.requests}
    return (
        {e for e in plan.engagements if utc(e.start) - timedelta(minutes=setup[e.request_id]) < utc(now)},
        {leg for leg in plan.travel if utc(leg.depart) < utc(now)},
        {b for b in plan.breaks if utc(b.start) < utc(now)},
    )


@pytest.fixture(scope="module")
def demo_plan() -> Plan:
    """The bundled example planned once (what `scheduler demo` writes)."""
    result = solve(load_tour(demo_tour()), SolveParams(time_limit=10.0, seed=0, workers=2))
    assert_valid(plan_to_dict(result.plan))
    return result.plan


def small_plan(requests, *, days=None, cap=6, buffer=0) -> Plan:
    """A small problem (travel 20 min between places) planned and checked."""
    result = solve(problem(requests, days=days, cap=cap, buffer=buffer), PARAMS)
    assert_valid(plan_to_dict(result.plan))
    return result.plan


# --- the plan file keeps what a re-plan needs ------------------------------------------------

def test_tour_folder_records_its_value_rule_and_travel_rules():
    """A tour read from its folder carries the value rule and the travel estimation settings."""
    tour = load_tour(demo_tour()).tour
    assert (tour.objective.value_basis, tour.objective.priority_points,
            tour.objective.audience_points) == ("priority+audience", 10, 1)
    assert tour.travel_rules.mode == "taxi" and tour.travel_rules.long_distance_mode == "train"
    assert tour.travel_rules.speeds_kmh["train"] == 250  # the tour's override of the bundled speed


def test_plan_file_round_trip_keeps_value_rule_and_travel_rules(demo_plan):
    """plan.json written and read back gives the same tour, value rule and travel rules."""
    again = plan_from_dict(json.loads(json.dumps(plan_to_dict(demo_plan))))
    assert again.problem.tour == demo_plan.problem.tour
    assert again == demo_plan


def test_plan_file_keeps_only_the_travel_its_agenda_uses(demo_plan):
    """plan.json holds every time given and the estimates between places one day of the agenda
    holds (every leg among them), and passes the checker; reading it estimates the rest again,
    the same."""
    data = plan_to_dict(demo_plan)
    table = demo_plan.problem.travel
    written = {(origin, destination) for origin, row in data["travel_minutes"].items() for destination in row}
    assert len(written) < len(table.minutes)
    assert {pair for pair in written if pair in table.estimated} <= agenda_places(demo_plan)
    assert {pair for pair in table.minutes if pair not in table.estimated} <= written
    assert {(leg.origin, leg.destination) for leg in demo_plan.travel if leg.origin != leg.destination} <= written
    assert set(data["travel_places"]) == {place for pair in table.minutes for place in pair}
    assert check_plan(data) == []
    assert plan_from_dict(json.loads(json.dumps(data))).problem.travel == table


def test_a_plan_file_with_travel_left_out_re_plans_with_a_new_place(demo_plan, tmp_path):
    """A plan read from a file that keeps only its agenda's travel re-plans: a new request at a
    place the plan never used is estimated, planned, and the new plan passes the checker and
    is written the same way."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_to_dict(demo_plan)), encoding="utf-8")
    again = read_plan(path)
    assert again == demo_plan
    csv = tmp_path / "new.csv"
    csv.write_text("id,title,kind,counterpart,location,duration,priority,audience,windows\n"
                   "ser-friday,Cadena SER: studio interview,radio,Cadena SER,MAD-SER,30,3,1200000,"
                   "Wed 16:45-18:00\n", encoding="utf-8")
    changes, _ = read_changes(again, requests_csv=csv)
    result = run(again, TUESDAY_NOON, **vars(changes))
    assert [e.request_id for e in result.diff.added] == ["ser-friday"]
    data = plan_to_dict(result.plan)
    assert "travel_places" in data and plan_from_dict(json.loads(json.dumps(data))) == result.plan


def test_old_plan_file_without_the_new_fields_loads_with_defaults(demo_plan):
    """A plan file written before these fields existed still loads: defaults, no travel rules."""
    data = plan_to_dict(demo_plan)
    assert data["schema_version"] == 2
    whole = problem_to_dict(demo_plan.problem)  # such a file held every pair of travel
    data.update(travel_minutes=whole["travel_minutes"], travel_estimated=whole["travel_estimated"],
                schema_version=1)
    del data["travel_places"]
    del data["tour"]["travel_rules"]
    for key in ("value_basis", "priority_points", "audience_points"):
        del data["tour"]["objective"][key]
    tour = plan_from_dict(data).problem.tour
    assert tour.travel_rules is None
    assert tour.objective == Objective(1000, 10, 1)


def test_travel_rules_refuse_an_unknown_mode():
    """Travel rules whose mode has no speed cannot be built."""
    with pytest.raises(ValueError):
        TravelRules("bike", 1.3, 80.0, "train", {"train": 250.0}, {"train": 60})


# --- reading the changes -----------------------------------------------------------------------

def test_bad_changes_name_every_problem(demo_plan):
    """Unknown ids (with a suggestion), unreadable windows and a bad pin are reported together."""
    with pytest.raises(InputError) as caught:
        read_changes(demo_plan, cancel=["podemo"], unavailable=["xx=Tue", "elpais=Tux 10:00", "nowindow"],
                     pin=["pp"])
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "unknown request `podemo`" in text and "podemos" in text
    assert "unknown request `xx`" in text
    assert "Tux" in text
    assert "ID=WINDOWS" in text
    assert "`pp` is not in the agenda" in text
    assert len(caught.value.problems) == 5


def test_now_without_offset_is_in_the_tour_zone():
    """`2018-11-27 12:00` is noon in Madrid; an explicit offset is kept as that instant."""
    assert parse_now("2018-11-27 12:00", MADRID) == TUESDAY_NOON
    assert utc(parse_now("2018-11-27T11:00+00:00", MADRID)) == utc(TUESDAY_NOON)


def test_unreadable_now_is_bad_input():
    """A `now` that is not a date and time is an input problem."""
    with pytest.raises(InputError, match="not a date and time"):
        parse_now("tuesday noon", MADRID)


def test_changes_file_carries_many_changes(demo_plan, tmp_path):
    """A TOML changes file gives now, delay, cancellations, pins and unavailable windows."""
    path = tmp_path / "changes.toml"
    path.write_text('now = 2018-11-27T12:00:00\ndelay_minutes = 10\ncancel = ["podemos"]\n'
                    'pin = ["psoe"]\n[unavailable]\nelpais = "Wed 10:00-12:00"\n', encoding="utf-8")
    changes, now = read_changes(demo_plan, changes_file=path)
    assert now == TUESDAY_NOON
    assert changes.cancel == ("podemos",) and changes.pin == ("psoe",) and changes.delay_minutes == 10
    [hole] = changes.unavailable["elpais"]
    assert (hole.start, hole.end) == (at(28, 10), at(28, 12))


def test_changes_file_with_an_unknown_key_is_refused(demo_plan, tmp_path):
    """A key the changes file does not know is a problem, with a suggestion."""
    path = tmp_path / "changes.toml"
    path.write_text('cancels = ["podemos"]\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown key `cancels`"):
        read_changes(demo_plan, changes_file=path)


def test_changing_what_is_done_is_refused(demo_plan):
    """Cancelling an engagement that already took place is an input problem."""
    with pytest.raises(InputError, match="already taken place or is under way"):
        replan(demo_plan, Changes(cancel=("telemadrid",)), now=TUESDAY_NOON, params=PARAMS)


# --- what stays -------------------------------------------------------------------------------

def test_no_changes_returns_the_same_agenda(demo_plan):
    """Re-planning with no change keeps every engagement, meal and travel leg as it was."""
    result = run(demo_plan, TUESDAY_NOON)
    assert result.plan.engagements == demo_plan.engagements
    assert result.plan.breaks == demo_plan.breaks
    assert result.plan.travel == demo_plan.travel
    assert result.diff.is_empty and not result.sequences


def test_no_changes_before_the_tour_returns_the_same_agenda(demo_plan):
    """Re-planning the whole tour (now before it starts) without changes keeps the agenda."""
    result = run(demo_plan, BEFORE_THE_TOUR)
    assert result.plan.engagements == demo_plan.engagements
    assert result.plan.travel == demo_plan.travel


def test_engagements_before_now_are_identical(demo_plan):
    """What started before now (engagements, legs, meals) is in the new plan unchanged."""
    result = run(demo_plan, TUESDAY_NOON, cancel=("podemos",))
    engagements, legs, breaks = started_before(demo_plan, TUESDAY_NOON)
    assert engagements <= set(result.plan.engagements)
    assert legs <= set(result.plan.travel)
    assert breaks <= set(result.plan.breaks)
    assert started_before(result.plan, TUESDAY_NOON) == (engagements, legs, breaks)


def test_engagement_in_progress_stays(demo_plan):
    """At 12:55 the PSOE meeting (12:50–13:50) is under way: it stays, nothing starts before its end."""
    now = at(27, 12, 55)
    result = run(demo_plan, now, cancel=("podemos",))
    psoe = demo_plan.engagement("psoe")
    assert result.plan.engagement("psoe") == psoe
    later = [e for e in result.plan.engagements if e.day == psoe.day and utc(e.start) > utc(now)]
    assert all(utc(e.start) >= utc(psoe.end) for e in later)


def test_guest_on_the_way_keeps_the_engagement_ahead(demo_plan):
    """At 12:30 the guest is in the taxi to PSOE: the meeting stays and the plan holds together."""
    result = run(demo_plan, at(27, 12, 30), cancel=("podemos",))
    assert result.plan.engagement("psoe") == demo_plan.engagement("psoe")
    assert not result.warnings


STOP_OVERS = {
    "cancelled while travelling": (at(27, 12, 40), {"cancel": ("psoe",)}, at(27, 12, 46)),
    "cancelled while waiting there": (at(27, 12, 48), {"cancel": ("psoe",)}, at(27, 12, 48)),
    "moved to another day": (at(27, 12, 40), {"unavailable": {"psoe": (window("12:30", "14:00"),)}},
                             at(27, 12, 46)),
    "cancelled, and the guest late": (at(27, 12, 40), {"cancel": ("psoe",), "delay_minutes": 30},
                                      at(27, 13, 16)),
}


def ride_to_psoe(plan: Plan):
    """Tuesday's ride from Telemadrid to PSOE (12:15–12:46 in the demo plan)."""
    return next(leg for leg in plan.travel if leg.day == DAY and leg.destination == "MAD-PSOE")


@pytest.mark.parametrize("case", list(STOP_OVERS), ids=list(STOP_OVERS))
def test_stop_over_when_the_engagement_ahead_cannot_happen(demo_plan, case):
    """PSOE cancelled (or moved) while the guest rides there, 12:15–12:46: the ride has departed
    and stays, the guest arrives at PSOE, and the rest of Tuesday starts there, at the arrival
    (or at now, or later by the delay). The re-plan warns; the checker passes the plan."""
    now, changes, free = STOP_OVERS[case]
    result = run(demo_plan, now, **changes)
    [warning] = result.warnings
    assert "on the way to PSOE" in warning and "stop-over" in warning
    ride = ride_to_psoe(demo_plan)
    assert utc(ride.depart) < utc(now) and ride in result.plan.travel
    assert result.plan.engagement("psoe") is None or result.plan.engagement("psoe").day != DAY
    tuesday = sorted((leg for leg in result.plan.travel if leg.day == DAY), key=lambda leg: utc(leg.depart))
    onwards = tuesday[tuesday.index(ride) + 1]
    assert onwards.origin == "MAD-PSOE" and utc(onwards.depart) >= utc(free)
    later = [e for e in result.plan.engagements if e.day == DAY and utc(e.start) > utc(now)]
    assert all(utc(e.start) >= utc(free) for e in later)


def test_stop_over_is_where_and_when_the_rest_of_the_day_starts(demo_plan):
    """The remaining problem's Tuesday starts at PSOE at the ride's arrival (12:46), or later
    by the delay: that is the day the solver gets."""
    from scheduler.replan.changes import apply_changes
    from scheduler.replan.cut import cut_days
    from scheduler.replan.remainder import remaining_problem

    ride = ride_to_psoe(demo_plan)
    for delay, start in ((0, ride.arrive), (30, ride.arrive + timedelta(minutes=30))):
        changes = Changes(cancel=("psoe",), delay_minutes=delay)
        cuts = cut_days(demo_plan, at(27, 12, 40), delay)
        remaining = remaining_problem(apply_changes(demo_plan.problem, changes), cuts)
        [tuesday] = [d for d in remaining.problem.tour.days if d.date == DAY]
        assert tuesday.start_location == ride.destination == "MAD-PSOE"
        assert utc(tuesday.start) == utc(start)


def test_stop_overs_follow_each_other_and_stay_valid(demo_plan):
    """A second re-plan, Podemos cancelled at 12:50 while the guest rides on from PSOE to it,
    makes a second stop-over; a re-plan the next morning keeps the day as it was."""
    second = run(demo_plan, at(27, 12, 40), cancel=("psoe",))
    third = run(second.plan, at(27, 12, 50), cancel=("podemos",))
    assert "on the way to Podemos" in " ".join(third.warnings)
    tuesday = sorted((leg for leg in third.plan.travel if leg.day == DAY), key=lambda leg: utc(leg.depart))
    assert [(leg.origin, leg.destination) for leg in tuesday][1:] == [
        ("MAD-TELEMADRID", "MAD-PSOE"), ("MAD-PSOE", "MAD-PODEMOS"), ("MAD-PODEMOS", "HOTEL-MAD")]
    fourth = run(second.plan, at(28, 8))
    assert fourth.diff.is_empty
    assert {leg for leg in fourth.plan.travel if leg.day == DAY} == \
        {leg for leg in second.plan.travel if leg.day == DAY}


def test_a_stop_over_is_not_valid_without_the_replan_moment(demo_plan):
    """The same plan with the last re-plan's moment before the ride departed (or no history
    at all) sends the guest to PSOE for nothing: the checker refuses the legs of Tuesday."""
    result = run(demo_plan, at(27, 12, 40), cancel=("psoe",))
    data = plan_to_dict(result.plan)
    data["history"][-1]["now"] = "2018-11-27T12:15:00+01:00"
    violations = check_plan(data)
    assert violations and {v.rule for v in violations} <= {"leg_unexpected", "leg_missing"}
    assert {v.day for v in violations} == {"2018-11-27"}
    data["history"] = []
    assert {v.rule for v in check_plan(data)} == {v.rule for v in violations}


def test_a_plan_with_a_stop_over_exports(demo_plan, tmp_path):
    """The calendars and run sheets of a plan with a stop-over: the ride to PSOE and the ride
    on from there are travel events, PSOE is cancelled, and the run sheets show both rides."""
    result = run(demo_plan, at(27, 12, 40), cancel=("psoe",))
    files = write_replan_outputs(result, tmp_path, pdf=False)
    assert not files.skipped
    assert_valid(json.loads((tmp_path / "plan.json").read_text(encoding="utf-8")))
    calendar = ics.Calendar((tmp_path / "agenda.ics").read_text(encoding="utf-8"))
    events = {event.uid: event for event in calendar.events}
    assert events["psoe@spain-2018.scheduler"].status == "CANCELLED"
    ride = events["2018-11-27.MAD-TELEMADRID.MAD-PSOE@travel.spain-2018.scheduler"]
    onwards = events["2018-11-27.MAD-PSOE.MAD-PODEMOS@travel.spain-2018.scheduler"]
    assert ride.status != "CANCELLED" and onwards.status != "CANCELLED"
    assert (ride.begin.datetime, ride.end.datetime) == (at(27, 12, 15), at(27, 12, 46))
    assert ride.end.datetime <= onwards.begin.datetime
    for name in ("agenda.md", "agenda-guest.md", "agenda.html", "agenda-guest.html", "agenda.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "leave 12:15" in text or "12:15" in text, name
        assert "12:46" in text, name
    team = (tmp_path / "agenda.md").read_text(encoding="utf-8")
    assert "12:15–12:46 Travel: Telemadrid (Ciudad de la Imagen) → PSOE, sede federal" in team
    assert "12:46–12:54 Travel: PSOE, sede federal → Podemos, sede estatal" in team
    assert [p.name for p in (tmp_path / "invites").iterdir()] == ["psoe.ics"]


# --- what changes, and what it costs ----------------------------------------------------------

def test_cancelled_request_leaves_the_problem(demo_plan):
    """A cancelled request is in neither requests, engagements nor unscheduled; the history has it."""
    result = run(demo_plan, TUESDAY_NOON, cancel=("podemos",))
    plan = result.plan
    assert "podemos" not in {r.id for r in plan.problem.requests}
    assert plan.engagement("podemos") is None
    assert "podemos" not in {u.request_id for u in plan.unscheduled}
    assert plan.history[-1]["changes"]["cancel"] == ["podemos"]
    [dropped] = result.diff.dropped
    assert dropped.request_id == "podemos" and dropped.cancelled


@pytest.mark.parametrize("cancelled", ["telemadrid", "elpais", "activists", "europapress",
                                       "lavanguardia", "amnistia"])
def test_cancelling_one_moves_nothing_else_unless_more_value(demo_plan, cancelled):
    """After a cancellation, any engagement that moved or dropped is paid by more value served
    than keeping the rest where it was."""
    result = run(demo_plan, BEFORE_THE_TOUR, cancel=(cancelled,))
    value = {r.id: r.value for r in demo_plan.problem.requests}
    keeping_the_rest = demo_plan.value_served - value[cancelled]
    others_changed = result.diff.moved + tuple(d for d in result.diff.dropped if not d.cancelled)
    if others_changed:
        assert result.plan.value_served > keeping_the_rest
    else:
        assert result.plan.value_served >= keeping_the_rest


def test_freed_time_goes_to_a_waiting_request(demo_plan):
    """Cancelling Telemadrid on Monday morning lets the waiting PP meeting in (Tuesday 10:00–11:30)."""
    assert demo_plan.engagement("pp") is None
    result = run(demo_plan, BEFORE_THE_TOUR, cancel=("telemadrid",))
    assert [e.request_id for e in result.diff.added] == ["pp"]
    assert not result.diff.moved


def test_a_shift_is_made_when_it_serves_more_value():
    """Once x is cancelled, shifting y by 30 minutes makes room for the waiting w: value rises."""
    old = small_plan([request("x", [window("10:00", "11:00")], value=30),
                      request("y", [window("11:00", "12:30")], value=25),
                      request("w", [window("10:30", "12:00")], value=20)],
                     days=[day(start="09:00", end="13:30")])
    assert old.engagement("w") is None and old.engagement("y").start == t("11:00")
    result = run(old, t("08:00"), cancel=("x",))
    [moved] = result.diff.moved
    assert moved.request_id == "y" and result.plan.engagement("y").start == t("11:30")
    assert [e.request_id for e in result.diff.added] == ["w"]
    assert result.plan.value_served > old.value_served - 30


def test_a_shift_that_serves_no_more_value_is_not_made():
    """A small gain in value does not pay for moving a confirmed engagement across the day."""
    old = small_plan([request("x", [window("10:00", "11:00")], value=30),
                      request("y", [window("11:00", "12:30")], value=25),
                      request("w", [window("10:30", "12:00")], value=1)],
                     days=[day(start="09:00", end="13:30")])
    result = run(old, t("08:00"), cancel=("x",))
    assert not result.diff.moved and not result.diff.added


def test_change_costs_rank_shift_move_drop_and_outweigh_travel():
    """A shift costs less than a move to another day, which costs less than a drop; each costs
    more than travel and span could gain on the days it touches."""
    sub = problem([], days=[day(start="09:00", end="20:00")])
    costs = change_costs_for(sub)
    guard = (10 + 1) * 11 * 60
    assert guard < costs.shift < costs.move_day < costs.drop
    assert costs.move_day > 2 * guard


def test_unavailable_window_is_cut_out(demo_plan):
    """PSOE no longer free on Tuesday: its meeting moves to its Wednesday window."""
    result = run(demo_plan, TUESDAY_NOON, unavailable={"psoe": (window("12:30", "14:00"),)})
    psoe = result.plan.engagement("psoe")
    assert psoe.day == WED
    assert all(not w.overlaps(window("12:30", "14:00")) for w in result.plan.problem.request("psoe").windows)
    [moved] = result.diff.moved
    assert moved.request_id == "psoe" and moved.changed_day


def test_delay_starts_the_rest_of_the_day_later(demo_plan):
    """45 minutes late at noon: nothing new starts before 12:15 + 45 (Telemadrid's buffer, then
    the delay), and PSOE, out of reach, moves to Wednesday."""
    result = run(demo_plan, TUESDAY_NOON, delay_minutes=45)
    free = at(27, 13, 0)
    for leg in result.plan.travel:
        if leg.day == DAY and utc(leg.depart) >= utc(TUESDAY_NOON):
            assert utc(leg.depart) >= utc(free)
    assert result.plan.engagement("psoe").day == WED


def test_a_meal_with_no_room_left_is_reported(demo_plan):
    """Five hours late on the Barcelona train: Thursday's meal cannot fit any more; it is said."""
    result = run(demo_plan, at(29, 11, 0), delay_minutes=300)
    assert any("meal" in warning for warning in result.warnings)


def test_a_day_ends_later_when_the_guest_cannot_be_back_in_time():
    """An hour late at the end of the day: the day's end moves to when the guest can be back,
    with a warning, and the plan still keeps every rule."""
    old = small_plan([request("a", [window("18:00", "19:30")], duration=90)],
                     days=[day(start="09:00", end="20:00")])
    result = run(old, t("19:00"), delay_minutes=60)
    [warning] = result.warnings
    assert "cannot be back" in warning
    assert result.plan.problem.tour.days[0].end == t("20:50")
    assert result.plan.engagement("a") == old.engagement("a")


def test_pin_keeps_an_engagement_where_it_is(demo_plan):
    """A pinned engagement stays at its time even when other changes move things around it."""
    result = run(demo_plan, TUESDAY_NOON, unavailable={"elpais": (window("10:00", "12:00", WED),)},
                 pin=("europapress",))
    assert result.plan.engagement("europapress") == demo_plan.engagement("europapress")


def test_pin_that_cannot_stay_is_named(demo_plan):
    """Pinning Podemos while the guest runs 5 hours late fails and names the engagement."""
    with pytest.raises(InfeasibleError) as caught:
        replan(demo_plan, Changes(pin=("podemos",), delay_minutes=300), now=TUESDAY_NOON, params=PARAMS)
    assert any("[podemos]" in line for line in caught.value.conflicts)


def test_mandatory_that_cannot_be_kept_is_named(demo_plan):
    """PSOE (mandatory) unavailable in both of its windows: the re-plan fails naming it."""
    holes = (window("12:30", "14:00"), window("17:00", "18:30", WED))
    with pytest.raises(InfeasibleError) as caught:
        replan(demo_plan, Changes(unavailable={"psoe": holes}), now=TUESDAY_NOON, params=PARAMS)
    assert "mandatory" in str(caught.value)
    assert any("[psoe]" in line for line in caught.value.conflicts)


def test_new_request_is_added_and_valued_by_the_plans_rule(demo_plan, tmp_path):
    """A request from a CSV, at a bundled place, is valued by the plan's rule and planned;
    travel to its place is estimated with the plan's travel rules."""
    csv = tmp_path / "new.csv"
    csv.write_text("id,title,kind,counterpart,location,duration,priority,audience,windows\n"
                   "ser-friday,Cadena SER: studio interview,radio,Cadena SER,MAD-SER,30,3,1200000,"
                   "Wed 16:45-18:00\n", encoding="utf-8")
    changes, _ = read_changes(demo_plan, requests_csv=csv)
    result = run(demo_plan, TUESDAY_NOON, **vars(changes))
    request_ = result.plan.problem.request("ser-friday")
    assert request_.value == 3 * 10 + 12  # priority × 10 + audience / 100,000 × 1
    assert [e.request_id for e in result.diff.added] == ["ser-friday"]
    assert result.plan.problem.travel.is_estimate("MAD-CONGRESO", "MAD-SER")


def test_edited_request_replaces_the_old_one(demo_plan, tmp_path):
    """A CSV row with an existing id replaces that request; same slot, new title: updated."""
    csv = tmp_path / "edit.csv"
    csv.write_text("id,title,kind,counterpart,location,duration,priority,audience,windows\n"
                   "elpais,El País: interview (with video),print,El País,MAD-ELPAIS,60,4,1500000,"
                   "Wed 10:00-12:00\n", encoding="utf-8")
    changes, _ = read_changes(demo_plan, requests_csv=csv)
    result = run(demo_plan, TUESDAY_NOON, **vars(changes))
    assert result.plan.problem.request("elpais").title == "El País: interview (with video)"
    assert [e.request_id for e in result.diff.updated] == ["elpais"]
    assert result.sequences[engagement_uid("spain-2018", "elpais")] == 1


def test_cap_holds_on_a_day_already_under_way():
    """With a cap of 2 and one engagement done, only one more fits in the rest of the day."""
    old = small_plan([request("a", [window("09:30", "10:30")], value=30),
                      request("b", [window("14:00", "15:00")], value=30),
                      request("c", [window("12:00", "13:00")], value=10, place="B"),
                      request("d", [window("16:00", "17:00")], value=12, place="C")], cap=2)
    assert {e.request_id for e in old.engagements} == {"a", "b"}
    result = run(old, t("11:00"), cancel=("b",))
    assert len(result.plan.engagements) == 2
    assert {e.request_id for e in result.plan.engagements} == {"a", "d"}


def test_a_request_whose_chance_passed_keeps_its_reason(demo_plan):
    """PP, displaced on Tuesday morning, keeps its reason once that morning is over."""
    result = run(demo_plan, TUESDAY_NOON, cancel=("podemos",))
    before = {u.request_id: u for u in demo_plan.unscheduled}
    after = {u.request_id: u for u in result.plan.unscheduled}
    assert after["pp"] == before["pp"]
    assert after["ser-weekend"].code == "no_window"


# --- versions, sequences, the diff -------------------------------------------------------------

def test_history_keeps_every_version(demo_plan):
    """Two re-plans: the history holds versions 1, 2 and 3 with their time, changes and summary,
    and survives the plan file."""
    second = run(demo_plan, TUESDAY_NOON, cancel=("podemos",)).plan
    third = run(second, at(28, 8), unavailable={"elpais": (window("10:00", "12:00", WED),)}).plan
    assert plan_version(third) == 3
    assert [entry["version"] for entry in third.history] == [1, 2, 3]
    assert third.history[1]["changes"]["cancel"] == ["podemos"]
    assert third.history[2]["now"] == "2018-11-28T08:00:00+01:00"
    assert all(entry["summary"] for entry in third.history)
    assert plan_from_dict(json.loads(json.dumps(plan_to_dict(third)))) == third


def test_sequence_counts_the_changes_of_an_event(demo_plan):
    """El País moved twice across three re-plans has SEQUENCE 2; one never changed has none."""
    hole_wed = {"elpais": (window("10:00", "12:00", WED),)}
    second = run(demo_plan, TUESDAY_NOON, unavailable=hole_wed).plan
    elpais = second.engagement("elpais")
    third = run(second, at(28, 8), unavailable={"elpais": (window("00:00", "23:59", WED),)}).plan
    assert third.engagement("elpais") != elpais
    sequences = current_sequences(third)
    assert sequences[engagement_uid("spain-2018", "elpais")] == 2
    assert engagement_uid("spain-2018", "antena3") not in sequences


def test_an_engagement_dropped_earlier_stays_cancelled(demo_plan):
    """Podemos, cancelled in version 2, is still published as cancelled by version 3."""
    second = run(demo_plan, TUESDAY_NOON, cancel=("podemos",)).plan
    third = run(second, at(28, 8))
    assert "podemos" in third.cancelled_ids
    assert third.sequences[engagement_uid("spain-2018", "podemos")] == 1


def test_diff_compares_two_agendas(demo_plan):
    """An agenda without Podemos and with El País an hour later: one dropped, one moved."""
    elpais = demo_plan.engagement("elpais")
    later = replace(elpais, start=elpais.start + timedelta(hours=1), end=elpais.end + timedelta(hours=1))
    engagements = tuple(later if e is elpais else e for e in demo_plan.engagements
                        if e.request_id != "podemos")
    diff = diff_plans(demo_plan, replace(demo_plan, engagements=engagements), cancelled=["podemos"])
    assert [m.request_id for m in diff.moved] == ["elpais"]
    assert [d.request_id for d in diff.dropped] == ["podemos"] and diff.dropped[0].cancelled
    assert len(diff.kept) == len(demo_plan.engagements) - 2
    assert diff.summary() == f"{len(diff.kept)} kept, 1 moved, 1 dropped, 0 added"


def test_changes_text_lists_each_change_with_times(demo_plan):
    """changes.md names what was dropped and moved with old → new times, and the invitations."""
    result = run(demo_plan, TUESDAY_NOON, unavailable={"psoe": (window("12:30", "14:00"),)})
    text = changes_markdown(result)
    assert "## Moved" in text
    assert "[psoe]: Tue 27 Nov 12:50–13:50 → Wed 28 Nov" in text
    assert "psoe.ics: updated invitation" in text
    assert "## Kept" in text and "[antena3]" in text


# --- files ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def written(demo_plan, tmp_path_factory):
    """Version 1 exported as `plan` does, then re-planned (Podemos cancelled) into a new folder."""
    from scheduler.export import write_all
    from scheduler.planfile import write_plan

    first = tmp_path_factory.mktemp("v1")
    write_plan(demo_plan, first / "plan.json")
    write_all(demo_plan, first, (("ics", "guest"), ("invites", "team")))
    result = replan(read_plan(first / "plan.json"), Changes(cancel=("podemos",)), now=TUESDAY_NOON,
                    params=PARAMS)
    second = tmp_path_factory.mktemp("v2")
    files = write_replan_outputs(result, second, pdf=False)
    return first, second, result, files


def test_versions_are_kept_and_plan_json_is_the_latest(written):
    """versions/ holds v1 and v2; plan.json is v2 and passes the checker."""
    _, out, result, _ = written
    assert sorted(p.name for p in (out / "versions").iterdir()) == ["plan-v1.json", "plan-v2.json"]
    assert read_plan(out / "plan.json") == result.plan
    assert read_plan(out / "versions" / "plan-v1.json") == result.previous
    assert_valid(json.loads((out / "plan.json").read_text(encoding="utf-8")))


def test_a_later_version_never_overwrites_an_earlier_one(written, tmp_path):
    """Re-planning into the same folder adds plan-v3.json and keeps the old plan.json as a copy."""
    _, out, result, _ = written
    folder = tmp_path / "chain"
    write_replan_outputs(result, folder, pdf=False)
    v2 = (folder / "versions" / "plan-v2.json").read_bytes()
    third = replan(result.plan, Changes(), now=at(28, 8), params=PARAMS)
    write_replan_outputs(third, folder, pdf=False)
    assert (folder / "versions" / "plan-v2.json").read_bytes() == v2
    assert (folder / "versions" / "plan-v3.json").is_file()
    assert (folder / "plan.json.~1~").read_bytes() == v2


def test_only_changed_counterparts_get_an_invitation(written):
    """invites/ holds only Podemos's cancellation (METHOD:CANCEL, SEQUENCE 1, same UID)."""
    _, out, _, _ = written
    assert [p.name for p in (out / "invites").iterdir()] == ["podemos.ics"]
    calendar = Calendar.from_ical((out / "invites" / "podemos.ics").read_bytes())
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "podemos@spain-2018.scheduler"
    assert event.decoded("SEQUENCE") == 1 and str(event["STATUS"]) == "CANCELLED"


def test_guest_calendar_raises_sequence_and_cancels_with_an_independent_parser(written):
    """Read by the `ics` package: Podemos CANCELLED with SEQUENCE 1, the rest CONFIRMED and 0;
    travel legs that no longer happen are CANCELLED too."""
    _, out, _, _ = written
    calendar = ics.Calendar((out / "agenda.ics").read_text(encoding="utf-8"))
    events = {event.uid: event for event in calendar.events}

    def sequence(event) -> int:
        return int(next((line.value for line in event.extra if line.name == "SEQUENCE"), "0"))

    podemos = events["podemos@spain-2018.scheduler"]
    assert podemos.status == "CANCELLED" and sequence(podemos) == 1
    assert podemos.name.startswith("Cancelled: Meeting with Podemos")
    psoe = events["psoe@spain-2018.scheduler"]
    assert psoe.status == "CONFIRMED" and sequence(psoe) == 0
    gone = events["2018-11-27.MAD-PODEMOS.HOTEL-MAD@travel.spain-2018.scheduler"]
    assert gone.status == "CANCELLED" and sequence(gone) == 1


def khal_list(folder: Path, files: list[Path], first: str, last: str) -> list[str]:
    """Import ``files`` in order into one khal calendar and list the days as start|title|status."""
    return [line.strip() for line in khal_lines(folder, files, "Europe/Madrid", first, last,
                                                fmt="{start}|{title}|{status}")]


def test_khal_updates_rather_than_duplicates(written, tmp_path):
    """khal, having imported version 1, shows each event once after importing version 2, with
    Podemos cancelled."""
    first, second, _, _ = written
    lines = khal_list(tmp_path, [first / "agenda.ics", second / "agenda.ics"], "2018-11-27", "2018-11-27")
    assert len(lines) == len(set(lines))
    podemos = [line for line in lines if "Meeting with Podemos" in line]
    assert podemos == ["2018-11-27 17:00|Cancelled: Meeting with Podemos, international secretariat|CANCELLED"]
    assert sum("Meeting with PSOE" in line for line in lines) == 1
    alone = khal_list(tmp_path / "alone", [second / "agenda.ics"], "2018-11-27", "2018-11-27")
    assert len(lines) == len(alone)

