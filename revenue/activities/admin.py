"""Admin registrations of the activities (imported by revenue/admin.py)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from revenue.models import (
    CaseTag,
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)


class PromotedInCountiesAdmin(admin.ModelAdmin):
    """A record the city keeps for several counties: pick them side by side, list their codes
    (prefetched, so the list runs one query for all rows' counties)."""

    filter_horizontal = ("counties",)
    list_select_related = ("created_by",)
    readonly_fields = ("created_by", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("counties")

    @admin.display(description=_("counties"))
    def county_codes(self, obj: TariffPackage | Training) -> str:
        return ", ".join(county.code for county in obj.counties.all())


@admin.register(TariffPackage)
class TariffPackageAdmin(PromotedInCountiesAdmin):
    list_display = ("name", "monthly_fee", "status", "applied_on", "approved_on", "county_codes")
    list_filter = ("status", "counties")
    search_fields = ("name", "description")
    date_hierarchy = "applied_on"


@admin.register(Training)
class TrainingAdmin(PromotedInCountiesAdmin):
    list_display = ("date", "kind", "topic", "attendees", "county_codes")
    list_filter = ("kind", "counties")
    search_fields = ("topic", "notes", "attendee_names")
    date_hierarchy = "date"


@admin.register(CaseTag)
class CaseTagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(MarketingCase)
class MarketingCaseAdmin(admin.ModelAdmin):
    list_display = ("title", "county", "new_households", "revenue_gain", "created_by", "created_at")
    list_filter = ("county", "tags")
    search_fields = ("title", "what_was_done", "result", "tags__name")
    filter_horizontal = ("tags",)
    list_select_related = ("county", "created_by")
    readonly_fields = ("created_by", "created_at", "updated_at")


class FollowUpInline(admin.TabularInline):
    model = FollowUpAction
    extra = 0
    fields = ("description", "owner", "due_on", "done", "done_on")
    autocomplete_fields = ("owner",)


@admin.register(FieldVisit)
class FieldVisitAdmin(admin.ModelAdmin):
    list_display = ("date", "county", "kind", "participants", "created_by")
    list_filter = ("kind", "county")
    search_fields = ("participants", "findings")
    date_hierarchy = "date"
    list_select_related = ("county", "created_by")
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = (FollowUpInline,)


@admin.register(FollowUpAction)
class FollowUpActionAdmin(admin.ModelAdmin):
    list_display = ("description", "visit", "owner", "due_on", "done", "done_on")
    list_filter = ("done", "visit__county")
    search_fields = ("description", "owner__username", "visit__findings")
    date_hierarchy = "due_on"
    list_select_related = ("visit__county", "owner")
    autocomplete_fields = ("owner",)
