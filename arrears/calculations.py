"""Pure arrears arithmetic (docs/rules.md#arrears): due dates, ageing buckets, recovery rates. No
ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marketing_ops.money import ZERO
from marketing_ops.periods import Month

RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Bucket:
    """An ageing bucket: bills from ``lowest`` to ``highest`` days past due (None: no bound)."""

    key: str
    #: The field of ``ArrearsSnapshot`` and the column of the ageing table that hold it.
    field: str
    lowest: int | None
    highest: int | None
    #: How pages, exports and charts name it ("1–30 days").
    label: str | Promise
    #: How the briefing's narrow sheet heads its column ("1–30").
    heading: str | Promise


#: The ageing buckets by days past due, in display order: every number of days falls in
#: exactly one of them (docs/rules.md, "Ageing").
BUCKETS: tuple[Bucket, ...] = (
    Bucket("not_due", "not_due", None, 0, _("Not due"), _("Not due")),
    Bucket("1_30", "days_1_30", 1, 30, _("1–30 days"), _("1–30")),
    Bucket("31_90", "days_31_90", 31, 90, _("31–90 days"), _("31–90")),
    Bucket("91_180", "days_91_180", 91, 180, _("91–180 days"), _("91–180")),
    Bucket("181_365", "days_181_365", 181, 365, _("181–365 days"), _("181–365")),
    Bucket("over_365", "days_over_365", 366, None, _("> 365 days"), _("> 365")),
)
BUCKET_KEYS: tuple[str, ...] = tuple(bucket.key for bucket in BUCKETS)

#: A bill is due at the end of the month this many months after its billing month.
MONTHS_TO_DUE = 1


def due_date(billing_month: dt.date) -> dt.date:
    """A bill for month M is due at the end of month M+1 (docs/rules.md#due-date)."""
    return Month.of(billing_month).shift(MONTHS_TO_DUE).last_day


def month_in_collection(as_of: dt.date) -> Month:
    """The billing month whose bills fall due at the end of ``as_of``'s month.

    On ``as_of`` its bills and those of later months are not yet past due; the bills of every
    earlier month are. It is the month whose recovery is being collected.
    """
    return Month.of(as_of).shift(-MONTHS_TO_DUE)


def latest_due_month(as_of: dt.date) -> Month:
    """The latest billing month whose due date has passed by ``as_of`` (due before that day):
    the month whose recovery the target judges. On 5 December: October (due 30 November)."""
    return month_in_collection(as_of).previous()


def same_day_a_month_earlier(as_of: dt.date) -> dt.date:
    """``as_of``'s day in the month before (the last day when that month is shorter): the day
    the previous billing month had reached in its own collection (the pace)."""
    earlier = Month.of(as_of).previous()
    return min(
        earlier.first_day.replace(day=1) + dt.timedelta(days=as_of.day - 1), earlier.last_day
    )


def days_past_due(billing_month: dt.date, as_of: dt.date) -> int:
    """Days from the due date to ``as_of``; zero or negative while the bill is not yet due."""
    return (as_of - due_date(billing_month)).days


def bucket_for(days: int) -> str:
    """The key of the ageing bucket of a bill that is ``days`` past due."""
    for bucket in BUCKETS:
        if bucket.highest is None or days <= bucket.highest:
            return bucket.key
    raise AssertionError("the last bucket has no upper bound")


def outstanding(billed: Decimal, paid: Decimal) -> Decimal:
    """What is still owed on a bill: ``max(billed - paid, 0)`` (an overpayment owes nothing)."""
    return max(billed - paid, ZERO)


def is_long_term(billing_month: dt.date, as_of: dt.date, long_term_days: int) -> bool:
    """Long-term: due more than ``long_term_days`` days before ``as_of``."""
    return days_past_due(billing_month, as_of) > long_term_days


def became_long_term_in_year(billing_month: dt.date, as_of: dt.date, long_term_days: int) -> bool:
    """Long-term as of ``as_of`` and crossed the threshold on or after 1 January of its year."""
    if not is_long_term(billing_month, as_of, long_term_days):
        return False
    crossed_on = due_date(billing_month) + dt.timedelta(days=long_term_days + 1)
    return crossed_on >= dt.date(as_of.year, 1, 1)


def empty_ageing() -> dict[str, Decimal]:
    """Zero amounts for every bucket plus ``total``, ``long_term`` and ``new_long_term``."""
    return dict.fromkeys((*BUCKET_KEYS, "total", "long_term", "new_long_term"), ZERO)


def add_to_ageing(
    ageing: dict[str, Decimal],
    billing_month: dt.date,
    amount: Decimal,
    as_of: dt.date,
    long_term_days: int,
) -> None:
    """Add the outstanding ``amount`` of bills of ``billing_month`` to an ageing row in place.

    Each amount lands in exactly one bucket and in ``total``, so the buckets sum to the total.
    """
    days = days_past_due(billing_month, as_of)
    ageing[bucket_for(days)] += amount
    ageing["total"] += amount
    if days > long_term_days:
        ageing["long_term"] += amount
        if became_long_term_in_year(billing_month, as_of, long_term_days):
            ageing["new_long_term"] += amount


def ageing_of(
    bills: Iterable[tuple[dt.date, Decimal, Decimal]], as_of: dt.date, long_term_days: int = 90
) -> dict[str, Decimal]:
    """Ageing of ``(billing_month, billed, paid)`` bills as of a date; later months are ignored."""
    ageing = empty_ageing()
    last_month = as_of.replace(day=1)
    for billing_month, billed, paid in bills:
        owed = outstanding(billed, paid)
        if owed and billing_month <= last_month:
            add_to_ageing(ageing, billing_month, owed, as_of, long_term_days)
    return ageing


def collected(billed: Decimal, paid: Decimal) -> Decimal:
    """What counts as collected on a bill: payment up to the bill (overpayment does not count)."""
    return min(paid, billed)


def recovery_rate(billed: Decimal, collected_amount: Decimal) -> Decimal | None:
    """``collected / billed`` as a 4-place fraction, or None when nothing was billed."""
    if billed <= 0:
        return None
    return (collected_amount / billed).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def recovery_of(
    bills: Iterable[tuple[Decimal, Decimal]],
) -> tuple[Decimal, Decimal, Decimal | None]:
    """``(billed, collected, rate)`` over ``(billed, paid)`` bills with billed > 0
    (docs/rules.md#arrears)."""
    billed_total = ZERO
    collected_total = ZERO
    for billed, paid in bills:
        if billed > 0:
            billed_total += billed
            collected_total += collected(billed, paid)
    return billed_total, collected_total, recovery_rate(billed_total, collected_total)


def meets_target(billed: Decimal, collected_amount: Decimal, target: Decimal) -> bool | None:
    """Whether what was collected reaches ``target`` of what was billed; None when nothing was
    billed. Compared on the amounts, not on the 4-place rate: 97,995.00 of 100,000.00 shows as
    98.00% but falls 5.00 short of a 98% target."""
    if billed <= 0:
        return None
    return collected_amount >= target * billed


def over_limit(amount: Decimal, limit: Decimal | None) -> bool:
    """A month's transfers are over the limit when a limit is set and the amount exceeds it."""
    return limit is not None and amount > limit
