"""Reads of the false-user cases (docs/rules.md#false-users): who may do what, the rule's
set-based search over the bills, the scoped list, one case with its history, and the counts
per county and month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, DateField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from arrears.models import Account, Bill
from audits.models import FalseUserCase, FalseUserEvent
from marketing_ops.access import (
    CITY_ROLES,
    Role,
    bound_county_id,
    get_visible_or_404,
    has_role,
    is_city_wide,
    visible_counties,
)
from marketing_ops.models import County
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

Status = FalseUserCase.Status


def may_report(user: AnyUser) -> bool:
    """County staff, auditors and city staff report accounts of their scope by hand."""
    return has_role(user, Role.COUNTY_STAFF, Role.AUDITOR, *CITY_ROLES)


def may_decide(user: AnyUser, case: FalseUserCase) -> bool:
    """Auditors (a level-1 auditor of the case's county) and city staff confirm, clear and
    remove."""
    if not has_role(user, Role.AUDITOR, *CITY_ROLES):
        return False
    return is_city_wide(user) or bound_county_id(user) == case.county_id


def may_run_rule(user: AnyUser) -> bool:
    """City staff run the rule by hand (the monthly task runs it for everyone)."""
    return has_role(user, *CITY_ROLES)


def rule_window(latest: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The first days of the first and the last of the ``months`` months ending with the
    month of ``latest``."""
    last = Month.of(latest)
    return last.shift(-(months - 1)).first_day, last.first_day


def latest_billed_month() -> dt.date | None:
    """The latest billing month with any bill: the window ends there, so that a month not yet
    imported does not break every account's run."""
    return Bill.objects.order_by("-billing_month").values_list("billing_month", flat=True).first()


def rule_suspects(*, first: dt.date, last: dt.date, months: int) -> QuerySet[Account]:
    """Accounts in service (not dismantled), billed 0 in each of the ``months`` months from
    ``first`` to ``last`` (a month without a bill breaks the run), with no bill ever paid
    (amount_paid > 0) and no false-user case yet: one statement, whatever the number of
    accounts."""
    zero_runs = (
        Bill.objects.filter(billing_month__gte=first, billing_month__lte=last, amount_billed=0)
        .order_by()
        .values("account_id")
        .annotate(zero_months=Count("pk"))
        .filter(zero_months=months)
        .values("account_id")
    )
    paid = Bill.objects.filter(account_id=OuterRef("pk"), amount_paid__gt=0)
    cased = FalseUserCase.objects.filter(account_id=OuterRef("pk"))
    return (
        Account.objects.filter(pk__in=zero_runs)
        .exclude(status=Account.Status.DISMANTLED)
        .exclude(Exists(paid))
        .exclude(Exists(cased))
        .order_by()
    )


def case_queryset(user: AnyUser) -> QuerySet[FalseUserCase]:
    return FalseUserCase.objects.visible_to(user).select_related(
        "county", "account", "reported_by__profile"
    )


@dataclass(frozen=True)
class CaseDetail:
    case: FalseUserCase
    events: list[FalseUserEvent]
    can_confirm: bool
    can_clear: bool
    can_remove: bool


def case_detail(user: AnyUser, pk: int) -> CaseDetail:
    case: FalseUserCase = get_visible_or_404(
        FalseUserCase.objects.select_related(
            "county", "account", "account__business_line", "reported_by__profile"
        ),
        user,
        pk=pk,
    )
    decides = may_decide(user, case)
    return CaseDetail(
        case=case,
        events=list(case.events.select_related("user__profile").order_by("at", "pk")),
        can_confirm=decides and case.status == Status.SUSPECTED,
        can_clear=decides and case.is_open,
        can_remove=decides and case.status == Status.CONFIRMED,
    )


@dataclass(frozen=True)
class MonthCounts:
    """One county's cases in one month: reported (by the rule or by hand) in the month, and
    confirmed, removed and cleared in it."""

    county: County
    month: Month
    found_by_rule: int
    reported_by_hand: int
    confirmed: int
    removed: int
    cleared: int

    @property
    def reported(self) -> int:
        return self.found_by_rule + self.reported_by_hand


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField())


def monthly_counts(user: AnyUser, cases: QuerySet[FalseUserCase]) -> list[MonthCounts]:
    """Per county and month, newest month first, over ``cases`` (already scoped): four
    queries whatever the number of cases or counties. Each step counts in the month it
    happened."""
    cases = cases.order_by()
    counts: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for county_id, month, rule, manual in (
        cases.values("county_id", month=_month("reported_at"))
        .annotate(
            rule=Count("pk", filter=Q(source=FalseUserCase.Source.RULE)),
            manual=Count("pk", filter=Q(source=FalseUserCase.Source.MANUAL)),
        )
        .values_list("county_id", "month", "rule", "manual")
    ):
        counts[county_id, month]["rule"] += rule
        counts[county_id, month]["manual"] += manual
    for county_id, month, confirmed in (
        cases.filter(confirmed_at__isnull=False)
        .values("county_id", month=_month("confirmed_at"))
        .annotate(n=Count("pk"))
        .values_list("county_id", "month", "n")
    ):
        counts[county_id, month]["confirmed"] += confirmed
    for county_id, month, removed, cleared in (
        cases.filter(closed_at__isnull=False)
        .values("county_id", month=_month("closed_at"))
        .annotate(
            removed=Count("pk", filter=Q(status=Status.REMOVED)),
            cleared=Count("pk", filter=Q(status=Status.CLEARED)),
        )
        .values_list("county_id", "month", "removed", "cleared")
    ):
        counts[county_id, month]["removed"] += removed
        counts[county_id, month]["cleared"] += cleared
    counties = {county.pk: county for county in visible_counties(user)}
    rows = [
        MonthCounts(
            county=counties[county_id],
            month=Month.of(month),
            found_by_rule=c["rule"],
            reported_by_hand=c["manual"],
            confirmed=c["confirmed"],
            removed=c["removed"],
            cleared=c["cleared"],
        )
        for (county_id, month), c in counts.items()
        if county_id in counties
    ]
    rows.sort(key=lambda r: (-r.month.year, -r.month.month, r.county.sort_order, r.county.code))
    return rows
