"""The indicators' values (docs/rules.md#appraisal-indicators): one function per built-in
indicator, each computing the value and its inputs for every county of a month at once —
one aggregate grouped by county (revenue's through its progress selector), never a query per
county or account — and the manual indicators' entered values.

Adding an indicator is one function here with ``@built_in("CODE")`` and its row in a
migration (as ``MATERIAL_LOOP_GAPS`` came with the materials app).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from appraisal.calculations import RATE, half_up, rate
from appraisal.models import ManualValue
from arrears.models import Account, Bill, Renewal
from arrears.selectors.indicators import collected_as_of
from audits.models import Audit
from marketing_ops.periods import Month
from materials.selectors.loop import loop_month_counts
from revenue.selectors.progress import progress_summary

ZERO = Decimal(0)


@dataclass(frozen=True)
class IndicatorValue:
    """One county's value of an indicator with what it came from. ``value`` None is "no
    value" (a denominator of 0): the indicator is left out of that county's total."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    #: Counts and figures behind the value, for the scorecard (JSON: numbers as text).
    inputs: dict[str, Any] = field(default_factory=dict)


NO_VALUE = IndicatorValue(value=None, numerator=ZERO, denominator=ZERO)

#: code → the function computing it for every county of a month: {county id: value}.
Compute = Callable[[Month], dict[int, IndicatorValue]]
BUILT_IN: dict[str, Compute] = {}


def built_in(code: str) -> Callable[[Compute], Compute]:
    def register(function: Compute) -> Compute:
        BUILT_IN[code] = function
        return function

    return register


def _ratio(numerator: int | Decimal, denominator: int | Decimal, **inputs: Any) -> IndicatorValue:
    return IndicatorValue(
        value=rate(numerator, denominator),
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
        inputs={k: v if isinstance(v, int | str) else str(v) for k, v in inputs.items()},
    )


def in_service(day: Any) -> Q:
    """An account is in service on ``day`` when it was opened on or before it and was not
    dismantled on or before it (docs/rules.md#appraisal-indicators)."""
    return Q(opened_on__lte=day) & ~Q(status=Account.Status.DISMANTLED, status_changed_on__lte=day)


def _accounts() -> QuerySet[Account]:
    return Account.objects.order_by()


def _all_billed_zero(months: list[Month]) -> QuerySet[Bill]:
    """The ids of accounts whose bills of every one of ``months`` exist and are billed 0: as
    an account has one bill a month, those with as many bills of 0 as there are months. Only
    the bills of 0 (a few percent) are grouped, not the millions of the months."""
    return (
        Bill.objects.order_by()
        .filter(billing_month__in=[m.first_day for m in months], amount_billed=0)
        .values("account_id")
        .annotate(bills=Count("billing_month"))
        .filter(bills=len(months))
        .values("account_id")
    )


@built_in("REVENUE_COMPLETION")
def revenue_completion(month: Month) -> dict[int, IndicatorValue]:
    """Completion rate ÷ time progress through the month (1.0 = on pace): revenue's own
    progress (docs/rules.md#progress-against-time-progress), a fixed number of queries."""
    summary = progress_summary(None, month.year, month.month)
    progress = summary.time_progress
    values = {}
    for row in summary.counties:
        figure = row.revenue
        completion = figure.completion_rate
        values[row.county.pk] = IndicatorValue(
            value=None if completion is None else half_up(completion / progress, RATE),
            numerator=Decimal(figure.cumulative_actual),
            denominator=Decimal(figure.target),
            inputs={
                "cumulative_actual": str(figure.cumulative_actual),
                "revenue_target": str(figure.target),
                "completion_rate": None if completion is None else str(completion),
                "time_progress": str(progress),
            },
        )
    return values


@built_in("VOLUME_COMPLETION")
def volume_completion(month: Month) -> dict[int, IndicatorValue]:
    """The mean, over the lines with a volume target, of line completion ÷ time progress."""
    summary = progress_summary(None, month.year, month.month)
    progress = summary.time_progress
    values = {}
    for row in summary.counties:
        ratios = {
            code: half_up(figure.completion_rate / progress, RATE)
            for code, figure in row.lines.items()
            if figure.target and figure.completion_rate is not None
        }
        total = sum(ratios.values(), ZERO)
        values[row.county.pk] = IndicatorValue(
            value=half_up(total / len(ratios), RATE) if ratios else None,
            numerator=total,
            denominator=Decimal(len(ratios)),
            inputs={
                "lines_with_target": len(ratios),
                "time_progress": str(progress),
                **{f"{code}_ratio": str(value) for code, value in ratios.items()},
            },
        )
    return values


@built_in("ARREARS_RECOVERY")
def arrears_recovery(month: Month) -> dict[int, IndicatorValue]:
    """Recovery of billing month M−1 (due at the end of M) as of the end of M: payments dated
    later do not count yet. One aggregate over that month's bills."""
    billed_month = month.previous()
    sums = collected_as_of(
        Bill.objects.filter(billing_month=billed_month.first_day), month.last_day
    )
    return {
        county_id: _ratio(
            collected,
            billed,
            billing_month=str(billed_month),
            billed=billed,
            collected=collected,
        )
        for (county_id, _day), (billed, collected, _outstanding) in sums.items()
    }


@built_in("CHURN_RATE")
def churn_rate(month: Month) -> dict[int, IndicatorValue]:
    """Accounts dismantled during M ÷ accounts in service at its start."""
    start, end = month.first_day, month.last_day
    rows = (
        _accounts()
        .values("county_id")
        .annotate(
            in_service=Count("id", filter=in_service(start)),
            dismantled=Count(
                "id",
                filter=Q(status=Account.Status.DISMANTLED, status_changed_on__range=(start, end)),
            ),
        )
        .values_list("county_id", "in_service", "dismantled")
    )
    return {
        county_id: _ratio(dismantled, serving, dismantled=dismantled, in_service_at_start=serving)
        for county_id, serving, dismantled in rows
    }


@built_in("RENEWAL_RATE")
def renewal_rate(month: Month) -> dict[int, IndicatorValue]:
    """Contracts ending in M that were renewed ÷ contracts ending in M. A renewed contract
    still counts as ending in M through its renewal's old end."""
    start, end = month.first_day, month.last_day
    renewed = Q(
        id__in=Renewal.objects.order_by()
        .filter(old_contract_end__range=(start, end))
        .values("account_id")
    )
    rows = (
        _accounts()
        .filter(Q(contract_end__range=(start, end)) | renewed)
        .values("county_id")
        .annotate(ending=Count("id"), renewed=Count("id", filter=renewed))
        .values_list("county_id", "ending", "renewed")
    )
    return {
        county_id: _ratio(renewed_n, ending, renewed=renewed_n, contracts_ending=ending)
        for county_id, ending, renewed_n in rows
    }


@built_in("ZERO_COST_SHARE")
def zero_cost_share(month: Month) -> dict[int, IndicatorValue]:
    """Accounts in service at the end whose bills of M−2, M−1 and M all exist and are billed 0
    ÷ accounts in service at the end."""
    zero = Q(id__in=_all_billed_zero([month.shift(-2), month.previous(), month]))
    rows = (
        _accounts()
        .filter(in_service(month.last_day))
        .values("county_id")
        .annotate(serving=Count("id"), zero=Count("id", filter=zero))
        .values_list("county_id", "serving", "zero")
    )
    return {
        county_id: _ratio(zero_n, serving, zero_cost=zero_n, in_service_at_end=serving)
        for county_id, serving, zero_n in rows
    }


@built_in("ZERO_COST_ACTIVATION")
def zero_cost_activation(month: Month) -> dict[int, IndicatorValue]:
    """Of the accounts whose bills of M−3, M−2 and M−1 all exist and are billed 0, the share
    billed more than 0 in M."""
    before = _all_billed_zero([month.shift(-3), month.shift(-2), month.previous()])
    billed_now = Exists(
        Bill.objects.filter(
            account_id=OuterRef("pk"), billing_month=month.first_day, amount_billed__gt=0
        )
    )
    rows = (
        _accounts()
        .filter(id__in=before)
        .values("county_id")
        .annotate(zero=Count("id"), activated=Count("id", filter=Q(billed_now)))
        .values_list("county_id", "zero", "activated")
    )
    return {
        county_id: _ratio(activated, zero, activated=activated, zero_cost_before=zero)
        for county_id, zero, activated in rows
    }


@built_in("STOP_SHARE")
def stop_share(month: Month) -> dict[int, IndicatorValue]:
    """Accounts in single or double stop at the end (changed on or before it) ÷ accounts in
    service at the end."""
    end = month.last_day
    stopped = Q(
        status__in=[Account.Status.SINGLE_STOP, Account.Status.DOUBLE_STOP],
        status_changed_on__lte=end,
    )
    rows = (
        _accounts()
        .filter(in_service(end))
        .values("county_id")
        .annotate(serving=Count("id"), stopped=Count("id", filter=stopped))
        .values_list("county_id", "serving", "stopped")
    )
    return {
        county_id: _ratio(stopped_n, serving, stopped=stopped_n, in_service_at_end=serving)
        for county_id, serving, stopped_n in rows
    }


@built_in("AUDIT_PASS_RATE")
def audit_pass_rate(month: Month) -> dict[int, IndicatorValue]:
    """The county's audits of periods within M (starting and ending in it) that passed ÷ those
    of them due by the end of M."""
    start, end = month.first_day, month.last_day
    rows = (
        Audit.objects.order_by()
        .filter(period_start__gte=start, period_end__lte=end, due_on__lte=end)
        .values("county_id")
        .annotate(due=Count("id"), passed=Count("id", filter=Q(status=Audit.Status.PASSED)))
        .values_list("county_id", "due", "passed")
    )
    return {
        county_id: _ratio(passed, due, passed=passed, due=due) for county_id, due, passed in rows
    }


@built_in("MATERIAL_LOOP_GAPS")
def material_loop_gaps(month: Month) -> dict[int, IndicatorValue]:
    """The county's closed-loop differences of M not accepted (a count, lower is better): the
    loop's one query for every county. A county with neither daily operations reported nor
    terminals moved in M has nothing to close: no value (left out), not a perfect 0."""
    return {
        county_id: IndicatorValue(
            value=Decimal(counts.not_accepted),
            numerator=Decimal(counts.not_accepted),
            denominator=None,
            inputs={
                "days_lines": counts.rows,
                "differences": counts.gaps,
                "accepted": counts.accepted,
                "not_accepted": counts.not_accepted,
            },
        )
        for county_id, counts in loop_month_counts(month).items()
    }


def manual_values(month: Month, codes: Iterable[str]) -> dict[str, dict[int, IndicatorValue]]:
    """The entered values of the manual indicators ``codes`` for the month: one query."""
    values: dict[str, dict[int, IndicatorValue]] = {code: {} for code in codes}
    rows = ManualValue.objects.filter(
        month=month.first_day, indicator__code__in=list(values)
    ).values_list("indicator__code", "county_id", "value")
    for code, county_id, value in rows:
        values[code][county_id] = IndicatorValue(value=value, inputs={"entered": str(value)})
    return values


def values_for(month: Month, codes: Iterable[str]) -> dict[str, dict[int, IndicatorValue]]:
    """Every county's value of each of ``codes`` for the month: a fixed number of queries per
    indicator whatever the number of counties and accounts. A county without a row has no
    value."""
    codes = list(codes)
    values = {code: BUILT_IN[code](month) for code in codes if code in BUILT_IN}
    values.update(manual_values(month, [code for code in codes if code not in BUILT_IN]))
    return values
