"""Reads of schemes, indicators, manual values and the months' state."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from appraisal.models import Adjustment, AppraisalMonth, Indicator, ManualValue, Scheme, SchemeItem
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.all()


def directions() -> dict[str, str]:
    return dict(Indicator.objects.values_list("code", "direction"))


def scheme_for(month: Month) -> Scheme | None:
    return Scheme.objects.filter(month=month.first_day).first()


def scheme_items(month: Month) -> list[SchemeItem]:
    """The month's scheme lines with their indicators, by code (empty without a scheme)."""
    return list(
        SchemeItem.objects.filter(scheme__month=month.first_day)
        .select_related("indicator")
        .order_by("indicator__code")
    )


def schemes() -> QuerySet[Scheme]:
    return Scheme.objects.order_by("-month")


def month_state(month: Month) -> AppraisalMonth | None:
    return AppraisalMonth.objects.filter(month=month.first_day).first()


def is_closed(month: Month) -> bool:
    return AppraisalMonth.objects.filter(month=month.first_day, closed_at__isnull=False).exists()


def months_with_schemes() -> list[Month]:
    """Months that have a scheme, newest first: the month switcher's choices."""
    days: list[dt.date] = list(Scheme.objects.order_by("-month").values_list("month", flat=True))
    return [Month.of(day) for day in days]


def manual_values_for(user: AnyUser, month: Month | None = None) -> QuerySet[ManualValue]:
    values = ManualValue.objects.visible_to(user).select_related(
        "county", "indicator", "entered_by__profile"
    )
    if month is not None:
        values = values.filter(month=month.first_day)
    return values


def adjustments_for(user: AnyUser) -> QuerySet[Adjustment]:
    """The adjustments of the counties ``user`` sees, newest first."""
    return (
        Adjustment.objects.visible_to(user)
        .select_related("county", "indicator", "by__profile")
        .order_by("-at", "-pk")
    )
