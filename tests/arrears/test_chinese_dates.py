"""In Chinese the arrears dashboard and briefing name months and days as the language writes
them (2026年9月, 2026年10月16日); English keeps the ISO forms the other tests assert."""

import re

from django.utils import translation

from arrears.briefing import sections
from marketing_ops.briefings import period_for

ISO = re.compile(r"(?<![\w-])\d{4}-(?:\d{2}-\d{2}|\d{2})(?![\w-])")


def test_the_dashboard_in_chinese_names_months_and_days_in_chinese(
    client_for, city_user, recovery_city
):
    client = client_for(city_user)
    client.cookies["django_language"] = "zh-hans"
    content = client.get("/arrears/").content.decode()
    city = content.split('id="in-progress-city"')[1].split("</p>")[0]
    assert "2026年10月" in city and "2026年9月" in city and "2026年10月16日" in city
    assert not ISO.search(city)
    below = content.split('id="below-target"')[1].split("</div>")[0]
    assert "2026年9月" in below and not ISO.search(below)


def test_the_weekly_briefing_in_chinese_names_months_and_days_in_chinese(recovery_city, today):
    with translation.override("zh-hans"):
        (section,) = sections(period_for("weekly", today=today), None)
        text = "\n".join([*section.lines, *(table.title for table in section.tables)])
    assert "2026年9月" in text and "2026年10月16日" in text
    assert not ISO.search(text)
