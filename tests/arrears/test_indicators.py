"""Recovery, ageing, long-term arrears and transfers against hand-computed figures, scoped by
user, in a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from arrears import calculations as calc
from arrears.models import RecoveryTarget
from arrears.selectors import indicators
from arrears.services.snapshots import snapshots_take
from arrears.services.transfers import limit_set, transfer_create
from marketing_ops.models import County
from marketing_ops.periods import Month

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = Month(2026, 3)


@pytest.fixture
def city(make_account, make_bill, county_a, county_b):
    """County A: 100 billed, 100 paid; 200 billed, 50 paid; 50 billed, 80 paid (overpaid);
    a zero bill. County B: 400 billed, 0 paid. Older arrears in A for ageing."""
    a1, a2, a3, a4 = (make_account(f"A-{n}", county_a) for n in range(1, 5))
    b1 = make_account("B-1", county_b)
    make_bill(a1, "2026-03", "100.00", "100.00")
    make_bill(a2, "2026-03", "200.00", "50.00")
    make_bill(a3, "2026-03", "50.00", "80.00")
    make_bill(a4, "2026-03", "0.00", "0.00")
    make_bill(b1, "2026-03", "400.00", "0.00")
    # Older: due 2026-01-31 (Dec 2025), due 2025-06-30 (May 2025), due 2024-12-31 (Nov 2024).
    make_bill(a2, "2025-12", "70.00", "20.00")
    make_bill(a2, "2025-05", "30.00", "0.00")
    make_bill(b1, "2024-11", "10.00", "0.00")
    # A bill of a month after as_of is left out of ageing.
    make_bill(b1, "2026-06", "999.00", "0.00")
    return {"a": county_a, "b": county_b}


def test_recovery_per_county_caps_overpayment_and_skips_zero_bills(city, admin_user):
    result = indicators.recovery(admin_user, MARCH)
    by_county = {row.county: row for row in result.counties}
    # A: billed 350, collected 100 + 50 + min(80, 50) = 200 → 0.5714.
    assert (by_county["C01"].billed, by_county["C01"].collected) == (D("350"), D("200"))
    assert by_county["C01"].recovery_rate == D("0.5714")
    assert by_county["C02"].recovery_rate == D("0.0000")
    assert by_county["C02"].meets_target is False
    assert result.city.billed == D("750.00")
    assert result.city.collected == D("200.00")
    assert result.city.recovery_rate == D("0.2667")
    assert result.target == D("0.9800")
    assert result.month == "2026-03"


def test_a_county_a_few_yuan_short_of_the_target_does_not_meet_it(
    make_account, make_bill, county_a, admin_user
):
    make_bill(make_account("A-1", county_a), "2026-03", "100000.00", "97995.00")
    row = indicators.recovery(admin_user, MARCH).counties[0]
    # 97.995% is shown as 98.00%, but 97,995.00 is 5.00 short of 98% of 100,000.00.
    assert (row.recovery_rate, row.meets_target) == (D("0.9800"), False)


def test_a_county_user_sees_recovery_of_their_county_only(city, staff_a):
    result = indicators.recovery(staff_a, MARCH)
    assert [row.county for row in result.counties] == ["C01"]
    assert result.city.billed == D("350.00")


def test_the_recovery_target_of_a_year_can_be_changed(city, admin_user):
    RecoveryTarget.objects.create(year=2026, target=D("0.5"))
    result = indicators.recovery(admin_user, MARCH)
    assert result.target == D("0.5000")
    assert result.counties[0].meets_target is True
    assert indicators.recovery_target(2025) == D("0.9800")


def test_ageing_as_of_a_date_buckets_by_days_past_due(city, admin_user):
    as_of = dt.date(2026, 5, 15)
    result = indicators.ageing(admin_user, as_of)
    a, b = result.counties
    # A: March outstanding 150 (due 04-30, 15 days) → 1_30; Dec 50 (due 01-31, 104 days) →
    # 91_180; May 2025 30 (due 2025-06-30, 319 days) → 181_365.
    assert a.buckets["1_30"] == D("150.00")
    assert a.buckets["91_180"] == D("50.00")
    assert a.buckets["181_365"] == D("30.00")
    assert a.total == D("230.00")
    assert a.long_term == D("80.00")
    # B: March 400 → 1_30; Nov 2024 10 (due 2024-12-31, 500 days) → over_365; June ignored.
    assert (b.buckets["1_30"], b.buckets["over_365"], b.total) == (
        D("400.00"),
        D("10.00"),
        D("410.00"),
    )
    city_row = result.city
    assert city_row.total == D("640.00")
    assert sum(city_row.buckets[key] for key in calc.BUCKET_KEYS) == city_row.total


def test_bills_of_the_current_and_last_month_are_not_yet_due(city, admin_user):
    result = indicators.ageing(admin_user, dt.date(2026, 4, 30))
    assert result.counties[1].buckets["not_due"] == D("400.00")


def test_new_long_term_arrears_this_year_only_counts_bills_that_crossed_in_the_year(
    city, admin_user
):
    result = indicators.new_long_term_this_year(admin_user, dt.date(2026, 5, 15))
    a, b = result.counties
    # Dec 2025 bill crossed on 2026-05-02 → new; May 2025 and Nov 2024 crossed in 2025.
    assert (a.new_long_term, a.long_term) == (D("50.00"), D("80.00"))
    assert (b.new_long_term, b.long_term) == (D("0.00"), D("10.00"))
    assert result.city.new_long_term == D("50.00")


def test_transfers_over_the_provincial_limit_are_flagged(city, city_user):
    limit_set(month=MARCH, amount=D("1000"), set_by=city_user)
    limit_set(month=MARCH, county=city["a"], amount=D("300"), set_by=city_user)
    for county, amount in ((city["a"], "400"), (city["b"], "700")):
        transfer_create(
            county=county,
            month=MARCH,
            amount=D(amount),
            accounts=3,
            approver=city_user,
            created_by=city_user,
            confirm_over_limit=True,
        )
    summary = {row.month: row for row in indicators.transfers_summary(city_user, 2026)}
    assert len(summary) == 12
    assert summary["2026-03"].amount == D("1100.00")
    assert summary["2026-03"].limit == D("1000.00")
    assert summary["2026-03"].over_limit is True
    assert summary["2026-02"].over_limit is False
    by_county = {row.county: row for row in indicators.transfers_by_county(city_user, 2026)}
    assert by_county["C01"].over_limit_months == ["2026-03"]
    assert by_county["C02"].over_limit_months == []  # no sub-limit set for B


def test_a_county_user_compares_their_transfers_with_their_sub_limit(city, city_user, staff_a):
    limit_set(month=MARCH, amount=D("10"), set_by=city_user)
    limit_set(month=MARCH, county=city["a"], amount=D("500"), set_by=city_user)
    transfer_create(
        county=city["b"],
        month=MARCH,
        amount=D("50"),
        accounts=1,
        approver=city_user,
        created_by=city_user,
        confirm_over_limit=True,
    )
    transfer_create(
        county=city["a"],
        month=MARCH,
        amount=D("100"),
        accounts=1,
        approver=city_user,
        created_by=city_user,
        confirm_over_limit=True,
    )
    march = indicators.transfers_summary(staff_a, 2026)[2]
    assert (march.amount, march.limit, march.over_limit) == (
        D("100.00"),
        D("500.00"),
        False,
    )


def test_setting_a_limit_again_replaces_it(city_user, county_a):
    limit_set(month=MARCH, amount=D("10"), set_by=city_user)
    limit = limit_set(month=MARCH, amount=D("20"), set_by=city_user)
    assert limit.amount == D("20.00")
    assert limit.county is None


def test_a_transfer_needs_a_positive_amount_and_accounts(city_user, county_a):
    with pytest.raises(ValidationError) as caught:
        transfer_create(
            county=county_a,
            month=MARCH,
            amount=D("-1"),
            accounts=0,
            approver=city_user,
            created_by=city_user,
        )
    assert set(caught.value.message_dict) == {"amount", "accounts"}


def test_county_staff_may_not_record_transfers(staff_a, county_a):
    with pytest.raises(PermissionDenied):
        transfer_create(
            county=county_a,
            month=MARCH,
            amount=D("1"),
            accounts=1,
            approver=staff_a,
            created_by=staff_a,
        )


def test_snapshots_give_the_change_in_recovery_since_last_week(
    city, admin_user, make_bill, make_account
):
    snapshots_take(as_of=dt.date(2026, 4, 10))
    # A week later the March bill of B is paid in part: B's rate goes from 0 to 0.5.
    from arrears.models import Bill

    bill = Bill.objects.get(account__account_no="B-1", billing_month=dt.date(2026, 3, 1))
    bill.amount_paid = D("200.00")
    bill.save()
    snapshots_take(as_of=dt.date(2026, 4, 17))
    snapshots_take(as_of=dt.date(2026, 4, 17))  # taken twice the same day: still one row
    change = indicators.recovery_change_since_last_week(admin_user, dt.date(2026, 4, 18))
    assert (change.as_of, change.previous_as_of) == ("2026-04-17", "2026-04-10")
    b = change.counties[1]
    assert (b.county, b.recovery_rate, b.previous_rate) == ("C02", D("0.5000"), D("0"))
    assert b.change_pp == D("50.00")
    assert change.city.change_pp == D("26.66")
    trend = indicators.snapshot_trend(admin_user, weeks=4)
    assert [point.as_of for point in trend] == ["2026-04-10", "2026-04-17"]
    assert trend[1].counties[0].recovery_month == "2026-03"
    assert [point.recovery_month for point in trend] == ["2026-03", "2026-03"]


def test_snapshots_of_past_days_hold_the_figures_of_that_day_not_todays(city, admin_user):
    # B paid 200 of its March bill on 14 April; both weekly snapshots are taken afterwards (as
    # the demo and a rerun of a missed day do): the one of 10 April must not copy the payment.
    from arrears.models import ArrearsSnapshot, Bill

    Bill.objects.filter(account__account_no="B-1", billing_month=dt.date(2026, 3, 1)).update(
        amount_paid=D("200.00"), paid_on=dt.date(2026, 4, 14)
    )
    snapshots_take(as_of=dt.date(2026, 4, 10))
    snapshots_take(as_of=dt.date(2026, 4, 17))
    b = {s.as_of: s for s in ArrearsSnapshot.objects.filter(county=city["b"]).order_by("as_of")}
    before, after = b[dt.date(2026, 4, 10)], b[dt.date(2026, 4, 17)]
    assert (before.collected, before.recovery_rate) == (D("0.00"), D("0.0000"))
    assert (after.collected, after.recovery_rate) == (D("200.00"), D("0.5000"))
    # Outstanding up to April's bills: 400 + 10 then, 200 + 10 a week later.
    assert (before.outstanding, after.outstanding) == (D("410.00"), D("210.00"))
    change = indicators.recovery_change_since_last_week(admin_user, dt.date(2026, 4, 18))
    assert change.counties[1].change_pp == D("50.00")


def test_a_county_user_sees_only_their_countys_snapshots(city, staff_b):
    snapshots_take(as_of=dt.date(2026, 4, 10))
    trend = indicators.snapshot_trend(staff_b)
    assert [c.county for c in trend[0].counties] == ["C02"]


def _grow(make_account, make_bill, counties, accounts_per_county):
    for county in counties:
        for n in range(accounts_per_county):
            account = make_account(f"{county.code}-{n}", county)
            for month in ("2025-11", "2025-12", "2026-01", "2026-02", "2026-03"):
                make_bill(account, month, "10.00", "3.00")


@pytest.mark.parametrize("size", [1, 4])
def test_recovery_and_ageing_queries_do_not_grow_with_accounts_and_counties(
    size, make_account, make_bill, admin_user, django_assert_max_num_queries
):
    counties = [
        County.objects.create(code=f"Q{n:02d}", name=f"County {n}", sort_order=n)
        for n in range(size * 2)
    ]
    _grow(make_account, make_bill, counties, size * 3)
    limit_set(month=MARCH, amount=D("1"), set_by=admin_user)
    snapshots_take(as_of=dt.date(2026, 4, 10))
    admin_user._marketing_ops_roles = None  # fresh role cache: count the role query too
    with django_assert_max_num_queries(4):
        indicators.recovery(admin_user, MARCH)
    with django_assert_max_num_queries(3):
        indicators.ageing(admin_user, dt.date(2026, 5, 1))
    with django_assert_max_num_queries(3):
        indicators.new_long_term_this_year(admin_user, dt.date(2026, 5, 1))
    with django_assert_max_num_queries(3):
        indicators.transfers_summary(admin_user, 2026)
    with django_assert_max_num_queries(4):
        indicators.transfers_by_county(admin_user, 2026)
    with django_assert_max_num_queries(3):
        indicators.snapshot_trend(admin_user)
    with django_assert_max_num_queries(4):
        indicators.recovery_change_since_last_week(admin_user, dt.date(2026, 4, 20))
    # Savepoint, 5 aggregates and reads, one bulk upsert, release: whatever the size.
    with django_assert_max_num_queries(8):
        snapshots_take(as_of=dt.date(2026, 4, 11))


def test_the_month_in_collection_on_a_past_day_counts_only_what_was_paid_by_then(city, admin_user):
    # A briefing archived late reads the month in collection as it stood on its day.
    from arrears.models import Bill

    Bill.objects.filter(account__account_no="B-1", billing_month=dt.date(2026, 3, 1)).update(
        amount_paid=D("200.00"), paid_on=dt.date(2026, 4, 14)
    )
    before = indicators.in_progress(admin_user, dt.date(2026, 4, 10))
    after = indicators.in_progress(admin_user, dt.date(2026, 4, 14))
    assert before.month == after.month == "2026-03"
    b_before = {row.county: row for row in before.counties}["C02"]
    b_after = {row.county: row for row in after.counties}["C02"]
    assert (b_before.collected, b_after.collected) == (D("0.00"), D("200.00"))
