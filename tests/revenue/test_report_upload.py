"""Monthly figures through the one upload pipeline: template, round trip, all-or-nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from revenue.models import MonthlyReport, ReportChange

from .conftest import make_report, submit_file

TEMPLATE = "/api/v1/revenue/reports/template.xlsx?year=2026&month=3"


def _rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_template_has_the_spec_columns_and_one_row_per_county_in_scope(
    api_for, city_user, staff_a, county_a, county_b, lines
):
    rows = _rows(api_for(city_user).get(TEMPLATE).content)
    assert rows[0] == ["county_code", "year", "month", "revenue", "BROADBAND", "DEDICATED_LINE"]
    assert [row[:3] for row in rows[1:]] == [["C01", 2026, 3], ["C02", 2026, 3]]
    own = _rows(api_for(staff_a).get(TEMPLATE).content)
    assert [row[0] for row in own[1:]] == ["C01"]


def test_the_filled_in_template_uploaded_gives_the_same_figures(
    api_for, city_user, county_a, county_b, lines
):
    client = api_for(city_user)
    rows = _rows(client.get(TEMPLATE).content)
    rows[1][3:] = [81234.5, 12, 1]
    rows[2][3:] = ["5000.00", 3, None]
    upload = SimpleUploadedFile("figures.xlsx", _xlsx(rows))
    response = client.post("/api/v1/revenue/reports/import/", {"file": upload})
    assert response.status_code == 200, response.json()
    assert response.json() == {"imported": 2}
    c01 = client.get("/api/v1/revenue/reports/C01/2026/3/").json()
    assert c01["revenue"] == "81234.50"
    assert c01["volumes"] == {"BROADBAND": 12, "DEDICATED_LINE": 1}
    assert c01["status"] == "draft"
    again = _rows(client.get(TEMPLATE).content)
    assert again[1][3:] == [81234.5, 12, 1]
    assert again[2][3:] == [5000, 3, 0]
    assert ReportChange.objects.filter(action="import", field="revenue").count() == 2


def test_one_bad_cell_rejects_the_file_and_writes_nothing(
    api_for, city_user, county_a, county_b, lines
):
    content = (
        b"county_code,year,month,revenue,BROADBAND,DEDICATED_LINE\n"
        b"C01,2026,3,100.00,1,0\n"
        b"C02,2026,3,12.345,1,0\n"
    )
    response = api_for(city_user).post(
        "/api/v1/revenue/reports/import/", {"file": SimpleUploadedFile("f.csv", content)}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "column": "revenue", "message": "at most 2 decimal places, got 12.345"}
    ]
    assert not MonthlyReport.objects.exists()


def test_a_county_users_file_with_another_countys_row_is_refused(
    staff_a, county_a, county_b, lines
):
    job = submit_file(
        b"county_code,year,month,revenue,BROADBAND,DEDICATED_LINE\n"
        b"C01,2026,3,100.00,1,0\nC02,2026,3,100.00,1,0\n",
        staff_a,
    )
    assert job.status == "failed"
    assert job.errors[0]["row"] == 3
    assert "outside your county" in job.errors[0]["message"]
    assert not MonthlyReport.objects.exists()


def test_a_submitted_or_approved_report_in_the_file_rejects_it(
    city_user, county_a, county_b, lines
):
    make_report(county_b, 2026, 3, "9.00", status="approved")
    job = submit_file(
        b"county_code,year,month,revenue,BROADBAND,DEDICATED_LINE\n"
        b"C01,2026,3,100.00,1,0\nC02,2026,3,100.00,1,0\n",
        city_user,
    )
    assert job.status == "failed"
    assert job.errors[0]["row"] == 3 and "approved and locked" in job.errors[0]["message"]
    assert MonthlyReport.objects.get(county=county_b).revenue == Decimal("9.00")
    assert not MonthlyReport.objects.filter(county=county_a).exists()


def test_a_missing_line_column_is_an_error(city_user, county_a, lines):
    job = submit_file(b"county_code,year,month,revenue,BROADBAND\nC01,2026,3,1,1\n", city_user)
    assert job.status == "failed"
    assert {"row": 1, "column": "DEDICATED_LINE", "message": "required column is missing"} in (
        job.errors
    )


def test_import_data_command_loads_monthly_figures(city_user, county_a, lines, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(
        "county_code,year,month,revenue,BROADBAND,DEDICATED_LINE\nC01,2026,4,7.00,2,0\n"
    )
    call_command("import_data", "monthly_figures", str(path), "--as", city_user.username)
    assert MonthlyReport.objects.get(month=4).revenue == Decimal("7.00")
    bad = tmp_path / "bad.csv"
    bad.write_text("county_code,year,month,revenue,BROADBAND,DEDICATED_LINE\nC01,2026,13,7,2,0\n")
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_data", "monthly_figures", str(bad), "--as", city_user.username)


@pytest.mark.parametrize("who", ["head_a", "leader", "auditor2"])
def test_readers_may_not_upload_figures(api_for, request, county_a, lines, who):
    upload = SimpleUploadedFile("f.csv", b"county_code,year,month,revenue\nC01,2026,3,1\n")
    response = api_for(request.getfixturevalue(who)).post(
        "/api/v1/revenue/reports/import/", {"file": upload}
    )
    assert response.status_code == 403
