"""Filter bars: ``BootstrapFilterSet`` (compact Bootstrap inputs) and the core's filters."""

from __future__ import annotations

import django_filters
from django import forms

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


class ImportJobFilter(django_filters.FilterSet):
    class Meta:
        model = ImportJob
        fields = ["dataset", "status"]


class BriefingFilter(django_filters.FilterSet):
    class Meta:
        model = Briefing
        fields = ["kind", "scope"]
