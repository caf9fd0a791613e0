"""Who may open and change the activities (docs/roles-and-scoping.md#county-scoping): anonymous →
login/401, another county's
record → 404, a write the role may not make → 403."""

import pytest
from django.urls import reverse

from revenue.models import FollowUpAction, MarketingCase, TariffPackage

# (url name, fixture whose pk is the argument or None)
READ_PAGES = [
    ("revenue:activities", None),
    ("revenue:tariff-package-list", None),
    ("revenue:tariff-package-detail", "package_ab"),
    ("revenue:training-list", None),
    ("revenue:training-detail", "training_a"),
    ("revenue:case-list", None),
    ("revenue:case-detail", "case_a"),
    ("revenue:field-visit-list", None),
    ("revenue:field-visit-detail", "visit_a"),
    ("revenue:follow-up-overdue", None),
]
CITY_WRITE_PAGES = [
    ("revenue:tariff-package-create", None),
    ("revenue:tariff-package-edit", "package_ab"),
    ("revenue:training-create", None),
    ("revenue:training-edit", "training_a"),
]
COUNTY_WRITE_PAGES = [
    ("revenue:case-create", None),
    ("revenue:case-edit", "case_a"),
    ("revenue:field-visit-create", None),
    ("revenue:field-visit-edit", "visit_a"),
    ("revenue:follow-up-create", "visit_a"),
    ("revenue:follow-up-edit", "overdue_a"),
]
API_ENDPOINTS = [
    ("revenue-api:tariff-package-list", None),
    ("revenue-api:tariff-package-detail", "package_ab"),
    ("revenue-api:training-list", None),
    ("revenue-api:training-detail", "training_a"),
    ("revenue-api:case-list", None),
    ("revenue-api:case-detail", "case_a"),
    ("revenue-api:field-visit-list", None),
    ("revenue-api:field-visit-detail", "visit_a"),
    ("revenue-api:follow-up-list", None),
    ("revenue-api:follow-up-detail", "overdue_a"),
]
OTHER_COUNTY_PAGES = [
    ("revenue:tariff-package-detail", "package_b"),
    ("revenue:tariff-package-edit", "package_b"),
    ("revenue:training-detail", "training_b"),
    ("revenue:training-edit", "training_b"),
    ("revenue:case-detail", "case_b"),
    ("revenue:case-edit", "case_b"),
    ("revenue:field-visit-detail", "visit_b"),
    ("revenue:field-visit-edit", "visit_b"),
    ("revenue:follow-up-create", "visit_b"),
    ("revenue:follow-up-edit", "overdue_b"),
]
OTHER_COUNTY_API = [
    ("revenue-api:tariff-package-detail", "package_b"),
    ("revenue-api:training-detail", "training_b"),
    ("revenue-api:case-detail", "case_b"),
    ("revenue-api:field-visit-detail", "visit_b"),
    ("revenue-api:follow-up-detail", "overdue_b"),
]


def _url(request, name, fixture):
    full = f"api:{name}" if name.startswith("revenue-api") else name
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    return reverse(full, args=args)


@pytest.mark.parametrize(("name", "fixture"), READ_PAGES + CITY_WRITE_PAGES + COUNTY_WRITE_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, request, name, fixture):
    response = client.get(_url(request, name, fixture))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_cannot_mark_a_follow_up_done(client, overdue_a):
    response = client.post(reverse("revenue:follow-up-done", args=[overdue_a.pk]))
    assert response.status_code == 302
    overdue_a.refresh_from_db()
    assert not overdue_a.done


@pytest.mark.parametrize(("name", "fixture"), API_ENDPOINTS)
def test_the_api_answers_401_without_a_token(client, request, name, fixture):
    assert client.get(_url(request, name, fixture)).status_code == 401


@pytest.mark.parametrize("user", ["leader", "auditor2", "auditor1_a", "head_a", "staff_a"])
@pytest.mark.parametrize(("name", "fixture"), READ_PAGES)
def test_every_role_reads_the_activities_of_its_scope(client_for, request, user, name, fixture):
    client = client_for(request.getfixturevalue(user))
    assert client.get(_url(request, name, fixture)).status_code == 200


@pytest.mark.parametrize("user", ["staff_a", "head_a", "auditor1_a"])
@pytest.mark.parametrize(("name", "fixture"), OTHER_COUNTY_PAGES)
def test_another_countys_record_is_not_found(client_for, request, user, name, fixture):
    client = client_for(request.getfixturevalue(user))
    assert client.get(_url(request, name, fixture)).status_code == 404


@pytest.mark.parametrize(("name", "fixture"), OTHER_COUNTY_API)
def test_another_countys_record_is_not_found_in_the_api(api_for, request, staff_a, name, fixture):
    assert api_for(staff_a).get(_url(request, name, fixture)).status_code == 404


def test_another_countys_visit_cannot_be_exported(client_for, staff_a, visit_b, overdue_b):
    url = reverse("revenue:field-visit-detail", args=[visit_b.pk]) + "?export=xlsx"
    assert client_for(staff_a).get(url).status_code == 404


def test_another_countys_follow_up_cannot_be_marked_done(client_for, staff_a, overdue_b):
    response = client_for(staff_a).post(reverse("revenue:follow-up-done", args=[overdue_b.pk]))
    assert response.status_code == 404
    overdue_b.refresh_from_db()
    assert not overdue_b.done


def test_a_county_user_cannot_post_a_case_into_another_county(client_for, staff_a, county_b):
    response = client_for(staff_a).post(
        reverse("revenue:case-create"),
        {"county": county_b.pk, "title": "Sneaky", "what_was_done": "x", "tags": ""},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not MarketingCase.objects.filter(title="Sneaky").exists()


@pytest.mark.parametrize("user", ["leader", "auditor2", "auditor3", "head_a", "auditor1_a"])
@pytest.mark.parametrize(("name", "fixture"), CITY_WRITE_PAGES + COUNTY_WRITE_PAGES)
def test_managers_and_auditors_only_read(client_for, request, user, name, fixture):
    client = client_for(request.getfixturevalue(user))
    assert client.get(_url(request, name, fixture)).status_code == 403


@pytest.mark.parametrize(("name", "fixture"), CITY_WRITE_PAGES)
def test_county_staff_cannot_write_the_citys_packages_and_trainings(
    client_for, request, staff_a, name, fixture
):
    assert client_for(staff_a).get(_url(request, name, fixture)).status_code == 403


def test_a_forbidden_post_writes_nothing(client_for, leader, staff_a):
    response = client_for(staff_a).post(
        reverse("revenue:tariff-package-create"),
        {"name": "Pirate package", "monthly_fee": "1.00", "status": "draft"},
    )
    assert response.status_code == 403
    response = client_for(leader).post(
        reverse("revenue:tariff-package-create"),
        {"name": "Pirate package", "monthly_fee": "1.00", "status": "draft"},
    )
    assert response.status_code == 403
    assert not TariffPackage.objects.filter(name="Pirate package").exists()


def test_a_manager_who_does_not_own_a_follow_up_cannot_mark_it_done(client_for, leader, overdue_a):
    response = client_for(leader).post(reverse("revenue:follow-up-done", args=[overdue_a.pk]))
    assert response.status_code == 403
    assert not FollowUpAction.objects.get(pk=overdue_a.pk).done


def test_the_owner_of_a_follow_up_may_mark_it_done_even_when_read_only(
    client_for, head_a, visit_a, today
):
    action = FollowUpAction.objects.create(
        visit=visit_a, description="Head to sign the agreement", owner=head_a, due_on=today
    )
    response = client_for(head_a).post(reverse("revenue:follow-up-done", args=[action.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done and action.done_on == today


def test_a_county_user_sees_the_packages_and_trainings_that_include_their_county(
    client_for, staff_a, staff_b, package_ab, package_b, training_a, training_b
):
    page_a = client_for(staff_a).get(reverse("revenue:tariff-package-list")).content.decode()
    assert package_ab.name in page_a and package_b.name not in page_a
    page_b = client_for(staff_b).get(reverse("revenue:tariff-package-list")).content.decode()
    assert package_ab.name in page_b and package_b.name in page_b
    trainings_a = client_for(staff_a).get(reverse("revenue:training-list")).content.decode()
    assert training_a.topic in trainings_a and training_b.topic not in trainings_a


def test_a_package_of_two_counties_is_listed_once(api_for, staff_a, city_user, package_ab):
    for user in (staff_a, city_user):
        data = api_for(user).get(reverse("api:revenue-api:tariff-package-list")).json()
        assert [row["name"] for row in data["results"]] == [package_ab.name]
        assert data["count"] == 1


def test_a_county_users_export_holds_only_their_county(client_for, staff_a, case_a, case_b):
    from io import BytesIO

    from openpyxl import load_workbook

    for query in ("?export=xlsx", "?export=xlsx&county=C02"):
        response = client_for(staff_a).get(reverse("revenue:case-list") + query)
        assert response.status_code == 200
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        # Another county's code in the filter is not a choice: the filter is ignored.
        assert [row[0] for row in rows[1:]] == [case_a.title]


def test_the_api_lists_only_the_county_users_records(
    api_for, staff_a, case_a, case_b, visit_a, visit_b
):
    api = api_for(staff_a)
    cases = api.get(reverse("api:revenue-api:case-list")).json()["results"]
    assert [c["county"] for c in cases] == ["C01"]
    visits = api.get(reverse("api:revenue-api:field-visit-list")).json()["results"]
    assert [v["county"] for v in visits] == ["C01"]
