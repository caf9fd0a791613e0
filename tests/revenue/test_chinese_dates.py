"""In Chinese the revenue pages name months as the language writes them (2026年3月) and
business lines by name, never by code."""

from revenue.views.common import last_month
from tests.revenue.conftest import make_report


def test_the_report_list_in_chinese_names_months_in_chinese(client_for, staff_a, plan_2026):
    make_report(staff_a.profile.county, 2026, 3, "1000.00")
    client = client_for(staff_a)
    client.cookies["django_language"] = "zh-hans"
    content = client.get("/revenue/reports/").content.decode()
    assert ">2026年3月</a>" in content
    shown = last_month()
    assert f"{shown.year}年{shown.month}月" in content
    assert f"{shown.year}-{shown.month:02d}<" not in content


def test_the_plan_names_business_lines_not_their_codes(client_for, city_user, plan_2026):
    content = client_for(city_user).get("/revenue/plans/2026/").content.decode()
    assert "Broadband terminals 1,200" in content
    assert "BROADBAND" not in content.split("<main")[1].split("</main>")[0]
