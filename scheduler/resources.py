"""Where the bundled reference data and examples are, in a wheel or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _CHECKOUT / name


def data_dir() -> Path:
    """The folder of reference data (``places.csv``, ``travel_modes.toml``)."""
    return _bundled("data")


def examples_dir() -> Path:
    """The folder of bundled example tours."""
    return _bundled("examples")


def demo_tour() -> Path:
    """The bundled example tour that ``scheduler demo`` plans."""
    return examples_dir() / "spain-2018"
