"""Pure arrears rules: due dates, ageing buckets that partition the outstanding, recovery."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from arrears import calculations as calc

amounts = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)
months = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2027, 12, 1)).map(
    lambda d: d.replace(day=1)
)
bills = st.lists(st.tuples(months, amounts, amounts), max_size=40)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2028, 12, 31))


def test_a_bill_is_due_at_the_end_of_the_following_month():
    assert calc.due_date(dt.date(2026, 1, 1)) == dt.date(2026, 2, 28)
    assert calc.due_date(dt.date(2026, 12, 1)) == dt.date(2027, 1, 31)
    assert calc.due_date(dt.date(2024, 1, 1)) == dt.date(2024, 2, 29)


def test_bucket_edges_fall_where_the_spec_puts_them():
    edges = {0: "not_due", 1: "1_30", 30: "1_30", 31: "31_90", 90: "31_90", 91: "91_180"}
    edges |= {180: "91_180", 181: "181_365", 365: "181_365", 366: "over_365", -40: "not_due"}
    assert {d: calc.bucket_for(d) for d in edges} == edges


@given(bills, days)
def test_ageing_buckets_partition_the_outstanding_exactly(bill_list, as_of):
    ageing = calc.ageing_of(bill_list, as_of)
    owed = sum(
        (calc.outstanding(b, p) for m, b, p in bill_list if m <= as_of.replace(day=1)),
        Decimal("0"),
    )
    assert sum(ageing[key] for key in calc.BUCKET_KEYS) == ageing["total"] == owed
    assert all(ageing[key] >= 0 for key in calc.BUCKET_KEYS)
    assert ageing["new_long_term"] <= ageing["long_term"] <= ageing["total"]


@given(bills, days)
def test_long_term_is_exactly_the_buckets_past_ninety_days(bill_list, as_of):
    ageing = calc.ageing_of(bill_list, as_of, long_term_days=90)
    assert ageing["long_term"] == ageing["91_180"] + ageing["181_365"] + ageing["over_365"]


@given(st.lists(st.tuples(amounts, amounts), max_size=40))
def test_recovery_rate_never_exceeds_one_even_with_overpayment(pairs):
    billed, collected, rate = calc.recovery_of(pairs)
    assert collected <= billed
    if rate is None:
        assert billed == 0
    else:
        assert Decimal("0") <= rate <= Decimal("1")


def test_overpayment_counts_only_up_to_the_bill():
    billed, collected, rate = calc.recovery_of(
        [(Decimal("100"), Decimal("150")), (Decimal("100"), Decimal("50"))]
    )
    assert (billed, collected, rate) == (Decimal("200"), Decimal("150"), Decimal("0.7500"))


def test_zero_bills_are_left_out_and_nothing_billed_has_no_rate():
    assert calc.recovery_of([(Decimal("0"), Decimal("30"))]) == (calc.ZERO, calc.ZERO, None)
    assert calc.recovery_of([])[2] is None
    assert calc.meets_target(calc.ZERO, calc.ZERO, Decimal("0.98")) is None


def test_a_rate_that_rounds_up_to_the_target_does_not_meet_it():
    billed, collected, rate = calc.recovery_of([(Decimal("100000.00"), Decimal("97995.00"))])
    assert rate == Decimal("0.9800")  # shown as 98.00%
    assert calc.meets_target(billed, collected, Decimal("0.98")) is False
    assert calc.meets_target(billed, Decimal("98000.00"), Decimal("0.98")) is True


def test_a_bill_crosses_into_long_term_ninety_one_days_after_its_due_date():
    march = dt.date(2026, 3, 1)  # due 2026-04-30
    assert not calc.is_long_term(march, dt.date(2026, 7, 29), 90)
    assert calc.is_long_term(march, dt.date(2026, 7, 30), 90)
    assert calc.became_long_term_in_year(march, dt.date(2026, 7, 30), 90)
    # Crossed in 2025, so not new in 2026.
    assert not calc.became_long_term_in_year(dt.date(2025, 6, 1), dt.date(2026, 2, 1), 90)


def test_a_month_over_its_limit_is_flagged_only_when_a_limit_is_set():
    assert calc.over_limit(Decimal("10.01"), Decimal("10.00"))
    assert not calc.over_limit(Decimal("10.00"), Decimal("10.00"))
    assert not calc.over_limit(Decimal("99"), None)
