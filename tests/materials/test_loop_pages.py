"""Closed-loop pages and API: the city summary, a county's month grid, explain and accept,
recycling and deposits; access on each (anonymous, another county, a role that may not) and
their query counts pinned."""

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from materials.models import LoopExplanation
from tests.materials.test_loop import DAY, hand_made_day  # noqa: F401  (a fixture)

MONTH = "2026-11"
PAGES = {
    "summary": f"/materials/loop/?month={MONTH}",
    "grid": f"/materials/loop/C01/?month={MONTH}",
    "recycling": f"/materials/recycling/?month={MONTH}",
}
ENDPOINTS = [
    ("get", f"/api/v1/materials/loop/?month={MONTH}"),
    ("get", f"/api/v1/materials/recycling/?month={MONTH}"),
    ("post", "/api/v1/materials/loop/explain/"),
    ("post", "/api/v1/materials/loop/accept/"),
]
KEY = {"county": "C01", "date": DAY.isoformat(), "line": "BROADBAND"}


def sheet_rows(response, index=0):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[index].iter_rows(values_only=True)]


pytestmark = pytest.mark.usefixtures("hand_made_day")


def test_anonymous_visitors_are_sent_to_sign_in_and_api_callers_get_401():
    for url in [*PAGES.values(), "/materials/loop/C01/explain/"]:
        response = APIClient().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for method, url in ENDPOINTS:
        assert getattr(APIClient(), method)(url, {}).status_code == 401, url


@pytest.mark.parametrize("who", ["admin_user", "city_user", "leader", "staff_a", "auditor2"])
def test_every_role_reads_the_pages_and_exports_them(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    for name, url in PAGES.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, name
        export = client.get(url + "&export=xlsx", follow=True)
        assert export["Content-Type"].startswith("application/vnd.openxmlformats"), name


def test_the_city_summary_counts_each_countys_differences(client_for, city_user):
    response = client_for(city_user).get(PAGES["summary"])
    assert response.status_code == 200
    rows = sheet_rows(client_for(city_user).get(PAGES["summary"] + "&export=xlsx"))
    c01 = next(row for row in rows if row[0] == "C01")
    # installs 3/3, dismantles 2/1: one open difference.
    assert c01[1:] == [3, 3, 0, 2, 1, -1, 1, 0, 0]


def test_a_county_user_is_sent_to_their_grid_and_never_sees_another_county(
    client_for, staff_b, api_for
):
    client = client_for(staff_b)
    response = client.get(PAGES["summary"])
    assert response.status_code == 302 and "/materials/loop/C02/" in response["Location"]
    assert client.get(PAGES["grid"]).status_code == 404
    assert client.get("/materials/loop/C01/explain/").status_code == 404
    api = api_for(staff_b)
    assert api.get("/api/v1/materials/loop/?county=C01").status_code == 404
    assert (
        api.post("/api/v1/materials/loop/explain/", {**KEY, "explanation": "x"}).status_code == 404
    )
    rows = api.get(f"/api/v1/materials/loop/?month={MONTH}&all=1").json()
    assert {row["county"] for row in rows} == {"C02"}


def test_county_staff_explain_in_the_grid_and_the_city_accepts_it(client_for, staff_a, city_user):
    county = client_for(staff_a)
    grid = county.get(PAGES["grid"]).content.decode()
    assert 'data-status="open"' in grid
    explain = county.post(
        "/materials/loop/C01/explain/",
        {"business_date": DAY.isoformat(), "business_line": "BROADBAND", "explanation": "Late"},
    )
    assert explain.status_code == 302
    assert 'data-status="explained"' in county.get(PAGES["grid"]).content.decode()
    # County staff may not accept.
    key = {"business_date": DAY.isoformat(), "business_line": "BROADBAND"}
    assert county.post("/materials/loop/C01/accept/", key).status_code == 403
    city = client_for(city_user)
    assert "Late" in city.get(PAGES["summary"]).content.decode()
    assert city.post("/materials/loop/C01/accept/", key).status_code == 302
    assert LoopExplanation.objects.get().accepted
    assert 'data-status="accepted"' in city.get(PAGES["grid"]).content.decode()


def test_the_api_lists_gaps_explains_and_accepts(api_for, staff_a, city_user):
    rows = api_for(city_user).get(f"/api/v1/materials/loop/?month={MONTH}").json()
    assert rows == [
        {
            "county": "C01",
            "date": "2026-11-16",
            "line": "BROADBAND",
            "installs_reported": 3,
            "terminals_issued": 3,
            "install_gap": 0,
            "dismantles_reported": 2,
            "terminals_returned": 1,
            "return_gap": -1,
            "explanation": None,
            "accepted": False,
            "status": "open",
        }
    ]
    assert len(api_for(city_user).get(f"/api/v1/materials/loop/?month={MONTH}&all=1").json()) == 2
    county = api_for(staff_a)
    answer = county.post("/api/v1/materials/loop/explain/", {**KEY, "explanation": "Late"})
    assert answer.status_code == 200 and answer.json()["status"] == "explained"
    assert county.post("/api/v1/materials/loop/accept/", KEY).status_code == 403
    answer = api_for(city_user).post("/api/v1/materials/loop/accept/", KEY)
    assert answer.json()["accepted"] is True
    again = api_for(city_user).post("/api/v1/materials/loop/accept/", KEY)
    assert again.status_code == 400


def test_bad_query_parameters_are_400_naming_them(api_for, city_user):
    api = api_for(city_user)
    assert "month" in api.get("/api/v1/materials/loop/?month=2026-13").json()
    assert "county" in api.get("/api/v1/materials/loop/?county=NOPE").json()
    assert "month" in api.get("/api/v1/materials/recycling/?month=x").json()


def test_recycling_api_answers_every_county(api_for, city_user):
    rows = api_for(city_user).get(f"/api/v1/materials/recycling/?month={MONTH}").json()
    assert [row["county"] for row in rows] == ["C01", "C02"]
    assert rows[0] == {
        "county": "C01",
        "installs": 3,
        "with_recycled": 0,
        "recycling_rate": "0.0000",
    }


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_run_a_fixed_number_of_queries(
    client_for, city_user, name, django_assert_max_num_queries
):
    client = client_for(city_user)
    with django_assert_max_num_queries(12):
        assert client.get(PAGES[name]).status_code == 200


def test_the_explain_form_names_the_day_and_line_as_chinese_pages_do(client_for, staff_a):
    client = client_for(staff_a)
    client.cookies["django_language"] = "zh-hans"
    text = client.get(
        f"/materials/loop/C01/explain/?business_date={DAY.isoformat()}&business_line=BROADBAND"
    ).content.decode()
    title = text.split("<title>")[1].split("</title>")[0]
    assert "2026年11月16日" in title and "Broadband" in title
    assert DAY.isoformat() not in title and "BROADBAND" not in title
