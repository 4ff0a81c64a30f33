"""What stands in an output folder where a run writes: links, folders, files of the other kind.

Nothing a user made is lost (it is kept as ``name.~N~``, a link kept as the same link), what a
link points to is never written through, and an output folder given as a link is written
where the link points.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import small_plan

from scheduler.cli import main
from scheduler.planfile import write_plan


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    return write_plan(small_plan(), tmp_path / "plan" / "plan.json")


def _export(plan_file: Path, out: Path, kind: str = "ics"):
    return CliRunner().invoke(main, ["export", str(plan_file), "--format", kind, "-o", str(out)])


def test_an_output_folder_given_as_a_link_is_written_where_it_points(plan_file: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "mine.txt").write_text("mine", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(real)
    result = _export(plan_file, link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and (real / "agenda.ics").is_file()
    assert (real / "mine.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if ".staging" in p.name) == []


@pytest.mark.parametrize("points_to", ["nowhere", "a-file"])
def test_an_output_folder_given_as_a_link_to_no_folder_exits_2(plan_file: Path, tmp_path: Path,
                                                               points_to: str) -> None:
    (tmp_path / "a-file").write_text("precious", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / points_to)
    result = _export(plan_file, link)
    assert result.exit_code == 2, result.output
    expected = "which is not a folder" if points_to == "nowhere" else "is a file"
    assert expected in result.output
    assert "Traceback" not in result.output
    assert os.readlink(link) == str(tmp_path / points_to)
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "precious"


def test_a_link_where_a_file_is_written_is_kept_and_its_target_untouched(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("victim", encoding="utf-8")
    (out / "agenda.ics").symlink_to(victim)
    result = _export(plan_file, out)
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "victim"
    assert (out / "agenda.ics").is_file() and not (out / "agenda.ics").is_symlink()
    assert os.readlink(out / "agenda.ics.~1~") == str(victim)


def test_a_link_where_a_folder_is_written_is_kept_and_its_target_untouched(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "invites").symlink_to(elsewhere)
    result = _export(plan_file, out, "invites")
    assert result.exit_code == 0, result.output
    assert list(elsewhere.iterdir()) == []
    assert (out / "invites").is_dir() and not (out / "invites").is_symlink()
    assert any((out / "invites").glob("*.ics"))
    assert os.readlink(out / "invites.~1~") == str(elsewhere)


def test_a_folder_where_a_file_is_written_is_kept_whole(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "agenda.ics" / "inner").mkdir(parents=True)
    (out / "agenda.ics" / "inner" / "mine.txt").write_text("mine", encoding="utf-8")
    result = _export(plan_file, out)
    assert result.exit_code == 0, result.output
    assert (out / "agenda.ics").is_file()
    assert (out / "agenda.ics.~1~" / "inner" / "mine.txt").read_text(encoding="utf-8") == "mine"


def test_a_file_where_a_folder_is_written_is_kept(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "invites").write_text("my list of invitations", encoding="utf-8")
    result = _export(plan_file, out, "invites")
    assert result.exit_code == 0, result.output
    assert (out / "invites").is_dir()
    assert (out / "invites.~1~").read_text(encoding="utf-8") == "my list of invitations"


@pytest.mark.parametrize("given", [".", "./", "..", "sub/..", None])
def test_the_current_folder_or_one_holding_it_is_refused_as_output_folder(
        plan_file: Path, tmp_path: Path, monkeypatch, given: str | None) -> None:
    """The switch would leave the shell in a removed folder (and `.` cannot be renamed): exit 2
    with a clear message, nothing written. Without -o, export writes beside the plan file."""
    here = plan_file.parent
    (here / "sub").mkdir()
    monkeypatch.chdir(here)
    before = sorted(p.name for p in here.iterdir())
    out = [] if given is None else ["-o", given]
    result = CliRunner().invoke(main, ["export", "plan.json", "--format", "md", *out])
    assert result.exit_code == 2, result.output
    assert "is the current folder or holds it" in result.output
    assert sorted(p.name for p in here.iterdir()) == before


def test_a_folder_inside_the_current_one_is_fine_however_written(plan_file: Path, monkeypatch) -> None:
    monkeypatch.chdir(plan_file.parent)
    result = CliRunner().invoke(main, ["export", "plan.json", "--format", "md", "-o", "out/."])
    assert result.exit_code == 0, result.output
    assert (plan_file.parent / "out" / "agenda.md").is_file()


def test_an_output_folder_that_cannot_be_written_is_named_in_one_line(plan_file: Path, tmp_path: Path,
                                                                     monkeypatch) -> None:
    """A read-only folder (the tests may run as root, so the refusal is simulated)."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("scheduler.staging.tempfile.mkdtemp", refuse)
    result = _export(plan_file, tmp_path / "out", "md")
    assert result.exit_code == 2, result.output
    assert f"cannot write the output folder {tmp_path / 'out'}: Permission denied" in result.output
    assert ".staging" not in result.output and not (tmp_path / "out").exists()
