"""Creating and editing activities through the pages, by the roles that may."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from revenue.models import (
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)


def test_city_staff_record_a_package_with_the_counties_promoting_it(
    client_for, city_user, county_a, county_b
):
    response = client_for(city_user).post(
        reverse("revenue:tariff-package-create"),
        {
            "name": "March monthly package",
            "monthly_fee": "99.5",
            "status": "approved",
            "applied_on": "2026-03-03",
            "approved_on": "2026-03-24",
            "description": "300M broadband and a fixed line",
            "counties": [county_a.pk, county_b.pk],
        },
    )
    package = TariffPackage.objects.get(name="March monthly package")
    assert response.status_code == 302
    assert response["Location"] == reverse("revenue:tariff-package-detail", args=[package.pk])
    assert package.monthly_fee == Decimal("99.50")
    assert package.created_by == city_user
    assert sorted(c.code for c in package.counties.all()) == ["C01", "C02"]
    detail = client_for(city_user).get(response["Location"]).content.decode()
    assert "¥99.50" in detail and "Alpha District" in detail


def test_an_approved_package_without_an_approval_date_is_refused_with_a_reason(
    client_for, city_user
):
    response = client_for(city_user).post(
        reverse("revenue:tariff-package-create"),
        {"name": "No date", "monthly_fee": "10", "status": "approved", "applied_on": "2026-03-03"},
    )
    assert response.status_code == 200
    assert "An approved package needs its approval date." in response.content.decode()
    assert not TariffPackage.objects.filter(name="No date").exists()


def test_an_approval_before_the_application_is_refused(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("revenue:tariff-package-create"),
        {
            "name": "Backwards",
            "monthly_fee": "10",
            "status": "approved",
            "applied_on": "2026-03-03",
            "approved_on": "2026-03-01",
        },
    )
    assert "is before the application date 2026-03-03" in response.content.decode()
    assert not TariffPackage.objects.filter(name="Backwards").exists()


def test_city_staff_edit_a_package_and_its_counties(client_for, city_user, package_ab, county_b):
    response = client_for(city_user).post(
        reverse("revenue:tariff-package-edit", args=[package_ab.pk]),
        {
            "name": package_ab.name,
            "monthly_fee": "109.00",
            "status": "withdrawn",
            "applied_on": "2026-03-03",
            "approved_on": "2026-03-24",
            "counties": [county_b.pk],
        },
    )
    assert response.status_code == 302
    package_ab.refresh_from_db()
    assert package_ab.monthly_fee == Decimal("109.00")
    assert package_ab.status == "withdrawn"
    assert [c.code for c in package_ab.counties.all()] == ["C02"]


def test_city_staff_record_a_provincial_training(client_for, city_user, county_a):
    response = client_for(city_user).post(
        reverse("revenue:training-create"),
        {
            "date": "2026-05-21",
            "kind": "provincial_training",
            "topic": "Broadband retention",
            "counties": [county_a.pk],
            "attendees": "12",
            "attendee_names": "Wang, Li",
            "notes": "Slides shared.",
        },
    )
    training = Training.objects.get(topic="Broadband retention")
    assert response.status_code == 302
    assert (training.kind, training.attendees, training.date) == (
        "provincial_training",
        12,
        dt.date(2026, 5, 21),
    )
    assert [c.code for c in training.counties.all()] == ["C01"]


def test_city_staff_edit_a_meeting(client_for, city_user, training_a):
    client_for(city_user).post(
        reverse("revenue:training-edit", args=[training_a.pk]),
        {"date": "2026-01-17", "kind": "meeting", "topic": "January meeting", "attendees": "41"},
    )
    training_a.refresh_from_db()
    assert training_a.attendees == 41
    assert training_a.date == dt.date(2026, 1, 17)
    assert list(training_a.counties.all()) == []


def test_county_staff_add_a_case_of_their_county_with_tags(client_for, staff_a, county_a):
    response = client_for(staff_a).post(
        reverse("revenue:case-create"),
        {
            "county": county_a.pk,
            "title": "Village agents",
            "what_was_done": "Shop owners take orders.",
            "result": "210 new fixed phones",
            "new_households": "210",
            "revenue_gain": "25200",
            "tags": "Rural, agents ,rural,  fixed   phone",
        },
    )
    assert response.status_code == 302
    case = MarketingCase.objects.get(title="Village agents")
    assert case.county == county_a and case.created_by == staff_a
    assert case.revenue_gain == Decimal("25200.00")
    assert sorted(t.name for t in case.tags.all()) == ["agents", "fixed phone", "rural"]


def test_a_county_cannot_have_two_cases_with_the_same_title(client_for, staff_a, case_a):
    response = client_for(staff_a).post(
        reverse("revenue:case-create"),
        {
            "county": case_a.county_id,
            "title": case_a.title.upper(),
            "what_was_done": "again",
        },
    )
    assert response.status_code == 200
    assert "already has a case titled" in response.content.decode()
    assert MarketingCase.objects.count() == 1


def test_county_staff_edit_their_case_and_its_tags(client_for, staff_a, case_a):
    edit_url = reverse("revenue:case-edit", args=[case_a.pk])
    form_page = client_for(staff_a).get(edit_url).content.decode()
    assert 'value="renewal"' in form_page
    response = client_for(staff_a).post(
        edit_url,
        {
            "county": case_a.county_id,
            "title": "Door-to-door renewal, phase 2",
            "what_was_done": case_a.what_was_done,
            "tags": "renewal, community",
        },
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.title == "Door-to-door renewal, phase 2"
    assert sorted(t.name for t in case_a.tags.all()) == ["community", "renewal"]


def test_city_staff_edit_any_countys_case(client_for, city_user, case_b):
    response = client_for(city_user).post(
        reverse("revenue:case-edit", args=[case_b.pk]),
        {"county": case_b.county_id, "title": case_b.title, "what_was_done": "Updated."},
    )
    assert response.status_code == 302
    case_b.refresh_from_db()
    assert case_b.what_was_done == "Updated."


def test_county_staff_record_a_visit_and_its_follow_ups(client_for, staff_a, county_a, head_a):
    client = client_for(staff_a)
    response = client.post(
        reverse("revenue:field-visit-create"),
        {
            "county": county_a.pk,
            "date": "2026-10-12",
            "kind": "market_research",
            "participants": "C01 staff (2)",
            "findings": "Shops want a cheaper line.",
        },
    )
    visit = FieldVisit.objects.get()
    assert response.status_code == 302
    assert (visit.county, visit.kind, visit.created_by) == (county_a, "market_research", staff_a)

    response = client.post(
        reverse("revenue:follow-up-create", args=[visit.pk]),
        {"description": "Price a shop line", "owner": head_a.pk, "due_on": "2026-11-30"},
    )
    assert response.status_code == 302
    action = FollowUpAction.objects.get(visit=visit)
    assert (action.owner, action.due_on, action.done, action.done_on) == (
        head_a,
        dt.date(2026, 11, 30),
        False,
        None,
    )

    response = client.post(
        reverse("revenue:follow-up-edit", args=[action.pk]),
        {
            "description": "Price a shop line",
            "owner": head_a.pk,
            "due_on": "2026-11-30",
            "done": "on",
        },
    )
    action.refresh_from_db()
    assert action.done and action.done_on is not None


def test_a_follow_up_owner_must_belong_to_the_visited_county_or_the_city(
    client_for, staff_a, visit_a, staff_b
):
    response = client_for(staff_a).post(
        reverse("revenue:follow-up-create", args=[visit_a.pk]),
        {"description": "x", "owner": staff_b.pk, "due_on": "2026-11-30"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not visit_a.follow_ups.exists()


def test_city_staff_edit_a_visit(client_for, city_user, visit_b):
    response = client_for(city_user).post(
        reverse("revenue:field-visit-edit", args=[visit_b.pk]),
        {
            "county": visit_b.county_id,
            "date": "2026-10-03",
            "kind": "field_visit",
            "participants": visit_b.participants,
            "findings": "Revised findings.",
        },
    )
    assert response.status_code == 302
    visit_b.refresh_from_db()
    assert (visit_b.date, visit_b.kind, visit_b.findings) == (
        dt.date(2026, 10, 3),
        "field_visit",
        "Revised findings.",
    )


@pytest.mark.parametrize(
    ("name", "fixture", "text"),
    [
        ("revenue:tariff-package-detail", "package_ab", "March monthly package"),
        ("revenue:training-detail", "training_a", "January meeting"),
        ("revenue:case-detail", "case_a", "Renewal rate from 71% to 88%."),
        ("revenue:field-visit-detail", "visit_a", "Agree fibre build dates"),
    ],
)
def test_detail_pages_show_the_record(
    client_for, request, city_user, overdue_a, name, fixture, text
):
    obj = request.getfixturevalue(fixture)
    page = client_for(city_user).get(reverse(name, args=[obj.pk])).content.decode()
    assert text in page


def test_the_edit_button_shows_only_to_those_who_may_edit(client_for, staff_a, head_a, case_a):
    url = reverse("revenue:case-detail", args=[case_a.pk])
    edit = reverse("revenue:case-edit", args=[case_a.pk])
    assert edit in client_for(staff_a).get(url).content.decode()
    assert edit not in client_for(head_a).get(url).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "9999-12-31", "expected a date from 2000-01-01 to"),
        ("date", "0001-01-01", "expected a date from 2000-01-01 to"),
        ("attendees", str(10**30), "less than or equal to 2147483647"),
    ],
)
def test_a_training_with_a_far_date_or_too_many_attendees_is_refused_on_its_field(
    field, value, message, client_for, city_user, county_a
):
    data = {
        "date": "2026-05-21",
        "kind": "provincial_training",
        "topic": "Broadband retention",
        "counties": [county_a.pk],
        "attendees": "12",
    }
    response = client_for(city_user).post(reverse("revenue:training-create"), data | {field: value})
    assert response.status_code in (200, 400)
    assert message in str(response.context["form"].errors[field])
    assert not Training.objects.exists()
