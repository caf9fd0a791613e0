"""What the revenue API views share: the period of a request, a county by code, edit conflicts."""

from __future__ import annotations

from django.http import Http404
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from marketing_ops.access import get_visible_or_404
from marketing_ops.api import CountField, query_params
from marketing_ops.models import County
from marketing_ops.periods import Month
from revenue.selectors.reports import closed_month
from revenue.services.reports import ReportConflict


class VolumeTargets(serializers.DictField):
    child = CountField()


class PeriodQuery(serializers.Serializer):
    """``?year=&month=`` of a monthly figure; both optional (see ``year_month``)."""

    year = CountField(
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="Default: the year of the latest closed month.",
    )
    month = CountField(
        min_value=1,
        max_value=12,
        required=False,
        help_text="Default: the latest month whose reporting deadline has passed, or December "
        "for a past year.",
    )


def year_month(request: Request, default: Month | None = None) -> tuple[int, int]:
    """``?year=&month=`` (``PeriodQuery``); default the latest month whose reporting deadline
    has passed (December for a past year)."""
    query = query_params(request, PeriodQuery)
    default = default or closed_month()
    year = query.get("year", default.year)
    month = query.get("month", default.month if year == default.year else 12)
    return year, month


def check_period(year: int, month: int) -> None:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("No such month.")


def visible_county(request: Request, code: str) -> County:
    return get_visible_or_404(County.objects.all(), request.user, code=code)


def conflict(exc: ReportConflict) -> Response:
    """409 with the version the report has now, so the client can reload it."""
    current = exc.report.version if exc.report else 0
    return Response({"detail": str(exc), "version": current}, status=status.HTTP_409_CONFLICT)
