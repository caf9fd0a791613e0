"""Filters of the revenue lists."""

from typing import Any

import django_filters

from marketing_ops.models import County
from revenue.models import MonthlyReport


class ReportFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter()
    month = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=MonthlyReport.Status.choices)
    county = django_filters.ModelChoiceFilter(queryset=County.objects.none())
    late = django_filters.BooleanFilter()

    class Meta:
        model = MonthlyReport
        fields = ["year", "month", "status", "county", "late"]

    def __init__(self, *args: Any, counties: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Only the counties the user may see are offered.
        if counties is not None:
            self.filters["county"].queryset = counties
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
