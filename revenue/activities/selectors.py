"""Reads of the business development activities, always scoped to the user
(docs/roles-and-scoping.md#county-scoping, docs/rules.md#business-development-activities)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from marketing_ops.models import County
from revenue.models import (
    CaseTag,
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)
from revenue.models.activities import FollowUpQuerySet

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def _counties_prefetch() -> Prefetch:
    return Prefetch("counties", queryset=County.objects.only("id", "code", "name", "sort_order"))


def tariff_packages_for(user: AnyUser) -> QuerySet[TariffPackage]:
    """Newest application first; drafts (not applied yet) on top on every database."""
    return (
        TariffPackage.objects.visible_to(user)
        .prefetch_related(_counties_prefetch())
        .order_by(F("applied_on").desc(nulls_first=True), "name", "id")
    )


def trainings_for(user: AnyUser) -> QuerySet[Training]:
    return Training.objects.visible_to(user).prefetch_related(_counties_prefetch())


def marketing_cases_for(user: AnyUser) -> QuerySet[MarketingCase]:
    return (
        MarketingCase.objects.visible_to(user)
        .select_related("county", "created_by__profile")
        .prefetch_related("tags")
    )


def field_visits_for(user: AnyUser) -> QuerySet[FieldVisit]:
    """Visits with the number of open follow-ups, for the list and the API."""
    return (
        FieldVisit.objects.visible_to(user)
        .select_related("county", "created_by__profile")
        .annotate(
            follow_up_count=Count("follow_ups"),
            open_follow_up_count=Count("follow_ups", filter=Q(follow_ups__done=False)),
        )
        # Meta.ordering is dropped from grouped queries; pagination needs a stable order.
        .order_by("-date", "-id")
    )


def field_visit_detail_for(user: AnyUser) -> QuerySet[FieldVisit]:
    """Visits with their follow-ups and the owners: one more query, whatever the count."""
    return field_visits_for(user).prefetch_related(
        Prefetch(
            "follow_ups",
            queryset=FollowUpAction.objects.select_related("owner__profile").order_by(
                "due_on", "id"
            ),
        )
    )


def follow_ups_for(user: AnyUser) -> FollowUpQuerySet:
    return FollowUpAction.objects.visible_to(user).select_related(
        "visit", "visit__county", "owner__profile"
    )


def overdue_follow_ups_for(user: AnyUser, today: dt.date) -> FollowUpQuerySet:
    """Open actions whose due date has passed, the longest overdue first."""
    return follow_ups_for(user).overdue(today).order_by("due_on", "id")


def case_tags_in_use(user: AnyUser) -> QuerySet[CaseTag]:
    """Tags of the cases the user may see, with how many of them carry each (a tag cloud)."""
    visible = MarketingCase.objects.visible_to(user)
    return (
        CaseTag.objects.filter(cases__in=visible)
        .annotate(case_count=Count("cases"))
        .order_by("-case_count", "name")
    )


@dataclass(frozen=True)
class ActivitySummary:
    title: str
    count: int
    latest: list[Any]
    list_url_name: str


@dataclass(frozen=True)
class ActivitiesOverview:
    packages: ActivitySummary
    trainings: ActivitySummary
    cases: ActivitySummary
    visits: ActivitySummary
    overdue_follow_ups: int

    @property
    def sections(self) -> list[ActivitySummary]:
        return [self.packages, self.trainings, self.cases, self.visits]


def activities_overview(user: AnyUser, today: dt.date, latest: int = 5) -> ActivitiesOverview:
    """Counts and the latest records of each kind the user may see (the activities index)."""

    def summary(title: str, queryset: QuerySet, url_name: str) -> ActivitySummary:
        return ActivitySummary(title, queryset.count(), list(queryset[:latest]), url_name)

    return ActivitiesOverview(
        packages=summary(
            _("Tariff packages"),
            TariffPackage.objects.visible_to(user).order_by("-created_at", "-id"),
            "revenue:tariff-package-list",
        ),
        trainings=summary(
            _("Trainings and meetings"),
            Training.objects.visible_to(user).order_by("-date", "-id"),
            "revenue:training-list",
        ),
        cases=summary(
            _("Marketing cases"),
            MarketingCase.objects.visible_to(user).select_related("county"),
            "revenue:case-list",
        ),
        visits=summary(
            _("Field visits"),
            FieldVisit.objects.visible_to(user).select_related("county"),
            "revenue:field-visit-list",
        ),
        overdue_follow_ups=FollowUpAction.objects.visible_to(user).overdue(today).count(),
    )
