"""Access to every audits endpoint: anonymous → 401, another county's object → 404, a role
that may not → 403 (the pages' access is in test_pages)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from audits.services import findings as finding_writes


@pytest.fixture
def finding(daily_a, auditor1_a):
    return finding_writes.finding_open(
        audit=daily_a,
        user=auditor1_a,
        category="refund",
        description="x",
        severity="low",
        due_on=dt.date(2026, 11, 20),
    )


@pytest.fixture
def endpoints(daily_a, finding):
    check = daily_a.checks.first()
    a, f = daily_a.pk, finding.pk
    return [
        ("get", "/api/v1/audits/"),
        ("post", "/api/v1/audits/create/"),
        ("get", f"/api/v1/audits/{a}/"),
        ("patch", f"/api/v1/audits/{a}/checks/{check.pk}/"),
        ("post", f"/api/v1/audits/{a}/sign/"),
        ("post", f"/api/v1/audits/{a}/reopen/"),
        ("post", f"/api/v1/audits/{a}/findings/"),
        ("get", "/api/v1/audits/findings/"),
        ("post", f"/api/v1/audits/findings/{f}/rectify/"),
        ("post", f"/api/v1/audits/findings/{f}/verify/"),
        ("post", f"/api/v1/audits/findings/{f}/reject/"),
        ("get", f"/api/v1/audits/findings/{f}/evidence/"),
        ("post", f"/api/v1/audits/findings/{f}/evidence/"),
    ]


def test_anonymous_callers_get_401_everywhere(endpoints):
    client = APIClient()
    for method, url in endpoints:
        assert getattr(client, method)(url, {}).status_code == 401, url


def test_another_countys_objects_are_not_found(api_for, staff_b, endpoints):
    api = api_for(staff_b)
    for method, url in endpoints:
        if url.rstrip("/").endswith(("audits", "findings", "create")):
            continue
        assert (
            getattr(api, method)(
                url, {"answer": "ok", "result": "passed", "note": "x", "reason": "x"}
            ).status_code
            == 404
        ), url


def test_lists_show_only_the_users_county(api_for, staff_b, head_a, daily_a, daily_b, finding):
    assert [r["county"] for r in api_for(staff_b).get("/api/v1/audits/").json()["results"]] == [
        "C02"
    ]
    assert [r["county"] for r in api_for(head_a).get("/api/v1/audits/").json()["results"]] == [
        "C01"
    ]
    assert api_for(staff_b).get("/api/v1/audits/?county=C01").json()["count"] == 0


def test_a_manager_only_reads(api_for, head_a, daily_a, finding):
    api = api_for(head_a)
    check = daily_a.checks.first()
    assert api.get(f"/api/v1/audits/{daily_a.pk}/").status_code == 200
    assert (
        api.patch(f"/api/v1/audits/{daily_a.pk}/checks/{check.pk}/", {"answer": "ok"}).status_code
        == 403
    )
    assert api.post(f"/api/v1/audits/{daily_a.pk}/sign/", {"result": "passed"}).status_code == 403
    assert api.post(f"/api/v1/audits/{daily_a.pk}/reopen/", {"reason": "x"}).status_code == 403
    assert (
        api.post(f"/api/v1/audits/findings/{finding.pk}/rectify/", {"note": "x"}).status_code == 403
    )


def test_the_schema_holds_every_audits_path(api_for, city_user):
    schema = api_for(city_user).get("/api/schema/?format=json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/audits/",
        "/api/v1/audits/create/",
        "/api/v1/audits/{id}/",
        "/api/v1/audits/{id}/checks/{check_id}/",
        "/api/v1/audits/{id}/sign/",
        "/api/v1/audits/{id}/reopen/",
        "/api/v1/audits/{id}/findings/",
        "/api/v1/audits/findings/",
        "/api/v1/audits/findings/{id}/rectify/",
        "/api/v1/audits/findings/{id}/verify/",
        "/api/v1/audits/findings/{id}/reject/",
    ):
        assert path in paths, path
