"""Working the verification items: ok with a note, or a problem that opens a finding
(docs/rules.md#verification-items)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Finding, VerificationItem
from audits.selectors import items as item_reads
from audits.services import audits as audit_writes
from audits.services import findings as finding_writes
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: A finding opened from a problem item is due this many days after it is opened.
PROBLEM_DUE_DAYS = 7
#: The finding's category for each rule: refunds R1, R2, R3, R6; dismantles R4, R5.
CATEGORY = {
    "R1": Finding.Category.REFUND,
    "R2": Finding.Category.REFUND,
    "R3": Finding.Category.REFUND,
    "R6": Finding.Category.REFUND,
    "R4": Finding.Category.DISMANTLE,
    "R5": Finding.Category.DISMANTLE,
}


@transaction.atomic
def item_resolve(
    *, item: VerificationItem, user: AnyUser, result: str, note: str
) -> VerificationItem:
    """Close an open item as ``ok`` or ``problem``. A problem opens a finding on the county's
    monthly audit of the item's business month (created when missing), linked to the item."""
    if not item_reads.can_work(user, item):
        raise PermissionDenied(
            _("Verification items are worked by level-2 auditors and the county's level-1 auditor.")
        )
    item = VerificationItem.objects.select_for_update().select_related("county").get(pk=item.pk)
    errors: dict[str, str] = {}
    if result not in (VerificationItem.Status.OK, VerificationItem.Status.PROBLEM):
        errors["result"] = _("Use ok or problem.")
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Say what you checked.")
    if item.status != VerificationItem.Status.OPEN:
        errors["result"] = _("This item is already %(status)s.") % {
            "status": item.get_status_display()
        }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if result == VerificationItem.Status.PROBLEM:
        audit = audit_writes.audit_create(
            county=item.county, cadence="monthly", period=str(Month.of(item.business_date))
        )
        item.finding = finding_writes.finding_open(
            audit=audit,
            user=user,
            category=CATEGORY[item.rule],
            description=f"{item.explanation} {note}",
            severity=Finding.Severity.MEDIUM,
            due_on=timezone.localdate(now) + dt.timedelta(days=PROBLEM_DUE_DAYS),
            amount=item.amount,
        )
    item.status = result
    item.note = note
    item.worked_by_id = getattr(user, "pk", None)
    item.worked_at = now
    item.save(update_fields=["status", "note", "worked_by", "worked_at", "finding"])
    return item
