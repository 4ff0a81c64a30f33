"""Windows itself is not a platform the package runs on (its writes need POSIX file locks):
it says so in words, naming WSL, rather than failing on a missing module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import main
from scheduler.errors import POSIX_ONLY

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "spain-2018"


def test_the_command_line_on_windows_says_to_use_wsl(monkeypatch, tmp_path):
    """On Windows every command stops before it reads or writes anything, with one line that
    names WSL, exit code 1 and no traceback."""
    monkeypatch.setattr(sys, "platform", "win32")
    result = CliRunner().invoke(main, ["plan", str(EXAMPLE), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "WSL" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_help_still_answers_on_windows(monkeypatch):
    """`scheduler --help` is read before the platform is: a user can still see what it does."""
    monkeypatch.setattr(sys, "platform", "win32")
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0


def test_importing_the_writers_without_fcntl_says_why():
    """A library user on a system without ``fcntl`` gets an ImportError that says which
    systems the package runs on, not "No module named 'fcntl'"."""
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "try:\n    import scheduler.staging\n"
            "except ImportError as error:\n    print(error)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == POSIX_ONLY
