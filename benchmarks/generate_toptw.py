"""Generates Solomon-format TOPTW instances of 100 to 300 customers, repeatably from a seed.

Usage::

    python benchmarks/generate_toptw.py OUT_DIR [--sizes 100,150,200,250,300] [--seed 1]

Each size gets three instances, one per layout, named ``g<size><layout>`` (``g200rc``):

- ``r``: customers spread uniformly over the 100 x 100 square;
- ``c``: customers in eight clusters;
- ``rc``: half of each.

The depot is at the centre. Every time is a whole number (so the one-decimal reading of
:mod:`benchmarks.instances` is exact), service lasts 10, profits are 1 to 50. Tmax and the
width of the windows vary with the instance (Tmax 400 to 1000, windows 30 to 600 wide) so
that the set holds both tight and wide windows; every window lets a tour to that customer
alone keep it and Tmax, with travel truncated to one decimal. The instances are the third set
of the engine's sweep (``benchmarks/sweep.py``) beside the Solomon 100 and 200 series.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path
from typing import Sequence

__all__ = ["LAYOUTS", "SIZES", "generate_instance", "instance_name", "write_instances"]

SIZES: tuple[int, ...] = (100, 150, 200, 250, 300)
LAYOUTS: tuple[str, ...] = ("r", "c", "rc")
SERVICE = 10
CENTRE = 50


def instance_name(size: int, layout: str) -> str:
    """``g<size><layout>``, the file stem of one generated instance."""
    return f"g{size}{layout}"


def _customer_points(rng: random.Random, size: int, layout: str) -> list[tuple[int, int]]:
    clustered = {"r": 0, "c": size, "rc": size // 2}[layout]
    centres = [(rng.randint(15, 85), rng.randint(15, 85)) for _ in range(8)]
    points = []
    for number in range(size):
        if number < clustered:
            cx, cy = centres[number % len(centres)]
            x = min(100, max(0, round(rng.gauss(cx, 5))))
            y = min(100, max(0, round(rng.gauss(cy, 5))))
        else:
            x, y = rng.randint(0, 100), rng.randint(0, 100)
        points.append((x, y))
    return points


def generate_instance(size: int, layout: str, seed: int = 1) -> str:
    """The text of one instance file (Solomon TOPTW format, ``shared/toptw/README.md``).

    Parameters
    ----------
    size
        Number of customers.
    layout
        ``"r"``, ``"c"`` or ``"rc"`` (see the module's docstring).
    seed
        The same size, layout and seed give the same text.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    rng = random.Random(f"{seed}-{size}-{layout}")
    tmax = rng.choice((400, 600, 1000))
    widest = rng.choice((60, 200, 600))
    lines = [f"4 4 {size} 1", f"0 {tmax}",
             f"0 {CENTRE:.2f} {CENTRE:.2f} 0.00 0.00 0 0 0 {tmax}"]
    for number, (x, y) in enumerate(_customer_points(rng, size, layout), start=1):
        # Whole-unit slack under the truncated travel keeps every customer reachable alone.
        reach = math.ceil(math.hypot(x - CENTRE, y - CENTRE))
        latest = tmax - reach - SERVICE
        centre = rng.randint(reach, latest)
        half = rng.randint(15, widest // 2)
        open_, close = max(reach, centre - half), min(latest, centre + half)
        profit = rng.randint(1, 50)
        lines.append(f"{number} {x:.2f} {y:.2f} {SERVICE:.2f} {profit:.2f} 0 0 {open_} {close}")
    return "\n".join(lines) + "\n"


def write_instances(folder: Path, sizes: Sequence[int] = SIZES, seed: int = 1) -> list[Path]:
    """Write one file per size and layout into ``folder`` (created); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for size in sizes:
        for layout in LAYOUTS:
            path = folder / f"{instance_name(size, layout)}.txt"
            path.write_text(generate_instance(size, layout, seed), encoding="utf-8")
            paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the instance files")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated numbers of customers (default 100,150,200,250,300)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(text) for text in args.sizes.split(",") if text.strip()]
    except ValueError:
        print("error: --sizes takes whole numbers separated by commas", file=sys.stderr)
        return 2
    if not sizes or min(sizes) < 1:
        print("error: --sizes needs at least one size of 1 or more", file=sys.stderr)
        return 2
    for path in write_instances(args.folder, sizes, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
