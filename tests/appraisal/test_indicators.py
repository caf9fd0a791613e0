"""Each built-in indicator on hand-made accounts, bills, audits and reports of county A for
October 2026, with known numerators and denominators, the "no value" of a zero denominator and
the in-service rule at the month's boundaries (docs/rules.md#appraisal-indicators)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal.selectors import indicators
from arrears.models import Renewal
from audits.models import Audit
from marketing_ops.models import BusinessLine, County
from materials.models import DailyOperation, Item, LoopExplanation, StockMove, Warehouse
from revenue.models import CountyTarget, MonthlyReport, Plan, ReportVolume
from tests.appraisal.conftest import M

D = Decimal
pytestmark = pytest.mark.django_db


def test_churn_counts_dismantles_of_the_month_against_accounts_in_service_at_its_start(
    account, county_a, county_b
):
    account("A1", county_a)
    # Dismantled on the first day: dismantled during M, but not in service at its start.
    account("A2", county_a, status="dismantled", changed="2026-10-01")
    account("A3", county_a, status="dismantled", changed="2026-10-31")
    account("A4", county_a, status="dismantled", changed="2026-09-30")
    account("A5", county_a, opened="2026-10-01")  # opened on the first day: in service
    account("A6", county_a, opened="2026-10-02")
    values = indicators.churn_rate(M)
    churn = values[county_a.pk]
    assert (churn.numerator, churn.denominator, churn.value) == (D(2), D(3), D("0.6667"))
    assert churn.inputs == {"dismantled": 2, "in_service_at_start": 3}
    assert county_b.pk not in values  # no accounts: no value


def test_stop_share_counts_stops_changed_by_the_end_among_accounts_in_service_at_the_end(
    account, county_a
):
    account("A1", county_a)
    account("A2", county_a, opened="2026-10-31")  # opened on the last day: in service
    account("A3", county_a, status="dismantled", changed="2026-10-31")  # not in service
    account("S1", county_a, status="single_stop", changed="2026-10-31")
    account("S2", county_a, status="double_stop", changed="2026-11-01")  # after the end
    account("S3", county_a, status="double_stop", changed="2026-03-01")
    account("N1", county_a, opened="2026-11-01")
    stops = indicators.stop_share(M)[county_a.pk]
    assert (stops.numerator, stops.denominator, stops.value) == (D(2), D(5), D("0.4000"))


def test_a_county_whose_accounts_were_all_dismantled_has_no_stop_share(account, county_a):
    account("A1", county_a, status="dismantled", changed="2026-05-01")
    stops = indicators.stop_share(M)
    assert county_a.pk not in stops or stops[county_a.pk].value is None


def test_renewal_rate_counts_contracts_that_ended_in_the_month_even_once_renewed(account, county_a):
    account("R1", county_a, contract_end="2026-10-15")  # ended, not renewed
    r2 = account("R2", county_a, contract_end="2027-10-20")  # renewed from 2026-10-20
    account("R3", county_a, contract_end="2026-11-01")  # ends next month
    r4 = account("R4", county_a, contract_end="2026-10-31")  # renewed within the month
    r5 = account("R5", county_a, contract_end="2028-01-01")  # renewed from September
    now = timezone.now()
    Renewal.objects.create(
        account=r2,
        old_contract_end=dt.date(2026, 10, 20),
        new_contract_end=dt.date(2027, 10, 20),
        recorded_at=now,
    )
    Renewal.objects.create(
        account=r4,
        old_contract_end=dt.date(2026, 10, 5),
        new_contract_end=dt.date(2026, 10, 31),
        recorded_at=now,
    )
    Renewal.objects.create(
        account=r5,
        old_contract_end=dt.date(2026, 9, 30),
        new_contract_end=dt.date(2028, 1, 1),
        recorded_at=now,
    )
    renewal = indicators.renewal_rate(M)[county_a.pk]
    assert (renewal.numerator, renewal.denominator, renewal.value) == (D(2), D(3), D("0.6667"))


def test_zero_cost_share_needs_three_bills_all_billed_zero(account, bill, county_a):
    z1 = account("Z1", county_a)
    for month in ("2026-08", "2026-09", "2026-10"):
        bill(z1, month, "0")
    z2 = account("Z2", county_a)  # October's bill missing
    bill(z2, "2026-08", "0")
    bill(z2, "2026-09", "0")
    z3 = account("Z3", county_a)  # billed in October
    for month, amount in (("2026-08", "0"), ("2026-09", "0"), ("2026-10", "5")):
        bill(z3, month, amount)
    z4 = account("Z4", county_a, status="dismantled", changed="2026-10-20")  # not in service
    for month in ("2026-08", "2026-09", "2026-10"):
        bill(z4, month, "0")
    zero = indicators.zero_cost_share(M)[county_a.pk]
    assert (zero.numerator, zero.denominator, zero.value) == (D(1), D(3), D("0.3333"))


def test_zero_cost_activation_is_the_share_of_three_zero_months_billed_in_the_month(
    account, bill, county_a, county_b
):
    for number, october in (("Y1", "10"), ("Y2", "0"), ("Y3", None)):
        acc = account(number, county_a)
        for month in ("2026-07", "2026-08", "2026-09"):
            bill(acc, month, "0")
        if october is not None:
            bill(acc, "2026-10", october)
    y4 = account("Y4", county_a)  # billed in August: never zero-cost
    for month, amount in (("2026-07", "0"), ("2026-08", "5"), ("2026-09", "0"), ("2026-10", "9")):
        bill(y4, month, amount)
    b1 = account("B1", county_b)
    bill(b1, "2026-10", "30")
    values = indicators.zero_cost_activation(M)
    activation = values[county_a.pk]
    assert (activation.numerator, activation.denominator, activation.value) == (
        D(1),
        D(3),
        D("0.3333"),
    )
    assert county_b.pk not in values  # no zero-cost accounts: no value


def test_arrears_recovery_is_last_months_bills_collected_by_the_end_of_the_month(
    account, bill, county_a, county_b
):
    a1, a2, a3 = (account(n, county_a) for n in ("A1", "A2", "A3"))
    bill(a1, "2026-09", "100", "100", "2026-10-31")
    bill(a2, "2026-09", "100", "80", "2026-11-01")  # paid after the end: not yet collected
    bill(a3, "2026-09", "50", "70")  # overpaid, no date: counts up to what was billed
    bill(a3, "2026-10", "999", "0")  # October's bill is due at the end of November
    b1 = account("B1", county_b)
    bill(b1, "2026-09", "0")  # nothing billed: no value
    values = indicators.arrears_recovery(M)
    recovery = values[county_a.pk]
    assert (recovery.numerator, recovery.denominator, recovery.value) == (
        D(150),
        D(250),
        D("0.6000"),
    )
    assert recovery.inputs["billing_month"] == "2026-09"
    assert county_b.pk not in values


def test_audit_pass_rate_counts_audits_of_periods_within_the_month_due_by_its_end(county_a):
    def audit(cadence, period, start, end, due, status):
        Audit.objects.create(
            county=county_a,
            cadence=cadence,
            period=period,
            period_start=dt.date.fromisoformat(start),
            period_end=dt.date.fromisoformat(end),
            due_on=dt.date.fromisoformat(due),
            status=status,
        )

    audit("daily", "2026-10-05", "2026-10-05", "2026-10-05", "2026-10-06", "passed")
    audit("daily", "2026-10-06", "2026-10-06", "2026-10-06", "2026-10-07", "failed")
    audit("daily", "2026-10-07", "2026-10-07", "2026-10-07", "2026-10-08", "pending")
    audit("daily", "2026-10-31", "2026-10-31", "2026-10-31", "2026-11-01", "passed")  # due later
    audit("weekly", "2026-W40", "2026-09-28", "2026-10-04", "2026-10-06", "passed")  # starts in Sep
    audit("monthly", "2026-10", "2026-10-01", "2026-10-31", "2026-11-05", "passed")  # due later
    passes = indicators.audit_pass_rate(M)[county_a.pk]
    assert (passes.numerator, passes.denominator, passes.value) == (D(1), D(3), D("0.3333"))


def test_revenue_and_volume_completion_are_measured_against_time_progress(county_a, county_b, line):
    plan = Plan.objects.create(year=2026, revenue_target=D("2000000"))
    CountyTarget.objects.create(
        plan=plan, county=county_a, revenue_target=D("1200000"), volume_targets={"BROADBAND": 1200}
    )
    CountyTarget.objects.create(plan=plan, county=county_b, revenue_target=D(0))
    report = MonthlyReport.objects.create(
        county=county_a, year=2026, month=5, revenue=D("500000"), status="approved"
    )
    ReportVolume.objects.create(report=report, line=line, volume=600)
    revenue = indicators.revenue_completion(M)
    # 500,000 / 1,200,000 = 0.4167; ÷ 10/12 (0.8333) = 0.5001
    assert revenue[county_a.pk].value == D("0.5001")
    assert revenue[county_a.pk].inputs["time_progress"] == "0.8333"
    assert revenue[county_b.pk].value is None  # no target: no value
    volume = indicators.volume_completion(M)
    assert volume[county_a.pk].value == D("0.6000")  # 600 / 1200 = 0.5 ÷ 0.8333
    assert volume[county_b.pk].value is None  # no line with a volume target


def test_values_for_runs_a_fixed_number_of_queries_whatever_the_counties_and_accounts(
    account, county_a, county_b
):
    codes = list(indicators.BUILT_IN)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            indicators.values_for(M, codes)
        return len(captured)

    account("A1", county_a)
    few = queries()
    for n in range(20):
        account(f"B{n}", county_b, status="single_stop", changed="2026-10-02")
    County.objects.bulk_create(
        County(code=f"X{n:02d}", name=f"X{n}", sort_order=10 + n) for n in range(10)
    )
    assert queries() == few


def test_material_loop_gaps_count_the_months_differences_not_accepted(
    county_a, county_b, city_user
):
    """C01 in October: three days × lines with a difference (one accepted, one explained
    only, one open) and one balanced day: 2. C02 reported and moved in balance: 0. A county
    with nothing reported nor moved has no value (left out, not a perfect 0)."""
    broadband, _ = BusinessLine.objects.update_or_create(
        code="BROADBAND", defaults={"name": "Broadband", "uses_terminal": True}
    )
    ont = Item.objects.create(
        sku="ONT-X1", name="ONT", category="terminal", serialized=True, business_line=broadband
    )
    wh_a, wh_b = Warehouse.objects.get(county=county_a), Warehouse.objects.get(county=county_b)
    idle = County.objects.create(code="C77", name="Idle county", sort_order=77)

    def day(n):
        return dt.date(2026, 10, n)

    def issued(warehouse, on, serial):
        StockMove.objects.create(
            kind="issue_install", item=ont, quantity=1, from_warehouse=warehouse,
            business_line=broadband, business_date=on, serial=serial, account_no="A1",
        )  # fmt: skip

    for county, n, installs in ((county_a, 1, 2), (county_a, 2, 1), (county_a, 3, 1),
                                (county_a, 4, 1), (county_b, 5, 1)):  # fmt: skip
        DailyOperation.objects.create(
            county=county, business_date=day(n), business_line=broadband, installs=installs
        )
    issued(wh_a, day(1), "S1")  # 1 issued, 2 reported: a difference
    issued(wh_a, day(4), "S4")  # balanced
    issued(wh_b, day(5), "S5")  # balanced
    issued(wh_a, dt.date(2026, 11, 1), "S9")  # next month: does not count
    now = timezone.now()
    LoopExplanation.objects.create(
        county=county_a, business_date=day(1), business_line=broadband, explanation="Late",
        explained_by=city_user, explained_at=now, accepted_by=city_user, accepted_at=now,
    )  # fmt: skip
    LoopExplanation.objects.create(
        county=county_a, business_date=day(2), business_line=broadband, explanation="Lost",
        explained_by=city_user, explained_at=now,
    )  # fmt: skip

    with CaptureQueriesContext(connection) as captured:
        values = indicators.values_for(M, ["MATERIAL_LOOP_GAPS"])["MATERIAL_LOOP_GAPS"]
    assert len(captured) == 1
    gaps = values[county_a.pk]
    assert (gaps.value, gaps.numerator, gaps.denominator) == (D(2), D(2), None)
    assert gaps.inputs == {"days_lines": 4, "differences": 3, "accepted": 1, "not_accepted": 2}
    assert values[county_b.pk].value == D(0)
    assert idle.pk not in values  # nothing to close: no value
