"""A delegation in a real browser (the system's Chromium driven by Playwright): create the
example, plan, see a lane per member, mark one absent, re-plan, accept; and on a phone."""

from __future__ import annotations

import os

import pytest

from playwright import sync_api

from scheduler import app
from scheduler.web.screenshots import CHROMIUM, launch_chromium, running_server

from delegation_export_plans import delegation_plan

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true",
                                reason=f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)")
TOKEN = "delegation-browser-token"
TOUR = "brussels-delegation-2019"
MEMBERS = ("anna", "boris", "chen")
#: Seconds to plan the Brussels example: its joint meetings are placed by CP-SAT, which needs
#: far more than the one-guest example's second on two shared cores.
PLAN_SECONDS = 40


@pytest.fixture(scope="module")
def browser_and_server(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("workspace")
    with running_server(workspace, TOKEN, time_limit=3.0) as base, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser, base, workspace
        browser.close()


def new_page(browser, base, external, **options):
    context = browser.new_context(**options)
    context.route("**/*", lambda route: (external.append(route.request.url), route.abort())
                  if not route.request.url.startswith(base) else route.continue_())
    page = context.new_page()
    page.goto(f"{base}/?token={TOKEN}")
    return context, page


def assert_lanes_of_the_members(page) -> None:
    lanes = page.locator("section.day >> nth=0 >> .lane-name.guest")
    assert [lanes.nth(i).get_attribute("data-lane") for i in range(lanes.count())] == list(MEMBERS)
    for member in MEMBERS:
        assert page.locator(f'svg.lane-area .block.engagement[data-lane="{member}"]').count() >= 1


def test_plan_the_delegation_example_and_see_a_lane_per_member(browser_and_server):
    """The whole example planned in the browser: lanes for the three members, no other host."""
    browser, base, workspace = browser_and_server
    external: list[str] = []
    context, page = new_page(browser, base, external)
    page.click("#create-delegation-example")
    page.fill("input[name=time_limit]", str(PLAN_SECONDS))
    page.click("#plan-button")
    page.locator("svg.lane-area .block").or_(page.get_by_text("cannot be read")).first.wait_for(
        timeout=(PLAN_SECONDS + 90) * 1000)
    assert "cannot be read" not in page.inner_text("body"), page.inner_text("body")[:300]
    assert_lanes_of_the_members(page)
    assert page.locator("svg.lane-area .band").count() >= 1  # joint meetings
    assert external == []
    context.close()


def test_absent_member_replanned_and_accepted_then_the_phone_view(browser_and_server):
    """A planned delegation (the exporters' hand-made plan in the example's folder): Anna is
    absent from a typed time, the re-plan is previewed and accepted; the agenda at 390 px has
    no horizontal scroll of the page (the lanes scroll in their own box)."""
    browser, base, workspace = browser_and_server
    external: list[str] = []
    context, page = new_page(browser, base, external)
    page.click("#create-delegation-example")
    tour = page.url.split("/tours/", 1)[1].split("?", 1)[0]
    app.write_plan_outputs(delegation_plan(), workspace / tour / "out")
    page.goto(f"{base}/tours/{tour}")
    assert_lanes_of_the_members(page)

    page.goto(f"{base}/tours/{tour}/visit")
    page.select_option("#absent-guest", "anna")
    page.check("input[name=now_mode][value=typed]")
    page.fill("input[name=now]", "2019-03-12T09:00")
    page.fill("form.visit input[name=time_limit]", "3")
    page.click("#replan-button")
    page.wait_for_selector("#accept-replan", timeout=120_000)
    assert "Anna Kowalska is absent" in page.inner_text("ul.absence")
    page.click("#accept-replan")
    page.wait_for_selector("svg.lane-area .block", timeout=120_000)
    page.wait_for_selector("#progress", state="detached", timeout=120_000)
    assert page.locator('svg.lane-area .block.engagement[data-lane="anna"]').count() == 0
    assert page.locator('svg.lane-area .block.engagement[data-lane="boris"]').count() >= 1
    context.close()

    phone, page = new_page(browser, base, external, viewport={"width": 390, "height": 844})
    for path in (f"/tours/{tour}", f"/tours/{tour}/visit", f"/tours/{tour}/send", f"/tours/{tour}/frame",
                 f"/tours/{tour}/requests"):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide"
    page.goto(f"{base}/tours/{tour}")
    box = page.locator(".lane-scroll >> nth=0")
    assert box.evaluate("element => element.scrollWidth > element.clientWidth")  # five lanes scroll
    assert external == []
    phone.close()
