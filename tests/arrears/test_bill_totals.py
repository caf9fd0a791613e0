"""The month × county totals of the bills (``BillMonthTotal``): what the recovery and ageing
figures read instead of the million bills. Every way bills are written must keep them equal to
the bills; ``manage.py arrears_totals`` finds and repairs a difference."""

import datetime as dt
import importlib
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears import calculations as calc
from arrears.models import Account, Bill, BillMonthTotal
from arrears.selectors import indicators
from arrears.services import bill_totals
from marketing_ops.models import ImportJob
from marketing_ops.periods import Month
from tests.arrears.conftest import ACCOUNT_HEADER, BILL_HEADER, bulk_accounts, bulk_bills

pytestmark = pytest.mark.django_db

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def totals() -> dict[tuple[str, str], tuple]:
    return {
        (f"{t.billing_month:%Y-%m}", t.county.code): (
            t.bills,
            t.billed,
            t.collected,
            t.outstanding,
        )
        for t in BillMonthTotal.objects.select_related("county")
    }


@pytest.fixture
def two_accounts(make_account, county_a, county_b):
    return make_account("A-1", county_a), make_account("B-1", county_b)


# --------------------------------------------------------------------------- one-bill writes


def test_saving_bills_one_at_a_time_keeps_the_totals(two_accounts, make_bill):
    a, b = two_accounts
    make_bill(a, "2026-03", "100.00", "40.00")
    make_bill(a, "2026-04", "50.00", "80.00")  # overpaid: collects only what was billed
    make_bill(b, "2026-03", "30.00", "0")
    assert totals() == {
        ("2026-03", "C01"): (1, D("100.00"), D("40.00"), D("60.00")),
        ("2026-04", "C01"): (1, D("50.00"), D("50.00"), D("0.00")),
        ("2026-03", "C02"): (1, D("30.00"), D("0.00"), D("30.00")),
    }


def test_a_bill_paid_later_changes_its_months_totals(two_accounts, make_bill):
    bill = make_bill(two_accounts[0], "2026-03", "100.00")
    bill = Bill.objects.get(pk=bill.pk)
    bill.amount_paid = D("100.00")
    bill.save()
    assert totals() == {("2026-03", "C01"): (1, D("100.00"), D("100.00"), D("0.00"))}


def test_a_bill_moved_to_another_month_leaves_its_old_month(two_accounts, make_bill):
    a, _ = two_accounts
    make_bill(a, "2026-03", "10.00")
    moved = Bill.objects.get(pk=make_bill(a, "2026-04", "20.00").pk)
    moved.billing_month = dt.date(2026, 5, 1)
    moved.save()
    assert totals() == {
        ("2026-03", "C01"): (1, D("10.00"), D("0.00"), D("10.00")),
        ("2026-05", "C01"): (1, D("20.00"), D("0.00"), D("20.00")),
    }


def test_deleting_bills_or_their_account_takes_them_out_of_the_totals(two_accounts, make_bill):
    a, b = two_accounts
    make_bill(a, "2026-03", "10.00")
    make_bill(a, "2026-04", "20.00")
    kept = make_bill(b, "2026-03", "30.00")
    Bill.objects.get(account=a, billing_month=APRIL).delete()
    assert ("2026-04", "C01") not in totals()
    Account.objects.get(pk=a.pk).delete()  # cascades to its bills
    assert totals() == {("2026-03", "C02"): (1, D("30.00"), D("0.00"), D("30.00"))}
    assert Bill.objects.get().pk == kept.pk


# --------------------------------------------------------------------------- bulk writes


def test_an_imported_bills_file_leaves_totals_equal_to_the_bills(
    run_import, admin_user, county_a, county_b
):
    accounts = ACCOUNT_HEADER + (
        "A-1,C01,BROADBAND,Zhang Wei,2020-03-01,active,,,\n"
        "A-2,C01,BROADBAND,Li Na,2021-05-10,active,,,\n"
        "B-1,C02,BROADBAND,Wang Fang,2019-07-15,active,,,\n"
    )
    assert run_import("accounts", accounts, admin_user).status == ImportJob.Status.DONE
    bills = BILL_HEADER + (
        "A-1,2026-03,100.00,40.00,2026-04-02\nA-2,2026-03,60.50,70.00,2026-04-03\n"
        "B-1,2026-03,75.00,0,\nA-1,2026-04,100.00,0,\n"
    )
    job = run_import("bills", bills, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert totals() == {
        ("2026-03", "C01"): (2, D("160.50"), D("100.50"), D("60.00")),
        ("2026-03", "C02"): (1, D("75.00"), D("0.00"), D("75.00")),
        ("2026-04", "C01"): (1, D("100.00"), D("0.00"), D("100.00")),
    }
    # The same month again, with A-1 now paid: the month's totals follow, April's stay.
    job = run_import("bills", BILL_HEADER + "A-1,2026-03,100.00,100.00,2026-04-20\n", admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert totals()[("2026-03", "C01")] == (2, D("160.50"), D("160.50"), D("0.00"))
    assert totals()[("2026-04", "C01")] == (1, D("100.00"), D("0.00"), D("100.00"))
    assert bill_totals.differences() == []


def test_a_refused_bills_file_leaves_the_totals_as_they_were(
    run_import, admin_user, two_accounts, make_bill
):
    make_bill(two_accounts[0], "2026-03", "10.00")
    before = totals()
    job = run_import(
        "bills", BILL_HEADER + "A-1,2026-03,99.00,0,\nZ-404,2026-03,1.00,0,\n", admin_user
    )
    assert job.status == ImportJob.Status.FAILED
    assert totals() == before


def test_an_account_moved_to_another_county_takes_its_bills_totals_along(
    run_import, admin_user, two_accounts, make_bill
):
    a, _ = two_accounts
    make_bill(a, "2026-03", "10.00")
    make_bill(a, "2026-04", "20.00", "5.00")
    moved = ACCOUNT_HEADER + "A-1,C02,BROADBAND,Customer A-1,2020-01-01,active,,,\n"
    job = run_import("accounts", moved, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert totals() == {
        ("2026-03", "C02"): (1, D("10.00"), D("0.00"), D("10.00")),
        ("2026-04", "C02"): (1, D("20.00"), D("5.00"), D("15.00")),
    }


def test_the_migration_fills_the_totals_of_bills_already_stored(two_accounts, make_bill):
    make_bill(two_accounts[0], "2026-03", "10.00", "4.00")
    make_bill(two_accounts[1], "2026-03", "7.00", "9.00")
    expected = totals()
    BillMonthTotal.objects.all().delete()
    migration = importlib.import_module("arrears.migrations.0005_bill_month_totals")
    # SQLite's schema editor cannot open inside the test's transaction; fill only executes SQL.
    with connection.cursor() as cursor:
        migration.fill(None, SimpleNamespace(execute=cursor.execute))
    assert totals() == expected


# --------------------------------------------------------------------------- the check command


def test_the_check_command_finds_totals_that_differ_and_the_rebuild_repairs_them(
    two_accounts, make_bill, capsys
):
    make_bill(two_accounts[0], "2026-03", "10.00")
    call_command("arrears_totals")
    assert "agree" in capsys.readouterr().out
    # A queryset update bypasses the write paths that keep the totals.
    Bill.objects.update(amount_paid=D("10.00"))
    with pytest.raises(CommandError, match="2 figure"):
        call_command("arrears_totals")
    out = capsys.readouterr().out
    assert "2026-03 C01 collected: stored 0.00, bills 10.00" in out
    assert "2026-03 C01 outstanding: stored 10.00, bills 0.00" in out
    call_command("arrears_totals", "--rebuild")
    call_command("arrears_totals")
    assert totals() == {("2026-03", "C01"): (1, D("10.00"), D("10.00"), D("0.00"))}


# --------------------------------------------------------------------------- against the rules

bill_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=5),  # account
        st.integers(min_value=1, max_value=12),  # month of 2026
        st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False),
        st.decimals(min_value=0, max_value=1500, places=2, allow_nan=False),
    ),
    max_size=25,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=bill_rows, as_of=st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31)))
def test_recovery_and_ageing_from_the_totals_equal_the_rules_over_the_bills(
    rows, as_of, county_a, county_b, broadband, admin_user
):
    Bill.objects.all().delete()
    Account.objects.all().delete()
    accounts = bulk_accounts(county_a, broadband, "A", 3) + bulk_accounts(
        county_b, broadband, "B", 3
    )
    bulk_bills(
        [
            (accounts[n], f"2026-{month:02d}", str(billed), str(paid))
            for n, month, billed, paid in rows
        ]
    )
    month = Month(2026, rows[0][1] if rows else 3)
    recovery = indicators.recovery(admin_user, month)
    ageing = indicators.ageing(admin_user, as_of)
    for county in (county_a, county_b):
        mine = [r for r in rows if accounts[r[0]].county_id == county.pk]
        billed = sum((r[2] for r in mine if r[1] == month.month), D("0"))
        collected = sum((min(r[2], r[3]) for r in mine if r[1] == month.month), D("0"))
        row = next(c for c in recovery.counties if c.county == county.code)
        assert (row.billed, row.collected) == (billed, collected)
        assert row.recovery_rate == calc.recovery_rate(billed, collected)
        expected = calc.ageing_of(
            [(dt.date(2026, r[1], 1), r[2], r[3]) for r in mine],
            as_of,
            indicators.long_term_days(),
        )
        row = next(c for c in ageing.counties if c.county == county.code)
        assert {**row.buckets, "total": row.total} == {
            key: expected[key] for key in (*calc.BUCKET_KEYS, "total")
        }


def test_the_admin_lists_the_totals_read_only(
    client_for, admin_user, staff_a, two_accounts, make_bill
):
    make_bill(two_accounts[0], "2026-03", "10.00")
    client = client_for(admin_user)
    response = client.get("/admin/arrears/billmonthtotal/")
    assert response.status_code == 200
    assert "10.00" in response.content.decode()
    total = BillMonthTotal.objects.get()
    assert client.get("/admin/arrears/billmonthtotal/add/").status_code == 403
    assert client.post(f"/admin/arrears/billmonthtotal/{total.pk}/delete/").status_code == 403
    assert client_for(staff_a).get("/admin/arrears/billmonthtotal/").status_code == 302


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's advisory lock")
@pytest.mark.django_db(transaction=True)
def test_a_refresh_waits_for_a_bills_write_in_progress(county_a):
    """A one-bill save during a month's import waits, then sums what the import wrote."""
    import threading

    import psycopg2
    from django.db import connections

    from arrears.bulk.partitions import _LOCK_KEY

    settings_dict = connections["default"].settings_dict
    importer = psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"],
        password=settings_dict["PASSWORD"],
    )
    done = threading.Event()

    def refresh_in_another_connection():
        try:
            bill_totals.refresh([MARCH], county_a.pk)
        finally:
            connections.close_all()
            done.set()

    try:
        with importer.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])  # an import runs
        thread = threading.Thread(target=refresh_in_another_connection)
        thread.start()
        assert not done.wait(0.5)  # waiting for the import
        importer.commit()
        assert done.wait(10)
        thread.join()
    finally:
        importer.close()
