"""Monthly reports: entering, the workflow by role, locking, conflicts, late flag
(docs/rules.md#monthly-reports)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from revenue.models import MonthlyReport, ReportChange
from revenue.services import reports

URL = "/api/v1/revenue/reports/C01/2026/3/"
FIGURES = {"revenue": "81234.50", "volumes": {"BROADBAND": 12, "DEDICATED_LINE": 1}}


@pytest.fixture
def draft_a(api_for, staff_a, lines):
    response = api_for(staff_a).put(URL, {**FIGURES, "version": 0}, format="json")
    assert response.status_code == 200, response.json()
    return MonthlyReport.objects.get(county__code="C01", year=2026, month=3)


@pytest.fixture
def submitted_a(api_for, staff_a, draft_a):
    assert api_for(staff_a).post(URL + "submit/").status_code == 200
    draft_a.refresh_from_db()
    return draft_a


def test_a_month_not_yet_reported_reads_as_an_empty_draft(api_for, staff_a, lines):
    data = api_for(staff_a).get(URL).json()
    assert data["status"] == "draft"
    assert data["version"] == 0
    assert data["volumes"] == {"BROADBAND": 0, "DEDICATED_LINE": 0}
    assert data["deadline"] == "2026-04-05"


def test_county_staff_enter_figures_as_a_draft(api_for, staff_a, draft_a):
    data = api_for(staff_a).get(URL).json()
    assert data["revenue"] == "81234.50"
    assert data["volumes"] == {"BROADBAND": 12, "DEDICATED_LINE": 1}
    assert data["status"] == "draft"
    assert data["version"] == 1


def test_every_change_is_kept_with_who_old_and_new(api_for, staff_a, draft_a):
    api_for(staff_a).put(
        URL, {"revenue": "90000.00", "volumes": {"BROADBAND": 12}, "version": 1}, format="json"
    )
    change = ReportChange.objects.get(report=draft_a, field="revenue", old="81234.50")
    assert change.new == "90000.00"
    assert change.by.username == "staff_a"
    history = api_for(staff_a).get(URL).json()["history"]
    assert history[0]["field"] == "revenue" and history[0]["by"] == "staff_a"


def test_full_workflow_submit_return_correct_resubmit_approve_reopen(
    api_for, staff_a, city_user, draft_a
):
    county, city = api_for(staff_a), api_for(city_user)
    assert county.post(URL + "submit/").json()["status"] == "submitted"
    returned = city.post(URL + "return/", {"reason": "broadband looks low"}, format="json")
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "broadband looks low"
    corrected = county.put(URL, {**FIGURES, "revenue": "81000.00", "version": 3}, format="json")
    assert corrected.json()["status"] == "draft"
    assert county.post(URL + "submit/").json()["status"] == "submitted"
    assert city.post(URL + "approve/").json()["status"] == "approved"
    reopened = city.post(URL + "reopen/", {"reason": "province corrected revenue"}, "json")
    assert reopened.json()["status"] == "draft"
    actions = list(
        ReportChange.objects.filter(report=draft_a, field="status")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "submit", "return", "edit", "submit", "approve", "reopen"]


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
@pytest.mark.parametrize("who", ["staff_a", "head_a", "auditor1_a", "leader"])
def test_only_city_staff_review(api_for, request, submitted_a, action, who):
    user = request.getfixturevalue(who)
    response = api_for(user).post(URL + f"{action}/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    submitted_a.refresh_from_db()
    assert submitted_a.status == "submitted"


@pytest.mark.parametrize("who", ["head_a", "auditor1_a", "leader", "auditor2"])
def test_readers_cannot_enter_or_submit(api_for, request, draft_a, who):
    user = request.getfixturevalue(who)
    assert api_for(user).put(URL, {**FIGURES, "version": 1}, format="json").status_code == 403
    assert api_for(user).post(URL + "submit/").status_code == 403


def test_city_staff_may_enter_and_submit_for_a_county(api_for, city_user, lines, county_a):
    client = api_for(city_user)
    assert client.put(URL, {**FIGURES, "version": 0}, format="json").status_code == 200
    assert client.post(URL + "submit/").json()["status"] == "submitted"


def test_returning_or_reopening_needs_a_reason(api_for, city_user, submitted_a):
    response = api_for(city_user).post(URL + "return/", {"reason": " "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_a_transition_from_the_wrong_state_is_refused(api_for, city_user, draft_a):
    response = api_for(city_user).post(URL + "approve/")
    assert response.status_code == 400
    assert "a draft report cannot be approved" in str(response.json())


def test_a_county_user_cannot_read_or_write_another_countys_report(api_for, staff_b, draft_a):
    client = api_for(staff_b)
    assert client.get(URL).status_code == 404
    assert client.put(URL, {**FIGURES, "version": 1}, format="json").status_code == 404
    assert client.post(URL + "submit/").status_code == 404


def test_an_approved_report_cannot_be_changed(api_for, staff_a, city_user, submitted_a):
    api_for(city_user).post(URL + "approve/")
    for client in (api_for(staff_a), api_for(city_user)):
        response = client.put(URL, {**FIGURES, "revenue": "1.00", "version": 3}, format="json")
        assert response.status_code == 400
        assert "approved" in str(response.json())
    submitted_a.refresh_from_db()
    assert submitted_a.revenue == Decimal("81234.50")


def test_a_stale_version_gets_409_and_does_not_overwrite(api_for, staff_a, city_user, draft_a):
    first = api_for(city_user).put(URL, {**FIGURES, "revenue": "1.00", "version": 1}, "json")
    assert first.status_code == 200
    second = api_for(staff_a).put(URL, {**FIGURES, "revenue": "2.00", "version": 1}, "json")
    assert second.status_code == 409
    assert "city1" in second.json()["detail"]
    assert second.json()["version"] == 2
    draft_a.refresh_from_db()
    assert draft_a.revenue == Decimal("1.00")


def test_two_first_saves_of_a_new_report_conflict(api_for, staff_a, city_user, draft_a):
    response = api_for(city_user).put(URL, {**FIGURES, "version": 0}, format="json")
    assert response.status_code == 409


def test_a_late_submission_is_flagged(staff_a, lines, county_a):
    reports.report_save(
        county=county_a, year=2026, month=3, revenue="1.00", volumes={}, version=0, user=staff_a
    )
    report = MonthlyReport.objects.get()
    on_time = timezone.make_aware(dt.datetime(2026, 4, 5, 23, 0))
    with time_machine.travel(on_time, tick=False):
        assert reports.report_submit(report=report, user=staff_a).late is False
    report = reports.report_return(report=report, user=None, reason="check")
    late = timezone.make_aware(dt.datetime(2026, 4, 6, 8, 0))
    assert reports.report_submit(report=report, user=staff_a, now=late).late is True


def test_negative_and_fractional_figures_are_refused(api_for, staff_a, lines):
    bad_revenue = api_for(staff_a).put(URL, {"revenue": "-1.00", "version": 0}, format="json")
    assert bad_revenue.status_code == 400
    bad_volume = api_for(staff_a).put(
        URL, {"revenue": "1.00", "volumes": {"BROADBAND": -2}, "version": 0}, format="json"
    )
    assert bad_volume.status_code == 400
    assert not MonthlyReport.objects.exists()


def test_the_report_list_is_scoped(api_for, staff_b, city_user, draft_a):
    assert api_for(staff_b).get("/api/v1/revenue/reports/").json()["count"] == 0
    assert api_for(city_user).get("/api/v1/revenue/reports/").json()["count"] == 1
