"""Bills carry their account's county: moving an account (in the admin or by an accounts
import) moves its bills and their month × county totals in the same transaction, and a bill's
county cannot be edited on its own."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from arrears.models import Bill, BillMonthTotal
from arrears.services import bill_totals
from marketing_ops.models import ImportJob
from tests.arrears.conftest import ACCOUNT_HEADER

pytestmark = pytest.mark.django_db


def totals() -> dict[tuple[str, str], tuple]:
    return {
        (f"{t.billing_month:%Y-%m}", t.county.code): (t.bills, t.billed, t.outstanding)
        for t in BillMonthTotal.objects.select_related("county")
    }


def account_form(account, county) -> dict[str, str]:
    """The admin's change form of ``account`` as it would be posted, with another county."""
    return {
        "account_no": account.account_no,
        "county": str(county.pk),
        "business_line": str(account.business_line_id),
        "customer_name": account.customer_name,
        "opened_on": account.opened_on.isoformat(),
        "status": account.status,
        "status_changed_on": "",
        "contract_end": "",
        "deposit": "",
        "_save": "Save",
    }


def the_totals_command_agrees() -> bool:
    call_command("arrears_totals")  # raises CommandError when a figure differs from the bills
    return bill_totals.differences() == []


@pytest.fixture
def moved_accounts(make_account, make_bill, county_a, county_b):
    """A-1 with two bills and A-2 with one, all in county A; B-1 with one in county B."""
    a1, a2, b1 = (
        make_account("A-1", county_a),
        make_account("A-2", county_a),
        make_account("B-1", county_b),
    )
    make_bill(a1, "2026-03", "10.00")
    make_bill(a1, "2026-04", "20.00", "5.00")
    make_bill(a2, "2026-03", "7.00")
    make_bill(b1, "2026-03", "30.00")
    return a1, a2, b1


def test_moving_an_account_in_the_admin_moves_its_bills_and_their_totals(
    client_for, admin_user, moved_accounts, county_b
):
    a1, _, _ = moved_accounts
    url = reverse("admin:arrears_account_change", args=[a1.pk])
    response = client_for(admin_user).post(url, account_form(a1, county_b))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(Bill.objects.filter(account=a1).values_list("county__code", flat=True)) == {"C02"}
    assert Bill.objects.get(account__account_no="A-2").county.code == "C01"
    assert totals() == {
        ("2026-03", "C01"): (1, D("7.00"), D("7.00")),
        ("2026-03", "C02"): (2, D("40.00"), D("40.00")),
        ("2026-04", "C02"): (1, D("20.00"), D("15.00")),
    }
    assert the_totals_command_agrees()


def test_saving_an_account_in_the_admin_without_moving_it_leaves_its_bills(
    client_for, admin_user, moved_accounts, county_a
):
    a1, _, _ = moved_accounts
    before = totals()
    form = account_form(a1, county_a) | {"customer_name": "Renamed"}
    url = reverse("admin:arrears_account_change", args=[a1.pk])
    assert client_for(admin_user).post(url, form).status_code == 302
    assert set(Bill.objects.filter(account=a1).values_list("county__code", flat=True)) == {"C01"}
    assert totals() == before


def test_an_accounts_import_that_moves_accounts_moves_their_bills_and_totals(
    run_import, admin_user, moved_accounts
):
    moved = ACCOUNT_HEADER + (
        "A-1,C02,BROADBAND,Customer A-1,2020-01-01,active,,,\n"
        "A-2,C02,BROADBAND,Customer A-2,2020-01-01,active,,,\n"
    )
    job = run_import("accounts", moved, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert set(Bill.objects.values_list("county__code", flat=True)) == {"C02"}
    assert totals() == {
        ("2026-03", "C02"): (3, D("47.00"), D("47.00")),
        ("2026-04", "C02"): (1, D("20.00"), D("15.00")),
    }
    assert the_totals_command_agrees()


def test_a_bills_county_is_not_editable_in_the_admin(
    client_for, admin_user, moved_accounts, county_b
):
    a1, _, _ = moved_accounts
    bill = Bill.objects.get(account=a1, billing_month=dt.date(2026, 3, 1))
    url = reverse("admin:arrears_bill_change", args=[bill.pk])
    client = client_for(admin_user)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="county"' not in page.content.decode()
    form = {
        "account": str(a1.pk),
        "county": str(county_b.pk),
        "billing_month": "2026-03-01",
        "amount_billed": "10.00",
        "amount_paid": "10.00",
        "paid_on": "",
        "_save": "Save",
    }
    assert client.post(url, form).status_code == 302
    bill.refresh_from_db()
    assert (bill.county.code, bill.amount_paid) == ("C01", D("10.00"))
    assert the_totals_command_agrees()


def test_a_bill_added_in_the_admin_takes_its_accounts_county(
    client_for, admin_user, moved_accounts
):
    _, _, b1 = moved_accounts
    form = {
        "account": str(b1.pk),
        "billing_month": "2026-05-01",
        "amount_billed": "12.00",
        "amount_paid": "0",
        "paid_on": "",
        "_save": "Save",
    }
    response = client_for(admin_user).post(reverse("admin:arrears_bill_add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Bill.objects.get(billing_month=dt.date(2026, 5, 1)).county.code == "C02"
    assert totals()[("2026-05", "C02")] == (1, D("12.00"), D("12.00"))
    assert the_totals_command_agrees()
