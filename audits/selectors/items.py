"""Reads of the verification items: the county worklist and the city overview by rule and
county (docs/rules.md#verification-items)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from audits.models import VerificationItem
from marketing_ops.access import Role, auditor_level, bound_county_id, has_role, visible_counties
from marketing_ops.models import County

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def can_work(user: AnyUser, item: VerificationItem) -> bool:
    """Level-2 auditors (the support center) and the level-1 auditor of the item's county."""
    if not has_role(user, Role.AUDITOR):
        return False
    level = auditor_level(user)
    if level == 2:
        return True
    return level == 1 and bound_county_id(user) == item.county_id


def may_work_items(user: AnyUser) -> bool:
    return has_role(user, Role.AUDITOR) and auditor_level(user) in (1, 2)


def item_queryset(user: AnyUser) -> QuerySet[VerificationItem]:
    return VerificationItem.objects.visible_to(user).select_related("county")


@dataclass(frozen=True)
class OverviewRow:
    county: County
    #: open items per rule, in the order of ``VerificationItem.Rule``.
    open_by_rule: tuple[int, ...]
    open_total: int
    worked_total: int


def overview(user: AnyUser, items: QuerySet[VerificationItem]) -> list[OverviewRow]:
    """Open items per rule and county, and the worked ones, over the filtered ``items``: two
    queries whatever the number of counties."""
    rules = VerificationItem.Rule.values
    counts = {
        (row["county_id"], row["rule"]): (row["open"], row["worked"])
        for row in items.order_by()
        .values("county_id", "rule")
        .annotate(
            open=Count("pk", filter=Q(status=VerificationItem.Status.OPEN)),
            worked=Count("pk", filter=~Q(status=VerificationItem.Status.OPEN)),
        )
    }
    rows = []
    for county in visible_counties(user):
        per_rule = tuple(counts.get((county.pk, rule), (0, 0))[0] for rule in rules)
        worked = sum(counts.get((county.pk, rule), (0, 0))[1] for rule in rules)
        rows.append(OverviewRow(county, per_rule, sum(per_rule), worked))
    return rows
