"""Stock count pages (docs/materials.md): the counts, starting one, a count with its differences,
the
entry of what was counted (or the upload of dataset ``stock_counts``) and approval."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketing_ops import pages
from marketing_ops.access import (
    CITY_ROLES,
    WRITING_ROLES,
    AuthenticatedHttpRequest,
    get_visible_or_404,
    has_role,
    require_login,
    require_roles,
)
from marketing_ops.forms import add_service_errors
from materials.forms import CountEnterForm, CountStartForm
from materials.models import Item, StockCount
from materials.selectors import counts as reads
from materials.services import counts as writes
from materials.tables import CountQuantityTable, CountSerialTable, StockCountTable

TITLE = gettext_lazy("Stock counts")


def _crumbs() -> list[pages.Crumb]:
    return [(str(TITLE), reverse("materials:counts"))]


@require_login
def count_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.count_queryset(request.user),
        filterset_class=None,
        table_class=StockCountTable,
        title=str(TITLE),
        export_name="stock-counts",
        create_url=reverse("materials:count-start")
        if has_role(request.user, *WRITING_ROLES)
        else None,
        create_label=_("Start a count"),
        intro=_(
            "A count freezes what the ledger holds in a warehouse when it starts; enter or upload "
            "what was counted, then city staff approve it and each difference becomes an "
            "adjustment move."
        ),
    )


@require_roles(*WRITING_ROLES)
def count_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CountStartForm(request.POST or None, user=request.user)
    return pages.form_page(
        request,
        form,
        save=partial(writes.count_start, user=request.user),
        success_message=_("Count started: the warehouse's stock is frozen as expected."),
        success_url=lambda count: reverse("materials:count", args=[count.pk]),
        title=_("Start a stock count"),
        cancel_url=reverse("materials:counts"),
        breadcrumbs=_crumbs(),
    )


def _count(request: HttpRequest, pk: int) -> StockCount:
    return get_visible_or_404(StockCount.objects.select_related("warehouse"), request.user, pk=pk)


def _enter_form(
    request: HttpRequest, count: StockCount, differences: reads.CountDifferences
) -> CountEnterForm:
    ids = [line.item_id for line in differences.lines]
    items = list(Item.objects.filter(pk__in=ids).order_by("sku")) if ids else []
    initial = {f"q_{line.item_id}": line.counted for line in differences.lines}
    return CountEnterForm(
        request.POST if request.method == "POST" else None, items=items, initial=initial
    )


@require_login
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    count = _count(request, pk)
    differences = reads.count_differences(count)
    quantities = CountQuantityTable([*differences.lines, *differences.serialized])
    serials = CountSerialTable([*differences.missing, *differences.unexpected])
    if exported := pages.export_tables(
        request,
        f"stock-count-{count.pk}",
        [(quantities, _("Quantities")), (serials, _("Serials"))],
    ):
        return exported
    return _detail(request, count, differences, quantities, serials, None)


def _detail(
    request: HttpRequest,
    count: StockCount,
    differences: reads.CountDifferences,
    quantities: CountQuantityTable,
    serials: CountSerialTable,
    form: CountEnterForm | None,
) -> HttpResponse:
    can_count = reads.can_count(request.user, count)
    context = {
        "title": _("Stock count #%(id)s of %(warehouse)s")
        % {"id": count.pk, "warehouse": count.warehouse.code},
        "count": count,
        "differences": differences,
        "quantities": quantities,
        "serials": serials,
        "form": form or (_enter_form(request, count, differences) if can_count else None),
        "can_approve": reads.can_approve(request.user, count),
        "export_query": pages.export_query(request),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "materials/count_detail.html", context)


@require_POST
@require_roles(*WRITING_ROLES)
def count_enter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    count = _count(request, pk)
    pages.require(reads.can_count(request.user, count))
    differences = reads.count_differences(count)
    form = _enter_form(request, count, differences)
    if form.is_valid():
        try:
            saved = writes.count_enter(user=request.user, count=count, **form.entries())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(n)s entries recorded.") % {"n": saved})
            return redirect("materials:count", pk=count.pk)
    quantities = CountQuantityTable([*differences.lines, *differences.serialized])
    serials = CountSerialTable([*differences.missing, *differences.unexpected])
    return _detail(request, count, differences, quantities, serials, form)


@require_POST
@require_roles(*CITY_ROLES)
def count_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    count = _count(request, pk)
    try:
        made = writes.count_approve(user=request.user, count=count)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Count approved: %(n)s adjustment moves recorded.") % {"n": len(made)}
        )
    return redirect("materials:count", pk=count.pk)
