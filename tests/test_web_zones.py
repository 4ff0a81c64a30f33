"""The web app shows each day in the zone it is lived in, as the run sheets do."""

from __future__ import annotations

from pathlib import Path

from scheduler import app
from scheduler.formatting import format_time
from scheduler.web.views import agenda_view

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "brussels-london-dublin-2019"


def test_the_agenda_page_shows_each_day_in_its_own_zone():
    plan = app.plan_tour(EXAMPLE, params=app.SolveParams(time_limit=2.0, seed=0, workers=1)).plan
    tour = plan.problem.tour
    view = agenda_view(plan)
    assert "each day's zone" in view.timezone
    for day, shown in zip(tour.days, view.days):
        zone = tour.day_zone(day)
        assert f"({zone.key})" in shown.hours
        assert shown.hours.startswith(f"{format_time(day.start, zone)}–{format_time(day.end, zone)}")
    london = next(i for i, day in enumerate(tour.days) if tour.day_zone(day).key == "Europe/London")
    engagement = plan.engagements_on(tour.days[london].date)[0]
    row = view.days[london].engagements[0]
    assert row["when"].startswith(format_time(engagement.start, tour.day_zone(tour.days[london])))
