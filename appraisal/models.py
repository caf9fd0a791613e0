"""County appraisal (docs/rules.md#appraisal): indicators, monthly schemes, manual values, the
computed scores and scorecards, adjustments and the months' state.

Months are stored as their first day, as bills keep theirs. A county user sees every county's
total and rank (``Scorecard``) but only their own scores, values and adjustments: those
models are county-scoped, the scorecards are not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketing_ops.access import CountyScopedQuerySet
from marketing_ops.models import County
from marketing_ops.money import MoneyFieldSettings

#: Values, targets and floors: rates with 4 places need room for a manual indicator's counts.
VALUE: MoneyFieldSettings = {"max_digits": 20, "decimal_places": 6}
#: Weights, caps, scores and totals: points with 2 places.
POINTS: MoneyFieldSettings = {"max_digits": 9, "decimal_places": 2}

indicator_code = RegexValidator(
    r"^[A-Z][A-Z0-9_]{1,39}\Z", _("Use upper case letters, digits and _, e.g. SERVICE_VISITS.")
)


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


#: The built-in indicators (docs/rules.md#appraisal-indicators): code → (name, direction, unit).
#: Their rows are made by migrations (0002; ``MATERIAL_LOOP_GAPS`` by 0003), so
#: that schemes refer to every indicator alike; the names here are the translated ones.
BUILT_IN = {
    "REVENUE_COMPLETION": (_("Revenue completion against time progress"), "higher", "ratio"),
    "VOLUME_COMPLETION": (_("Volume completion against time progress"), "higher", "ratio"),
    "ARREARS_RECOVERY": (_("Current-arrears recovery rate"), "higher", "rate"),
    "CHURN_RATE": (_("Churn rate"), "lower", "rate"),
    "RENEWAL_RATE": (_("Renewal rate"), "higher", "rate"),
    "ZERO_COST_SHARE": (_("Zero-cost users' share"), "lower", "rate"),
    "ZERO_COST_ACTIVATION": (_("Zero-cost users activated"), "higher", "rate"),
    "STOP_SHARE": (_("Single and double stops' share"), "lower", "rate"),
    "AUDIT_PASS_RATE": (_("Audit pass rate"), "higher", "rate"),
    "MATERIAL_LOOP_GAPS": (_("Closed-loop differences not accepted"), "lower", "count"),
}

#: The built-in indicators' units, as a reader sees them.
UNITS = {"ratio": pgettext_lazy("unit", "ratio"), "rate": pgettext_lazy("unit", "rate")}


class Indicator(models.Model):
    """A built-in indicator (computed from the other apps' data; its row is made by a
    migration) or a manual one (city staff enter its values)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[indicator_code])
    name = models.CharField(_("name"), max_length=120)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    built_in = models.BooleanField(_("built in"), default=False)

    class Meta:
        ordering = ["-built_in", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=["higher", "lower"]), name="indicator_direction_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the reader's language (built-in names are translated)."""
        built_in = BUILT_IN.get(self.code)
        return str(built_in[0]) if built_in and self.built_in else self.name

    @property
    def unit_label(self) -> str:
        """The unit in the reader's language (the built-in indicators' units are translated)."""
        return str(UNITS.get(self.unit, self.unit))


class AppraisalMonth(models.Model):
    """A month's state: when it was last computed, and whether it is closed (read-only)."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("appraisal month")
        verbose_name_plural = _("appraisal months")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class Scheme(models.Model):
    """The indicators of a month with weight, target, floor and cap
    (docs/rules.md#appraisal-schemes)."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class SchemeItem(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("weight"), **POINTS)
    target = models.DecimalField(_("target"), **VALUE)
    floor = models.DecimalField(_("floor"), **VALUE)
    cap = models.DecimalField(_("cap"), **POINTS, default=1)

    class Meta:
        ordering = ["scheme", "indicator__code"]
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="scheme_item_once"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="scheme_item_weight_positive"),
            models.CheckConstraint(condition=Q(cap__gte=1), name="scheme_item_cap_at_least_1"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.indicator_id} {self.weight}"


class ManualValue(models.Model):
    """A manual indicator's value for a county and month, entered by city staff."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("value"), **VALUE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "indicator__code", "county__sort_order"]
        verbose_name = _("manual value")
        verbose_name_plural = _("manual values")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "indicator", "county"], name="manual_value_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.month:%Y-%m} {self.indicator_id}: {self.value}"


class Score(models.Model):
    """One indicator of one county's scorecard, with its value and the inputs it came from
    (numerator, denominator, counts) and the scheme's figures it was scored against."""

    month = models.DateField(_("month"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), **VALUE, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), **VALUE, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), **VALUE, null=True, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    weight = models.DecimalField(_("weight"), **POINTS)
    target = models.DecimalField(_("target"), **VALUE)
    floor = models.DecimalField(_("floor"), **VALUE)
    cap = models.DecimalField(_("cap"), **POINTS)
    ratio = models.DecimalField(_("ratio"), max_digits=12, decimal_places=4, null=True, blank=True)
    score = models.DecimalField(_("score"), **POINTS, null=True, blank=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["month", "county__sort_order", "indicator__code"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["month", "county", "indicator"], name="score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.month:%Y-%m} {self.indicator_id}: {self.score}"


class Scorecard(models.Model):
    """A county's total and rank of a month. Every reader sees every county's scorecard
    (total and rank); its scores are scoped (``Score``)."""

    month = models.DateField(_("month"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("total"), **POINTS, null=True, blank=True)
    adjusted_total = models.DecimalField(_("adjusted total"), **POINTS, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    #: Codes of the indicators without a value, left out of the total.
    left_out = models.JSONField(_("left out"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["month", "rank", "county__sort_order"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["month", "county"], name="scorecard_once"),
        ]
        indexes = [
            # A county's trend over the months.
            models.Index(fields=["county", "month"], name="scorecard_county_month"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.month:%Y-%m}: {self.adjusted_total}"


class Adjustment(models.Model):
    """An amount city staff add to a county's total or to one score, with the reason.
    Append-only: never changed or deleted by the application."""

    month = models.DateField(_("month"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(pgettext_lazy("appraisal adjustment", "amount"), **POINTS)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["month", "at", "pk"]
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        indexes = [
            # The adjustments of a month (ranks) and of a county's scorecard.
            models.Index(fields=["month", "county"], name="adjustment_month_county"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="adjustment_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.month:%Y-%m} {self.amount:+}"
