"""The core's lists cost a fixed number of queries, however many rows or counties there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketing_ops.models import Briefing, County, ImportJob

pytestmark = pytest.mark.django_db


def add_rows(n: int, user, county) -> None:
    start = ImportJob.objects.count()
    counties = County.objects.bulk_create(
        County(code=f"X{i:04d}", name=f"Extra {i}") for i in range(start, start + n)
    )
    ImportJob.objects.bulk_create(
        ImportJob(
            dataset="counties",
            file_name=f"f{i}.csv",
            sha256=f"{start + i:064d}",
            created_by=user,
            county=county if i % 2 else None,
            status="done",
        )
        for i in range(n)
    )
    Briefing.objects.bulk_create(
        Briefing(kind="daily", period=f"2026-01-{i % 28 + 1:02d}", scope=c.code, county=c)
        for i, c in enumerate(counties)
    )


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


# The start page counts each role's work: its queries are pinned per role in test_home_work.py.
PAGES = ["/imports/", "/briefings/", "/imports/?export=xlsx", "/briefings/?export=xlsx"]
ENDPOINTS = ["/api/v1/counties/", "/api/v1/business-lines/", "/api/v1/imports/", "/api/v1/me/"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("user_fixture", ["city_user", "staff_a"])
def test_core_pages_do_not_query_per_row(
    request, client_for, city_user, county_a, user_fixture, path
):
    client = client_for(request.getfixturevalue(user_fixture))
    add_rows(3, city_user, county_a)
    few = queries(client, path)
    add_rows(40, city_user, county_a)
    assert queries(client, path) == few
    assert few <= 12


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("user_fixture", ["city_user", "staff_a"])
def test_core_endpoints_do_not_query_per_row(
    request, api_for, city_user, county_a, user_fixture, path
):
    client = api_for(request.getfixturevalue(user_fixture))
    add_rows(3, city_user, county_a)
    few = queries(client, path)
    add_rows(40, city_user, county_a)
    assert queries(client, path) == few
    assert few <= 8
