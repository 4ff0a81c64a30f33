"""The HTML run sheet (``scheduler.export.html``) and its timeline (``scheduler.export.timeline``).

The HTML is parsed for real (the standard library's parser for structure, html5lib in strict
mode for well-formedness, ``xml.etree`` for each inline SVG), and printed by a real headless
Chromium when one is installed (Debian package ``chromium``).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factories import MADRID, at, small_plan

from scheduler.checker import assert_valid
from scheduler.domain import (
    Break,
    Contact,
    Day,
    Engagement,
    Guest,
    Location,
    Organizer,
    Plan,
    Problem,
    Request,
    SolverReport,
    Tour,
    TravelLeg,
    TravelTable,
    Unscheduled,
    Window,
)
from scheduler.export import html as html_export
from scheduler.export.timeline import day_timeline_svg
from scheduler.export.items import UnscheduledItem
from scheduler.export.view import AudienceError, build_view
from scheduler.planfile import plan_to_dict

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
AWKWARD = 'Telemadrid, "Buenos días"; live, with <script>alert(1)</script> 🌈 Génova'


def busy_plan() -> Plan:
    """A full day in Madrid (seven engagements, two remote, estimated legs) and a free day."""
    day1, day2 = date(2018, 11, 27), date(2018, 11, 28)

    def t(hour: int, minute: int = 0, day: date = day1) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MADRID)

    locations = {
        "HOTEL": Location("HOTEL", "Hotel Regina", "Calle de Alcalá 19, Madrid", "Madrid", 40.418, -3.699),
        "TV": Location("TV", "Telemadrid", "Paseo del Príncipe 3, Ciudad de la Imagen, Pozuelo de Alarcón",
                       "Pozuelo de Alarcón", 40.397, -3.776),
        "PP": Location("PP", "PP, Génova 13", "Calle de Génova 13, Madrid", "Madrid", 40.426, -3.694),
        "PAIS": Location("PAIS", "El País", "Calle de Miguel Yuste 40, Madrid", "Madrid", 40.441, -3.624),
        "PODEMOS": Location("PODEMOS", "Podemos", "Calle de la Princesa 2, Madrid", "Madrid", 40.424, -3.712),
        "CASA": Location("CASA", "Casa de la Cultura de Chamberí", "Calle de Fernández de la Hoz 24, Madrid",
                         "Madrid", 40.434, -3.694),
    }
    given = {("HOTEL", "TV"): 35, ("TV", "HOTEL"): 35, ("TV", "PP"): 40, ("PP", "PAIS"): 25,
             ("PAIS", "PODEMOS"): 30, ("PODEMOS", "CASA"): 25, ("CASA", "HOTEL"): 20}
    ids = sorted(locations)
    minutes = {(a, b): given.get((a, b), 15 + 5 * abs(ids.index(a) - ids.index(b)))
               for a in ids for b in ids if a != b}
    estimated = frozenset({("PP", "PAIS"), ("PAIS", "PODEMOS")})
    days = (
        Day(day1, t(6, 30), t(21, 30), "HOTEL", "HOTEL", Window(t(14), t(16)), 60),
        Day(day2, t(9, day=day2), t(18, day=day2), "HOTEL", "HOTEL"),
    )
    tour = Tour("busy", "Advocacy visit to Spain", "Europe/Madrid", Guest("Ana Guest", "Europe/Moscow"),
                days, Organizer("Test NGO", "team@example.org"), max_engagements_per_day=8,
                min_buffer_minutes=5)

    def req(rid, title, start, end, value, **kw) -> Request:
        return Request(rid, title, int((end - start).total_seconds() // 60), (Window(start, end),), value, **kw)

    requests = (
        req("tv", "Live interview, «Buenos días, Madrid»", t(8), t(8, 20), 40, kind="tv",
            counterpart="Telemadrid", contact=Contact("Marta Gil", "marta@example.com", "+34 600 100 200"),
            location_id="TV", audience=450000, setup_minutes=45, notes="Make-up at 07:15; live at 08:00 sharp"),
        req("ep", "Video interview, Europa Press", t(9, 30), t(10), 20, kind="agency",
            counterpart="Europa Press", contact=Contact("Jorge", "jorge@example.com"), remote="video",
            audience=2000000, notes="Link sent by e-mail the day before"),
        req("pp", "Meeting with the PP human-rights spokesperson", t(11), t(12), 50, kind="meeting",
            counterpart="Partido Popular", contact=Contact("Lucía Pérez", "lucia@example.org", "+34 600 300 400"),
            location_id="PP", mandatory=True, notes="Bring the report (10 copies)",
            internal_notes="They asked for the list of detainees; do not hand it over"),
        req("pais", "Interview, El País", t(12, 45), t(13, 30), 30, kind="print", counterpart="El País",
            contact=Contact("Pablo", "pablo@example.com"), location_id="PAIS", audience=1500000),
        req("podemos", "Meeting with Podemos", t(16), t(17), 30, kind="meeting", counterpart="Podemos",
            contact=Contact("Irene", "irene@example.org"), location_id="PODEMOS"),
        req("ser", "Phone interview, Cadena SER «Hoy por hoy»", t(18), t(18, 20), 25, kind="radio",
            counterpart="Cadena SER", contact=Contact("Àngels", phone="+34 600 500 600"), remote="phone",
            audience=3000000),
        req("casa", "Meeting with activists and social agents", t(19), t(20, 30), 20, kind="event",
            counterpart="FELGTB & friends", contact=Contact("Nacho", "nacho@example.org"), location_id="CASA",
            notes="Interpreter: Olga (Russian–Spanish)"),
        req("closet", "El Closet LGTBI podcast", t(10, day=day2), t(11, day=day2), 10, kind="podcast",
            counterpart="El Closet LGTBI", location_id="CASA"),
        req("abc", "=HYPERLINK(\"http://x\")", t(10), t(10, 30), 5, kind="print", counterpart="ABC",
            location_id="PP"),
    )
    problem = Problem(tour, requests, locations, TravelTable(minutes, estimated))
    engagements = (
        Engagement("tv", day1, t(8), t(8, 20), "TV"),
        Engagement("ep", day1, t(9, 30), t(10), None),
        Engagement("pp", day1, t(11), t(12), "PP"),
        Engagement("pais", day1, t(12, 45), t(13, 30), "PAIS"),
        Engagement("podemos", day1, t(16), t(17), "PODEMOS"),
        Engagement("ser", day1, t(18), t(18, 20), None),
        Engagement("casa", day1, t(19), t(20, 30), "CASA"),
    )

    def leg(origin, destination, depart, arrive) -> TravelLeg:
        return TravelLeg(day1, origin, destination, depart, arrive, minutes[(origin, destination)],
                         (origin, destination) in estimated)

    travel = (
        leg("HOTEL", "TV", t(6, 40), t(7, 15)),
        leg("TV", "PP", t(8, 30), t(9, 10)),
        leg("PP", "PAIS", t(12, 10), t(12, 35)),
        leg("PAIS", "PODEMOS", t(15, 15), t(15, 45)),
        leg("PODEMOS", "CASA", t(17, 10), t(17, 35)),
        leg("CASA", "HOTEL", t(20, 40), t(21)),
    )
    breaks = (Break(day1, t(14), t(15)),)
    unscheduled = (
        Unscheduled("closet", "Fits alone but not beside the engagements chosen.", "displaced"),
        Unscheduled("abc", "Its window overlaps the must-have meeting with the PP.", "displaced"),
    )
    solver = SolverReport("feasible", 245000.0, 251000.0, 0.0245, 10.0, 0, 10.0, 2, 215, 230)
    return Plan(problem, engagements, travel, breaks, unscheduled, solver, created=t(9, day=date(2018, 11, 20)))


def dst_plan() -> Plan:
    """A night across the end of summer time: 00:00–06:00 on Sunday 28 October 2018 (seven real hours)."""
    plan = small_plan()
    d = date(2018, 10, 28)
    day = Day(d, at(2018, 10, 28, 0), at(2018, 10, 28, 6), "HOTEL", "HOTEL")
    radio = replace(plan.problem.request("radio"), windows=(Window(at(2018, 10, 28, 3, 30), at(2018, 10, 28, 5)),))
    problem = replace(plan.problem, tour=replace(plan.problem.tour, days=(day,)), requests=(radio,))
    engagement = Engagement("radio", d, at(2018, 10, 28, 4), at(2018, 10, 28, 4, 30), None)
    solver = replace(plan.solver, value_served=radio.value, value_total=radio.value)
    return Plan(problem, (engagement,), (), (), (), solver)


@pytest.mark.parametrize("make_plan", [small_plan, busy_plan, dst_plan], ids=["small", "busy", "dst"])
def test_hand_made_plans_keep_every_rule(make_plan) -> None:
    """The plans these tests draw are valid agendas, by the independent checker."""
    assert_valid(plan_to_dict(make_plan()))


class _Collector(HTMLParser):
    """Collects start tags with their attributes, and the text, as the browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def having(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags
                if name == tag and (cls is None or cls in attrs.get("class", "").split())]


def parse(document: str) -> _Collector:
    collector = _Collector()
    collector.feed(document)
    collector.close()
    return collector


def sections(document: str) -> dict[str, str]:
    """The HTML of each ``<section>``, keyed by its id or its first class."""
    found = {}
    for match in re.finditer(r'<section class="page (\w+)"(?: id="([^"]+)")?>(.*?)</section>', document, re.S):
        found[match.group(2) or match.group(1)] = match.group(3)
    return found


@pytest.fixture(scope="module")
def team_html() -> str:
    return html_export.render(small_plan(), audience="team")


@pytest.fixture(scope="module")
def guest_html() -> str:
    return html_export.render(small_plan(), audience="guest")


def test_document_is_well_formed_html5(team_html: str, guest_html: str) -> None:
    """html5lib in strict mode parses both versions without a single parse error."""
    html5lib = pytest.importorskip("html5lib", reason="html5lib is a test dependency")
    for document in (team_html, guest_html):
        tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(document)
        assert tree.find("head/title") is not None


def test_cover_then_one_section_per_day(team_html: str) -> None:
    """A cover, a page per day in order with its timeline and table, then the unscheduled page."""
    parsed = parse(team_html)
    pages = parsed.having("section", "page")
    assert [p.get("id", p["class"]) for p in pages] == [
        "page cover", "day-2018-10-26", "day-2018-10-29", "page unscheduled"]
    assert len(parsed.having("svg", "timeline")) == 2
    assert len(parsed.having("table", "run")) == 2
    assert len(parsed.having("tr", "engagement")) == 3
    assert len(parsed.having("tr", "remote")) == 1


def test_print_css_is_a4_with_a_page_per_day(team_html: str) -> None:
    """The style asks for A4 pages and starts each section on a new page."""
    style = re.search(r"<style>(.*?)</style>", team_html, re.S).group(1)
    assert re.search(r"@page\s*{\s*size:\s*A4", style)
    assert ".page + .page { break-before: page;" in style


def test_self_contained_with_nothing_to_fetch(team_html: str) -> None:
    """No script, link, image, font or URL: the only address is the SVG namespace name."""
    parsed = parse(team_html)
    assert not parsed.having("script") and not parsed.having("link") and not parsed.having("img")
    for _tag, attrs in parsed.tags:
        assert "src" not in attrs and "href" not in attrs
    assert "@import" not in team_html and "url(" not in team_html and "@font-face" not in team_html
    addresses = set(re.findall(r"(?:https?|ftp|file)://[^\s\"'<>)]+", team_html))
    assert addresses == {"http://www.w3.org/2000/svg"}
    assert "default-src 'none'" in team_html


def test_awkward_text_is_escaped_everywhere(team_html: str) -> None:
    """``<script>`` from the input appears only escaped, in the table and in the SVG tooltip."""
    assert "<script" not in team_html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in team_html
    text = "".join(parse(team_html).text)
    assert AWKWARD in text  # the reader sees the title exactly as typed
    assert "🌈" in team_html and "Génova" in team_html and "Buenos días" in team_html
    assert "Line one<br>Line two, with comma; and semicolon" in team_html


HOSTILE = '<script>alert("x")</script> \'quoted\' {{ 7 * 7 }} {% raw %} & <b>bold</b>'


def hostile_plan() -> Plan:
    """``small_plan`` with markup, quotes and template syntax in its names, titles and notes."""
    plan = small_plan()
    problem = plan.problem
    tour = replace(problem.tour, name=f"Tour {HOSTILE}", guest=replace(problem.tour.guest, name=f"Guest {HOSTILE}"),
                   organizer=Organizer(f"NGO {HOSTILE}", "team@example.org"))
    requests = tuple(replace(r, title=f"Title {HOSTILE}", counterpart=f"Counterpart {HOSTILE}",
                             notes=f"Notes {HOSTILE}", internal_notes=f"Internal {HOSTILE}",
                             contact=Contact(f"Contact {HOSTILE}", "c@example.org"))
                     for r in problem.requests)
    locations = {key: replace(place, name=f"Place {HOSTILE}", address=f"Address {HOSTILE}")
                 for key, place in problem.locations.items()}
    return replace(plan, problem=replace(problem, tour=tour, requests=requests, locations=locations))


@pytest.mark.parametrize("audience", ["team", "guest"])
def test_hostile_text_is_shown_as_typed_and_never_runs(audience: str) -> None:
    """Markup, quotes and ``{{`` in titles, names, places and notes come out escaped: the reader
    sees them as typed, no element comes from them, and the templates evaluate none of them."""
    html5lib = pytest.importorskip("html5lib", reason="html5lib is a test dependency")
    document = html_export.render(hostile_plan(), audience=audience)
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(document)
    assert "<script" not in document.lower() and "<b>" not in document
    assert "{{ 7 * 7 }}" in "".join(parse(document).text)  # stays text, never evaluated
    parsed = parse(document)
    assert not parsed.having("script") and not parsed.having("b")
    text = "".join(parsed.text)
    for label in ("Tour", "Guest", "NGO", "Title", "Counterpart", "Notes", "Contact", "Place", "Address"):
        assert f"{label} {HOSTILE}" in text, label
    assert (f"Internal {HOSTILE}" in text) == (audience == "team")
    for svg in re.findall(r"<svg .*?</svg>", document, re.S):
        ElementTree.fromstring(svg)  # the escaping holds in the drawing too


def test_every_inline_svg_is_well_formed_xml_with_the_title_as_text(team_html: str) -> None:
    """Each timeline parses as XML (so the escaping holds) and its tooltips carry the raw titles."""
    svgs = re.findall(r"<svg .*?</svg>", team_html, re.S)
    assert len(svgs) == 2
    titles = []
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        assert root.tag == f"{SVG_NAMESPACE}svg"
        assert all(el.tag != f"{SVG_NAMESPACE}script" for el in root.iter())
        titles += [el.text for el in root.iter(f"{SVG_NAMESPACE}title")]
    assert any(AWKWARD in title for title in titles)


def test_times_dates_and_zone_per_page(team_html: str) -> None:
    """Days read ``Fri 26 Oct 2018``; each page names its zone; summer time ending shifts nothing."""
    pages = sections(team_html)
    friday, monday = pages["day-2018-10-26"], pages["day-2018-10-29"]
    assert "Fri 26 Oct 2018" in friday and "CEST" in friday and "UTC+02:00" in friday
    assert "Mon 29 Oct 2018" in monday and "CET" in monday and "UTC+01:00" in monday
    assert "CEST" not in monday
    assert "10:00\u201311:00" in friday and "12:00\u201312:30" in friday
    assert "16:00\u201316:45" in monday and "Be there 15:30" in monday
    assert "09:00:00" not in team_html and " AM" not in team_html and " PM" not in team_html


def test_table_rows_carry_place_contact_travel_and_notes(team_html: str) -> None:
    """An engagement row has its counterpart, address, contact and the leg before it."""
    friday = sections(team_html)["day-2018-10-26"]
    row_html = re.search(r'<tr class="engagement" id="e-psoe">(.*?)</tr>', friday, re.S).group(1)
    row = "".join(parse(row_html).text)
    for expected in ("Meeting with PSOE", "PSOE", "Calle de Ferraz 70, Madrid", "Pilar Ruiz",
                     "pilar@example.org", "+34 600 000 001", "from Hotel Central", "15 min",
                     "leave 09:45", "Bring the report", "Ask about the EU motion"):
        assert expected in row


def test_estimated_travel_is_marked() -> None:
    """A leg whose time is an estimate carries the ``estimated`` marker in its row."""
    document = html_export.render(busy_plan())
    row = re.search(r'<tr class="engagement" id="e-pais">(.*?)</tr>', document, re.S).group(1)
    assert "estimated" in row and "from PP, Génova 13" in row
    row = re.search(r'<tr class="engagement" id="e-pp">(.*?)</tr>', document, re.S).group(1)
    assert "estimated" not in row


def _row_times(day_html: str) -> list[str]:
    """The time each table row starts at, in the order the rows come."""
    return re.findall(r'<div class="time"><span class="n[^"]*">\d*</span>(\d\d:\d\d)', day_html)


def test_the_way_back_closes_the_day_in_one_row(team_html: str) -> None:
    """When the leg home is the last thing, one row says when and how the day ends."""
    page = sections(team_html)["day-2018-10-29"]
    assert _row_times(page) == ["09:00", "13:30", "16:00", "17:30"]
    assert "Day ends at Hotel Central (from Telemadrid, 35 min, leave 16:55)" in page
    assert "Arrive at" not in page


def test_rows_follow_the_clock_even_when_the_meal_comes_after_the_way_back() -> None:
    """The arrival at the night's place gets its row in time, before a later meal; the day ends last."""
    plan = small_plan()
    monday = plan.problem.tour.days[1].date
    late_meal = Break(monday, at(2018, 10, 29, 17, 45), at(2018, 10, 29, 18, 45))
    plan = replace(plan, breaks=tuple(b for b in plan.breaks if b.day != monday) + (late_meal,))
    page = sections(html_export.render(plan))["day-2018-10-29"]
    assert _row_times(page) == ["09:00", "16:00", "17:30", "17:45", "18:45"]
    assert "Arrive at Hotel Central (from Telemadrid, 35 min, leave 16:55)" in page
    rows = page[page.index('<table class="grid run"'):]
    assert rows.index("Arrive at Hotel Central") < rows.index("Meal break") < rows.index("Day ends at")


def test_cover_shows_totals_and_solver_status(team_html: str) -> None:
    """Guest, tour, dates, engagements, audience, value, travel and a proven optimum."""
    cover = sections(team_html)["cover"]
    for expected in ("Small test tour", "Ana Guest", "Fri 26 Oct 2018 \u2013 Mon 29 Oct 2018",
                     ">3<", "600,000", "110 / 120", "92% of the value asked", "1 h 40 min",
                     "Optimal", "Proven optimal", "1 request could not be scheduled"):
        assert expected in cover, expected


def test_cover_says_when_optimality_is_not_proven() -> None:
    """A feasible plan is reported as not proven, with the gap."""
    cover = sections(html_export.render(busy_plan()))["cover"]
    assert "Not proven" in cover and "gap 2.5%" in cover
    assert "Optimal<" not in cover


def test_team_version_ends_with_unscheduled_requests(team_html: str) -> None:
    """The last page lists each request left out with its reason."""
    last = sections(team_html)["unscheduled"]
    assert "Shangay interview" in last and "outside the tour" in last and "no_window" in last
    assert team_html.rstrip().endswith("</html>")
    assert team_html.index("Shangay interview") > team_html.index("day-2018-10-29")


def test_a_capped_list_keeps_the_most_valuable_in_order_and_says_where_the_rest_are() -> None:
    """With a cap, the requests of highest value (mandatory first) stay, in their order, and a
    line names the files that list them all; without one, every request is listed."""
    def item(request_id: str, value: int, mandatory: bool = False) -> UnscheduledItem:
        return UnscheduledItem(request_id, request_id, "", "", value, mandatory, "why", "displaced")

    items = (item("a", 5), item("b", 50), item("c", 1, mandatory=True), item("d", 20), item("e", 50))
    assert [i.request_id for i in html_export.most_valuable(items, 3)] == ["b", "c", "e"]
    assert html_export.most_valuable(items, None) == items == html_export.most_valuable(items, 5)
    capped = sections(html_export.render(small_plan(), unscheduled_rows=0))["unscheduled"]
    assert "Shangay interview" not in capped and "Not scheduled (1)" in capped
    assert "The 0 of highest value are listed here" in capped and "agenda.md" in capped
    assert "listed here" not in sections(html_export.render(small_plan()))["unscheduled"]


def test_guest_version_leaves_out_internal_notes_and_unscheduled(guest_html: str) -> None:
    """No internal note, no unscheduled request, no team-only label in the guest's copy."""
    for hidden in ("Ask about the EU motion", "Shangay", "Not scheduled", "Team only", "could not be scheduled"):
        assert hidden not in guest_html
    assert "Guest copy" in guest_html
    assert "Bring the report" in guest_html  # notes meant for the guest stay


def test_unknown_audience_is_refused() -> None:
    """Only ``team`` and ``guest`` exist."""
    with pytest.raises(AudienceError):
        html_export.render(small_plan(), audience="press")


def test_same_plan_gives_identical_html() -> None:
    """Rendering twice, from two equal plans, gives the same text."""
    assert html_export.render(small_plan()) == html_export.render(small_plan())
    assert html_export.render(busy_plan(), audience="guest") == html_export.render(busy_plan(), audience="guest")


def test_write_is_private_and_named_by_audience(tmp_path: Path) -> None:
    """``agenda.html`` for the team, ``agenda-guest.html`` for the guest, both owner-only."""
    team = html_export.write(small_plan(), tmp_path)
    guest = html_export.write(small_plan(), tmp_path, audience="guest")
    assert [p.name for p in team + guest] == ["agenda.html", "agenda-guest.html"]
    for path in team + guest:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert team[0].read_text(encoding="utf-8") == html_export.render(small_plan())


def test_free_day_says_so() -> None:
    """A day without engagements still gets its page, saying there is nothing on."""
    document = html_export.render(busy_plan())
    assert "No engagements this day." in sections(document)["day-2018-11-28"]


def _ticks(svg: ElementTree.Element) -> list[str]:
    """The hour labels of a timeline, left to right."""
    group = next(el for el in svg.iter(f"{SVG_NAMESPACE}g") if el.get("class") == "ticks")
    return [el.text or "" for el in group.iter(f"{SVG_NAMESPACE}text")]


def test_timeline_marks_remote_setup_travel_and_breaks() -> None:
    """The busy day's drawing has one group per item, remote ones marked, and hour ticks."""
    view = build_view(busy_plan())
    svg = ElementTree.fromstring(day_timeline_svg(view.days[0], "Europe/Madrid"))
    groups = [el.get("class") for el in svg.iter(f"{SVG_NAMESPACE}g")]
    assert groups.count("engagement") == 5 and groups.count("engagement remote") == 2
    assert groups.count("travel") == 4 and groups.count("travel estimated") == 2
    assert groups.count("break") == 1
    assert _ticks(svg) == [f"{h:02d}:00" for h in range(6, 23)]
    setup = [el for el in svg.iter(f"{SVG_NAMESPACE}rect") if el.get("fill") == "#a9c4e4"]
    assert len(setup) == 2  # the TV make-up lead-in and its legend swatch


def test_timeline_across_the_end_of_summer_time() -> None:
    """The night of 28 Oct 2018 has seven real hours: 02:00 is ticked twice, 04:00 stays 04:00."""
    view = build_view(dst_plan())
    day = view.days[0]
    assert day.zone_abbreviation == "CEST / CET"
    assert day.zone_label == "Europe/Madrid, CEST (UTC+02:00) then CET (UTC+01:00)"
    assert day.engagements[0].start_text == "04:00"
    svg = ElementTree.fromstring(day_timeline_svg(day, MADRID))
    assert _ticks(svg) == ["00:00", "01:00", "02:00", "02:00", "03:00", "04:00", "05:00", "06:00"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run_chromium(tmp_path: Path, *arguments: str) -> bytes:
    """Run headless Chromium with ``arguments``; its standard output (``--dump-dom``)."""
    browser = _chromium()
    if browser is None:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium)")
    profile = tmp_path / "profile"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--disable-extensions", f"--user-data-dir={profile}",
               *arguments]
    environment = {**os.environ, "HOME": str(tmp_path)}
    completed = subprocess.run(command, capture_output=True, timeout=180, env=environment,
                               stdin=subprocess.DEVNULL, check=False)
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
    return completed.stdout


def test_chromium_prints_cover_and_a_page_per_day(tmp_path: Path) -> None:
    """A real browser prints the team sheet to A4 PDF: cover, two days, unscheduled; titles inside."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf is a test dependency")
    page = html_export.write(small_plan(), tmp_path / "out")[0]
    output = tmp_path / "chromium.pdf"
    _run_chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={output}", page.as_uri())
    reader = pypdf.PdfReader(io.BytesIO(output.read_bytes()))
    assert len(reader.pages) == 4
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    squeezed = re.sub(r"\s+", "", reader.pages[2].extract_text())
    assert re.sub(r"\s+", "", AWKWARD) in squeezed and "16:00" in squeezed


def test_chromium_screenshot_is_not_blank(tmp_path: Path) -> None:
    """A real browser draws the page on screen: the picture has ink and the timeline's blue."""
    image_module = pytest.importorskip("PIL.Image", reason="Pillow is a test dependency")
    page = html_export.write(busy_plan(), tmp_path / "out")[0]
    shot = tmp_path / "shot.png"
    _run_chromium(tmp_path, "--hide-scrollbars", "--window-size=1000,2400", f"--screenshot={shot}",
                  page.as_uri())
    with image_module.open(shot) as image:
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1 << 20)
    assert colours is not None
    total = sum(count for count, _ in colours)
    background = max(colours)[0]
    assert total - background > total // 20  # well over 5% of the picture is not background
    engagement_blue = (0x1F, 0x4E, 0x79)
    assert sum(count for count, rgb in colours if rgb == engagement_blue) > 200
