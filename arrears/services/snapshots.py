"""County snapshots of the arrears figures, taken after every import (docs/rules.md#snapshots), so
trends
need no history of the million bill rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from arrears import calculations as calc
from arrears.bulk import partitions
from arrears.models import ArrearsSnapshot, Bill, BillMonthTotal
from arrears.selectors.indicators import (
    ageing_by_county,
    collected_as_of,
    latest_billing_month,
    long_term_days,
    recovery_sums,
)
from marketing_ops.models import County
from marketing_ops.money import ZERO
from marketing_ops.periods import Month


def _overdue_accounts(as_of: dt.date) -> dict[int, int]:
    """Accounts per county with an overdue bill (past its due date) as of ``as_of``."""
    # Bills of the months before the one in collection are past their due date; those of the
    # month in collection fall due only at the end of as_of's month.
    last_overdue = calc.month_in_collection(as_of).previous()
    rows = (
        Bill.objects.filter(
            amount_billed__gt=F("amount_paid"), billing_month__lte=last_overdue.first_day
        )
        .order_by()
        .values("county_id")
        .annotate(accounts=Count("account_id", distinct=True))
        .values_list("county_id", "accounts")
    )
    return dict(rows)


def _figures_back_then(
    month: Month, as_of: dt.date
) -> tuple[dict[int, tuple[Decimal, Decimal]], dict[int, dict[str, Decimal]], dict[int, int]]:
    """Recovery of ``month``, ageing and overdue accounts per county as they stood on the past
    day ``as_of``, read from the bills with their payment dates: a payment made later did not
    count yet. Two aggregates over the bills up to ``as_of``'s month."""
    bills = Bill.objects.filter(billing_month__lte=as_of.replace(day=1))
    figures = collected_as_of(bills, as_of)
    recovery = {
        county_id: (billed, collected)
        for (county_id, billing_month), (billed, collected, _owed) in figures.items()
        if billing_month == month.first_day
    }
    threshold = long_term_days()
    ageing: dict[int, dict[str, Decimal]] = defaultdict(calc.empty_ageing)
    for (county_id, billing_month), (_billed, _collected, owed) in figures.items():
        if owed > 0:
            calc.add_to_ageing(ageing[county_id], billing_month, owed, as_of, threshold)
    last_overdue = calc.month_in_collection(as_of).previous()
    owing_then = Q(amount_billed__gt=F("amount_paid")) | Q(paid_on__gt=as_of, amount_billed__gt=0)
    overdue = dict(
        Bill.objects.filter(owing_then, billing_month__lte=last_overdue.first_day)
        .order_by()
        .values("county_id")
        .annotate(accounts=Count("account_id", distinct=True))
        .values_list("county_id", "accounts")
    )
    return recovery, ageing, overdue


def recovery_month_for(as_of: dt.date) -> Month:
    """The billing month a snapshot reports recovery for: the month in collection, or the latest
    month imported before it when that month has no bills yet."""
    month = calc.month_in_collection(as_of)
    return latest_billing_month(up_to=month) or month


@transaction.atomic
def snapshots_take(*, as_of: dt.date) -> list[ArrearsSnapshot]:
    """Snapshot every active county's figures as of ``as_of`` (one row per county, replaced if
    taken again the same day). Four small queries, one aggregate over the owing bills and one
    bulk upsert."""
    month = recovery_month_for(as_of)
    if as_of < timezone.localdate():
        # A day gone by: the figures as they stood then, not today's copied under its date.
        recovery, ageing, overdue = _figures_back_then(month, as_of)
    else:
        totals = BillMonthTotal.objects.all()
        recovery = recovery_sums(totals, month)
        ageing = ageing_by_county(totals, as_of)
        overdue = _overdue_accounts(as_of)
    snapshots = []
    for county in County.objects.filter(active=True):
        billed, collected = recovery.get(county.pk, (ZERO, ZERO))
        figures = ageing.get(county.pk) or calc.empty_ageing()
        snapshots.append(
            ArrearsSnapshot(
                county=county,
                as_of=as_of,
                recovery_month=month.first_day,
                billed=billed,
                collected=collected,
                recovery_rate=calc.recovery_rate(billed, collected),
                outstanding=figures["total"],
                long_term=figures["long_term"],
                **{bucket.field: figures[bucket.key] for bucket in calc.BUCKETS},
                overdue_accounts=overdue.get(county.pk, 0),
            )
        )
    return ArrearsSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["county", "as_of"],
        update_fields=[
            "recovery_month",
            "billed",
            "collected",
            "recovery_rate",
            "outstanding",
            "long_term",
            *(bucket.field for bucket in calc.BUCKETS),
            "overdue_accounts",
            "taken_at",
        ],
    )


def snapshots_after_import(*, as_of: dt.date) -> list[ArrearsSnapshot]:
    """What follows a committed import: the bills' planner statistics refreshed (outside any
    transaction, as VACUUM must be), then the county snapshots retaken as of ``as_of``."""
    partitions.refresh_bill_statistics()
    return snapshots_take(as_of=as_of)
