"""The web app in a real browser (the system's Chromium driven by Playwright): the issue's whole flow."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from icalendar import Calendar
from playwright import sync_api
from PIL import Image, ImageStat

from scheduler.web.screenshots import CHROMIUM, launch_chromium, running_server

# Outside CI a machine without Chromium skips these; CI installs it (scripts/test.sh) and
# must run them, so there a missing browser is a failure, not a skip.
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true",
                                reason=f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)")
TOKEN = "browser-test-token"


@pytest.fixture(scope="module")
def browser_and_server(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("workspace")
    with running_server(workspace, TOKEN, time_limit=1.0) as base, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser, base
        browser.close()


def assert_not_blank(path: Path) -> None:
    """A screenshot with real content: several colours and some spread of brightness."""
    image = Image.open(path).convert("RGB")
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 20
    assert max(ImageStat.Stat(image.convert("L")).stddev) > 10


def test_plan_explain_replan_accept_and_download(browser_and_server, tmp_path):
    """Log in, create the example, plan, see the timeline, explain a left-out request, cancel one
    engagement, re-plan from a typed time, accept, and download the calendar."""
    browser, base = browser_and_server
    context = browser.new_context(accept_downloads=True)
    external = []
    context.route("**/*", lambda route: (external.append(route.request.url), route.abort())
                  if not route.request.url.startswith(base) else route.continue_())
    page = context.new_page()
    page.goto(f"{base}/?token={TOKEN}")
    assert "token" not in page.url
    page.click("#create-example")
    page.fill("input[name=time_limit]", "1")
    page.click("#plan-button")
    page.wait_for_selector("svg.timeline .engagement", timeout=90_000)
    assert page.locator("svg.timeline .engagement").count() >= 5

    page.click(".why-not >> nth=0")
    page.wait_for_selector("pre.explanation", timeout=90_000)
    assert page.locator("pre.explanation").inner_text().strip()

    page.goto(f"{base}/tours/spain-2018/visit")
    cancelled = page.locator(".engagement-card").last.get_attribute("data-request")
    page.check(".engagement-card >> nth=-1 >> input[name=cancel]")
    page.check("input[name=now_mode][value=typed]")
    page.fill("input[name=now]", "2018-11-27T12:00")
    page.fill("form.visit input[name=time_limit]", "1")
    page.click("#replan-button")
    page.wait_for_selector("#accept-replan", timeout=90_000)
    assert "dropped" in page.locator("#preview-title").inner_text()
    page.click("#accept-replan")
    page.wait_for_selector("svg.timeline .engagement", timeout=90_000)
    page.wait_for_selector("#progress", state="detached", timeout=90_000)
    assert page.locator(f'tr.engagement-row[data-request="{cancelled}"]').count() == 0

    page.goto(f"{base}/tours/spain-2018/send")
    with page.expect_download() as download_info:
        page.click("#download-agenda-ics")
    path = tmp_path / "agenda.ics"
    download_info.value.save_as(path)
    summaries = [str(event.get("SUMMARY")) for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    assert summaries
    assert external == []
    context.close()


def test_visit_page_fits_a_phone(browser_and_server, tmp_path):
    """The during-the-visit page at 390 x 844: no horizontal scrolling; the screenshot is not blank."""
    browser, base = browser_and_server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/?token={TOKEN}")
    if page.locator("a[href='/tours/spain-2018']").count() == 0:
        page.click("#create-example")
    for path in ("/tours/spain-2018/visit", "/tours/spain-2018"):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide"
    page.goto(f"{base}/tours/spain-2018/visit")
    shot = tmp_path / "visit.png"
    page.screenshot(path=str(shot), full_page=True)
    assert_not_blank(shot)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    context.close()


def test_two_organizers_accept_on_one_tour_and_the_second_is_told(browser_and_server):
    """Two browsers on one tour: A previews a cancellation on a phone; B previews another
    change at a desk; A's Accept, from a page showing the preview B replaced, accepts nothing
    and says so; B double-clicks Accept and one version is written."""
    browser, base = browser_and_server
    pages = []
    for size in ({"width": 390, "height": 844}, {"width": 1280, "height": 800}):
        context = browser.new_context(viewport=size)
        page = context.new_page()
        page.goto(f"{base}/?token={TOKEN}")
        pages.append(page)
    phone, desk = pages
    phone.click("#create-example")
    tour = phone.url.split("/tours/")[1].split("?")[0]
    phone.fill("input[name=time_limit]", "1")
    phone.click("#plan-button")
    phone.wait_for_selector("svg.timeline .engagement", timeout=90_000)
    phone.wait_for_selector("#progress", state="detached", timeout=90_000)
    for page, change in ((phone, "cancel"), (desk, "delay")):
        page.goto(f"{base}/tours/{tour}/visit")
        if change == "cancel":
            page.check(".engagement-card >> nth=-1 >> input[name=cancel]")
        else:
            page.fill("input[name=delay]", "20")
        page.check("input[name=now_mode][value=typed]")
        page.fill("input[name=now]", "2018-11-27T12:00")
        page.fill("form.visit input[name=time_limit]", "1")
        page.click("#replan-button")
        page.wait_for_selector("#accept-replan", timeout=90_000)
    phone.click("#accept-replan")
    phone.wait_for_selector(".notice")
    assert "nothing was accepted" in phone.locator(".notice").inner_text()
    desk.dblclick("#accept-replan")
    desk.wait_for_url("**/tours/*", timeout=30_000)
    desk.goto(f"{base}/tours/{tour}/visit")
    desk.wait_for_selector("ul.versions", timeout=90_000)
    for _ in range(100):  # the version is written by a worker: wait for it to be listed
        if desk.locator("ul.versions li").count() >= 2:
            break
        desk.wait_for_timeout(300)
        desk.reload()
    assert desk.locator("ul.versions li").count() == 2
    for page in pages:
        page.context.close()
