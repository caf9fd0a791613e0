"""Arrears indicators (SPEC §4.2), computed in the database with set-based aggregates.

Every function takes the user whose scope it reads (``visible_to``) and runs a fixed number of
queries: one per table, grouped by county (and by billing month for ageing), never one per
county or account. Ageing needs only ``(county, billing_month)`` groups because a bill's due date
and so its bucket follow from its billing month alone; the buckets are then filled in Python by
the pure rules of ``arrears.calculations`` over at most counties × months groups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max, QuerySet, Sum

from arrears import calculations as calc
from arrears.models import (
    ArrearsSnapshot,
    BillMonthTotal,
    RecoveryTarget,
    Transfer,
    TransferLimit,
)
from marketing_ops.access import bound_county_id, is_city_wide, visible_counties
from marketing_ops.models import County
from marketing_ops.periods import Month

AGEING_KEYS = calc.BUCKET_KEYS


# --------------------------------------------------------------------------- targets


def recovery_target(year: int) -> Decimal:
    """The recovery target of ``year``: its RecoveryTarget row, else the setting (0.98)."""
    target = RecoveryTarget.objects.filter(year=year).values_list("target", flat=True).first()
    return Decimal(target if target is not None else settings.ARREARS_RECOVERY_TARGET).quantize(
        calc.RATE_PLACES
    )


def long_term_days() -> int:
    return int(settings.ARREARS_LONG_TERM_DAYS)


def _counties(user: Any) -> list[County]:
    return list(visible_counties(user).filter(active=True).order_by("sort_order", "code"))


# --------------------------------------------------------------------------- recovery


def recovery_sums(totals: QuerySet, month: Month) -> dict[int, tuple[Decimal, Decimal]]:
    """``{county_id: (billed, collected)}`` of the bills of ``month``, from their month × county
    totals (``BillMonthTotal``): one query over at most one row per county. Bills of zero add
    nothing to either sum (amounts are never negative)."""
    rows = totals.filter(billing_month=month.first_day).values_list(
        "county_id", "billed", "collected"
    )
    return {county_id: (calc.money(b), calc.money(c)) for county_id, b, c in rows}


def _recovery_row(billed: Decimal, collected: Decimal, target: Decimal) -> dict[str, Any]:
    rate = calc.recovery_rate(billed, collected)
    return {
        "billed": billed,
        "collected": collected,
        "recovery_rate": rate,
        "meets_target": calc.meets_target(billed, collected, target),
    }


def recovery(user: Any, month: Month) -> dict[str, Any]:
    """Current-arrears recovery of billing ``month`` per county in the user's scope and in total.

    ``{month, target, city: {billed, collected, recovery_rate, meets_target},
    counties: [{county, county_name, billed, collected, recovery_rate, meets_target}]}``;
    a county without bills has zero billed and no rate. Three queries.
    """
    target = recovery_target(month.year)
    sums = recovery_sums(BillMonthTotal.objects.visible_to(user), month)
    counties = []
    total_billed = total_collected = calc.ZERO
    for county in _counties(user):
        billed, collected = sums.get(county.pk, (calc.ZERO, calc.ZERO))
        total_billed += billed
        total_collected += collected
        counties.append(
            {"county": county.code, "county_name": county.name}
            | _recovery_row(billed, collected, target)
        )
    return {
        "month": str(month),
        "target": target,
        "city": _recovery_row(total_billed, total_collected, target),
        "counties": counties,
    }


def latest_billing_month(user: Any = None, up_to: Month | None = None) -> Month | None:
    """The latest billing month with bills (in the user's scope), optionally not after ``up_to``."""
    totals = BillMonthTotal.objects.filter(bills__gt=0)
    if user is not None:
        totals = totals.visible_to(user)
    if up_to is not None:
        totals = totals.filter(billing_month__lte=up_to.first_day)
    latest = totals.aggregate(latest=Max("billing_month"))["latest"]
    return Month.of(latest) if latest else None


# --------------------------------------------------------------------------- ageing


def outstanding_by_month(totals: QuerySet, as_of: dt.date) -> list[tuple[int, dt.date, Decimal]]:
    """``(county_id, billing_month, outstanding)`` of bills still owing, months up to ``as_of``'s.

    One query over the month × county totals (``BillMonthTotal``): at most months × counties rows.
    """
    rows = totals.filter(outstanding__gt=0, billing_month__lte=as_of.replace(day=1)).values_list(
        "county_id", "billing_month", "outstanding"
    )
    return [(county_id, month, calc.money(owed)) for county_id, month, owed in rows]


def ageing_by_county(totals: QuerySet, as_of: dt.date) -> dict[int, dict[str, Decimal]]:
    """``{county_id: {not_due, 1_30, …, over_365, total, long_term, new_long_term}}``."""
    threshold = long_term_days()
    result: dict[int, dict[str, Decimal]] = defaultdict(calc.empty_ageing)
    for county_id, billing_month, owed in outstanding_by_month(totals, as_of):
        calc.add_to_ageing(result[county_id], billing_month, owed, as_of, threshold)
    return result


def _sum_rows(rows: list[dict[str, Decimal]]) -> dict[str, Decimal]:
    total = calc.empty_ageing()
    for row in rows:
        for key in total:
            total[key] += row[key]
    return total


def _public_ageing(row: dict[str, Decimal]) -> dict[str, Decimal]:
    return {key: row[key] for key in (*AGEING_KEYS, "total", "long_term")}


def ageing(user: Any, as_of: dt.date) -> dict[str, Any]:
    """Ageing of the outstanding as of ``as_of`` per county and in total (SPEC §4.2).

    ``{as_of, long_term_days, city: {not_due, 1_30, 31_90, 91_180, 181_365, over_365, total,
    long_term}, counties: [{county, county_name, …same keys}]}``. The buckets of every row sum to
    its ``total`` exactly. Two queries.
    """
    by_county = ageing_by_county(BillMonthTotal.objects.visible_to(user), as_of)
    rows = []
    for county in _counties(user):
        figures = by_county.get(county.pk) or calc.empty_ageing()
        rows.append((county, figures))
    return {
        "as_of": as_of.isoformat(),
        "long_term_days": long_term_days(),
        "city": _public_ageing(_sum_rows([figures for _, figures in rows])),
        "counties": [
            {"county": county.code, "county_name": county.name} | _public_ageing(figures)
            for county, figures in rows
        ],
    }


def new_long_term_this_year(user: Any, as_of: dt.date) -> dict[str, Any]:
    """Outstanding that crossed the long-term threshold between 1 January and ``as_of``.

    ``{as_of, year, city: {new_long_term, long_term}, counties: [{county, county_name,
    new_long_term, long_term}]}``. Two queries.
    """
    by_county = ageing_by_county(BillMonthTotal.objects.visible_to(user), as_of)
    counties = []
    city_new = city_long = calc.ZERO
    for county in _counties(user):
        figures = by_county.get(county.pk) or calc.empty_ageing()
        city_new += figures["new_long_term"]
        city_long += figures["long_term"]
        counties.append(
            {
                "county": county.code,
                "county_name": county.name,
                "new_long_term": figures["new_long_term"],
                "long_term": figures["long_term"],
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "year": as_of.year,
        "city": {"new_long_term": city_new, "long_term": city_long},
        "counties": counties,
    }


# --------------------------------------------------------------------------- transfers


def _year_months(year: int) -> list[Month]:
    return [Month(year, m) for m in range(1, 13)]


def _limits(user: Any, year: int, city: bool) -> dict[tuple[int | None, dt.date], Decimal]:
    limits = TransferLimit.objects.visible_to(user).filter(month__year=year)
    limits = limits.filter(county__isnull=True) if city else limits.filter(county__isnull=False)
    return {
        (county_id, month): amount
        for county_id, month, amount in limits.values_list("county_id", "month", "amount")
    }


def _transfer_row(
    month: Month, amount: Decimal, accounts: int, limit: Decimal | None
) -> dict[str, Any]:
    return {
        "month": str(month),
        "amount": amount,
        "accounts": accounts,
        "limit": limit,
        "over_limit": calc.over_limit(amount, limit),
    }


def transfers_summary(user: Any, year: int) -> list[dict[str, Any]]:
    """Transfers of each month of ``year`` against the limit: ``[{month, amount, accounts,
    limit, over_limit}]`` (12 rows). City-wide users compare the city's total with the
    provincial limit; a county user their county's transfers with its sub-limit. Two queries."""
    transfers = (
        Transfer.objects.visible_to(user)
        .filter(month__year=year)
        .order_by()
        .values("month")
        .annotate(amount=Sum("amount"), accounts=Sum("accounts"))
        .values_list("month", "amount", "accounts")
    )
    sums = {month: (calc.money(amount), accounts or 0) for month, amount, accounts in transfers}
    city = is_city_wide(user)
    limits = _limits(user, year, city=city)
    own = None if city else bound_county_id(user)
    rows = []
    for month in _year_months(year):
        amount, accounts = sums.get(month.first_day, (calc.ZERO, 0))
        rows.append(_transfer_row(month, amount, accounts, limits.get((own, month.first_day))))
    return rows


def transfers_by_county(user: Any, year: int) -> list[dict[str, Any]]:
    """Per county in scope: ``{county, county_name, amount, accounts, over_limit_months,
    months: [{month, amount, accounts, limit, over_limit}]}`` against the county sub-limits.
    Three queries."""
    transfers = (
        Transfer.objects.visible_to(user)
        .filter(month__year=year)
        .order_by()
        .values("county_id", "month")
        .annotate(amount=Sum("amount"), accounts=Sum("accounts"))
        .values_list("county_id", "month", "amount", "accounts")
    )
    sums = {(c, m): (calc.money(a), n or 0) for c, m, a, n in transfers}
    limits = _limits(user, year, city=False)
    result = []
    for county in _counties(user):
        months = []
        for month in _year_months(year):
            amount, accounts = sums.get((county.pk, month.first_day), (calc.ZERO, 0))
            limit = limits.get((county.pk, month.first_day))
            months.append(_transfer_row(month, amount, accounts, limit))
        result.append(
            {
                "county": county.code,
                "county_name": county.name,
                "amount": sum((m["amount"] for m in months), calc.ZERO),
                "accounts": sum(m["accounts"] for m in months),
                "over_limit_months": [m["month"] for m in months if m["over_limit"]],
                "months": months,
            }
        )
    return result


# --------------------------------------------------------------------------- snapshots


def _snapshot_totals(snapshots: list[ArrearsSnapshot]) -> dict[str, Any]:
    billed = sum((s.billed for s in snapshots), calc.ZERO)
    collected = sum((s.collected for s in snapshots), calc.ZERO)
    return {
        "billed": billed,
        "collected": collected,
        "recovery_rate": calc.recovery_rate(billed, collected),
        "outstanding": sum((s.outstanding for s in snapshots), calc.ZERO),
        "long_term": sum((s.long_term for s in snapshots), calc.ZERO),
    }


def _snapshot_county(snapshot: ArrearsSnapshot) -> dict[str, Any]:
    return {
        "county": snapshot.county.code,
        "county_name": snapshot.county.name,
        "recovery_month": str(Month.of(snapshot.recovery_month)),
        "billed": snapshot.billed,
        "collected": snapshot.collected,
        "recovery_rate": snapshot.recovery_rate,
        "outstanding": snapshot.outstanding,
        "long_term": snapshot.long_term,
    }


def snapshot_trend(user: Any, weeks: int = 12) -> list[dict[str, Any]]:
    """The last snapshot of each of the latest ``weeks`` ISO weeks, oldest first:
    ``[{as_of, recovery_month, billed, collected, recovery_rate, outstanding, long_term,
    counties: [...]}]``; ``recovery_month`` is the billing month the recovery is of, which moves
    on at each month's end. Two queries whatever the number of snapshots."""
    snapshots = ArrearsSnapshot.objects.visible_to(user)
    latest = snapshots.aggregate(latest=Max("as_of"))["latest"]
    if latest is None:
        return []
    since = latest - dt.timedelta(days=7 * weeks)
    rows = list(
        snapshots.filter(as_of__gt=since)
        .select_related("county")
        .order_by("as_of", "county__sort_order", "county__code")
    )
    by_date: dict[dt.date, list[ArrearsSnapshot]] = defaultdict(list)
    for snapshot in rows:
        by_date[snapshot.as_of].append(snapshot)
    last_of_week: dict[tuple[int, int], dt.date] = {}
    for as_of in sorted(by_date):
        last_of_week[as_of.isocalendar()[:2]] = as_of
    return [
        {
            "as_of": as_of.isoformat(),
            "recovery_month": str(Month.of(by_date[as_of][0].recovery_month)),
        }
        | _snapshot_totals(by_date[as_of])
        | {"counties": [_snapshot_county(s) for s in by_date[as_of]]}
        for as_of in sorted(last_of_week.values())
    ]


def _change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Change of a rate in percentage points (0.0123 → 1.23)."""
    if now is None or before is None:
        return None
    return ((now - before) * 100).quantize(calc.CENT)


def recovery_change_since_last_week(user: Any, as_of: dt.date) -> dict[str, Any]:
    """Recovery now (the latest snapshot on or before ``as_of``) against the latest snapshot
    at least seven days older: ``{as_of, previous_as_of, city: {recovery_rate,
    previous_rate, change_pp, outstanding, previous_outstanding}, counties: [...]}``.
    Three queries."""
    snapshots = ArrearsSnapshot.objects.visible_to(user)
    current = snapshots.filter(as_of__lte=as_of).aggregate(d=Max("as_of"))["d"]
    previous = (
        snapshots.filter(as_of__lte=current - dt.timedelta(days=7)).aggregate(d=Max("as_of"))["d"]
        if current
        else None
    )
    dates = [d for d in (current, previous) if d]
    rows = list(
        snapshots.filter(as_of__in=dates)
        .select_related("county")
        .order_by("county__sort_order", "county__code")
    )
    now_rows = [s for s in rows if s.as_of == current]
    before = {s.county_id: s for s in rows if s.as_of == previous}
    now_total = _snapshot_totals(now_rows)
    before_total = _snapshot_totals(list(before.values())) if previous else None
    counties = []
    for snapshot in now_rows:
        earlier = before.get(snapshot.county_id)
        counties.append(
            _snapshot_county(snapshot)
            | {
                "previous_rate": earlier.recovery_rate if earlier else None,
                "change_pp": _change(
                    snapshot.recovery_rate, earlier.recovery_rate if earlier else None
                ),
                "previous_outstanding": earlier.outstanding if earlier else None,
            }
        )
    return {
        "as_of": current.isoformat() if current else None,
        "previous_as_of": previous.isoformat() if previous else None,
        "city": now_total
        | {
            "previous_rate": before_total["recovery_rate"] if before_total else None,
            "change_pp": _change(
                now_total["recovery_rate"], before_total["recovery_rate"] if before_total else None
            ),
            "previous_outstanding": before_total["outstanding"] if before_total else None,
        },
        "counties": counties,
    }


__all__ = [
    "ageing",
    "ageing_by_county",
    "latest_billing_month",
    "new_long_term_this_year",
    "recovery",
    "recovery_change_since_last_week",
    "recovery_sums",
    "recovery_target",
    "snapshot_trend",
    "transfers_by_county",
    "transfers_summary",
]
