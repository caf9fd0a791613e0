"""The appraisal API: the §10 paths and fields, validation naming the indicator, 409 for a
closed month, and scoping (a county user: every total and rank, only their own scores)."""

from decimal import Decimal

import pytest

from appraisal.models import ManualValue
from tests.appraisal.conftest import M

D = Decimal
pytestmark = pytest.mark.django_db
BASE = "/api/v1/appraisal"


@pytest.fixture
def computed(account, county_a, county_b, scheme, compute):
    for n in range(4):
        account(f"A{n}", county_a)
    account("AS", county_a, status="single_stop", changed="2026-10-03")
    account("B1", county_b)
    account("BS", county_b, status="double_stop", changed="2026-09-03")
    scheme()
    compute()


SCHEME = {
    "indicators": [
        {"code": "STOP_SHARE", "weight": "60", "target": "0.1", "floor": "0.5"},
        {"code": "CHURN_RATE", "weight": "40.00", "target": "0", "floor": "0.5", "cap": "1.2"},
    ]
}


def test_a_scheme_is_put_and_read_back(api_for, city_user, county_a):
    api = api_for(city_user)
    answer = api.put(f"{BASE}/schemes/{M}/", SCHEME, format="json")
    assert answer.status_code == 200, answer.json()
    body = api.get(f"{BASE}/schemes/{M}/").json()
    assert body["month"] == "2026-10" and body["closed"] is False
    churn = next(line for line in body["indicators"] if line["code"] == "CHURN_RATE")
    assert churn == {
        "code": "CHURN_RATE",
        "name": "Churn rate",
        "direction": "lower",
        "weight": "40.00",
        "target": "0.000000",
        "floor": "0.500000",
        "cap": "1.20",
    }


def test_a_scheme_that_does_not_add_up_is_a_400_naming_the_indicator(api_for, city_user, county_a):
    bad = {
        "indicators": [
            {"code": "STOP_SHARE", "weight": "50", "target": "0.5", "floor": "0.1"},
            {"code": "CHURN_RATE", "weight": "40", "target": "0", "floor": "0.5"},
        ]
    }
    answer = api_for(city_user).put(f"{BASE}/schemes/{M}/", bad, format="json")
    assert answer.status_code == 400
    errors = answer.json()["indicators"]
    assert any(e.startswith("STOP_SHARE: lower is better") for e in errors)
    assert "weights sum to 90, not 100" in errors


def test_a_month_without_a_scheme_is_not_found(api_for, city_user):
    assert api_for(city_user).get(f"{BASE}/schemes/{M}/").status_code == 404
    assert api_for(city_user).get(f"{BASE}/schemes/2026-13/").status_code == 404


def test_indicators_list_built_in_and_manual_ones_and_city_staff_add_manual_ones(
    api_for, city_user, staff_a
):
    api = api_for(city_user)
    created = api.post(
        f"{BASE}/indicators/",
        {"code": "VISITS", "name": "Visits", "direction": "higher", "unit": "visits"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json() == {
        "code": "VISITS",
        "name": "Visits",
        "direction": "higher",
        "unit": "visits",
        "built_in": False,
    }
    codes = {row["code"] for row in api.get(f"{BASE}/indicators/").json()["results"]}
    assert {"REVENUE_COMPLETION", "AUDIT_PASS_RATE", "VISITS"} <= codes
    again = api.post(
        f"{BASE}/indicators/",
        {"code": "VISITS", "name": "x", "direction": "higher", "unit": ""},
        format="json",
    )
    assert again.status_code == 400 and "code" in again.json()
    assert (
        api_for(staff_a)
        .post(
            f"{BASE}/indicators/", {"code": "X_Y", "name": "x", "direction": "lower"}, format="json"
        )
        .status_code
        == 403
    )


def test_manual_values_are_put(api_for, city_user, county_a, county_b):
    api = api_for(city_user)
    api.post(
        f"{BASE}/indicators/",
        {"code": "VISITS", "name": "Visits", "direction": "higher", "unit": ""},
        format="json",
    )
    body = {
        "values": [
            {"county": "C01", "indicator": "VISITS", "value": "12.5"},
            {"county": "C02", "indicator": "VISITS", "value": 7},
        ]
    }
    answer = api.put(f"{BASE}/values/{M}/", body, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["values"] == [
        {"county": "C01", "indicator": "VISITS", "value": "12.500000"},
        {"county": "C02", "indicator": "VISITS", "value": "7.000000"},
    ]
    bad = api.put(
        f"{BASE}/values/{M}/",
        {"values": [{"county": "C01", "indicator": "CHURN_RATE", "value": "1"}]},
        format="json",
    )
    assert bad.status_code == 400 and "CHURN_RATE is not a manual indicator" in str(bad.json())
    assert ManualValue.objects.count() == 2


def test_compute_answers_what_was_computed_and_what_changed(
    api_for, city_user, account, county_a, county_b, scheme
):
    account("A1", county_a)
    scheme()
    api = api_for(city_user)
    first = api.post(f"{BASE}/scorecards/{M}/compute/").json()
    assert first["computed"] == 2 and len(first["changed"]) == 4
    assert {"county", "indicator", "old", "new"} == set(first["changed"][0])
    assert api.post(f"{BASE}/scorecards/{M}/compute/").json()["changed"] == []


def test_scorecards_give_totals_ranks_scores_and_adjustments(computed, api_for, city_user):
    body = api_for(city_user).get(f"{BASE}/scorecards/{M}/").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert (first["county"], first["total"], first["adjusted_total"], first["rank"]) == (
        "C01",
        "85.00",
        "85.00",
        1,
    )
    assert first["left_out"] == [] and first["adjustments"] == []
    stops = next(s for s in first["scores"] if s["indicator"] == "STOP_SHARE")
    assert {
        k: stops[k] for k in ("value", "weight", "target", "floor", "cap", "ratio", "score")
    } == {
        "value": "0.200000",
        "weight": "60.00",
        "target": "0.100000",
        "floor": "0.500000",
        "cap": "1.00",
        "ratio": "0.7500",
        "score": "45.00",
    }
    assert stops["inputs"] == {"stopped": 1, "in_service_at_end": 5}


def test_a_county_user_gets_every_total_and_rank_but_only_their_own_scores(
    computed, api_for, staff_a
):
    api = api_for(staff_a)
    rows = {row["county"]: row for row in api.get(f"{BASE}/scorecards/{M}/").json()["results"]}
    assert (
        rows["C02"]["rank"] == 2
        and rows["C02"]["scores"] == []
        and rows["C02"]["detailed"] is False
    )
    assert rows["C01"]["scores"] and rows["C01"]["detailed"] is True
    assert api.get(f"{BASE}/scorecards/{M}/?county=C01").json()["count"] == 1
    assert api.get(f"{BASE}/scorecards/{M}/?county=C02").status_code == 404


def test_adjust_adds_to_the_total_with_a_reason_and_moves_the_rank(
    computed, api_for, city_user, staff_a
):
    api = api_for(city_user)
    answer = api.post(
        f"{BASE}/scorecards/{M}/C02/adjust/",
        {"amount": "90", "reason": "Agreed by the province"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["total"], body["adjusted_total"], body["rank"]) == ("40.00", "130.00", 1)
    assert body["adjustments"][0]["reason"] == "Agreed by the province"
    assert body["adjustments"][0]["by"] == "city1" and body["adjustments"][0]["indicator"] is None
    assert (
        api.post(f"{BASE}/scorecards/{M}/C02/adjust/", {"amount": "1"}, format="json").status_code
        == 400
    )
    assert (
        api_for(staff_a)
        .post(f"{BASE}/scorecards/{M}/C01/adjust/", {"amount": "1", "reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_for(staff_a)
        .post(f"{BASE}/scorecards/{M}/C02/adjust/", {"amount": "1", "reason": "x"}, format="json")
        .status_code
        == 404
    )


def test_a_closed_month_answers_409_to_compute_adjust_schemes_and_values(
    computed, api_for, city_user
):
    api = api_for(city_user)
    assert api.post(f"{BASE}/scorecards/{M}/close/").json() == {"month": "2026-10", "closed": True}
    assert api.post(f"{BASE}/scorecards/{M}/compute/").status_code == 409
    assert (
        api.post(
            f"{BASE}/scorecards/{M}/C01/adjust/", {"amount": "1", "reason": "late"}, format="json"
        ).status_code
        == 409
    )
    assert api.put(f"{BASE}/schemes/{M}/", SCHEME, format="json").status_code == 409
    assert api.put(f"{BASE}/values/{M}/", {"values": []}, format="json").status_code == 409
    assert api.get(f"{BASE}/schemes/{M}/").json()["closed"] is True


def test_only_city_staff_compute_and_close(computed, api_for, staff_a, leader):
    for user in (staff_a, leader):
        api = api_for(user)
        assert api.post(f"{BASE}/scorecards/{M}/compute/").status_code == 403
        assert api.post(f"{BASE}/scorecards/{M}/close/").status_code == 403
        assert api.put(f"{BASE}/schemes/{M}/", SCHEME, format="json").status_code == 403


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/schemes/{M}/"),
        ("put", f"/schemes/{M}/"),
        ("get", "/indicators/"),
        ("post", "/indicators/"),
        ("put", f"/values/{M}/"),
        ("post", f"/scorecards/{M}/compute/"),
        ("get", f"/scorecards/{M}/"),
        ("post", f"/scorecards/{M}/C01/adjust/"),
        ("post", f"/scorecards/{M}/close/"),
    ],
)
def test_anonymous_callers_get_401(client, method, path):
    assert getattr(client, method)(BASE + path).status_code == 401


def test_the_scorecards_endpoint_runs_the_same_queries_for_more_counties(
    computed, api_for, city_user, account, compute, django_assert_max_num_queries
):
    from marketing_ops.models import County

    api = api_for(city_user)
    with django_assert_max_num_queries(12) as few:
        api.get(f"{BASE}/scorecards/{M}/")
    for n in range(5):
        account(f"X{n}", County.objects.create(code=f"X{n}", name=f"X{n}", sort_order=30 + n))
    compute()
    with django_assert_max_num_queries(len(few.captured_queries)):
        api.get(f"{BASE}/scorecards/{M}/")
