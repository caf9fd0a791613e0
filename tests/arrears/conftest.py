"""Arrears fixtures: a few accounts in counties A (C01) and B (C02), and helpers that import
CSV text through the real upload pipeline."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from arrears.models import Account, ArrearsSnapshot, Bill
from arrears.services import bill_totals
from marketing_ops.models import BusinessLine
from marketing_ops.services import import_submit

ACCOUNT_HEADER = (
    "account_no,county_code,business_line,customer_name,opened_on,status,"
    "status_changed_on,contract_end,deposit\n"
)
BILL_HEADER = "account_no,billing_month,amount_billed,amount_paid,paid_on\n"
#: The columns of the promises list, on the page and in its export, as a county user sees it.
PROMISE_COLUMNS = ("Account", "Customer", "Promised for", "Promised", "Owes now", "Owner", "Result")


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


@pytest.fixture
def run_import(db, django_capture_on_commit_callbacks):
    """Import CSV text as ``user`` synchronously, running on-commit work (the snapshots)."""

    def run(dataset: str, text: str, user, name: str = "upload.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            return import_submit(
                dataset=dataset, fileobj=csv_file(text), file_name=name, user=user, background=False
            )

    return run


def default_line(code: str, name: str, sort_order: int) -> BusinessLine:
    """One of the lines the migrations seed; made again after a transactional test's flush
    removed them, so tests do not depend on the order they run in."""
    line, _ = BusinessLine.objects.get_or_create(
        code=code, defaults={"name": name, "sort_order": sort_order}
    )
    return line


@pytest.fixture
def broadband(db):
    return default_line("BROADBAND", "Broadband terminals", 1)


@pytest.fixture
def make_account(broadband):
    def make(account_no: str, county, status: str = "active") -> Account:
        return Account.objects.create(
            account_no=account_no,
            county=county,
            business_line=broadband,
            customer_name=f"Customer {account_no}",
            opened_on=dt.date(2020, 1, 1),
            status=status,
        )

    return make


@pytest.fixture
def make_bill():
    def make(account: Account, month: str, billed: str, paid: str = "0") -> Bill:
        year, number = (int(part) for part in month.split("-"))
        return Bill.objects.create(
            account=account,
            county_id=account.county_id,
            billing_month=dt.date(year, number, 1),
            amount_billed=Decimal(billed),
            amount_paid=Decimal(paid),
        )

    return make


# --------------------------------------------------------------------------- pages and briefings
# A small city for the page, worklist and briefing tests. "Today" is Monday 2026-11-16: bills up
# to 2026-09 are due (a month's bill falls due at the end of the next month), October's are not.

TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def today(time_machine):
    """Freeze the clock at noon, Shanghai time, on TODAY."""
    from zoneinfo import ZoneInfo

    time_machine.move_to(
        dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=False,
    )
    return TODAY


@pytest.fixture
def fixed_phone(db):
    return default_line("FIXED_PHONE", "Ordinary phones", 4)


def bulk_accounts(county, line, prefix: str, count: int, status: str = "active") -> list[Account]:
    """``count`` accounts ``<prefix>-0001``… made with one bulk insert."""
    accounts = [
        Account(
            account_no=f"{prefix}-{number:04d}",
            county=county,
            business_line=line,
            customer_name=f"Customer {prefix}-{number:04d}",
            opened_on=dt.date(2020, 1, 1),
            status=status,
        )
        for number in range(1, count + 1)
    ]
    Account.objects.bulk_create(accounts)
    return list(Account.objects.filter(account_no__startswith=f"{prefix}-").order_by("account_no"))


def bulk_bills(rows) -> None:
    """Bills from ``(account, "YYYY-MM", billed, paid)`` tuples with one bulk insert."""
    Bill.objects.bulk_create(
        Bill(
            account=account,
            county_id=account.county_id,
            billing_month=dt.date(int(month[:4]), int(month[5:7]), 1),
            amount_billed=Decimal(billed),
            amount_paid=Decimal(paid),
        )
        for account, month, billed, paid in rows
    )
    bill_totals.refresh()  # what every bulk write of bills does


@pytest.fixture
def arrears_city(county_a, county_b, broadband, fixed_phone, today):
    """County A: A-0001 owes 300 on Jul–Sep (oldest due 2026-08-31, 77 days) and 100 on October
    (not due); A-0002 (fixed phone, single stop) owes 50 on September (16 days); A-0003 paid
    everything; A-0004 owes only October (not due yet). County B: B-0001 owes 400 on August."""
    a1, a2, a3, a4 = bulk_accounts(county_a, broadband, "A", 4)
    Account.objects.filter(pk=a2.pk).update(business_line=fixed_phone, status="single_stop")
    (b1,) = bulk_accounts(county_b, broadband, "B", 1)
    bulk_bills(
        [
            (a1, "2026-07", "100", "0"),
            (a1, "2026-08", "100", "0"),
            (a1, "2026-09", "100", "0"),
            (a1, "2026-10", "100", "0"),
            (a2, "2026-09", "50", "0"),
            (a3, "2026-09", "80", "80"),
            (a3, "2026-10", "80", "80"),
            (a4, "2026-10", "70", "0"),
            (b1, "2026-08", "500", "100"),
            (b1, "2026-10", "60", "60"),
        ]
    )
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1}


@pytest.fixture
def recovery_city(arrears_city, county_a, county_b, today):
    """``arrears_city`` with October's recovery: A 70 + 80 + 100 billed, 80 collected (32%);
    B 60 of 60 (100%); and snapshots of both counties a week apart (collected 90, then 95)."""
    ArrearsSnapshot.objects.bulk_create(
        ArrearsSnapshot(
            county=county,
            as_of=as_of,
            recovery_month=dt.date(2026, 10, 1),
            billed=Decimal("100"),
            collected=collected,
            recovery_rate=collected / 100,
        )
        for county in (county_a, county_b)
        for as_of, collected in (
            (dt.date(2026, 11, 8), Decimal("90")),
            (dt.date(2026, 11, 15), Decimal("95")),
        )
    )
    return arrears_city
