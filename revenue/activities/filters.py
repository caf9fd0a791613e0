"""List filters of the activities, shared by the pages and the API (``?county=C01`` etc.)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketing_ops.filters import BootstrapFilterSet, date_bounds
from marketing_ops.models import County
from revenue.models import FieldVisit, FollowUpAction, MarketingCase, TariffPackage, Training
from revenue.models.activities import FollowUpQuerySet


def visible_county_choices(request: Any) -> QuerySet[County]:
    """The counties a user may pick: their own, or all for city-wide users.

    Without a request (schema generation) every county is listed; the rows a filter works on
    are scoped by the selector whatever is picked here.
    """
    if request is None:
        return County.objects.all()
    return County.objects.visible_to(request.user)


def county_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=visible_county_choices,
        to_field_name="code",
        label=_("County"),
        empty_label=_("All counties"),
    )


def _search(queryset: QuerySet, value: str, fields: list[str]) -> QuerySet:
    condition = Q()
    for word in value.split():
        word_matches = Q()
        for field in fields:
            word_matches |= Q(**{f"{field}__icontains": word})
        condition &= word_matches
    return queryset.filter(condition)


class TariffPackageFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=TariffPackage.Status.choices, empty_label=_("Any"), label=_("Status")
    )
    county = county_filter("counties")
    applied_from, applied_to = date_bounds("applied_on", _("Applied from"), _("Applied to"))

    class Meta:
        model = TariffPackage
        fields = ["q", "status", "county", "applied_from", "applied_to"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, ["name", "description"])


class TrainingFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=Training.Kind.choices, empty_label=_("Any"), label=_("Kind")
    )
    county = county_filter("counties")
    date_from, date_to = date_bounds("date", _("From"), _("To"))

    class Meta:
        model = Training
        fields = ["q", "kind", "county", "date_from", "date_to"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, ["topic", "notes", "attendee_names"])


class MarketingCaseFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    tag = django_filters.CharFilter(method="with_tag", label=_("Tag"))
    county = county_filter("county")

    class Meta:
        model = MarketingCase
        fields = ["q", "tag", "county"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word must appear in the title, the text, the results or a tag."""
        condition = Q()
        for word in value.split():
            tagged = MarketingCase.objects.filter(tags__name__icontains=word).values("pk")
            condition &= (
                Q(title__icontains=word)
                | Q(what_was_done__icontains=word)
                | Q(result__icontains=word)
                | Q(pk__in=tagged)
            )
        return queryset.filter(condition)

    def with_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # One tag name: the (case, tag) pair is unique, so no case appears twice.
        return queryset.filter(tags__name=" ".join(value.split()).lower())


class FieldVisitFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=FieldVisit.Kind.choices, empty_label=_("Any"), label=_("Kind")
    )
    county = county_filter("county")
    date_from, date_to = date_bounds("date", _("From"), _("To"))
    open_follow_ups = django_filters.BooleanFilter(
        method="with_open_follow_ups",
        label=_("Follow-ups"),
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Some still open")), ("false", _("None open"))]
        ),
    )

    class Meta:
        model = FieldVisit
        fields = ["q", "kind", "county", "date_from", "date_to", "open_follow_ups"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, ["participants", "findings"])

    def with_open_follow_ups(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        open_ids = FollowUpAction.objects.filter(done=False).values("visit_id")
        if value is True:
            return queryset.filter(pk__in=open_ids)
        if value is False:
            return queryset.exclude(pk__in=open_ids)
        return queryset


class OverdueFollowUpFilter(BootstrapFilterSet):
    """The overdue list: by county, or only the actions the user owns."""

    county = county_filter("visit__county")
    mine = django_filters.BooleanFilter(
        method="owned_by_me", label=_("Only mine"), widget=forms.CheckboxInput
    )

    class Meta:
        model = FollowUpAction
        fields = ["county", "mine"]

    def owned_by_me(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value and self.request is not None:
            return queryset.filter(owner=self.request.user)
        return queryset


class FollowUpFilter(OverdueFollowUpFilter):
    """The API's follow-up list: also ``?done=`` and ``?overdue=true``."""

    done = django_filters.BooleanFilter(label=_("Done"))
    overdue = django_filters.BooleanFilter(method="overdue_only", label=_("Overdue"))

    class Meta:
        model = FollowUpAction
        fields = ["county", "mine", "done", "overdue"]

    def overdue_only(
        self, queryset: FollowUpQuerySet, name: str, value: bool | None
    ) -> FollowUpQuerySet:
        today = timezone.localdate()
        if value is True:
            return queryset.overdue(today)
        if value is False:
            return queryset.exclude(done=False, due_on__lt=today)
        return queryset
