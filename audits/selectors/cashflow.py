"""Reads of the cash-flow reconciliations (docs/rules.md#cash-flow): who may enter and sign,
one county's month with its sign-off chain, and the city ranking of a month by relative
difference. A fixed number of queries whatever the counties."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from audits.calculations import CASHFLOW_LEVELS, next_level_of, relative_difference
from audits.models import CashFlowReconciliation, CashFlowSignOff
from audits.selectors import permissions
from marketing_ops.access import (
    CITY_ROLES,
    Role,
    auditor_level,
    bound_county_id,
    get_visible_or_404,
    has_role,
)
from marketing_ops.access import visible_counties as counties_of
from marketing_ops.models import County
from marketing_ops.periods import Month, business_window

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: What the API and the pages call a month nobody has entered yet.
NOT_ENTERED = "not_entered"


def county_month(user: AnyUser, county: str, month: str) -> tuple[County, Month]:
    """The county (another county's: 404) and the month a page's or the API's path names
    (404 for a text that is no month or a month outside the business window)."""
    try:
        found = business_window().check_month(Month.parse(month))
    except ValueError:
        raise Http404("No such month.")
    return get_visible_or_404(County.objects.all(), user, code=county), found


def can_enter(user: AnyUser, county_id: int) -> bool:
    """City staff for every county; county staff and the level-1 auditor for their county."""
    if has_role(user, *CITY_ROLES):
        return True
    if bound_county_id(user) != county_id:
        return False
    if has_role(user, Role.COUNTY_STAFF):
        return True
    return has_role(user, Role.AUDITOR) and auditor_level(user) == 1


def signing_level(user: AnyUser, county_id: int) -> int | None:
    """The level at which ``user`` signs a reconciliation of ``county_id`` (as for a monthly
    audit: level 1 the county's own auditor, 2 and 3 the city's), or None."""
    return permissions.level_to_sign(user, county_id, CASHFLOW_LEVELS)


def reconciliation_queryset(user: AnyUser) -> QuerySet[CashFlowReconciliation]:
    """Every reconciliation the user sees, with its county and its standing sign-offs
    (``live_signoffs``)."""
    return (
        CashFlowReconciliation.objects.visible_to(user)
        .select_related("county")
        .prefetch_related(
            Prefetch(
                "signoffs",
                queryset=CashFlowSignOff.objects.filter(voided_at__isnull=True).order_by("level"),
                to_attr="live_signoffs",
            )
        )
    )


def signed_levels(reconciliation: CashFlowReconciliation) -> list[int]:
    """The levels that signed ``passed`` and stand (needs ``live_signoffs`` prefetched)."""
    live = reconciliation.live_signoffs  # type: ignore[attr-defined]  # the prefetch's to_attr
    return [s.level for s in live if s.result == CashFlowSignOff.Result.PASSED]


@dataclass(frozen=True)
class RankingRow:
    """A county in the month's ranking; ``reconciliation`` None when nobody entered it."""

    county: County
    month: Month
    reconciliation: CashFlowReconciliation | None
    rank: int | None
    relative: Decimal | None
    signed_levels: list[int]

    @property
    def entered(self) -> bool:
        return self.reconciliation is not None

    @property
    def status(self) -> str:
        return self.reconciliation.status if self.reconciliation else NOT_ENTERED

    @property
    def difference(self) -> Decimal | None:
        return self.reconciliation.difference if self.reconciliation else None

    @property
    def unexplained_base(self) -> bool:
        """A difference with no receivable to measure it by (ranked first)."""
        return self.reconciliation is not None and self.relative is None


@dataclass(frozen=True)
class CashFlowRanking:
    month: Month
    rows: list[RankingRow]

    @property
    def entered(self) -> int:
        return sum(1 for row in self.rows if row.entered)

    @property
    def passed(self) -> int:
        return sum(1 for row in self.rows if row.status == CashFlowReconciliation.Status.PASSED)


def _rank_key(row: RankingRow) -> tuple:
    """Entered counties first, by |difference| ÷ receivable descending (a difference without a
    receivable before all), then |difference|; counties not entered last, in their order."""
    county = (row.county.sort_order, row.county.code)
    if row.reconciliation is None:
        return (2, 0, 0, *county)
    if row.relative is None:
        return (0, 0, -abs(row.reconciliation.difference), *county)
    return (1, -row.relative, -abs(row.reconciliation.difference), *county)


def ranking(user: AnyUser, month: Month) -> CashFlowRanking:
    """Every active county the user sees, ranked for ``month`` (three queries)."""
    counties = list(counties_of(user).order_by("sort_order", "code"))
    found = {
        r.county_id: r
        for r in reconciliation_queryset(user).filter(
            month=month.first_day, county__in=[c.pk for c in counties]
        )
    }
    rows = []
    for county in counties:
        rec = found.get(county.pk)
        rows.append(
            RankingRow(
                county=county,
                month=month,
                reconciliation=rec,
                rank=None,
                relative=relative_difference(rec.receivable, rec.received) if rec else None,
                signed_levels=signed_levels(rec) if rec else [],
            )
        )
    rows.sort(key=_rank_key)
    ranked = [
        RankingRow(row.county, month, row.reconciliation, n, row.relative, row.signed_levels)
        if row.entered
        else row
        for n, row in enumerate(rows, start=1)
    ]
    return CashFlowRanking(month=month, rows=ranked)


@dataclass(frozen=True)
class CashFlowDetail:
    """One county's month as a user sees it, with what they may do."""

    county: County
    month: Month
    reconciliation: CashFlowReconciliation | None
    signoffs: list[CashFlowSignOff]  # every one, voided included, in the order they were signed
    signed_levels: list[int]
    next_level: int | None
    can_enter: bool
    signing_level: int | None
    can_sign: bool

    @property
    def version(self) -> int:
        return self.reconciliation.version if self.reconciliation else 0

    @property
    def status(self) -> str:
        return self.reconciliation.status if self.reconciliation else NOT_ENTERED

    @property
    def relative(self) -> Decimal | None:
        rec = self.reconciliation
        return relative_difference(rec.receivable, rec.received) if rec else None


def detail(user: AnyUser, county: County, month: Month) -> CashFlowDetail:
    """``county``'s reconciliation of ``month`` (the county already checked visible), with its
    sign-offs and what ``user`` may do (two queries)."""
    rec = (
        CashFlowReconciliation.objects.filter(county=county, month=month.first_day)
        .select_related("county", "entered_by__profile", "updated_by__profile")
        .first()
    )
    signoffs = (
        list(rec.signoffs.select_related("user__profile").order_by("signed_at", "pk"))
        if rec
        else []
    )
    live = {s.level: s.result for s in signoffs if s.voided_at is None}
    level = signing_level(user, county.pk)
    return CashFlowDetail(
        county=county,
        month=month,
        reconciliation=rec,
        signoffs=signoffs,
        signed_levels=sorted(lvl for lvl, result in live.items() if result == "passed"),
        next_level=next_level_of(CASHFLOW_LEVELS, live) if rec else None,
        can_enter=can_enter(user, county.pk),
        signing_level=level,
        can_sign=rec is not None and level is not None and level not in live and not rec.finished,
    )
