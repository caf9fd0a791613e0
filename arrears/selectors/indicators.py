"""Arrears indicators (docs/rules.md#arrears), computed in the database with set-based aggregates.

Every function takes the user whose scope it reads (``visible_to``) and runs a fixed number of
queries: one per table, grouped by county (and by billing month for ageing), never one per
county or account. Ageing needs only ``(county, billing_month)`` groups because a bill's due date
and so its bucket follow from its billing month alone; the buckets are then filled in Python by
the pure rules of ``arrears.calculations`` over at most counties × months groups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Case, F, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from arrears import calculations as calc
from arrears.models import (
    ArrearsSnapshot,
    Bill,
    BillMonthTotal,
    RecoveryTarget,
    Transfer,
    TransferLimit,
)
from marketing_ops.access import bound_county_id, is_city_wide, visible_counties
from marketing_ops.models import County
from marketing_ops.money import CENT, ZERO, to_cents
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RecoveryRow:
    """Recovery of one county (or, with no ``county``, of the whole scope)."""

    billed: Decimal
    collected: Decimal
    recovery_rate: Decimal | None
    meets_target: bool | None
    county: str = ""
    county_name: str = ""


@dataclass(frozen=True)
class Recovery:
    month: str
    target: Decimal
    city: RecoveryRow
    counties: list[RecoveryRow]


@dataclass(frozen=True)
class InProgressRow:
    """The month still in collection for one county (or the scope): its recovery so far and the
    rate the month before had reached on the same day of its own collection (the pace)."""

    billed: Decimal
    collected: Decimal
    recovery_rate: Decimal | None
    pace_rate: Decimal | None
    county: str = ""
    county_name: str = ""

    @property
    def ahead_pp(self) -> Decimal | None:
        """Percentage points ahead of the pace (negative: behind)."""
        if self.recovery_rate is None or self.pace_rate is None:
            return None
        return ((self.recovery_rate - self.pace_rate) * 100).quantize(CENT)


@dataclass(frozen=True)
class InProgress:
    month: str
    pace_month: str
    pace_on: str  # the day the pace is read on, a month before
    city: InProgressRow
    counties: list[InProgressRow]


@dataclass(frozen=True)
class AgeingRow:
    """The outstanding of one county (or of the scope) by ageing bucket: ``buckets`` maps every
    key of ``calculations.BUCKET_KEYS`` to its amount; they sum to ``total``."""

    buckets: dict[str, Decimal]
    total: Decimal
    long_term: Decimal
    county: str = ""
    county_name: str = ""


@dataclass(frozen=True)
class Ageing:
    as_of: str
    long_term_days: int
    city: AgeingRow
    counties: list[AgeingRow]


@dataclass(frozen=True)
class LongTermRow:
    new_long_term: Decimal
    long_term: Decimal
    county: str = ""
    county_name: str = ""


@dataclass(frozen=True)
class LongTerm:
    as_of: str
    year: int
    city: LongTermRow
    counties: list[LongTermRow]


@dataclass(frozen=True)
class TransferMonth:
    month: str
    amount: Decimal
    accounts: int
    limit: Decimal | None
    over_limit: bool


@dataclass(frozen=True)
class CountyTransfers:
    county: str
    county_name: str
    amount: Decimal
    accounts: int
    over_limit_months: list[str]
    months: list[TransferMonth]


@dataclass(frozen=True)
class SnapshotRow:
    """Snapshot figures of one county, or their sum over the scope (no county, no month); with
    the figures a week before when compared (``recovery_change_since_last_week``)."""

    billed: Decimal
    collected: Decimal
    recovery_rate: Decimal | None
    outstanding: Decimal
    long_term: Decimal
    county: str = ""
    county_name: str = ""
    recovery_month: str = ""
    previous_rate: Decimal | None = None
    change_pp: Decimal | None = None
    previous_outstanding: Decimal | None = None


@dataclass(frozen=True)
class TrendPoint:
    """The scope's snapshot totals on one day, and each county's."""

    as_of: str
    recovery_month: str
    billed: Decimal
    collected: Decimal
    recovery_rate: Decimal | None
    outstanding: Decimal
    long_term: Decimal
    counties: list[SnapshotRow] = field(default_factory=list)


@dataclass(frozen=True)
class RecoveryChange:
    as_of: str | None
    previous_as_of: str | None
    city: SnapshotRow
    counties: list[SnapshotRow]


# --------------------------------------------------------------------------- targets


def recovery_target(year: int) -> Decimal:
    """The recovery target of ``year``: its RecoveryTarget row, else the setting (0.98)."""
    target = RecoveryTarget.objects.filter(year=year).values_list("target", flat=True).first()
    return Decimal(target if target is not None else settings.ARREARS_RECOVERY_TARGET).quantize(
        calc.RATE_PLACES
    )


def long_term_days() -> int:
    return int(settings.ARREARS_LONG_TERM_DAYS)


# --------------------------------------------------------------------------- recovery


def recovery_sums(totals: QuerySet, month: Month) -> dict[int, tuple[Decimal, Decimal]]:
    """``{county_id: (billed, collected)}`` of the bills of ``month``, from their month × county
    totals (``BillMonthTotal``): one query over at most one row per county. Bills of zero add
    nothing to either sum (amounts are never negative)."""
    rows = totals.filter(billing_month=month.first_day).values_list(
        "county_id", "billed", "collected"
    )
    return {county_id: (to_cents(b), to_cents(c)) for county_id, b, c in rows}


def _recovery_row(
    billed: Decimal, collected: Decimal, target: Decimal, county: County | None = None
) -> RecoveryRow:
    return RecoveryRow(
        billed=billed,
        collected=collected,
        recovery_rate=calc.recovery_rate(billed, collected),
        meets_target=calc.meets_target(billed, collected, target),
        county=county.code if county else "",
        county_name=county.name if county else "",
    )


def recovery(user: AnyUser, month: Month) -> Recovery:
    """Current-arrears recovery of billing ``month`` per county in the user's scope and in total;
    a county without bills has zero billed and no rate. Three queries.
    """
    target = recovery_target(month.year)
    sums = recovery_sums(BillMonthTotal.objects.visible_to(user), month)
    counties = []
    total_billed = total_collected = ZERO
    for county in visible_counties(user):
        billed, collected = sums.get(county.pk, (ZERO, ZERO))
        total_billed += billed
        total_collected += collected
        counties.append(_recovery_row(billed, collected, target, county))
    return Recovery(
        month=str(month),
        target=target,
        city=_recovery_row(total_billed, total_collected, target),
        counties=counties,
    )


def collected_as_of(bills: QuerySet, as_of: dt.date) -> dict[tuple[int, dt.date], tuple]:
    """``{(county_id, billing_month): (billed, collected, outstanding)}`` of ``bills`` as they
    stood on ``as_of``: a payment dated after it (``paid_on``) is not counted yet; a payment
    with no date is. For past days only (today's figures come from the month totals): one
    aggregate over the bills of the months asked for."""
    late = Q(paid_on__gt=as_of)
    rows = (
        bills.filter(amount_billed__gt=0)
        .order_by()
        .values("county_id", "billing_month")
        .annotate(
            billed=Sum("amount_billed"),
            collected=Sum(
                Case(When(late, then=Value(ZERO)), default=Least("amount_paid", "amount_billed"))
            ),
            outstanding=Sum(
                Case(
                    When(late, then=F("amount_billed")),
                    When(
                        amount_billed__gt=F("amount_paid"),
                        then=F("amount_billed") - F("amount_paid"),
                    ),
                    default=Value(ZERO),
                )
            ),
        )
        .values_list("county_id", "billing_month", "billed", "collected", "outstanding")
    )
    return {
        (county_id, month if isinstance(month, dt.date) else dt.date.fromisoformat(month)): (
            to_cents(billed),
            to_cents(collected),
            to_cents(outstanding),
        )
        for county_id, month, billed, collected, outstanding in rows
    }


def in_progress(user: AnyUser, as_of: dt.date) -> InProgress:
    """The month in collection on ``as_of`` per county in scope and in total: its recovery so
    far (from the month totals; for a past day from its bills' payment dates) beside the rate
    the month before had on the same day of its own collection (from its bills' payment
    dates). Four queries."""
    month = calc.month_in_collection(as_of)
    pace_month = month.previous()
    pace_on = calc.same_day_a_month_earlier(as_of)
    if as_of < timezone.localdate():
        # A day gone by (a briefing archived late): what had been collected by then.
        bills = Bill.objects.visible_to(user).filter(billing_month=month.first_day)
        now = {
            county_id: (billed, collected)
            for (county_id, _month), (billed, collected, _owed) in collected_as_of(
                bills, as_of
            ).items()
        }
    else:
        now = recovery_sums(BillMonthTotal.objects.visible_to(user), month)
    then = collected_as_of(
        Bill.objects.visible_to(user).filter(billing_month=pace_month.first_day), pace_on
    )
    rows = []
    sums = [ZERO, ZERO, ZERO, ZERO]
    for county in visible_counties(user):
        billed, collected = now.get(county.pk, (ZERO, ZERO))
        pace_billed, pace_collected, _owed = then.get(
            (county.pk, pace_month.first_day), (ZERO, ZERO, ZERO)
        )
        for index, amount in enumerate((billed, collected, pace_billed, pace_collected)):
            sums[index] += amount
        rows.append(
            InProgressRow(
                billed=billed,
                collected=collected,
                recovery_rate=calc.recovery_rate(billed, collected),
                pace_rate=calc.recovery_rate(pace_billed, pace_collected),
                county=county.code,
                county_name=county.name,
            )
        )
    city = InProgressRow(
        billed=sums[0],
        collected=sums[1],
        recovery_rate=calc.recovery_rate(sums[0], sums[1]),
        pace_rate=calc.recovery_rate(sums[2], sums[3]),
    )
    return InProgress(
        month=str(month),
        pace_month=str(pace_month),
        pace_on=pace_on.isoformat(),
        city=city,
        counties=rows,
    )


def latest_billing_month(user: AnyUser | None = None, up_to: Month | None = None) -> Month | None:
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
    return [(county_id, month, to_cents(owed)) for county_id, month, owed in rows]


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


def _ageing_row(figures: dict[str, Decimal], county: County | None = None) -> AgeingRow:
    return AgeingRow(
        buckets={key: figures[key] for key in calc.BUCKET_KEYS},
        total=figures["total"],
        long_term=figures["long_term"],
        county=county.code if county else "",
        county_name=county.name if county else "",
    )


def ageing(user: AnyUser, as_of: dt.date) -> Ageing:
    """Ageing of the outstanding as of ``as_of`` per county and in total (docs/rules.md#ageing).
    The buckets of every row sum to its ``total`` exactly. Two queries.
    """
    by_county = ageing_by_county(BillMonthTotal.objects.visible_to(user), as_of)
    rows = []
    for county in visible_counties(user):
        figures = by_county.get(county.pk) or calc.empty_ageing()
        rows.append((county, figures))
    return Ageing(
        as_of=as_of.isoformat(),
        long_term_days=long_term_days(),
        city=_ageing_row(_sum_rows([figures for _, figures in rows])),
        counties=[_ageing_row(figures, county) for county, figures in rows],
    )


def new_long_term_this_year(user: AnyUser, as_of: dt.date) -> LongTerm:
    """Outstanding that crossed the long-term threshold between 1 January and ``as_of``, and all
    the long-term outstanding, per county and in total. Two queries.
    """
    by_county = ageing_by_county(BillMonthTotal.objects.visible_to(user), as_of)
    counties = []
    city_new = city_long = ZERO
    for county in visible_counties(user):
        figures = by_county.get(county.pk) or calc.empty_ageing()
        city_new += figures["new_long_term"]
        city_long += figures["long_term"]
        counties.append(
            LongTermRow(
                new_long_term=figures["new_long_term"],
                long_term=figures["long_term"],
                county=county.code,
                county_name=county.name,
            )
        )
    return LongTerm(
        as_of=as_of.isoformat(),
        year=as_of.year,
        city=LongTermRow(new_long_term=city_new, long_term=city_long),
        counties=counties,
    )


# --------------------------------------------------------------------------- transfers


def _year_months(year: int) -> list[Month]:
    return [Month(year, m) for m in range(1, 13)]


def _limits(user: AnyUser, year: int, city: bool) -> dict[tuple[int | None, dt.date], Decimal]:
    limits = TransferLimit.objects.visible_to(user).filter(month__year=year)
    limits = limits.filter(county__isnull=True) if city else limits.filter(county__isnull=False)
    return {
        (county_id, month): amount
        for county_id, month, amount in limits.values_list("county_id", "month", "amount")
    }


def _transfer_row(
    month: Month, amount: Decimal, accounts: int, limit: Decimal | None
) -> TransferMonth:
    return TransferMonth(
        month=str(month),
        amount=amount,
        accounts=accounts,
        limit=limit,
        over_limit=calc.over_limit(amount, limit),
    )


def transfers_summary(user: AnyUser, year: int) -> list[TransferMonth]:
    """Transfers of each month of ``year`` against the limit (12 rows). City-wide users
    compare the city's total with the provincial limit; a county user their county's transfers
    with its sub-limit. Two queries."""
    transfers = (
        Transfer.objects.visible_to(user)
        .filter(month__year=year)
        .order_by()
        .values("month")
        .annotate(amount=Sum("amount"), accounts=Sum("accounts"))
        .values_list("month", "amount", "accounts")
    )
    sums = {month: (to_cents(amount), accounts or 0) for month, amount, accounts in transfers}
    city = is_city_wide(user)
    limits = _limits(user, year, city=city)
    own = None if city else bound_county_id(user)
    rows = []
    for month in _year_months(year):
        amount, accounts = sums.get(month.first_day, (ZERO, 0))
        rows.append(_transfer_row(month, amount, accounts, limits.get((own, month.first_day))))
    return rows


def transfers_by_county(user: AnyUser, year: int) -> list[CountyTransfers]:
    """Per county in scope: its transfers of each month of ``year`` against the county
    sub-limits, their sum and the months over the limit. Three queries."""
    transfers = (
        Transfer.objects.visible_to(user)
        .filter(month__year=year)
        .order_by()
        .values("county_id", "month")
        .annotate(amount=Sum("amount"), accounts=Sum("accounts"))
        .values_list("county_id", "month", "amount", "accounts")
    )
    sums = {(c, m): (to_cents(a), n or 0) for c, m, a, n in transfers}
    limits = _limits(user, year, city=False)
    result = []
    for county in visible_counties(user):
        months = []
        for month in _year_months(year):
            amount, accounts = sums.get((county.pk, month.first_day), (ZERO, 0))
            limit = limits.get((county.pk, month.first_day))
            months.append(_transfer_row(month, amount, accounts, limit))
        result.append(
            CountyTransfers(
                county=county.code,
                county_name=county.name,
                amount=sum((m.amount for m in months), ZERO),
                accounts=sum(m.accounts for m in months),
                over_limit_months=[m.month for m in months if m.over_limit],
                months=months,
            )
        )
    return result


# --------------------------------------------------------------------------- snapshots


def _snapshot_totals(snapshots: list[ArrearsSnapshot]) -> SnapshotRow:
    billed = sum((s.billed for s in snapshots), ZERO)
    collected = sum((s.collected for s in snapshots), ZERO)
    return SnapshotRow(
        billed=billed,
        collected=collected,
        recovery_rate=calc.recovery_rate(billed, collected),
        outstanding=sum((s.outstanding for s in snapshots), ZERO),
        long_term=sum((s.long_term for s in snapshots), ZERO),
    )


def _snapshot_county(snapshot: ArrearsSnapshot) -> SnapshotRow:
    return SnapshotRow(
        county=snapshot.county.code,
        county_name=snapshot.county.name,
        recovery_month=str(Month.of(snapshot.recovery_month)),
        billed=snapshot.billed,
        collected=snapshot.collected,
        recovery_rate=snapshot.recovery_rate,
        outstanding=snapshot.outstanding,
        long_term=snapshot.long_term,
    )


def _trend_point(as_of: dt.date, snapshots: list[ArrearsSnapshot]) -> TrendPoint:
    total = _snapshot_totals(snapshots)
    return TrendPoint(
        as_of=as_of.isoformat(),
        recovery_month=str(Month.of(snapshots[0].recovery_month)),
        billed=total.billed,
        collected=total.collected,
        recovery_rate=total.recovery_rate,
        outstanding=total.outstanding,
        long_term=total.long_term,
        counties=[_snapshot_county(s) for s in snapshots],
    )


def snapshot_trend(user: AnyUser, weeks: int = 12) -> list[TrendPoint]:
    """The last snapshot of each of the latest ``weeks`` ISO weeks, oldest first, in total and
    per county; ``recovery_month`` is the billing month the recovery is of, which moves on at
    each month's end. Two queries whatever the number of snapshots."""
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
    return [_trend_point(as_of, by_date[as_of]) for as_of in sorted(last_of_week.values())]


def _change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Change of a rate in percentage points (0.0123 → 1.23)."""
    if now is None or before is None:
        return None
    return ((now - before) * 100).quantize(CENT)


def _compared(now: SnapshotRow, before: SnapshotRow | None) -> SnapshotRow:
    """``now`` with the rate and outstanding of ``before`` and the change of the rate."""
    previous_rate = before.recovery_rate if before else None
    return replace(
        now,
        previous_rate=previous_rate,
        change_pp=_change(now.recovery_rate, previous_rate),
        previous_outstanding=before.outstanding if before else None,
    )


def recovery_change_since_last_week(user: AnyUser, as_of: dt.date) -> RecoveryChange:
    """Recovery now (the latest snapshot on or before ``as_of``) against the latest snapshot
    at least seven days older, in total and per county. Three queries."""
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
            _compared(_snapshot_county(snapshot), _snapshot_county(earlier) if earlier else None)
        )
    return RecoveryChange(
        as_of=current.isoformat() if current else None,
        previous_as_of=previous.isoformat() if previous else None,
        city=_compared(now_total, before_total),
        counties=counties,
    )


__all__ = [
    "ageing",
    "ageing_by_county",
    "collected_as_of",
    "in_progress",
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
