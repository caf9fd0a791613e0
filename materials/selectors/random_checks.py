"""Random checks (docs/materials.md): the month's checks a user may see, a check's sampled
serials, and
the summary per county (found, not found, in the wrong place, not yet checked)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from marketing_ops.access import WRITING_ROLES, AnyUser, Role, has_role, visible_counties
from marketing_ops.periods import Month
from materials.models import RandomCheck, RandomCheckLine

RATE = Decimal("0.0001")
R = RandomCheckLine.Result


def can_check(user: AnyUser) -> bool:
    return has_role(user, *WRITING_ROLES, Role.AUDITOR)


def check_lines(check: RandomCheck) -> QuerySet[RandomCheckLine]:
    return check.lines.select_related("terminal", "terminal__item", "checked_by__profile").order_by(
        "serial"
    )


@dataclass(frozen=True)
class CheckSummary:
    county_id: int
    county: str
    check_id: int | None
    sampled: int = 0
    found: int = 0
    not_found: int = 0
    wrong_place: int = 0
    on_site: int = 0
    remote: int = 0

    @property
    def checked(self) -> int:
        return self.found + self.not_found + self.wrong_place

    @property
    def open(self) -> int:
        return self.sampled - self.checked

    @property
    def found_rate(self) -> Decimal | None:
        """Found where the ledger places them ÷ checked; None before any check."""
        if not self.checked:
            return None
        return (Decimal(self.found) / Decimal(self.checked)).quantize(RATE, ROUND_HALF_UP)


def summary(user: AnyUser, month: Month) -> list[CheckSummary]:
    """Per visible county, its check of ``month`` summed (a county without one shows no check).
    Two queries."""
    checks = {
        row["county"]: row
        for row in RandomCheck.objects.visible_to(user)
        .filter(month=str(month))
        .values("county", "pk")
        .annotate(
            sampled=Count("lines"),
            found=Count("lines", filter=Q(lines__result=R.FOUND)),
            not_found=Count("lines", filter=Q(lines__result=R.NOT_FOUND)),
            wrong_place=Count("lines", filter=Q(lines__result=R.WRONG_PLACE)),
            on_site=Count("lines", filter=Q(lines__mode=RandomCheckLine.Mode.ON_SITE)),
            remote=Count("lines", filter=Q(lines__mode=RandomCheckLine.Mode.REMOTE)),
        )
        .order_by()
    }
    rows = []
    for county in visible_counties(user):
        row = checks.get(county.pk)
        if row is None:
            rows.append(CheckSummary(county.pk, county.code, None))
            continue
        rows.append(
            CheckSummary(
                county.pk,
                county.code,
                row["pk"],
                row["sampled"],
                row["found"],
                row["not_found"],
                row["wrong_place"],
                row["on_site"],
                row["remote"],
            )
        )
    return rows
