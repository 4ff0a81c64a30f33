"""File names made from ids open on every system: Windows device names (`CON`, `lpt1`) get an
underscore, the same wherever a name is written or shown; other names are as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.export.changes_md import safe_file_name as used_by_changes
from scheduler.export.ics import safe_file_name as used_by_calendars
from scheduler.file_names import safe_file_name
from test_io_support import one_day_tour, write_files

TOUR = one_day_tour("devices")
LOCATIONS = """id,name,latitude,longitude
HOTEL,Hotel,40.4200,-3.7050
A,Place A,40.4300,-3.7100
"""
REQUESTS = """id,title,counterpart,location,duration,windows
con,Console FM,Radio,A,30,Tue 10:00-12:00
Lpt1,Printers' union,Union,A,30,Tue 12:00-14:00
con_,Cones and co.,Cones,A,30,Tue 15:00-17:00
aux.v2,Auxiliary,Aux,A,30,Tue 17:00-19:00
"""


@pytest.mark.parametrize(("text", "name"), [
    ("con", "con_.ics"), ("CON", "CON_.ics"), ("Lpt1", "Lpt1_.ics"), ("com9", "com9_.ics"),
    ("nul.txt", "nul_.txt.ics"), ("con_", "con__.ics"), ("PRN__", "PRN___.ics"),
    ("cons", "cons.ics"), ("com10", "com10.ics"), ("lpt", "lpt.ics"), ("a.con", "a.con.ics"),
    ("psoe", "psoe.ics"),
])
def test_a_windows_device_name_gets_an_underscore(text: str, name: str) -> None:
    """The part before the first dot is what Windows takes for a device, in any case."""
    assert safe_file_name(text) == name


def test_no_two_ids_share_a_name() -> None:
    """`con` becomes `con_`, so an id `con_` becomes `con__`: the renaming is one to one."""
    texts = ["con", "con_", "con__", "CON", "con.x", "con_.x", "a.", "a", "a%2E", ".a", "%2Ea"]
    for suffix in (".ics", ""):
        names = [safe_file_name(text, suffix) for text in texts]
        assert len(set(names)) == len(names), names


def test_a_trailing_dot_is_kept_where_windows_would_drop_it() -> None:
    """Windows strips a final dot from a name; with no suffix after it, it is encoded."""
    assert safe_file_name("psoe.", "") == "psoe%2E"
    assert safe_file_name("psoe.") == "psoe..ics"


def test_every_writer_uses_the_one_function() -> None:
    """The calendars and the re-plan's changes.md name the files with the same function."""
    assert used_by_calendars is safe_file_name and used_by_changes is safe_file_name


def test_plan_writes_invitations_of_device_ids_under_safe_names(tmp_path: Path) -> None:
    """`scheduler plan` on a tour with the ids `con` and `Lpt1` writes `con_.ics` and
    `Lpt1_.ics`, and the id `con_` still gets its own file."""
    tour = write_files(tmp_path / "tour", {"tour.toml": TOUR, "locations.csv": LOCATIONS,
                                           "requests.csv": REQUESTS})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(tour), "-o", str(out), "--time-limit", "2",
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in (out / "invites").iterdir())
    assert names == ["Lpt1_.ics", "aux_.v2.ics", "con_.ics", "con__.ics"]
    assert "UID:con@devices.scheduler" in (out / "invites" / "con_.ics").read_text(encoding="utf-8")
    assert "UID:con_@devices.scheduler" in (out / "invites" / "con__.ics").read_text(encoding="utf-8")
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["export", str(out / "plan.json"), "--format", "invites",
                                       "-o", str(again)])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (again / "invites").iterdir()) == names


def test_the_web_app_names_no_tour_folder_after_a_device(tmp_path: Path) -> None:
    """A tour called `CON` in the web app gets the folder (and id) `CON_`."""
    from scheduler.web.workspace import Workspace

    space = Workspace(tmp_path)
    assert space.unique_id("CON") == "CON_"
    assert space.unique_id("Madrid") == "Madrid"


def _planned_before_the_renaming(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A tour planned into `out`, its invitation `con_.ics` renamed back to `con.ics` as a
    plan written before device names were renamed has it; the tour, `out` and the command."""
    tour = write_files(tmp_path / "tour", {"tour.toml": TOUR, "locations.csv": LOCATIONS,
                                           "requests.csv": REQUESTS})
    out = tmp_path / "out"
    command = ["plan", str(tour), "-o", str(out), "--time-limit", "2", "--workers", "1"]
    assert CliRunner().invoke(main, command).exit_code == 0
    (out / "invites" / "con_.ics").rename(out / "invites" / "con.ics")
    return tour, out, command


def test_planning_again_replaces_an_invitation_under_the_old_device_name(tmp_path: Path) -> None:
    """A folder planned before device names were renamed holds `invites/con.ics`: planning
    again leaves it out (kept as a backup) and says that `con_.ics` replaces it."""
    tour, out, command = _planned_before_the_renaming(tmp_path)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert "invites/con.ics is now invites/con_.ics" in result.output
    assert (out / "invites" / "con_.ics").is_file() and not (out / "invites" / "con.ics").exists()
    assert (out / "invites" / "con.ics.~1~").is_file()


def test_an_invitation_under_the_old_device_name_of_a_dropped_request_is_cancelled(tmp_path: Path) -> None:
    """When the request `con` is no longer planned, its invitation under the old name
    (`con.ics`) becomes a cancellation, as any other would."""
    tour, out, command = _planned_before_the_renaming(tmp_path)
    write_files(tour, {"requests.csv": REQUESTS.replace("con,Console FM,Radio,A,30,Tue 10:00-12:00\n", "")})
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert "invites/con.ics is now a cancellation" in result.output
    assert "STATUS:CANCELLED" in (out / "invites" / "con.ics").read_text(encoding="utf-8")
