"""Annual plans, decomposition, phasing, province standing (docs/rules.md#annual-plan,
#decomposition-to-counties, #phasing, #province-standing).

Volume targets are kept as ``{LINE_CODE: households}`` JSON beside the revenue figure: lines are
data (docs/rules.md#organisation-data), a plan is read whole, and every figure a plan holds is
written by one service.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketing_ops.access import CountyScopedQuerySet
from marketing_ops.models import County
from marketing_ops.money import MONEY

__all__ = [
    "CountyMonthTarget",
    "CountyTarget",
    "Decomposition",
    "PhasingProfile",
    "Plan",
    "Rephasing",
    "ProvinceStanding",
]


class Plan(models.Model):
    """The year's plan as issued by the provincial company (docs/rules.md#annual-plan)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    year = models.PositiveIntegerField(
        unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    revenue_target = models.DecimalField(**MONEY)
    volume_targets = models.JSONField(
        default=dict, blank=True, help_text=_("New households per business line: {LINE: n}.")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revenue_target__gte=0), name="plan_revenue_target_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"plan {self.year}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Decomposition(models.Model):
    """One split of a plan over the counties, kept for ever; the latest is ``current``."""

    class Method(models.TextChoices):
        LAST_YEAR = "last_year", _("Last year's actuals")
        POTENTIAL = "potential", _("Market potential index")
        MANUAL = "manual", _("Manual amounts")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="decompositions")
    method = models.CharField(max_length=10, choices=Method.choices)
    reason = models.TextField(blank=True)
    current = models.BooleanField(default=True)
    revenue_target = models.DecimalField(**MONEY, help_text=_("The city target split."))
    volume_targets = models.JSONField(default=dict, blank=True)
    weights = models.JSONField(
        default=dict, blank=True, help_text=_("The weights used: {COUNTY: w} or per figure.")
    )
    allocations = models.JSONField(
        default=dict, help_text=_('Snapshot: {COUNTY: {"revenue": "x", LINE: n}}.')
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=Q(current=True), name="decomposition_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} by {self.method} ({self.created_at:%Y-%m-%d %H:%M})"


class PhasingProfile(models.Model):
    """A named, reusable shape of a year: 12 weights, or 12 amounts for one annual target."""

    class Kind(models.TextChoices):
        WEIGHTS = "weights", _("12 weights")
        AMOUNTS = "amounts", _("12 amounts")

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WEIGHTS)
    values = models.JSONField(help_text=_("12 numbers, January to December, as decimal strings."))
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CountyTarget(models.Model):
    """A county's annual targets under the plan's current decomposition, and how it is phased."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="county_targets")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="revenue_targets")
    revenue_target = models.DecimalField(**MONEY)
    volume_targets = models.JSONField(default=dict, blank=True)
    phasing_profile = models.ForeignKey(
        PhasingProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phasing_weights = models.JSONField(
        null=True, blank=True, help_text=_("The 12 weights last applied; empty means equal months.")
    )

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["county__sort_order", "county__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "county"], name="countytarget_one_per_county"),
            models.CheckConstraint(
                condition=Q(revenue_target__gte=0), name="countytarget_revenue_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.county.code}"


class CountyMonthTargetQuerySet(CountyScopedQuerySet):
    county_lookup = "county_target__county"


class CountyMonthTarget(models.Model):
    """A county's phased target for one month; the 12 months sum to the annual target."""

    county_target = models.ForeignKey(CountyTarget, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    revenue_target = models.DecimalField(**MONEY)
    volume_targets = models.JSONField(default=dict, blank=True)

    objects = CountyMonthTargetQuerySet.as_manager()

    class Meta:
        ordering = ["county_target", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_target", "month"], name="countymonthtarget_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="countymonthtarget_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_target} · {self.month:02d}"


class Rephasing(models.Model):
    """One phasing of a plan's counties into months, kept for ever (docs/rules.md#phasing):
    the weights, the reason (required once the plan is published), the months kept because
    they have an approved report, and the monthly revenue targets before and after."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rephasings")
    county = models.ForeignKey(
        County,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when every county was phased."),
    )
    profile_name = models.CharField(max_length=100, blank=True)
    weights = models.JSONField(default=list, blank=True, help_text=_("The 12 weights applied."))
    reason = models.TextField(blank=True)
    kept_months = models.JSONField(
        default=dict, blank=True, help_text=_("{COUNTY: [months kept for their approved report]}.")
    )
    before = models.JSONField(default=dict, help_text=_('{COUNTY: ["Jan", …, "Dec"]} revenue.'))
    after = models.JSONField(default=dict, help_text=_('{COUNTY: ["Jan", …, "Dec"]} revenue.'))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} phased ({self.created_at:%Y-%m-%d %H:%M})"


class ProvinceStanding(models.Model):
    """The city's place in the provincial bulletin for a month (docs/rules.md#province-standing)."""

    year = models.PositiveIntegerField()
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    cities = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    completion_rate = models.DecimalField(
        max_digits=6, decimal_places=4, help_text=_("As the province computed it, e.g. 0.4987.")
    )
    note = models.CharField(max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"], name="provincestanding_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(rank__lte=models.F("cities")), name="provincestanding_rank_in_cities"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}: {self.rank}/{self.cities}"
