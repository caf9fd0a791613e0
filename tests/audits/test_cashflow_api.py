"""The cash-flow endpoints of docs/api.md#cash-flow: the month's shape, PUT with version (409
when stale), the explanation rule (400), sign-off in order (409) and by level (403), access
(401, another county 404, a role that may not 403), the ranking and the schema."""

import pytest
from rest_framework.test import APIClient

URL = "/api/v1/audits/cashflow/C01/2026-10/"


def put(api, url=URL, version=0, receivable="1000.00", received="1000.00", explanation=""):
    body = {
        "receivable": receivable,
        "received": received,
        "explanation": explanation,
        "version": version,
    }
    return api.put(url, body, format="json")


def sign(api, url=URL, result="passed", note=""):
    return api.post(f"{url}sign/", {"result": result, "note": note}, format="json")


def test_a_month_not_entered_reads_version_0_and_no_figures(api_for, staff_a, today):
    body = api_for(staff_a).get(URL).json()
    assert body["status"] == "not_entered" and body["version"] == 0
    assert body["receivable"] is None and body["difference"] is None and body["signoffs"] == []


def test_put_enters_the_month_and_a_stale_version_answers_409(api_for, staff_a, auditor1_a, today):
    response = put(api_for(staff_a), received="990.00", explanation="Transfer arrived Nov 1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["county"], body["month"], body["version"]) == ("C01", "2026-10", 1)
    assert (body["receivable"], body["received"], body["difference"]) == (
        "1000.00",
        "990.00",
        "-10.00",
    )
    assert body["relative_difference"] == "0.0100" and body["status"] == "pending"
    assert put(api_for(auditor1_a), version=1).status_code == 200
    stale = put(api_for(staff_a), version=1, received="980.00", explanation="x")
    assert stale.status_code == 409
    assert stale.json()["version"] == 2 and "auditor1_a" in stale.json()["detail"]


def test_an_unexplained_difference_is_a_400_on_explanation(api_for, staff_a, today):
    response = put(api_for(staff_a), received="900.00")
    assert response.status_code == 400
    assert "-100.00" in response.json()["explanation"][0]
    assert api_for(staff_a).get(URL).json()["version"] == 0


def test_sign_off_in_order_with_voiding_on_edit(
    api_for, staff_a, auditor1_a, auditor2, auditor3, today
):
    put(api_for(staff_a))
    response = sign(api_for(auditor2))
    assert response.status_code == 409 and "Level 1" in response.json()["detail"]
    assert sign(api_for(auditor1_a)).status_code == 200
    assert sign(api_for(auditor2)).json()["signed_levels"] == [1, 2]
    body = sign(api_for(auditor3)).json()
    assert body["status"] == "passed" and body["signed_levels"] == [1, 2, 3]
    assert [s["user"] for s in body["signoffs"]] == ["auditor1_a", "auditor2", "auditor3"]
    body = put(api_for(staff_a), version=1, received="1000.50", explanation="Bank fee").json()
    assert body["status"] == "pending" and body["signed_levels"] == []
    assert [s["voided"] for s in body["signoffs"]] == [True, True, True]
    assert "received 1000.00 → 1000.50" in body["signoffs"][0]["voided_by_change"]


def test_a_failed_sign_off_needs_a_note(api_for, staff_a, auditor1_a, today):
    put(api_for(staff_a))
    assert sign(api_for(auditor1_a), result="failed").status_code == 400
    body = sign(api_for(auditor1_a), result="failed", note="Receivable looks short").json()
    assert body["status"] == "failed"


def test_who_may_not_sign_gets_403(api_for, staff_a, head_a, city_user, today):
    put(api_for(staff_a))
    for user in (staff_a, head_a, city_user):
        assert sign(api_for(user)).status_code == 403


def test_signing_a_month_not_entered_is_404(api_for, auditor1_a, today):
    assert sign(api_for(auditor1_a)).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("put", ""), ("post", "sign/")],
)
def test_access(api_for, staff_b, head_a, auditor2, today, method, path, county_a):
    url = f"{URL}{path}"
    body = {"receivable": "1", "received": "1", "version": 0, "result": "passed"}
    assert getattr(APIClient(), method)(url, body, format="json").status_code == 401
    assert getattr(api_for(staff_b), method)(url, body, format="json").status_code == 404
    if method == "put":
        for user in (head_a, auditor2):  # managers read, level-2 auditors sign
            assert put(api_for(user)).status_code == 403


def test_a_bad_month_in_the_path_is_404(api_for, city_user, county_a):
    assert api_for(city_user).get("/api/v1/audits/cashflow/C01/2026-13/").status_code == 404
    assert api_for(city_user).get("/api/v1/audits/cashflow/C01/Oct/").status_code == 404


def test_the_ranking_lists_counties_by_relative_difference(
    api_for, city_user, staff_a, staff_b, county_b, today, django_assert_max_num_queries
):
    put(api_for(staff_a), receivable="1000.00", received="990.00", explanation="late")
    put(
        api_for(staff_b),
        url="/api/v1/audits/cashflow/C02/2026-10/",
        receivable="100.00",
        received="95.00",
        explanation="bank",
    )
    api = api_for(city_user)
    with django_assert_max_num_queries(10):
        body = api.get("/api/v1/audits/cashflow/?month=2026-10").json()
    assert [(c["county"], c["rank"], c["relative_difference"]) for c in body["counties"]] == [
        ("C02", 1, "0.0500"),
        ("C01", 2, "0.0100"),
    ]
    assert body["entered"] == 2
    body = api_for(staff_b).get("/api/v1/audits/cashflow/?month=2026-10").json()
    assert [c["county"] for c in body["counties"]] == ["C02"]
    body = api.get("/api/v1/audits/cashflow/?month=2026-09").json()
    assert [c["status"] for c in body["counties"]] == ["not_entered", "not_entered"]
    response = api.get("/api/v1/audits/cashflow/?month=September")
    assert response.status_code == 400 and "month" in response.json()


def test_the_schema_holds_the_cashflow_paths(api_for, city_user):
    paths = api_for(city_user).get("/api/schema/?format=json").json()["paths"]
    for path in (
        "/api/v1/audits/cashflow/",
        "/api/v1/audits/cashflow/{county}/{month}/",
        "/api/v1/audits/cashflow/{county}/{month}/sign/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/v1/audits/cashflow/{county}/{month}/"]["put"]["responses"]


def test_the_ranking_needs_a_login(county_a):
    assert APIClient().get("/api/v1/audits/cashflow/").status_code == 401
