"""Shared resources of a single-guest tour: read, planned within their hours, written, checked, explained."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from builders import DAY, problem, request, t, window
from checker_resource_cases import with_escort
from factories import small_plan
from test_heuristic import heuristic_checked

from scheduler.checker import check_plan
from scheduler.domain import DomainError, Resource, Window
from scheduler.errors import InputError
from scheduler.io.load import load_tour
from scheduler.planfile import plan_from_dict, plan_to_dict
from scheduler.reasons import pruned_reason
from conftest import solve_checked

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spain-2018"


def interpreter(resource_id: str, start: str, end: str, **kw) -> Resource:
    return Resource(resource_id, f"Interpreter {resource_id}", kw.pop("kind", "interpreter"),
                    (Window(t(start), t(end)),), **kw)


def with_resources(requests, resources, **kw):
    base = problem([replace(r, needs=()) for r in requests], **kw)
    return replace(base, requests=tuple(requests), resources=tuple(resources))


# ------------------------------------------------------------------ reading tour folders

def copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "tour"
    shutil.copytree(EXAMPLE, folder)
    return folder


def test_the_example_has_its_escort_and_the_interviews_in_spanish_need_it():
    """spain-2018: escort-1 with the guest's hours (07:30 on Wednesday); two phone interviews need it."""
    loaded = load_tour(EXAMPLE)
    (escort,) = loaded.resources
    assert (escort.id, escort.kind, escort.travels) == ("escort-1", "escort", True)
    assert [w.start.strftime("%a %H:%M") for w in escort.hours][2] == "Wed 07:30"
    assert {r.id: r.needs for r in loaded.requests if r.needs} == {
        "noticiero": ("escort-1",), "closet": ("kind:escort",)}


def _rewrite(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _issues(folder: Path) -> list:
    with pytest.raises(InputError) as raised:
        load_tour(folder)
    return raised.value.problems


def test_an_unknown_resource_id_is_named_with_line_field_and_suggestion(tmp_path):
    folder = copy_example(tmp_path)
    _rewrite(folder, "requests.csv", ",escort-1\n", ",escort-2\n")
    (issue,) = _issues(folder)
    assert (issue.file, issue.field, issue.line) == ("requests.csv", "needs", 16)
    assert "`escort-2` is not a resource" in issue.message and "escort-1" in issue.message


def test_an_unknown_kind_is_named_with_a_suggestion(tmp_path):
    folder = copy_example(tmp_path)
    _rewrite(folder, "requests.csv", ",kind:escort\n", ",kind:escorts\n")
    (issue,) = _issues(folder)
    assert (issue.file, issue.field, issue.line) == ("requests.csv", "needs", 18)
    assert "kind `escorts`" in issue.message and "escort" in issue.message


def test_a_need_that_is_not_a_word_is_a_problem_of_its_cell(tmp_path):
    folder = copy_example(tmp_path)
    _rewrite(folder, "requests.csv", ",kind:escort\n", ",kind:an escort\n")
    (issue,) = _issues(folder)
    assert (issue.field, issue.line) == ("needs", 18)


def test_a_room_needed_away_from_its_place_is_a_problem(tmp_path):
    """A resource that does not travel must be where the request is (or the request remote)."""
    folder = copy_example(tmp_path)
    _rewrite(folder, "tour.toml", "[meal]  ", '[[resources]]\nid = "room"\nkind = "room"\n'
             'travels = false\nlocation = "CASA-ENCENDIDA"\n\n[meal]  ')
    _rewrite(folder, "requests.csv", ",kind:escort\n", ",kind:escort;room\n")  # closet is remote: fine
    _rewrite(folder, "requests.csv", "Only slot offered: the spokesperson flies to Brussels on Tuesday "
             "afternoon.,", "Only slot offered: the spokesperson flies to Brussels on Tuesday afternoon.,room")
    (issue,) = _issues(folder)
    assert (issue.field, issue.line) == ("needs", 3)
    assert "stays at its own place" in issue.message


def test_a_misspelt_key_of_a_resource_is_named(tmp_path):
    folder = copy_example(tmp_path)
    _rewrite(folder, "tour.toml", 'travels = true                    # goes', 'travel = true  # goes')
    assert any(issue.field == "resources.travel" and "did you mean" in issue.message
               for issue in _issues(folder))


def test_hours_on_a_day_off_the_tour_are_named_with_their_line(tmp_path):
    folder = copy_example(tmp_path)
    _rewrite(folder, "tour.toml", 'date = 2018-11-28\nstart = "07:30"\n\n[meal]',
             'date = 2018-12-28\nstart = "07:30"\n\n[meal]')
    (issue,) = _issues(folder)
    assert issue.field == "resources.hours.day.date" and "not a working day" in issue.message
    lines = (folder / "tour.toml").read_text(encoding="utf-8").splitlines()
    assert lines[issue.line - 1] == "date = 2018-12-28"


# ------------------------------------------------------------------ the engine

def test_a_needed_resource_is_used_only_within_its_hours():
    """The interpreter works 12:00-14:00: the meeting lands inside, not at the guest's 09:00."""
    needs = request("a", [window("09:00", "18:00")], needs=("ana",))
    result = solve_checked(with_resources([needs], [interpreter("ana", "12:00", "14:00")]))
    (engagement,) = result.plan.engagements
    assert t("12:00") <= engagement.start and engagement.end <= t("14:00")
    assert engagement.resources == ("ana",)


def test_any_of_a_kind_is_chosen_by_the_solver_where_its_hours_hold():
    """Two interpreters; only the second one works during the window: it is chosen."""
    needs = request("a", [window("15:00", "17:00")], needs=("kind:interpreter",))
    resources = [interpreter("ana", "09:00", "13:00"), interpreter("ben", "14:00", "18:00")]
    result = solve_checked(with_resources([needs], resources))
    assert result.plan.engagements[0].resources == ("ben",)


def test_set_up_counts_within_the_hours():
    """TV make-up of 30 minutes: a window opening as the escort starts cannot start then."""
    needs = request("tv", [window("10:00", "12:00")], duration=30, setup_minutes=30, needs=("escort",))
    result = solve_checked(with_resources([needs], [interpreter("escort", "10:00", "12:00", kind="escort")]))
    assert result.plan.engagements[0].start >= t("10:30")


def test_the_heuristic_respects_the_hours_and_picks_the_first_candidate_that_holds():
    requests = [request("a", [window("09:00", "18:00")], needs=("kind:interpreter",)),
                request("b", [window("15:00", "17:00")], place="B", needs=("kind:interpreter",))]
    resources = [interpreter("ana", "09:00", "13:00"), interpreter("ben", "09:00", "18:00")]
    _, _, built = heuristic_checked(with_resources(requests, resources))
    used = {e.request_id: e.resources for e in built.plan.engagements}
    assert used["b"] == ("ben",)
    start = {e.request_id: e.start for e in built.plan.engagements}["a"]
    assert used["a"] == (("ana",) if start < t("12:00") else ("ben",))


def test_a_resource_that_is_never_there_leaves_the_request_out_and_says_who():
    """The escort is off during every window: the request is left out, and the reason names the escort."""
    needs = request("a", [window("15:00", "17:00")], needs=("escort",))
    prob = with_resources([needs], [interpreter("escort", "10:00", "14:00", kind="escort")])
    result = solve_checked(prob)
    (left_out,) = result.plan.unscheduled
    assert left_out.code == "no_resource"
    assert "Interpreter escort is off then: hours Tue 27 Nov 10:00–14:00" in left_out.reason
    assert pruned_reason(prob, prob.requests[0], "no_resource") == left_out.reason


def test_the_domain_refuses_a_need_no_resource_meets():
    with pytest.raises(DomainError):
        with_resources([request("a", [window("09:00", "18:00")], needs=("kind:car",))],
                       [interpreter("ana", "09:00", "13:00")])


# ------------------------------------------------------------------ the plan file

def test_resources_survive_the_plan_file_and_old_plans_stay_readable():
    needs = request("a", [window("15:00", "17:00")], needs=("kind:interpreter",))
    resources = [interpreter("ana", "09:00", "13:00"), interpreter("ben", "14:00", "18:00")]
    plan = solve_checked(with_resources([needs], resources)).plan
    data = plan_to_dict(plan)
    assert data["engagements"][0]["resources"] == ["ben"]
    assert data["requests"][0]["needs"] == ["kind:interpreter"]
    assert [r["id"] for r in data["resources"]] == ["ana", "ben"]
    assert plan_from_dict(json.loads(json.dumps(data))) == plan
    old = plan_to_dict(small_plan())
    assert "resources" not in old and "resources" not in old["engagements"][0]
    assert plan_from_dict(old).problem.resources == ()


def test_a_room_used_twice_at_once_is_reported():
    """With one guest a room used twice at once is also the guest in two places: both rules."""
    data = plan_to_dict(small_plan())
    with_escort(data, needs=["kind:room"], uses=["room-1"])
    radio = next(r for r in data["requests"] if r["id"] == "radio")
    radio["needs"] = ["room-1"]
    engagement = next(e for e in data["engagements"] if e["request_id"] == "radio")
    engagement["resources"] = ["room-1"]
    assert check_plan(data) == []  # 10:00-11:00 and 12:00-12:30: the room is free between
    engagement["start"], engagement["end"] = "2018-10-26T10:59:00+02:00", "2018-10-26T11:29:00+02:00"
    radio["windows"] = [["2018-10-26T10:00:00+02:00", "2018-10-26T13:00:00+02:00"]]
    radio["windows_text"] = {"own": "2018-10-26 10:00-13:00", "available": [], "unavailable": [],
                             "absolute": False}
    assert {v.rule for v in check_plan(data)} >= {"resource_overlap", "overlap"}
    assert "resource_overlap" in {v.rule for v in check_plan(data)}


# ------------------------------------------------------------------ exports

def test_each_resource_gets_its_own_calendar_with_its_engagements_only(tmp_path):
    from scheduler.export import write_all

    needs = request("a", [window("15:00", "17:00")], needs=("kind:interpreter",),
                    internal_notes="secret", notes="bring the report")
    other = request("b", [window("09:00", "11:00")], place="B")
    resources = [interpreter("ana", "09:00", "13:00"), interpreter("ben", "14:00", "18:00")]
    plan = solve_checked(with_resources([needs, other], resources)).plan
    files = write_all(plan, tmp_path).files
    assert {p.name for p in files if p.parent.name == "resources"} == {"ana.ics", "ben.ics"}
    ben = (tmp_path / "resources" / "ben.ics").read_text(encoding="utf-8")
    assert "SUMMARY:Request a" in ben and "Place A" in ben
    assert "Request b" not in ben and "secret" not in ben
    assert "BEGIN:VEVENT" not in (tmp_path / "resources" / "ana.ics").read_text(encoding="utf-8")
    assert "Interpreter ben" in (tmp_path / "invites" / "a.ics").read_text(encoding="utf-8")
    assert "With the team: Interpreter ben" in (tmp_path / "agenda.md").read_text(encoding="utf-8")


def test_explain_names_the_resource_when_it_is_the_reason():
    """Window by window: the guest is free, but the escort is off then, and her hours are given."""
    from scheduler.reasons import TourMinutes, window_verdicts

    needs = request("a", [window("15:00", "17:00")], needs=("escort",))
    prob = with_resources([needs], [interpreter("escort", "10:00", "14:00", kind="escort")])
    ((_, text),) = window_verdicts(TourMinutes(prob), prob.requests[0])
    assert "Interpreter escort is off then: hours 10:00–14:00" in text
    near = with_resources([needs], [interpreter("escort", "10:00", "16:00", kind="escort")])
    ((_, text),) = window_verdicts(TourMinutes(near), near.requests[0])
    assert "it fits there alone, starting at 15:00" in text


# ------------------------------------------------------------------ re-planning

def test_new_requests_of_a_replan_are_checked_against_the_plans_resources(tmp_path):
    from scheduler.io.changes import read_changes

    needs = request("a", [window("15:00", "17:00")], needs=("kind:interpreter",))
    resources = [interpreter("ana", "09:00", "13:00"), interpreter("ben", "14:00", "18:00")]
    plan = solve_checked(with_resources([needs], resources)).plan
    header = "id,title,duration,location,windows,needs\n"
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(header + "b,New,30,B,2018-11-27 10:00-12:00,bem\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_changes(plan, requests_csv=wrong, now="2018-11-27T08:00:00")
    (issue,) = raised.value.problems
    assert (issue.field, issue.line) == ("needs", 2) and "ben" in issue.message
    right = tmp_path / "right.csv"
    right.write_text(header + "b,New,30,B,2018-11-27 10:00-12:00,kind:interpreter\n", encoding="utf-8")
    changes, now = read_changes(plan, requests_csv=right, now="2018-11-27T08:00:00")
    assert [r.needs for r in changes.requests] == [("kind:interpreter",)]
