"""The delegation overview page (delegation.html) in a real browser: nothing fetched, lanes, not blank."""

from __future__ import annotations

import os

import pytest
from delegation_export_plans import delegation_plan
from playwright import sync_api
from test_web_browser import assert_not_blank

from scheduler.export import overview
from scheduler.web.screenshots import CHROMIUM, launch_chromium

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true",
                                reason=f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)")


@pytest.mark.parametrize("width", [1200, 390])
def test_the_overview_loads_alone_with_a_lane_per_guest_and_resource(tmp_path, width):
    (path,) = overview.write(delegation_plan(), tmp_path)
    requests = []
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri())
        names = page.locator("#day-2019-03-12 .lane-name").all_inner_texts()
        lanes = page.locator("#day-2019-03-12 .lane").evaluate_all("els => els.map(e => e.dataset.lane)")
        joint = page.locator('#day-2019-03-12 .block.joint[data-joint="1"]').count()
        band = page.locator('#day-2019-03-12 .band[data-joint="1"]').bounding_box()
        anna = page.locator('#day-2019-03-12 .lane[data-lane="anna"]').bounding_box()
        chen = page.locator('#day-2019-03-12 .lane[data-lane="chen"]').bounding_box()
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
        browser.close()
    assert requests == [path.as_uri()]  # the page alone: nothing else, no other host
    assert [" ".join(n.split()) for n in names] == [
        "Anna Kowalska", "Boris Ivanov", "Chen Wei", "Inès Dupont (interpreter)", "Car with driver"]
    assert lanes == ["anna", "boris", "chen", "interp-1", "car-1"]
    # The commissioner: a block in each guest's lane and the interpreter's, one band across the guests.
    assert joint == 4
    assert band["x"] <= anna["x"] + 1 and band["x"] + band["width"] >= chen["x"] + chen["width"] - 1
    assert_not_blank(tmp_path / "overview.png")
