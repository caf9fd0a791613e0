"""Monthly county reports and their change history (docs/rules.md#monthly-reports)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketing_ops.access import CountyScopedQuerySet
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import MONEY

__all__ = ["MonthlyReport", "ReportChange", "ReportVolume"]


class MonthlyReport(models.Model):
    """A county's figures for one month: revenue and new households per line."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="monthly_reports")
    year = models.PositiveIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    revenue = models.DecimalField(**MONEY, default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Optimistic locking: every write bumps it; a write carrying an older one is a conflict.
    version = models.PositiveIntegerField(default=1)
    late = models.BooleanField(default=False, help_text=_("Submitted after the deadline."))
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "county__sort_order", "county__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "month"], name="monthlyreport_one_per_county_month"
            ),
            models.CheckConstraint(
                condition=Q(revenue__gte=0), name="monthlyreport_revenue_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="monthlyreport_month_1_12"
            ),
        ]
        indexes = [
            # Progress: approved reports of a year through a month, summed per county.
            models.Index(fields=["year", "status", "month"], name="report_year_status_month"),
        ]

    def __str__(self) -> str:
        return f"{self.county.code} {self.year}-{self.month:02d}"

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ReportVolumeQuerySet(CountyScopedQuerySet):
    county_lookup = "report__county"


class ReportVolume(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="volumes")
    line = models.ForeignKey(BusinessLine, on_delete=models.PROTECT, related_name="+")
    volume = models.PositiveIntegerField(default=0)

    objects = ReportVolumeQuerySet.as_manager()

    class Meta:
        ordering = ["report", "line__sort_order", "line__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "line"], name="reportvolume_one_per_line")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.line.code}: {self.volume}"


class ReportChangeQuerySet(CountyScopedQuerySet):
    county_lookup = "report__county"


class ReportChange(models.Model):
    """Who changed what and when: one row per changed figure or workflow step."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, help_text=_("edit, import, submit, approve, …"))
    field = models.CharField(max_length=40, blank=True)
    old = models.CharField(max_length=100, blank=True)
    new = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)

    objects = ReportChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.report} {self.action} {self.field}"
