"""Screenshots of the web app for docs/web.md: ``python -m scheduler.web.screenshots [OUT_DIR]``.

Starts ``scheduler serve`` on a free port over a scratch workspace, drives the system's
Chromium with Playwright through the bundled example (create, plan, explain, re-plan
preview) and saves PNGs. The browser tests use :func:`running_server` and
:func:`launch_chromium` too.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from .application import free_port

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "launch_chromium", "overview_screenshots", "running_server",
           "take_screenshots"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def running_server(workspace: Path, token: str, time_limit: float = 1.0) -> Iterator[str]:
    """``scheduler serve`` in a subprocess on 127.0.0.1 and a free port; yields its base URL."""
    port = free_port()
    # The package that runs this, first on the path (a source checkout or the installed one).
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "SCHEDULER_TOKEN": token,
           "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "serve", str(workspace), "--port", str(port),
         "--time-limit", str(time_limit)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/static/app.css", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                    raise RuntimeError(f"scheduler serve did not start:\n{output}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def launch_chromium(playwright):
    """The system's Chromium, headless, without any network of its own."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def take_screenshots(out_dir: Path) -> list[Path]:
    """Plan the example in a fresh workspace and save the main pages as PNGs in ``out_dir``."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    token = "screenshots"
    saved = []
    with tempfile.TemporaryDirectory() as scratch, running_server(Path(scratch), token) as base, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{base}/?token={token}")
        page.click("#create-example")
        page.fill("input[name=time_limit]", "2")
        page.click("#plan-button")
        page.wait_for_selector("svg.timeline .engagement", timeout=120_000)
        for name, path in (("web-agenda.png", ""), ("web-frame.png", "/frame"),
                           ("web-requests.png", "/requests")):
            page.goto(f"{base}/tours/spain-2018{path}")
            page.screenshot(path=str(out_dir / name), full_page=False)
            saved.append(out_dir / name)
        page.goto(f"{base}/tours/spain-2018")
        page.click(".why-not >> nth=0")
        page.wait_for_selector("pre.explanation", timeout=120_000)
        page.screenshot(path=str(out_dir / "web-why-not.png"))
        saved.append(out_dir / "web-why-not.png")
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.context.add_cookies(page.context.cookies())
        phone.goto(f"{base}/tours/spain-2018/visit")
        phone.check(".engagement-card input[name=cancel] >> nth=-1")
        phone.check("input[name=now_mode][value=typed]")
        phone.fill("input[name=now]", "2018-11-27T12:00")
        phone.click("#replan-button")
        phone.wait_for_selector("#accept-replan", timeout=120_000)
        phone.screenshot(path=str(out_dir / "web-visit-phone.png"))
        saved.append(out_dir / "web-visit-phone.png")
        browser.close()
    return saved


def overview_screenshots(overview_html: Path, out_dir: Path) -> list[Path]:
    """Save a delegation overview page (``delegation.html`` of a plan's output folder) as
    ``delegation-overview.png`` (a wide screen, the first day) and
    ``delegation-overview-phone.png`` (390 px wide) in ``out_dir``, for docs/delegations.md."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, width, height in (("delegation-overview.png", 1200, 1000),
                                    ("delegation-overview-phone.png", 390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(Path(overview_html).resolve().as_uri())
            page.screenshot(path=str(out_dir / name), full_page=False)
            saved.append(out_dir / name)
        browser.close()
    return saved


if __name__ == "__main__":
    # python -m scheduler.web.screenshots [OUT_DIR]: the web app's pages;
    # python -m scheduler.web.screenshots --overview OUT/delegation.html [OUT_DIR]: the overview.
    arguments = sys.argv[1:]
    if arguments[:1] == ["--overview"]:
        target = Path(arguments[2]) if len(arguments) > 2 else Path("docs/images")
        shots = overview_screenshots(Path(arguments[1]), target)
    else:
        shots = take_screenshots(Path(arguments[0]) if arguments else Path("docs/images"))
    for path in shots:
        print(path)
