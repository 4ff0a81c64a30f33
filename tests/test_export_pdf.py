"""The PDF run sheet (``scheduler.export.pdf``): WeasyPrint lays out the HTML, pypdf and poppler read it back.

These tests use the real parts: WeasyPrint with Pango (Debian ``libpango-1.0-0
libpangoft2-1.0-0``), pypdf for pages and text, and poppler's ``pdftotext`` and ``pdftoppm``
(Debian ``poppler-utils``) for a second reading and a picture of a page.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pypdf
import pytest
from factories import small_plan
from PIL import Image
from test_export_html import AWKWARD, busy_plan

from scheduler.domain import Plan
from scheduler.export import html, pdf
from scheduler.export.view import build_view


def _squeeze(text: str) -> str:
    """Text without any whitespace: a PDF breaks lines wherever the layout wraps them."""
    return re.sub(r"\s+", "", text)


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    assert found, f"{tool} is missing: install poppler-utils (Debian) to run the PDF tests"
    return found


@pytest.fixture(scope="module")
def team_pdf() -> bytes:
    return pdf.render(small_plan(), audience="team")


@pytest.fixture(scope="module")
def busy_pdf() -> bytes:
    return pdf.render(busy_plan(), audience="team")


def _pages(document: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(document))
    return [page.extract_text() for page in reader.pages]


def test_cover_then_one_page_per_day_then_unscheduled(team_pdf: bytes) -> None:
    """The team's PDF is a cover, one page per day, and the page of unscheduled requests."""
    pages = _pages(team_pdf)
    assert len(pages) == 1 + 2 + 1
    assert "Small test tour" in pages[0] and "At a glance".upper() in pages[0].upper()
    assert "Fri 26 Oct 2018" in pages[1] and "Mon 29 Oct 2018" in pages[2]
    assert "Notscheduled" in _squeeze(pages[3]) and "Shangayinterview" in _squeeze(pages[3])


def test_the_pdf_lists_at_most_its_cap_of_requests_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """The team's PDF is laid out from the run sheet with the list of requests left out cut
    at ``PDF_UNSCHEDULED_ROWS`` (the HTML run sheet keeps them all)."""
    laid_out = []
    monkeypatch.setattr(pdf, "render_html", lambda document, epoch=0, images=None: laid_out.append(document) or b"")
    monkeypatch.setattr(pdf, "PDF_UNSCHEDULED_ROWS", 0)
    pdf.render(small_plan(), audience="team")
    assert "Not scheduled (1)" in laid_out[0] and "Shangay interview" not in laid_out[0]
    assert "The 0 of highest value are listed here" in laid_out[0]


def test_the_pdf_draws_each_timeline_from_its_own_svg_and_fetches_nothing_else() -> None:
    """The PDF's document shows each day's timeline as an image of a ``timeline:N`` URL that
    only its own fetcher answers, with the SVG the HTML run sheet holds inline."""
    plan = small_plan()
    document, images = html.render_printable(plan, audience="guest")
    inline = html.render(plan, audience="guest")
    assert "<svg" not in document and document.count('<img class="timeline"') == len(images) == 2
    for url, svg in images.items():
        assert url.startswith(f"{html.TIMELINE_SCHEME}:") and f'src="{url}"' in document
        assert svg.decode("utf-8") in inline
    fetcher = pdf.refusing_url_fetcher(images)
    url = next(iter(images))
    assert fetcher.fetch(url).read() == images[url]
    with pytest.raises(ValueError):
        fetcher.fetch("timeline:99")
    with pytest.raises(ValueError):
        pdf.refusing_url_fetcher().fetch(url)


def test_guest_pdf_is_cover_and_days_only() -> None:
    """The guest's PDF has no unscheduled page and no internal note."""
    pages = _pages(pdf.render(small_plan(), audience="guest"))
    assert len(pages) == 1 + 2
    text = "\n".join(pages)
    assert "Ask about the EU motion" not in text and "Shangay" not in text and "Not scheduled" not in text


def test_a_full_day_fits_on_one_page(busy_pdf: bytes) -> None:
    """Seven engagements with notes still make one page for their day (cover + 2 days + unscheduled)."""
    assert len(_pages(busy_pdf)) == 4


def test_pages_are_a4(team_pdf: bytes) -> None:
    """Every page is 210 × 297 mm."""
    for page in pypdf.PdfReader(io.BytesIO(team_pdf)).pages:
        width, height = (float(value) for value in page.mediabox.upper_right)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1


@pytest.mark.parametrize("make_plan", [small_plan, busy_plan], ids=["small", "busy"])
def test_every_engagement_time_and_title_is_in_its_day_page(make_plan) -> None:
    """pypdf finds each engagement's start, end and exact title (accents, emoji, ``<script>``) on its page."""
    plan: Plan = make_plan()
    document = pdf.render(plan, audience="guest")
    pages = _pages(document)
    view = build_view(plan, audience="guest")
    for number, day in enumerate(view.days, start=1):
        page = _squeeze(pages[number])
        for engagement in day.engagements:
            assert _squeeze(engagement.title) in page, engagement.title
            assert f"{engagement.start_text}\u2013{engagement.end_text}" in page


def test_pdftotext_reads_the_awkward_title_literally(tmp_path: Path, team_pdf: bytes) -> None:
    """poppler's own reading has the escaped title as plain text, emoji and accents intact."""
    source = tmp_path / "agenda.pdf"
    source.write_bytes(team_pdf)
    completed = subprocess.run([_poppler("pdftotext"), "-raw", "-enc", "UTF-8", "-f", "3", "-l", "3", str(source), "-"],
                               capture_output=True, check=True, timeout=60)
    text = completed.stdout.decode("utf-8")
    assert _squeeze(AWKWARD) in _squeeze(text)
    assert "&lt;" not in text and "16:00" in text and "CET" in text


def test_a_day_page_renders_to_a_picture_with_ink(tmp_path: Path, busy_pdf: bytes) -> None:
    """pdftoppm draws the busy day; the picture has text and the timeline's colours, not a blank page."""
    source = tmp_path / "agenda.pdf"
    source.write_bytes(busy_pdf)
    subprocess.run([_poppler("pdftoppm"), "-r", "60", "-f", "2", "-l", "2", "-png", str(source),
                    str(tmp_path / "page")], check=True, timeout=60, capture_output=True)
    [picture] = sorted(tmp_path.glob("page*.png"))
    with Image.open(picture) as image:
        pixels = image.convert("RGB")
        width, height = pixels.size
        colours = pixels.getcolors(maxcolors=1 << 20)
    assert abs(height / width - 297 / 210) < 0.01
    total = width * height
    white = sum(count for count, rgb in colours if min(rgb) >= 245)
    assert total - white > total // 20

    def near(target: tuple[int, int, int]) -> int:
        return sum(count for count, rgb in colours if all(abs(a - b) <= 12 for a, b in zip(rgb, target)))

    assert near((0x1F, 0x4E, 0x79)) > 50  # engagement blocks
    assert near((0xF5, 0xC1, 0x8C)) > 10  # travel legs
    assert near((0xBF, 0xE0, 0xA8)) > 10  # the meal break


def test_nothing_is_fetched(caplog: pytest.LogCaptureFixture) -> None:
    """The URL fetcher refuses every address; the PDF is still made without it."""
    document = ('<!DOCTYPE html><html><head><link rel="stylesheet" href="http://192.0.2.1/x.css"></head>'
                '<body><p>Hello</p><img src="file:///etc/hostname"><img src="https://example.invalid/a.png">'
                "</body></html>")
    with caplog.at_level(logging.WARNING):
        output = pdf.render_html(document)
    assert output.startswith(b"%PDF")
    refused = [r.getMessage() for r in caplog.records if r.name == "scheduler.export.pdf"]
    assert len(refused) == 3 and all(message.startswith("refused to fetch") for message in refused)


def test_same_plan_gives_the_same_pdf(team_pdf: bytes) -> None:
    """The PDF carries the plan's creation time, not the clock's, so it is byte-for-byte repeatable."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    assert pdf.render(small_plan()) == team_pdf
    assert os.environ.get("SOURCE_DATE_EPOCH") == before  # the fixed font time was for the call only
    metadata = pypdf.PdfReader(io.BytesIO(team_pdf)).metadata
    assert metadata.title == "Run sheet: Small test tour \u2014 Ana Guest (team copy)"
    assert metadata["/CreationDate"].startswith("D:20181020120000")


def test_write_is_private_and_named_by_audience(tmp_path: Path) -> None:
    """``agenda.pdf`` for the team, ``agenda-guest.pdf`` for the guest, owner-only."""
    written = pdf.write(small_plan(), tmp_path) + pdf.write(small_plan(), tmp_path, audience="guest")
    assert [p.name for p in written] == ["agenda.pdf", "agenda-guest.pdf"]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes().startswith(b"%PDF")
