"""The command line on a terminal whose encoding is not UTF-8 (Latin-1 here): what it cannot
show is printed as ``?``; the command does not stop on it, and the files stay UTF-8."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DELEGATION = ROOT / "examples" / "brussels-delegation-2019"


def test_a_latin1_terminal_gets_the_agenda_with_question_marks(tmp_path):
    """`scheduler plan` of the delegation example (em dashes, en dashes, arrows, Cyrillic and
    accented names) with stdout in Latin-1: exit 0, the summary printed, characters Latin-1
    has kept as they are, the others as ``?``; plan.json written in UTF-8."""
    env = {**os.environ, "PYTHONIOENCODING": "latin-1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-m", "scheduler", "plan", str(DELEGATION), "-o",
                          str(tmp_path / "out"), "--time-limit", "1"],
                         capture_output=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr.decode("latin-1")
    printed = run.stdout.decode("latin-1")
    assert "Solver:" in printed and "Wrote to" in printed
    assert "?" in printed and "\u2014" not in printed
    assert b"Traceback" not in run.stderr
    (tmp_path / "out" / "plan.json").read_text(encoding="utf-8")
