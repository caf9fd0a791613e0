"""Phasing a plan again (docs/rules.md#phasing): a reason once published, kept in the plan's
history, months with an approved report kept, the rest spread over the other months, a preview
beside today's months starting from the county's current profile."""

from decimal import Decimal

import pytest

from revenue import calculations as calc
from revenue.models import CountyMonthTarget, Rephasing
from revenue.services import plans

from .conftest import make_report

BASE = "/api/v1/revenue/plans/"
RISING = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2]


def _months(code: str) -> list[Decimal]:
    return list(
        CountyMonthTarget.objects.filter(county_target__county__code=code)
        .order_by("month")
        .values_list("revenue_target", flat=True)
    )


@pytest.fixture
def published(plan_2026, city_user):
    plans.plan_publish(plan=plan_2026, user=city_user)
    return plan_2026


def test_a_published_plan_is_phased_again_only_with_a_reason(api_for, city_user, published):
    response = api_for(city_user).post(
        f"{BASE}2026/phase/", {"weights": RISING, "county": "C01"}, format="json"
    )
    assert response.status_code == 400
    assert "give a reason" in response.json()["reason"][0]
    assert _months("C01") == [Decimal("50000.00")] * 12
    assert not Rephasing.objects.exists()


def test_months_with_an_approved_report_keep_their_targets_and_the_rest_is_spread(
    api_for, city_user, published, county_a
):
    for month in range(1, 11):
        make_report(county_a, 2026, month, "40000.00")
    make_report(county_a, 2026, 11, "40000.00", status="submitted")
    response = api_for(city_user).post(
        f"{BASE}2026/phase/",
        {"weights": RISING, "county": "C01", "reason": "year-end campaign"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    months = _months("C01")
    assert months[:10] == [Decimal("50000.00")] * 10
    # 100,000.00 left for November and December, weighted 2 : 2.
    assert months[10:] == [Decimal("50000.00"), Decimal("50000.00")]
    assert sum(months) == Decimal("600000.00")
    assert _months("C02") == [Decimal("50000.00")] * 12
    history = Rephasing.objects.get()
    assert history.reason == "year-end campaign"
    assert history.kept_months == {"C01": list(range(1, 11))}
    assert history.created_by == city_user


def test_only_the_open_months_take_the_new_shape(city_user, published, county_a):
    make_report(county_a, 2026, 1, "40000.00")
    plans.plan_phase(plan=published, weights=RISING, county=county_a, reason="r", user=city_user)
    months = _months("C01")
    assert months[0] == Decimal("50000.00")
    # 550,000.00 over Feb..Dec weighted 1×9 + 2×2 = 13 → 42,307.69… and 84,615.38…
    assert months[1] == Decimal("42307.69") or months[1] == Decimal("42307.70")
    assert months[11] in (Decimal("84615.38"), Decimal("84615.39"))
    assert sum(months) == Decimal("600000.00")


def test_kept_months_that_exceed_the_target_are_refused():
    with pytest.raises(calc.AllocationError, match="exceed the annual target by 50"):
        calc.phase_keeping(calc.REVENUE, Decimal(100), calc.EQUAL_WEIGHTS, {1: Decimal(150)})
    with pytest.raises(calc.AllocationError, match="still open are all zero"):
        calc.phase_keeping(calc.REVENUE, Decimal(100), [1] + [0] * 11, {1: Decimal(50)})
    assert calc.phase_keeping(
        "BROADBAND", 10, calc.EQUAL_WEIGHTS, dict.fromkeys(range(1, 12), 0)
    ) == ([0] * 11 + [10])


def test_the_page_previews_the_new_months_beside_today_and_saves_on_confirm(
    client_for, city_user, published, county_a
):
    make_report(county_a, 2026, 1, "40000.00")
    client = client_for(city_user)
    weights = {f"m{i}": w for i, w in enumerate(RISING, start=1)}
    form = {"county": county_a.pk, "reason": "campaign", **weights, "preview": "1"}
    page = client.post("/revenue/plans/2026/phase/", form).content.decode()
    assert 'id="phasing-preview"' in page
    assert "kept: approved report" in page
    assert _months("C01") == [Decimal("50000.00")] * 12  # nothing saved yet
    form.pop("preview")
    response = client.post("/revenue/plans/2026/phase/", {**form, "confirm": "1"}, follow=True)
    assert "Plan 2026 phased." in response.content.decode()
    assert _months("C01")[11] > Decimal("50000.00")
    detail = client.get("/revenue/plans/2026/").content.decode()
    assert 'id="phasing-history"' in detail and "campaign" in detail


def test_the_page_refuses_a_published_plan_without_a_reason(client_for, city_user, published):
    weights = {f"m{i}": 1 for i in range(1, 13)}
    page = client_for(city_user).post("/revenue/plans/2026/phase/", {**weights, "confirm": "1"})
    assert "give a reason" in page.content.decode()
    assert not Rephasing.objects.exists()


def test_the_page_starts_from_the_county_current_profile(
    client_for, city_user, published, county_a
):
    plans.plan_phase(plan=published, weights=RISING, county=county_a, reason="r", user=city_user)
    page = client_for(city_user).get("/revenue/plans/2026/phase/?county=C01").content.decode()
    assert 'name="m12" value="2' in page
    assert 'name="m1" value="1' in page
