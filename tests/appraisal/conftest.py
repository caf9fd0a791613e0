"""Appraisal fixtures: hand-made accounts, bills and audits of county A (C01) for October 2026
(the month ``M``), a scheme and helpers that compute through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from appraisal.calculations import SchemeLine
from appraisal.services import computation, schemes, values
from arrears.models import Account, Bill
from marketing_ops.models import BusinessLine
from marketing_ops.periods import Month

M = Month(2026, 10)
D = Decimal


@pytest.fixture(autouse=True)
def _built_in_indicators(db):
    """The rows migration 0002 makes, made again after a transactional test's flush."""
    values.indicators_ensure_built_in()


@pytest.fixture
def line(db):
    found, _ = BusinessLine.objects.get_or_create(
        code="BROADBAND", defaults={"name": "Broadband terminals", "sort_order": 1}
    )
    return found


@pytest.fixture
def account(line):
    def make(
        number: str,
        county,
        *,
        opened: str = "2020-01-01",
        status: str = "active",
        changed: str | None = None,
        contract_end: str | None = None,
    ) -> Account:
        return Account.objects.create(
            account_no=number,
            county=county,
            business_line=line,
            customer_name=f"Customer {number}",
            opened_on=dt.date.fromisoformat(opened),
            status=status,
            status_changed_on=dt.date.fromisoformat(changed) if changed else None,
            contract_end=dt.date.fromisoformat(contract_end) if contract_end else None,
        )

    return make


@pytest.fixture
def bill():
    def make(
        account: Account, month: str, billed: str, paid: str = "0", paid_on: str | None = None
    ) -> Bill:
        return Bill.objects.create(
            account=account,
            county_id=account.county_id,
            billing_month=Month.parse(month).first_day,
            amount_billed=D(billed),
            amount_paid=D(paid),
            paid_on=dt.date.fromisoformat(paid_on) if paid_on else None,
        )

    return make


@pytest.fixture
def scheme(db, city_user):
    """Two built-in indicators: stops (lower) 60 and churn (lower) 40."""

    def make(month: Month = M, lines=None):
        return schemes.scheme_save(
            month=month,
            lines=lines
            or [
                SchemeLine("STOP_SHARE", D(60), target=D("0.10"), floor=D("0.50")),
                SchemeLine("CHURN_RATE", D(40), target=D("0.00"), floor=D("0.50")),
            ],
            user=city_user,
        )

    return make


@pytest.fixture
def compute(city_user):
    def run(month: Month = M):
        return computation.scorecards_compute(month=month, now=timezone.now(), user=city_user)

    return run
