"""Verification item pages: the county worklist, the city overview by rule and county, and the
page that works one item (ok, or a problem that opens a finding)."""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.filters import ItemFilter
from audits.forms import ItemResolveForm
from audits.models import VerificationItem
from audits.selectors import items as reads
from audits.services import items as writes
from audits.tables import ItemOverviewTable, ItemTable
from audits.views import calendar_crumbs
from marketing_ops import pages
from marketing_ops.access import (
    CITY_ROLES,
    Role,
    get_visible_or_404,
    require_login,
    require_roles,
)

WORKLIST_TITLE = gettext_lazy("Verification items")


@require_login
def item_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.item_queryset(request.user),
        filterset_class=ItemFilter,
        table_class=ItemTable,
        table_kwargs={"workable": reads.may_work_items(request.user)},
        title=str(WORKLIST_TITLE),
        export_name="verification-items",
        breadcrumbs=calendar_crumbs(),
        intro=_(
            "Refunds and dismantles the rules R1–R6 flagged. Open an item to mark it ok or a "
            "problem (which opens a finding)."
        ),
    )


@require_roles(*CITY_ROLES, Role.AUDITOR, Role.MANAGER)
def item_overview(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.item_queryset(request.user),
        filterset_class=ItemFilter,
        rows=partial(reads.overview, request.user),
        table_class=ItemOverviewTable,
        title=_("Verification items by rule and county"),
        export_name="verification-overview",
        per_page=100,
        breadcrumbs=[*calendar_crumbs(), (str(WORKLIST_TITLE), reverse("audits:items"))],
    )


@require_login
def item_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(
        VerificationItem.objects.select_related("county"), request.user, pk=pk
    )
    pages.require(reads.can_work(request.user, item))
    form = ItemResolveForm(request.POST or None)
    list_url = reverse("audits:items")
    return pages.form_page(
        request,
        form,
        save=partial(writes.item_resolve, item=item, user=request.user),
        success_message=_("Item worked."),
        success_url=list_url,
        title=f"{item.get_rule_display()} · {item.order_no}",
        cancel_url=list_url,
        breadcrumbs=[*calendar_crumbs(), (str(WORKLIST_TITLE), list_url)],
        extra={"intro": item.explanation},
    )
