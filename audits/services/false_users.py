"""False users (docs/rules.md#false-users): the rule that finds suspects over the bills, reports
by hand, and the steps of a case — confirm, clear with a reason, remove (which dismantles the
account through arrears)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Account
from arrears.services import accounts as account_writes
from audits.models import FalseUserCase, FalseUserEvent
from audits.selectors import false_users as reads
from marketing_ops import formatting
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser

Status = FalseUserCase.Status
Action = FalseUserEvent.Action

#: Rows per INSERT of the rule's cases and their history.
BATCH = 2_000


@transaction.atomic
def false_users_find(*, now: dt.datetime | None = None) -> int:
    """The rule: every account in service billed 0 for ``FALSE_USER_ZERO_MONTHS`` consecutive
    months ending with the latest billed month, and never paid, becomes a suspected case,
    unless it already has a case. One set-based query finds them; a second run (or two at
    once) creates nothing new: the one-open-case constraint ignores a second insert. Returns
    how many cases were created."""
    now = now or timezone.now()
    months = settings.FALSE_USER_ZERO_MONTHS
    latest = reads.latest_billed_month()
    if latest is None:
        return 0
    first, last = reads.rule_window(latest, months)
    suspects = reads.rule_suspects(first=first, last=last, months=months)
    reason = _(
        "Billed 0.00 in each of the %(months)d months %(first)s to %(last)s and never paid."
    ) % {"months": months, "first": formatting.month(first), "last": formatting.month(last)}
    parameters = {"months": months, "first": str(Month.of(first)), "last": str(Month.of(last))}
    FalseUserCase.objects.bulk_create(
        (
            FalseUserCase(
                account_id=account_id,
                county_id=county_id,
                source=FalseUserCase.Source.RULE,
                reason=reason,
                parameters=parameters,
                reported_at=now,
            )
            for account_id, county_id in suspects.values_list("pk", "county_id").iterator()
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    # The cases this run inserted carry its timestamp; their "found" step goes into history.
    created = list(
        FalseUserCase.objects.filter(
            source=FalseUserCase.Source.RULE, reported_at=now, events__isnull=True
        ).values_list("pk", flat=True)
    )
    FalseUserEvent.objects.bulk_create(
        (
            FalseUserEvent(
                case_id=pk, action=Action.FOUND, at=now, note=reason, status_after=Status.SUSPECTED
            )
            for pk in created
        ),
        batch_size=BATCH,
    )
    return len(created)


def _event(case: FalseUserCase, action: str, user: AnyUser, at: dt.datetime, note: str) -> None:
    FalseUserEvent.objects.create(
        case=case,
        action=action,
        user_id=getattr(user, "pk", None),
        at=at,
        note=note,
        status_after=case.status,
    )


@transaction.atomic
def false_user_report(*, user: User, account_no: str, reason: str) -> FalseUserCase:
    """Report an account of the reporter's scope as a suspected false user, with a reason.
    County staff, auditors and city staff; refused for a dismantled account or one with an
    open case."""
    if not reads.may_report(user):
        raise PermissionDenied(
            _("False users are reported by county staff, auditors and city staff.")
        )
    account_no = (account_no or "").strip()
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    # Locked so that two reports of the same account queue, and the second sees the first.
    account = (
        Account.objects.visible_to(user).select_for_update().filter(account_no=account_no).first()
    )
    if account is None:
        errors["account_no"] = _("No account %(no)s in your counties.") % {"no": account_no}
    elif account.status == Account.Status.DISMANTLED:
        errors["account_no"] = _("Account %(no)s is already dismantled.") % {"no": account_no}
    else:
        open_case = FalseUserCase.objects.filter(
            account=account, status__in=FalseUserCase.OPEN_STATUSES
        ).first()
        if open_case is not None:
            errors["account_no"] = _("Account %(no)s already has an open case (#%(case)d).") % {
                "no": account_no,
                "case": open_case.pk,
            }
    if not reason:
        errors["reason"] = _("Say why the account looks like a false user.")
    if errors:
        raise ValidationError(errors)
    assert account is not None
    now = timezone.now()
    case = FalseUserCase.objects.create(
        account=account,
        county_id=account.county_id,
        source=FalseUserCase.Source.MANUAL,
        reason=reason,
        reported_by=user,
        reported_at=now,
    )
    _event(case, Action.REPORTED, user, now, reason)
    return case


def _locked(case: FalseUserCase, user: AnyUser) -> FalseUserCase:
    if not reads.may_decide(user, case):
        raise PermissionDenied(
            _("False-user cases are decided by auditors and city staff of their county.")
        )
    return FalseUserCase.objects.select_for_update().select_related("account").get(pk=case.pk)


def _refuse_unless(case: FalseUserCase, *statuses: str) -> None:
    if case.status not in statuses:
        raise ValidationError(
            {"status": _("The case is %(status)s.") % {"status": case.get_status_display()}}
        )


@transaction.atomic
def false_user_confirm(*, case: FalseUserCase, user: User, note: str = "") -> FalseUserCase:
    """A suspected case is confirmed: the account is a false user, to be removed."""
    case = _locked(case, user)
    _refuse_unless(case, Status.SUSPECTED)
    now = timezone.now()
    note = (note or "").strip()
    case.status = Status.CONFIRMED
    case.confirmed_by, case.confirmed_at = user, now
    if note:
        case.notes = "\n".join(filter(None, (case.notes, note)))
    case.save(update_fields=["status", "confirmed_by", "confirmed_at", "notes"])
    _event(case, Action.CONFIRMED, user, now, note)
    return case


@transaction.atomic
def false_user_clear(*, case: FalseUserCase, user: User, reason: str) -> FalseUserCase:
    """An open case is cleared with a reason: the account is a real user."""
    case = _locked(case, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the account is not a false user.")})
    _refuse_unless(case, *FalseUserCase.OPEN_STATUSES)
    now = timezone.now()
    case.status = Status.CLEARED
    case.closed_by, case.closed_at = user, now
    case.notes = "\n".join(filter(None, (case.notes, reason)))
    case.save(update_fields=["status", "closed_by", "closed_at", "notes"])
    _event(case, Action.CLEARED, user, now, reason)
    return case


@transaction.atomic
def false_user_remove(
    *, case: FalseUserCase, user: User, removed_on: dt.date | None = None, note: str = ""
) -> FalseUserCase:
    """A confirmed case is removed: the account is dismantled on ``removed_on`` (default
    today), reason "false user", through arrears' service."""
    case = _locked(case, user)
    _refuse_unless(case, Status.CONFIRMED)
    now = timezone.now()
    today = timezone.localdate(now)
    removed_on = removed_on or today
    if removed_on > today:
        raise ValidationError({"removed_on": _("An account cannot be removed on a future day.")})
    account = case.account
    if account.status == Account.Status.DISMANTLED:
        # Dismantled meanwhile (an accounts import): the case closes, the account stays as is.
        what = _("The account was already dismantled on %(day)s.") % {
            "day": formatting.date(account.status_changed_on)
        }
    else:
        try:
            account_writes.account_dismantle(account=account, on=removed_on)
        except ValidationError as error:
            raise ValidationError({"removed_on": error.messages})
        what = _("Account dismantled on %(day)s, reason: false user.") % {
            "day": formatting.date(removed_on)
        }
    note = (note or "").strip()
    case.status = Status.REMOVED
    case.removed_on = removed_on
    case.closed_by, case.closed_at = user, now
    if note:
        case.notes = "\n".join(filter(None, (case.notes, note)))
    case.save(update_fields=["status", "removed_on", "closed_by", "closed_at", "notes"])
    _event(case, Action.REMOVED, user, now, " ".join(filter(None, (what, note))))
    return case
