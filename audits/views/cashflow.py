"""Cash-flow pages: the city ranking of a month (every county in scope, the ones not entered
last, exported to xlsx), a county's month (the form with its version, the sign-off chain with
the voided history, signing at one's level), and the dataset's pre-filled template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.calculations import CASHFLOW_LEVELS
from audits.forms import CashFlowForm, CashFlowSignForm
from audits.imports import CashFlowDataset, cashflow_template
from audits.models import CashFlowReconciliation
from audits.selectors import cashflow as reads
from audits.services import cashflow as writes
from audits.tables import CashFlowRankingTable
from audits.views import calendar_crumbs
from marketing_ops import formatting, pages
from marketing_ops.access import (
    AuthenticatedHttpRequest,
    get_visible_or_404,
    has_role,
    require_login,
)
from marketing_ops.forms import add_service_errors
from marketing_ops.periods import Month, business_window, previous_month


def _month_asked(request: HttpRequest) -> Month:
    """``?month=YYYY-MM``; last month when absent or unreadable."""
    try:
        return business_window().check_month(Month.parse(request.GET.get("month") or ""))
    except ValueError:
        return previous_month(timezone.localdate())


def _ranking_crumbs() -> list[tuple[str, str]]:
    return [*calendar_crumbs(), (_("Cash flow"), reverse("audits:cashflow"))]


@require_login
def cashflow_ranking(request: HttpRequest) -> HttpResponse:
    """Counties ranked by |difference| ÷ receivable for a month; not entered ones last."""
    month = _month_asked(request)
    shown = reads.ranking(request.user, month)
    table = CashFlowRankingTable(shown.rows)
    title = _("Cash-flow reconciliation %(month)s") % {"month": formatting.month(month)}
    if exported := pages.export_tables(request, f"cashflow-{month}", [(table, title)]):
        return exported
    pages.paginate(request, table, per_page=200)
    context = {
        "title": title,
        "month": month,
        "previous": month.previous(),
        "next": month.next(),
        "ranking": shown,
        "table": table,
        "export_query": pages.export_query(request),
        "can_upload": has_role(request.user, *CashFlowDataset.roles),
        "breadcrumbs": calendar_crumbs(),
    }
    return render(request, "audits/cashflow_ranking.html", context)


@require_login
def cashflow_template_download(request: HttpRequest) -> HttpResponse:
    """The ``cashflow`` dataset's workbook for ``?month=``, one row per county in scope."""
    return cashflow_template(request.user, _month_asked(request))


@require_login
def cashflow_detail(request: AuthenticatedHttpRequest, county: str, month: str) -> HttpResponse:
    """A county's month: the form (county staff, its level-1 auditor, city staff), the
    sign-off chain with who and when, voided sign-offs with the change that voided them."""
    county_obj, found = reads.county_month(request.user, county, month)
    shown = reads.detail(request.user, county_obj, found)
    conflict = None
    if request.method == "POST":
        pages.require(shown.can_enter)
        form = CashFlowForm(request.POST)
        if form.is_valid():
            try:
                writes.cashflow_save(
                    user=request.user, county=county_obj, month=found, **form.cleaned_data
                )
            except writes.CashFlowConflict as exc:
                conflict = str(exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Saved the cash flow of %(county)s %(month)s.")
                    % {"county": county_obj.code, "month": formatting.month(found)},
                )
                return redirect("audits:cashflow-detail", county_obj.code, str(found))
    else:
        rec = shown.reconciliation
        initial: dict[str, object] = {"version": shown.version}
        if rec is not None:
            initial |= {
                "receivable": rec.receivable,
                "received": rec.received,
                "explanation": rec.explanation,
            }
        form = CashFlowForm(initial=initial)
    context = {
        "title": _("Cash flow %(county)s %(month)s")
        % {"county": county_obj.name, "month": formatting.month(found)},
        "d": shown,
        "rec": shown.reconciliation,
        "form": form,
        "conflict": conflict,
        "sign_form": CashFlowSignForm(),
        "levels": CASHFLOW_LEVELS,
        "ended": writes.month_has_ended(found, timezone.localdate()),
        "breadcrumbs": _ranking_crumbs(),
        "ranking_url": f"{reverse('audits:cashflow')}?month={found}",
    }
    return render(request, "audits/cashflow_detail.html", context, status=409 if conflict else 200)


@require_POST
@require_login
def cashflow_sign(request: HttpRequest, county: str, month: str) -> HttpResponse:
    county_obj, found = reads.county_month(request.user, county, month)
    rec = get_visible_or_404(
        CashFlowReconciliation.objects.all(),
        request.user,
        county=county_obj,
        month=found.first_day,
    )
    pages.require(reads.signing_level(request.user, county_obj.pk) is not None)
    form = CashFlowSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose passed or failed."))
    else:
        try:
            writes.cashflow_sign(reconciliation=rec, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except writes.CashFlowConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("Signed."))
    return redirect("audits:cashflow-detail", county_obj.code, str(found))
