"""An account's county and its bills (docs/rules.md#accounts-and-bills): bills carry their
account's county so that
the per-county figures need no join to a million accounts; whoever moves an account moves its
bills, in the same transaction, and the month × county totals with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from arrears.bulk import partitions
from arrears.models import Account, Bill
from arrears.services import bill_totals
from marketing_ops import formatting

#: Accounts whose bills one UPDATE moves (bounds the statement's list of ids).
ACCOUNTS_PER_UPDATE = 10_000


def _move_bills(account_ids: Sequence[int]) -> int:
    """Set the county of every bill of ``account_ids`` to its account's: one set-based UPDATE
    per ``ACCOUNTS_PER_UPDATE`` accounts, never one per bill. Returns the bills updated."""
    county = Account.objects.filter(pk=OuterRef("account_id")).values("county_id")[:1]
    moved = 0
    for start in range(0, len(account_ids), ACCOUNTS_PER_UPDATE):
        chunk = account_ids[start : start + ACCOUNTS_PER_UPDATE]
        moved += Bill.objects.filter(account_id__in=chunk).update(county_id=Subquery(county))
    return moved


@transaction.atomic
def bills_follow_accounts(account_ids: Sequence[int]) -> int:
    """After an import moved ``account_ids`` to other counties: their bills follow, and every
    month's totals are recomputed (one grouped query, cheaper than finding the months of
    thousands of accounts). Returns the bills moved."""
    if not account_ids:
        return 0
    partitions.lock_bills()
    moved = _move_bills(account_ids)
    bill_totals.refresh()
    return moved


@transaction.atomic
def bills_follow_account(*, account: Account, previous_county_id: int) -> int:
    """After ``account`` was saved with another county than ``previous_county_id``: its bills
    follow, and the totals of their months are recomputed in the county they left and the one
    they joined. Returns the bills moved."""
    if account.county_id == previous_county_id:
        return 0
    partitions.lock_bills()
    months: list[dt.date] = list(
        Bill.objects.filter(account=account).values_list("billing_month", flat=True)
    )
    moved = _move_bills([account.pk])
    for county_id in (previous_county_id, account.county_id):
        bill_totals.refresh(months, county_id)
    return moved


@transaction.atomic
def account_dismantle(*, account: Account, on: dt.date) -> Account:
    """Dismantle ``account`` on ``on``: status ``dismantled`` dated that day. The reason stays
    with whoever asked (a false-user case keeps "false user" in its history). The next
    accounts import from the billing system still wins. Raises ValidationError naming the
    field when the account is already dismantled or ``on`` comes before it was opened."""
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if locked.status == Account.Status.DISMANTLED:
        raise ValidationError(
            {"account": _("Account %(no)s is already dismantled.") % {"no": locked.account_no}}
        )
    if on < locked.opened_on:
        raise ValidationError(
            {
                "on": _("The account was opened on %(day)s; it cannot be dismantled before.")
                % {"day": formatting.date(locked.opened_on)}
            }
        )
    locked.status = Account.Status.DISMANTLED
    locked.status_changed_on = on
    locked.save(update_fields=["status", "status_changed_on"])
    account.status, account.status_changed_on = locked.status, on
    return account
