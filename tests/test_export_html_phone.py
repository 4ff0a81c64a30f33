"""The HTML run sheet on a phone: a real browser at 390 px wide never scrolls the page sideways."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from test_export_html import _run_chromium, busy_plan

from factories import small_plan
from scheduler.export import html as html_export

PHONE_WIDTH = 390
# Headless Chromium will not make a window narrower than 500 px, so the sheet is laid out
# in a frame of phone width, and the page around it measures the frame's document.
_PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="sheet" style="border:0;width:{width}px;height:844px" srcdoc="{sheet}"></iframe>
<script>
document.getElementById("sheet").addEventListener("load", event => {{
  const frame = event.target, page = frame.contentDocument, view = frame.contentWindow;
  const wide = [...page.querySelectorAll("body *")]
    .filter(node => node.getBoundingClientRect().right > view.innerWidth + 1)
    .filter(node => !node.closest(".scroll-box"))
    .slice(0, 5).map(node => node.tagName + "." + node.className).join(" ");
  const out = document.createElement("pre");
  out.textContent = `scroll=${{page.documentElement.scrollWidth}} inner=${{view.innerWidth}} wide=${{wide}}`;
  document.body.appendChild(out);
}});
</script></body></html>"""


def _measure(tmp_path: Path, plan) -> tuple[int, int, str]:
    """The sheet's scrollWidth, the frame's width and what sticks out, in Chromium."""
    page = html_export.write(plan, tmp_path / "out")[0]
    # The sheet forbids scripts; the measuring page around it is not the sheet.
    sheet = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                   page.read_text(encoding="utf-8"))
    probe = tmp_path / "probe.html"
    probe.write_text(_PROBE.format(width=PHONE_WIDTH, sheet=html.escape(sheet, quote=True)),
                     encoding="utf-8")
    dom = _run_chromium(tmp_path, "--window-size=800,900", "--virtual-time-budget=5000",
                        "--dump-dom", probe.as_uri()).decode("utf-8")
    found = re.search(r"scroll=(\d+) inner=(\d+) wide=([^<]*)", dom)
    assert found, "the measuring script did not run"
    return int(found[1]), int(found[2]), found[3]


@pytest.mark.parametrize("plan_maker", [busy_plan, small_plan])
def test_run_sheet_fits_a_phone(tmp_path: Path, plan_maker) -> None:
    """At 390 px the page is no wider than the screen (tables reflow instead of spilling)."""
    scroll, inner, wide = _measure(tmp_path, plan_maker())
    assert inner == PHONE_WIDTH
    assert scroll <= PHONE_WIDTH, f"page is {scroll} px wide; too wide: {wide}"
