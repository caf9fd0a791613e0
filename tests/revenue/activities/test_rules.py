"""The services' rules, without pages: who may write, tags, package dates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from revenue.activities import services


def test_tags_are_lower_case_unique_and_sorted():
    assert services.parse_tags("Campus, broadband ,campus;  New   Households,,") == [
        "broadband",
        "campus",
        "new households",
    ]
    assert services.parse_tags("") == []


def test_a_tag_longer_than_40_characters_is_refused_by_name():
    with pytest.raises(ValidationError) as error:
        services.parse_tags("ok, " + "x" * 41)
    assert "at most 40 characters" in error.value.message_dict["tags"][0]


@pytest.mark.parametrize(
    ("status", "applied_on", "approved_on", "field"),
    [
        ("applied", None, None, "applied_on"),
        ("approved", dt.date(2026, 3, 1), None, "approved_on"),
        ("approved", dt.date(2026, 3, 1), dt.date(2026, 2, 1), "approved_on"),
    ],
)
def test_a_package_needs_the_dates_of_its_status(status, applied_on, approved_on, field):
    with pytest.raises(ValidationError) as error:
        services.tariff_package_check(status=status, applied_on=applied_on, approved_on=approved_on)
    assert field in error.value.message_dict


def test_a_draft_needs_no_dates():
    services.tariff_package_check(status="draft", applied_on=None, approved_on=None)


def test_who_may_write(
    city_user, admin_user, staff_a, head_a, auditor2, leader, county_a, county_b
):
    assert services.can_edit_city_records(city_user) and services.can_edit_city_records(admin_user)
    assert not any(services.can_edit_city_records(u) for u in (staff_a, head_a, auditor2, leader))
    assert services.can_edit_county_records(city_user, county_b)
    assert services.can_edit_county_records(staff_a, county_a)
    assert not services.can_edit_county_records(staff_a, county_b)
    assert not any(services.can_edit_county_records(u) for u in (head_a, auditor2, leader))


def test_services_refuse_a_write_in_another_county(staff_a, county_b):
    with pytest.raises(PermissionDenied):
        services.marketing_case_create(user=staff_a, county=county_b, title="x", what_was_done="y")


def test_moving_a_case_to_another_county_needs_the_right_there(staff_a, case_a, county_b):
    with pytest.raises(PermissionDenied):
        services.marketing_case_update(user=staff_a, case=case_a, county=county_b)


def test_money_is_kept_to_the_fen(city_user):
    package = services.tariff_package_create(
        user=city_user,
        name="Fen",
        monthly_fee=Decimal("19.9"),
        status="draft",
        applied_on=None,
        approved_on=None,
        description="",
    )
    package.refresh_from_db()
    assert package.monthly_fee == Decimal("19.90")


def test_a_visit_cannot_move_away_from_its_follow_up_owners(
    city_user, visit_a, overdue_a, county_b
):
    with pytest.raises(ValidationError) as error:
        services.field_visit_update(user=city_user, visit=visit_a, county=county_b)
    assert "staff_a" in error.value.message_dict["county"][0]
