"""Scoped lists of records the arrears pages show as they are: an account's bills and action
log, transfers and limits. Every queryset goes through ``visible_to``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet

from arrears import calculations as calc
from arrears.models import Account, Bill, CollectionAction, Transfer, TransferLimit
from marketing_ops.money import ZERO

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def account_bills(user: AnyUser, account: Account) -> list[Bill]:
    """The account's bills, latest month first (a few dozen at most: one query)."""
    return list(Bill.objects.visible_to(user).filter(account=account).order_by("-billing_month"))


def account_actions(user: AnyUser, account: Account) -> QuerySet[CollectionAction]:
    return (
        CollectionAction.objects.visible_to(user)
        .filter(account=account)
        .select_related("owner__profile", "created_by__profile")
        .order_by("-happened_on", "-id")
    )


@dataclass(frozen=True)
class AccountSummary:
    """What an account owes in all and on bills already due, and since when (None: nothing due
    is owed)."""

    outstanding: Decimal
    overdue: Decimal
    oldest_due: dt.date | None
    days_overdue: int | None


def account_summary(bills: Sequence[Bill], as_of: dt.date) -> AccountSummary:
    """What the account owes in all and on bills already due, and since when."""
    owing = [
        (bill.billing_month, calc.outstanding(bill.amount_billed, bill.amount_paid))
        for bill in bills
    ]
    owing = [(month, amount) for month, amount in owing if amount > 0]
    due = [(month, amount) for month, amount in owing if calc.days_past_due(month, as_of) > 0]
    oldest = min((month for month, _ in due), default=None)
    return AccountSummary(
        outstanding=sum((amount for _, amount in owing), ZERO),
        overdue=sum((amount for _, amount in due), ZERO),
        oldest_due=calc.due_date(oldest) if oldest else None,
        days_overdue=calc.days_past_due(oldest, as_of) if oldest else None,
    )


def transfers_for(user: AnyUser) -> QuerySet[Transfer]:
    return Transfer.objects.visible_to(user).select_related(
        "county", "approver__profile", "created_by__profile"
    )


def limits_for(user: AnyUser, year: int) -> QuerySet[TransferLimit]:
    """Limits of ``year`` the user sees: a county user only their county's sub-limits."""
    return (
        TransferLimit.objects.visible_to(user)
        .filter(month__year=year)
        .select_related("county", "set_by__profile")
        .order_by("month", F("county__sort_order").asc(nulls_first=True))
    )
