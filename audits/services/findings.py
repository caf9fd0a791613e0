"""Writes of findings: open, rectify, verify, reject, evidence revisions; every change leaves a
history row (docs/rules.md#findings)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit, Finding, FindingEvent, FindingEvidence
from audits.selectors import permissions
from audits.services.audits import actor_id, audit_changed, audit_lock
from marketing_ops import formatting
from marketing_ops.money import has_fraction_of_a_cent

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: The largest evidence file accepted.
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def _event(finding: Finding, action: str, user: AnyUser, now: dt.datetime, note: str = "") -> None:
    FindingEvent.objects.create(
        finding=finding,
        action=action,
        user_id=actor_id(user),
        at=now,
        note=note,
        status_after=finding.status,
    )


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("county").get(pk=finding.pk)


@transaction.atomic
def finding_open(
    *,
    audit: Audit,
    user: AnyUser,
    category: str,
    description: str,
    severity: str,
    due_on: dt.date,
    amount: Decimal | None = None,
    owner: str | None = None,
) -> Finding:
    """Open a finding on an audit: by an auditor who may sign it, or by city staff. The owner
    (a username) is a user of the audit's county."""
    audit = audit_lock(audit)
    if not permissions.can_open_finding(user, audit):
        raise PermissionDenied(_("Findings are opened by the audit's auditors or city staff."))
    errors: dict[str, str] = {}
    if category not in Finding.Category.values:
        errors["category"] = _("Choose a category.")
    if severity not in Finding.Severity.values:
        errors["severity"] = _("Use low, medium or high.")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe the finding.")
    if amount is not None and (amount < 0 or has_fraction_of_a_cent(amount)):
        errors["amount"] = _("An amount in yuan, at least 0, with at most 2 decimals.")
    if due_on is None:
        errors["due_on"] = _("Give the date by which it is to be rectified.")
    owner_user = None
    if owner:
        owner_user = (
            get_user_model()
            .objects.filter(username=owner, is_active=True, profile__county=audit.county_id)
            .first()
        )
        if owner_user is None:
            errors["owner"] = _("%(owner)s is not a user of %(county)s.") % {
                "owner": owner,
                "county": audit.county.code,
            }
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    finding = Finding.objects.create(
        audit=audit,
        county_id=audit.county_id,
        category=category,
        description=description,
        amount=amount,
        severity=severity,
        owner=owner_user,
        due_on=due_on,
        opened_by_id=actor_id(user),
        opened_at=now,
    )
    _event(finding, FindingEvent.Action.OPENED, user, now, description)
    audit_changed(
        audit=audit,
        change=_("Finding #%(id)d opened by %(user)s")
        % {"id": finding.pk, "user": user.get_username()},
        now=now,
    )
    return finding


@transaction.atomic
def finding_rectify(*, finding: Finding, user: AnyUser, note: str) -> Finding:
    """The owner or the county's staff report the finding rectified, with a note."""
    finding = _locked(finding)
    if finding.status != Finding.Status.OPEN:
        raise ValidationError({"status": _("Only an open finding can be rectified.")})
    if not permissions.can_rectify(user, finding):
        raise PermissionDenied(_("The finding's owner or the county's staff rectify it."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    now = timezone.now()
    finding.status = Finding.Status.RECTIFIED
    finding.rectified_by_id, finding.rectified_at, finding.rectify_note = actor_id(user), now, note
    finding.save(update_fields=["status", "rectified_by", "rectified_at", "rectify_note"])
    _event(finding, FindingEvent.Action.RECTIFIED, user, now, note)
    return finding


def _locked_for_verifier(finding: Finding, user: AnyUser, not_rectified: str) -> Finding:
    """Lock the finding for its verifier: an auditor of level 2 or 3 who did not rectify it, and
    only once it is rectified (``not_rectified`` says so otherwise)."""
    finding = _locked(finding)
    if not permissions.is_verifier(user):
        raise PermissionDenied(_("Auditors of level 2 or 3 verify findings."))
    if finding.rectified_by_id == user.pk:
        raise PermissionDenied(_("You rectified this finding; another auditor verifies it."))
    if finding.status != Finding.Status.RECTIFIED:
        raise ValidationError({"status": not_rectified})
    return finding


@transaction.atomic
def finding_verify(*, finding: Finding, user: AnyUser, note: str = "") -> Finding:
    """An auditor of level 2 or 3 who did not rectify the finding verifies the rectification."""
    finding = _locked_for_verifier(finding, user, _("Only a rectified finding can be verified."))
    now = timezone.now()
    finding.status = Finding.Status.VERIFIED
    finding.verified_by_id, finding.verified_at = actor_id(user), now
    finding.save(update_fields=["status", "verified_by", "verified_at"])
    _event(finding, FindingEvent.Action.VERIFIED, user, now, (note or "").strip())
    return finding


@transaction.atomic
def finding_reject(*, finding: Finding, user: AnyUser, reason: str) -> Finding:
    """The verifier rejects the rectification with a reason: the finding is open again."""
    finding = _locked_for_verifier(finding, user, _("Only a rectified finding can be rejected."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    now = timezone.now()
    finding.status = Finding.Status.OPEN
    finding.rectified_by_id, finding.rectified_at = None, None
    finding.save(update_fields=["status", "rectified_by", "rectified_at"])
    _event(finding, FindingEvent.Action.REJECTED, user, now, reason)
    return finding


def _sha256(fileobj: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return digest.hexdigest(), size


@transaction.atomic
def evidence_add(
    *,
    finding: Finding,
    user: AnyUser,
    fileobj: IO[bytes],
    file_name: str,
    effective_date: dt.date,
    document: str = "",
) -> FindingEvidence:
    """Attach a file (≤ 20 MB) to a finding. A file for a ``document`` the finding already has
    is its next revision; nothing is replaced or deleted."""
    finding = _locked(finding)
    if not permissions.can_add_evidence(user, finding):
        raise PermissionDenied(_("Your role may not add evidence to this finding."))
    errors: dict[str, str] = {}
    digest, size = _sha256(fileobj)
    if size > EVIDENCE_MAX_BYTES:
        errors["file"] = _("A file has at most 20 MB; this one has %(mb).1f MB.") % {
            "mb": size / 1024 / 1024
        }
    elif size == 0:
        errors["file"] = _("The file is empty.")
    if effective_date is None:
        errors["effective_date"] = _("Give the day the evidence is about.")
    if errors:
        raise ValidationError(errors)
    name = (file_name or "evidence").replace("/", "_").replace("\\", "_")[-200:]
    document = (document or "").strip()[:120] or name[:120]
    last = FindingEvidence.objects.filter(finding=finding, document=document).aggregate(
        n=Max("revision")
    )["n"]
    now = timezone.now()
    evidence = FindingEvidence(
        finding=finding,
        document=document,
        revision=(last or 0) + 1,
        file_name=name,
        size=size,
        sha256=digest,
        effective_date=effective_date,
        uploaded_by_id=actor_id(user),
        uploaded_at=now,
    )
    # The storage never overwrites: a name taken already gets a suffix.
    evidence.file.save(name, File(fileobj, name=name), save=False)
    evidence.save()
    _event(
        finding,
        FindingEvent.Action.EVIDENCE,
        user,
        now,
        f"{document} r{evidence.revision} ({name}, {formatting.date(effective_date)})",
    )
    return evidence
