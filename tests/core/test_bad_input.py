"""Bad input is refused with a message naming the row and column or the field, never a server
error: numbers beyond what the database holds, money in exponent notation, dates outside the
business window, codes that cannot be part of a page address (docs/file-formats.md)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketing_ops.bounds import INTEGER_MAX
from marketing_ops.models import BusinessLine, County, ImportJob
from marketing_ops.services import import_submit
from revenue.models import MonthlyReport, ProvinceStanding

pytestmark = pytest.mark.django_db

TOO_LARGE = INTEGER_MAX + 1
NEXT_YEAR = dt.date.today().year + 1


def submit(dataset: str, text: str, user) -> ImportJob:
    return import_submit(
        dataset=dataset,
        fileobj=io.BytesIO(text.encode()),
        file_name="upload.csv",
        user=user,
        background=False,
    )


def errors(job: ImportJob) -> list[tuple[int | None, str | None, str]]:
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


@pytest.fixture
def one_line(db):
    BusinessLine.objects.update_or_create(
        code="BROADBAND", defaults={"name": "Broadband", "active": True, "sort_order": 1}
    )
    BusinessLine.objects.exclude(code="BROADBAND").update(active=False)


# ------------------------------------------------------------------------ county codes


@pytest.mark.parametrize("code", ["X/1", "C 01", "C01?", "../", "-C01", "C01\n"])
def test_a_county_code_that_cannot_be_part_of_an_address_is_refused_by_the_model(code):
    with pytest.raises(ValidationError) as refused:
        County(code=code, name="Somewhere").full_clean()
    assert "code" in refused.value.message_dict


def test_a_county_code_with_a_slash_is_refused_by_the_import(admin_user):
    job = submit("counties", "code,name,kind\nX/1,Somewhere,county\n", admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert errors(job)[0][:2] == (2, "code")
    assert "Use letters, digits, - and _ only" in errors(job)[0][2]
    assert not County.objects.filter(code="X/1").exists()


def test_a_county_code_with_a_slash_is_refused_by_the_admin(client_for, admin_user):
    client = client_for(admin_user)
    form = {"code": "X/1", "name": "Somewhere", "kind": "county", "sort_order": "0"}
    response = client.post("/admin/marketing_ops/county/add/", form | {"active": "on"})
    assert response.status_code == 200
    assert "Use letters, digits, - and _ only" in response.content.decode()
    assert not County.objects.filter(code="X/1").exists()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(code=st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,15}\Z"))
def test_the_city_dashboard_works_with_every_county_code_that_can_be_created(
    code, client_for, city_user
):
    with transaction.atomic():
        county = County(code=code, name="Somewhere")
        county.full_clean()
        county.save()
        client = client_for(city_user)
        assert client.get("/revenue/").status_code == 200
        assert client.get(f"/revenue/county/{code}/").status_code == 200
        transaction.set_rollback(True)


# ------------------------------------------------------------- numbers beyond the database


def test_a_sort_order_beyond_the_database_is_a_row_error(admin_user):
    job = submit(
        "counties", f"code,name,kind,sort_order\nC09,Nine,county,{TOO_LARGE}\n", admin_user
    )
    assert errors(job) == [(2, "sort_order", f"must be at most {INTEGER_MAX}, got {TOO_LARGE}")]
    assert not County.objects.filter(code="C09").exists()


@pytest.mark.parametrize("who", ["city_user", "staff_a"])
def test_a_volume_beyond_the_database_is_a_row_error_for_every_uploader(
    who, one_line, county_a, request
):
    user = request.getfixturevalue(who)
    text = f"county_code,year,month,revenue,BROADBAND\nC01,2026,3,100.00,{TOO_LARGE}\n"
    job = submit("monthly_figures", text, user)
    assert errors(job) == [(2, "BROADBAND", f"must be at most {INTEGER_MAX}, got {TOO_LARGE}")]
    assert not MonthlyReport.objects.exists()


def test_revenue_in_exponent_notation_is_a_row_error(one_line, city_user, county_a):
    text = "county_code,year,month,revenue,BROADBAND\nC01,2026,3,1.23457E+11,5\n"
    job = submit("monthly_figures", text, city_user)
    assert errors(job)[0][:2] == (2, "revenue")
    assert "expected an amount like 1234.50 or 1,234.50" in errors(job)[0][2]
    assert not MonthlyReport.objects.exists()


def test_a_report_month_beyond_next_year_is_a_row_error(one_line, city_user, county_a):
    text = "county_code,year,month,revenue,BROADBAND\nC01,2099,3,100.00,5\n"
    job = submit("monthly_figures", text, city_user)
    assert errors(job) == [
        (2, "year", f"expected a month from 2000-01 to {NEXT_YEAR}-12, got 2099-03")
    ]


def test_revenue_with_thousands_separators_is_read(one_line, city_user, county_a):
    text = 'county_code,year,month,revenue,BROADBAND\nC01,2026,3,"1,234.50",5\n'
    job = submit("monthly_figures", text, city_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert str(MonthlyReport.objects.get().revenue) == "1234.50"


def test_report_volumes_beyond_the_database_answer_400(api_for, staff_a, one_line):
    response = api_for(staff_a).put(
        "/api/v1/revenue/reports/C01/2026/3/",
        {"revenue": "100.00", "volumes": {"BROADBAND": TOO_LARGE}, "version": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "volumes" in response.json()
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("revenue", ["1E5", "1.23457E+11", "inf", "nan", "１２"])
def test_report_revenue_not_written_as_plain_decimal_answers_400(
    revenue, api_for, staff_a, one_line
):
    response = api_for(staff_a).put(
        "/api/v1/revenue/reports/C01/2026/3/",
        {"revenue": revenue, "volumes": {}, "version": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "revenue" in response.json()
    assert not MonthlyReport.objects.exists()


def test_report_revenue_with_thousands_separators_is_saved(api_for, staff_a, one_line):
    response = api_for(staff_a).put(
        "/api/v1/revenue/reports/C01/2026/3/",
        {"revenue": "1,234.50", "volumes": {"BROADBAND": 3}, "version": 0},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["revenue"] == "1234.50"


def test_a_standing_beyond_the_database_answers_400(api_for, city_user):
    data = {"year": 2026, "month": 3, "rank": 40_000, "cities": 40_000, "completion_rate": "0.5"}
    response = api_for(city_user).post("/api/v1/revenue/standings/", data, format="json")
    assert response.status_code == 400
    assert {"rank", "cities"} <= set(response.json())
    assert not ProvinceStanding.objects.exists()


def test_transfer_accounts_beyond_the_database_answer_400(api_for, city_user, county_a):
    data = {"county": "C01", "month": "2026-03", "amount": "10.00", "accounts": TOO_LARGE}
    response = api_for(city_user).post("/api/v1/arrears/transfers/", data, format="json")
    assert response.status_code == 400
    assert "accounts" in response.json()


@pytest.mark.parametrize("month", ["1999-01", "9999-12"])
def test_a_transfer_limit_for_a_month_outside_the_business_window_answers_400(
    month, api_for, city_user
):
    response = api_for(city_user).post(
        "/api/v1/arrears/transfers/limits/", {"month": month, "amount": "10.00"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "month": [f"expected a month from 2000-01 to {NEXT_YEAR}-12, got {month}"]
    }


@pytest.mark.parametrize("amount", ["1E5", "inf", "nan"])
def test_a_transfer_limit_in_exponent_notation_answers_400(amount, api_for, city_user):
    response = api_for(city_user).post(
        "/api/v1/arrears/transfers/limits/", {"month": "2026-03", "amount": amount}, format="json"
    )
    assert response.status_code == 400
    assert "amount" in response.json()


def test_a_report_form_refuses_revenue_in_exponent_notation(client_for, staff_a, one_line):
    response = client_for(staff_a).post(
        "/revenue/reports/C01/2026/3/",
        {"revenue": "1E5", "version": "0", "volume_BROADBAND": "1"},
    )
    assert response.status_code in (200, 400)
    assert "expected an amount like 1234.50 or 1,234.50" in response.content.decode()
    assert not MonthlyReport.objects.exists()


# ------------------------------------------------------------------ NUL in an address


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/revenue/reports/%00/2026/3/",
        "/api/v1/arrears/transfers/?county=%00",
        "/revenue/county/%00/",
        "/arrears/accounts/A%00/",
        "/api/v1/revenue/plans/2026/targets/?county=C%0001",
    ],
)
def test_an_address_with_a_nul_character_answers_400(url, client_for, city_user, county_a):
    response = client_for(city_user).get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.parametrize(
    "year", ["²", "２０２６", "9" * 5000], ids=["superscript", "full-width", "long"]
)
def test_a_year_that_is_not_plain_digits_answers_400(year, api_for, city_user):
    client = api_for(city_user)
    assert client.get("/api/v1/arrears/transfers/summary/", {"year": year}).status_code == 400
    assert client.get("/api/v1/arrears/transfers/", {"year": year}).status_code == 400


def test_the_api_answers_a_nul_character_as_json(api_for, city_user):
    response = api_for(city_user).get("/api/v1/counties/", {"kind": "a\x00b"})
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]
