"""List pages and API lists: filters, search, sorting, export."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from revenue.models import CaseTag, MarketingCase, TariffPackage, Training


def rows_of(response):
    """The names in the first column of the page's table."""
    table = response.context["table"]
    return [str(row.get_cell_value(table.columns[0].name)) for row in table.page.object_list]


def xlsx_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.values)


@pytest.fixture
def draft_package(county_a):
    package = TariffPackage.objects.create(name="Rural family package", monthly_fee=Decimal("59"))
    package.counties.set([county_a])
    return package


def test_packages_filter_by_status_county_and_dates(
    client_for, city_user, package_ab, package_b, draft_package
):
    client = client_for(city_user)
    url = reverse("revenue:tariff-package-list")
    assert rows_of(client.get(url, {"status": "approved"})) == [package_ab.name]
    assert sorted(rows_of(client.get(url, {"county": "C02"}))) == sorted(
        [package_ab.name, package_b.name]
    )
    assert rows_of(client.get(url, {"applied_from": "2026-06-01"})) == [package_b.name]
    assert rows_of(client.get(url, {"q": "rural"})) == [draft_package.name]


def test_packages_sort_by_monthly_fee(client_for, city_user, package_ab, package_b, draft_package):
    response = client_for(city_user).get(
        reverse("revenue:tariff-package-list"), {"sort": "-monthly_fee"}
    )
    assert rows_of(response) == [package_ab.name, draft_package.name, package_b.name]


def test_trainings_filter_by_kind_and_date(client_for, leader, training_a, training_b):
    client = client_for(leader)
    url = reverse("revenue:training-list")
    assert rows_of(client.get(url, {"kind": "provincial_training"})) == [str(training_b.date)]
    assert rows_of(client.get(url, {"date_to": "2026-02-01"})) == [str(training_a.date)]
    assert rows_of(client.get(url, {"county": "C01"})) == [str(training_a.date)]


def test_the_case_library_is_searchable_by_words_and_tags(client_for, auditor2, case_a, case_b):
    client = client_for(auditor2)
    url = reverse("revenue:case-list")
    assert rows_of(client.get(url, {"q": "dormitories"})) == [case_b.title]
    assert rows_of(client.get(url, {"q": "renewal 88%"})) == [case_a.title]
    # A word found only in a tag finds the case too.
    assert rows_of(client.get(url, {"q": "camp"})) == [case_b.title]
    assert rows_of(client.get(url, {"tag": "Renewal"})) == [case_a.title]
    assert rows_of(client.get(url, {"county": "C02"})) == [case_b.title]
    assert rows_of(client.get(url, {"q": "nothing like this"})) == []


def test_a_case_with_many_tags_is_listed_once_when_searching(client_for, city_user, case_a):
    case_a.tags.add(
        CaseTag.objects.create(name="renewals"), CaseTag.objects.create(name="renewal-plus")
    )
    response = client_for(city_user).get(reverse("revenue:case-list"), {"q": "renewal"})
    assert rows_of(response) == [case_a.title]


def test_the_case_library_shows_the_tags_in_use_with_counts(client_for, staff_a, case_a, case_b):
    page = client_for(staff_a).get(reverse("revenue:case-list"))
    assert [(t.name, t.case_count) for t in page.context["tags"]] == [("renewal", 1)]


def test_visits_filter_by_open_follow_ups(client_for, city_user, visit_a, visit_b, follow_ups_a):
    client = client_for(city_user)
    url = reverse("revenue:field-visit-list")
    assert rows_of(client.get(url, {"open_follow_ups": "true"})) == [str(visit_a.date)]
    assert rows_of(client.get(url, {"open_follow_ups": "false"})) == [str(visit_b.date)]
    assert rows_of(client.get(url, {"kind": "market_research"})) == [str(visit_b.date)]


def test_the_visit_list_counts_open_follow_ups(client_for, city_user, visit_a, follow_ups_a):
    response = client_for(city_user).get(reverse("revenue:field-visit-list"))
    record = response.context["table"].page.object_list[0].record
    assert (record.follow_up_count, record.open_follow_up_count) == (3, 2)


def test_lists_paginate_25_rows(client_for, city_user, county_a):
    MarketingCase.objects.bulk_create(
        MarketingCase(county=county_a, title=f"Case {n:02}", what_was_done="x") for n in range(30)
    )
    client = client_for(city_user)
    first = client.get(reverse("revenue:case-list"))
    second = client.get(reverse("revenue:case-list"), {"page": 2})
    assert len(first.context["table"].page.object_list) == 25
    assert len(second.context["table"].page.object_list) == 5


@pytest.mark.parametrize(
    ("name", "fixtures", "header", "first_cell"),
    [
        ("revenue:tariff-package-list", ["package_ab"], "Name", "March monthly package"),
        ("revenue:training-list", ["training_a"], "Date", dt.datetime(2026, 1, 16)),
        ("revenue:case-list", ["case_a"], "Title", "Door-to-door renewal"),
        ("revenue:field-visit-list", ["visit_a"], "Date", dt.datetime(2026, 10, 1)),
        ("revenue:follow-up-overdue", ["overdue_a"], "Due on", None),
    ],
)
def test_every_list_exports_its_rows_to_xlsx(
    client_for, request, city_user, name, fixtures, header, first_cell
):
    for fixture in fixtures:
        request.getfixturevalue(fixture)
    rows = xlsx_rows(client_for(city_user).get(reverse(name), {"export": "xlsx"}))
    assert rows[0][0] == header
    assert len(rows) == 2
    if first_cell is not None:
        assert rows[1][0] == first_cell


def test_the_export_follows_the_filters_and_keeps_all_pages(client_for, city_user, county_a):
    Training.objects.bulk_create(
        Training(date=dt.date(2026, 1, 1) + dt.timedelta(days=n), topic=f"T{n}", kind="training")
        for n in range(30)
    )
    Training.objects.create(date=dt.date(2026, 3, 1), topic="Meet", kind="meeting")
    client = client_for(city_user)
    rows = xlsx_rows(
        client.get(reverse("revenue:training-list"), {"kind": "training", "export": "xlsx"})
    )
    assert len(rows) == 31
    assert "Meet" not in [row[2] for row in rows]


def test_the_export_shows_money_as_numbers_and_counties_as_codes(client_for, city_user, package_ab):
    rows = xlsx_rows(
        client_for(city_user).get(reverse("revenue:tariff-package-list"), {"export": "xlsx"})
    )
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["Monthly fee (yuan)"] == 99
    assert record["Counties promoting it"] == "C01, C02"


def test_a_visit_exports_its_follow_ups(client_for, staff_a, visit_a, follow_ups_a):
    url = reverse("revenue:field-visit-detail", args=[visit_a.pk])
    rows = xlsx_rows(client_for(staff_a).get(url, {"export": "xlsx"}))
    assert rows[0] == ("description", "owner", "due on", "done", "done on")
    assert [row[0] for row in rows[1:]] == [
        "Send the proposal",
        "Agree fibre build dates",
        "Call the compound managers",
    ]


def test_the_api_filters_like_the_pages(api_for, leader, case_a, case_b, package_ab, package_b):
    api = api_for(leader)
    cases = api.get(reverse("api:revenue-api:case-list"), {"tag": "campus"}).json()
    assert [c["title"] for c in cases["results"]] == [case_b.title]
    packages = api.get(reverse("api:revenue-api:tariff-package-list"), {"status": "applied"})
    assert [p["name"] for p in packages.json()["results"]] == [package_b.name]


def test_the_api_gives_money_as_decimal_strings_and_counties_as_codes(
    api_for, city_user, package_ab, case_a
):
    api = api_for(city_user)
    package = api.get(reverse("api:revenue-api:tariff-package-detail", args=[package_ab.pk]))
    assert package.json()["monthly_fee"] == "99.00"
    assert package.json()["counties"] == ["C01", "C02"]
    case = api.get(reverse("api:revenue-api:case-detail", args=[case_a.pk])).json()
    assert (case["county"], case["revenue_gain"], case["tags"]) == ("C01", "86400.00", ["renewal"])


def test_the_api_nests_follow_ups_in_visits(api_for, staff_a, visit_a, follow_ups_a):
    visit = api_for(staff_a).get(reverse("api:revenue-api:field-visit-detail", args=[visit_a.pk]))
    data = visit.json()
    assert data["open_follow_ups"] == 2
    overdue = [f["description"] for f in data["follow_ups"] if f["overdue"]]
    assert overdue == ["Agree fibre build dates"]


def test_packages_list_drafts_first_then_the_newest_application(
    client_for, city_user, package_ab, package_b, draft_package
):
    response = client_for(city_user).get(reverse("revenue:tariff-package-list"))
    assert rows_of(response) == [draft_package.name, package_b.name, package_ab.name]
