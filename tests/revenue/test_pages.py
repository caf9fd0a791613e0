"""The revenue pages: who may open what, what they show, exports
(docs/roles-and-scoping.md#county-scoping access answers)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from revenue.models import MonthlyReport, Plan
from revenue.services import reports

from .conftest import make_report

REPORT = "/revenue/reports/C01/2026/3/"


@pytest.fixture
def approved_half_year(plan_2026, county_a, county_b):
    for month in range(1, 4):
        make_report(county_a, 2026, month, "50000.00", volumes={"BROADBAND": 50})
        make_report(county_b, 2026, month, "20000.00", volumes={"BROADBAND": 10})


PAGES = [
    "/revenue/",
    "/revenue/county/C01/",
    "/revenue/reports/",
    REPORT,
    "/revenue/plans/",
    "/revenue/plans/2026/",
    "/revenue/plans/profiles/",
    "/revenue/standings/",
]
CITY_PAGES = [
    "/revenue/reports/review/",
    "/revenue/plans/new/",
    "/revenue/plans/2026/edit/",
    "/revenue/plans/2026/decompose/",
    "/revenue/plans/2026/phase/",
]


@pytest.mark.parametrize("path", PAGES + CITY_PAGES + ["/revenue/reports/upload/"])
def test_anonymous_users_are_sent_to_log_in(client, plan_2026, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("path", PAGES + CITY_PAGES)
def test_city_staff_open_every_page(client_for, city_user, approved_half_year, path):
    assert client_for(city_user).get(path).status_code == 200


@pytest.mark.parametrize("path", CITY_PAGES)
def test_county_staff_may_not_open_city_pages(client_for, staff_a, plan_2026, path):
    assert client_for(staff_a).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/revenue/reports/upload/"])
def test_readers_may_not_upload(client_for, head_a, leader, lines, path):
    assert client_for(head_a).get(path).status_code == 403
    assert client_for(leader).get(path).status_code == 403


@pytest.mark.parametrize(
    "path", ["/revenue/county/C02/", "/revenue/reports/C02/2026/3/", "/revenue/county/C99/"]
)
def test_another_countys_pages_are_not_found(client_for, staff_a, county_b, lines, path):
    assert client_for(staff_a).get(path).status_code == 404


def test_a_county_user_lands_on_their_county_dashboard(client_for, staff_a, approved_half_year):
    page = client_for(staff_a).get("/revenue/?year=2026&month=3").content.decode()
    assert "Revenue — Alpha District" in page
    assert 'id="required-monthly"' in page
    # The city ranking shows rates and ranks, never another county's amounts.
    assert "Beta County" in page
    assert "60,000.00" not in page


def test_the_city_dashboard_shows_counties_ranked_with_status_colours(
    client_for, city_user, approved_half_year
):
    page = client_for(city_user).get("/revenue/?year=2026&month=3").content.decode()
    assert 'data-county="C01"' in page and "row-at_risk" in page
    assert "25.00%" in page  # C01: 150,000 of 600,000
    assert "chart-completion" in page and "chart.umd.min.js" in page


def test_the_city_dashboard_exports_its_tables(client_for, city_user, approved_half_year):
    response = client_for(city_user).get("/revenue/?year=2026&month=3&export=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Counties", "Business lines", "Months"]
    rows = list(workbook["Counties"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Rank", "County", "Annual target")
    assert rows[1][1] == "C01 Alpha District"
    status = rows[0].index("Status")
    assert {row[status] for row in rows[1:]} <= {"ahead", "behind", "at risk", "—", None}
    assert "at risk" in {row[status] for row in rows[1:]}  # by name, not at_risk


@pytest.mark.parametrize(
    "path",
    [
        "/revenue/reports/",
        "/revenue/reports/review/",
        "/revenue/plans/",
        "/revenue/plans/2026/",
        "/revenue/plans/profiles/",
        "/revenue/standings/",
        "/revenue/county/C01/",
        REPORT,
    ],
)
def test_every_table_exports_to_xlsx(client_for, city_user, approved_half_year, path):
    response = client_for(city_user).get(path + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_county_staff_fill_in_save_and_submit_a_month_on_the_page(client_for, staff_a, lines):
    client = client_for(staff_a)
    form = {
        "revenue": "1234.50",
        "volume_BROADBAND": "3",
        "volume_DEDICATED_LINE": "0",
        "version": "0",
    }
    assert client.post(REPORT, form).status_code == 302
    response = client.post(REPORT + "submit/", {"version": "1"}, follow=True)
    assert "submitted" in response.content.decode()
    report = MonthlyReport.objects.get()
    assert (report.status, str(report.revenue)) == ("submitted", "1234.50")


def test_a_stale_page_form_shows_a_conflict_message(client_for, staff_a, city_user, lines):
    first = {
        "revenue": "1.00",
        "volume_BROADBAND": "1",
        "volume_DEDICATED_LINE": "0",
        "version": "0",
    }
    client_for(city_user).post(REPORT, first)
    page = client_for(staff_a).post(REPORT, {**first, "revenue": "2.00"})
    assert page.status_code == 200
    assert "changed by city1" in page.content.decode()
    assert MonthlyReport.objects.get().revenue == 1


def test_the_report_page_shows_the_change_history(client_for, staff_a, city_user, lines, county_a):
    reports.report_save(
        county=county_a, year=2026, month=3, revenue="5.00", volumes={}, version=0, user=staff_a
    )
    page = client_for(city_user).get(REPORT).content.decode()
    assert "staff_a" in page and "5.00" in page


def test_city_staff_approve_from_the_page(client_for, staff_a, city_user, lines, county_a):
    report = reports.report_save(
        county=county_a, year=2026, month=3, revenue="5.00", volumes={}, version=0, user=staff_a
    )
    reports.report_submit(report=report, user=staff_a)
    assert "C01" in client_for(city_user).get("/revenue/reports/review/").content.decode()
    client_for(city_user).post(REPORT + "approve/", {"version": "2"})
    assert MonthlyReport.objects.get().status == "approved"


def test_county_staff_cannot_approve_from_the_page(client_for, staff_a, lines, county_a):
    report = reports.report_save(
        county=county_a, year=2026, month=3, revenue="5.00", volumes={}, version=0, user=staff_a
    )
    reports.report_submit(report=report, user=staff_a)
    assert client_for(staff_a).post(REPORT + "approve/").status_code == 403


def test_the_upload_page_lists_errors_and_writes_nothing(client_for, staff_a, lines, county_b):
    content = b"county_code,year,month,revenue,BROADBAND,DEDICATED_LINE\nC02,2026,3,1,1,0\n"
    upload = io.BytesIO(content)
    upload.name = "figures.csv"
    page = client_for(staff_a).post("/revenue/reports/upload/", {"file": upload})
    assert "outside your county" in page.content.decode()
    assert not MonthlyReport.objects.exists()


def test_a_plan_is_created_decomposed_with_a_preview_phased_and_published_on_pages(
    client_for, city_user, county_a, county_b, lines
):
    client = client_for(city_user)
    client.post(
        "/revenue/plans/new/",
        {
            "year": "2027",
            "revenue_target": "1000.00",
            "volume_BROADBAND": "10",
            "volume_DEDICATED_LINE": "",
        },
    )
    form = {"method": "potential", "weight_C01": "1", "weight_C02": "3", "reason": ""}
    preview = client.post("/revenue/plans/2027/decompose/", {**form, "preview": "1"})
    assert "decomposition-preview" in preview.content.decode()
    assert "750.00" in preview.content.decode() and "75.00%" in preview.content.decode()
    assert not Plan.objects.get(year=2027).county_targets.exists()
    client.post("/revenue/plans/2027/decompose/", {**form, "confirm": "1"})
    assert Plan.objects.get(year=2027).county_targets.count() == 2
    weights = {f"m{i}": "1" for i in range(1, 13)} | {"m12": "2"}
    preview = client.post("/revenue/plans/2027/phase/", {**weights, "preview": "1"})
    assert "phasing-preview" in preview.content.decode()
    confirmed = {**weights, "confirm": "1"}
    assert client.post("/revenue/plans/2027/phase/", confirmed).status_code == 302
    client.post("/revenue/plans/2027/publish/")
    assert Plan.objects.get(year=2027).status == "published"
    page = client.get("/revenue/plans/2027/").content.decode()
    assert "Published" in page and "potential" in page


def test_province_standing_is_entered_by_city_staff_only(client_for, city_user, staff_a, db):
    form = {
        "year": "2026",
        "month": "6",
        "rank": "3",
        "cities": "14",
        "completion_rate": "0.5120",
        "note": "",
    }
    assert client_for(staff_a).post("/revenue/standings/", form).status_code == 403
    assert client_for(city_user).post("/revenue/standings/", form).status_code == 302
    assert "3" in client_for(staff_a).get("/revenue/standings/").content.decode()


def test_the_review_queue_approves_in_one_click(client_for, staff_a, city_user, lines, county_a):
    report = reports.report_save(
        county=county_a, year=2026, month=3, revenue="5.00", volumes={}, version=0, user=staff_a
    )
    reports.report_submit(report=report, user=staff_a)
    response = client_for(city_user).post(REPORT + "approve/", {"version": "2", "next": "review"})
    assert response.url == "/revenue/reports/review/"
    assert "Nothing waiting for review." in client_for(city_user).get(response.url).content.decode()


def test_the_county_dashboard_links_every_month_to_its_report(client_for, staff_a, plan_2026):
    page = client_for(staff_a).get("/revenue/?year=2026&month=3").content.decode()
    assert 'href="/revenue/reports/C01/2026/12/"' in page
