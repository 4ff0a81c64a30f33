"""The agenda as a workbook (``export.workbook``): agenda.xlsx read back with openpyxl."""

from __future__ import annotations

import io
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import small_plan
from test_export_html import AWKWARD, busy_plan

from scheduler.cli import main
from scheduler.domain import Contact, Plan
from scheduler.export import DEFAULT_OUTPUTS, FORMATS, table, workbook
from scheduler.export.view import build_view
from scheduler.planfile import write_plan

openpyxl = pytest.importorskip("openpyxl")


def _with_request(plan: Plan, request_id: str, **changes) -> Plan:
    requests = tuple(replace(r, **changes) if r.id == request_id else r for r in plan.problem.requests)
    return replace(plan, problem=replace(plan.problem, requests=requests))


def _cells(data: bytes) -> list[list[str]]:
    """The sheet ``agenda`` as rows of text (empty cells as ``""``)."""
    sheet = openpyxl.load_workbook(io.BytesIO(data))[workbook.SHEET]
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_holds_the_rows_of_the_csv() -> None:
    """Same header, same rows, same neutralised text as agenda.csv (accents, emoji, line breaks)."""
    plan = _with_request(busy_plan(), "pais", title=AWKWARD, notes="Line one\nLine two")
    expected = [[table.neutralise(cell) for cell in row] for row in table.rows(build_view(plan))]
    assert _cells(workbook.render(plan)) == expected
    assert any(AWKWARD in row and "Line one\nLine two" in row for row in expected)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"])
def test_formula_cells_are_neutralised_and_stored_as_text(start: str) -> None:
    """A title that would run as a formula is text with a leading apostrophe, as in the CSV."""
    payload = f"{start}HYPERLINK(\"http://x.example\",\"click\")"
    plan = _with_request(small_plan(), "psoe", title=payload, notes=payload,
                         contact=Contact(phone="+34 600 000 001"))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.render(plan)))[workbook.SHEET]
    header = [cell.value for cell in sheet[1]]
    psoe = {name: cell for name, cell in zip(header, sheet[2])}
    for column in ("Title", "Notes"):
        assert psoe[column].value == "'" + payload
        assert psoe[column].data_type == "s"
    assert psoe["Contact"].value == "'+34 600 000 001"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_control_characters_and_huge_cells_do_not_break_the_file() -> None:
    """A terminal escape is shown, not written raw (XML cannot hold it); a huge note is cut."""
    plan = _with_request(small_plan(), "psoe", title="Live\x1b[31m red", notes="x" * 40_000)
    rows = _cells(workbook.render(plan))
    psoe = dict(zip(rows[0], rows[1]))
    assert psoe["Title"] == "Live\\x1b[31m red"
    assert len(psoe["Notes"]) == 32_767 and psoe["Notes"].endswith("…")


def test_the_guest_workbook_has_no_internal_notes() -> None:
    """The guest's copy leaves out the column and its content."""
    rows = _cells(workbook.render(small_plan(), audience="guest"))
    assert "Internal notes" not in rows[0] and len(rows) == 4
    assert not any("Ask about the EU motion" in cell for row in rows for cell in row)


def test_same_plan_same_bytes_written_privately(tmp_path: Path) -> None:
    """Writing an unchanged plan again gives identical bytes (no needless backup); owner-only."""
    assert workbook.render(busy_plan()) == workbook.render(busy_plan())
    written = workbook.write(small_plan(), tmp_path) + workbook.write(small_plan(), tmp_path, audience="guest")
    assert [p.name for p in written] == ["agenda.xlsx", "agenda-guest.xlsx"]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    workbook.write(small_plan(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agenda-guest.xlsx", "agenda.xlsx"]


def test_plan_writes_it_and_export_has_the_format(tmp_path: Path) -> None:
    """`plan` writes agenda.xlsx by default; `export --format xlsx` writes it as the CSV's."""
    assert FORMATS["xlsx"] == "workbook" and ("xlsx", "team") in DEFAULT_OUTPUTS
    plan_file = write_plan(small_plan(), tmp_path / "plan" / "plan.json")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", str(plan_file), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["agenda.xlsx"]
    assert _cells((out / "agenda.xlsx").read_bytes())[1][-1] == "psoe"
