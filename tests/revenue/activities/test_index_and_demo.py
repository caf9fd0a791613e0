"""The activities index page and the demo data."""

from io import StringIO

from django.urls import reverse
from django.utils import timezone

from marketing_ops import demo as core_demo
from revenue.activities import demo
from revenue.models import (
    CaseTag,
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)


def test_the_index_counts_each_kind_and_links_to_the_lists(
    client_for, staff_a, package_ab, package_b, training_a, case_a, case_b, visit_a
):
    response = client_for(staff_a).get(reverse("revenue:activities"))
    overview = response.context["overview"]
    assert [s.count for s in overview.sections] == [1, 1, 1, 1]
    assert [x.title for x in overview.cases.latest] == [case_a.title]
    page = response.content.decode()
    for name in ("tariff-package-list", "training-list", "case-list", "field-visit-list"):
        assert reverse(f"revenue:{name}") in page


def test_the_index_invites_the_first_record_when_empty(client_for, city_user, staff_a, leader):
    page = client_for(city_user).get(reverse("revenue:activities")).content.decode()
    assert "Record the first one" in page and "Add a successful case" in page
    page = client_for(staff_a).get(reverse("revenue:activities")).content.decode()
    assert "Record the first one" not in page and "Add a successful case" in page
    page = client_for(leader).get(reverse("revenue:activities")).content.decode()
    assert "The case library is empty." in page and "Add a successful case" not in page


def test_the_nav_item_opens_the_index(client_for, leader):
    page = client_for(leader).get(reverse("revenue:activities")).content.decode()
    assert f'href="{reverse("revenue:activities")}">Activities' in page


def counts():
    return [
        m.objects.count()
        for m in (TariffPackage, Training, MarketingCase, CaseTag, FieldVisit, FollowUpAction)
    ]


def test_the_demo_seeds_each_kind_once_and_one_overdue_follow_up(db):
    today = timezone.localdate()
    core_demo.seed(StringIO(), today)
    demo.seed(StringIO(), today)
    first = counts()
    demo.seed(StringIO(), today)
    assert counts() == first
    assert first[:3] == [4, 3, 4] and first[4] == 3
    overdue = FollowUpAction.objects.overdue(today)
    assert [(a.visit.county.code, a.owner.username) for a in overdue] == [("C01", "c01_staff")]
    assert Training.objects.filter(kind="meeting", date__month=1).exists()
    assert Training.objects.filter(kind="provincial_training", date__month=5).exists()
    march = TariffPackage.objects.get(applied_on__month=3, status="approved")
    assert "3月融合月租套餐" in march.name


def test_the_demo_dates_are_never_in_the_future_in_spring(db):
    import datetime as dt

    today = dt.date(2027, 2, 10)
    core_demo.seed(StringIO(), today)
    demo.seed(StringIO(), today)
    assert not Training.objects.filter(date__gt=today).exists()
    assert not TariffPackage.objects.filter(applied_on__gt=today).exists()
