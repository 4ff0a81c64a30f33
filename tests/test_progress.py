"""The progress line: drawn on a terminal only, after a delay, erased at the end."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import main
from scheduler.cli.progress import ProgressLine
from scheduler.checker import check_plan_file
from scheduler.solve import Progress, SolveParams

from builders import day, problem, request, window
from conftest import solve_checked

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "spain-2018"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_drawn_before_the_delay_then_value_engagements_gap_and_time():
    """The line speaks the summary's words (value served of the total, engagements, how far
    the bound is), never the engine's internal objective units."""
    stream, clock = _Terminal(), _Clock()
    with ProgressLine(stream, clock=clock, ticker=False, delay=1.0) as line:
        line.update(Progress(1200.0, 1300.0, 0.2, value=690, value_total=772, engagements=17))
        clock.now += 0.5
        line.tick()
        assert stream.getvalue() == ""
        clock.now += 1.0
        line.tick()
        shown = stream.getvalue()
        assert shown.startswith("\r")
        assert "value 690 of 772 served by 17 engagements so far; at most 8.3% from the best " \
            "agenda; 1.5 s" in shown
        assert "1,200" not in shown and "1,300" not in shown
    # closing erases the line and leaves the cursor at its start
    assert stream.getvalue().endswith("\r")
    assert stream.getvalue().split("\r")[-2].strip() == ""


def test_a_shorter_line_overwrites_a_longer_one_completely():
    stream, clock = _Terminal(), _Clock()
    line = ProgressLine(stream, clock=clock, ticker=False, delay=0.0)
    line.tick()
    first = stream.getvalue().split("\r")[-1]
    assert "no agenda yet" in first
    line.update(Progress(5.0, 5.0, 0.1))
    line.tick()
    second = stream.getvalue().split("\r")[-1]
    assert len(second) >= len(first)
    line.close()


def test_nothing_is_written_to_a_pipe_or_a_file():
    stream, clock = io.StringIO(), _Clock()
    with ProgressLine(stream, clock=clock, ticker=False, delay=0.0) as line:
        line.update(Progress(1.0, 2.0, 3.0))
        clock.now += 10
        line.tick()
    assert stream.getvalue() == ""


def test_the_solver_reports_agendas_and_bounds_in_order():
    d = day()
    prob = problem([request(f"r{i}", [window("09:00", "18:00")], place="A", duration=60, value=i + 1)
                    for i in range(6)], days=[d])
    seen: list[Progress] = []
    result = solve_checked(prob, SolveParams(time_limit=2.0, on_progress=seen.append))
    assert seen, "no progress reported"
    assert all(p.objective <= p.bound + 1e-6 for p in seen)
    assert [p.seconds for p in seen] == sorted(p.seconds for p in seen)
    assert seen[-1].objective <= result.objective


def test_plan_through_click_is_quiet_on_stderr(tmp_path):
    result = CliRunner().invoke(
        main, ["plan", str(EXAMPLE), "-o", str(tmp_path / "out"), "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "solving:" not in result.output
    assert "solving:" not in result.stderr
    assert check_plan_file(tmp_path / "out" / "plan.json") == []


def test_a_real_terminal_sees_the_progress_line_and_a_clean_end(tmp_path):
    """``scheduler plan`` in a pseudo-terminal: the line appears, then is erased."""
    leader, follower = pty.openpty()
    env = dict(os.environ, COLUMNS="100")
    process = subprocess.Popen(
        [sys.executable, "-c", "from scheduler.cli import main; main()", "plan", str(EXAMPLE),
         "-o", str(tmp_path / "out"), "--time-limit", "4"],
        stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0, (out, seen)
    text = seen.decode("utf-8", "replace")
    assert "solving: value" in text and "served by" in text and "from the best agenda" in text
    last = text.split("\r")[-1] if "\r" in text else text
    assert "solving:" not in last  # erased before the command's own output
    assert b"solving:" not in out  # never on stdout
    assert check_plan_file(tmp_path / "out" / "plan.json") == []
