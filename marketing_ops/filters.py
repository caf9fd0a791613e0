"""Filter bars: ``BootstrapFilterSet`` (compact Bootstrap inputs) and the core's filters."""

from __future__ import annotations

from typing import Any

import django_filters
import django_filters.rest_framework
from django import forms
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override
from rest_framework.exceptions import ValidationError

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


class IntegerFilter(django_filters.NumberFilter):
    """A whole number the column can hold: ``?year=2026``; ``?year=-2.5e-175`` or a number
    past the column's range answers 400 instead of matching nothing (or failing)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The schema states the bounds the form field checks.
        bounds = {"minimum": self.extra.get("min_value"), "maximum": self.extra.get("max_value")}
        schema = {"type": "integer"} | {key: v for key, v in bounds.items() if v is not None}
        set_override(self, "field", schema)


def _integer_bounds(field: models.Field) -> dict[str, int | None]:
    low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
    return {"min_value": low, "max_value": high}


class ApiFilterSet(django_filters.rest_framework.FilterSet):
    """The base of the filter sets the API builds from a view's ``filterset_fields``: integer
    model fields filter by whole numbers."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        **{
            field: {"filter_class": IntegerFilter, "extra": _integer_bounds}
            for field in (
                models.IntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
            )
        },
    }


BOOLEAN_VALUES = frozenset({"", "true", "false", "True", "False", "1", "0"})


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """The API's filter backend: an invalid filter value answers 400 naming the parameter.

    Yes/no filters take ``true``/``false`` (or ``1``/``0``) only: the pages' widgets read any
    other text as "any" or as "yes", which an API client would take for a filter applied."""

    filterset_base = ApiFilterSet

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {
                name: [_("Expected true or false.")]
                for name, filter_ in filterset_class.base_filters.items()
                if isinstance(filter_, django_filters.BooleanFilter)
                and request.query_params.get(name, "") not in BOOLEAN_VALUES
            }
            if errors:
                raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
