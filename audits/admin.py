from django.contrib import admin
from django.http import HttpRequest

from audits.models import (
    Audit,
    AuditCheck,
    CashFlowReconciliation,
    CashFlowSignOff,
    ChecklistItem,
    ChecklistTemplate,
    DismantleRecord,
    FalseUserCase,
    FalseUserEvent,
    Finding,
    FindingEvent,
    FindingEvidence,
    FollowUp,
    Holiday,
    OnSiteVerification,
    RefundRecord,
    SignOff,
    VerificationItem,
    WeeklyNotice,
)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    search_fields = ("name",)
    date_hierarchy = "date"


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("cadence",)
    inlines = [ChecklistItemInline]


class AuditCheckInline(admin.TabularInline):
    model = AuditCheck
    extra = 0
    readonly_fields = ("position", "text", "answer", "note", "answered_by", "answered_at")
    can_delete = False


class SignOffInline(admin.TabularInline):
    model = SignOff
    extra = 0
    readonly_fields = (
        "level",
        "user",
        "result",
        "note",
        "fingerprint",
        "signed_at",
        "voided_at",
        "voided_by_change",
    )
    can_delete = False


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    """Read here; answers, sign-offs and reopening go through the pages (their services keep
    the fingerprints and the order of levels)."""

    list_display = ("county", "cadence", "period", "status", "due_on", "late", "finished_at")
    list_filter = ("cadence", "status", "late", "county")
    search_fields = ("period", "county__code")
    list_select_related = ("county",)
    readonly_fields = (
        "county",
        "cadence",
        "period",
        "period_start",
        "period_end",
        "due_on",
        "status",
        "finished_at",
        "late",
        "reopen_reason",
    )
    inlines = [AuditCheckInline, SignOffInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("pk", "county", "category", "severity", "status", "due_on", "owner")
    list_filter = ("status", "category", "severity", "county")
    search_fields = ("description",)
    list_select_related = ("county", "owner")
    readonly_fields = [f.name for f in Finding._meta.fields]


@admin.register(FindingEvent)
class FindingEventAdmin(admin.ModelAdmin):
    list_display = ("finding", "action", "user", "at", "status_after")
    list_select_related = ("finding", "user")
    list_filter = ("action",)


@admin.register(FindingEvidence)
class FindingEvidenceAdmin(admin.ModelAdmin):
    list_display = ("finding", "document", "revision", "file_name", "effective_date", "uploaded_by")
    list_select_related = ("finding", "uploaded_by")
    search_fields = ("document", "file_name", "sha256")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RefundRecord)
class RefundRecordAdmin(admin.ModelAdmin):
    list_display = ("order_no", "county", "business_date", "account_no", "refund_type", "amount")
    list_select_related = ("county",)
    list_filter = ("county", "refund_type")
    search_fields = ("order_no", "account_no")


@admin.register(DismantleRecord)
class DismantleRecordAdmin(admin.ModelAdmin):
    list_display = (
        "order_no",
        "county",
        "business_date",
        "account_no",
        "business_line",
        "terminal_returned",
    )
    list_select_related = ("county", "business_line")
    list_filter = ("county", "business_line", "terminal_returned")
    search_fields = ("order_no", "account_no", "terminal_serial")


@admin.register(VerificationItem)
class VerificationItemAdmin(admin.ModelAdmin):
    list_display = ("rule", "order_no", "county", "business_date", "status", "explained_by")
    list_select_related = ("county",)
    list_filter = ("rule", "status", "county")
    search_fields = ("order_no", "account_no")
    raw_id_fields = ("refund", "dismantle", "finding", "worked_by")


class CashFlowSignOffInline(admin.TabularInline):
    model = CashFlowSignOff
    extra = 0
    readonly_fields = SignOffInline.readonly_fields
    can_delete = False


@admin.register(CashFlowReconciliation)
class CashFlowReconciliationAdmin(admin.ModelAdmin):
    """Read here; entries and sign-offs go through the pages (their services keep the version,
    the order of levels and the voiding)."""

    list_display = ("county", "month", "receivable", "received", "status", "version")
    list_filter = ("status", "county", "month")
    search_fields = ("county__code", "explanation")
    list_select_related = ("county",)
    readonly_fields = [f.name for f in CashFlowReconciliation._meta.fields]
    inlines = [CashFlowSignOffInline]


class FalseUserEventInline(admin.TabularInline):
    model = FalseUserEvent
    extra = 0
    raw_id_fields = ("user",)


@admin.register(FalseUserCase)
class FalseUserCaseAdmin(admin.ModelAdmin):
    list_display = ("pk", "account", "county", "source", "status", "reported_at", "removed_on")
    list_select_related = ("account", "county")
    list_filter = ("status", "source", "county")
    search_fields = ("account__account_no", "account__customer_name")
    raw_id_fields = ("account", "reported_by", "confirmed_by", "closed_by")
    inlines = [FalseUserEventInline]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    raw_id_fields = ("owner", "done_by")


@admin.register(OnSiteVerification)
class OnSiteVerificationAdmin(admin.ModelAdmin):
    list_display = ("date", "county", "scope", "created_by")
    list_select_related = ("county", "created_by")
    list_filter = ("county",)
    search_fields = ("scope", "participants", "result")
    date_hierarchy = "date"
    raw_id_fields = ("created_by",)
    inlines = [FollowUpInline]


@admin.register(WeeklyNotice)
class WeeklyNoticeAdmin(admin.ModelAdmin):
    """Drafted and published on the pages; a published notice is read-only here too."""

    list_display = ("week", "status", "week_start", "drafted_at", "published_at", "published_by")
    list_select_related = ("published_by",)
    list_filter = ("status",)
    search_fields = ("week",)
    raw_id_fields = ("published_by",)

    def has_change_permission(self, request: HttpRequest, obj: WeeklyNotice | None = None) -> bool:
        if obj is not None and obj.published:
            return False
        return super().has_change_permission(request, obj)
