"""The bills import at scale (docs/rules.md#accounts-and-bills, docs/file-formats.md,
bench/README.md#targets): the direct CSV load and the month partitions.

On PostgreSQL a plain bills CSV is COPied as text and checked and written in SQL; every other
file takes the row-by-row pass. Both must accept and refuse the same files with the same
messages and leave the same bills. A month's bills live in a partition of their own, rebuilt
when a file brings a large part of the month and updated in place for a small correction.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from arrears.imports import BillsDataset
from arrears.models import Bill
from arrears.services import bill_totals
from marketing_ops.models import ImportJob
from marketing_ops.services import import_submit
from marketing_ops.tabular import streaming
from tests.arrears.conftest import ACCOUNT_HEADER, BILL_HEADER

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the direct load and partitions are PostgreSQL's"
)

ACCOUNTS = ACCOUNT_HEADER + (
    "A-001,C01,BROADBAND,Zhang Wei,2020-03-01,active,,,\n"
    "A-002,C01,FIXED_PHONE,Li Na,2021-05-10,active,,,\n"
    "B-001,C02,BROADBAND,Wang Fang,2019-07-15,active,,,\n"
)


@pytest.fixture
def accounts(run_import, admin_user, county_a, county_b):
    job = run_import("accounts", ACCOUNTS, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors


def bills(*rows: str, header: str = BILL_HEADER) -> str:
    return header + "".join(row + "\n" for row in rows)


def outcome(job) -> tuple:
    stored = sorted(
        (
            b.account.account_no,
            f"{b.billing_month:%Y-%m}",
            b.amount_billed,
            b.amount_paid,
            b.paid_on,
            b.county.code,
        )
        for b in Bill.objects.select_related("account", "county")
    )
    # Whatever the path, the month × county totals the indicators read match the bills.
    assert bill_totals.differences() == []
    return job.status, job.applied, job.errors, stored


def partitions_of_bills() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM arrears_bill")
        return {row[0] for row in cursor.fetchall()}


def partition_oid(name: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)::oid", [name])
        return cursor.fetchone()[0]


# ------------------------------------------------------------------- same files, same result

SAME_RESULT_FILES = {
    "plain": bills(
        "A-001,2026-03,100.00,40.00,2026-04-02",
        "A-002,2026-03,60.5,0,",
        "B-001,2026-03,75,75.00,2026-04-30",
    ),
    "padded cells": bills(" A-001 ,2026-03, 100.00 ,0 , 2026-04-02 "),
    "an exponent": bills("A-001,2026-03,1e2,0,"),
    "three decimal places": bills("A-001,2026-03,100.123,0,"),
    "minus zero": bills("A-001,2026-03,-0,0,"),
    "a negative amount": bills("A-001,2026-03,-5.00,0,"),
    "not a number": bills("A-001,2026-03,NaN,0,"),
    "an amount too large": bills("A-001,2026-03,1234567890123.00,0,"),
    "leading zeros": bills("A-001,2026-03,007.50,0,"),
    "a plus sign": bills("A-001,2026-03,+5,0,"),
    "a third place that is zero": bills("A-001,2026-03,1.230,0,"),
    "a negative exponent": bills("A-001,2026-03,15e-1,0,"),
    "a point without digits after": bills("A-001,2026-03,5.,.5,"),
    "full-width digits": bills("A-001,2026-03,\uff11\uff12,0,"),
    "an impossible date": bills("A-001,2026-03,1.00,1.00,2026-02-30"),
    "a date in another format": bills("A-001,2026-03,1.00,1.00,2026/04/02"),
    "a compact date": bills("A-001,2026-03,1.00,1.00,20260402"),
    "a month without its zero": bills("A-001,2026-3,1.00,0,"),
    "a month out of range": bills("A-001,2026-03,1.00,0,", "A-002,2026-13,1.00,0,"),
    "two months": bills("A-001,2026-03,10.00,0,", "A-001,2026-04,11.00,0,"),
    "an unknown account last": bills("A-001,2026-03,1.00,0,", "Z-999,2026-03,1.00,0,"),
    "the same bill twice": bills("A-001,2026-03,1.00,0,", "A-001,2026-03,2.00,0,"),
    "a blank line": bills("A-001,2026-03,1.00,0,", "", "A-002,2026-03,2.00,0,"),
    "a short row": bills("A-001,2026-03,1.00,0"),
    "a long row": bills("A-001,2026-03,1.00,0,,extra"),
    "an empty amount": bills("A-001,2026-03,,0,"),
    "an empty account": bills(",2026-03,1.00,0,"),
    "a quoted empty date": bills('A-001,2026-03,1.00,0,""'),
    "quoted cells and an extra column": bills(
        '"A-001","2026-03","1.00","0",,"called, promised"',
        header="account_no,billing_month,amount_billed,amount_paid,paid_on,note\n",
    ),
    "columns in another order": bills(
        "2026-04-02,40.00,100.00,2026-03,A-001",
        header="PAID_ON, Amount_Paid ,amount_billed,Billing_Month,account_no\n",
    ),
    "no paid_on column": bills(
        "A-001,2026-03,1.00,0", header="account_no,billing_month,amount_billed,amount_paid\n"
    ),
    "a missing column": bills(
        "A-001,2026-03,1.00", header="account_no,billing_month,amount_billed\n"
    ),
    "a BOM and CRLF": "\ufeff" + bills("A-001,2026-03,1.00,0,").replace("\n", "\r\n"),
    "not UTF-8": bills("A-001,2026-03,1.00,0,").replace("A-001", "A-\xe9"),
    "a header and nothing else": BILL_HEADER,
    "thousands separators": bills('A-001,2026-03,"1,234.50","1,000",2026-04-02'),
    "a spreadsheet's rounded display": bills("A-001,2026-03,1.23457E+11,0,"),
    "an exponent in capitals": bills("A-001,2026-03,1E5,0,"),
    "infinity": bills("A-001,2026-03,inf,0,", "A-002,2026-03,Infinity,0,"),
    "the largest amount": bills("A-001,2026-03,999999999999.99,0,"),
    "a billing month far ahead": bills("A-001,9999-12,1.00,0,"),
    "a billing month before 2000": bills("A-001,1999-01,1.00,0,"),
    "a month far ahead after a plain row": bills("A-001,2026-03,1.00,0,", "A-002,9999-12,1.00,0,"),
    "a paid_on far ahead": bills("A-001,2026-03,1.00,1.00,9999-12-31"),
    "a paid_on in year 1": bills("A-001,2026-03,1.00,1.00,0001-01-01"),
    "a paid_on before 2000": bills("A-001,2026-03,1.00,1.00,1999-12-31"),
}


def _import_text(text: str, user, *, encoding: str = "utf-8"):
    import io

    data = text.encode("latin-1" if "\xe9" in text else encoding)
    return import_submit(
        dataset="bills",
        fileobj=io.BytesIO(data),
        file_name="bills.csv",
        user=user,
        background=False,
    )


@postgres_only
@pytest.mark.parametrize("name", sorted(SAME_RESULT_FILES))
def test_the_direct_load_and_the_row_by_row_pass_give_the_same_result(
    name, accounts, admin_user, monkeypatch
):
    text = SAME_RESULT_FILES[name]
    with transaction.atomic():
        direct = outcome(_import_text(text, admin_user))
        transaction.set_rollback(True)
    monkeypatch.setattr(BillsDataset, "copies_csv", False)
    row_by_row = outcome(_import_text(text, admin_user))
    assert direct == row_by_row


@postgres_only
@pytest.mark.parametrize(
    "rows",
    [
        ("A-001,2026-03,1.00,0,", "A-002,2026-03,2.00,0,"),
        ("A-001,2026-03,1.00,0,", "B-001,2026-03,2.00,0,"),
    ],
    ids=["own county", "another county's account"],
)
def test_a_county_user_gets_the_same_result_from_both_paths(rows, accounts, staff_a, monkeypatch):
    text = bills(*rows)
    with transaction.atomic():
        direct = outcome(_import_text(text, staff_a))
        transaction.set_rollback(True)
    monkeypatch.setattr(BillsDataset, "copies_csv", False)
    assert direct == outcome(_import_text(text, staff_a))


@postgres_only
def test_a_plain_file_is_written_without_the_row_by_row_pass(accounts, admin_user, monkeypatch):
    def row_by_row(*args, **kwargs):
        raise AssertionError("the plain file took the row-by-row pass")

    monkeypatch.setattr(streaming, "_stream", row_by_row)
    job = _import_text(SAME_RESULT_FILES["plain"], admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.rows, job.applied) == (3, 3)


@postgres_only
def test_a_file_with_padded_cells_takes_the_row_by_row_pass_and_is_imported(
    accounts, admin_user, monkeypatch
):
    passes = []
    stream = streaming._stream
    monkeypatch.setattr(streaming, "_stream", lambda *a, **k: passes.append(1) or stream(*a, **k))
    job = _import_text(SAME_RESULT_FILES["padded cells"], admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert passes == [1]
    assert Bill.objects.get().paid_on == dt.date(2026, 4, 2)


# --------------------------------------------------------------------------- month partitions


@postgres_only
def test_a_new_month_gets_a_partition_of_its_own(accounts, run_import, admin_user):
    run_import("bills", SAME_RESULT_FILES["plain"], admin_user)
    run_import("bills", bills("A-001,2026-04,9.00,0,"), admin_user)
    assert partitions_of_bills() == {"arrears_bill_m202603", "arrears_bill_m202604"}
    assert Bill.objects.filter(billing_month=dt.date(2026, 3, 1)).count() == 3


@postgres_only
def test_a_rebuilt_month_has_statistics_of_its_month_column(accounts, run_import, admin_user):
    # The month totals refreshed right after the rebuild are planned with them: without, the
    # planner takes the month's million bills for a few and sorts them instead of hashing.
    run_import("bills", SAME_RESULT_FILES["plain"], admin_user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_stats WHERE tablename = %s", ["arrears_bill_m202603"]
        )
        assert cursor.fetchall() == [("billing_month",)]


@postgres_only
def test_a_month_imported_again_is_rebuilt_keeping_the_bills_the_file_leaves_out(
    accounts, run_import, admin_user
):
    run_import("bills", SAME_RESULT_FILES["plain"], admin_user)
    kept = Bill.objects.get(account__account_no="B-001")
    before = partition_oid("arrears_bill_m202603")
    job = run_import(
        "bills",
        bills("A-001,2026-03,100.00,100.00,2026-04-20", "A-002,2026-03,60.50,30.00,2026-04-21"),
        admin_user,
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert partition_oid("arrears_bill_m202603") != before  # a new table took the month's place
    assert Bill.objects.count() == 3
    assert Bill.objects.get(pk=kept.pk).amount_paid == Decimal("75.00")
    updated = Bill.objects.get(account__account_no="A-001")
    assert (updated.amount_paid, updated.paid_on) == (Decimal("100.00"), dt.date(2026, 4, 20))


@postgres_only
def test_a_small_correction_updates_the_month_in_place(
    accounts, run_import, admin_user, make_account, county_a
):
    for number in range(3, 8):
        make_account(f"A-{number:03d}", county_a)
    rows = [f"A-{n:03d},2026-03,10.00,0," for n in range(1, 8)]
    run_import("bills", bills(*rows), admin_user)
    before = partition_oid("arrears_bill_m202603")
    job = run_import("bills", bills("A-005,2026-03,10.00,10.00,2026-04-09"), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert partition_oid("arrears_bill_m202603") == before
    assert Bill.objects.count() == 7
    assert Bill.objects.get(account__account_no="A-005").amount_paid == Decimal("10.00")


@postgres_only
def test_bills_written_one_at_a_time_move_into_their_months_partition(
    accounts, run_import, admin_user, make_bill
):
    from arrears.models import Account

    single = make_bill(Account.objects.get(account_no="A-001"), "2026-03", "50.00")
    assert partitions_of_bills() == {"arrears_bill_default"}
    job = run_import("bills", bills("A-002,2026-03,60.00,0,"), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert partitions_of_bills() == {"arrears_bill_m202603"}
    assert Bill.objects.get(pk=single.pk).amount_billed == Decimal("50.00")
    assert Bill.objects.count() == 2


@postgres_only
def test_a_refused_file_leaves_the_month_and_its_partition_as_they_were(
    accounts, run_import, admin_user
):
    run_import("bills", SAME_RESULT_FILES["plain"], admin_user)
    before = (partition_oid("arrears_bill_m202603"), outcome(ImportJob.objects.first())[3])
    job = run_import(
        "bills",
        bills("A-001,2026-03,1.00,0,", "A-002,2026-03,2.00,0,", "Z-404,2026-03,3.00,0,"),
        admin_user,
    )
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 4
    assert (partition_oid("arrears_bill_m202603"), outcome(job)[3]) == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_class WHERE relname LIKE 'arrears_bill_load_%%'")
        assert cursor.fetchone()[0] == 0


# ------------------------------------------------------- values the business never has

REFUSED_FILES = {
    "a spreadsheet's rounded display": ("amount_billed", "expected an amount like 1234.50"),
    "an exponent in capitals": ("amount_billed", "expected an amount like 1234.50"),
    "infinity": ("amount_billed", "expected an amount like 1234.50"),
    "a billing month far ahead": ("billing_month", "expected a month from 2000-01 to"),
    "a billing month before 2000": ("billing_month", "expected a month from 2000-01 to"),
    "a paid_on far ahead": ("paid_on", "expected a date from 2000-01-01 to"),
    "a paid_on in year 1": ("paid_on", "expected a date from 2000-01-01 to"),
    "a paid_on before 2000": ("paid_on", "expected a date from 2000-01-01 to"),
}


@pytest.mark.parametrize("name", sorted(REFUSED_FILES))
@pytest.mark.parametrize("direct", [True, False], ids=["direct load", "row by row"])
def test_amounts_in_exponent_notation_and_dates_outside_the_business_window_are_refused(
    name, direct, accounts, admin_user, monkeypatch
):
    if direct and connection.vendor != "postgresql":
        pytest.skip("the direct load is PostgreSQL's")
    monkeypatch.setattr(BillsDataset, "copies_csv", direct)
    job = _import_text(SAME_RESULT_FILES[name], admin_user)
    column, message = REFUSED_FILES[name]
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 2
    assert job.errors[0]["column"] == column
    assert message in job.errors[0]["message"]
    assert not Bill.objects.exists()


@pytest.mark.parametrize("direct", [True, False], ids=["direct load", "row by row"])
def test_amounts_with_thousands_separators_are_read(direct, accounts, admin_user, monkeypatch):
    if direct and connection.vendor != "postgresql":
        pytest.skip("the direct load is PostgreSQL's")
    monkeypatch.setattr(BillsDataset, "copies_csv", direct)
    job = _import_text(SAME_RESULT_FILES["thousands separators"], admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    bill = Bill.objects.get()
    assert (bill.amount_billed, bill.amount_paid) == (Decimal("1234.50"), Decimal("1000.00"))
