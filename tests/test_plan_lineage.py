"""Planning a tour again into a folder whose calendars are already on phones continues their
lineage: the same UIDs with the SEQUENCE the earlier versions gave them (raised on a change),
and a cancellation for every event the earlier plan held and this one has not. Read back with
icalendar and imported into khal over the first version."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from test_export_ics import khal_lines

from scheduler import app
from scheduler.checker import check_plan_file
from scheduler.cli import main
from scheduler.export import write_all
from scheduler.io import load_tour

PARAMS = app.SolveParams(time_limit=2.0, seed=0, workers=1)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CALENDARS = (("ics", "guest"), ("ics", "team"), ("resources", "team"), ("guests", "guest"))
MADRID = "Europe/Madrid"


def events(path: Path) -> dict[str, tuple[int, str, str, str]]:
    """UID → (SEQUENCE, STATUS, DTSTART, SUMMARY) of every event of a calendar file."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): (int(e.get("SEQUENCE", 0)), str(e["STATUS"]), e["DTSTART"].to_ical().decode(),
                            str(e["SUMMARY"])) for e in calendar.walk("VEVENT")}


def calendar_files(out: Path) -> list[Path]:
    """Every calendar of a plan's folder that a phone imports (not the invitations)."""
    return sorted([out / "agenda.ics", out / "agenda-team.ics", *out.glob("guests/*.ics"),
                   *out.glob("resources/*.ics")])


def edit_requests(tour: Path, drop: str, windows: dict[str, str]) -> None:
    """Take request ``drop`` out of the tour and give others new windows (and the
    availability rows of the dropped one's counterpart with it)."""
    path = tour / "requests.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counterpart = next(r["counterpart"] for r in rows if r["id"] == drop)
    rows = [r for r in rows if r["id"] != drop]
    for row in rows:
        row["windows"] = windows.get(row["id"], row["windows"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    availability = tour / "availability.csv"
    if availability.exists():
        lines = availability.read_text(encoding="utf-8").splitlines(keepends=True)
        keep = [line for line in lines if line.split(",")[0] != drop and line.split(",")[1:2] != [counterpart]]
        availability.write_text("".join(keep), encoding="utf-8")


def planned_twice(root: Path, example: str, drop: str, windows: dict[str, str], now: str):
    """A bundled example planned into ``root/out``, its first output copied to ``root/v1``,
    then the tour edited (``drop`` left out, ``windows`` changed) and planned again into the
    same folder at ``now``: (the first output, the folder, the first plan, the second outcome)."""
    tour = root / "tour"
    shutil.copytree(EXAMPLES / example, tour)
    out = root / "out"
    first = app.plan_tour(tour, out, PARAMS).plan
    v1 = root / "v1"
    shutil.copytree(out, v1)
    edit_requests(tour, drop, windows)
    outcome = app.plan_tour(tour, out, PARAMS, now=datetime.fromisoformat(now))
    return v1, out, first, outcome


def assert_continues(before: Path, after: Path) -> None:
    """Every event of the earlier calendar is in the later one under its UID: at the same
    SEQUENCE when nothing of it changed, higher when it did (a cancellation included)."""
    old, new = events(before), events(after)
    missing = sorted(set(old) - set(new))
    assert not missing, f"{after.name} leaves out events a phone holds: {missing}"
    for uid, (sequence, status, start, summary) in old.items():
        now = new[uid]
        if now[1:] == (status, start, summary):
            assert now[0] >= sequence, uid
        else:
            assert now[0] > sequence, f"{uid} changed without a higher SEQUENCE: {old[uid]} → {now}"


@pytest.fixture(scope="module")
def spain(tmp_path_factory):
    """The bundled example planned, then planned again into the same folder after the tour
    was edited: PSOE only on Wednesday, Podemos gone. (first calendars, the folder, both plans)"""
    return planned_twice(tmp_path_factory.mktemp("spain"), "spain-2018", "podemos",
                         {"psoe": "Wed 17:00-18:30"}, "2018-11-20T09:00:00+01:00")


def test_a_second_plan_moves_the_moved_and_cancels_the_gone(spain):
    """agenda.ics of the second plan: PSOE (moved to Wednesday) at SEQUENCE 1, Podemos (no
    longer a request) CANCELLED at SEQUENCE 1, under the UIDs of the first plan."""
    v1, out, first, _ = spain
    assert first.engagement("psoe").day.isoformat() == "2018-11-27"
    assert first.engagement("podemos") is not None
    for name in ("agenda.ics", "agenda-team.ics"):
        new = events(out / name)
        psoe = new["psoe@spain-2018.scheduler"]
        assert psoe[:2] == (1, "CONFIRMED") and psoe[2].startswith("20181128T1"), psoe
        assert new["podemos@spain-2018.scheduler"][:2] == (1, "CANCELLED")
        assert_continues(v1 / name, out / name)


def test_every_calendar_of_the_second_plan_continues_the_first(spain):
    """Not only the guest's: the team's and the escort's calendars keep every UID, raise the
    SEQUENCE of what changed and cancel what is gone."""
    v1, out, _, _ = spain
    files = calendar_files(v1)
    assert len(files) >= 3
    for path in files:
        assert_continues(path, out / path.relative_to(v1))


def test_khal_shows_the_moved_once_and_the_gone_cancelled(spain, tmp_path):
    """Importing the first agenda.ics, then the second, into khal: PSOE is live on Wednesday
    only, Podemos is no longer live."""
    v1, out, _, _ = spain
    after = khal_lines(tmp_path, [v1 / "agenda.ics", out / "agenda.ics"], MADRID, "2018-11-25", "2018-12-01",
                       fmt="{start}|{title}|{status}")
    live = [line for line in after if "CANCELLED" not in line]
    psoe = [line for line in live if "PSOE" in line and "Travel" not in line]
    assert [line.split("|")[0][:10] for line in psoe] == ["2018-11-28"], after
    assert not [line for line in live if "Podemos" in line and "Travel" not in line], after


def test_the_second_plan_is_the_next_version(spain):
    """plan.json is version 2 with the first in versions/, its history says it was planned
    again, and the outcome says in one sentence that the calendars update the earlier ones."""
    v1, out, _, outcome = spain
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert [entry["version"] for entry in plan["history"]] == [1, 2]
    assert "Planned again from the tour folder." in plan["history"][-1]["warnings"]
    kept = json.loads((out / "versions" / "plan-v1.json").read_text(encoding="utf-8"))
    assert kept["engagements"] == json.loads((v1 / "plan.json").read_text(encoding="utf-8"))["engagements"]
    sentence = [note for note in outcome.written.notes if note.startswith("This plan is version 2")]
    assert len(sentence) == 1 and "update those of version 1" in sentence[0]
    assert "cancelled" in sentence[0]


def test_the_checker_accepts_every_plan_file_written(spain):
    """plan.json and both kept versions pass the independent checker."""
    _, out, _, _ = spain
    for path in [out / "plan.json", *sorted((out / "versions").glob("plan-v*.json"))]:
        assert check_plan_file(path) == [], path


def test_export_of_the_new_plan_writes_the_same_calendars(spain, tmp_path):
    """``export`` of the second plan, read from its file, writes every calendar and
    invitation it wrote."""
    _, out, _, _ = spain
    plan = app.load_plan(out / "plan.json")
    write_all(plan, tmp_path, CALENDARS + (("invites", "team"),))
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.ics"))
    assert written
    for name in written:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_the_gone_engagements_invitation_is_its_cancellation(spain):
    """Podemos's invitation in the folder becomes its cancellation (SEQUENCE above the one
    sent), PSOE's an update at SEQUENCE 1."""
    _, out, _, _ = spain
    podemos = (out / "invites" / "podemos.ics").read_text(encoding="utf-8")
    assert "STATUS:CANCELLED" in podemos and "SEQUENCE:1" in podemos
    assert "SEQUENCE:1" in (out / "invites" / "psoe.ics").read_text(encoding="utf-8")


def test_planning_the_same_agenda_again_keeps_every_sequence(tmp_path):
    """The same agenda written twice more into a folder: version 3, and every event of every
    calendar keeps its SEQUENCE and STATUS."""
    problem = load_tour(EXAMPLES / "spain-2018")
    plan = app.solve_tour(problem, PARAMS).plan
    out = tmp_path / "out"
    app.write_plan_outputs(plan, out)
    app.write_plan_outputs(plan, out, now=datetime.fromisoformat("2018-11-20T09:00:00+01:00"))
    before = {p: events(p) for p in calendar_files(out)}
    written = app.write_plan_outputs(plan, out, now=datetime.fromisoformat("2018-11-21T09:00:00+01:00"))
    assert "This plan is version 3 of the tour: its calendars update those of version 2 already " \
           "imported (no event cancelled)." in written.notes
    for path, old in before.items():
        new = events(path)
        assert {uid: e[:2] for uid, e in new.items()} == {uid: e[:2] for uid, e in old.items()}, path
        assert all(sequence == 0 for sequence, *_ in new.values())


def test_plan_replan_plan_continues_the_lineage(spain, tmp_path):
    """plan → replan (two Wednesday engagements cancelled) → plan again from a tour without
    the second: version 4 follows the re-plan's SEQUENCEs; the first comes back from the
    tour folder with its SEQUENCE raised again, the second stays cancelled."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    current = app.load_plan(out / "plan.json")
    back, gone = [e.request_id for e in current.engagements
                  if e.day.isoformat() == "2018-11-28" and not current.problem.request(e.request_id).mandatory][:2]
    app.replan_plan(out / "plan.json", out, cancel=[back, gone], now="2018-11-26 08:00", params=PARAMS, pdf=False)
    replanned = tmp_path / "replanned"
    shutil.copytree(out, replanned)
    after_replan = events(out / "agenda.ics")
    uid_back, uid_gone = (f"{rid}@spain-2018.scheduler" for rid in (back, gone))
    assert after_replan[uid_back][:2] == (1, "CANCELLED") and after_replan[uid_gone][:2] == (1, "CANCELLED")
    tour = tmp_path / "tour"
    shutil.copytree(spain_out.parent / "tour", tour)
    edit_requests(tour, gone, {})
    app.plan_tour(tour, out, PARAMS, now=datetime.fromisoformat("2018-11-26T09:00:00+01:00"))
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert [entry["version"] for entry in plan["history"]] == [1, 2, 3, 4]
    final = events(out / "agenda.ics")
    assert final[uid_gone][:2] == (1, "CANCELLED")
    if any(e["request_id"] == back for e in plan["engagements"]):
        assert final[uid_back][:2] == (2, "CONFIRMED")
    assert_continues(replanned / "agenda.ics", out / "agenda.ics")
    assert check_plan_file(out / "plan.json") == []
    assert sorted(p.name for p in (out / "versions").glob("plan-v*.json")) == \
        ["plan-v1.json", "plan-v2.json", "plan-v3.json", "plan-v4.json"]


def test_the_command_says_the_calendars_update_the_earlier_ones(spain, tmp_path):
    """``scheduler plan`` into a folder with an earlier plan of the tour prints the sentence."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    result = CliRunner().invoke(main, ["plan", str(spain_out.parent / "tour"), "-o", str(out),
                                       "--time-limit", "2", "--seed", "0", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "This plan is version 3 of the tour: its calendars update those of version 2 already imported" \
        in result.output



def test_the_second_plan_writes_changes_md_against_the_first(spain):
    """changes.md of the second plan: version 2, planned again from the tour folder (not
    "Re-planned"), Podemos dropped, PSOE moved to Wednesday, both to be sent again."""
    _, out, _, _ = spain
    text = (out / "changes.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# Changes in version 2: ")
    assert lines[2] == "Planned again from the tour folder on Tue 20 Nov 2018 09:00 (Europe/Madrid); version 1 before."
    assert "Re-planned" not in text
    dropped = text.split("## Dropped")[1].split("## ")[0]
    moved = text.split("## Moved")[1].split("## ")[0]
    psoe = [line for line in moved.splitlines() if "[psoe]" in line]
    assert "[podemos]" in dropped and len(psoe) == 1 and "Wed 28 Nov" in psoe[0].split("→")[1]
    assert "- podemos.ics: cancellation" in text and "- psoe.ics: updated invitation" in text


def test_a_re_plans_changes_md_gives_way_to_the_plans(tmp_path):
    """plan → replan (changes.md of version 2) → the same agenda planned again: changes.md
    is version 3's, planned again, nothing moved; the re-plan's is kept as a numbered backup."""
    problem = load_tour(EXAMPLES / "spain-2018")
    plan = app.solve_tour(problem, PARAMS).plan
    out = tmp_path / "out"
    app.write_plan_outputs(plan, out)
    cancelled = plan.engagements[-1].request_id
    app.replan_plan(out / "plan.json", out, cancel=[cancelled], now="2018-11-26 08:00", params=PARAMS, pdf=False)
    replans = (out / "changes.md").read_bytes()
    app.write_plan_outputs(plan, out, now=datetime.fromisoformat("2018-11-26T09:00:00+01:00"))
    text = (out / "changes.md").read_text(encoding="utf-8")
    assert text.startswith("# Changes in version 3: ")
    assert "Planned again from the tour folder on Mon 26 Nov 2018 09:00 (Europe/Madrid); version 2 before." in text
    assert f"[{cancelled}]" in text.split("## Added")[1].split("## ")[0]
    assert replans in [p.read_bytes() for p in out.glob("changes.md.~*~")]


# --- two plans into one folder at once --------------------------------------------------------

def _another_plan_meanwhile(monkeypatch, out: Path, plan, times: int) -> list[datetime]:
    """While ``write_plan_outputs`` exports (after it read the folder's plan.json, before its
    commit), another run writes ``plan`` into ``out`` as its next version, the first
    ``times`` times it exports. Returns the moments of those versions, as they are written."""
    import scheduler.app.planning as planning

    real = planning.write_all
    made: list[datetime] = []

    def exporting(*args, **kwargs):
        if len(made) < times and not getattr(exporting, "inside", False):
            made.append(datetime.fromisoformat(f"2018-11-2{len(made)}T08:00:00+01:00"))
            exporting.inside = True
            try:
                app.write_plan_outputs(plan, out, now=made[-1])
            finally:
                exporting.inside = False
        return real(*args, **kwargs)

    monkeypatch.setattr(planning, "write_all", exporting)
    return made


def test_a_plan_written_meanwhile_is_followed_not_overwritten(tmp_path, monkeypatch):
    """Another plan commits version 2 while this one is being written: this one is
    versioned again from it and becomes version 3 (not a second version 2), without
    solving again, and versions/ holds both as they were written."""
    plan = app.solve_tour(load_tour(EXAMPLES / "spain-2018"), PARAMS).plan
    out = tmp_path / "out"
    app.write_plan_outputs(plan, out)
    made = _another_plan_meanwhile(monkeypatch, out, plan, times=1)
    mine = datetime.fromisoformat("2018-11-25T09:00:00+01:00")
    written = app.write_plan_outputs(plan, out, now=mine)
    history = json.loads((out / "plan.json").read_text(encoding="utf-8"))["history"]
    assert [(e["version"], e["now"]) for e in history[1:]] == [(2, made[0].isoformat()), (3, mine.isoformat())]
    assert json.loads((out / "versions" / "plan-v2.json").read_text(encoding="utf-8"))["history"][-1]["now"] \
        == made[0].isoformat()
    assert not list((out / "versions").glob("*.~*~"))
    assert any(note.startswith("This plan is version 3 of the tour") for note in written.notes), written.notes
    assert (out / "changes.md").read_text(encoding="utf-8").startswith("# Changes in version 3: ")
    assert check_plan_file(out / "plan.json") == []


def test_a_plan_that_keeps_changing_meanwhile_is_refused(tmp_path, monkeypatch):
    """When the folder's plan.json changes again at every try, the plan is refused with
    PlanChanged and writes nothing: the folder holds the other runs' last version."""
    plan = app.solve_tour(load_tour(EXAMPLES / "spain-2018"), PARAMS).plan
    out = tmp_path / "out"
    app.write_plan_outputs(plan, out)
    _another_plan_meanwhile(monkeypatch, out, plan, times=100)
    before = (out / "plan.json").read_bytes()
    with pytest.raises(app.PlanChanged) as refused:
        app.write_plan_outputs(plan, out, now=datetime.fromisoformat("2018-11-29T09:00:00+01:00"))
    assert "nothing was written" in str(refused.value)
    history = json.loads((out / "plan.json").read_text(encoding="utf-8"))["history"]
    assert (out / "plan.json").read_bytes() != before
    assert all(entry["now"] != "2018-11-29T09:00:00+01:00" for entry in history)


def test_the_command_refuses_a_plan_whose_folder_keeps_changing(spain, tmp_path, monkeypatch):
    """``scheduler plan`` losing every try to other runs: exit code 2, a message that says
    nothing was written and to plan again, no traceback."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    _another_plan_meanwhile(monkeypatch, out, app.load_plan(out / "plan.json"), times=100)
    result = CliRunner().invoke(main, ["plan", str(spain_out.parent / "tour"), "-o", str(out),
                                       "--time-limit", "2", "--seed", "0", "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert "changed 3 times while this plan was being written" in result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output

# --- a fresh lineage -------------------------------------------------------------------------

def test_a_plan_of_another_tour_in_the_folder_starts_afresh(spain, tmp_path):
    """The folder holds the plan of another tour: version 1, every SEQUENCE 0, a note, and
    the other tour's plan kept as a numbered backup."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    other = app.plan_tour(EXAMPLES / "brussels-london-dublin-2019", out, PARAMS)
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["history"] == [] or "history" not in plan
    assert any("another tour (spain-2018)" in note for note in other.written.notes)
    assert all(sequence == 0 for sequence, *_ in events(out / "agenda.ics").values())
    kept = [p.read_bytes() for p in out.glob("plan.json.~*~")]
    assert (spain_out / "plan.json").read_bytes() in kept


def test_a_fresh_plan_leaves_an_earlier_changes_md_out(spain, tmp_path):
    """A plan of another tour into a folder with a changes.md: the new version has none (it
    described another plan), the old one is kept as a numbered backup, and a note says so."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    earlier = b"# Changes in version 2: Advocacy visit to Spain\n\nRe-planned from Tue 27 Nov 2018 12:00.\n"
    (out / "changes.md").write_bytes(earlier)
    other = app.plan_tour(EXAMPLES / "brussels-london-dublin-2019", out, PARAMS)
    assert not (out / "changes.md").exists()
    assert [p.read_bytes() for p in out.glob("changes.md.~*~")] == [earlier]
    assert any(note.startswith("changes.md was left out") for note in other.written.notes), other.written.notes


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative name, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _tour_of(path: Path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["tour"]["id"]


def test_a_plan_of_another_tour_keeps_the_earlier_versions_whole_aside(spain, tmp_path):
    """Tour A planned twice (versions 1 and 2) and tour B planned into the same folder: the
    versions list is empty and bringing back version 1 is refused, A's ``versions/`` is kept
    whole as ``versions.~1~`` and a note says so. B planned again: the list holds B's
    versions 1 and 2 only, and bringing back version 1 brings back B's, not A's."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    before = _tree(spain_out / "versions")
    assert sorted(before) == ["plan-v1.json", "plan-v2.json"]
    first = app.plan_tour(EXAMPLES / "brussels-london-dublin-2019", out, PARAMS)
    assert app.plan_versions(out) == ()
    with pytest.raises(KeyError):
        app.restore_version(out, 1)
    assert _tree(out / "versions.~1~") == before
    assert any(note.startswith("versions/ was left out") and "versions.~1~" in note
               for note in first.written.notes), first.written.notes
    app.plan_tour(EXAMPLES / "brussels-london-dublin-2019", out, PARAMS)
    versions = app.plan_versions(out)
    assert [v.number for v in versions] == [1, 2]
    assert {_tour_of(v.path) for v in versions} == {"brussels-london-dublin-2019"}
    app.restore_version(out, 1)
    assert _tour_of(out / "plan.json") == "brussels-london-dublin-2019"
    assert {_tour_of(v.path) for v in app.plan_versions(out)} == {"brussels-london-dublin-2019"}
    assert _tree(out / "versions.~1~") == before


def test_a_plan_of_another_tour_leaves_that_tours_other_files_aside(spain, tmp_path):
    """Tour B planned into tour A's folder: A's invitations that B does not write are not made
    cancellations of A's meetings (A may still happen) nor left among B's; every file of A is
    kept, byte for byte, as itself or a numbered backup, and no file of the folder but the
    backups names an A request."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    earlier = _tree(spain_out)
    written = app.plan_tour(EXAMPLES / "brussels-london-dublin-2019", out, PARAMS).written
    after = _tree(out)
    assert all(data in after.values() for data in earlier.values())
    live_invites = sorted(p.name for p in (out / "invites").glob("*.ics"))
    b_requests = {e.request_id for e in app.load_plan(out / "plan.json").engagements}
    assert live_invites and all(name[:-len(".ics")].rstrip("_") in b_requests for name in live_invites)
    assert not any("cancellation" in note for note in written.notes), written.notes
    assert any("of the other tour (spain-2018)" in note for note in written.notes), written.notes


def test_a_command_line_plan_of_another_tour_keeps_the_earlier_versions_aside(tmp_path):
    """Through the command line: ``plan`` of tour A twice into ``out`` (versions 1 and 2),
    then of tour B: the command says versions/ was left out, the versions list is empty, and
    A's versions are kept whole under ``versions.~1~``."""
    out = tmp_path / "out"
    options = ["--time-limit", "2", "--seed", "0", "--workers", "1"]
    for _ in range(2):
        result = CliRunner().invoke(main, ["plan", str(EXAMPLES / "spain-2018"), "-o", str(out), *options])
        assert result.exit_code == 0, result.output
    kept = _tree(out / "versions")
    assert sorted(kept) == ["plan-v1.json", "plan-v2.json"]
    result = CliRunner().invoke(main, ["plan", str(EXAMPLES / "brussels-london-dublin-2019"), "-o", str(out),
                                       *options])
    assert result.exit_code == 0, result.output
    assert "versions/ was left out" in " ".join(result.output.split())
    assert app.plan_versions(out) == ()
    assert _tree(out / "versions.~1~") == kept


def test_a_fresh_plan_that_fails_leaves_the_earlier_versions_in_place(spain, tmp_path, monkeypatch):
    """Setting the earlier lineage aside is part of the plan's one commit: when an exporter
    fails, versions/ stays where it was and no versions.~1~ appears."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    before = _tree(out)

    def failing(plan, folder, *args, **kwargs):
        raise RuntimeError("an exporter failed")

    monkeypatch.setattr("scheduler.app.planning.write_all", failing)
    with pytest.raises(RuntimeError):
        app.plan_tour(EXAMPLES / "brussels-london-dublin-2019", out, PARAMS)
    assert _tree(out) == before


def test_an_unreadable_plan_file_leaves_its_versions_aside(spain, tmp_path):
    """A folder whose plan.json cannot be read (so whose lineage cannot be followed) but which
    keeps versions/: the fresh plan leaves versions/ out, kept whole as versions.~1~."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    (out / "plan.json").write_bytes(b"{not json")
    before = _tree(out / "versions")
    written = app.write_plan_outputs(app.solve_tour(load_tour(spain_out.parent / "tour"), PARAMS).plan, out)
    assert any(note.startswith("versions/ was left out") for note in written.notes), written.notes
    assert app.plan_versions(out) == ()
    assert _tree(out / "versions.~1~") == before


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"schema_version": 1}'])
def test_a_corrupt_plan_file_in_the_folder_starts_afresh(tmp_path, content):
    """A plan.json that cannot be read: no crash, version 1, a note naming it, the file
    kept as a numbered backup."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_bytes(content)
    problem = load_tour(EXAMPLES / "spain-2018")
    plan = app.solve_tour(problem, PARAMS).plan
    written = app.write_plan_outputs(plan, out)
    assert any("cannot be read or breaks a rule" in note for note in written.notes), written.notes
    assert "history" not in json.loads((out / "plan.json").read_text()) or \
        json.loads((out / "plan.json").read_text())["history"] == []
    assert (out / "plan.json.~1~").read_bytes() == content


def test_a_plan_file_the_checker_rejects_starts_afresh(spain, tmp_path):
    """An earlier plan of the same tour whose agenda breaks a rule (an engagement moved by
    hand outside its windows): no crash, version 1, a note."""
    _, spain_out, _, _ = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    data["engagements"][0]["end"] = data["engagements"][0]["start"]
    (out / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    assert check_plan_file(out / "plan.json") != []
    plan = app.solve_tour(load_tour(spain_out.parent / "tour"), PARAMS).plan
    written = app.write_plan_outputs(plan, out)
    assert any("cannot be read or breaks a rule" in note for note in written.notes), written.notes
    assert check_plan_file(out / "plan.json") == []
    assert all(sequence == 0 for sequence, *_ in events(out / "agenda.ics").values())


def test_the_earlier_plan_is_read_once_when_stale_invitations_are_settled(spain, tmp_path, monkeypatch):
    """Planning again into a folder holding an invitation the new plan does not write: the
    earlier plan.json is rebuilt once (the lineage and the stale invitations share it), and
    the stale invitation is still settled."""
    import scheduler.planfile as planfile

    _, spain_out, _, second = spain
    out = tmp_path / "out"
    shutil.copytree(spain_out, out)
    (out / "invites" / "ghost.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    earlier = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    rebuilt = []
    plain = planfile.plan_from_dict

    def counting(data):
        if data == earlier:
            rebuilt.append(1)
        return plain(data)

    monkeypatch.setattr(planfile, "plan_from_dict", counting)
    written = app.write_plan_outputs(second.plan, out)
    assert len(rebuilt) == 1
    assert any(note.startswith("invites/ghost.ics was left out") for note in written.notes), written.notes


# --- a delegation ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def delegation(tmp_path_factory):
    """The bundled delegation planned, then planned again after VRT's news (Boris, the car
    and the interpreter) left the tour."""
    v1, out, first, _ = planned_twice(tmp_path_factory.mktemp("delegation"),
                                      "brussels-delegation-2019", "vrt-news", {},
                                      "2019-03-10T09:00:00+01:00")
    return v1, out, first


def test_a_delegations_members_and_resources_calendars_continue(delegation):
    """Each member's and each resource's calendar keeps every UID of the first plan, raises
    what changed and cancels what is gone; VRT's news is cancelled in the calendars that held it."""
    v1, out, first = delegation
    vrt = first.engagement("vrt-news")
    assert vrt is not None
    files = calendar_files(v1)
    assert any(p.parent.name == "guests" for p in files) and any(p.parent.name == "resources" for p in files)
    for path in files:
        assert_continues(path, out / path.relative_to(v1))
    for guest in vrt.guests:
        assert events(out / "guests" / f"{guest}.ics")["vrt-news@brussels-delegation-2019.scheduler"][1] \
            == "CANCELLED"
    for resource in vrt.resources:
        uid = f"{resource}.vrt-news@brussels-delegation-2019.scheduler"
        assert events(out / "resources" / f"{resource}.ics")[uid][1] == "CANCELLED"
    assert check_plan_file(out / "plan.json") == []


def test_khal_drops_the_gone_meeting_from_a_members_calendar(delegation, tmp_path):
    """Importing a member's first calendar, then the second, into khal: VRT's news is no
    longer live."""
    v1, out, first = delegation
    guest = first.engagement("vrt-news").guests[0]
    after = khal_lines(tmp_path, [v1 / "guests" / f"{guest}.ics", out / "guests" / f"{guest}.ics"],
                       "Europe/Brussels", "2019-03-17", "2019-03-22", fmt="{start}|{title}|{status}")
    assert any("evening news" in line for line in after)
    assert not [line for line in after if "evening news" in line and "CANCELLED" not in line], after


def test_export_of_the_delegations_new_plan_writes_the_same_calendars(delegation, tmp_path):
    """``export`` of the delegation's second plan writes every calendar it wrote."""
    _, out, _ = delegation
    write_all(app.load_plan(out / "plan.json"), tmp_path, CALENDARS)
    for path in calendar_files(tmp_path):
        assert path.read_bytes() == (out / path.relative_to(tmp_path)).read_bytes(), path
