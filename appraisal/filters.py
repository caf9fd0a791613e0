"""Filters of the appraisal's list pages. Scoping is done before (``visible_to``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from appraisal.models import Adjustment, Indicator, ManualValue
from marketing_ops.filters import BootstrapFilterSet
from marketing_ops.periods import Month


def _month(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    try:
        return queryset.filter(month=Month.parse(value).first_day)
    except ValueError:
        return queryset.none()


class ManualValueFilter(BootstrapFilterSet):
    month = django_filters.CharFilter(label=_("Month (YYYY-MM)"), method=_month)
    county = django_filters.CharFilter(field_name="county__code", label=_("County"))
    indicator = django_filters.ModelChoiceFilter(
        queryset=Indicator.objects.filter(built_in=False),
        to_field_name="code",
        label=_("Indicator"),
    )

    class Meta:
        model = ManualValue
        fields: list[str] = []


class AdjustmentFilter(BootstrapFilterSet):
    month = django_filters.CharFilter(label=_("Month (YYYY-MM)"), method=_month)
    county = django_filters.CharFilter(field_name="county__code", label=_("County"))

    class Meta:
        model = Adjustment
        fields: list[str] = []
