"""Writes of the cash-flow reconciliations (docs/rules.md#cash-flow): entering a county's month
(form, API), the ``cashflow`` dataset's rows in one go, and the 1 → 2 → 3 sign-off through the
shared ``services.signoffs``.

Every write locks the reconciliation's row, checks the ``version`` the writer read (a stale one
raises CashFlowConflict, answered 409), bumps it when something changed, and voids the
sign-offs the change made stale (kept, naming the change)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits import calculations
from audits.models import CashFlowReconciliation, CashFlowSignOff
from audits.selectors import cashflow as reads
from audits.services import signoffs
from audits.services.audits import actor_id
from marketing_ops import formatting
from marketing_ops.access import check_county
from marketing_ops.models import County
from marketing_ops.money import CENT, MONEY_DIGITS, has_fraction_of_a_cent
from marketing_ops.periods import Month, business_window

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: A row of the ``cashflow`` dataset as the service takes it:
#: county id, month, receivable, received, explanation.
CashFlowRow = tuple[int, Month, Decimal, Decimal, str]


class CashFlowConflict(signoffs.SignOffConflict):
    """The reconciliation changed since the writer read it (``version`` is the one it has
    now), or a level signs out of order (API: 409)."""

    already_signed = gettext_lazy("Level %(level)d has already signed this reconciliation.")
    not_signed = gettext_lazy("Level %(missing)d has not signed this reconciliation passed yet.")

    def __init__(self, message: str, version: int | None = None) -> None:
        super().__init__(message)
        self.version = version


# --------------------------------------------------------------------------- rules


def month_has_ended(month: Month, today: dt.date) -> bool:
    """A month is reconciled once it has ended: its receivable is only known then."""
    return month.last_day < today


def clean_month(month: Month, today: dt.date) -> Month:
    """``month`` within the business window and ended, else a ValidationError on ``month``."""
    try:
        business_window().check_month(month)
    except ValueError as error:
        raise ValidationError({"month": str(error)})
    if not month_has_ended(month, today):
        raise ValidationError(
            {
                "month": _("%(month)s has not ended yet; reconcile it from %(day)s.")
                % {
                    "month": formatting.month(month),
                    "day": formatting.date(month.next().first_day),
                }
            }
        )
    return month


def clean_amount(field: str, value: Any) -> Decimal:
    """An amount ≥ 0 with at most two decimals that a money column holds."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Expected an amount like 1234.50.")})
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("Expected an amount of 0.00 or more.")})
    if has_fraction_of_a_cent(amount):
        raise ValidationError({field: _("At most 2 decimal places.")})
    if amount >= Decimal(10) ** (MONEY_DIGITS - 2):
        raise ValidationError({field: _("Amount too large.")})
    return amount.quantize(CENT)


def explanation_missing(receivable: Decimal, received: Decimal, explanation: str) -> str | None:
    """The message when a difference is not 0 and nothing explains it, else None."""
    difference = calculations.cashflow_difference(receivable, received)
    if difference and not explanation.strip():
        return _(
            "Explain the difference of %(difference)s (received %(received)s − receivable "
            "%(receivable)s)."
        ) % {
            "difference": calculations.money_text(difference),
            "received": calculations.money_text(received),
            "receivable": calculations.money_text(receivable),
        }
    return None


def _require_entry(user: AnyUser, county: County) -> None:
    check_county(user, county)
    if not reads.can_enter(user, county.pk):
        raise PermissionDenied(
            _("Cash flow is entered by county staff, the county's level-1 auditor or city staff.")
        )


def _describe(
    rec: CashFlowReconciliation,
    receivable: Decimal,
    received: Decimal,
    explanation: str,
    who: str,
) -> str:
    """The change, in the words the voided sign-offs keep."""
    parts = []
    if rec.receivable != receivable:
        parts.append(
            _("receivable %(old)s → %(new)s")
            % {
                "old": calculations.money_text(rec.receivable),
                "new": calculations.money_text(receivable),
            }
        )
    if rec.received != received:
        parts.append(
            _("received %(old)s → %(new)s")
            % {
                "old": calculations.money_text(rec.received),
                "new": calculations.money_text(received),
            }
        )
    if rec.explanation != explanation:
        parts.append(_("explanation changed"))
    return _("Edited by %(who)s: %(what)s") % {"who": who, "what": ", ".join(parts)}


def _fingerprint(rec: CashFlowReconciliation) -> str:
    return calculations.cashflow_fingerprint(rec.receivable, rec.received, rec.explanation)


def _refresh_status(recs: Sequence[CashFlowReconciliation]) -> None:
    """Set each reconciliation's status from its standing sign-offs (one read, one write)."""
    live: dict[int, dict[int, str]] = {rec.pk: {} for rec in recs}
    for pk, level, result in CashFlowSignOff.objects.filter(
        reconciliation__in=list(live), voided_at__isnull=True
    ).values_list("reconciliation_id", "level", "result"):
        live[pk][level] = result
    changed = []
    for rec in recs:
        status = calculations.cashflow_status(live[rec.pk])
        if rec.status != status:
            rec.status = status
            changed.append(rec)
    CashFlowReconciliation.objects.bulk_update(changed, ["status"])


def _locked(county_id: int, month: Month) -> CashFlowReconciliation | None:
    return (
        CashFlowReconciliation.objects.select_for_update()
        .filter(county_id=county_id, month=month.first_day)
        .first()
    )


def _stale(rec: CashFlowReconciliation | None, version: int) -> CashFlowConflict:
    current = rec.version if rec else 0
    who = ""
    if rec is not None:
        by = formatting.person(rec.updated_by) if rec.updated_by else _("an import")
        who = _(" by %(who)s at %(at)s") % {
            "who": by,
            "at": formatting.date(rec.updated_at),
        }
    return CashFlowConflict(
        _(
            "This reconciliation was changed%(who)s after you opened it (your version "
            "%(yours)s, now %(now)s). Reload it to see the changes, then save again."
        )
        % {"who": who, "yours": version, "now": current},
        version=current,
    )


# --------------------------------------------------------------------------- writes


@transaction.atomic
def cashflow_save(
    *,
    user: AnyUser,
    county: County,
    month: Month,
    receivable: Any,
    received: Any,
    explanation: str,
    version: int,
    now: dt.datetime | None = None,
) -> CashFlowReconciliation:
    """Enter or edit ``county``'s reconciliation of ``month``. ``version`` is the one the writer
    read (0 for a month not entered yet): another raises CashFlowConflict. An edit bumps the
    version and voids the sign-offs it made stale; saving the same figures changes nothing."""
    _require_entry(user, county)
    now = now or timezone.now()
    clean_month(month, timezone.localdate(now))
    receivable_amount = clean_amount("receivable", receivable)
    received_amount = clean_amount("received", received)
    explanation = (explanation or "").strip()
    if missing := explanation_missing(receivable_amount, received_amount, explanation):
        raise ValidationError({"explanation": missing})
    rec = _locked(county.pk, month)
    if (rec.version if rec else 0) != version:
        raise _stale(rec, version)
    user_id = actor_id(user)
    if rec is None:
        try:
            with transaction.atomic():
                return CashFlowReconciliation.objects.create(
                    county=county,
                    month=month.first_day,
                    receivable=receivable_amount,
                    received=received_amount,
                    explanation=explanation,
                    version=1,
                    entered_by_id=user_id,
                    entered_at=now,
                    updated_by_id=user_id,
                    updated_at=now,
                )
        except IntegrityError:
            # Someone entered it between our read and our insert: theirs stands, ours is stale.
            raise _stale(_locked(county.pk, month), version)
    figures = (receivable_amount, received_amount, explanation)
    if (rec.receivable, rec.received, rec.explanation) == figures:
        return rec
    change = _describe(rec, *figures, who=user.get_username())
    rec.receivable, rec.received, rec.explanation = figures
    rec.version += 1
    rec.updated_by_id, rec.updated_at = user_id, now
    rec.save(
        update_fields=[
            "receivable",
            "received",
            "explanation",
            "version",
            "updated_by",
            "updated_at",
        ]
    )
    signoffs.signoffs_void_stale(
        CashFlowSignOff,
        signed="reconciliation",
        fingerprints={rec.pk: _fingerprint(rec)},
        changes={rec.pk: change},
        now=now,
    )
    _refresh_status([rec])
    return rec


@transaction.atomic
def cashflow_import(*, rows: Sequence[CashFlowRow], user: AnyUser | None, now: dt.datetime) -> int:
    """Write the ``cashflow`` dataset's rows (validated whole by the dataset, one row per county
    and month) with the rules of ``cashflow_save`` but no version to check: new months are
    entered, changed ones bumped and their stale sign-offs voided. A fixed number of queries
    for the whole file. ``user`` None: the command line."""
    today = timezone.localdate(now)
    for _county, month, receivable, received, explanation in rows:
        clean_month(month, today)
        if missing := explanation_missing(receivable, received, explanation):
            raise ValidationError({"explanation": missing})
    user_id = user.pk if user is not None and user.is_authenticated else None
    who = user.get_username() if user is not None and user_id else _("an import")
    keys = {(county_id, month.first_day) for county_id, month, *_rest in rows}
    locked = {
        (rec.county_id, rec.month): rec
        for rec in CashFlowReconciliation.objects.select_for_update().filter(
            county_id__in={county_id for county_id, _month in keys},
            month__in={month for _county, month in keys},
        )
    }
    new, changed, changes = [], [], {}
    for county_id, month, receivable, received, explanation in rows:
        rec = locked.get((county_id, month.first_day))
        figures = (receivable.quantize(CENT), received.quantize(CENT), explanation.strip())
        if rec is None:
            new.append(
                CashFlowReconciliation(
                    county_id=county_id,
                    month=month.first_day,
                    receivable=figures[0],
                    received=figures[1],
                    explanation=figures[2],
                    version=1,
                    entered_by_id=user_id,
                    entered_at=now,
                    updated_by_id=user_id,
                    updated_at=now,
                )
            )
        elif (rec.receivable, rec.received, rec.explanation) != figures:
            changes[rec.pk] = _describe(rec, *figures, who=who)
            rec.receivable, rec.received, rec.explanation = figures
            rec.version += 1
            rec.updated_by_id, rec.updated_at = user_id, now
            changed.append(rec)
    CashFlowReconciliation.objects.bulk_create(new)
    CashFlowReconciliation.objects.bulk_update(
        changed, ["receivable", "received", "explanation", "version", "updated_by", "updated_at"]
    )
    if changed:
        signoffs.signoffs_void_stale(
            CashFlowSignOff,
            signed="reconciliation",
            fingerprints={rec.pk: _fingerprint(rec) for rec in changed},
            changes=changes,
            now=now,
        )
        _refresh_status(changed)
    return len(new) + len(changed)


@transaction.atomic
def cashflow_sign(
    *,
    reconciliation: CashFlowReconciliation,
    user: AnyUser,
    result: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> CashFlowSignOff:
    """Sign the reconciliation at the user's level: 1 (the county's level-1 auditor), then 2,
    then 3 (the city's). Out of order raises CashFlowConflict naming the missing level; a
    ``failed`` sign-off needs a note saying what is wrong."""
    rec = (
        CashFlowReconciliation.objects.select_for_update()
        .select_related("county")
        .get(pk=reconciliation.pk)
    )
    level = reads.signing_level(user, rec.county_id)
    if level is None:
        raise PermissionDenied(_("You may not sign this reconciliation."))
    if result not in CashFlowSignOff.Result.values:
        raise ValidationError({"result": _("Use passed or failed.")})
    note = (note or "").strip()
    if result == CashFlowSignOff.Result.FAILED and not note:
        raise ValidationError({"note": _("Say in a note why the reconciliation fails.")})
    signoffs.check_order(
        levels=calculations.CASHFLOW_LEVELS,
        live=signoffs.live_results(CashFlowSignOff.objects.filter(reconciliation=rec)),
        level=level,
        conflict=CashFlowConflict,
    )
    now = now or timezone.now()
    signoff = signoffs.signoff_create(
        CashFlowSignOff,
        reconciliation=rec,
        level=level,
        user_id=actor_id(user),
        result=result,
        note=note,
        fingerprint=_fingerprint(rec),
        now=now,
    )
    _refresh_status([rec])
    return signoff
