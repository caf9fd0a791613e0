"""Scoping and roles as a user meets them: 404 for another county, 403 for a forbidden action,
302/401 without a login (docs/roles-and-scoping.md#county-scoping, docs/api.md)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from marketing_ops.models import Briefing, County, ImportJob
from tests.core.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def import_of_b(county_b, staff_b):
    return ImportJob.objects.create(
        dataset="counties",
        file_name="b.csv",
        sha256="b" * 64,
        created_by=staff_b,
        county=county_b,
        status=ImportJob.Status.DONE,
    )


@pytest.fixture
def import_of_a(county_a, staff_a):
    return ImportJob.objects.create(
        dataset="counties",
        file_name="a.csv",
        sha256="a" * 64,
        created_by=staff_a,
        county=county_a,
        status=ImportJob.Status.DONE,
    )


@pytest.fixture
def briefings(county_a, county_b):
    def make(scope, county):
        return Briefing.objects.create(
            kind="monthly",
            period="2026-02",
            scope=scope,
            county=county,
            subject=f"briefing of {scope}",
            html=f"<p>figures of {scope}</p>",
            text=f"figures of {scope}",
        )

    return {"city": make("city", None), "A": make("C01", county_a), "B": make("C02", county_b)}


# --------------------------------------------------------------------------- another county: 404


def test_county_user_gets_404_for_another_county_in_the_api(api_for, staff_a, county_b):
    assert api_for(staff_a).get("/api/v1/counties/C02/").status_code == 404
    assert api_for(staff_a).get("/api/v1/counties/C01/").json()["code"] == "C01"


def test_county_list_in_the_api_holds_only_the_users_county(api_for, staff_a, county_b):
    body = api_for(staff_a).get("/api/v1/counties/").json()
    assert body["count"] == 1
    assert [c["code"] for c in body["results"]] == ["C01"]
    assert {"code", "name", "kind"} <= set(body["results"][0])


def test_city_user_lists_every_county_in_the_api(api_for, city_user, county_a, county_b):
    body = api_for(city_user).get("/api/v1/counties/").json()
    assert [c["code"] for c in body["results"]] == ["C01", "C02"]


def test_county_user_gets_404_for_another_countys_import(
    api_for, client_for, staff_a, import_of_a, import_of_b
):
    assert api_for(staff_a).get(f"/api/v1/imports/{import_of_b.pk}/").status_code == 404
    assert client_for(staff_a).get(f"/imports/{import_of_b.pk}/").status_code == 404
    assert client_for(staff_a).get(f"/imports/{import_of_b.pk}/progress/").status_code == 404
    assert api_for(staff_a).get(f"/api/v1/imports/{import_of_a.pk}/").status_code == 200
    assert client_for(staff_a).get(f"/imports/{import_of_a.pk}/").status_code == 200


def test_import_lists_hold_only_the_users_county(
    api_for, client_for, staff_a, import_of_a, import_of_b
):
    body = api_for(staff_a).get("/api/v1/imports/").json()
    assert [job["id"] for job in body["results"]] == [import_of_a.pk]
    page = client_for(staff_a).get("/imports/").content.decode()
    assert "a.csv" in page
    assert "b.csv" not in page


def test_county_user_gets_404_for_the_city_or_another_countys_briefing(
    client_for, staff_a, briefings
):
    client = client_for(staff_a)
    for other in ("city", "B"):
        pk = briefings[other].pk
        assert client.get(f"/briefings/{pk}/").status_code == 404
        assert client.get(f"/briefings/{pk}/tables.xlsx").status_code == 404
    own = client.get(f"/briefings/{briefings['A'].pk}/")
    assert own.status_code == 200
    assert "figures of C01" in own.content.decode()


def test_briefing_archive_lists_only_the_users_county(client_for, staff_a, leader, briefings):
    page = client_for(staff_a).get("/briefings/").content.decode()
    assert "briefing of C01" in page
    assert "briefing of C02" not in page
    assert "briefing of city" not in page
    city_page = client_for(leader).get("/briefings/").content.decode()
    assert all(f"briefing of {s}" in city_page for s in ("city", "C01", "C02"))


def test_home_page_shows_the_users_county_and_not_another(client_for, staff_a, county_b):
    page = client_for(staff_a).get("/").content.decode()
    assert "Alpha District" in page
    assert "Beta County" not in page


# --------------------------------------------------------------------------- forbidden action: 403


@pytest.mark.parametrize("user_fixture", ["leader", "head_a"])
def test_read_only_managers_get_403_on_the_upload_page(request, client_for, user_fixture):
    user = request.getfixturevalue(user_fixture)
    assert client_for(user).get("/imports/new/").status_code == 403


def test_read_only_managers_get_403_uploading_through_the_api(api_for, leader):
    response = api_for(leader).post(
        "/api/v1/imports/",
        {"dataset": "counties", "file": upload(csv_bytes("code,name,kind\nC09,Nine,county\n"))},
        format="multipart",
    )
    assert response.status_code == 403


def test_county_staff_gets_403_naming_a_city_admin_dataset_on_the_upload_page(
    client_for, staff_a, county_visits_dataset
):
    client = client_for(staff_a)
    assert client.get("/imports/new/").status_code == 200  # they may upload their own data
    assert client.get("/imports/new/?dataset=counties").status_code == 403
    response = client.post(
        "/imports/new/",
        {"dataset": "counties", "file": upload(csv_bytes("code,name,kind\nC09,Nine,county\n"))},
    )
    assert response.status_code == 403
    assert not County.objects.filter(code="C09").exists()
    assert not ImportJob.objects.exists()


def test_county_staff_gets_403_uploading_counties_through_the_api(api_for, staff_a):
    response = api_for(staff_a).post(
        "/api/v1/imports/",
        {"dataset": "counties", "file": upload(csv_bytes("code,name,kind\nC09,Nine,county\n"))},
        format="multipart",
    )
    assert response.status_code == 403
    assert not County.objects.filter(code="C09").exists()


@pytest.mark.parametrize("user_fixture", ["city_user", "leader", "auditor3", "staff_a"])
def test_only_city_admins_may_open_django_admin(request, client_for, user_fixture):
    user = request.getfixturevalue(user_fixture)
    response = client_for(user).get("/admin/marketing_ops/county/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_city_admin_opens_the_admin_pages(client_for, admin_user, staff_a):
    client = client_for(admin_user)
    assert client.get("/admin/marketing_ops/county/").status_code == 200
    assert client.get("/admin/auth/user/?county=C01").status_code == 200
    assert client.get(f"/admin/auth/user/{staff_a.pk}/change/").status_code == 200


# --------------------------------------------------------------------------- anonymous: 302 / 401


@pytest.mark.parametrize("path", ["/", "/imports/", "/imports/new/", "/briefings/"])
def test_anonymous_is_sent_to_the_login_page(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize(
    "path", ["/api/v1/me/", "/api/v1/counties/", "/api/v1/business-lines/", "/api/v1/imports/"]
)
def test_anonymous_gets_401_from_the_api(path):
    assert APIClient().get(path).status_code == 401


def test_a_wrong_token_gets_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/me/").status_code == 401


# --------------------------------------------------------------------------- me and the token


@pytest.mark.parametrize(
    ("user_fixture", "roles", "county", "level"),
    [
        ("admin_user", ["city_admin"], None, None),
        ("city_user", ["city_staff"], None, None),
        ("leader", ["manager"], None, None),
        ("staff_a", ["county_staff"], "C01", None),
        ("head_a", ["manager"], "C01", None),
        ("auditor1_a", ["auditor"], "C01", 1),
        ("auditor2", ["auditor"], None, 2),
        ("auditor3", ["auditor"], None, 3),
    ],
)
def test_me_tells_each_role_who_they_are(request, api_for, user_fixture, roles, county, level):
    user = request.getfixturevalue(user_fixture)
    body = api_for(user).get("/api/v1/me/").json()
    assert body == {
        "username": user.username,
        "roles": roles,
        "county": county,
        "auditor_level": level,
    }


def test_the_token_endpoint_gives_a_token_that_authenticates(staff_a):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "staff_a", "password": "pw"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "staff_a"


def test_the_token_endpoint_refuses_a_wrong_password(staff_a):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "staff_a", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_session_login_works_for_the_api(client_for, staff_a):
    assert client_for(staff_a).get("/api/v1/me/").json()["county"] == "C01"


def test_business_lines_are_listed_with_code_name_and_unit(api_for, staff_a):
    body = api_for(staff_a).get("/api/v1/business-lines/").json()
    codes = [line["code"] for line in body["results"]]
    assert {"BROADBAND", "DEDICATED_LINE", "PUBLIC_PHONE", "FIXED_PHONE"} <= set(codes)
    assert {"code", "name", "unit"} <= set(body["results"][0])
