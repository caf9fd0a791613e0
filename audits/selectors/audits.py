"""Reads of audits: scoped lists, the work of a user, the calendar of a county's month, one
audit's detail. A fixed number of queries whatever the rows."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from audits.calculations import REQUIRED_LEVELS, next_level, required_levels
from audits.models import Audit, AuditCheck, Finding, SignOff
from audits.selectors import permissions
from marketing_ops.access import Role, auditor_level, bound_county_id, get_visible_or_404, has_role
from marketing_ops.models import County
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

OPEN_STATUSES = (Audit.Status.PENDING, Audit.Status.IN_PROGRESS)


def live_signoffs() -> Prefetch:
    """The standing sign-offs of each audit, as ``audit.live_signoffs``."""
    return Prefetch(
        "signoffs",
        queryset=SignOff.objects.filter(voided_at__isnull=True).order_by("level"),
        to_attr="live_signoffs",
    )


def signed_levels(audit: Audit) -> list[int]:
    """The levels that signed ``passed`` and stand (needs ``live_signoffs`` prefetched)."""
    return [s.level for s in audit.live_signoffs if s.result == SignOff.Result.PASSED]  # type: ignore[attr-defined]


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


def audit_queryset(user: AnyUser) -> QuerySet[Audit]:
    """Every audit the user sees, with its county and standing sign-offs."""
    return (
        Audit.objects.visible_to(user)
        .select_related("county")
        .prefetch_related(live_signoffs())
        .order_by("-period_end", "county__sort_order", "cadence")
    )


def my_audits(user: AnyUser) -> QuerySet[Audit]:
    """The audits waiting for the user: for county staff and level-1 auditors, their county's
    audits not finished; for a level-2 or level-3 auditor, the audits whose level below has
    signed ``passed`` and that wait for their level."""
    audits = audit_queryset(user).filter(status__in=OPEN_STATUSES)
    level = auditor_level(user) if has_role(user, Role.AUDITOR) else None
    if level and level >= 2:
        cadences = [c for c, levels in REQUIRED_LEVELS.items() if level in levels]
        live = SignOff.objects.filter(audit=OuterRef("pk"), voided_at__isnull=True)
        return audits.filter(
            Exists(live.filter(level=level - 1, result=SignOff.Result.PASSED)),
            ~Exists(live.filter(level=level)),
            cadence__in=cadences,
        ).order_by("due_on", "county__sort_order")
    if bound_county_id(user) is not None and has_role(user, Role.AUDITOR) and level == 1:
        signed = SignOff.objects.filter(audit=OuterRef("pk"), voided_at__isnull=True, level=1)
        return audits.exclude(Exists(signed)).order_by("due_on", "cadence")
    if bound_county_id(user) is not None and has_role(user, Role.COUNTY_STAFF):
        return audits.order_by("due_on", "cadence")
    return audits.none()


@dataclass(frozen=True)
class CalendarWeek:
    days: list[tuple[dt.date, bool, Audit | None]]  # (day, in the month, its daily audit)
    weekly: Audit | None
    label: str


@dataclass(frozen=True)
class AuditCalendar:
    county: County
    month: Month
    weeks: list[CalendarWeek]
    monthly: Audit | None
    audits: list[Audit]


def calendar(user: AnyUser, county: County, month: Month) -> AuditCalendar:
    """The month grid of a county: each day's daily audit, each week's weekly audit, the
    month's monthly audit (three queries)."""
    first = month.first_day - dt.timedelta(days=month.first_day.weekday())
    last = month.last_day + dt.timedelta(days=6 - month.last_day.weekday())
    audits = list(
        audit_queryset(user)
        .filter(county=county, period_end__gte=first, period_end__lte=last)
        .filter(~Q(cadence=Audit.Cadence.MONTHLY) | Q(period=str(month)))
        .order_by("period_end", "cadence")
    )
    by_key = {(a.cadence, a.period): a for a in audits}
    weeks = []
    for week in pycalendar.Calendar().monthdatescalendar(month.year, month.month):
        year, number, _ = week[0].isocalendar()
        label = f"{year:04d}-W{number:02d}"
        weeks.append(
            CalendarWeek(
                days=[
                    (day, day.month == month.month, by_key.get(("daily", day.isoformat())))
                    for day in week
                ],
                weekly=by_key.get(("weekly", label)),
                label=label,
            )
        )
    in_month = [
        a for a in audits if a.cadence == Audit.Cadence.MONTHLY or a.period_end.month == month.month
    ]
    return AuditCalendar(
        county=county,
        month=month,
        weeks=weeks,
        monthly=by_key.get(("monthly", str(month))),
        audits=in_month,
    )


@dataclass(frozen=True)
class AuditDetail:
    audit: Audit
    checks: list[AuditCheck]
    signoffs: list[SignOff]
    findings: list[Finding]
    required_levels: tuple[int, ...]
    signed_levels: list[int]
    next_level: int | None
    overdue: bool
    can_answer: bool
    signing_level: int | None
    can_sign: bool
    can_open_finding: bool
    can_reopen: bool
    owners: list[tuple[str, str]] = field(default_factory=list)


def audit_detail(user: AnyUser, pk: int, today: dt.date) -> AuditDetail:
    """One audit as the user sees it (404 for another county's), with what they may do."""
    audit: Audit = get_visible_or_404(Audit.objects.select_related("county"), user, pk=pk)
    checks = list(audit.checks.select_related("answered_by__profile").order_by("position"))
    signoffs = list(audit.signoffs.select_related("user__profile").order_by("signed_at", "level"))
    findings = list(
        audit.findings.select_related("owner__profile", "opened_by__profile").order_by("pk")
    )
    live = {s.level: s.result for s in signoffs if s.voided_at is None}
    level = permissions.signing_level(user, audit)
    waiting = next_level(audit.cadence, live)
    return AuditDetail(
        audit=audit,
        checks=checks,
        signoffs=signoffs,
        findings=findings,
        required_levels=required_levels(audit.cadence),
        signed_levels=sorted(lvl for lvl, result in live.items() if result == "passed"),
        next_level=waiting,
        overdue=audit.is_overdue(today),
        can_answer=permissions.can_answer(user, audit),
        signing_level=level,
        can_sign=level is not None and not audit.finished and level not in live,
        can_open_finding=permissions.can_open_finding(user, audit),
        can_reopen=permissions.can_reopen(user, audit),
    )
