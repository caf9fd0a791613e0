"""Admin of the appraisal tables. Scores, scorecards and adjustments are written by the
services (computation, adjustments): the admin shows them."""

from django.contrib import admin

from appraisal.models import (
    Adjustment,
    AppraisalMonth,
    Indicator,
    ManualValue,
    Scheme,
    SchemeItem,
    Score,
    Scorecard,
)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "direction", "unit", "built_in")
    list_filter = ("built_in", "direction")
    search_fields = ("code", "name")


@admin.register(AppraisalMonth)
class AppraisalMonthAdmin(admin.ModelAdmin):
    list_display = ("month", "computed_at", "closed_at", "closed_by")
    list_select_related = ("closed_by",)


class SchemeItemInline(admin.TabularInline):
    model = SchemeItem
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("month", "updated_at", "updated_by")
    list_select_related = ("updated_by",)
    inlines = [SchemeItemInline]


@admin.register(ManualValue)
class ManualValueAdmin(admin.ModelAdmin):
    list_display = ("month", "county", "indicator", "value", "entered_by", "entered_at")
    list_filter = ("month", "indicator", "county")
    list_select_related = ("county", "indicator", "entered_by")


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ("month", "county", "indicator", "value", "ratio", "score")
    list_filter = ("month", "indicator", "county")
    list_select_related = ("county", "indicator")


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("month", "county", "total", "adjusted_total", "rank")
    list_filter = ("month", "county")
    list_select_related = ("county",)


@admin.register(Adjustment)
class AdjustmentAdmin(admin.ModelAdmin):
    list_display = ("month", "county", "indicator", "amount", "reason", "by", "at")
    list_filter = ("month", "county")
    search_fields = ("reason",)
    list_select_related = ("county", "indicator", "by")
