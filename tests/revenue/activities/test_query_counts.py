"""List pages and API lists run the same number of queries for 3 rows as for 40."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketing_ops.models import County
from revenue.models import (
    CaseTag,
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)

PAGES = [
    "revenue:activities",
    "revenue:tariff-package-list",
    "revenue:training-list",
    "revenue:case-list",
    "revenue:field-visit-list",
    "revenue:follow-up-overdue",
]
API_LISTS = [
    "api:revenue-api:tariff-package-list",
    "api:revenue-api:training-list",
    "api:revenue-api:case-list",
    "api:revenue-api:field-visit-list",
    "api:revenue-api:follow-up-list",
]
#: Session, user, profile, roles, the page's count and rows, prefetches, and the filter's
#: county choices: a fixed budget whatever the number of rows.
PAGE_BUDGET = 14
API_BUDGET = 10


def add_rows(start: int, count: int, owner) -> None:
    """``count`` of every kind of activity, spread over three counties with shared tags."""
    counties = list(County.objects.order_by("code"))
    tags = [CaseTag.objects.get_or_create(name=name)[0] for name in ("campus", "rural", "sme")]
    old = dt.date(2026, 1, 1)
    for n in range(start, start + count):
        counties_of_row = counties[: 1 + n % len(counties)]
        package = TariffPackage.objects.create(
            name=f"Package {n}", monthly_fee=Decimal(n), applied_on=old, status="applied"
        )
        package.counties.set(counties_of_row)
        training = Training.objects.create(date=old, topic=f"Training {n}", attendees=n)
        training.counties.set(counties_of_row)
        county = counties[n % len(counties)]
        case = MarketingCase.objects.create(county=county, title=f"Case {n}", what_was_done="x")
        case.tags.set(tags[: 1 + n % 3])
        visit = FieldVisit.objects.create(county=county, date=old, participants="p", findings="f")
        FollowUpAction.objects.create(visit=visit, description=f"Do {n}", owner=owner, due_on=old)
        FollowUpAction.objects.create(
            visit=visit, description=f"Did {n}", owner=owner, due_on=old, done=True, done_on=old
        )


@pytest.fixture
def three_counties(county_a, county_b):
    County.objects.create(code="C03", name="Gamma County", sort_order=3)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("user", ["city_user", "staff_a"])
@pytest.mark.parametrize("name", PAGES)
def test_list_pages_do_not_run_more_queries_with_more_rows(
    client_for, request, django_assert_max_num_queries, three_counties, city_user, user, name
):
    client = client_for(request.getfixturevalue(user))
    url = reverse(name)
    add_rows(0, 3, city_user)
    few = queries_for(client, url)
    add_rows(3, 40, city_user)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200
    assert few <= PAGE_BUDGET


@pytest.mark.parametrize("name", API_LISTS)
def test_api_lists_do_not_run_more_queries_with_more_rows(
    api_for, django_assert_max_num_queries, three_counties, city_user, staff_a, name
):
    api = api_for(staff_a)
    url = reverse(name)
    add_rows(0, 3, city_user)
    few = queries_for(api, url)
    add_rows(3, 40, city_user)
    with django_assert_max_num_queries(few):
        response = api.get(url)
    assert response.status_code == 200
    assert response.json()["count"] > 3
    assert few <= API_BUDGET


def test_the_exports_do_not_run_more_queries_with_more_rows(
    client_for, django_assert_max_num_queries, three_counties, city_user
):
    client = client_for(city_user)
    add_rows(0, 3, city_user)
    budgets = {name: queries_for(client, reverse(name) + "?export=xlsx") for name in PAGES[1:]}
    add_rows(3, 40, city_user)
    for name, few in budgets.items():
        with django_assert_max_num_queries(few):
            client.get(reverse(name) + "?export=xlsx")


def test_a_visit_page_does_not_run_more_queries_with_more_follow_ups(
    client_for, django_assert_max_num_queries, city_user, staff_a, visit_a, today
):
    client = client_for(staff_a)
    url = reverse("revenue:field-visit-detail", args=[visit_a.pk])
    FollowUpAction.objects.create(visit=visit_a, description="one", owner=staff_a, due_on=today)
    few = queries_for(client, url)
    FollowUpAction.objects.bulk_create(
        FollowUpAction(visit=visit_a, description=f"n{n}", owner=city_user, due_on=today)
        for n in range(30)
    )
    with django_assert_max_num_queries(few):
        client.get(url)
