"""The revenue part of the start page: a county's returned reports and why they came back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from marketing_ops.access import is_city_wide
from marketing_ops.notices import Notice
from revenue.selectors import reports as report_selectors

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def notices(user: AnyUser) -> list[Notice]:
    """One notice per returned report of the reader's county (one query)."""
    if not user.is_authenticated or is_city_wide(user):
        return []
    return [
        Notice(
            title=_("%(county)s %(period)s was returned by city staff")
            % {"county": report.county.code, "period": report.period},
            detail=report.return_reason,
            url=reverse("revenue:report", args=[report.county.code, report.year, report.month]),
        )
        for report in report_selectors.returned_reports(user)
    ]
