"""The per month × county sums of the bills (``BillMonthTotal``), kept in step with the bills.

The recovery and ageing indicators read these rows instead of summing a million bills on every
request (bench/README.md#targets). Every write of bills refreshes the months it touched, in the same
transaction: the bills import (``bill_months.write_month``), an accounts import that moves
accounts to another county, the demo data, and one-bill saves and deletes (admin, the ORM) by
the signal handlers below. A refresh recomputes the months from the bills with one grouped query,
so it cannot drift; ``manage.py arrears_totals --check`` compares every row with the bills.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum

from arrears.bulk import partitions
from arrears.models import Bill, BillMonthTotal
from marketing_ops.money import to_cents

FIGURES = ("bills", "billed", "collected", "outstanding")


def _sums(bills: QuerySet) -> list[BillMonthTotal]:
    """The totals of ``bills`` grouped by month and county (one query)."""
    rows = (
        bills.order_by()
        .values("billing_month", "county_id")
        .annotate(
            count=Count("id"),
            billed_sum=Sum("amount_billed"),
            owed_sum=Sum(
                F("amount_billed") - F("amount_paid"),
                filter=Q(amount_billed__gt=F("amount_paid")),
            ),
        )
    )
    # What was collected, up to each bill (min(paid, billed)), is what was billed less what is
    # owed: one sum fewer over a month's million bills.
    return [
        BillMonthTotal(
            billing_month=row["billing_month"],
            county_id=row["county_id"],
            bills=row["count"],
            billed=to_cents(row["billed_sum"]),
            collected=to_cents(row["billed_sum"]) - to_cents(row["owed_sum"]),
            outstanding=to_cents(row["owed_sum"]),
        )
        for row in rows
    ]


@transaction.atomic
def refresh(months: Iterable[dt.date] | None = None, county_id: int | None = None) -> int:
    """Recompute the totals of ``months`` (every month when None), of one county or all, from
    the bills; returns how many rows it wrote. Three queries, whatever the number of bills.

    Holds the bills write lock (PostgreSQL) first, so that a one-bill save during an import of
    the same month waits for it and then sums what it wrote, instead of racing it."""
    partitions.lock_bills()
    bills = Bill.objects.all()
    totals = BillMonthTotal.objects.all()
    if months is not None:
        months = sorted(set(months))
        if not months:
            return 0
        bills = bills.filter(billing_month__in=months)
        totals = totals.filter(billing_month__in=months)
    if county_id is not None:
        bills = bills.filter(county_id=county_id)
        totals = totals.filter(county_id=county_id)
    fresh = _sums(bills)
    totals.delete()
    BillMonthTotal.objects.bulk_create(fresh)
    return len(fresh)


def differences() -> list[tuple[dt.date, int, str, Any, Any]]:
    """``(billing_month, county_id, figure, stored, from the bills)`` wherever the stored totals
    differ from the bills; empty when they agree."""
    stored = {(t.billing_month, t.county_id): t for t in BillMonthTotal.objects.all()}
    fresh = {(t.billing_month, t.county_id): t for t in _sums(Bill.objects.all())}
    found = []
    for key in sorted(stored.keys() | fresh.keys()):
        have, want = stored.get(key), fresh.get(key)
        for figure in FIGURES:
            a = getattr(have, figure) if have else None
            b = getattr(want, figure) if want else None
            if a != b:
                found.append((*key, figure, a, b))
    return found


# --------------------------------------------------------------------------- one-bill writes
#
# The one signal of the project (STYLE allows it here and nowhere else). Bulk writes of bills
# refresh their months explicitly above; a single bill, though, is also written where no service
# of ours runs: the admin's change and delete pages, an account's delete cascading to its bills,
# a shell. A handler on Bill's post_save/post_delete (connected in ``ArrearsConfig.ready``) is the
# one place that sees all of them, so the totals cannot drift whichever way a bill changed. The
# handlers hold no rule: they only recompute the month × county rows the bill counts in, in the
# same transaction as the write.


def _refresh_places(bill: Bill) -> None:
    """Refresh where ``bill`` counts now and where it counted when loaded (``Bill.from_db``)."""
    places = {(bill.billing_month, bill.county_id), getattr(bill, "_counted_in", (None, None))}
    for month, county_id in places:
        if month is not None and county_id is not None:
            refresh([month], county_id)


def bill_saved(sender: Any, instance: Bill, **kwargs: Any) -> None:
    _refresh_places(instance)
    instance._counted_in = (instance.billing_month, instance.county_id)


def bill_deleted(sender: Any, instance: Bill, **kwargs: Any) -> None:
    _refresh_places(instance)
