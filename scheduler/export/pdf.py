"""The printable run sheet as PDF (``agenda.pdf``): the HTML run sheet laid out by WeasyPrint.

The PDF is rendered from the HTML text of :mod:`scheduler.export.html`, never from a URL, with
a URL fetcher that refuses every request: the run sheet needs nothing from outside and the
guest's itinerary must not leak through a stray fetch. The one exception is the days'
timelines, which the document names as ``timeline:N`` images and the fetcher answers from
memory (:func:`scheduler.export.html.render_printable`). WeasyPrint is imported on first use, so
the other exporters work on a machine without it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..domain import Plan
from ..errors import SchedulerError
from . import html
from .view import write_copy

__all__ = ["PDF_UNSCHEDULED_ROWS", "PdfError", "refusing_url_fetcher", "render", "render_html", "write"]

logger = logging.getLogger(__name__)

#: The team's PDF lists at most this many requests left out (those of highest value), about
#: seven pages: laying out the whole list of a 2,000-request tour took WeasyPrint 16 s for
#: 120 pages nobody prints (BENCHMARKS.md); agenda.html and agenda.md list every one.
PDF_UNSCHEDULED_ROWS = 100


class PdfError(SchedulerError):
    """The PDF cannot be made: WeasyPrint or the system libraries it needs are missing."""


def refusing_url_fetcher(images: Mapping[str, bytes] | None = None) -> Any:
    """A WeasyPrint URL fetcher that refuses every URL, so rendering never touches a network or disk.

    Parameters
    ----------
    images
        SVG images the document names by these exact URLs (the timelines of
        :func:`scheduler.export.html.render_printable`): answered from memory.

    Returns
    -------
    weasyprint.urls.URLFetcher
        Each call for any other URL raises ``ValueError``; WeasyPrint logs a warning and
        leaves the resource out.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    known = dict(images or {})

    class _Refuse(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:  # noqa: ARG002 - WeasyPrint's signature
            if url in known:
                return URLFetcherResponse(url, known[url], {"Content-Type": "image/svg+xml"})
            logger.warning("refused to fetch %s while rendering the run sheet", url[:80])
            raise ValueError(f"the run sheet fetches nothing; refused {url[:80]}")

    return _Refuse()


@contextlib.contextmanager
def _fixed_font_timestamps(epoch: int) -> Iterator[None]:
    """Make fontTools stamp re-saved fonts with ``epoch`` instead of the clock.

    WeasyPrint re-saves colour (emoji) fonts through fontTools, which writes the current time
    into the font's ``head`` table unless ``SOURCE_DATE_EPOCH`` is set. Without this the same
    plan would give a different PDF each run, and every re-export would leave one more backup
    copy of the private itinerary. A value the caller already set is respected. The variable
    is process-wide for the duration of the call.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def render_html(document: str, *, epoch: int = 0, images: Mapping[str, bytes] | None = None) -> bytes:
    """Lay out an HTML document (text, not a URL) as PDF with every fetch refused.

    Parameters
    ----------
    document
        The HTML text, such as :func:`scheduler.export.html.render` returns.
    epoch
        Seconds since 1970 written into embedded fonts in place of the clock, so the same
        document always gives the same bytes (the document's own creation date comes from
        its ``dcterms.created`` meta element).
    images
        SVG images by the URLs the document names them by (see :func:`refusing_url_fetcher`).

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    PdfError
        When WeasyPrint or its system libraries (Pango) cannot be loaded.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango or its friends are missing
        raise PdfError(
            "making agenda.pdf needs WeasyPrint and Pango: pip install weasyprint; on Debian "
            f"apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core ({error})"
        ) from error
    page = weasyprint.HTML(string=document, base_url=None, url_fetcher=refusing_url_fetcher(images))
    with _fixed_font_timestamps(epoch):
        return page.write_pdf()


def render(plan: Plan, *, audience: str = "team") -> bytes:
    """The run sheet of ``plan`` as PDF: a cover page, then a page for each day (A4).

    Parameters
    ----------
    plan
        A solved plan.
    audience
        ``"team"`` (internal notes and a last page of unscheduled requests, at most
        :data:`PDF_UNSCHEDULED_ROWS` of them) or ``"guest"``.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    PdfError
        When WeasyPrint cannot be loaded.
    scheduler.export.view.AudienceError
        For an unknown audience.
    """
    epoch = int(plan.created.timestamp()) if plan.created is not None else 0
    document, images = html.render_printable(plan, audience=audience, unscheduled_rows=PDF_UNSCHEDULED_ROWS)
    return render_html(document, epoch=epoch, images=images)


def write(plan: Plan, out_dir: Path, *, audience: str = "team") -> list[Path]:
    """Write ``agenda.pdf`` (team) or ``agenda-guest.pdf`` (guest) into ``out_dir``, privately."""
    return write_copy(out_dir, ".pdf", render(plan, audience=audience), audience)
