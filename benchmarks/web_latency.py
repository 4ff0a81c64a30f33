"""Page latency of the web app while it solves a large tour.

Run: ``python -m benchmarks.web_latency`` (from the repository root). It generates a
300-request, 14-day tour into a fresh workspace, starts ``scheduler serve`` on 127.0.0.1
(a free port), presses Plan with a 60-second limit, and while the solver works loads pages
and API answers, ``--loads`` times in all (default 50), one after the other, bounded by the
solve's time. It prints the median, p95 and largest latency of each kind of request, and
whether the solver was still running at the last load. Only this machine is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.generate import generate_tour, write_tour

TOKEN = "benchmark-token"


def _get(url: str, timeout: float = 30.0) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        answer.read()
        status = answer.status
    return status, time.perf_counter() - started


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {TOKEN}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status


def _wait_ready(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            _get(f"{base}/api/tours", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return (f"{len(ordered)} loads: median {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--loads", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as root:
        workspace = Path(root) / "workspace"
        workspace.mkdir()
        tour = generate_tour(args.requests, args.days, 4, 1)
        write_tour(tour, workspace / "big")
        from scheduler.web.application import free_port

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, SCHEDULER_TOKEN=TOKEN)
        server = subprocess.Popen([sys.executable, "-m", "scheduler.cli", "serve", str(workspace),
                                   "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            _wait_ready(base, time.monotonic() + 60)
            [entry] = [t for t in json.loads(urllib.request.urlopen(urllib.request.Request(
                f"{base}/api/tours", headers={"Authorization": f"Bearer {TOKEN}"})).read())]
            tour_id = entry["id"]
            assert _post(f"{base}/api/tours/{tour_id}/plan", {"time_limit": args.time_limit}) == 202
            started = time.monotonic()
            kinds = {"page /tours/{id}": f"{base}/tours/{tour_id}",
                     "page /": f"{base}/",
                     "api GET plan": f"{base}/api/tours/{tour_id}/plan"}
            seen: dict[str, list[float]] = {kind: [] for kind in kinds}
            solving_at_end = False
            for number in range(args.loads):
                if time.monotonic() - started > args.time_limit:
                    break
                kind = list(kinds)[number % len(kinds)]
                status, seconds = _get(kinds[kind])
                seen[kind].append(seconds)
                if kind == "api GET plan":
                    solving_at_end = status == 202
                time.sleep(0.2)
            print(f"{args.requests} requests over {args.days} days, Plan pressed with a "
                  f"{args.time_limit:g} s limit; {os.cpu_count()} cores")
            everything = [s for values in seen.values() for s in values]
            print(f"all: {_summary(everything)}")
            for kind, values in seen.items():
                if values:
                    print(f"{kind}: {_summary(values)}")
            print(f"the solver was {'still' if solving_at_end else 'no longer'} running at the "
                  f"last plan request")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
