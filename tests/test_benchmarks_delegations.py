"""The delegation benchmark: its generator writes folders the scheduler accepts, its harness a checked row."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` lives at the repository root, beside `scheduler`
    sys.path.insert(0, str(ROOT))

from benchmarks import delegations, generate_delegation  # noqa: E402
from benchmarks.generate import GeneratorError, write_tour  # noqa: E402
from scheduler.cli import main as scheduler_main  # noqa: E402
from scheduler.io import load_tour  # noqa: E402


def rows_of(tour) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(tour.files["requests.csv"].decode("utf-8"))))


@pytest.mark.parametrize(("guests", "requests", "days", "cities", "seed"),
                         [(2, 40, 3, 1, 1), (3, 60, 5, 2, 2), (4, 100, 5, 2, 1)])
def test_generated_delegation_is_accepted_by_check(tmp_path, guests, requests, days, cities, seed):
    """`scheduler check` accepts the folder (exit 0), and the reader sees the delegation."""
    tour = generate_delegation.generate_delegation(guests, requests, days, seed, cities=cities)
    folder = write_tour(tour, tmp_path / "tour")
    result = CliRunner().invoke(scheduler_main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    problem = load_tour(folder)
    members = problem.tour.delegation
    assert [m.id for m in members] == [m.id for m in generate_delegation.MEMBERS[:guests]]
    assert len(problem.requests) == requests
    assert {r.id for r in problem.resources} == {"interp-1", "car-1"}


def test_members_have_their_own_days(tmp_path):
    """Boris arrives a day later and works shorter days; Anna sleeps at home in the first city."""
    folder = write_tour(generate_delegation.generate_delegation(3, 30, 4, 3), tmp_path / "tour")
    tour = load_tour(folder).tour
    anna, boris, chen = tour.delegation
    assert boris.days[0].date == tour.days[1].date
    assert len(anna.days) == len(tour.days)
    assert anna.days[0].end_location.startswith("HOME-")
    assert chen.days[0].end_location.startswith("HOTEL-")
    assert any(day.start.strftime("%H:%M") == "09:30" for day in boris.days)
    assert not any(day.start.strftime("%H:%M") == "09:30" for day in anna.days)


def test_the_mix_of_who_goes_and_what_is_needed():
    """Most requests for one member, some any one of, some joint; the mandatory ones joint;
    Boris's interviews need the interpreter."""
    rows = rows_of(generate_delegation.generate_delegation(4, 200, 7, 2))
    single = [r for r in rows if ";" not in r["guests"] and "|" not in r["guests"]]
    any_of = [r for r in rows if "|" in r["guests"]]
    joint = [r for r in rows if ";" in r["guests"]]
    assert len(single) > len(rows) / 2
    assert len(any_of) >= 10 and len(joint) >= 10
    assert any(r["guests"].count(";") == 3 for r in joint)  # the whole delegation
    assert all(";" in r["guests"] for r in rows if r["mandatory"] == "yes")
    assert any(r["mandatory"] == "yes" for r in rows)
    assert all("kind:interpreter" in r["needs"] for r in single
               if r["guests"] == "boris" and r["kind"] in ("tv", "radio", "print", "meeting"))
    assert any("car-1" in r["needs"] for r in rows)


def test_same_seed_same_bytes_and_arguments_checked():
    first = generate_delegation.generate_delegation(3, 50, 5, 7, cities=2)
    assert first.files == generate_delegation.generate_delegation(3, 50, 5, 7, cities=2).files
    assert first.files != generate_delegation.generate_delegation(3, 50, 5, 8, cities=2).files
    for arguments in ((1, 50, 5, 1), (5, 50, 5, 1), (2, 50, 1, 1)):
        with pytest.raises(GeneratorError):
            generate_delegation.generate_delegation(*arguments)


def test_a_tiny_run_of_the_harness_gives_a_checked_row(tmp_path):
    """One small delegation planned in a child process: a row with a plan the checker passes,
    the model's measurements and a table; run again, the recorded run is skipped."""
    results, table = tmp_path / "runs.jsonl", tmp_path / "table.md"
    arguments = ["--guests", "2", "--requests", "12", "--limit", "2", "--seed", "3",
                 "--results", str(results), "--out", str(table)]
    assert delegations.main(arguments) == 0
    (row,) = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert "error" not in row, row.get("error")
    assert row["status"] in ("optimal", "feasible")
    assert row["valid"] is True, row["violations"]
    assert row["stopped_by"] in ("budget", "clock")
    assert 0 < row["value_served"] <= row["value_total"]
    assert row["variables"] > 0 and row["model_seconds"] >= 0 and row["peak_mib"] > 0
    assert "| 2 | 12 | 3 | 2 | default |" in table.read_text(encoding="utf-8")
    assert delegations.main(arguments) == 0
    assert len(results.read_text(encoding="utf-8").splitlines()) == 1


def test_musts_made_optional_leave_the_tour_otherwise_the_same():
    """``mandatory=False`` gives the same requests, each joint meeting still joint, none a must."""
    with_musts = rows_of(generate_delegation.generate_delegation(3, 100, 5, 2, cities=2))
    without = rows_of(generate_delegation.generate_delegation(3, 100, 5, 2, cities=2, mandatory=False))
    assert any(r["mandatory"] == "yes" for r in with_musts)
    assert not any(r["mandatory"] == "yes" for r in without)
    assert [{**r, "mandatory": ""} for r in with_musts] == without
