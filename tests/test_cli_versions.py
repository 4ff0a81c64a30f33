"""`scheduler versions`: the versions an output folder keeps, listed and brought back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from scheduler.checker import assert_valid
from scheduler.cli import main
from scheduler.cli.versions import versions
from test_cli_replan import NOON_DAY_TWO, demo_plan_file  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def replanned(tmp_path_factory, demo_plan_file) -> Path:  # noqa: F811
    """An output folder holding the bundled example re-planned once: Podemos cancelled at
    noon on Tuesday, so versions/ keeps version 1 (the first plan) and version 2."""
    out = tmp_path_factory.mktemp("replanned") / "out"
    result = CliRunner().invoke(main, ["replan", str(demo_plan_file), "-o", str(out), "--now",
                                       NOON_DAY_TWO, "--cancel", "podemos", "--time-limit", "2",
                                       "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert_valid(_plan_data(out / "plan.json"))
    return out


@pytest.fixture
def out(replanned, tmp_path) -> Path:
    """A copy of the re-planned folder of this test's own."""
    return Path(shutil.copytree(replanned, tmp_path / "out", symlinks=True))


def _plan_data(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _agenda(path: Path) -> list[tuple]:
    """A plan file's agenda: each engagement's request, day, start, end and place."""
    return [(e["request_id"], e["day"], e["start"], e["end"], e["location"])
            for e in _plan_data(path)["engagements"]]


def _events(path: Path) -> dict[str, tuple]:
    """The calendar's events by UID: (SEQUENCE, start, end, status)."""
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): (int(e.get("SEQUENCE", 0)), e.decoded("DTSTART"), e.decoded("DTEND"),
                            str(e.get("STATUS", "CONFIRMED")))
            for e in calendar.walk("VEVENT")}


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry under the folder and beside it (staging leftovers), with its bytes."""
    return {str(p.relative_to(folder.parent)): (p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.parent.rglob("*"))}


def _versions(*args: str):
    return CliRunner().invoke(main, ["versions", *args])


def test_versions_is_registered_with_an_example():
    """`scheduler versions` is a command of the main group, and its help shows an example."""
    assert main.commands["versions"] is versions
    result = CliRunner().invoke(main, ["versions", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "scheduler versions out --restore 1" in result.output


def test_the_list_gives_each_version_what_made_it_and_marks_the_current(out):
    """After one re-plan: two lines, oldest first, each with its number, what made it, its
    engagements and value; version 2 (the re-plan, its moment given) is the current one."""
    result = _versions(str(out))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert len(lines) == 2, result.output
    first, second = lines
    v1, v2 = (_plan_data(out / "versions" / f"plan-v{n}.json") for n in (1, 2))
    assert first.split()[0] == "1" and "First plan." in first and "(current)" not in first
    assert f"{len(v1['engagements'])} engagements, value {v1['solver']['value_served']} of" in first
    assert second.split()[0] == "2" and second.endswith("(current)")
    assert "Tue 27 Nov 2018 12:00" in second
    assert "Re-planned: cancelled Meeting with Podemos, international secretariat [podemos]." in second
    assert f"{len(v2['engagements'])} engagements, value {v2['history'][-1]['value_served']} of" in second


def test_restore_1_is_version_3_with_version_1s_agenda(out):
    """--restore 1: exit 0, version 3 holds version 1's agenda, is valid and current; the
    guest's calendar keeps every UID, raises SEQUENCE on each event that changed (Podemos
    back) and leaves the others; it prints what changed and what it wrote."""
    before = _events(out / "agenda.ics")
    result = _versions(str(out), "--restore", "1", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "Back to version 1 on " in result.output and "## Added" in result.output
    assert "Plan version 3:" in result.output and f"Wrote to {out}:" in result.output
    assert "podemos.ics: new invitation" in result.output
    assert sorted(p.name for p in (out / "versions").glob("plan-v*.json")) == \
        ["plan-v1.json", "plan-v2.json", "plan-v3.json"]
    assert _agenda(out / "plan.json") == _agenda(out / "versions" / "plan-v1.json")
    assert (out / "plan.json").read_bytes() == (out / "versions" / "plan-v3.json").read_bytes()
    assert_valid(_plan_data(out / "plan.json"))
    after = _events(out / "agenda.ics")
    assert set(before) <= set(after)
    changed = [uid for uid in before if before[uid][1:] != after[uid][1:]]
    assert any(uid.startswith("podemos@") for uid in changed), changed
    for uid in before:
        if uid in changed:
            assert after[uid][0] > before[uid][0], uid
        else:
            assert after[uid][0] == before[uid][0], uid
    listed = _versions(str(out))
    assert listed.exit_code == 0
    last = [line for line in listed.output.splitlines() if line.startswith("  ")][-1]
    assert last.split()[0] == "3" and "Back to version 1." in last and last.endswith("(current)")


def test_restoring_a_version_not_kept_exits_2_and_writes_nothing(out):
    """--restore 9: one line naming the versions kept, exit 2, and the folder (and its
    parent) exactly as before."""
    before = _snapshot(out)
    result = _versions(str(out), "--restore", "9")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: there is no version 9 of this plan to go back to; the versions kept are: 1, 2; "
        "nothing was written."]
    assert _snapshot(out) == before


@pytest.mark.parametrize("restore", [(), ("--restore", "1")], ids=["list", "restore"])
def test_a_folder_without_plan_json_exits_2_as_export_does(tmp_path, restore):
    """A folder without plan.json (or a missing folder): exit 2 with export's message for
    the same fault, no traceback, nothing written."""
    for folder in (tmp_path / "empty", tmp_path / "missing"):
        if folder.name == "empty":
            folder.mkdir()
        result = _versions(str(folder), *restore)
        exported = CliRunner().invoke(main, ["export", str(folder / "plan.json")])
        assert result.exit_code == exported.exit_code == 2
        assert result.stderr == exported.stderr
        assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    assert list((tmp_path / "empty").iterdir()) == []


def test_an_unreadable_plan_exits_2_as_replan_does(out):
    """A plan.json that is not a plan file: exit 2 with the message replan gives for it."""
    (out / "plan.json").write_text("{", encoding="utf-8")
    result = _versions(str(out))
    replanned = CliRunner().invoke(main, ["replan", str(out / "plan.json"), "-o", str(out),
                                          "--cancel", "psoe"])
    assert result.exit_code == replanned.exit_code == 2
    assert result.stderr == replanned.stderr and "not a plan file" in result.stderr


def test_a_first_plan_keeps_no_versions_and_says_so(demo_plan_file, tmp_path):  # noqa: F811
    """A folder holding only a first plan: exit 0 and one sentence that no versions are kept
    yet (they are kept from the first re-plan on)."""
    out = tmp_path / "first"
    out.mkdir()
    shutil.copy(demo_plan_file, out / "plan.json")
    result = _versions(str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No versions are kept in ")
    assert "first re-plan" in result.output


def test_bringing_back_a_delegation_s_version_without_pdfs_names_every_stale_run_sheet(tmp_path):
    """A delegation re-planned (a member absent), then version 1 brought back with --no-pdf:
    the warnings name the guest's and team's PDFs and each member's, with the export that
    brings each up to date, as `replan --no-pdf` says them."""
    example = Path(__file__).resolve().parent.parent / "examples" / "brussels-delegation-2019"
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["plan", str(example), "-o", str(out), "--time-limit", "1"]).exit_code == 0
    replan = runner.invoke(main, ["replan", str(out / "plan.json"), "-o", str(out), "--now",
                                  "2019-03-19 08:00", "--absent", "boris", "--time-limit", "1",
                                  "--no-pdf"])
    assert replan.exit_code == 0, replan.output
    result = runner.invoke(main, ["versions", str(out), "--restore", "1", "--no-pdf"])
    assert result.exit_code == 0, result.output
    for said in (replan.stderr, result.stderr):
        assert "agenda.pdf and agenda-guest.pdf" in said and "--format pdf" in said
        assert "the members' PDF run sheets" in said and "--format guests" in said
