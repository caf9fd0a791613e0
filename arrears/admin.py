"""Admin of the arrears tables. There are about a million accounts: account foreign keys are
raw ids (no select box of a million options) and list pages join what they show."""

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from arrears.models import (
    Account,
    ArrearsSnapshot,
    Bill,
    BillMonthTotal,
    CollectionAction,
    RecoveryTarget,
    Transfer,
    TransferLimit,
)
from arrears.services.accounts import bills_follow_account


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "account_no",
        "customer_name",
        "county",
        "business_line",
        "status",
        "status_changed_on",
        "opened_on",
    )
    list_filter = ("county", "business_line", "status")
    search_fields = ("account_no", "customer_name", "contact_phone")
    list_select_related = ("county", "business_line")
    date_hierarchy = "opened_on"
    # Counting a million rows on every list page is slow on PostgreSQL.
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Account, form: ModelForm, change: bool) -> None:
        # An account moved to another county takes its bills along (and their totals), in the
        # admin's transaction.
        super().save_model(request, obj, form, change)
        if change and "county" in form.changed_data:
            bills_follow_account(account=obj, previous_county_id=form.initial["county"])


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):
    list_display = ("account", "county", "billing_month", "amount_billed", "amount_paid", "paid_on")
    list_filter = ("county", "billing_month")
    search_fields = ("account__account_no",)
    list_select_related = ("account", "county")
    raw_id_fields = ("account",)
    # A bill's county is its account's, never edited on its own (it follows the account).
    readonly_fields = ("county",)
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Bill, form: ModelForm, change: bool) -> None:
        obj.county_id = obj.account.county_id
        super().save_model(request, obj, form, change)


@admin.register(BillMonthTotal)
class BillMonthTotalAdmin(admin.ModelAdmin):
    """Read only: the totals follow the bills (``manage.py arrears_totals --rebuild`` recomputes
    them)."""

    list_display = ("billing_month", "county", "bills", "billed", "collected", "outstanding")
    list_filter = ("county", "billing_month")
    list_select_related = ("county",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecoveryTarget)
class RecoveryTargetAdmin(admin.ModelAdmin):
    list_display = ("year", "target")
    search_fields = ("year",)


@admin.register(TransferLimit)
class TransferLimitAdmin(admin.ModelAdmin):
    list_display = ("month", "county", "amount", "set_by", "updated_at")
    list_filter = ("county", "month")
    search_fields = ("county__code", "county__name")
    list_select_related = ("county", "set_by")
    raw_id_fields = ("set_by",)


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ("month", "county", "amount", "accounts", "approver", "created_by", "created_at")
    list_filter = ("county", "month")
    search_fields = ("county__code", "county__name", "note")
    list_select_related = ("county", "approver", "created_by")
    raw_id_fields = ("approver", "created_by")


@admin.register(ArrearsSnapshot)
class ArrearsSnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "as_of",
        "county",
        "recovery_month",
        "recovery_rate",
        "outstanding",
        "long_term",
        "overdue_accounts",
    )
    list_filter = ("county", "as_of")
    search_fields = ("county__code", "county__name")
    list_select_related = ("county",)
    date_hierarchy = "as_of"


@admin.register(CollectionAction)
class CollectionActionAdmin(admin.ModelAdmin):
    list_display = (
        "happened_on",
        "account",
        "kind",
        "owner",
        "promise_date",
        "promise_amount",
        "created_by",
    )
    list_filter = ("kind", "account__county", "happened_on")
    search_fields = ("account__account_no", "account__customer_name", "result")
    list_select_related = ("account", "owner", "created_by")
    raw_id_fields = ("account", "owner", "created_by")
    date_hierarchy = "happened_on"
