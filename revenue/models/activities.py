"""Business development activities (docs/rules.md#business-development-activities): tariff
packages, trainings and meetings,
marketing cases (the library of successful cases to spread), field visits with follow-ups.

Packages and trainings concern several counties (a many-to-many ``counties``); a county user
sees those that include their county. Cases and visits belong to one county.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marketing_ops import formatting
from marketing_ops.access import CountyScopedQuerySet
from marketing_ops.models import County
from marketing_ops.money import MONEY

__all__ = [
    "CaseTag",
    "FieldVisit",
    "FollowUpAction",
    "MarketingCase",
    "TariffPackage",
    "Training",
]


class PromotedInCountiesQuerySet(CountyScopedQuerySet):
    """Records shared by several counties: a county user sees those that include their county.

    ``filter(counties=<one id>)`` joins the through table on a single county, and the through
    table holds each (record, county) pair once, so no record can appear twice: no
    ``distinct()`` is needed (it would cost a sort on every list page).
    """

    county_lookup = "counties"


class Recorded(models.Model):
    """Who recorded an activity and when it was recorded and last changed."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TariffPackage(Recorded):
    """A tariff package the city designs, applies for at the province and counties promote."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPLIED = "applied", _("Applied to province")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    name = models.CharField(max_length=200)
    monthly_fee = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)], help_text=_("Yuan.")
    )
    description = models.TextField(blank=True)
    applied_on = models.DateField(
        "applied to province on",
        null=True,
        blank=True,
        help_text=_("Required once the package has left draft."),
    )
    approved_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    counties = models.ManyToManyField(
        County,
        blank=True,
        related_name="tariff_packages",
        verbose_name=_("counties promoting it"),
    )

    objects = PromotedInCountiesQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_fee__gte=0), name="tariffpackage_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(applied_on__isnull=False),
                name="tariffpackage_applied_on_after_draft",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_on__isnull=False),
                name="tariffpackage_approved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True)
                | Q(applied_on__isnull=True)
                | Q(approved_on__gte=F("applied_on")),
                name="tariffpackage_approved_after_applied",
            ),
        ]
        indexes = [
            # The package list filtered by status, newest application first.
            models.Index(fields=["status", "-applied_on"], name="tariffpackage_status"),
        ]

    def __str__(self) -> str:
        return self.name


class Training(Recorded):
    """A training or meeting the city held for (some of) its counties."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        MEETING = "meeting", _("Meeting")
        PROVINCIAL_TRAINING = "provincial_training", _("Provincial training")

    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRAINING)
    topic = models.CharField(max_length=200)
    counties = models.ManyToManyField(County, blank=True, related_name="trainings")
    attendees = models.PositiveIntegerField(default=0, help_text=_("How many people attended."))
    attendee_names = models.TextField(blank=True, help_text=_("Optional: who attended."))
    notes = models.TextField(blank=True)

    objects = PromotedInCountiesQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("training or meeting")
        verbose_name_plural = _("trainings and meetings")
        indexes = [
            # The training list, newest first, filtered by kind.
            models.Index(fields=["-date", "kind"], name="training_date_kind"),
        ]

    def __str__(self) -> str:
        return f"{formatting.date(self.date)} {self.topic}"


class CaseTag(models.Model):
    """A tag of the marketing case library, stored in lower case so "Campus" = "campus"."""

    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MarketingCase(Recorded):
    """A county's marketing case: what was done and what it brought, for others to copy."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="marketing_cases")
    title = models.CharField(max_length=200)
    what_was_done = models.TextField()
    result = models.TextField(_("result figures"), blank=True)
    new_households = models.PositiveIntegerField(null=True, blank=True)
    revenue_gain = models.DecimalField(**MONEY, null=True, blank=True, help_text=_("Yuan."))
    tags = models.ManyToManyField(CaseTag, blank=True, related_name="cases")

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "title"], name="marketingcase_county_title")
        ]

    def __str__(self) -> str:
        return self.title


class FieldVisit(Recorded):
    """A field visit or market research trip to a county and what it found."""

    class Kind(models.TextChoices):
        FIELD_VISIT = "field_visit", _("Field visit")
        MARKET_RESEARCH = "market_research", _("Market research")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="field_visits")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FIELD_VISIT)
    participants = models.TextField(help_text=_("Who went, e.g. names or departments."))
    findings = models.TextField()

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("field visit")
        indexes = [
            # A county's visits, newest first (the scoped list page).
            models.Index(fields=["county", "-date"], name="fieldvisit_county_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.county.code} {formatting.date(self.date)}"


class FollowUpQuerySet(CountyScopedQuerySet):
    county_lookup = "visit__county"

    def overdue(self, today: dt.date) -> FollowUpQuerySet:
        """Not done and the due date has passed (due today is not overdue yet)."""
        return self.filter(done=False, due_on__lt=today)


class FollowUpAction(models.Model):
    """Something a field visit decided to do, with an owner and a due date."""

    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_up_actions"
    )
    due_on = models.DateField()
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up action")
        constraints = [
            models.CheckConstraint(
                condition=Q(done=True, done_on__isnull=False) | Q(done=False, done_on__isnull=True),
                name="followupaction_done_has_date",
            )
        ]
        indexes = [
            # The overdue list: open actions by due date.
            models.Index(fields=["done", "due_on"], name="followup_open_due"),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def is_overdue(self, today) -> bool:
        return not self.done and self.due_on < today
