"""Progress against time progress for counties, the city and lines
(docs/rules.md#progress-against-time-progress, #province-standing)."""

import pytest

from marketing_ops.models import County
from revenue.services import plans

from .conftest import make_counties, make_report

URL = "/api/v1/revenue/progress/?year=2026&month=6"


@pytest.fixture
def half_year(plan_2026, county_a, county_b):
    """Through June: C01 280,000.00 of 600,000.00 (the worked example halved), C02 ahead."""
    for month in range(1, 7):
        make_report(
            county_a,
            2026,
            month,
            "46666.67" if month < 6 else "46666.65",
            volumes={"BROADBAND": 50},
        )
        make_report(county_b, 2026, month, "60000.00", volumes={"BROADBAND": 60})
    # Submitted, not approved: shown apart, not counted.
    make_report(county_a, 2026, 7, "99999.00", status="submitted")


def test_progress_per_county_follows_the_worked_example(api_for, city_user, half_year):
    data = api_for(city_user).get(URL).json()
    assert data["time_progress"] == "0.5000"
    c01 = next(c for c in data["counties"] if c["county"] == "C01")
    # 280,000.00 of 600,000.00 = the worked example halved.
    assert c01 == {
        "county": "C01",
        "county_name": "Alpha District",
        "rank": 2,
        "revenue_target": "600000.00",
        "cumulative_actual": "280000.00",
        "submitted_not_approved": "0.00",
        "completion_rate": "0.4667",
        "gap_pp": "-3.33",
        "status": "behind",
        "projected_year_end": "560000.00",
        "required_monthly": "53333.33",
        "report_state": "approved",
    }
    c02 = next(c for c in data["counties"] if c["county"] == "C02")
    assert (c02["rank"], c02["status"], c02["completion_rate"]) == (1, "ahead", "0.6000")


def test_the_city_is_the_sum_of_its_counties(api_for, city_user, half_year):
    city = api_for(city_user).get(URL).json()["city"]
    assert city["revenue_target"] == "1200000.00"
    assert city["cumulative_actual"] == "640000.00"
    assert city["completion_rate"] == "0.5333"
    assert city["gap_pp"] == "3.33"


def test_submitted_figures_are_shown_apart_from_approved_ones(api_for, city_user, half_year):
    data = api_for(city_user).get("/api/v1/revenue/progress/?year=2026&month=7").json()
    c01 = next(c for c in data["counties"] if c["county"] == "C01")
    assert c01["cumulative_actual"] == "280000.00"
    assert c01["submitted_not_approved"] == "99999.00"


def test_progress_per_line(api_for, city_user, half_year):
    lines = {row["line"]: row for row in api_for(city_user).get(URL).json()["lines"]}
    assert lines["BROADBAND"]["volume_target"] == 1200
    assert lines["BROADBAND"]["cumulative_actual"] == 660
    assert lines["BROADBAND"]["completion_rate"] == "0.5500"
    assert lines["DEDICATED_LINE"]["cumulative_actual"] == 0
    assert lines["DEDICATED_LINE"]["status"] == "at_risk"


def test_a_county_user_sees_their_county_ranked_among_all(api_for, staff_b, half_year):
    data = api_for(staff_b).get(URL).json()
    assert [c["county"] for c in data["counties"]] == ["C02"]
    assert data["counties"][0]["rank"] == 1
    assert {row["line"]: row["cumulative_actual"] for row in data["lines"]}["BROADBAND"] == 360


def test_counties_without_target_get_no_rank(api_for, city_user, half_year):
    make_counties(1)
    data = api_for(city_user).get(URL).json()
    newcomer = next(c for c in data["counties"] if c["county"].startswith("X"))
    assert newcomer["rank"] is None and newcomer["completion_rate"] is None


def test_ties_share_a_rank(api_for, city_user, plan_2026, county_a, county_b):
    make_report(county_a, 2026, 1, "50000.00")
    make_report(county_b, 2026, 1, "50000.00")
    ranks = [c["rank"] for c in api_for(city_user).get(URL).json()["counties"]]
    assert ranks == [1, 1]


def test_the_province_standing_is_shown_beside_the_city(api_for, city_user, half_year):
    plans.province_standing_save(
        year=2026, month=6, rank=3, cities=14, completion_rate="0.5120", user=city_user
    )
    standing = api_for(city_user).get(URL).json()["province_standing"]
    assert standing["rank"] == 3 and standing["cities"] == 14
    assert standing["completion_rate"] == "0.5120"


def test_december_needs_nothing_more_per_month(api_for, city_user, half_year):
    data = api_for(city_user).get("/api/v1/revenue/progress/?year=2026&month=12").json()
    assert data["time_progress"] == "1.0000"
    assert data["city"]["required_monthly"] is None


def test_a_year_without_plan_answers_with_empty_targets(api_for, city_user, county_a, lines):
    data = api_for(city_user).get("/api/v1/revenue/progress/?year=2030&month=3").json()
    assert data["counties"][0]["completion_rate"] is None


def test_a_bad_month_is_a_400(api_for, city_user, db):
    assert api_for(city_user).get("/api/v1/revenue/progress/?year=2026&month=13").status_code == 400


def test_anonymous_gets_401(client, db):
    assert client.get(URL).status_code == 401


def _with_counties(n, plan, city_user):
    counties = make_counties(n)
    for county in counties:
        make_report(county, 2026, 1, "1000.00", volumes={"BROADBAND": 5})
        make_report(county, 2026, 2, "1000.00", volumes={"DEDICATED_LINE": 1})
    everyone = dict.fromkeys(County.objects.values_list("code", flat=True), 1)
    plans.plan_decompose(plan=plan, method="potential", weights=everyone, user=city_user)


@pytest.mark.parametrize(
    "path",
    [
        URL,
        "/revenue/?year=2026&month=6",
        "/revenue/county/C01/?year=2026&month=6",
        "/revenue/reports/",
        "/revenue/plans/2026/",
        "/api/v1/revenue/plans/2026/targets/",
        "/api/v1/revenue/reports/",
    ],
)
def test_progress_dashboards_and_lists_take_as_many_queries_for_8_as_for_30_counties(
    api_for, client_for, city_user, plan_2026, django_assert_max_num_queries, path
):
    client = api_for(city_user) if path.startswith("/api") else client_for(city_user)
    _with_counties(6, plan_2026, city_user)
    with django_assert_max_num_queries(50) as eight:
        assert client.get(path).status_code == 200
    _with_counties(22, plan_2026, city_user)
    with django_assert_max_num_queries(len(eight.captured_queries)):
        assert client.get(path).status_code == 200


def test_city_staff_enter_the_province_standing_through_the_api(api_for, city_user, staff_a, db):
    body = {"year": 2026, "month": 6, "rank": 3, "cities": 14, "completion_rate": "0.5120"}
    assert api_for(staff_a).post("/api/v1/revenue/standings/", body, "json").status_code == 403
    assert api_for(city_user).post("/api/v1/revenue/standings/", body, "json").status_code == 201
    corrected = api_for(city_user).post(
        "/api/v1/revenue/standings/", {**body, "rank": 2}, format="json"
    )
    assert corrected.json()["rank"] == 2
    assert api_for(staff_a).get("/api/v1/revenue/standings/").json()["count"] == 1


def test_the_revenue_endpoints_are_in_the_schema(client, db):
    schema = client.get("/api/schema/?format=json").json()
    for path in [
        "/api/v1/revenue/plans/",
        "/api/v1/revenue/plans/{year}/decompose/",
        "/api/v1/revenue/plans/{year}/targets/",
        "/api/v1/revenue/reports/{county}/{year}/{month}/",
        "/api/v1/revenue/reports/{county}/{year}/{month}/reopen/",
        "/api/v1/revenue/reports/import/",
        "/api/v1/revenue/reports/template.xlsx",
        "/api/v1/revenue/progress/",
    ]:
        assert path in schema["paths"], path
