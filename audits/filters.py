"""Filters of the audit and finding lists, pages and API. Scoping is done before
(``visible_to``); these only narrow."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models import (
    Audit,
    FalseUserCase,
    Finding,
    FollowUp,
    OnSiteVerification,
    VerificationItem,
    WeeklyNotice,
)
from audits.selectors.audits import overdue_q as audit_overdue_q
from audits.selectors.findings import overdue_q as finding_overdue_q
from audits.selectors.onsite import past_due_q as onsite_past_due_q
from marketing_ops.access import is_city_wide, visible_counties
from marketing_ops.filters import BootstrapFilterSet
from marketing_ops.periods import Month, business_window

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


# --------------------------------------------------------------------------- false users


def _month_range(queryset: QuerySet[Any], field: str, value: str) -> QuerySet[Any]:
    """Rows whose ``field`` (a date and time) falls in the month ``value`` (YYYY-MM); a month
    that does not parse is refused by the form (page) or the query serializer (API)."""
    if not value:
        return queryset
    month = Month.parse(value)
    return queryset.filter(
        **{f"{field}__date__gte": month.first_day, f"{field}__date__lte": month.last_day}
    )


class MonthText(forms.CharField):
    """A ``YYYY-MM`` month in the business window, kept as text."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if text:
            try:
                business_window().check_month(Month.parse(text))
            except ValueError as exc:
                raise forms.ValidationError(str(exc))
        return text


class MonthFilter(django_filters.CharFilter):
    field_class = MonthText


class FalseUserFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = _county_filter()
    status = django_filters.ChoiceFilter(
        choices=FalseUserCase.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    source = django_filters.ChoiceFilter(
        choices=FalseUserCase.Source.choices, label=_("Source"), empty_label=_("All sources")
    )
    month = MonthFilter(label=_("Reported in"), method="filter_month")
    account = django_filters.CharFilter(
        field_name="account__account_no", label=_("Account"), lookup_expr="iexact"
    )

    class Meta:
        model = FalseUserCase
        fields: list[str] = []

    def filter_month(
        self, queryset: QuerySet[FalseUserCase], name: str, value: str
    ) -> QuerySet[FalseUserCase]:
        return _month_range(queryset, "reported_at", value)


# --------------------------------------------------------------------------- on-site verifications


class OnSiteFilter(CountyChoiceMixin, BootstrapFilterSet):
    county = _county_filter()
    month = MonthFilter(label=_("Month"), method="filter_month")

    class Meta:
        model = OnSiteVerification
        fields: list[str] = []

    def filter_month(
        self, queryset: QuerySet[OnSiteVerification], name: str, value: str
    ) -> QuerySet[OnSiteVerification]:
        if not value:
            return queryset
        month = Month.parse(value)
        return queryset.filter(date__gte=month.first_day, date__lte=month.last_day)


class FollowUpFilter(BootstrapFilterSet):
    county = django_filters.ModelChoiceFilter(
        queryset=None,
        field_name="verification__county",
        label=_("County"),
        empty_label=_("All counties"),
    )
    done = django_filters.ChoiceFilter(
        choices=YES_NO, label=_("Done"), method="filter_done", empty_label=_("Any")
    )
    past_due = django_filters.ChoiceFilter(
        choices=YES_NO, label=_("Past due"), method="filter_past_due", empty_label=_("Any")
    )

    class Meta:
        model = FollowUp
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.filters["county"].queryset = visible_counties(user)
        if not is_city_wide(user):
            del self.filters["county"]

    def filter_done(
        self, queryset: QuerySet[FollowUp], name: str, value: str
    ) -> QuerySet[FollowUp]:
        return queryset.filter(done=value == "true") if value else queryset

    def filter_past_due(
        self, queryset: QuerySet[FollowUp], name: str, value: str
    ) -> QuerySet[FollowUp]:
        return _overdue(onsite_past_due_q(timezone.localdate()), queryset, value)


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
