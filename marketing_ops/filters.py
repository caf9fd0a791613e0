"""Filter bars: ``BootstrapFilterSet`` (compact Bootstrap inputs) and the core's filters."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.functional import Promise

from marketing_ops.forms import widget_css
from marketing_ops.models import Briefing, ImportJob


class BootstrapFilterSet(django_filters.FilterSet):
    """Small Bootstrap inputs for the filter bar above a list (``core/_filter_bar.html``)."""

    @property
    def form(self) -> forms.Form:
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", widget_css(field.widget, small=True))
        return form


def date_bounds(
    field_name: str, from_label: str | Promise, to_label: str | Promise
) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    """A "from … to …" pair of date pickers on one date field, both ends included:
    ``date_from, date_to = date_bounds("date", _("From"), _("To"))``."""
    return (
        django_filters.DateFilter(
            field_name=field_name,
            lookup_expr="gte",
            label=from_label,
            widget=forms.DateInput(attrs={"type": "date"}),
        ),
        django_filters.DateFilter(
            field_name=field_name,
            lookup_expr="lte",
            label=to_label,
            widget=forms.DateInput(attrs={"type": "date"}),
        ),
    )


class ImportJobFilter(django_filters.FilterSet):
    class Meta:
        model = ImportJob
        fields = ["dataset", "status"]


class BriefingFilter(django_filters.FilterSet):
    class Meta:
        model = Briefing
        fields = ["kind", "scope"]
