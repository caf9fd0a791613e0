"""Filters of the arrears lists. Scoping is done before (``visible_to``); these only narrow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters

from arrears.models import Account, Bill, CollectionAction, Transfer
from marketing_ops.access import is_city_wide, visible_counties
from marketing_ops.filters import BootstrapFilterSet
from marketing_ops.models import BusinessLine

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


class CountyChoiceMixin:
    """A county filter over the counties the user sees, hidden from county users."""

    filters: dict[str, Any]  # the filter set's, once mixed in

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["county"].queryset = visible_counties(user)
        if not is_city_wide(user):
            del self.filters["county"]


def county_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    """The county choice of a ``CountyChoiceMixin`` filter; its counties are set per user."""
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=None, label="County", empty_label="All counties"
    )


class WorklistFilter(CountyChoiceMixin, BootstrapFilterSet):
    """Narrows the owing bills behind the worklist by the account's line and status."""

    business_line = django_filters.ModelChoiceFilter(
        field_name="account__business_line",
        queryset=BusinessLine.objects.filter(active=True),
        label="Business line",
        empty_label="All lines",
    )
    status = django_filters.ChoiceFilter(
        field_name="account__status",
        choices=Account.Status.choices,
        label="Account status",
        empty_label="All statuses",
    )
    county = county_filter("county")

    class Meta:
        model = Bill
        fields: list[str] = []


class PromiseFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = county_filter("account__county")

    class Meta:
        model = CollectionAction
        fields: list[str] = []


class TransferFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = county_filter("county")
    year = django_filters.NumberFilter(field_name="month__year", label="Year")
    month = django_filters.NumberFilter(
        field_name="month__month", label="Month (1–12)", min_value=1, max_value=12
    )

    class Meta:
        model = Transfer
        fields: list[str] = []
