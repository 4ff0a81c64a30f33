"""What committing an output folder costs: the staged, all-or-nothing switch of
:mod:`scheduler.staging` against writing each file in place with ``write_atomic``.

Run: ``python -m benchmarks.commit`` (from the repository root). It writes a version of N
files into a folder that already holds M files (earlier versions, backups, the user's own
files), R times each, and prints the median time of one commit for both ways.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from scheduler.fsio import write_atomic
from scheduler.staging import staged_output

CASES = ((30, 30), (30, 300), (300, 3000))  # (files written, files already in the folder)
REPEATS = 15
SIZE = 20_000  # bytes per file, about a run sheet


def _fill(folder: Path, count: int) -> None:
    for number in range(count):
        path = folder / f"old-{number // 100}" / f"file-{number}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * SIZE)


def _staged(out: Path, written: int, round_: int) -> None:
    with staged_output(out) as stage:
        for number in range(written):
            write_atomic(stage.path / f"new-{number}.txt", f"{round_}".encode() * SIZE)


def _in_place(out: Path, written: int, round_: int) -> None:
    for number in range(written):
        write_atomic(out / f"new-{number}.txt", f"{round_}".encode() * SIZE)


def measure(written: int, existing: int) -> dict[str, float]:
    """Median seconds of one commit, staged and in place."""
    timings = {}
    for name, commit in (("staged", _staged), ("in place", _in_place)):
        with tempfile.TemporaryDirectory() as root:
            out = Path(root) / "out"
            out.mkdir()
            _fill(out, existing)
            seconds = []
            for round_ in range(REPEATS):
                started = time.perf_counter()
                commit(out, written, round_)
                seconds.append(time.perf_counter() - started)
            timings[name] = statistics.median(seconds)
    return timings


def main() -> int:
    print("| files written | files in the folder | staged commit | each file in place | ratio |")
    print("|---:|---:|---:|---:|---:|")
    for written, existing in CASES:
        timings = measure(written, existing)
        print(f"| {written} | {existing} | {timings['staged'] * 1000:.1f} ms | "
              f"{timings['in place'] * 1000:.1f} ms | {timings['staged'] / timings['in place']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
