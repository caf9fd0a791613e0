"""The verification rules R1–R6 run after every refunds and dismantles import, with the
boundaries of docs/rules.md#verification-items; one item per rule × record, ever."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from arrears.models import Account, Bill
from audits.models import DismantleRecord, RefundRecord, VerificationItem
from marketing_ops.models import BusinessLine
from marketing_ops.services import import_submit

REFUND_HEAD = "business_date,county_code,account_no,order_no,refund_type,amount,operator\n"
DISMANTLE_HEAD = (
    "business_date,county_code,account_no,order_no,business_line,terminal_serial,"
    "terminal_returned,reason\n"
)


@pytest.fixture
def run_import(db, today, django_capture_on_commit_callbacks):
    def run(dataset: str, text: str, user):
        head = REFUND_HEAD if dataset == "refunds" else DISMANTLE_HEAD
        with django_capture_on_commit_callbacks(execute=True):
            return import_submit(
                dataset=dataset,
                fileobj=io.BytesIO((head + text).encode()),
                file_name="day.csv",
                user=user,
                background=False,
            )

    return run


@pytest.fixture
def lines(db):
    fibre, _ = BusinessLine.objects.update_or_create(
        code="BROADBAND", defaults={"name": "Broadband", "uses_terminal": True}
    )
    voice, _ = BusinessLine.objects.update_or_create(
        code="VOICE", defaults={"name": "Voice", "uses_terminal": False}
    )
    return fibre, voice


def items(rule: str) -> dict[str, VerificationItem]:
    return {i.order_no: i for i in VerificationItem.objects.filter(rule=rule)}


def test_a_refund_repeated_within_30_days_is_flagged_and_31_days_is_not(
    run_import, county_a, staff_a
):
    job = run_import(
        "refunds",
        "2026-10-01,C01,A-1,R-1,prepaid,120.00,\n"
        "2026-10-31,C01,A-1,R-2,prepaid,120.00,\n"  # 30 days after R-1: flagged
        "2026-10-01,C01,A-2,R-3,prepaid,80.00,\n"
        "2026-11-01,C01,A-2,R-4,prepaid,80.00,\n"  # 31 days after R-3: not
        "2026-10-05,C01,A-1,R-5,overcharge,120.00,\n",  # another type: not
        staff_a,
    )
    assert job.status == "done", job.errors
    found = items("R1")
    assert set(found) == {"R-2"}
    assert "repeats order R-1 of 2026-10-01" in found["R-2"].explanation
    assert "120.00" in found["R-2"].explanation


def test_r2_wants_a_dismantle_within_7_days_either_side(run_import, county_a, staff_a, lines):
    run_import(
        "dismantles",
        "2026-11-01,C01,A-1,D-1,VOICE,,N,\n2026-11-01,C01,A-2,D-2,VOICE,,N,\n",
        staff_a,
    )
    run_import(
        "refunds",
        "2026-11-08,C01,A-1,R-1,deposit,50.00,\n"  # 7 days after D-1: explained already
        "2026-11-09,C01,A-2,R-2,deposit,50.00,\n"  # 8 days after D-2: flagged
        "2026-10-25,C01,A-1,R-3,deposit,50.00,\n",  # 7 days before D-1: fine
        staff_a,
    )
    assert set(items("R2")) == {"R-2"}


def test_an_open_r2_item_closes_when_a_later_dismantle_explains_it(
    run_import, county_a, staff_a, lines
):
    run_import("refunds", "2026-11-10,C01,A-9,R-1,deposit,50.00,\n", staff_a)
    assert items("R2")["R-1"].status == "open"
    run_import("dismantles", "2026-11-16,C01,A-9,D-7,VOICE,,N,\n", staff_a)
    item = items("R2")["R-1"]
    assert (item.status, item.explained_by) == ("explained", "D-7")


def test_r3_flags_a_deposit_refund_above_the_deposit_not_equal_to_it(
    run_import, county_a, staff_a, lines
):
    for no in ("A-1", "A-2"):
        Account.objects.create(
            account_no=no,
            county=county_a,
            business_line=lines[0],
            customer_name="x",
            opened_on=dt.date(2025, 1, 1),
            deposit=Decimal("200.00"),
        )
    run_import(
        "refunds",
        "2026-11-10,C01,A-1,R-1,deposit,200.00,\n2026-11-10,C01,A-2,R-2,deposit,200.01,\n",
        staff_a,
    )
    found = items("R3")
    assert set(found) == {"R-2"}
    assert "deposit 200.00" in found["R-2"].explanation


def test_r4_flags_an_unreturned_terminal_only_on_a_line_that_uses_one(
    run_import, county_a, staff_a, lines
):
    run_import(
        "dismantles",
        "2026-11-10,C01,A-1,D-1,BROADBAND,SN-1,N,moved\n"
        "2026-11-10,C01,A-2,D-2,BROADBAND,SN-2,Y,\n"
        "2026-11-10,C01,A-3,D-3,VOICE,,N,\n"
        "2026-11-10,C01,A-4,D-4,BROADBAND,,N,\n",
        staff_a,
    )
    found = items("R4")
    assert set(found) == {"D-1", "D-4"}
    # The sentence names the line as users know it, and the serial only when there is one.
    line = BusinessLine.objects.get(code="BROADBAND").name
    assert found["D-1"].explanation == (
        f"Dismantle D-1 of account A-1 on {line}: the terminal SN-1 was not returned."
    )
    assert found["D-4"].explanation.endswith(f"on {line}: the terminal was not returned.")


def test_r5_flags_a_dismantle_with_a_bill_past_due_and_unpaid(run_import, county_a, staff_a, lines):
    accounts = {}
    for no in ("A-1", "A-2", "A-3"):
        accounts[no] = Account.objects.create(
            account_no=no,
            county=county_a,
            business_line=lines[0],
            customer_name="x",
            opened_on=dt.date(2025, 1, 1),
        )
    # September bills are due at the end of October: past due on 2026-11-10.
    Bill.objects.create(
        account=accounts["A-1"],
        county=county_a,
        billing_month=dt.date(2026, 9, 1),
        amount_billed=Decimal("100.00"),
        amount_paid=Decimal("99.99"),
    )
    Bill.objects.create(
        account=accounts["A-2"],
        county=county_a,
        billing_month=dt.date(2026, 9, 1),
        amount_billed=Decimal("100.00"),
        amount_paid=Decimal("100.00"),
        paid_on=dt.date(2026, 10, 20),
    )
    # October bills fall due at the end of November: not yet past due.
    Bill.objects.create(
        account=accounts["A-3"],
        county=county_a,
        billing_month=dt.date(2026, 10, 1),
        amount_billed=Decimal("100.00"),
    )
    run_import(
        "dismantles",
        "2026-11-10,C01,A-1,D-1,VOICE,,Y,\n"
        "2026-11-10,C01,A-2,D-2,VOICE,,Y,\n"
        "2026-11-10,C01,A-3,D-3,VOICE,,Y,\n",
        staff_a,
    )
    found = items("R5")
    assert set(found) == {"D-1"}
    assert "2026-09" in found["D-1"].explanation


def test_r6_flags_a_refund_above_the_threshold_not_at_it(run_import, county_a, staff_a, settings):
    settings.REFUND_REVIEW_THRESHOLD = Decimal("1000.00")
    run_import(
        "refunds",
        "2026-11-10,C01,A-1,R-1,other,1000.00,\n2026-11-10,C01,A-2,R-2,other,1000.01,\n",
        staff_a,
    )
    assert set(items("R6")) == {"R-2"}


def test_importing_the_same_day_again_updates_orders_and_creates_no_new_items(
    run_import, county_a, staff_a
):
    text = "2026-11-01,C01,A-1,R-1,deposit,1500.00,\n2026-11-05,C01,A-1,R-2,deposit,1500.00,\n"
    run_import("refunds", text, staff_a)
    before = sorted(VerificationItem.objects.values_list("rule", "order_no"))
    assert before == [("R1", "R-2"), ("R2", "R-1"), ("R2", "R-2"), ("R6", "R-1"), ("R6", "R-2")]
    run_import("refunds", text.replace("A-1,R-1,deposit", "A-1,R-1,other"), staff_a)
    assert RefundRecord.objects.count() == 2
    assert RefundRecord.objects.get(order_no="R-1").refund_type == "other"
    assert sorted(VerificationItem.objects.values_list("rule", "order_no")) == before


def test_the_write_keeps_every_field_as_the_file_has_it_and_updates_it_again(
    run_import, county_a, staff_a, lines
):
    run_import(
        "dismantles",
        '2026-11-10,C01,A-1,D-1,BROADBAND,T-1,Y,"moved, ""far"" away"\n'
        "2026-11-10,C01,A-2,D-2,VOICE,,N,\n",
        staff_a,
    )
    first = DismantleRecord.objects.get(order_no="D-1")
    assert (first.reason, first.terminal_serial, first.terminal_returned) == (
        'moved, "far" away',
        "T-1",
        True,
    )
    blank = DismantleRecord.objects.get(order_no="D-2")
    assert (blank.reason, blank.terminal_serial, blank.terminal_returned) == ("", "", False)
    run_import("dismantles", "2026-11-11,C01,A-1,D-1,VOICE,,N,gone\n", staff_a)
    again = DismantleRecord.objects.get(order_no="D-1")
    assert (again.business_date, again.business_line.code, again.reason) == (
        dt.date(2026, 11, 11),
        "VOICE",
        "gone",
    )
    assert again.pk == first.pk and again.imported_at >= first.imported_at
    run_import("refunds", "2026-11-10,C01,A-1,R-1,other,12.30,clerk 7\n", staff_a)
    refund = RefundRecord.objects.get(order_no="R-1")
    assert (refund.amount, refund.operator) == (Decimal("12.30"), "clerk 7")


def test_a_county_user_may_not_rewrite_another_countys_order(
    run_import, county_a, county_b, staff_a, staff_b, lines
):
    run_import("dismantles", "2026-11-10,C02,B-1,D-1,VOICE,,Y,\n", staff_b)
    job = run_import("dismantles", "2026-11-10,C01,A-1,D-1,VOICE,,Y,\n", staff_a)
    assert job.status == "failed"
    assert "another county" in str(job.errors)
    assert DismantleRecord.objects.get(order_no="D-1").county == county_b


def test_a_county_user_may_not_import_another_countys_rows(run_import, county_a, county_b, staff_a):
    job = run_import("refunds", "2026-11-10,C02,B-1,R-1,other,10.00,\n", staff_a)
    assert job.status == "failed"
    assert not RefundRecord.objects.exists()


def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(run_import, county_a, staff_a):
    job = run_import(
        "refunds",
        "2026-11-10,C01,A-1,R-1,other,10.00,\n2026-11-10,C01,A-1,R-2,gift,10.00,\n",
        staff_a,
    )
    assert job.status == "failed"
    assert any(e["column"] == "refund_type" and e["row"] == 3 for e in job.errors)
    assert not RefundRecord.objects.exists()


def test_the_rules_run_in_a_fixed_number_of_queries(
    run_import, county_a, staff_a, lines, django_assert_max_num_queries
):
    rows = "".join(f"2026-11-10,C01,A-{i},R-{i},deposit,{1000 + i}.00,\n" for i in range(60))
    with django_assert_max_num_queries(40):
        run_import("refunds", rows, staff_a)
    assert VerificationItem.objects.filter(rule="R6").count() == 59
