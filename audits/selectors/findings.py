"""Reads of findings: the scoped list and one finding with its history and evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from audits.models import Audit, Finding, FindingEvent, FindingEvidence
from audits.selectors import permissions
from marketing_ops.access import get_visible_or_404, scope_queryset

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from marketing_ops.access import AnyUser


def overdue_q(today: dt.date) -> Q:
    return Q(due_on__lt=today) & ~Q(status=Finding.Status.VERIFIED)


def finding_queryset(user: AnyUser) -> QuerySet[Finding]:
    return (
        Finding.objects.visible_to(user)
        .select_related("county", "audit", "owner__profile")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class FindingDetail:
    finding: Finding
    events: list[FindingEvent]
    evidence: list[FindingEvidence]
    overdue: bool
    can_rectify: bool
    can_verify: bool
    can_reject: bool
    can_add_evidence: bool


def finding_detail(user: AnyUser, pk: int, today: dt.date) -> FindingDetail:
    finding: Finding = get_visible_or_404(
        Finding.objects.select_related(
            "county", "audit", "owner__profile", "rectified_by__profile", "verified_by__profile"
        ),
        user,
        pk=pk,
    )
    verifier = permissions.can_verify(user, finding)
    return FindingDetail(
        finding=finding,
        events=list(finding.events.select_related("user__profile").order_by("at", "pk")),
        evidence=list(
            finding.evidence.select_related("uploaded_by__profile").order_by(
                "document", "-revision"
            )
        ),
        overdue=finding.is_overdue(today),
        can_rectify=permissions.can_rectify(user, finding),
        can_verify=verifier,
        can_reject=verifier,
        can_add_evidence=permissions.can_add_evidence(user, finding),
    )


def evidence_for(user: AnyUser, pk: int) -> FindingEvidence:
    """One evidence file of a finding the user sees (404 otherwise)."""
    scoped = scope_queryset(
        FindingEvidence.objects.select_related("finding"), user, "finding__county"
    )
    return get_object_or_404(scoped, pk=pk)


def county_users(audit: Audit) -> QuerySet[AbstractBaseUser]:
    """Who may own a finding of the audit: the active users of its county."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__county=audit.county_id)
        .select_related("profile")
        .order_by("username")
    )
