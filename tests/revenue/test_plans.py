"""Annual plan, decomposition and phasing through the API and the services
(docs/rules.md#annual-plan, #decomposition-to-counties, #phasing)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from revenue.models import CountyMonthTarget, CountyTarget, Decomposition
from revenue.services import plans

from .conftest import make_report

BASE = "/api/v1/revenue/plans/"


def test_city_staff_create_a_draft_plan_with_volume_targets(api_for, city_user, lines):
    response = api_for(city_user).post(
        BASE,
        {"year": 2026, "revenue_target": "1200000.00", "volume_targets": {"BROADBAND": 100}},
        format="json",
    )
    assert response.status_code == 201
    plan = api_for(city_user).get(f"{BASE}2026/").json()
    assert plan["status"] == "draft"
    assert plan["revenue_target"] == "1200000.00"
    assert plan["volume_targets"] == {"BROADBAND": 100}


def test_a_plan_with_an_unknown_line_is_refused(api_for, city_user, lines):
    response = api_for(city_user).post(
        BASE, {"year": 2026, "revenue_target": "1", "volume_targets": {"NOPE": 1}}, format="json"
    )
    assert response.status_code == 400
    assert "NOPE" in str(response.json())


@pytest.mark.parametrize("who", ["staff_a", "leader", "auditor2"])
def test_only_city_staff_create_plans(api_for, who, request, lines):
    user = request.getfixturevalue(who)
    response = api_for(user).post(BASE, {"year": 2026, "revenue_target": "1"}, format="json")
    assert response.status_code == 403


def test_anonymous_gets_401(client, db):
    assert client.get(f"{BASE}2026/").status_code == 401


def test_last_year_decomposition_weighs_by_last_years_approved_actuals(
    api_for, city_user, county_a, county_b, lines
):
    make_report(county_a, 2025, 3, "300.00", volumes={"BROADBAND": 30})
    make_report(county_b, 2025, 3, "100.00", volumes={"BROADBAND": 10})
    # Not approved: does not count.
    make_report(county_b, 2025, 4, "900.00", status="submitted", volumes={"BROADBAND": 90})
    plans.plan_create(
        year=2026, revenue_target="1000.01", volume_targets={"BROADBAND": 7}, user=city_user
    )
    response = api_for(city_user).post(f"{BASE}2026/decompose/", {"method": "last_year"}, "json")
    assert response.status_code == 200, response.json()
    targets = {row["county"]: row for row in response.json()}
    assert targets["C01"]["revenue_target"] == "750.01"
    assert targets["C02"]["revenue_target"] == "250.00"
    assert targets["C01"]["volume_targets"] == {"BROADBAND": 5}
    assert targets["C02"]["volume_targets"] == {"BROADBAND": 2}
    assert len(targets["C01"]["months"]) == 12


def test_potential_decomposition_splits_by_the_index(api_for, city_user, county_a, county_b, lines):
    plans.plan_create(year=2026, revenue_target="100.00", user=city_user)
    response = api_for(city_user).post(
        f"{BASE}2026/decompose/",
        {"method": "potential", "weights": {"C01": "1", "C02": "2"}},
        format="json",
    )
    targets = {row["county"]: row["revenue_target"] for row in response.json()}
    assert targets == {"C01": "33.33", "C02": "66.67"}


def test_manual_amounts_that_do_not_sum_are_rejected_naming_the_difference(
    api_for, city_user, county_a, county_b, lines
):
    plans.plan_create(year=2026, revenue_target="1000.00", user=city_user)
    response = api_for(city_user).post(
        f"{BASE}2026/decompose/",
        {"method": "manual", "amounts": {"revenue": {"C01": "600.00", "C02": "300.00"}}},
        format="json",
    )
    assert response.status_code == 400
    assert "100.00 less than the target 1000.00" in str(response.json())
    assert not CountyTarget.objects.exists()


def test_unknown_counties_and_all_zero_weights_are_rejected(
    api_for, city_user, county_a, county_b, lines
):
    plans.plan_create(year=2026, revenue_target="1000.00", user=city_user)
    client = api_for(city_user)
    unknown = client.post(
        f"{BASE}2026/decompose/",
        {"method": "potential", "weights": {"C01": 1, "C02": 1, "C99": 1}},
        format="json",
    )
    assert unknown.status_code == 400 and "C99" in str(unknown.json())
    zero = client.post(
        f"{BASE}2026/decompose/", {"method": "potential", "weights": {"C01": 0, "C02": 0}}, "json"
    )
    assert zero.status_code == 400 and "all weights are zero" in str(zero.json())
    no_history = client.post(f"{BASE}2026/decompose/", {"method": "last_year"}, format="json")
    assert no_history.status_code == 400 and "no approved revenue figures" in str(no_history.json())


def test_re_decomposing_a_published_plan_needs_a_reason_and_keeps_history(
    api_for, city_user, plan_2026
):
    client = api_for(city_user)
    assert client.post(f"{BASE}2026/publish/").json()["status"] == "published"
    body = {"method": "potential", "weights": {"C01": 3, "C02": 1}}
    refused = client.post(f"{BASE}2026/decompose/", body, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    done = client.post(
        f"{BASE}2026/decompose/", {**body, "reason": "C01 took over a district"}, format="json"
    )
    assert done.status_code == 200
    history = list(Decomposition.objects.filter(plan=plan_2026).order_by("created_at", "id"))
    assert [d.current for d in history] == [False, True]
    assert history[0].allocations["C01"]["revenue"] == "600000.00"
    assert history[1].reason == "C01 took over a district"
    assert CountyTarget.objects.get(county__code="C01").revenue_target == Decimal("900000.00")


def test_a_plan_cannot_be_published_before_it_is_decomposed(api_for, city_user, lines):
    plans.plan_create(year=2026, revenue_target="10.00", user=city_user)
    response = api_for(city_user).post(f"{BASE}2026/publish/")
    assert response.status_code == 400
    assert "decompose" in str(response.json())


def test_phasing_by_weights_sums_each_county_exactly_and_shows_quarters(
    api_for, city_user, plan_2026
):
    weights = [1, 1, 2, 2, 2, 3, 3, 3, 2, 2, 1, 1]
    response = api_for(city_user).post(f"{BASE}2026/phase/", {"weights": weights}, format="json")
    assert response.status_code == 200
    for row in response.json():
        months = [Decimal(m["revenue_target"]) for m in row["months"]]
        assert sum(months) == Decimal(row["revenue_target"])
        assert [Decimal(q) for q in row["quarters"]] == [
            sum(months[i : i + 3]) for i in range(0, 12, 3)
        ]
        assert sum(m["volume_targets"]["BROADBAND"] for m in row["months"]) == 600
        assert months[0] < months[6]


def test_phasing_one_county_leaves_the_others(api_for, city_user, plan_2026):
    response = api_for(city_user).post(
        f"{BASE}2026/phase/", {"weights": [0] * 11 + [1], "county": "C02"}, format="json"
    )
    assert [row["county"] for row in response.json()] == ["C02"]
    december = CountyMonthTarget.objects.get(county_target__county__code="C02", month=12)
    assert december.revenue_target == Decimal("600000.00")
    january_a = CountyMonthTarget.objects.get(county_target__county__code="C01", month=1)
    assert january_a.revenue_target == Decimal("50000.00")


def test_an_amounts_profile_must_match_the_county_target(city_user, plan_2026, county_b):
    plans.plan_decompose(
        plan=plan_2026, method="potential", weights={"C01": 1, "C02": 2}, user=city_user
    )
    amounts = ["66666.67"] * 11 + ["66666.63"]  # C02's 800,000.00
    profile = plans.phasing_profile_create(
        name="C02 seasonal", kind="amounts", values=amounts, user=city_user
    )
    plans.plan_phase(plan=plan_2026, profile=profile, county=county_b, user=city_user)
    december = CountyMonthTarget.objects.get(county_target__county=county_b, month=12)
    assert december.revenue_target == Decimal("66666.63")
    with pytest.raises(ValidationError, match="C01.*400000.00"):
        plans.plan_phase(plan=plan_2026, profile=profile, user=city_user)


def test_targets_are_scoped_to_the_county_user(api_for, staff_a, staff_b, plan_2026):
    rows = api_for(staff_a).get(f"{BASE}2026/targets/").json()["results"]
    assert [row["county"] for row in rows] == ["C01"]
    assert api_for(staff_a).get(f"{BASE}2026/targets/?county=C02").status_code == 404


def test_targets_can_be_filtered_by_county_for_city_staff(api_for, city_user, plan_2026):
    rows = api_for(city_user).get(f"{BASE}2026/targets/?county=C02").json()["results"]
    assert [row["county"] for row in rows] == ["C02"]
    assert rows[0]["months"][0] == {
        "month": 1,
        "revenue_target": "50000.00",
        "volume_targets": {"BROADBAND": 50, "DEDICATED_LINE": 1},
    }
