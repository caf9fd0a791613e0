from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from marketing_ops.models import Briefing, BusinessLine, County, ImportJob, Profile
from marketing_ops.tables import ImportJobTable

User = get_user_model()


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "active", "sort_order")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    list_editable = ("sort_order", "active")


@admin.register(BusinessLine)
class BusinessLineAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "deposit_required", "uses_terminal", "active")
    list_filter = ("deposit_required", "uses_terminal", "active")
    search_fields = ("code", "name")


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"


class CountyFilter(admin.SimpleListFilter):
    title = _("county")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        return [("none", _("City-wide"))] + [(c.code, str(c)) for c in County.objects.all()]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(profile__county__isnull=True)
        if self.value():
            return queryset.filter(profile__county__code=self.value())
        return queryset


admin.site.unregister(User)


@admin.register(User)
class MarketingUserAdmin(UserAdmin):
    inlines = (ProfileInline,)
    list_display = ("username", "email", "first_name", "last_name", "county", "roles", "is_active")
    list_filter = ("groups", CountyFilter, "is_active", "is_staff")
    list_select_related = ("profile__county",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="county")
    def county(self, user):
        profile = getattr(user, "profile", None)
        return profile.county.code if profile and profile.county_id else "—"

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(sorted(g.name for g in user.groups.all()))


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    # The same columns as the imports page.
    list_display = ImportJobTable.Meta.fields
    list_filter = ("dataset", "status", "county")
    search_fields = ("file_name", "sha256")
    list_select_related = ("created_by", "county")
    readonly_fields = [f.name for f in ImportJob._meta.fields]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "period", "scope", "sent_at", "send_count")
    list_filter = ("kind", "scope")
    search_fields = ("subject", "period")
    exclude = ("xlsx",)
    readonly_fields = (
        "kind",
        "period",
        "scope",
        "county",
        "subject",
        "recipients",
        "sent_at",
        "send_count",
        "created_at",
    )
