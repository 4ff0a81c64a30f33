"""The one Jinja2 environment the HTML run sheet is rendered with: scheduler/templates, escaping on.

Every ``{{ value }}`` in a template is HTML-escaped unless it is already markup, so a title
such as ``<script>`` or ``{{`` shows as typed and can never become an element. A web app can
share the templates: ``base.html`` is the layout, ``run_sheet.html`` extends it, and the
partials (a day's timeline and table, the cover) can be included on their own.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..formatting import format_duration, format_number

__all__ = ["ENVIRONMENT", "breakable_email", "coordinate", "lines", "render_template"]

_LINE_BREAK = Markup("<br>")


def lines(text: object) -> Markup:
    """``text`` escaped, its line breaks (``\\n``, ``\\r\\n``, ``\\r``) shown as ``<br>``.

    Parameters
    ----------
    text
        Any text from the input (a note, a title, a name).

    Returns
    -------
    markupsafe.Markup
        Safe to place in HTML content; not meant for attributes or SVG.
    """
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _LINE_BREAK.join(escape(part) for part in value.split("\n"))


def breakable_email(address: str) -> Markup:
    """An escaped e-mail address that may wrap after ``@`` and before a dot, not inside a name."""
    escaped = str(lines(address))
    return Markup(escaped.replace("@", "@<wbr>").replace(".", "<wbr>."))


def coordinate(value: float) -> str:
    """A drawing coordinate with two decimals and no trailing zeros, the same on every machine."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


ENVIRONMENT = Environment(
    loader=PackageLoader("scheduler", "templates"),
    autoescape=True,
    undefined=StrictUndefined,  # a misspelt name fails the render instead of printing nothing
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENVIRONMENT.filters.update(
    lines=lines,
    breakable_email=breakable_email,
    coordinate=coordinate,
    duration=format_duration,
    number=format_number,
)


def render_template(name: str, **context: object) -> str:
    """Render the template ``name`` (a path under ``scheduler/templates``) with ``context``.

    Parameters
    ----------
    name
        Such as ``"run_sheet.html"`` or ``"partials/day_timeline.svg"``.
    **context
        The names the template reads; a name it reads and is not given raises
        :class:`jinja2.UndefinedError`.

    Returns
    -------
    str
        The rendered text.
    """
    return ENVIRONMENT.get_template(name).render(**context)
