"""Filters of the arrears lists. Scoping is done before (``visible_to``); these only narrow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from arrears.models import Account, Bill, CollectionAction, Transfer
from arrears.selectors.worklist import accounts_owned_by
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
        field_name=field_name, queryset=None, label=_("County"), empty_label=_("All counties")
    )


class WorklistFilter(CountyChoiceMixin, BootstrapFilterSet):
    """Narrows the owing bills behind the worklist: a search by account number, customer or
    phone, the reader's own accounts, the account's line and status."""

    q = django_filters.CharFilter(
        method="search", label=_("Account, customer or phone"), max_length=200
    )
    mine = django_filters.BooleanFilter(
        method="only_mine",
        label=_("Accounts"),
        widget=forms.Select(choices=[("", _("All accounts")), ("true", _("My accounts"))]),
    )

    business_line = django_filters.ModelChoiceFilter(
        field_name="account__business_line",
        queryset=BusinessLine.objects.filter(active=True),
        label=_("Business line"),
        empty_label=_("All lines"),
    )
    status = django_filters.ChoiceFilter(
        field_name="account__status",
        choices=Account.Status.choices,
        label=_("Account status"),
        empty_label=_("All statuses"),
    )
    county = county_filter("county")

    class Meta:
        model = Bill
        fields: list[str] = []

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.user = user

    def search(self, queryset: QuerySet[Bill], name: str, value: str) -> QuerySet[Bill]:
        """Bills of accounts whose number or phone starts with ``value`` or whose customer's
        name contains it."""
        text = value.strip()
        if not text:
            return queryset
        accounts = Account.objects.filter(
            Q(account_no__istartswith=text)
            | Q(customer_name__icontains=text)
            | Q(contact_phone__startswith=text)
        ).values("pk")
        return queryset.filter(account_id__in=accounts)

    def only_mine(self, queryset: QuerySet[Bill], name: str, value: bool | None) -> QuerySet[Bill]:
        """Bills of the accounts the reader owns: the owner of the account's latest action."""
        if not value:
            return queryset
        return queryset.filter(account_id__in=accounts_owned_by(self.user))


class PromiseFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = county_filter("account__county")

    class Meta:
        model = CollectionAction
        fields: list[str] = []


class TransferFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = county_filter("county")
    year = django_filters.NumberFilter(field_name="month__year", label=_("Year"))
    month = django_filters.NumberFilter(
        field_name="month__month", label=_("Month (1–12)"), min_value=1, max_value=12
    )

    class Meta:
        model = Transfer
        fields: list[str] = []
