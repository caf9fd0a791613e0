"""Filters of the audit and finding lists, pages and API. Scoping is done before
(``visible_to``); these only narrow."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, Finding, VerificationItem, WeeklyNotice
from audits.selectors.audits import overdue_q as audit_overdue_q
from audits.selectors.findings import overdue_q as finding_overdue_q
from marketing_ops.access import is_city_wide, visible_counties
from marketing_ops.filters import BootstrapFilterSet

YES_NO = (("true", _("Yes")), ("false", _("No")))


def _overdue(q: Any, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    if value in ("true", "1", "yes"):
        return queryset.filter(q)
    if value in ("false", "0", "no"):
        return queryset.exclude(q)
    return queryset


class AuditApiFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county__code")
    cadence = django_filters.ChoiceFilter(choices=Audit.Cadence.choices)
    period = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=Audit.Status.choices)
    overdue = django_filters.CharFilter(method="filter_overdue")

    class Meta:
        model = Audit
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Audit], name: str, value: str) -> QuerySet[Audit]:
        return _overdue(audit_overdue_q(timezone.localdate()), queryset, value)


class FindingApiFilter(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="county__code")
    status = django_filters.ChoiceFilter(choices=Finding.Status.choices)
    overdue = django_filters.CharFilter(method="filter_overdue")

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_overdue(
        self, queryset: QuerySet[Finding], name: str, value: str
    ) -> QuerySet[Finding]:
        return _overdue(finding_overdue_q(timezone.localdate()), queryset, value)


class CountyChoiceMixin:
    """A county filter over the counties the user sees, left out for county users."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.request.user  # type: ignore[attr-defined]
        self.filters["county"].queryset = visible_counties(user)  # type: ignore[attr-defined]
        if not is_city_wide(user):
            del self.filters["county"]  # type: ignore[attr-defined]


def _county_filter() -> django_filters.ModelChoiceFilter:
    """The county choice of a page's ``CountyChoiceMixin`` filter; its counties are set per user."""
    return django_filters.ModelChoiceFilter(
        queryset=None, label=_("County"), empty_label=_("All counties")
    )


def _overdue_filter() -> django_filters.ChoiceFilter:
    """Overdue yes/no on a page; the filter set's ``filter_overdue`` says what overdue is."""
    return django_filters.ChoiceFilter(
        choices=YES_NO, label=_("Overdue"), method="filter_overdue", empty_label=_("Any")
    )


class AuditFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = _county_filter()
    cadence = django_filters.ChoiceFilter(
        choices=Audit.Cadence.choices, label=_("Cadence"), empty_label=_("All cadences")
    )
    period = django_filters.CharFilter(label=_("Period"), lookup_expr="startswith")
    status = django_filters.ChoiceFilter(
        choices=Audit.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    overdue = _overdue_filter()

    class Meta:
        model = Audit
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Audit], name: str, value: str) -> QuerySet[Audit]:
        return _overdue(audit_overdue_q(timezone.localdate()), queryset, value)


class FindingFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = _county_filter()
    status = django_filters.ChoiceFilter(
        choices=Finding.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    category = django_filters.ChoiceFilter(
        choices=Finding.Category.choices, label=_("Category"), empty_label=_("All categories")
    )
    severity = django_filters.ChoiceFilter(
        choices=Finding.Severity.choices, label=_("Severity"), empty_label=_("All severities")
    )
    overdue = _overdue_filter()

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_overdue(
        self, queryset: QuerySet[Finding], name: str, value: str
    ) -> QuerySet[Finding]:
        return _overdue(finding_overdue_q(timezone.localdate()), queryset, value)


class ItemApiFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(field_name="business_date")
    rule = django_filters.ChoiceFilter(choices=VerificationItem.Rule.choices)
    county = django_filters.CharFilter(field_name="county__code")
    status = django_filters.ChoiceFilter(choices=VerificationItem.Status.choices)

    class Meta:
        model = VerificationItem
        fields: list[str] = []


class ItemFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = _county_filter()
    date = django_filters.DateFilter(field_name="business_date", label=_("Business date"))
    rule = django_filters.ChoiceFilter(
        choices=VerificationItem.Rule.choices, label=_("Rule"), empty_label=_("All rules")
    )
    status = django_filters.ChoiceFilter(
        choices=VerificationItem.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )

    class Meta:
        model = VerificationItem
        fields: list[str] = []


class NoticeFilter(BootstrapFilterSet):
    status = django_filters.ChoiceFilter(
        choices=WeeklyNotice.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    week = django_filters.CharFilter(lookup_expr="startswith", label=_("Week (YYYY or YYYY-Www)"))

    class Meta:
        model = WeeklyNotice
        fields: list[str] = []


class NoticeApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WeeklyNotice.Status.choices)

    class Meta:
        model = WeeklyNotice
        fields: list[str] = []
