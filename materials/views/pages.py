"""The materials pages: stock by warehouse, the ledger, move forms, terminals and items. Thin:
each reads the request, calls a selector or a service and renders through the page kit."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketing_ops import pages
from marketing_ops.access import (
    CITY_ROLES,
    WRITING_ROLES,
    AuthenticatedHttpRequest,
    get_visible_or_404,
    has_role,
    is_city_wide,
    require_login,
    require_roles,
)
from materials import filters, forms, tables
from materials.models import Item, MoveKind, StockMove, Warehouse
from materials.selectors import balances as balance_reads
from materials.selectors import moves as move_reads
from materials.services import items as item_writes
from materials.services import moves as move_writes


def _may_reverse(request: HttpRequest) -> bool:
    return has_role(request.user, *CITY_ROLES) and is_city_wide(request.user)


# --------------------------------------------------------------------------- stock


@require_login
def stock(request: HttpRequest) -> HttpResponse:
    """Stock by warehouse and item, with each item's total over the warehouses shown."""
    return pages.list_page(
        request,
        queryset=balance_reads.balances_for(request.user),
        filterset_class=filters.BalanceFilter,
        table_class=tables.BalanceTable,
        title=_("Stock by warehouse"),
        export_name="stock",
        template="materials/stock.html",
        intro=_(
            "What the ledger holds in each warehouse; a warehouse or its moves show where "
            "it came from."
        ),
        extra={"totals": tables.ItemTotalTable(balance_reads.item_totals(request.user))},
    )


@require_login
def warehouse_stock(request: HttpRequest, code: str) -> HttpResponse:
    warehouse = get_visible_or_404(Warehouse.objects.all(), request.user, code=code)
    return pages.list_page(
        request,
        queryset=balance_reads.balances_for(request.user).filter(warehouse=warehouse),
        filterset_class=filters.BalanceFilter,
        table_class=tables.BalanceTable,
        title=_("Stock of %(warehouse)s %(name)s")
        % {"warehouse": warehouse.code, "name": warehouse.name},
        export_name=f"stock-{warehouse.code}",
        template="materials/stock.html",
        breadcrumbs=[(_("Stock by warehouse"), reverse("materials:stock"))],
        extra={
            "ledger_url": reverse("materials:moves") + "?" + urlencode({"warehouse": code}),
        },
    )


# --------------------------------------------------------------------------- the ledger


@require_login
def move_list(request: HttpRequest) -> HttpResponse:
    may_write = has_role(request.user, *WRITING_ROLES)
    return pages.list_page(
        request,
        queryset=move_reads.moves_for(request.user),
        filterset_class=filters.MoveFilter,
        table_class=tables.MoveTable,
        table_kwargs={"may_reverse": _may_reverse(request)},
        title=_("Ledger of stock moves"),
        export_name="stock-moves",
        create_url=reverse("materials:move-create") if may_write else None,
        create_label=_("Record a move"),
        intro=_("Every move ever recorded; a mistake is corrected by a reversal, never edited."),
        template="materials/moves.html",
        extra={"upload_url": reverse("materials:upload") if may_write else None},
    )


@require_roles(*WRITING_ROLES)
def move_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One form that adapts to the kind of move chosen on its tabs."""
    kinds = [k for k in forms.FORM_KINDS if k != MoveKind.ADJUSTMENT or _may_reverse(request)]
    kind = request.GET.get("kind") or MoveKind.RECEIPT
    if kind not in kinds:
        kind = MoveKind.RECEIPT
    form = forms.MoveForm(
        request.POST or None,
        user=request.user,
        kind=kind,
        initial={"business_date": timezone.localdate()},
    )
    return pages.form_page(
        request,
        form,
        save=partial(move_writes.move_create, user=request.user, kind=kind),
        success_message=lambda move: _("%(kind)s recorded.") % {"kind": move.get_kind_display()},
        success_url=_after_move,
        title=_("Record a stock move"),
        cancel_url=reverse("materials:moves"),
        template="materials/move_form.html",
        breadcrumbs=[(_("Ledger of stock moves"), reverse("materials:moves"))],
        extra={
            "kinds": [(k, MoveKind(k).label) for k in kinds],
            "kind": kind,
        },
    )


def _after_move(move: StockMove) -> str:
    if move.serial:
        return reverse("materials:terminal", args=[move.serial])
    return reverse("materials:moves") + "?" + urlencode({"sku": move.item.sku})


@require_roles(*CITY_ROLES)
def move_reverse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    move = get_visible_or_404(move_reads.moves_for(request.user), request.user, pk=pk)
    form = forms.ReverseForm(request.POST or None, initial={"business_date": timezone.localdate()})
    return pages.form_page(
        request,
        form,
        save=partial(
            move_writes.move_create,
            user=request.user,
            kind=MoveKind.REVERSAL,
            item=move.item,
            quantity=move.quantity,
            reverses=move,
        ),
        success_message=_("Move #%(id)s reversed.") % {"id": move.pk},
        success_url=reverse("materials:moves"),
        title=_("Reverse move #%(id)s: %(kind)s of %(sku)s")
        % {"id": move.pk, "kind": move.get_kind_display(), "sku": move.item.sku},
        cancel_url=reverse("materials:moves"),
        breadcrumbs=[(_("Ledger of stock moves"), reverse("materials:moves"))],
    )


# --------------------------------------------------------------------------- terminals


@require_login
def terminal_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=move_reads.terminals_for(request.user),
        filterset_class=filters.TerminalFilter,
        table_class=tables.TerminalTable,
        title=_("Terminals"),
        export_name="terminals",
        intro=_("Each terminal's state and place as the ledger last left it."),
    )


@require_login
def terminal_search(request: HttpRequest) -> HttpResponse:
    """The top bar's search: straight to the terminal when the serial is one the user sees,
    else the list of terminals whose serial contains it."""
    serial = request.GET.get("serial", "").strip()
    if serial and move_reads.terminals_for(request.user).filter(serial=serial).exists():
        return redirect("materials:terminal", serial=serial)
    return redirect(reverse("materials:terminals") + "?" + urlencode({"serial": serial}))


@require_login
def terminal_detail(request: HttpRequest, serial: str) -> HttpResponse:
    detail = move_reads.terminal_detail(request.user, serial)
    history = tables.HistoryTable(detail.moves, may_reverse=_may_reverse(request))
    if exported := pages.export_tables(request, f"terminal-{serial}", [(history, _("History"))]):
        return exported
    return render(
        request,
        "materials/terminal.html",
        {
            "title": _("Terminal %(serial)s") % {"serial": serial},
            "detail": detail,
            "terminal": detail.terminal,
            "history": history,
            "export_query": pages.export_query(request),
            "breadcrumbs": [(_("Terminals"), reverse("materials:terminals"))],
        },
    )


# --------------------------------------------------------------------------- items


@require_login
def item_list(request: HttpRequest) -> HttpResponse:
    city = has_role(request.user, *CITY_ROLES)
    return pages.list_page(
        request,
        queryset=move_reads.items(),
        filterset_class=filters.ItemFilter,
        table_class=tables.ItemTable,
        table_kwargs={"editable": city},
        title=_("Items"),
        export_name="items",
        create_url=reverse("materials:item-create") if city else None,
        create_label=_("New item"),
    )


@require_roles(*CITY_ROLES)
def item_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.ItemForm(request.POST or None)
    return pages.form_page(
        request,
        form,
        save=partial(item_writes.item_create, user=request.user),
        success_message=lambda item: _("Item %(sku)s added.") % {"sku": item.sku},
        success_url=reverse("materials:items"),
        title=_("New item"),
        cancel_url=reverse("materials:items"),
        breadcrumbs=[(_("Items"), reverse("materials:items"))],
    )


@require_login
def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Item, pk=pk)  # the catalogue is the city's, read by everyone
    pages.require(has_role(request.user, *CITY_ROLES))
    form = forms.ItemForm(
        request.POST or None,
        editing=True,
        initial={
            "name": item.name,
            "category": item.category,
            "unit": item.unit,
            "business_line": item.business_line_id,
            "active": item.active,
        },
    )
    return pages.form_page(
        request,
        form,
        save=partial(item_writes.item_update, user=request.user, item=item),
        success_message=_("Item %(sku)s saved.") % {"sku": item.sku},
        success_url=reverse("materials:items"),
        title=_("Item %(sku)s") % {"sku": item.sku},
        cancel_url=reverse("materials:items"),
        breadcrumbs=[(_("Items"), reverse("materials:items"))],
    )


@require_roles(*WRITING_ROLES)
def upload(request: HttpRequest) -> HttpResponse:
    """A file of moves goes through the one upload page, with its template there."""
    return redirect(reverse("import-upload") + "?" + urlencode({"dataset": "stock_moves"}))
