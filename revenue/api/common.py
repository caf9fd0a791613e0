"""What the revenue API views share: the period of a request, a county by code, edit conflicts."""

from __future__ import annotations

from django.http import Http404
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from marketing_ops.access import get_visible_or_404
from marketing_ops.models import County
from marketing_ops.periods import Month
from revenue.selectors.reports import closed_month
from revenue.services.reports import ReportConflict


class VolumeTargets(serializers.DictField):
    child = serializers.IntegerField(min_value=0)


def year_month(request: Request, default: Month | None = None) -> tuple[int, int]:
    """``?year=&month=``; default the latest month whose reporting deadline has passed
    (December for a past year)."""
    default = default or closed_month()
    try:
        year = int(request.query_params.get("year") or default.year)
        month = int(
            request.query_params.get("month") or (default.month if year == default.year else 12)
        )
    except ValueError:
        raise ValidationError({"detail": "year and month must be whole numbers"})
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError({"month": "expected year 2000..2100 and month 1..12"})
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
