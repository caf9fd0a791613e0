"""Audits of the counties' business accounts, their checks, ordered sign-offs and findings
(docs/rules.md#audits)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrears.models import Account
from marketing_ops import formatting
from marketing_ops.access import CountyScopedQuerySet
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import MONEY


class Cadence(models.TextChoices):
    DAILY = "daily", pgettext_lazy("audit cadence", "Daily")
    WEEKLY = "weekly", pgettext_lazy("audit cadence", "Weekly")
    MONTHLY = "monthly", pgettext_lazy("audit cadence", "Monthly")


class Holiday(models.Model):
    """A date of the holiday calendar city staff keep: no daily audit for it."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{formatting.date(self.date)} {self.name}"


class ChecklistTemplate(models.Model):
    """The checklist of one cadence; an audit copies its active items when it is created."""

    cadence = models.CharField(_("cadence"), max_length=8, choices=Cadence.choices, unique=True)

    class Meta:
        ordering = ["cadence"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self) -> str:
        return str(self.get_cadence_display())


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("template"),
    )
    text = models.CharField(_("check"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["template", "position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class AuditQuerySet(CountyScopedQuerySet):
    county_lookup = "county"


class Audit(models.Model):
    Cadence = Cadence

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        PASSED = "passed", _("Passed")
        FAILED = "failed", pgettext_lazy("audit result", "Failed")

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="audits", verbose_name=_("county")
    )
    cadence = models.CharField(_("cadence"), max_length=8, choices=Cadence.choices)
    period = models.CharField(
        _("period"), max_length=10, help_text="YYYY-MM-DD, YYYY-Www or YYYY-MM"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: Finished after its due date; stays set once set (docs/rules.md#audits).
    late = models.BooleanField(_("late"), default=False)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "county__sort_order", "cadence"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "cadence", "period"], name="audit_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="audit_cadence_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "in_progress", "passed", "failed"]),
                name="audit_status_known",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="audit_period_order"
            ),
        ]
        indexes = [
            # The calendar of a county and month, the lists and the overdue filter:
            # WHERE county_id = ? AND period_end BETWEEN ? AND ? (ordered by period_end).
            models.Index(fields=["county", "period_end"], name="audit_county_period_end"),
            # Overdue and "my audits": WHERE status IN ('pending','in_progress') AND due_on < ?.
            models.Index(fields=["status", "due_on"], name="audit_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.county.code} {self.get_cadence_display()} {formatting.period(self.period)}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.PASSED, self.Status.FAILED)

    def is_overdue(self, today: dt.date) -> bool:
        return not self.finished and today > self.due_on


class AuditCheck(models.Model):
    """One item of the checklist, copied onto the audit when it was created."""

    class Answer(models.TextChoices):
        OK = "ok", _("OK")
        PROBLEM = "problem", _("Problem")
        N_A = "n_a", _("Not applicable")

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="checks", verbose_name=_("audit")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("check"), max_length=200)
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["audit", "position"]
        verbose_name = _("audit check")
        verbose_name_plural = _("audit checks")
        constraints = [
            # Two runs creating the same audit's checks cannot double them.
            models.UniqueConstraint(fields=["audit", "position"], name="audit_check_position"),
            models.CheckConstraint(
                condition=Q(answer__in=["", "ok", "problem", "n_a"]), name="audit_check_answer"
            ),
            models.CheckConstraint(
                condition=~Q(answer="problem") | ~Q(note=""), name="audit_check_problem_note"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SignOffQuerySetBase(CountyScopedQuerySet):
    """What every kind of sign-off reads: the standing ones (not voided)."""

    def live(self) -> Self:
        return self.filter(voided_at__isnull=True)


class SignOffQuerySet(SignOffQuerySetBase):
    county_lookup = "audit__county"


class SignOffBase(models.Model):
    """One level's signature on something signed off 1 → 2 → 3 (an audit, a cash-flow
    reconciliation): who, when, the result, a note and the fingerprint of what was signed.
    A later change voids it; it stays, marked voided, with the change that voided it
    (``audits.services.signoffs``)."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", pgettext_lazy("audit result", "Failed")

    level = models.PositiveSmallIntegerField(_("level"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    #: sha256 of what was signed (calculations.fingerprint, calculations.cashflow_fingerprint).
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by_change = models.CharField(_("voided by"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


class SignOff(SignOffBase):
    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("audit")
    )

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "signed_at", "level"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            # One standing sign-off per level: two auditors signing at once cannot both count.
            models.UniqueConstraint(
                fields=["audit", "level"],
                condition=Q(voided_at__isnull=True),
                name="signoff_one_live_per_level",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="signoff_level"),
            models.CheckConstraint(
                condition=Q(result__in=["passed", "failed"]), name="signoff_result"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit} L{self.level} {self.result}"


class FindingQuerySet(CountyScopedQuerySet):
    county_lookup = "county"


class Finding(models.Model):
    class Category(models.TextChoices):
        REFUND = "refund", _("Refund")
        DISMANTLE = "dismantle", _("Dismantle")
        CASH_FLOW = "cash_flow", _("Cash flow")
        FALSE_USER = "false_user", _("False user")
        ARREARS = "arrears", _("Arrears")
        MATERIALS = "materials", _("Materials")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RECTIFIED = "rectified", _("Rectified")
        VERIFIED = "verified", _("Verified")

    audit = models.ForeignKey(
        Audit, on_delete=models.PROTECT, related_name="findings", verbose_name=_("audit")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="findings", verbose_name=_("county")
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    description = models.TextField(_("description"))
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_findings",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"))
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rectified by"),
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectify_note = models.TextField(_("rectification"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "rectified", "verified"]), name="finding_status"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=["low", "medium", "high"]), name="finding_severity"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="finding_amount"
            ),
            # Separation of duties, kept by the database too: the verifier did not rectify.
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True)
                | Q(rectified_by__isnull=True)
                | ~Q(verified_by=models.F("rectified_by")),
                name="finding_verifier_did_not_rectify",
            ),
        ]
        indexes = [
            # Findings list and overdue findings of a county:
            # WHERE county_id = ? AND status <> 'verified' AND due_on < ? ORDER BY due_on.
            models.Index(fields=["county", "status", "due_on"], name="finding_county_status_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()} ({self.county.code})"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != self.Status.VERIFIED and today > self.due_on


class FindingEvent(models.Model):
    """The history of a finding: one row for every change, with who and when."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Opened")
        RECTIFIED = "rectified", _("Rectified")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        EVIDENCE = "evidence", _("Evidence added")

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="events", verbose_name=_("finding")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    status_after = models.CharField(_("status after"), max_length=10)

    class Meta:
        ordering = ["finding", "at", "pk"]
        verbose_name = _("finding history")
        verbose_name_plural = _("finding history")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.action}"


def evidence_path(instance: FindingEvidence, filename: str) -> str:
    return f"audits/evidence/{instance.finding_id}/{instance.sha256[:12]}-{filename}"


class FindingEvidence(models.Model):
    """A file about a finding. Never replaced or deleted: a corrected file is a new revision of
    the same document."""

    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("finding")
    )
    document = models.CharField(_("document"), max_length=120)
    revision = models.PositiveSmallIntegerField(_("revision"))
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("sha256"), max_length=64)
    effective_date = models.DateField(_("effective date"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["finding", "document", "revision"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "document", "revision"], name="evidence_one_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} r{self.revision}"


class RefundRecord(models.Model):
    """One refund of a business day, as the `refunds` dataset imported it (natural key order_no)."""

    class Type(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        PREPAID = "prepaid", _("Prepaid")
        OVERCHARGE = "overcharge", _("Overcharge")
        OTHER = "other", _("Other")

    order_no = models.CharField(_("order no."), max_length=40, unique=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("county")
    )
    business_date = models.DateField(_("business date"))
    account_no = models.CharField(_("account no."), max_length=32)
    refund_type = models.CharField(_("refund type"), max_length=12, choices=Type.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    operator = models.CharField(_("operator"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["business_date", "order_no"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(
                condition=Q(refund_type__in=["deposit", "prepaid", "overcharge", "other"]),
                name="refund_type_known",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]
        indexes = [
            # R1 (earlier refunds of the same account, type and amount within 30 days) and
            # R2/R3 (an account's deposit refunds): WHERE account_no = ? AND business_date BETWEEN.
            models.Index(fields=["account_no", "business_date"], name="refund_account_date"),
            # The rules' window and the county's day: WHERE business_date BETWEEN ? AND ?.
            models.Index(fields=["business_date", "county"], name="refund_date_county"),
        ]

    def __str__(self) -> str:
        return self.order_no


class DismantleRecord(models.Model):
    """One dismantle of a business day, as the `dismantles` dataset imported it."""

    order_no = models.CharField(_("order no."), max_length=40, unique=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="dismantles", verbose_name=_("county")
    )
    business_date = models.DateField(_("business date"))
    account_no = models.CharField(_("account no."), max_length=32)
    business_line = models.ForeignKey(
        BusinessLine,
        on_delete=models.PROTECT,
        related_name="dismantles",
        verbose_name=_("business line"),
    )
    terminal_serial = models.CharField(_("terminal serial"), max_length=64, blank=True)
    terminal_returned = models.BooleanField(_("terminal returned"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["business_date", "order_no"]
        verbose_name = _("dismantle")
        verbose_name_plural = _("dismantles")
        indexes = [
            # R2 (a dismantle of the refund's account within ±7 days) and R5 (the account's
            # bills): WHERE account_no = ? AND business_date BETWEEN ? AND ?.
            models.Index(fields=["account_no", "business_date"], name="dismantle_account_date"),
            # The rules' window and the county's day: WHERE business_date BETWEEN ? AND ?.
            models.Index(fields=["business_date", "county"], name="dismantle_date_county"),
        ]

    def __str__(self) -> str:
        return self.order_no


class VerificationItem(models.Model):
    """A hit of a rule R1–R6 on one refund or dismantle (docs/rules.md#verification-items).

    One item per rule × record, ever: the unique constraints make a second run of the rules
    insert nothing."""

    class Rule(models.TextChoices):
        R1 = "R1", _("R1 duplicate refund")
        R2 = "R2", _("R2 deposit refund without a dismantle")
        R3 = "R3", _("R3 deposit refund above the deposit")
        R4 = "R4", _("R4 terminal not returned")
        R5 = "R5", _("R5 dismantle with a past-due bill")
        R6 = "R6", _("R6 refund above the review threshold")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        OK = "ok", _("OK")
        PROBLEM = "problem", _("Problem")
        EXPLAINED = "explained", _("Explained")

    class Result(models.TextChoices):
        """What whoever works an open item answers."""

        OK = "ok", _("OK")
        PROBLEM = "problem", _("Problem")

    rule = models.CharField(_("rule"), max_length=2, choices=Rule.choices)
    refund = models.ForeignKey(
        RefundRecord,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("refund"),
    )
    dismantle = models.ForeignKey(
        DismantleRecord,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("dismantle"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="verification_items",
        verbose_name=_("county"),
    )
    business_date = models.DateField(_("business date"))
    account_no = models.CharField(_("account no."), max_length=32)
    order_no = models.CharField(_("order no."), max_length=40)
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    explanation = models.CharField(_("explanation"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    explained_by = models.CharField(_("explained by"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    worked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worked by"),
    )
    worked_at = models.DateTimeField(_("worked at"), null=True, blank=True)
    finding = models.ForeignKey(
        Finding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("finding"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-business_date", "rule", "order_no"]
        verbose_name = _("verification item")
        verbose_name_plural = _("verification items")
        constraints = [
            models.UniqueConstraint(fields=["rule", "refund"], name="item_one_per_rule_refund"),
            models.UniqueConstraint(
                fields=["rule", "dismantle"], name="item_one_per_rule_dismantle"
            ),
            models.CheckConstraint(
                condition=(Q(refund__isnull=False) & Q(dismantle__isnull=True))
                | (Q(refund__isnull=True) & Q(dismantle__isnull=False)),
                name="item_one_record",
            ),
            models.CheckConstraint(
                condition=Q(rule__in=["R1", "R2", "R3", "R4", "R5", "R6"]), name="item_rule_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "ok", "problem", "explained"]),
                name="item_status_known",
            ),
        ]
        indexes = [
            # County worklist and city overview: WHERE county_id = ? AND status = ? AND
            # business_date = ? (rule × county counts group over the same columns).
            models.Index(fields=["county", "status", "business_date"], name="item_county_status"),
            # R2 closing after a dismantles import: WHERE rule = 'R2' AND status = 'open' AND
            # business_date BETWEEN ? AND ? (the import's days ± AUDIT_R2_DAYS), so that it
            # reads the window's open items, not every R2 item ever made.
            models.Index(fields=["rule", "status", "business_date"], name="item_rule_status_date"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.order_no}"


class CashFlowReconciliation(models.Model):
    """One county's cash-flow reconciliation of one month (docs/rules.md#cash-flow): the
    receivable per the billing system, the cash actually received, and an explanation of the
    difference (``received − receivable``) whenever it is not 0. Signed off 1 → 2 → 3; every
    edit bumps ``version`` and voids the sign-offs it made stale."""

    Status = Audit.Status

    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="cashflow_reconciliations",
        verbose_name=_("county"),
    )
    #: The month, as its first day.
    month = models.DateField(_("month"))
    receivable = models.DecimalField(_("receivable"), **MONEY)
    received = models.DecimalField(_("received"), **MONEY)
    explanation = models.TextField(_("explanation"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"))

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "county__sort_order"]
        verbose_name = _("cash-flow reconciliation")
        verbose_name_plural = _("cash-flow reconciliations")
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="cashflow_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="cashflow_month_first_day"),
            models.CheckConstraint(
                condition=Q(receivable__gte=0, received__gte=0), name="cashflow_amounts"
            ),
            # A difference is never left unexplained: whoever writes, the database refuses it.
            models.CheckConstraint(
                condition=Q(received=models.F("receivable"))
                | Q(GreaterThan(Length(Trim("explanation")), 0)),
                name="cashflow_difference_explained",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "in_progress", "passed", "failed"]),
                name="cashflow_status_known",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="cashflow_version"),
        ]
        indexes = [
            # The city ranking and the monthly briefing: WHERE month = ? (every county's row).
            models.Index(fields=["month"], name="cashflow_month"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {formatting.month(self.month)}"

    @property
    def difference(self) -> Decimal:
        """``received − receivable`` (negative: less cash came in than was billed)."""
        return self.received - self.receivable

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.PASSED, self.Status.FAILED)


class CashFlowSignOffQuerySet(SignOffQuerySetBase):
    county_lookup = "reconciliation__county"


class CashFlowSignOff(SignOffBase):
    """A level's signature on a cash-flow reconciliation; the fingerprint is the sha256 of the
    receivable, the received and the explanation that were signed."""

    reconciliation = models.ForeignKey(
        CashFlowReconciliation,
        on_delete=models.CASCADE,
        related_name="signoffs",
        verbose_name=_("reconciliation"),
    )

    objects = CashFlowSignOffQuerySet.as_manager()

    class Meta:
        ordering = ["reconciliation", "signed_at", "level"]
        verbose_name = _("cash-flow sign-off")
        verbose_name_plural = _("cash-flow sign-offs")
        constraints = [
            # One standing sign-off per level: two auditors signing at once cannot both count.
            models.UniqueConstraint(
                fields=["reconciliation", "level"],
                condition=Q(voided_at__isnull=True),
                name="cashflow_signoff_one_live_per_level",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="cashflow_signoff_level"
            ),
            models.CheckConstraint(
                condition=Q(result__in=["passed", "failed"]), name="cashflow_signoff_result"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reconciliation} L{self.level} {self.result}"


# --------------------------------------------------------------------------- false users


class FalseUserCase(models.Model):
    """An account suspected of being a false user (docs/rules.md#false-users): found by the
    rule or reported by hand, then confirmed and removed (the account dismantled), or cleared.

    One open case per account: the partial unique constraint makes a second report or a rerun
    of the rule insert nothing while a case is open."""

    class Source(models.TextChoices):
        RULE = "rule", _("Rule")
        MANUAL = "manual", _("Reported by hand")

    class Status(models.TextChoices):
        SUSPECTED = "suspected", _("Suspected")
        CONFIRMED = "confirmed", _("Confirmed")
        REMOVED = "removed", _("Removed")
        CLEARED = "cleared", _("Cleared")

    #: The statuses of a case still being worked.
    OPEN_STATUSES = ("suspected", "confirmed")

    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="false_user_cases",
        verbose_name=_("account"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="false_user_cases", verbose_name=_("county")
    )
    source = models.CharField(_("source"), max_length=6, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.SUSPECTED
    )
    reason = models.TextField(_("reason"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("false-user case")
        verbose_name_plural = _("false-user cases")
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=["suspected", "confirmed"]),
                name="false_user_one_open_case",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["rule", "manual"]), name="false_user_source_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["suspected", "confirmed", "removed", "cleared"]),
                name="false_user_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="removed", removed_on__isnull=False)
                | (~Q(status="removed") & Q(removed_on__isnull=True)),
                name="false_user_removed_has_date",
            ),
        ]
        indexes = [
            # The list and the counts per county and month:
            # WHERE county_id = ? AND status = ? ORDER BY reported_at.
            models.Index(
                fields=["county", "status", "reported_at"], name="false_user_county_status"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.account.account_no}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class FalseUserEvent(models.Model):
    """The history of a false-user case: one row per step, with who (none for the rule) and
    when."""

    class Action(models.TextChoices):
        REPORTED = "reported", _("Reported")
        FOUND = "found", _("Found by the rule")
        CONFIRMED = "confirmed", _("Confirmed")
        REMOVED = "removed", _("Removed")
        CLEARED = "cleared", _("Cleared")

    case = models.ForeignKey(
        FalseUserCase, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    action = models.CharField(_("action"), max_length=9, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    status_after = models.CharField(_("status after"), max_length=9)

    class Meta:
        ordering = ["case", "at", "pk"]
        verbose_name = _("false-user case history")
        verbose_name_plural = _("false-user case history")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


# --------------------------------------------------------------------------- on-site verifications


class OnSiteVerification(models.Model):
    """A visit of the city's auditors to a county (docs/rules.md#on-site-verifications): what
    was looked at, who took part, what was found, and the follow-ups it left."""

    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="onsite_verifications",
        verbose_name=_("county"),
    )
    date = models.DateField(_("date"))
    scope = models.TextField(_("scope"))
    participants = models.TextField(_("participants"))
    result = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "county__sort_order", "-pk"]
        verbose_name = _("on-site verification")
        verbose_name_plural = _("on-site verifications")
        indexes = [
            # The list: WHERE county_id = ? AND date BETWEEN ? AND ? ORDER BY date.
            models.Index(fields=["county", "date"], name="onsite_county_date"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {formatting.date(self.date)}"


class OnSiteFollowUpQuerySet(CountyScopedQuerySet):
    county_lookup = "verification__county"


class FollowUp(models.Model):
    """Something an on-site verification left to do, with its owner (a user of the county)
    and due date; past due while not done after ``due_on``."""

    verification = models.ForeignKey(
        OnSiteVerification,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("verification"),
    )
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OnSiteFollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(done=True, done_at__isnull=False, done_by__isnull=False)
                | Q(done=False, done_at__isnull=True, done_by__isnull=True),
                name="follow_up_done_has_who_and_when",
            ),
        ]
        indexes = [
            # Follow-ups past due: WHERE done = false AND due_on < ? ORDER BY due_on.
            models.Index(fields=["done", "due_on"], name="follow_up_done_due"),
        ]

    def __str__(self) -> str:
        return f"{self.verification} · {self.description[:40]}"

    def is_past_due(self, today: dt.date) -> bool:
        return not self.done and today > self.due_on


class WeeklyNotice(models.Model):
    """The weekly audit notice of one ISO week (docs/rules.md#weekly-audit-notice): the counties
    criticised with their reasons and counts, the counties commended, the city's remarks.

    ``criticism`` and ``commendation`` are a snapshot the draft service writes: a draft is
    rewritten from the data whenever it is drafted again; a published notice is never written
    again, so it stays exactly as it was published. ``criticism`` is ``[{"county": code, "name":
    name, "reasons": [{"kind": …, "cadence": …, "count": n}]}]``, ``commendation`` is
    ``[{"county": code, "name": name}]``, both in the counties' order."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    week = models.CharField(_("week"), max_length=8, unique=True, help_text="YYYY-Www")
    week_start = models.DateField(_("week start"))
    week_end = models.DateField(_("week end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    criticism = models.JSONField(_("criticism"), default=list, blank=True)
    commendation = models.JSONField(_("commendation"), default=list, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    drafted_at = models.DateTimeField(_("drafted at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly notice")
        verbose_name_plural = _("weekly notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="notice_status_known"
            ),
            models.CheckConstraint(
                condition=Q(week_start__lte=models.F("week_end")), name="notice_week_order"
            ),
            # A published notice says when it was published.
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="notice_published_at",
            ),
        ]

    def __str__(self) -> str:
        return self.week

    @property
    def published(self) -> bool:
        return self.status == self.Status.PUBLISHED
