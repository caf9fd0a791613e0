"""marketing_ops.access: who is city-wide, and who sees which counties
(docs/roles-and-scoping.md#county-scoping)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.http import Http404

from marketing_ops.access import (
    check_county,
    get_visible_or_404,
    has_role,
    is_city_wide,
    roles_of,
    scope_queryset,
    user_county,
    visible_counties,
)
from marketing_ops.models import Briefing, County, ImportJob

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("admin_user", True),
        ("city_user", True),
        ("leader", True),
        ("auditor2", True),
        ("auditor3", True),
        ("staff_a", False),
        ("head_a", False),
        ("auditor1_a", False),
    ],
)
def test_only_city_roles_leadership_and_city_auditors_are_city_wide(
    request, county_a, user_fixture, expected
):
    user = request.getfixturevalue(user_fixture)
    assert is_city_wide(user) is expected


def test_anonymous_is_not_city_wide_and_sees_no_county(county_a):
    anonymous = AnonymousUser()
    assert is_city_wide(anonymous) is False
    assert roles_of(anonymous) == frozenset()
    assert list(visible_counties(anonymous)) == []


@pytest.mark.parametrize(
    "user_fixture", ["admin_user", "city_user", "leader", "auditor2", "auditor3"]
)
def test_city_wide_users_see_every_county(request, county_a, county_b, user_fixture):
    user = request.getfixturevalue(user_fixture)
    assert set(visible_counties(user)) == {county_a, county_b}


@pytest.mark.parametrize("user_fixture", ["staff_a", "head_a", "auditor1_a"])
def test_county_bound_users_see_only_their_county(request, county_a, county_b, user_fixture):
    user = request.getfixturevalue(user_fixture)
    assert list(visible_counties(user)) == [county_a]
    assert user_county(user) == county_a


def test_county_staff_without_a_county_sees_nothing(county_a, county_b):
    user = get_user_model().objects.create_user("lost", password="pw")
    user.groups.add(Group.objects.get_or_create(name="county_staff")[0])
    assert has_role(user, "county_staff")
    assert is_city_wide(user) is False
    assert list(visible_counties(user)) == []
    assert list(Briefing.objects.visible_to(user)) == []


def test_level_one_auditor_without_a_county_sees_nothing(county_a):
    user = get_user_model().objects.create_user("auditor_nowhere", password="pw")
    user.groups.add(Group.objects.get_or_create(name="auditor")[0])
    assert is_city_wide(user) is False
    assert list(visible_counties(user)) == []


def test_a_user_without_any_role_sees_nothing(county_a):
    user = get_user_model().objects.create_user("nobody", password="pw")
    assert is_city_wide(user) is False
    assert list(visible_counties(user)) == []


def test_a_superuser_counts_as_city_admin(county_a):
    user = get_user_model().objects.create_superuser("root", password="pw")
    assert has_role(user, "city_admin")
    assert is_city_wide(user)


@pytest.mark.parametrize("user_fixture", ["city_user", "staff_a"])
def test_an_inactive_user_sees_nothing(request, county_a, county_b, user_fixture):
    user = request.getfixturevalue(user_fixture)
    user.is_active = False
    user.save(update_fields=["is_active"])
    Briefing.objects.create(
        kind="daily", period="2026-03-01", scope="C01", county=county_a, subject="s"
    )
    ImportJob.objects.create(dataset="counties", file_name="f.csv", sha256="x", county=county_a)
    assert is_city_wide(user) is False
    assert list(visible_counties(user)) == []
    assert list(Briefing.objects.visible_to(user)) == []
    assert list(ImportJob.objects.visible_to(user)) == []


def test_get_visible_or_404_hides_another_countys_object(staff_a, county_a, county_b):
    assert get_visible_or_404(County.objects.all(), staff_a, code="C01") == county_a
    with pytest.raises(Http404):
        get_visible_or_404(County.objects.all(), staff_a, code="C02")


def test_check_county_lets_a_county_user_see_only_their_county(staff_a, city_user, county_b):
    check_county(staff_a, staff_a.profile.county)
    with pytest.raises(Http404):
        check_county(staff_a, county_b)
    with pytest.raises(Http404):
        check_county(staff_a, None)  # the whole city
    check_county(city_user, county_b)
    check_county(city_user, None)


def test_scope_queryset_follows_a_lookup_to_the_county(staff_a, county_a, county_b):
    ImportJob.objects.create(dataset="d", file_name="a.csv", sha256="1", county=county_a)
    ImportJob.objects.create(dataset="d", file_name="b.csv", sha256="2", county=county_b)
    ImportJob.objects.create(dataset="d", file_name="city.csv", sha256="3", county=None)
    names = scope_queryset(ImportJob.objects.all(), staff_a).values_list("file_name", flat=True)
    assert list(names) == ["a.csv"]


def test_the_five_role_groups_exist_with_their_permissions_after_migrating():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert {"city_admin", "city_staff", "county_staff", "auditor", "manager"} <= set(groups)

    def codenames(role):
        return {
            p.codename
            for p in groups[role].permissions.all()
            if p.content_type.app_label == "marketing_ops"
        }

    assert {"add_county", "change_county", "delete_county", "change_profile"} <= codenames(
        "city_admin"
    )
    assert {"view_county", "change_county"} <= codenames("city_staff")
    assert "delete_county" not in codenames("city_staff")
    for read_only in ("manager", "county_staff", "auditor"):
        assert all(c.startswith("view_") for c in codenames(read_only)), read_only


def test_the_default_business_lines_exist_after_migrating():
    from marketing_ops.models import BusinessLine

    lines = {line.code: line for line in BusinessLine.objects.all()}
    assert {"BROADBAND", "DEDICATED_LINE", "PUBLIC_PHONE", "FIXED_PHONE"} <= set(lines)
    assert lines["BROADBAND"].deposit_required and lines["BROADBAND"].uses_terminal
    assert not lines["FIXED_PHONE"].deposit_required
