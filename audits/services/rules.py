"""The verification rules R1–R6 over the refunds and dismantles (docs/rules.md#verification-items).

Each rule is one set-based read of its hits over the window it needs and one insert of the new
items (``ignore_conflicts`` on the unique rule × record constraints: an item is created once,
ever, however often the rules run). Nothing here runs a query per record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from arrears.models import Account, Bill
from audits.calculations import latest_past_due_billing_month, money_text
from audits.models import DismantleRecord, RefundRecord, VerificationItem
from marketing_ops import formatting

Rule = VerificationItem.Rule


def _r1_days() -> int:
    return int(settings.AUDIT_R1_DAYS)


def _r2_days() -> int:
    return int(settings.AUDIT_R2_DAYS)


def _refund_item(
    refund: RefundRecord, rule: str, params: dict, explanation: str
) -> VerificationItem:
    return VerificationItem(
        rule=rule,
        refund=refund,
        county_id=refund.county_id,
        business_date=refund.business_date,
        account_no=refund.account_no,
        order_no=refund.order_no,
        amount=refund.amount,
        parameters=params,
        explanation=explanation,
    )


def _dismantle_item(
    dismantle: DismantleRecord, rule: str, params: dict, explanation: str
) -> VerificationItem:
    return VerificationItem(
        rule=rule,
        dismantle=dismantle,
        county_id=dismantle.county_id,
        business_date=dismantle.business_date,
        account_no=dismantle.account_no,
        order_no=dismantle.order_no,
        amount=None,
        parameters=params,
        explanation=explanation,
    )


def _create(items: Iterable[VerificationItem]) -> int:
    """Insert the items that do not exist yet; return how many rules × records were hit."""
    items = list(items)
    VerificationItem.objects.bulk_create(items, ignore_conflicts=True, batch_size=2000)
    return len(items)


def _r1(start: dt.date, end: dt.date) -> list[VerificationItem]:
    days = _r1_days()
    earlier = (
        RefundRecord.objects.filter(
            account_no=OuterRef("account_no"),
            refund_type=OuterRef("refund_type"),
            amount=OuterRef("amount"),
            business_date__gte=OuterRef("business_date") - dt.timedelta(days=days),
            business_date__lte=OuterRef("business_date"),
        )
        .filter(
            Q(business_date__lt=OuterRef("business_date")) | Q(order_no__lt=OuterRef("order_no"))
        )
        .order_by("-business_date", "-order_no")
    )
    hits = (
        RefundRecord.objects.filter(business_date__range=(start, end))
        .annotate(
            earlier_order=Subquery(earlier.values("order_no")[:1]),
            earlier_date=Subquery(earlier.values("business_date")[:1]),
        )
        .filter(earlier_order__isnull=False)
    )
    items = []
    for refund in hits:
        earlier_date = refund.earlier_date
        if isinstance(earlier_date, str):  # SQLite hands a subquery's date back as text
            earlier_date = dt.date.fromisoformat(earlier_date)
        earlier_order = refund.earlier_order
        items.append(
            _refund_item(
                refund,
                Rule.R1,
                {
                    "days": days,
                    "earlier_order_no": earlier_order,
                    "earlier_date": str(earlier_date),
                },
                _(
                    "Refund %(amount)s of order %(order)s repeats order %(earlier)s of %(date)s: "
                    "same account, type and amount within %(days)d days."
                )
                % {
                    "amount": money_text(refund.amount),
                    "order": refund.order_no,
                    "earlier": earlier_order,
                    "date": formatting.date(earlier_date),
                    "days": days,
                },
            )
        )
    return items


def _dismantle_near(days: int) -> Exists:
    return Exists(
        DismantleRecord.objects.filter(
            account_no=OuterRef("account_no"),
            business_date__gte=OuterRef("business_date") - dt.timedelta(days=days),
            business_date__lte=OuterRef("business_date") + dt.timedelta(days=days),
        )
    )


def _r2(start: dt.date, end: dt.date) -> list[VerificationItem]:
    days = _r2_days()
    hits = RefundRecord.objects.filter(
        business_date__range=(start, end), refund_type=RefundRecord.Type.DEPOSIT
    ).filter(~_dismantle_near(days))
    return [
        _refund_item(
            refund,
            Rule.R2,
            {"days": days},
            _(
                "Deposit refund %(amount)s of order %(order)s: no dismantle of account "
                "%(account)s within %(days)d days of %(date)s."
            )
            % {
                "amount": money_text(refund.amount),
                "order": refund.order_no,
                "account": refund.account_no,
                "days": days,
                "date": formatting.date(refund.business_date),
            },
        )
        for refund in hits
    ]


def _r3(start: dt.date, end: dt.date) -> list[VerificationItem]:
    deposit = Account.objects.filter(account_no=OuterRef("account_no")).values("deposit")[:1]
    hits = (
        RefundRecord.objects.filter(
            business_date__range=(start, end), refund_type=RefundRecord.Type.DEPOSIT
        )
        .annotate(deposit=Subquery(deposit))
        .filter(deposit__isnull=False, amount__gt=F("deposit"))
    )
    items = []
    for refund in hits:
        deposit_amount = Decimal(refund.deposit)
        items.append(
            _refund_item(
                refund,
                Rule.R3,
                {"deposit": money_text(deposit_amount)},
                _(
                    "Deposit refund %(amount)s of order %(order)s is larger than the deposit "
                    "%(deposit)s on record for account %(account)s."
                )
                % {
                    "amount": money_text(refund.amount),
                    "order": refund.order_no,
                    "deposit": money_text(deposit_amount),
                    "account": refund.account_no,
                },
            )
        )
    return items


def _r6(start: dt.date, end: dt.date) -> list[VerificationItem]:
    threshold = Decimal(settings.REFUND_REVIEW_THRESHOLD)
    hits = RefundRecord.objects.filter(business_date__range=(start, end), amount__gt=threshold)
    return [
        _refund_item(
            refund,
            Rule.R6,
            {"threshold": money_text(threshold)},
            _("Refund %(amount)s of order %(order)s is above the review threshold %(threshold)s.")
            % {
                "amount": money_text(refund.amount),
                "order": refund.order_no,
                "threshold": money_text(threshold),
            },
        )
        for refund in hits
    ]


def _r4(start: dt.date, end: dt.date) -> list[VerificationItem]:
    hits = DismantleRecord.objects.filter(
        business_date__range=(start, end),
        terminal_returned=False,
        business_line__uses_terminal=True,
    ).select_related("business_line")
    return [
        _dismantle_item(
            dismantle,
            Rule.R4,
            {"business_line": dismantle.business_line.code},
            (
                _(
                    "Dismantle %(order)s of account %(account)s on %(line)s: the terminal "
                    "%(serial)s was not returned."
                )
                if dismantle.terminal_serial
                else _(
                    "Dismantle %(order)s of account %(account)s on %(line)s: the terminal was "
                    "not returned."
                )
            )
            % {
                "order": dismantle.order_no,
                "account": dismantle.account_no,
                "line": dismantle.business_line.name,
                "serial": dismantle.terminal_serial,
            },
        )
        for dismantle in hits
    ]


def _r5(start: dt.date, end: dt.date) -> list[VerificationItem]:
    # One query per business date in the window (an import holds a day or a few), never per row.
    days = DismantleRecord.objects.filter(business_date__range=(start, end)).values_list(
        "business_date", flat=True
    )
    items = []
    for day in sorted(set(days)):
        last_month = latest_past_due_billing_month(day)
        unpaid = Bill.objects.filter(
            account__account_no=OuterRef("account_no"), billing_month__lte=last_month
        ).filter(Q(amount_paid__lt=F("amount_billed")) | Q(paid_on__gt=day))
        oldest = unpaid.order_by("billing_month").values("billing_month")[:1]
        hits = (
            DismantleRecord.objects.filter(business_date=day)
            .annotate(oldest=Subquery(oldest))
            .filter(oldest__isnull=False)
        )
        for dismantle in hits:
            oldest_month = dismantle.oldest
            if isinstance(oldest_month, str):  # SQLite hands a subquery's date back as text
                oldest_month = dt.date.fromisoformat(oldest_month)
            items.append(
                _dismantle_item(
                    dismantle,
                    Rule.R5,
                    {"oldest_unpaid_month": f"{oldest_month:%Y-%m}"},
                    _(
                        "Dismantle %(order)s of account %(account)s on %(date)s: the bill of "
                        "%(month)s is past due and not paid in full."
                    )
                    % {
                        "order": dismantle.order_no,
                        "account": dismantle.account_no,
                        "date": formatting.date(day),
                        "month": formatting.month(oldest_month),
                    },
                )
            )
    return items


def _close_explained_r2(start: dt.date, end: dt.date) -> int:
    """Close the open R2 items that a dismantle of the window now explains."""
    days = _r2_days()
    window = (start - dt.timedelta(days=days), end + dt.timedelta(days=days))
    explaining = DismantleRecord.objects.filter(
        account_no=OuterRef("account_no"),
        business_date__gte=OuterRef("business_date") - dt.timedelta(days=days),
        business_date__lte=OuterRef("business_date") + dt.timedelta(days=days),
    ).order_by("business_date", "order_no")
    return (
        VerificationItem.objects.filter(
            rule=Rule.R2,
            status=VerificationItem.Status.OPEN,
            business_date__range=window,
        )
        .filter(Exists(explaining))
        .update(
            status=VerificationItem.Status.EXPLAINED,
            explained_by=Subquery(explaining.values("order_no")[:1]),
        )
    )


@transaction.atomic
def rules_run_refunds(*, start: dt.date, end: dt.date) -> int:
    """Run R1, R2, R3 and R6 over the refunds of ``start``..``end``; return the hits."""
    return _create([*_r1(start, end), *_r2(start, end), *_r3(start, end), *_r6(start, end)])


@transaction.atomic
def rules_run_dismantles(*, start: dt.date, end: dt.date) -> int:
    """Run R4 and R5 over the dismantles of ``start``..``end``, and close the open R2 items
    they explain; return the hits."""
    _close_explained_r2(start, end)
    return _create([*_r4(start, end), *_r5(start, end)])
