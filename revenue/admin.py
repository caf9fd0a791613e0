"""Admin of plans, reports and standings (the activities register themselves)."""

from django.contrib import admin

import revenue.activities.admin  # noqa: F401  (registers the activities)
from revenue.models import (
    CountyMonthTarget,
    CountyTarget,
    Decomposition,
    MonthlyReport,
    PhasingProfile,
    Plan,
    ProvinceStanding,
    Rephasing,
    ReportChange,
    ReportVolume,
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("year", "revenue_target", "status", "published_at")
    list_filter = ("status",)
    search_fields = ("year",)
    list_select_related = ("published_by",)
    readonly_fields = ("published_at", "published_by", "created_at", "updated_at")


@admin.register(Decomposition)
class DecompositionAdmin(admin.ModelAdmin):
    list_display = ("plan", "method", "current", "revenue_target", "created_by", "created_at")
    list_filter = ("method", "current", "plan__year")
    search_fields = ("reason",)
    list_select_related = ("plan", "created_by")
    # History is written by the decomposition service only.
    readonly_fields = [f.name for f in Decomposition._meta.fields]


@admin.register(Rephasing)
class RephasingAdmin(admin.ModelAdmin):
    list_display = ("plan", "county", "profile_name", "created_by", "created_at")
    list_filter = ("plan__year",)
    search_fields = ("reason",)
    list_select_related = ("plan", "county", "created_by")
    # History is written by the phasing service only.
    readonly_fields = [f.name for f in Rephasing._meta.fields]


class CountyMonthTargetInline(admin.TabularInline):
    model = CountyMonthTarget
    extra = 0
    readonly_fields = ("month", "revenue_target", "volume_targets")
    can_delete = False


@admin.register(CountyTarget)
class CountyTargetAdmin(admin.ModelAdmin):
    list_display = ("plan", "county", "revenue_target", "phasing_profile")
    list_filter = ("plan__year", "county")
    search_fields = ("county__code", "county__name")
    list_select_related = ("plan", "county", "phasing_profile")
    readonly_fields = ("plan", "county", "revenue_target", "volume_targets", "phasing_weights")
    inlines = [CountyMonthTargetInline]


@admin.register(PhasingProfile)
class PhasingProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "description", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "description")


class ReportVolumeInline(admin.TabularInline):
    model = ReportVolume
    extra = 0
    readonly_fields = ("line", "volume")
    can_delete = False


class ReportChangeInline(admin.TabularInline):
    model = ReportChange
    extra = 0
    readonly_fields = ("at", "by", "action", "field", "old", "new", "reason")
    can_delete = False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ("county", "year", "month", "revenue", "status", "late", "version")
    list_filter = ("status", "late", "year", "month", "county")
    search_fields = ("county__code", "county__name")
    list_select_related = ("county",)
    # Figures and workflow change through the services (history, versions, locking) only.
    readonly_fields = [f.name for f in MonthlyReport._meta.fields]
    inlines = [ReportVolumeInline, ReportChangeInline]


@admin.register(ProvinceStanding)
class ProvinceStandingAdmin(admin.ModelAdmin):
    list_display = ("year", "month", "rank", "cities", "completion_rate", "entered_by")
    list_filter = ("year",)
    search_fields = ("note",)
    list_select_related = ("entered_by",)
