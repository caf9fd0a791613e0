"""Reads of the on-site verifications and their follow-ups (docs/rules.md#on-site-verifications):
who may do what, the scoped lists, one verification with its follow-ups, and the owners a
follow-up may have."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from audits.models import FollowUp, OnSiteVerification
from marketing_ops.access import (
    CITY_ROLES,
    Role,
    bound_county_id,
    get_visible_or_404,
    has_role,
    is_city_wide,
)

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def _in_scope(user: AnyUser, county_id: int) -> bool:
    return is_city_wide(user) or bound_county_id(user) == county_id


def may_record(user: AnyUser, county_id: int | None = None) -> bool:
    """Auditors and city staff record and edit verifications and add follow-ups (a level-1
    auditor for their own county)."""
    if not has_role(user, Role.AUDITOR, *CITY_ROLES):
        return False
    return county_id is None or _in_scope(user, county_id)


def may_mark_done(user: AnyUser, follow_up: FollowUp) -> bool:
    """The owner, county staff of the county, and whoever may record verifications there."""
    county_id = follow_up.verification.county_id
    if getattr(user, "pk", None) == follow_up.owner_id:
        return True
    if has_role(user, Role.COUNTY_STAFF) and bound_county_id(user) == county_id:
        return True
    return may_record(user, county_id)


def past_due_q(today: dt.date) -> Q:
    return Q(done=False, due_on__lt=today)


def verification_queryset(user: AnyUser, today: dt.date) -> QuerySet[OnSiteVerification]:
    """The verifications the user sees, each with its follow-ups counted: all, open and past
    due."""
    return (
        OnSiteVerification.objects.visible_to(user)
        .select_related("county", "created_by__profile")
        .annotate(
            follow_up_count=Count("follow_ups"),
            open_follow_ups=Count("follow_ups", filter=Q(follow_ups__done=False)),
            past_due_follow_ups=Count(
                "follow_ups",
                filter=Q(follow_ups__done=False, follow_ups__due_on__lt=today),
            ),
        )
    )


def follow_up_queryset(user: AnyUser) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(user).select_related(
        "verification", "verification__county", "owner__profile", "done_by__profile"
    )


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    past_due: bool
    can_mark_done: bool


@dataclass(frozen=True)
class VerificationDetail:
    verification: OnSiteVerification
    follow_ups: list[FollowUpRow]
    can_edit: bool


def verification_detail(user: AnyUser, pk: int, today: dt.date) -> VerificationDetail:
    verification: OnSiteVerification = get_visible_or_404(
        OnSiteVerification.objects.select_related("county", "created_by__profile"), user, pk=pk
    )
    follow_ups = list(
        verification.follow_ups.select_related("owner__profile", "done_by__profile").order_by(
            "done", "due_on", "pk"
        )
    )
    rows = []
    for follow_up in follow_ups:
        follow_up.verification = verification
        rows.append(
            FollowUpRow(follow_up, follow_up.is_past_due(today), may_mark_done(user, follow_up))
        )
    return VerificationDetail(verification, rows, may_record(user, verification.county_id))


def county_users(county_id: int) -> QuerySet[User]:
    """Who may own a follow-up of a verification in the county: its active users."""
    return (
        User.objects.filter(is_active=True, profile__county=county_id)
        .select_related("profile")
        .order_by("username")
    )
