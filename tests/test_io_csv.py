"""Reading spreadsheet CSV exports (scheduler.io.csvfile) and what load_tour makes of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.io import load_tour
from scheduler.io.csvfile import CsvSchema, CsvTable, read_csv
from scheduler.io.issues import IssueLog
from test_io_support import bundled_data  # noqa: F401 (a fixture)
from test_io_support import TOURS, issues_of, make_tour, the_issue

pytestmark = pytest.mark.usefixtures("bundled_data")

SCHEMA = CsvSchema(required=("id", "title"), optional=("notes", "contact_name", "setup_minutes"))


def read(tmp_path: Path, data: bytes) -> tuple[CsvTable | None, IssueLog]:
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    log = IssueLog()
    return read_csv(path, "file.csv", SCHEMA, log), log


def test_utf8_with_bom(tmp_path):
    """A UTF-8 byte-order mark is not part of the first column's name."""
    table, log = read(tmp_path, "\ufeffid,title\nr1,Génova\n".encode("utf-8"))
    assert not log.issues
    assert table.encoding == "utf-8"
    assert table.rows[0].cells == {"id": "r1", "title": "Génova"}


def test_windows_1252(tmp_path):
    """Bytes that are not UTF-8 are read as Windows-1252 (accents, €)."""
    table, log = read(tmp_path, "id;title\r\nr1;Periódico €\r\n".encode("cp1252"))
    assert not log.issues
    assert table.encoding == "cp1252"
    assert table.rows[0].get("title") == "Periódico €"


def test_a_stray_byte_in_utf8_is_reported_at_its_line_and_character(tmp_path):
    """UTF-8 with one Windows-1252 byte pasted in is refused there, not read as Windows-1252."""
    data = ("id,title\nr1,Reunión con Amnistía\nr2,Amnist".encode("utf-8") + b"\xeda Internacional\n")
    table, log = read(tmp_path, data)
    assert table is None
    issue = the_issue(log.issues, "file.csv", 3, None)
    assert issue.message.startswith("character 10 is the byte 0xED (`í` in Windows-1252), which is not UTF-8")
    assert "Amnist\\xeda Internacional" in issue.message and "CSV UTF-8" in issue.message


def test_several_stray_bytes_name_the_other_lines(tmp_path):
    """The first stray byte is the problem's place; the lines of the others are listed."""
    lines = ["id,title", "r1,Peri\u00f3dico"] + [f"r{n},Caf\udce9" for n in range(2, 5)]
    data = "\n".join(lines).encode("utf-8", errors="surrogateescape") + "\nr9,Génova\nr10,Cádiz".encode()
    _, log = read(tmp_path, data)
    issue = the_issue(log.issues, "file.csv", 3, None)
    assert "(and others on lines 4, 5)" in issue.message


def test_windows_1252_with_an_accidental_utf8_pair_is_still_windows_1252(tmp_path):
    """`É”` is valid UTF-8 by accident; with more accents than such pairs the file is Windows-1252."""
    text = "id;title\r\nr1;“CAFÉ” en Génova, Cádiz y León\r\n"
    table, log = read(tmp_path, text.encode("cp1252"))
    assert not log.issues and table.encoding == "cp1252"
    assert table.rows[0].get("title") == "“CAFÉ” en Génova, Cádiz y León"


def test_a_stray_byte_stops_the_tour_with_one_problem(tmp_path):
    """In a tour folder, the mixed file is one problem at its line, not garbled invitations."""
    requests = ("id,title,location,duration\npp,Reunión con Amnistía,PSOE,60\n".encode()
                + b"tv,Amnist\xeda,TV,30\n")
    issues = issues_of(make_tour(tmp_path, {"requests.csv": requests}))
    assert [(issue.file, issue.line) for issue in issues] == [("requests.csv", 3)]


def test_utf16_unicode_text(tmp_path):
    """Excel's "Unicode text" (UTF-16 with a byte-order mark, tab-separated) is read."""
    table, log = read(tmp_path, "id\ttitle\r\nr1\tSí\r\n".encode("utf-16"))
    assert not log.issues
    assert table.rows[0].cells == {"id": "r1", "title": "Sí"}


def test_semicolon_delimiter_is_sniffed(tmp_path):
    """A header with semicolons makes `;` the delimiter; commas stay inside cells."""
    table, log = read(tmp_path, b"id;title\nr1;Hello, world\n")
    assert table.delimiter == ";"
    assert table.rows[0].get("title") == "Hello, world"


def test_excel_separator_line(tmp_path):
    """Excel's `sep=;` first line sets the delimiter and is not the header."""
    table, log = read(tmp_path, b"sep=;\nid;title\nr1;Hello, world\n")
    assert not log.issues
    assert table.header_line == 2
    assert (table.rows[0].line, table.rows[0].get("title")) == (3, "Hello, world")


def test_quoted_newline_keeps_physical_line_numbers(tmp_path):
    """A quoted cell with line breaks makes the next record start on a later line."""
    table, log = read(tmp_path, b'id,title,notes\nr1,One,"first\nsecond\nthird"\nr2,Two,\n')
    assert [row.line for row in table.rows] == [2, 5]
    assert table.rows[0].get("notes") == "first\nsecond\nthird"


def test_cell_after_a_multiline_cell_has_its_own_line(tmp_path):
    """Within a record, each cell knows the physical line it starts on."""
    table, log = read(tmp_path, b'id,notes,title\nr1,"a\r\nb",One\n')
    row = table.rows[0]
    assert (row.line_of("id"), row.line_of("notes"), row.line_of("title")) == (2, 2, 3)
    assert row.get("notes") == "a\nb"


def test_empty_rows_and_columns_and_whitespace(tmp_path):
    """Empty rows and trailing empty columns are ignored; cells are stripped."""
    table, log = read(tmp_path, b"id;title;;\n r1 ;  One  ;;\n;;;\n\n  \nr2;Two;;\n;;;\n")
    assert not log.issues
    assert [(row.line, row.cells) for row in table.rows] == [
        (2, {"id": "r1", "title": "One"}), (6, {"id": "r2", "title": "Two"})]


def test_column_names_ignore_case_spaces_dashes_underscores(tmp_path):
    """`ID`, `Contact Name` and `SETUP-MINUTES` are `id`, `contact_name`, `setup_minutes`."""
    table, log = read(tmp_path, b"ID,Title,Contact Name,SETUP-MINUTES\nr1,One,Ana,30\n")
    assert not log.issues
    assert table.rows[0].cells == {"id": "r1", "title": "One", "contact_name": "Ana",
                                   "setup_minutes": "30"}


def test_unknown_column_suggests_the_likely_name(tmp_path):
    """An unknown column is an issue on the header line that suggests the closest name."""
    table, log = read(tmp_path, b"id,titel\nr1,One\n")
    unknown = the_issue(log.issues, "file.csv", 1, "titel")
    assert "did you mean `title`" in unknown.message
    missing = the_issue(log.issues, "file.csv", 1, "title")
    assert "required column `title` is missing" in missing.message


def test_duplicate_column(tmp_path):
    """A column named twice is an issue."""
    table, log = read(tmp_path, b"id,title,Title\nr1,One,Two\n")
    assert "appears twice" in the_issue(log.issues, "file.csv", 1, "title").message


def test_empty_file(tmp_path):
    """An empty (or blank) file is an issue about the whole file."""
    table, log = read(tmp_path, b"\n  \n")
    assert table is None
    assert "empty" in the_issue(log.issues, "file.csv", None, None).message


def test_unclosed_quote_names_the_line_it_opens_on(tmp_path):
    """A quote that never closes is reported at the record where it opens."""
    table, log = read(tmp_path, b'id,title\nr1,One\nr2,"Two\nr3,Three\n')
    assert "never closed" in the_issue(log.issues, "file.csv", 3, None).message


def test_more_cells_than_columns(tmp_path):
    """A row with more filled cells than the header has columns is an issue on that row."""
    table, log = read(tmp_path, b"id,title\nr1,One,extra\n")
    assert "more cells" in the_issue(log.issues, "file.csv", 2, None).message


def test_values_in_an_unnamed_column(tmp_path):
    """A filled column without a name is reported once, at its first value."""
    table, log = read(tmp_path, b"id,title,\nr1,One,\nr2,Two,x\nr3,Three,y\n")
    assert "no name" in the_issue(log.issues, "file.csv", 3, None).message
    assert len(log.issues) == 1


def test_workbook_instead_of_csv(tmp_path):
    """An .xlsx saved under a .csv name is recognised and explained."""
    table, log = read(tmp_path, b"PK\x03\x04\x14\x00\x06\x00rest of a zip")
    assert table is None
    assert "workbook" in the_issue(log.issues, "file.csv", None, None).message


def test_excel_spain_folder():
    """A Windows-1252, semicolon, CRLF tour with decimal commas, a quoted line break,
    accents and trailing empty rows and columns reads as intended."""
    problem = load_tour(TOURS / "excel-spain")
    requests = {request.id: request for request in problem.requests}
    assert requests["psoe"].title == "Reunión con el PP"
    assert requests["psoe"].contact.name == "José Núñez"
    assert requests["periodico"].title == "El Periódico"
    assert requests["pais"].notes == "Primera línea\nSegunda línea"
    place = problem.locations["@pais"]
    assert (place.latitude, place.longitude) == (40.4168, -3.7038)
    assert place.address == "Calle de Miguel Yuste, 40"
    genova = problem.locations["PP-GENOVA"]
    assert (genova.name, genova.latitude, genova.approximate) == ("Partido Popular, Génova 13", 40.4245, True)


def test_line_numbers_after_a_quoted_newline_in_a_tour(tmp_path):
    """An issue in the record after a multi-line cell names that record's physical line."""
    folder = make_tour(tmp_path, {"requests.csv": (
        'id,title,location,duration,notes\n'
        'r1,One,PSOE,30,"line one\nline two\nline three"\n'
        'r2,Two,PSOE,zero,\n')})
    the_issue(issues_of(folder), "requests.csv", 5, "duration")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_accented_ids_of_places_in_any_encoding(tmp_path, encoding):
    """Location rows with accents read the same in UTF-8, UTF-8 with BOM and Windows-1252."""
    folder = make_tour(tmp_path, {
        "locations.csv": "id;name;latitude;longitude\nHOTEL;Hotel Pérez;40,42;-3,70\n"
                         "GENOVA;Génova 13;40,4245;-3,6930\n".encode(encoding),
        "requests.csv": "id;title;location;duration\npp;Reunión;GENOVA;60\n".encode(encoding)})
    problem = load_tour(folder)
    assert problem.locations["GENOVA"].name == "Génova 13"
    assert problem.requests[0].title == "Reunión"
