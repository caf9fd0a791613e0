"""Collection work pages (docs/rules.md#collection): worklist, account detail with the action log,
broken
promises, top overdue accounts per county."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.filters import PromiseFilter, WorklistFilter
from arrears.forms import ActionForm
from arrears.models import Account
from arrears.selectors import records
from arrears.selectors import worklist as selectors
from arrears.services.collection import action_record, may_record_actions
from arrears.tables import (
    ActionTable,
    BillTable,
    PromiseTable,
    TopOverdueTable,
    WorklistTable,
    overdue_sheet,
    promise_sheet,
)
from marketing_ops.access import (
    AuthenticatedHttpRequest,
    get_visible_or_404,
    is_city_wide,
    require_login,
)
from marketing_ops.forms import add_service_errors
from marketing_ops.pages import export_query, paginate, wants_xlsx
from marketing_ops.xlsx import table_sheet, xlsx_response


@require_login
def worklist(request: HttpRequest) -> HttpResponse:
    """Overdue accounts, sortable by outstanding and age, filtered by line, status, county."""
    user = request.user
    as_of = timezone.localdate()
    filterset = WorklistFilter(
        request.GET, queryset=selectors.overdue_bills(user, as_of), user=user
    )
    show_county = is_city_wide(user)
    items = selectors.Worklist(filterset.qs, as_of, request.GET.get("sort", ""))
    if wants_xlsx(request):
        sheet = overdue_sheet(items, _("Worklist"), show_county=show_county)
        return xlsx_response(f"worklist-{as_of:%Y%m%d}.xlsx", [sheet])
    table = paginate(request, WorklistTable(items, show_county=show_county))
    context = {
        "table": table,
        "filter": filterset,
        "as_of": as_of,
        "export_query": export_query(request),
    }
    return render(request, "arrears/worklist.html", context)


@require_login
def account_detail(request: AuthenticatedHttpRequest, account_no: str) -> HttpResponse:
    """The account, its bills and action log; staff who work it add actions and promises."""
    user = request.user
    account = get_visible_or_404(
        Account.objects.select_related("county", "business_line"), user, account_no=account_no
    )
    can_record = may_record_actions(user, account)
    if request.method == "POST" and not can_record:
        raise PermissionDenied(_("Your role reads the action log; it does not add to it."))
    form = ActionForm(request.POST or None, account=account, user=user) if can_record else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = action_record(
                account=account,
                kind=data["kind"],
                happened_on=data["happened_on"],
                result=data["result"],
                promise_date=data["promise_date"],
                promise_amount=data["promise_amount"],
                owner=data["owner"] or user,
                created_by=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(action)s recorded.") % {"action": action.get_kind_display()}
            )
            return redirect("arrears:account", account_no=account.account_no)
    bills = records.account_bills(user, account)
    bill_table = BillTable(bills)
    action_table = ActionTable(records.account_actions(user, account))
    if wants_xlsx(request):
        return xlsx_response(
            f"account-{account.account_no}.xlsx",
            [table_sheet(bill_table, _("Bills")), table_sheet(action_table, _("Actions"))],
        )
    context = {
        "account": account,
        "summary": records.account_summary(bills, timezone.localdate()),
        "bills": bill_table,
        "actions": action_table,
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "arrears/account_detail.html", context, status=status)


@require_login
def promises(request: HttpRequest) -> HttpResponse:
    """Promises to pay whose date has passed while the account still owes."""
    user = request.user
    today = timezone.localdate()
    filterset = PromiseFilter(
        request.GET, queryset=selectors.promises_broken(user, today), user=user
    )
    show_county = is_city_wide(user)
    if wants_xlsx(request):
        sheet = promise_sheet(filterset.qs.iterator(), _("Promises due"), show_county=show_county)
        return xlsx_response(f"promises-due-{today:%Y%m%d}.xlsx", [sheet])
    table = paginate(request, PromiseTable(filterset.qs, show_county=show_county))
    context = {
        "table": table,
        "filter": filterset,
        "today": today,
        "export_query": export_query(request),
    }
    return render(request, "arrears/promises.html", context)


def _per_county(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("n", 10)), 1), 100)
    except ValueError:
        return 10


@require_login
def top_overdue(request: HttpRequest) -> HttpResponse:
    """The N accounts owing most on due bills in each county the user sees."""
    user = request.user
    as_of = timezone.localdate()
    per_county = _per_county(request)
    rows = selectors.top_overdue(user, as_of, per_county=per_county)
    show_county = is_city_wide(user)
    if wants_xlsx(request):
        sheet = overdue_sheet(rows, _("Top overdue"), show_county=show_county)
        return xlsx_response(f"top-overdue-{as_of:%Y%m%d}.xlsx", [sheet])
    table = TopOverdueTable(rows, show_county=show_county)
    context = {
        "table": table,
        "per_county": per_county,
        "as_of": as_of,
        "export_query": export_query(request),
    }
    return render(request, "arrears/top_overdue.html", context)
