"""The demo data tells the story the dashboards need, and seeding twice changes nothing."""

import datetime as dt
import io

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from marketing_ops import demo as core_demo
from revenue import demo
from revenue.models import MonthlyReport, Plan, ProvinceStanding
from revenue.selectors import progress


def test_demo_seeds_plans_reports_in_every_state_and_standings_once(db):
    today = dt.date(2026, 11, 27)
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 27, 10)), tick=False):
        core_demo.seed(io.StringIO(), today)
        demo.seed(io.StringIO(), today)
        counts = (MonthlyReport.objects.count(), Plan.objects.count())
        demo.seed(io.StringIO(), today)
    assert (MonthlyReport.objects.count(), Plan.objects.count()) == counts
    plan = Plan.objects.get(year=2026)
    assert plan.status == "published"
    assert plan.decompositions.get().method == "last_year"
    october = dict(
        MonthlyReport.objects.filter(year=2026, month=10).values_list("county__code", "status")
    )
    assert "C01" not in october  # left for the demo county user
    assert (october["C05"], october["C06"], october["C08"]) == ("draft", "submitted", "returned")
    assert MonthlyReport.objects.filter(late=True, county__code="C07", month=9).exists()
    assert ProvinceStanding.objects.filter(year=2026).count() == 10
    september = {
        c.county.code: c.revenue.status for c in progress.progress_summary(None, 2026, 9).counties
    }
    assert september["C01"] == "ahead" and september["C04"] == "behind"
    assert september["C08"] == "at_risk"
    assert list(september.values()).count("at_risk") == 1


def test_the_demo_on_its_own_date_opens_on_october_and_shows_november_states(db, client):
    """5 December: November's reports are within their deadline, so the dashboards rank on
    October; November shows each county's report beside its figures."""
    today = dt.date(2026, 12, 5)
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 12, 5, 9)), tick=False):
        core_demo.seed(io.StringIO(), today)
        demo.seed(io.StringIO(), today)
        plan = Plan.objects.get(year=2026)
        phased = plan.rephasings.get(county__code="C08")
        assert phased.reason.startswith("宽带营销活动推迟到12月")
        assert phased.kept_months == {"C08": list(range(1, 11))}
        opened = progress.progress_summary(None, 2026, 10)
        statuses = {c.county.code: c.revenue.status for c in opened.counties}
        assert statuses["C01"] == "ahead" and statuses["C08"] == "at_risk"
        assert list(statuses.values()).count("at_risk") == 1
        november = progress.progress_summary(None, 2026, 11)
        states = {c.county.code: c.report_state for c in november.counties}
        assert states == {
            "C01": "missing",
            "C02": "approved",
            "C03": "approved",
            "C04": "approved",
            "C05": "missing",
            "C06": "waiting",
            "C07": "approved",
            "C08": "returned",
        }
        assert not november.closed and opened.closed
        assert ProvinceStanding.objects.filter(year=2026).count() == 10
        client.force_login(get_user_model().objects.get(username="city"))
        assert "2026 through month 10" in client.get("/revenue/").content.decode()
        client.force_login(get_user_model().objects.get(username="c08_staff"))
        home = client.get("/").content.decode()
        assert "C08 2026-11 was returned by city staff" in home
