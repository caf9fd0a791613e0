"""Writes of audits: creation by cadence (idempotent, with catch-up), answering checks,
ordered sign-off with fingerprints and voiding, reopening, checklist templates
(docs/rules.md#audits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits import calculations
from audits.models import (
    Audit,
    AuditCheck,
    Cadence,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    Holiday,
    SignOff,
)
from audits.selectors import permissions
from audits.services import signoffs
from marketing_ops.models import County

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: The checklists a new installation starts with; city staff edit them afterwards.
DEFAULT_CHECKLISTS: dict[str, tuple[str, ...]] = {
    Cadence.DAILY: ("退费明细已核对", "拆机明细已核对", "当日核查事项已处理"),
    Cadence.WEEKLY: ("欠费催缴动作已跟进", "疑似虚假用户已复核"),
    Cadence.MONTHLY: ("现金流核对已签核", "物资闭环差异已说明", "现场核查已完成或已安排"),
}


class AuditConflict(signoffs.SignOffConflict):
    """The action does not fit the audit's state now (API: 409), e.g. a level signing before
    the level below has signed ``passed``."""

    already_signed = gettext_lazy("Level %(level)d has already signed this audit.")
    not_signed = gettext_lazy("Level %(missing)d has not signed this audit passed yet.")


# --------------------------------------------------------------------------- checklists


def checklists_ensure() -> dict[str, ChecklistTemplate]:
    """The three templates, made with the default items when missing (a fresh database)."""
    templates = {t.cadence: t for t in ChecklistTemplate.objects.all()}
    for cadence, texts in DEFAULT_CHECKLISTS.items():
        if cadence not in templates:
            template, created = ChecklistTemplate.objects.get_or_create(cadence=cadence)
            if created:
                ChecklistItem.objects.bulk_create(
                    ChecklistItem(template=template, text=text, position=n)
                    for n, text in enumerate(texts, start=1)
                )
            templates[cadence] = template
    return templates


@transaction.atomic
def checklist_update(*, user: AnyUser, cadence: str, items: Sequence[str]) -> ChecklistTemplate:
    """Set a cadence's checklist to ``items`` (in order). Items no longer listed are kept,
    inactive; audits created before keep the checks they copied."""
    if not permissions.is_city_staff(user):
        raise PermissionDenied(_("Only city staff edit the checklists."))
    if cadence not in Cadence.values:
        raise ValidationError({"cadence": _("Use daily, weekly or monthly.")})
    texts = [text.strip() for text in items if text.strip()]
    if not texts:
        raise ValidationError({"items": _("A checklist needs at least one check.")})
    if too_long := [text for text in texts if len(text) > 200]:
        raise ValidationError({"items": _("A check has at most 200 characters: %s") % too_long[0]})
    template = checklists_ensure()[cadence]
    existing = {item.text: item for item in template.items.all()}
    keep = []
    for position, text in enumerate(texts, start=1):
        item = existing.get(text) or ChecklistItem(template=template, text=text)
        item.position, item.active = position, True
        item.save()
        keep.append(item.pk)
    template.items.exclude(pk__in=keep).update(active=False)
    return template


# --------------------------------------------------------------------------- holidays


@transaction.atomic
def holiday_set(*, user: AnyUser, date: dt.date, name: str) -> Holiday:
    """Add a date to the holiday calendar (or rename it): no daily audit is created for it.
    An audit created before stays."""
    if not permissions.is_city_staff(user):
        raise PermissionDenied(_("Only city staff keep the holiday calendar."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the holiday.")})
    holiday, _created = Holiday.objects.update_or_create(date=date, defaults={"name": name[:80]})
    return holiday


@transaction.atomic
def holiday_remove(*, user: AnyUser, date: dt.date) -> int:
    """Take a date off the holiday calendar: the next run creates its daily audit when the
    date is within the last 35 days."""
    if not permissions.is_city_staff(user):
        raise PermissionDenied(_("Only city staff keep the holiday calendar."))
    deleted, _rows = Holiday.objects.filter(date=date).delete()
    return deleted


# --------------------------------------------------------------------------- creation


@transaction.atomic
def audit_create(*, county: County, cadence: str, period: str) -> Audit:
    """One county's audit of one period, with its checklist copied; the existing one when it
    is there already."""
    try:
        found = calculations.parse_period(cadence, period)
    except (KeyError, ValueError) as error:
        raise ValidationError({"period": str(error)})
    template = checklists_ensure()[cadence]
    audit, created = Audit.objects.get_or_create(
        county=county,
        cadence=cadence,
        period=found.label,
        defaults={
            "period_start": found.start,
            "period_end": found.end,
            "due_on": found.due_on,
        },
    )
    if created:
        AuditCheck.objects.bulk_create(
            AuditCheck(audit=audit, position=n, text=item.text)
            for n, item in enumerate(
                template.items.filter(active=True).order_by("position", "pk"), start=1
            )
        )
    return audit


@transaction.atomic
def audits_create(*, today: dt.date) -> int:
    """Create, for every active county, the audits of every period that ended in the last 35
    days and is missing: the previous business day, the week just ended, the month just
    ended, and whatever a stopped beat left out. Returns how many were created.

    Idempotent and safe to run concurrently: runs queue on a lock of the active counties, the
    unique county × cadence × period constraint stands behind it (a conflicting insert is
    skipped), and checks are unique per audit × position."""
    templates = checklists_ensure()
    counties = list(County.objects.filter(active=True).order_by("pk").select_for_update())
    if not counties:
        return 0
    first = today - dt.timedelta(days=calculations.CATCH_UP_DAYS)
    holidays = Holiday.objects.filter(date__gte=first, date__lt=today).values_list(
        "date", flat=True
    )
    periods = calculations.periods_due(today, list(holidays))
    existing = set(
        Audit.objects.filter(
            county__in=counties, period_end__gte=first, period_end__lt=today
        ).values_list("county_id", "cadence", "period")
    )
    missing = [
        Audit(
            county=county,
            cadence=period.cadence,
            period=period.label,
            period_start=period.start,
            period_end=period.end,
            due_on=period.due_on,
        )
        for county in counties
        for period in periods
        if (county.pk, period.cadence, period.label) not in existing
    ]
    if not missing:
        return 0
    Audit.objects.bulk_create(missing, ignore_conflicts=True)
    keys = {(a.county_id, a.cadence, a.period) for a in missing}
    created = [
        audit
        for audit in Audit.objects.filter(
            county__in=counties,
            period_end__gte=first,
            period_end__lt=today,
            checks__isnull=True,
        )
        if (audit.county_id, audit.cadence, audit.period) in keys
    ]
    items = {
        cadence: list(template.items.filter(active=True).order_by("position", "pk"))
        for cadence, template in templates.items()
    }
    AuditCheck.objects.bulk_create(
        (
            AuditCheck(audit=audit, position=n, text=item.text)
            for audit in created
            for n, item in enumerate(items[audit.cadence], start=1)
        ),
        ignore_conflicts=True,
    )
    return len(created)


# --------------------------------------------------------------------------- state


def actor_id(user: AnyUser) -> int:
    """The id of the signed-in user acting; an anonymous one may do nothing."""
    if user.pk is None:
        raise PermissionDenied(_("Log in first."))
    return int(user.pk)


def audit_lock(audit: Audit) -> Audit:
    """The audit's row, locked for this transaction: writes to one audit queue up."""
    return Audit.objects.select_for_update().select_related("county").get(pk=audit.pk)


def current_fingerprint(audit: Audit) -> str:
    checks = [
        (c.position, c.text, c.answer, c.note)
        for c in AuditCheck.objects.filter(audit=audit).order_by("position")
    ]
    findings = [
        (
            str(f.pk),
            f.category,
            f.description,
            "" if f.amount is None else str(f.amount),
            f.severity,
            str(f.owner_id or ""),
            f.due_on.isoformat(),
        )
        for f in Finding.objects.filter(audit=audit).order_by("pk")
    ]
    return calculations.fingerprint(checks, findings)


def _live_results(audit: Audit) -> dict[int, str]:
    return signoffs.live_results(SignOff.objects.filter(audit=audit))


def _set_status(audit: Audit, now: dt.datetime) -> None:
    answered = AuditCheck.objects.filter(audit=audit).exclude(answer="").count()
    status = calculations.audit_status(
        cadence=audit.cadence, answered=answered, live_results=_live_results(audit)
    )
    audit.status = status
    if status in (Audit.Status.PASSED, Audit.Status.FAILED):
        audit.finished_at = audit.finished_at or now
        if timezone.localdate(audit.finished_at) > audit.due_on:
            audit.late = True
    else:
        audit.finished_at = None
    audit.save(update_fields=["status", "finished_at", "late"])


def audit_changed(*, audit: Audit, change: str, now: dt.datetime) -> int:
    """After a change to the checks or findings: void every standing sign-off whose fingerprint
    no longer matches, and every higher level's with it; then set the status. Returns how many
    sign-offs were voided. Call inside the transaction that holds the audit's lock."""
    voided = signoffs.signoffs_void_stale(
        SignOff,
        signed="audit",
        fingerprints={audit.pk: current_fingerprint(audit)},
        changes={audit.pk: change},
        now=now,
    )
    _set_status(audit, now)
    return voided


# --------------------------------------------------------------------------- checks


@transaction.atomic
def check_answer(
    *, audit: Audit, check_id: int, user: AnyUser, answer: str, note: str = ""
) -> AuditCheck:
    """Answer one check ``ok``, ``problem`` (a note is required) or ``n_a``."""
    audit = audit_lock(audit)
    if not permissions.can_answer(user, audit):
        raise PermissionDenied(_("Checks are answered by the county's level-1 auditor or staff."))
    try:
        check = AuditCheck.objects.get(audit=audit, pk=check_id)
    except AuditCheck.DoesNotExist:
        raise ValidationError({"check": _("This audit has no such check.")})
    if answer not in AuditCheck.Answer.values:
        raise ValidationError({"answer": _("Answer ok, problem or n_a.")})
    note = (note or "").strip()
    if answer == AuditCheck.Answer.PROBLEM and not note:
        raise ValidationError({"note": _("Describe the problem in a note.")})
    if (check.answer, check.note) == (answer, note):
        return check
    now = timezone.now()
    check.answer, check.note = answer, note
    check.answered_by_id, check.answered_at = actor_id(user), now
    check.save(update_fields=["answer", "note", "answered_by", "answered_at"])
    audit_changed(
        audit=audit,
        change=_("Check “%(check)s” answered %(answer)s by %(user)s")
        % {"check": check.text, "answer": answer, "user": user.get_username()},
        now=now,
    )
    return check


# --------------------------------------------------------------------------- sign-off


@transaction.atomic
def audit_sign(*, audit: Audit, user: AnyUser, result: str, note: str = "") -> SignOff:
    """Sign the audit at the user's level. Levels sign in order: level N only after level N−1
    signed ``passed`` (else AuditConflict naming the missing level); every check must be
    answered; a ``failed`` sign-off needs a finding on the audit."""
    audit = audit_lock(audit)
    level = permissions.signing_level(user, audit)
    if level is None:
        raise PermissionDenied(_("You may not sign this audit."))
    if result not in SignOff.Result.values:
        raise ValidationError({"result": _("Use passed or failed.")})
    signoffs.check_order(
        levels=calculations.required_levels(audit.cadence),
        live=_live_results(audit),
        level=level,
        conflict=AuditConflict,
        finished=_("This audit is finished; city staff may reopen it.") if audit.finished else None,
    )
    unanswered = AuditCheck.objects.filter(audit=audit, answer="").count()
    if unanswered:
        raise ValidationError(
            {
                "checks": _("Answer every check before signing: %(n)d not answered.")
                % {"n": unanswered}
            }
        )
    if result == SignOff.Result.FAILED and not Finding.objects.filter(audit=audit).exists():
        raise ValidationError(
            {"result": _("A failed audit has at least one finding: open it first.")}
        )
    now = timezone.now()
    signoff = signoffs.signoff_create(
        SignOff,
        audit=audit,
        level=level,
        user_id=actor_id(user),
        result=result,
        note=note,
        fingerprint=current_fingerprint(audit),
        now=now,
    )
    _set_status(audit, now)
    return signoff


@transaction.atomic
def audit_reopen(*, audit: Audit, user: AnyUser, reason: str) -> Audit:
    """City staff reopen a passed or failed audit with a reason; its sign-offs are voided."""
    audit = audit_lock(audit)
    if not permissions.is_city_staff(user):
        raise PermissionDenied(_("Only city staff reopen audits."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    if not audit.finished:
        raise AuditConflict(_("Only a passed or failed audit can be reopened."))
    now = timezone.now()
    signoffs.signoffs_void_all(
        SignOff.objects.filter(audit=audit),
        change=_("Reopened by %(user)s: %(reason)s")
        % {"user": user.get_username(), "reason": reason},
        now=now,
    )
    audit.reopen_reason = reason
    audit.save(update_fields=["reopen_reason"])
    _set_status(audit, now)
    return audit
