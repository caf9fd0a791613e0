"""Collection work writes (docs/rules.md#collection): actions and promises recorded on overdue
accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Account, CollectionAction
from marketing_ops import formatting
from marketing_ops.access import WRITING_ROLES, bound_county_id, has_role, is_city_wide
from marketing_ops.money import to_cents

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser

Kind = CollectionAction.Kind
Status = Account.Status

#: Actions that change what the account may do: the status it has afterwards.
STATUS_AFTER: dict[str, str] = {
    Kind.SINGLE_STOP: Status.SINGLE_STOP,
    Kind.DOUBLE_STOP: Status.DOUBLE_STOP,
    Kind.RESTORE: Status.ACTIVE,
}


#: The service actions that make sense from each status: a stop that is not already in place,
#: a restore of a stopped service; none on a dismantled account (it has no service).
SERVICE_ACTIONS_FROM: dict[str, tuple[str, ...]] = {
    Status.ACTIVE: (Kind.SINGLE_STOP, Kind.DOUBLE_STOP),
    Status.SINGLE_STOP: (Kind.DOUBLE_STOP, Kind.RESTORE),
    Status.DOUBLE_STOP: (Kind.SINGLE_STOP, Kind.RESTORE),
    Status.DISMANTLED: (),
}


def actions_for(account: Account) -> list[str]:
    """The kinds of action that fit ``account``'s status, in the order of ``Kind``."""
    fitting = SERVICE_ACTIONS_FROM.get(account.status, ())
    return [kind for kind in Kind.values if kind not in STATUS_AFTER or kind in fitting]


def may_record_actions(user: AnyUser, account: Account) -> bool:
    """County staff of the account's county, city staff and city admins work accounts;
    managers and auditors only read the action log."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not has_role(user, *WRITING_ROLES):
        return False
    return is_city_wide(user) or bound_county_id(user) == account.county_id


def _validate(
    *,
    account: Account,
    kind: str,
    happened_on: dt.date,
    promise_date: dt.date | None,
    promise_amount: Decimal | None,
    owner: User | None,
    today: dt.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Unknown action %(kind)r; use one of %(kinds)s.") % {
            "kind": kind,
            "kinds": ", ".join(Kind.values),
        }
    if happened_on > today:
        errors["happened_on"] = _("An action cannot be recorded for a day that has not come yet.")
    elif happened_on < account.opened_on:
        errors["happened_on"] = _(
            "The account was opened on %(day)s; an action cannot come before that."
        ) % {"day": formatting.date(account.opened_on)}
    if kind == Kind.PROMISE:
        if promise_date is None:
            errors["promise_date"] = _("A promise needs the date the customer will pay.")
        elif promise_date <= today:
            errors["promise_date"] = _("The promised date must be after today (%(day)s).") % {
                "day": formatting.date(today)
            }
        if promise_amount is None or promise_amount <= 0:
            errors["promise_amount"] = _("A promise needs the amount the customer will pay (> 0).")
    elif promise_date is not None or promise_amount is not None:
        errors["promise_date"] = _("Only a promise to pay has a promised date and amount.")
    if kind in STATUS_AFTER and account.status == Status.DISMANTLED:
        errors["kind"] = _(
            "The account is dismantled: its service can no longer be stopped or restored."
        )
    elif kind in STATUS_AFTER and kind not in actions_for(account):
        errors["kind"] = _(
            "The account is already %(status)s: “%(action)s” would change nothing."
        ) % {
            "status": Status(account.status).label.lower(),
            "action": Kind(kind).label,
        }
    if owner is not None and not may_record_actions(owner, account):
        errors["owner"] = _("%(owner)s may not work accounts of %(county)s.") % {
            "owner": owner,
            "county": account.county.name,
        }
    return errors


def action_record(
    *,
    account: Account,
    kind: str,
    happened_on: dt.date,
    result: str,
    promise_date: dt.date | None = None,
    promise_amount: Decimal | None = None,
    owner: User | None,
    created_by: User,
    today: dt.date | None = None,
) -> CollectionAction:
    """Record a collection action on an account.

    A promise needs a date after today and an amount above zero. Stops and restores also set
    the account's status (dated ``happened_on``) so that the worklist shows the service state
    the staff left it in; the next accounts import from the billing system still wins.
    Raises ValidationError naming the field when the action is not acceptable.
    """
    today = today or timezone.localdate()
    errors = _validate(
        account=account,
        kind=kind,
        happened_on=happened_on,
        promise_date=promise_date,
        promise_amount=promise_amount,
        owner=owner,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = CollectionAction.objects.create(
            account=account,
            kind=kind,
            happened_on=happened_on,
            result=result.strip(),
            promise_date=promise_date,
            promise_amount=to_cents(promise_amount) if promise_amount is not None else None,
            owner=owner,
            created_by=created_by,
        )
        new_status = STATUS_AFTER.get(kind)
        if new_status:
            locked = Account.objects.select_for_update().get(pk=account.pk)
            if locked.status != new_status:
                locked.status = new_status
                locked.status_changed_on = happened_on
                locked.save(update_fields=["status", "status_changed_on"])
                account.status, account.status_changed_on = new_status, happened_on
    return action
