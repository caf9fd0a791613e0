"""Filters of the revenue lists."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marketing_ops.access import visible_counties
from marketing_ops.filters import BootstrapFilterSet
from marketing_ops.models import County
from revenue.models import MonthlyReport


class ReportFilter(BootstrapFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    month = django_filters.NumberFilter(label=_("Month"))
    status = django_filters.ChoiceFilter(choices=MonthlyReport.Status.choices, label=_("Status"))
    county = django_filters.ModelChoiceFilter(queryset=County.objects.none(), label=_("County"))
    late = django_filters.BooleanFilter(label=_("Late"))

    class Meta:
        model = MonthlyReport
        fields = ["year", "month", "status", "county", "late"]

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        # Only the counties the user may see are offered.
        self.filters["county"].queryset = visible_counties(request.user)
