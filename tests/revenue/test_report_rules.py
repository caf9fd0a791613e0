"""Monthly reports as people use them: only ended months, discarding a draft, the one who
edits does not approve, the reviewer's comparisons, the returned report's reason on the county's
home page (docs/rules.md#monthly-reports)."""

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from revenue.models import MonthlyReport

from .conftest import make_report

FIGURES = {"revenue": "81234.50", "volumes": {"BROADBAND": 12, "DEDICATED_LINE": 1}}
TODAY = "2026-12-05 09:00 +0800"


def _url(year: int, month: int, county: str = "C01") -> str:
    return f"/api/v1/revenue/reports/{county}/{year}/{month}/"


# Only months that have ended -------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_the_api_refuses_figures_for_the_running_month_and_a_future_one(api_for, staff_a, lines):
    client = api_for(staff_a)
    for year, month in [(2026, 12), (2027, 5)]:
        response = client.put(_url(year, month), {**FIGURES, "version": 0}, format="json")
        assert response.status_code == 400
        assert "has not ended" in response.json()["month"][0]
    assert not MonthlyReport.objects.exists()
    assert client.put(_url(2026, 11), {**FIGURES, "version": 0}, format="json").status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_the_page_shows_no_form_for_a_running_month_and_refuses_a_post(client_for, staff_a, lines):
    client = client_for(staff_a)
    page = client.get("/revenue/reports/C01/2026/12/").content.decode()
    assert 'id="month-not-ended"' in page
    assert 'id="report-form"' not in page
    response = client.post(
        "/revenue/reports/C01/2026/12/", {"revenue": "10.00", "version": 0}
    ).content.decode()
    assert "has not ended" in response
    assert not MonthlyReport.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_an_upload_with_a_running_month_gets_a_row_error_and_writes_nothing(
    api_for, city_user, county_a, county_b, lines
):
    content = (
        b"county_code,year,month,revenue,BROADBAND,DEDICATED_LINE\n"
        b"C01,2026,11,100.00,1,0\n"
        b"C02,2026,12,100.00,1,0\n"
        b"C02,2027,5,100.00,1,0\n"
    )
    response = api_for(city_user).post(
        "/api/v1/revenue/reports/import/", {"file": SimpleUploadedFile("f.csv", content)}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "month"), (4, "month")]
    assert "2026-12 has not ended" in errors[0]["message"]
    assert not MonthlyReport.objects.exists()


# Discarding a draft ----------------------------------------------------------------------------


def test_the_county_discards_a_draft_nobody_submitted_through_the_api(
    api_for, staff_a, staff_b, lines
):
    client = api_for(staff_a)
    assert client.put(_url(2026, 3), {**FIGURES, "version": 0}, format="json").status_code == 200
    assert api_for(staff_b).delete(_url(2026, 3)).status_code == 404
    assert client.delete(_url(2026, 3) + "?version=1").status_code == 204
    assert not MonthlyReport.objects.exists()


def test_a_submitted_or_once_submitted_report_cannot_be_discarded(
    api_for, staff_a, city_user, lines
):
    client = api_for(staff_a)
    client.put(_url(2026, 3), {**FIGURES, "version": 0}, format="json")
    client.post(_url(2026, 3) + "submit/")
    response = client.delete(_url(2026, 3))
    assert response.status_code == 400
    assert "never submitted" in response.json()["status"][0]
    api_for(city_user).post(_url(2026, 3) + "return/", {"reason": "check BROADBAND"})
    assert client.delete(_url(2026, 3)).status_code == 400
    assert MonthlyReport.objects.filter(status="returned").exists()


def test_the_report_page_offers_discard_for_a_draft_and_it_deletes_it(client_for, staff_a, lines):
    client = client_for(staff_a)
    client.post(
        "/revenue/reports/C01/2026/3/",
        {"revenue": "10.00", "volume_BROADBAND": 1, "volume_DEDICATED_LINE": 0, "version": 0},
    )
    page = client.get("/revenue/reports/C01/2026/3/").content.decode()
    assert 'id="discard-report"' in page
    response = client.post("/revenue/reports/C01/2026/3/discard/", {"version": 1}, follow=True)
    assert "was discarded" in response.content.decode()
    assert not MonthlyReport.objects.exists()


# Who approves ----------------------------------------------------------------------------------


def test_city_staff_who_edited_the_figures_may_not_approve_but_another_may(
    api_for, client_for, staff_a, city_user, admin_user, lines
):
    county = api_for(staff_a)
    county.put(_url(2026, 3), {**FIGURES, "version": 0}, format="json")
    county.post(_url(2026, 3) + "submit/")
    city = api_for(city_user)
    city.post(_url(2026, 3) + "return/", {"reason": "BROADBAND looks low"})
    version = city.get(_url(2026, 3)).json()["version"]
    edited = {**FIGURES, "revenue": "90000.00", "version": version}
    assert city.put(_url(2026, 3), edited, format="json").status_code == 200
    county.post(_url(2026, 3) + "submit/")
    response = city.post(_url(2026, 3) + "approve/")
    assert response.status_code == 403
    assert "another city staff member" in response.json()["detail"]
    shown = client_for(city_user).get("/revenue/reports/C01/2026/3/").content.decode()
    assert 'id="four-eyes"' in shown and 'id="approve-report"' not in shown
    other = client_for(admin_user).get("/revenue/reports/C01/2026/3/").content.decode()
    assert 'id="approve-report"' in other
    page = client_for(city_user).post("/revenue/reports/C01/2026/3/approve/")
    assert page.status_code == 403
    assert "another city staff member" in page.content.decode()
    assert MonthlyReport.objects.get().status == "submitted"
    assert api_for(admin_user).post(_url(2026, 3) + "approve/").status_code == 200
    assert MonthlyReport.objects.get().status == "approved"


# The reviewer's context ------------------------------------------------------------------------


def test_each_figure_comes_with_the_previous_month_last_year_and_the_target(
    api_for, client_for, city_user, county_a, plan_2026
):
    make_report(county_a, 2026, 2, "40000.00", volumes={"BROADBAND": 10})
    make_report(county_a, 2025, 3, "60000.00", volumes={"BROADBAND": 20})
    make_report(county_a, 2026, 3, "50000.00", status="submitted", volumes={"BROADBAND": 15})
    data = api_for(city_user).get(_url(2026, 3)).json()
    revenue = data["comparisons"][0]
    assert revenue == {
        "figure": "revenue",
        "current": "50000.00",
        "previous": "40000.00",
        "last_year": "60000.00",
        "target": "50000.00",
        "change_previous": "0.2500",
        "change_last_year": "-0.1667",
        "of_target": "1.0000",
    }
    broadband = data["comparisons"][1]
    assert (broadband["figure"], broadband["previous"], broadband["target"]) == (
        "BROADBAND",
        "10.00",
        "50.00",
    )
    page = client_for(city_user).get("/revenue/reports/C01/2026/3/").content.decode()
    assert 'id="comparisons"' in page
    assert "40,000.00" in page and "60,000.00" in page and "25.00%" in page


def test_the_report_page_runs_the_same_queries_however_many_months_exist(
    client_for, city_user, county_a, plan_2026, django_assert_max_num_queries
):
    client = client_for(city_user)
    make_report(county_a, 2026, 3, "50000.00", status="submitted", volumes={"BROADBAND": 15})
    client.get("/revenue/reports/C01/2026/3/")
    with django_assert_max_num_queries(60) as bare:
        client.get("/revenue/reports/C01/2026/3/")
    make_report(county_a, 2026, 2, "40000.00", volumes={"BROADBAND": 10})
    make_report(county_a, 2025, 3, "60000.00", volumes={"BROADBAND": 20, "DEDICATED_LINE": 1})
    with django_assert_max_num_queries(len(bare.captured_queries)):
        client.get("/revenue/reports/C01/2026/3/")


def test_submitting_on_the_page_asks_for_a_confirmation(client_for, staff_a, lines):
    client = client_for(staff_a)
    client.post(
        "/revenue/reports/C01/2026/3/",
        {"revenue": "10.00", "volume_BROADBAND": 1, "volume_DEDICATED_LINE": 0, "version": 0},
    )
    page = client.get("/revenue/reports/C01/2026/3/").content.decode()
    assert 'id="submit-form"' in page
    # static/js/app.js asks before a form with data-confirm is sent (the browser test clicks it).
    assert 'data-confirm="Submit C01 2026-03 to the city?' in page
    assert "js/app.js" in page


def test_the_county_sees_why_its_report_was_returned_on_its_home_page(
    client_for, staff_a, staff_b, city_user, county_a, lines
):
    make_report(county_a, 2026, 10, "10.00", status="returned", return_reason="BROADBAND is 0")
    home = client_for(staff_a).get("/").content.decode()
    assert "C01 2026-10 was returned by city staff" in home
    assert "BROADBAND is 0" in home
    assert "/revenue/reports/C01/2026/10/" in home
    assert "BROADBAND is 0" not in client_for(staff_b).get("/").content.decode()


def test_discarding_is_refused_to_readers_and_other_counties(
    api_for, client_for, staff_a, staff_b, leader, lines
):
    client = api_for(staff_a)
    client.put(_url(2026, 3), {**FIGURES, "version": 0}, format="json")
    assert api_for(leader).delete(_url(2026, 3)).status_code == 403
    assert client_for(staff_b).post("/revenue/reports/C01/2026/3/discard/").status_code == 404
    assert client_for(leader).post("/revenue/reports/C01/2026/3/discard/").status_code == 403
    assert APIClient().delete(_url(2026, 3)).status_code == 401
    assert MonthlyReport.objects.exists()
