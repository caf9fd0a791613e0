"""Writes of the closed loop (docs/materials.md#the-closed-loop): the daily operations report,
upserted on county × date
× line, and the explanation (county staff) and acceptance (city staff) of a difference; the
follow-up of an install recorded without its deposit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketing_ops import formatting
from marketing_ops.access import CITY_ROLES, WRITING_ROLES, check_county, has_role
from marketing_ops.models import BusinessLine, County
from materials.models import DailyOperation, Deposit, LoopExplanation
from materials.selectors import loop as reads

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: A daily_operations row as the dataset hands it on: business_date, county id, line id,
#: installs, dismantles.
DailyOperationRow = tuple[dt.date, int, int, int, int]


@transaction.atomic
def daily_operations_write(*, rows: Sequence[DailyOperationRow]) -> int:
    """Upsert the support center's daily report on county × date × line: a day sent again
    replaces its figures."""
    records = [
        DailyOperation(
            business_date=day,
            county_id=county_id,
            business_line_id=line_id,
            installs=installs,
            dismantles=dismantles,
        )
        for day, county_id, line_id, installs, dismantles in rows
    ]
    DailyOperation.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["county", "business_date", "business_line"],
        update_fields=["installs", "dismantles", "imported_at"],
        batch_size=2000,
    )
    return len(records)


def _gap_row(user: User, county: County, day: dt.date, line: BusinessLine) -> reads.LoopRow:
    row = reads.loop_row(user, county, day, line)
    if row is None or not row.has_gap:
        raise ValidationError(
            {
                "business_date": _(
                    "%(county)s %(line)s on %(day)s has no loop difference to explain."
                )
                % {"county": county.code, "line": line.name, "day": formatting.date(day)}
            }
        )
    return row


@transaction.atomic
def loop_explain(
    *,
    user: User,
    county: County,
    business_date: dt.date,
    business_line: BusinessLine,
    explanation: str,
) -> LoopExplanation:
    """County staff (or city staff for them) explain a day's difference; an explanation not yet
    accepted may be rewritten, an accepted one stands."""
    check_county(user, county)
    if not has_role(user, *WRITING_ROLES):
        raise PermissionDenied(_("Your role may not explain loop differences."))
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError({"explanation": _("Say what caused the difference.")})
    _gap_row(user, county, business_date, business_line)
    record = (
        LoopExplanation.objects.select_for_update()
        .order_by()
        .filter(county=county, business_date=business_date, business_line=business_line)
        .first()
    )
    now = timezone.now()
    if record is None:
        return LoopExplanation.objects.create(
            county=county,
            business_date=business_date,
            business_line=business_line,
            explanation=explanation,
            explained_by=user,
            explained_at=now,
        )
    if record.accepted:
        raise ValidationError(
            {"explanation": _("The city accepted this explanation already; it stands.")}
        )
    record.explanation, record.explained_by, record.explained_at = explanation, user, now
    record.save(update_fields=["explanation", "explained_by", "explained_at"])
    return record


@transaction.atomic
def loop_accept(*, user: User, explanation: LoopExplanation) -> LoopExplanation:
    """City staff accept a county's explanation; the difference then no longer counts in
    ``MATERIAL_LOOP_GAPS``."""
    if not has_role(user, *CITY_ROLES):
        raise PermissionDenied(_("Only city staff accept loop explanations."))
    record = LoopExplanation.objects.select_for_update().order_by().get(pk=explanation.pk)
    if record.accepted:
        raise ValidationError({"explanation": _("This explanation is accepted already.")})
    record.accepted_by, record.accepted_at = user, timezone.now()
    record.save(update_fields=["accepted_by", "accepted_at"])
    return record


@transaction.atomic
def deposit_follow_up(
    *, user: User, deposit: Deposit, amount: Decimal | None, note: str
) -> Deposit:
    """Follow up an install recorded without its deposit (docs/materials.md#terminal-states): the
    deposit collected
    later (``amount``; the install then leaves the follow-up list) or, without one, why not
    (``note``, required then). County staff of the deposit's county or city staff; a deposit
    once collected stands."""
    check_county(user, deposit.county)
    if not has_role(user, *WRITING_ROLES):
        raise PermissionDenied(_("Your role may not follow up deposits."))
    record = Deposit.objects.select_for_update().order_by().get(pk=deposit.pk)
    if record.amount is not None:
        raise ValidationError({"amount": _("This install's deposit is recorded already.")})
    note = note.strip()
    if amount is None and not note:
        raise ValidationError(
            {"note": _("Give the deposit collected, or say why it was not collected.")}
        )
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": _("A deposit collected is more than 0.")})
    record.amount = amount
    record.note = note or record.note
    record.followed_up_by, record.followed_up_at = user, timezone.now()
    record.save(update_fields=["amount", "note", "followed_up_by", "followed_up_at"])
    return record
