"""Accounts and bills imports: staged, validated whole, upserted on the natural key."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from arrears.imports import BillsDataset, StagedMoney
from arrears.models import Account, ArrearsSnapshot, Bill, Renewal
from marketing_ops import tabular
from marketing_ops.models import County, ImportJob
from tests.arrears.conftest import ACCOUNT_HEADER, BILL_HEADER

pytestmark = pytest.mark.django_db

ACCOUNTS = ACCOUNT_HEADER + (
    "A-001,C01,BROADBAND,Zhang Wei,2020-03-01,active,,,\n"
    'A-002,C01,FIXED_PHONE,"Li, Na",2021-05-10,single_stop,2026-02-01,2027-12-31,200.00\n'
    "B-001,C02,BROADBAND,Wang Fang,2019-07-15,double_stop,2026-01-10,,\n"
)


@pytest.fixture
def accounts(run_import, admin_user, county_a, county_b):
    job = run_import("accounts", ACCOUNTS, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    return job


def bills(*rows: str) -> str:
    return BILL_HEADER + "".join(row + "\n" for row in rows)


def stored_bills() -> dict[tuple[str, str], tuple]:
    return {
        (b.account.account_no, f"{b.billing_month:%Y-%m}"): (
            b.amount_billed,
            b.amount_paid,
            b.paid_on,
            b.county.code,
        )
        for b in Bill.objects.select_related("account", "county")
    }


def test_accounts_import_creates_accounts_with_their_county_line_and_status(accounts):
    assert accounts.applied == 3
    li = Account.objects.get(account_no="A-002")
    assert li.customer_name == "Li, Na"
    assert li.county.code == "C01"
    assert li.business_line.code == "FIXED_PHONE"
    assert li.status == Account.Status.SINGLE_STOP
    assert li.status_changed_on == dt.date(2026, 2, 1)
    assert li.deposit == Decimal("200.00")


def test_accounts_imported_again_with_changes_are_updated_not_doubled(
    accounts, run_import, admin_user
):
    changed = ACCOUNT_HEADER + "A-001,C01,BROADBAND,Zhang Wei,2020-03-01,double_stop,2026-03-05,,\n"
    job = run_import("accounts", changed, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Account.objects.count() == 3
    assert Account.objects.get(account_no="A-001").status == Account.Status.DOUBLE_STOP


def test_bills_import_copies_the_account_county_onto_each_bill(accounts, run_import, admin_user):
    job = run_import(
        "bills",
        bills("A-001,2026-03,100.00,100.00,2026-04-10", "B-001,2026-03,80.50,0,"),
        admin_user,
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.applied == 2
    assert stored_bills() == {
        ("A-001", "2026-03"): (Decimal("100.00"), Decimal("100.00"), dt.date(2026, 4, 10), "C01"),
        ("B-001", "2026-03"): (Decimal("80.50"), Decimal("0.00"), None, "C02"),
    }


def test_the_same_bills_file_twice_is_refused_and_leaves_the_rows_as_they_were(
    accounts, run_import, admin_user
):
    text = bills("A-001,2026-03,100.00,40.00,", "A-002,2026-03,60.00,60.00,2026-04-02")
    first = run_import("bills", text, admin_user)
    again = run_import("bills", text, admin_user)
    assert first.status == ImportJob.Status.DONE
    assert again.status == ImportJob.Status.FAILED
    assert "already imported" in again.errors[0]["message"]
    assert Bill.objects.count() == 2


def test_an_updated_file_for_the_same_month_updates_the_bills_without_duplicates(
    accounts, run_import, admin_user
):
    run_import("bills", bills("A-001,2026-03,100.00,0,", "A-002,2026-03,60.00,0,"), admin_user)
    job = run_import(
        "bills",
        bills(
            "A-001,2026-03,100.00,100.00,2026-04-20",
            "A-002,2026-03,60.00,30.00,2026-04-21",
            "B-001,2026-03,75.00,0,",
        ),
        admin_user,
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Bill.objects.count() == 3
    rows = stored_bills()
    assert rows[("A-001", "2026-03")][:2] == (Decimal("100.00"), Decimal("100.00"))
    assert rows[("A-002", "2026-03")][:2] == (Decimal("60.00"), Decimal("30.00"))


def test_an_error_in_the_last_row_writes_nothing(accounts, run_import, admin_user):
    job = run_import(
        "bills",
        bills("A-001,2026-03,100.00,0,", "A-002,2026-03,60.00,0,", "B-001,2026-13,10.00,0,"),
        admin_user,
    )
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "row": 4,
            "column": "billing_month",
            "message": "expected a month as YYYY-MM, got '2026-13'",
        }
    ]
    assert Bill.objects.count() == 0


def test_a_bad_file_names_every_error_at_once_in_row_order(accounts, run_import, staff_a):
    job = run_import(
        "bills",
        bills(
            "A-001,2026-13,100.00,0,",  # 2: bad month
            "A-001,2026-03,100.00,0,",
            "A-002,2026-03,1.234,0,",  # 4: three decimals
            "A-001,2026-03,5.00,0,",  # 5: the bill of row 3 again
            "Z-999,2026-03,1.00,0,",  # 6: no such account
            "B-001,2026-03,1.00,0,",  # 7: another county's account, said the same way
        ),
        staff_a,
    )
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "billing_month"),
        (4, "amount_billed"),
        (5, "account_no"),
        (6, "account_no"),
        (7, "account_no"),
    ]
    assert (
        job.errors[2]["message"] == "duplicate bill of account A-001 for 2026-03-01: also in row 3"
    )
    assert job.errors[4]["message"] == ("unknown account B-001: import it with the accounts first")
    assert job.error_count == 5
    assert Bill.objects.count() == 0


def test_an_accounts_file_names_its_duplicates_with_its_bad_cells(run_import, admin_user, county_a):
    job = run_import(
        "accounts",
        ACCOUNT_HEADER
        + "A-1,C01,BROADBAND,Ann,2020-01-01,active,,,\n"
        + "A-2,C01,BROADBAND,Bob,2020-13-01,active,,,\n"
        + "A-1,C01,BROADBAND,Ann again,2020-01-01,active,,,\n",
        admin_user,
    )
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "opened_on"), (4, "account_no")]


def test_an_unknown_account_in_the_last_row_rejects_the_file_naming_the_row(
    accounts, run_import, admin_user
):
    job = run_import(
        "bills",
        bills("A-001,2026-03,100.00,0,", "\n".join([""]), "Z-999,2026-03,1.00,0,"),
        admin_user,
    )
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "account_no")]
    assert "unknown account Z-999" in job.errors[0]["message"]
    assert Bill.objects.count() == 0


def test_the_same_bill_twice_in_one_file_is_reported_with_both_rows(
    accounts, run_import, admin_user
):
    job = run_import(
        "bills",
        bills("A-001,2026-03,100.00,0,", "A-002,2026-03,5.00,0,", "A-001,2026-03,90.00,0,"),
        admin_user,
    )
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "row": 4,
            "column": "account_no",
            "message": "duplicate bill of account A-001 for 2026-03-01: also in row 2",
        }
    ]
    assert Bill.objects.count() == 0


def test_a_county_users_bills_for_another_countys_account_are_refused(
    accounts, run_import, staff_a
):
    job = run_import("bills", bills("A-001,2026-03,100.00,0,", "B-001,2026-03,80.00,0,"), staff_a)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "row": 3,
            "column": "account_no",
            "message": "unknown account B-001: import it with the accounts first",
        }
    ]
    assert Bill.objects.count() == 0


@pytest.mark.parametrize("copies_csv", [True, False], ids=["direct CSV load", "row by row"])
def test_a_county_user_cannot_tell_another_countys_account_from_a_missing_one_in_bills(
    copies_csv, accounts, run_import, staff_a, monkeypatch
):
    # Another county's account must be indistinguishable from a nonexistent one
    # (docs/roles-and-scoping.md#county-scoping).
    monkeypatch.setattr(BillsDataset, "copies_csv", copies_csv)
    job = run_import("bills", bills("B-001,2026-03,80.00,0,", "NOPE123,2026-03,1.00,0,"), staff_a)
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "account_no"), (3, "account_no")]
    other_county, missing = (e["message"] for e in job.errors)
    assert other_county.replace("B-001", "NOPE123") == missing
    assert "C02" not in other_county
    assert Bill.objects.count() == 0


def test_a_city_user_imports_bills_of_any_county_and_is_told_only_of_unknown_accounts(
    accounts, run_import, city_user
):
    job = run_import(
        "bills",
        bills("A-001,2026-03,1.00,0,", "B-001,2026-03,2.00,0,", "NOPE123,2026-03,3.00,0,"),
        city_user,
    )
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "row": 4,
            "column": "account_no",
            "message": "unknown account NOPE123: import it with the accounts first",
        }
    ]
    job = run_import(
        "bills", bills("A-001,2026-03,1.00,0,", "B-001,2026-03,2.00,0,"), city_user, name="ok.csv"
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert {county for *_, county in stored_bills().values()} == {"C01", "C02"}


def test_a_county_user_imports_bills_of_their_own_county(accounts, run_import, staff_a):
    job = run_import("bills", bills("A-001,2026-03,100.00,0,", "A-002,2026-03,5.00,5.00,"), staff_a)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.county.code == "C01"
    assert Bill.objects.count() == 2


def test_a_county_users_accounts_file_naming_another_county_is_refused(
    run_import, staff_a, county_b
):
    text = ACCOUNT_HEADER + (
        "A-010,C01,BROADBAND,Own,2020-01-01,active,,,\n"
        "B-010,C02,BROADBAND,Other,2020-01-01,active,,,\n"
    )
    job = run_import("accounts", text, staff_a)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 3
    assert job.errors[0]["column"] == "county_code"
    assert Account.objects.count() == 0


def test_a_county_user_cannot_take_over_another_countys_account_number(
    accounts, run_import, staff_a
):
    text = ACCOUNT_HEADER + "B-001,C01,BROADBAND,Taken over,2020-01-01,active,,,\n"
    job = run_import("accounts", text, staff_a)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "row": 2,
            "column": "account_no",
            "message": "account B-001 cannot be imported by C01: ask the city marketing department",
        }
    ]
    assert Account.objects.get(account_no="B-001").county.code == "C02"


def test_a_county_users_accounts_file_does_not_say_which_county_holds_an_account_number(
    accounts, run_import, staff_a, make_account
):
    county_c = County.objects.create(code="C03", name="Gamma County", kind="county")
    make_account("G-001", county_c)
    text = ACCOUNT_HEADER + (
        "A-001,C01,BROADBAND,Own,2020-03-01,active,,,\n"
        "B-001,C01,BROADBAND,Taken over,2020-01-01,active,,,\n"
        "G-001,C01,BROADBAND,Taken over,2020-01-01,active,,,\n"
        "NEW-001,C01,BROADBAND,New,2020-01-01,active,,,\n"
    )
    job = run_import("accounts", text, staff_a)
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "account_no"), (4, "account_no")]
    in_c02, in_c03 = (e["message"] for e in job.errors)
    # The same words whichever county holds the number, and neither county nor "belongs".
    assert in_c02.replace("B-001", "G-001") == in_c03
    for word in ("C02", "C03", "belongs"):
        assert word not in in_c02
    assert Account.objects.get(account_no="B-001").customer_name == "Wang Fang"
    assert not Account.objects.filter(account_no="NEW-001").exists()


def test_an_account_moved_to_another_county_takes_its_bills_along(accounts, run_import, admin_user):
    run_import("bills", bills("A-001,2026-03,100.00,0,"), admin_user)
    moved = ACCOUNT_HEADER + "A-001,C02,BROADBAND,Zhang Wei,2020-03-01,active,,,\n"
    job = run_import("accounts", moved, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Bill.objects.get().county.code == "C02"


def test_duplicate_account_numbers_in_one_file_are_reported(run_import, admin_user, county_a):
    text = ACCOUNT_HEADER + (
        "A-001,C01,BROADBAND,One,2020-01-01,active,,,\n"
        "A-001,C01,BROADBAND,Two,2020-01-01,active,,,\n"
    )
    job = run_import("accounts", text, admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 3
    assert "also in row 2" in job.errors[0]["message"]
    assert Account.objects.count() == 0


def test_an_existing_account_repeated_exactly_in_one_file_is_reported_too(
    accounts, run_import, admin_user
):
    line = "A-001,C01,BROADBAND,Zhang Wei,2020-03-01,active,,,\n"
    job = run_import("accounts", ACCOUNT_HEADER + line + line, admin_user, name="again.csv")
    assert job.status == ImportJob.Status.FAILED
    assert (job.errors[0]["row"], job.errors[0]["column"]) == (3, "account_no")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row versions (xmin)")
def test_accounts_a_file_repeats_unchanged_are_not_rewritten(accounts, run_import, admin_user):
    def versions() -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT account_no, xmin::text FROM arrears_account")
            return dict(cursor.fetchall())

    before = versions()
    changed = ACCOUNTS.replace("Wang Fang", "Wang Fang-Li")
    job = run_import("accounts", changed, admin_user, name="changed.csv")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.applied == 3  # every row of the file is applied, written or already so
    after = versions()
    assert after["A-001"] == before["A-001"] and after["A-002"] == before["A-002"]
    assert after["B-001"] != before["B-001"]
    assert Account.objects.get(account_no="B-001").customer_name == "Wang Fang-Li"


def test_a_successful_bills_import_takes_the_county_snapshots(accounts, run_import, admin_user):
    run_import("bills", bills("A-001,2026-03,100.00,0,", "B-001,2026-03,50.00,0,"), admin_user)
    snapshots = {s.county.code: s for s in ArrearsSnapshot.objects.select_related("county")}
    assert set(snapshots) == {"C01", "C02"}
    assert snapshots["C01"].outstanding == Decimal("100.00")
    assert snapshots["C02"].outstanding == Decimal("50.00")


def test_a_failed_import_takes_no_snapshot(accounts, run_import, admin_user):
    ArrearsSnapshot.objects.all().delete()
    run_import("bills", bills("Z-404,2026-03,1.00,0,"), admin_user)
    assert not ArrearsSnapshot.objects.exists()


def test_a_county_manager_may_not_import_bills(accounts, head_a):
    from django.core.exceptions import PermissionDenied

    from marketing_ops.services import import_submit
    from tests.arrears.conftest import csv_file

    with pytest.raises(PermissionDenied):
        import_submit(
            dataset="bills",
            fileobj=csv_file(bills("A-001,2026-03,1.00,0,")),
            file_name="b.csv",
            user=head_a,
        )


def test_a_bills_workbook_with_real_dates_and_numbers_is_imported(
    accounts, admin_user, django_capture_on_commit_callbacks
):
    import io

    import openpyxl

    from marketing_ops.services import import_submit

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Account_No", "billing_month", "amount_billed", "amount_paid", "paid_on"])
    sheet.append(["A-001", dt.datetime(2026, 3, 1), 100.5, 100.5, dt.datetime(2026, 4, 3)])
    sheet.append(["A-002", "2026-03", 60, 0, None])
    content = io.BytesIO()
    workbook.save(content)
    content.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_submit(
            dataset="bills",
            fileobj=content,
            file_name="bills.xlsx",
            user=admin_user,
            background=False,
        )
    assert job.status == ImportJob.Status.DONE, job.errors
    rows = stored_bills()
    assert rows[("A-001", "2026-03")][:3] == (
        Decimal("100.50"),
        Decimal("100.50"),
        dt.date(2026, 4, 3),
    )
    assert rows[("A-002", "2026-03")][:2] == (Decimal("60.00"), Decimal("0.00"))


spreadsheet_numbers = st.one_of(
    st.floats(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(min_value=0, max_value=10**12, places=2).map(float),
    st.decimals(min_value=0, max_value=10**6, places=3).map(float),
)


@given(raw=spreadsheet_numbers)
def test_a_spreadsheet_number_stages_as_the_amount_the_money_column_reads(raw):
    """The staged fast path for XLSX numbers (their shortest text) means what Money reads."""

    def read(parse):
        try:
            return Decimal(parse(raw))
        except ValueError:
            return None

    expected = read(tabular.Money("amount").parse)
    if expected is not None and expected >= Decimal("1e12"):
        expected = None  # the bills and accounts columns hold 12 digits before the point
    assert read(StagedMoney("amount").parse) == expected


CONTACT_HEADER = ACCOUNT_HEADER.rstrip("\n") + ",contact_phone,address\n"


def contacts() -> dict[str, tuple[str, str]]:
    return {a.account_no: (a.contact_phone, a.address) for a in Account.objects.all()}


def test_accounts_carry_a_contact_phone_and_address_and_keep_them_when_a_file_has_none(
    run_import, admin_user, county_a, county_b
):
    job = run_import(
        "accounts",
        CONTACT_HEADER
        + 'A-1,C01,BROADBAND,Ann,2020-01-01,active,,,,+86 138-0013-8000,"1 East Road, Alpha"\n'
        + "A-2,C01,BROADBAND,Bob,2020-01-01,active,,,,,\n",
        admin_user,
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert contacts() == {"A-1": ("+86 138-0013-8000", "1 East Road, Alpha"), "A-2": ("", "")}
    # The billing system's file without the columns, or with empty cells, keeps what is known.
    assert (
        run_import(
            "accounts",
            ACCOUNT_HEADER + "A-1,C01,BROADBAND,Ann,2020-01-01,double_stop,,,\n",
            admin_user,
        ).status
        == ImportJob.Status.DONE
    )
    run_import(
        "accounts", CONTACT_HEADER + "A-1,C01,BROADBAND,Ann,2020-01-01,active,,,,,\n", admin_user
    )
    assert contacts()["A-1"] == ("+86 138-0013-8000", "1 East Road, Alpha")
    # A new number replaces the old one.
    run_import(
        "accounts",
        CONTACT_HEADER + "A-1,C01,BROADBAND,Ann,2020-01-01,active,,,,0571 8888,\n",
        admin_user,
    )
    assert contacts()["A-1"] == ("0571 8888", "1 East Road, Alpha")


def test_a_phone_that_is_not_a_number_is_named_by_row_and_column(run_import, admin_user, county_a):
    job = run_import(
        "accounts",
        CONTACT_HEADER
        + "A-1,C01,BROADBAND,Ann,2020-01-01,active,,,,138 0013 8000,\n"
        + "A-2,C01,BROADBAND,Bob,2020-01-01,active,,,,call the shop,\n",
        admin_user,
    )
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "contact_phone")]
    assert not Account.objects.exists()


def test_an_accounts_import_that_moves_a_contract_end_later_records_a_renewal(
    accounts, run_import, admin_user
):
    later = ACCOUNTS.replace("2027-12-31", "2029-12-31").replace(
        "2019-07-15,double_stop,2026-01-10,,", "2019-07-15,double_stop,2026-01-10,2028-01-31,"
    )
    job = run_import("accounts", later, admin_user, name="later.csv")
    assert job.status == ImportJob.Status.DONE, job.errors
    renewals = list(Renewal.objects.select_related("account"))
    # A-002 moved later; B-001 had no end before (a first contract end is not a renewal).
    assert [(r.account.account_no, r.old_contract_end, r.new_contract_end) for r in renewals] == [
        ("A-002", dt.date(2027, 12, 31), dt.date(2029, 12, 31))
    ]
    assert Account.objects.get(account_no="A-002").contract_end == dt.date(2029, 12, 31)


def test_an_earlier_or_unchanged_contract_end_is_not_a_renewal(accounts, run_import, admin_user):
    earlier = ACCOUNTS.replace("2027-12-31", "2027-06-30").replace("Zhang Wei", "Zhang W.")
    job = run_import("accounts", earlier, admin_user, name="earlier.csv")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert not Renewal.objects.exists()
