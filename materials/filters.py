"""Filters of the materials lists, pages and API. Scoping is done before (``visible_to``);
these only narrow."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from marketing_ops.filters import BootstrapFilterSet, date_bounds
from materials.models import Item, MoveKind, StockBalance, StockMove, Terminal, TerminalState


def _either_warehouse(queryset: QuerySet[StockMove], name: str, value: Any) -> QuerySet[StockMove]:
    code = getattr(value, "code", value)
    if not code:
        return queryset
    return queryset.filter(Q(from_warehouse__code=code) | Q(to_warehouse__code=code))


class MoveApiFilter(django_filters.FilterSet):
    """``?warehouse=`` (code, in or out), ``sku``, ``kind``, ``date_from``, ``date_to``."""

    warehouse = django_filters.CharFilter(method="filter_warehouse")
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact")
    kind = django_filters.ChoiceFilter(choices=MoveKind.choices)
    date_from = django_filters.DateFilter(field_name="business_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="business_date", lookup_expr="lte")

    class Meta:
        model = StockMove
        fields: list[str] = []

    def filter_warehouse(self, queryset: QuerySet[StockMove], name: str, value: str):
        return _either_warehouse(queryset, name, value)


class BalanceApiFilter(django_filters.FilterSet):
    warehouse = django_filters.CharFilter(field_name="warehouse__code", lookup_expr="iexact")
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact")

    class Meta:
        model = StockBalance
        fields: list[str] = []


class MoveFilter(BootstrapFilterSet):
    """The ledger page's filter bar."""

    warehouse = django_filters.CharFilter(label=_("Warehouse"), method="filter_warehouse")
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    kind = django_filters.ChoiceFilter(
        choices=MoveKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    serial = django_filters.CharFilter(label=_("Serial"), method="filter_serial")
    account_no = django_filters.CharFilter(label=_("Account no."))
    date_from, date_to = date_bounds("business_date", _("From"), _("To"))

    class Meta:
        model = StockMove
        fields: list[str] = []

    def filter_warehouse(self, queryset: QuerySet[StockMove], name: str, value: str):
        return _either_warehouse(queryset, name, value.strip().upper())

    def filter_serial(self, queryset: QuerySet[StockMove], name: str, value: str):
        value = value.strip()
        return queryset.filter(Q(serial=value) | Q(replacement_serial=value)) if value else queryset


class BalanceFilter(BootstrapFilterSet):
    warehouse = django_filters.CharFilter(
        field_name="warehouse__code", lookup_expr="iexact", label=_("Warehouse")
    )
    sku = django_filters.CharFilter(field_name="item__sku", lookup_expr="iexact", label=_("SKU"))
    category = django_filters.ChoiceFilter(
        field_name="item__category",
        choices=Item.Category.choices,
        label=_("Category"),
        empty_label=_("All categories"),
    )

    class Meta:
        model = StockBalance
        fields: list[str] = []


class ItemFilter(BootstrapFilterSet):
    sku = django_filters.CharFilter(lookup_expr="icontains", label=_("SKU"))
    category = django_filters.ChoiceFilter(
        choices=Item.Category.choices, label=_("Category"), empty_label=_("All categories")
    )

    class Meta:
        model = Item
        fields: list[str] = []


class TerminalFilter(BootstrapFilterSet):
    serial = django_filters.CharFilter(lookup_expr="icontains", label=_("Serial"))
    state = django_filters.ChoiceFilter(
        choices=TerminalState.choices, label=_("State"), empty_label=_("All states")
    )
    account_no = django_filters.CharFilter(label=_("Account no."))

    class Meta:
        model = Terminal
        fields: list[str] = []
