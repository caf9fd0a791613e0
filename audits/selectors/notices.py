"""Reads of the weekly audit notice (docs/rules.md#weekly-audit-notice): the figures of a week
per county that the draft service turns into criticism and commendation, who sees which
notices, and a notice as a page, the API and the briefing show it.

Drafts are seen by city-wide users (city admins and staff, city managers, auditors of level 2
and 3); county-bound users see the published notices only — all of each published notice, as
it is the city's notice to every county.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.models import Audit, Cadence, Finding, VerificationItem, WeeklyNotice
from audits.selectors import permissions
from audits.selectors.audits import OPEN_STATUSES
from marketing_ops.access import is_city_wide
from marketing_ops.formatting import count
from marketing_ops.models import County

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: A verification item counts against its county when it has been open more than this many
#: days at the end of the week (exactly 3 days does not count).
ITEM_OPEN_DAYS = 3

#: The kinds of a criticism's reason, in the order a county's reasons are listed.
AUDITS_OVERDUE = "audits_overdue"
AUDITS_FAILED = "audits_failed"
FINDINGS_PAST_DUE = "findings_past_due"
ITEMS_OPEN = "items_open"


# --------------------------------------------------------------------------- who sees what


def may_see_drafts(user: AnyUser) -> bool:
    return is_city_wide(user)


def may_edit(user: AnyUser) -> bool:
    """City admins and staff draft, refresh, add remarks and publish."""
    return permissions.is_city_staff(user)


def notice_queryset(user: AnyUser) -> QuerySet[WeeklyNotice]:
    """The notices ``user`` sees, newest week first."""
    notices = WeeklyNotice.objects.select_related("published_by__profile").order_by("-week_start")
    if not may_see_drafts(user):
        notices = notices.filter(status=WeeklyNotice.Status.PUBLISHED)
    return notices


def notice_get(user: AnyUser, week: str) -> WeeklyNotice:
    """The notice of ``week`` if ``user`` sees it, else 404 (a draft for a county user too)."""
    notice: WeeklyNotice = get_object_or_404(notice_queryset(user), week=week)
    return notice


# --------------------------------------------------------------------------- the week's figures


def end_of_week(week_end: dt.date) -> dt.datetime:
    """The moment the week is over: midnight (local time) at the start of the Monday after."""
    monday = week_end + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(monday, dt.time.min))


@dataclass
class CountyWeek:
    """One county's figures for the notice of a week, as at the end of the week."""

    county: County
    #: Audits due in the week, in all, and those passed on time.
    due: int = 0
    on_time: int = 0
    #: Audits due in the week still unfinished when it ended, and those failed, per cadence.
    overdue: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    #: Findings past their due date and not verified when the week ended.
    findings_past_due: int = 0
    #: Verification items open more than ITEM_OPEN_DAYS days when the week ended.
    items_open: int = 0

    def reasons(self) -> list[dict[str, Any]]:
        """The reasons to criticise the county, with their counts: empty when there are none."""
        reasons: list[dict[str, Any]] = []
        for kind, per_cadence in ((AUDITS_OVERDUE, self.overdue), (AUDITS_FAILED, self.failed)):
            for cadence in Cadence.values:
                if per_cadence.get(cadence):
                    reasons.append(
                        {"kind": kind, "cadence": cadence, "count": per_cadence[cadence]}
                    )
        if self.findings_past_due:
            reasons.append({"kind": FINDINGS_PAST_DUE, "count": self.findings_past_due})
        if self.items_open:
            reasons.append({"kind": ITEMS_OPEN, "count": self.items_open, "days": ITEM_OPEN_DAYS})
        return reasons

    @property
    def commended(self) -> bool:
        """Every audit due in the week passed on time (at least one was due) and no finding
        past due; a county criticised for anything is not commended as well."""
        return (
            self.due > 0
            and self.on_time == self.due
            and not self.findings_past_due
            and not self.reasons()
        )


def week_figures(week_start: dt.date, week_end: dt.date) -> list[CountyWeek]:
    """Every active county's figures for the week ``week_start``..``week_end``, for the whole
    city: four grouped queries and one of the counties, whatever the number of counties.

    The audits of the week are those **due** in it (the dailies of Monday to Friday, the
    weekly audit of the week before, a monthly audit due in it): every one of them is decided
    by the end of the week. State is taken as at the end of the week where the data keeps the
    time: an audit finished after it counts as overdue, a finding verified after it as past
    due, an item worked after it as open."""
    ended = end_of_week(week_end)
    counties = list(County.objects.filter(active=True).order_by("sort_order", "code"))
    rows = {county.pk: CountyWeek(county) for county in counties}
    unfinished = Q(status__in=OPEN_STATUSES) | (
        Q(finished_at__gte=ended) & ~Q(status=Audit.Status.FAILED)
    )
    for row in (
        Audit.objects.filter(due_on__gte=week_start, due_on__lte=week_end, county__in=list(rows))
        .values("county_id", "cadence")
        .order_by()
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status=Audit.Status.PASSED, late=False)),
            overdue=Count("pk", filter=unfinished),
            failed=Count("pk", filter=Q(status=Audit.Status.FAILED)),
        )
    ):
        week = rows[row["county_id"]]
        week.due += row["due"]
        week.on_time += row["on_time"]
        week.overdue[row["cadence"]] = row["overdue"]
        week.failed[row["cadence"]] = row["failed"]
    for row in (
        Finding.objects.filter(due_on__lte=week_end, county__in=list(rows))
        .filter(~Q(status=Finding.Status.VERIFIED) | Q(verified_at__gte=ended))
        .values("county_id")
        .order_by()
        .annotate(n=Count("pk"))
    ):
        rows[row["county_id"]].findings_past_due = row["n"]
    for row in (
        VerificationItem.objects.filter(
            created_at__lt=ended - dt.timedelta(days=ITEM_OPEN_DAYS), county__in=list(rows)
        )
        .filter(Q(status=VerificationItem.Status.OPEN) | Q(worked_at__gte=ended))
        .values("county_id")
        .order_by()
        .annotate(n=Count("pk"))
    ):
        rows[row["county_id"]].items_open = row["n"]
    return [rows[county.pk] for county in counties]


# --------------------------------------------------------------------------- showing a notice


def reason_text(reason: Mapping[str, Any]) -> str:
    """One reason as the sentence the notice prints: "2 daily audits overdue"."""
    n = int(reason.get("count", 0))
    values = {"n": count(n), "days": reason.get("days", ITEM_OPEN_DAYS)}
    kind, cadence = reason.get("kind"), reason.get("cadence")
    if kind == AUDITS_OVERDUE and cadence == Cadence.DAILY:
        text = ngettext("%(n)s daily audit overdue", "%(n)s daily audits overdue", n)
    elif kind == AUDITS_OVERDUE and cadence == Cadence.WEEKLY:
        text = ngettext("%(n)s weekly audit overdue", "%(n)s weekly audits overdue", n)
    elif kind == AUDITS_OVERDUE:
        text = ngettext("%(n)s monthly audit overdue", "%(n)s monthly audits overdue", n)
    elif kind == AUDITS_FAILED and cadence == Cadence.DAILY:
        text = ngettext("%(n)s daily audit failed", "%(n)s daily audits failed", n)
    elif kind == AUDITS_FAILED and cadence == Cadence.WEEKLY:
        text = ngettext("%(n)s weekly audit failed", "%(n)s weekly audits failed", n)
    elif kind == AUDITS_FAILED:
        text = ngettext("%(n)s monthly audit failed", "%(n)s monthly audits failed", n)
    elif kind == FINDINGS_PAST_DUE:
        text = ngettext("%(n)s finding past due", "%(n)s findings past due", n)
    elif kind == ITEMS_OPEN:
        text = ngettext(
            "%(n)s verification item open more than %(days)s days",
            "%(n)s verification items open more than %(days)s days",
            n,
        )
    else:
        text = _("%(n)s other")
    return text % values


@dataclass(frozen=True)
class Criticised:
    code: str
    name: str
    reasons: list[str]


@dataclass(frozen=True)
class Commended:
    code: str
    name: str


@dataclass(frozen=True)
class NoticeView:
    notice: WeeklyNotice
    criticism: list[Criticised]
    commendation: list[Commended]


def notice_view(notice: WeeklyNotice, county_code: str | None = None) -> NoticeView:
    """The notice's snapshot as sentences; with ``county_code``, only that county's part."""
    criticism = [
        Criticised(row["county"], row["name"], [reason_text(r) for r in row["reasons"]])
        for row in notice.criticism
        if county_code is None or row["county"] == county_code
    ]
    commendation = [
        Commended(row["county"], row["name"])
        for row in notice.commendation
        if county_code is None or row["county"] == county_code
    ]
    return NoticeView(notice, criticism, commendation)


def notice_of_week(user: AnyUser, week: str) -> WeeklyNotice | None:
    """The notice of ``week`` as ``user`` sees it (a draft only for city-wide users), or None."""
    return notice_queryset(user).filter(week=week).first()
