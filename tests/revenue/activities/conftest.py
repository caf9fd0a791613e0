"""Activities of two counties: A (C01, ``staff_a``) and B (C02, ``staff_b``).

``package_ab`` is promoted by both counties, ``package_b`` and ``training_b`` only by B;
``case_a``/``case_b`` and ``visit_a``/``visit_b`` belong to one county each. ``visit_a`` has an
overdue follow-up (``overdue_a``, owned by ``staff_a``), one due in the future and one done.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from revenue.models import (
    CaseTag,
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)

DAY = dt.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def package_ab(county_a, county_b):
    package = TariffPackage.objects.create(
        name="March monthly package",
        monthly_fee=Decimal("99.00"),
        applied_on=dt.date(2026, 3, 3),
        approved_on=dt.date(2026, 3, 24),
        status=TariffPackage.Status.APPROVED,
    )
    package.counties.set([county_a, county_b])
    return package


@pytest.fixture
def package_b(county_b):
    package = TariffPackage.objects.create(
        name="Beta campus package",
        monthly_fee=Decimal("39.00"),
        applied_on=dt.date(2026, 7, 8),
        status=TariffPackage.Status.APPLIED,
    )
    package.counties.set([county_b])
    return package


@pytest.fixture
def training_a(county_a):
    training = Training.objects.create(
        date=dt.date(2026, 1, 16), kind=Training.Kind.MEETING, topic="January meeting", attendees=30
    )
    training.counties.set([county_a])
    return training


@pytest.fixture
def training_b(county_b):
    training = Training.objects.create(
        date=dt.date(2026, 5, 21),
        kind=Training.Kind.PROVINCIAL_TRAINING,
        topic="May provincial training",
        attendees=12,
    )
    training.counties.set([county_b])
    return training


@pytest.fixture
def case_a(county_a, staff_a):
    case = MarketingCase.objects.create(
        county=county_a,
        title="Door-to-door renewal",
        what_was_done="Visited every block whose contracts end this quarter.",
        result="Renewal rate from 71% to 88%.",
        new_households=320,
        revenue_gain=Decimal("86400.00"),
        created_by=staff_a,
    )
    case.tags.set([CaseTag.objects.get_or_create(name="renewal")[0]])
    return case


@pytest.fixture
def case_b(county_b, staff_b):
    case = MarketingCase.objects.create(
        county=county_b,
        title="Campus stands",
        what_was_done="Stands in dormitories in registration week.",
        result="540 new student households.",
        created_by=staff_b,
    )
    case.tags.set([CaseTag.objects.get_or_create(name="campus")[0]])
    return case


@pytest.fixture
def visit_a(county_a, city_user):
    return FieldVisit.objects.create(
        county=county_a,
        date=dt.date(2026, 10, 1),
        participants="City marketing (2), C01 staff (3)",
        findings="Two new compounds have no fibre yet.",
        created_by=city_user,
    )


@pytest.fixture
def visit_b(county_b, city_user):
    return FieldVisit.objects.create(
        county=county_b,
        date=dt.date(2026, 10, 2),
        kind=FieldVisit.Kind.MARKET_RESEARCH,
        participants="City marketing (1)",
        findings="Shops want a cheaper dedicated line.",
        created_by=city_user,
    )


@pytest.fixture
def overdue_a(visit_a, staff_a, today):
    return FollowUpAction.objects.create(
        visit=visit_a, description="Agree fibre build dates", owner=staff_a, due_on=today - 10 * DAY
    )


@pytest.fixture
def follow_ups_a(visit_a, staff_a, city_user, today, overdue_a):
    """The overdue one, one due today (not overdue yet), one done long ago."""
    due_today = FollowUpAction.objects.create(
        visit=visit_a, description="Call the compound managers", owner=staff_a, due_on=today
    )
    done = FollowUpAction.objects.create(
        visit=visit_a,
        description="Send the proposal",
        owner=city_user,
        due_on=today - 30 * DAY,
        done=True,
        done_on=today - 28 * DAY,
    )
    return overdue_a, due_today, done


@pytest.fixture
def overdue_b(visit_b, staff_b, today):
    return FollowUpAction.objects.create(
        visit=visit_b, description="Price a shop line", owner=staff_b, due_on=today - 3 * DAY
    )
