"""Completion against time progress through a month
(docs/rules.md#progress-against-time-progress)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from revenue.api.common import PeriodQuery, year_month
from revenue.api.standings import StandingSerializer
from revenue.selectors import progress


class CityProgressSerializer(serializers.Serializer):
    """The revenue figure of a ``CountyProgress`` (the city's or a county's)."""

    revenue_target = serializers.DecimalField(
        max_digits=16, decimal_places=2, source="revenue.target"
    )
    cumulative_actual = serializers.DecimalField(
        max_digits=16, decimal_places=2, source="revenue.cumulative_actual"
    )
    submitted_not_approved = serializers.DecimalField(
        max_digits=16, decimal_places=2, source="revenue.submitted_pending"
    )
    completion_rate = serializers.DecimalField(
        max_digits=8, decimal_places=4, allow_null=True, source="revenue.completion_rate"
    )
    gap_pp = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, source="revenue.gap_pp"
    )
    status = serializers.CharField(allow_null=True, source="revenue.status")
    projected_year_end = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="revenue.projected_year_end"
    )
    required_monthly = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="revenue.required_monthly"
    )


class CountyProgressSerializer(CityProgressSerializer):
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    rank = serializers.IntegerField(allow_null=True)
    report_state = serializers.ChoiceField(
        choices=["approved", "waiting", "returned", "missing"],
        help_text="The county's report for the month (waiting: submitted, not yet approved).",
    )


class LineProgressSerializer(serializers.Serializer):
    line = serializers.CharField(source="line.code")
    name = serializers.CharField(source="line.name")
    volume_target = serializers.IntegerField(source="figures.target")
    cumulative_actual = serializers.IntegerField(source="figures.cumulative_actual")
    completion_rate = serializers.DecimalField(
        max_digits=8, decimal_places=4, allow_null=True, source="figures.completion_rate"
    )
    gap_pp = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, source="figures.gap_pp"
    )
    status = serializers.CharField(allow_null=True, source="figures.status")
    projected_year_end = serializers.IntegerField(
        allow_null=True, source="figures.projected_year_end"
    )
    required_monthly = serializers.DecimalField(
        max_digits=12, decimal_places=0, allow_null=True, source="figures.required_monthly"
    )


class ProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    time_progress = serializers.DecimalField(max_digits=6, decimal_places=4)
    closed = serializers.BooleanField(
        help_text="Whether the month's reporting deadline has passed (its figures are complete)."
    )
    deadline = serializers.DateField(help_text="When the month's reports are due.")
    city = CityProgressSerializer()
    counties = CountyProgressSerializer(many=True)
    lines = LineProgressSerializer(many=True)
    province_standing = StandingSerializer(allow_null=True, source="standing")


class ProgressView(APIView):
    """Completion against time progress through a month
    (docs/rules.md#progress-against-time-progress), approved reports only.

    ``counties`` holds the counties you may see (ranked among all counties); ``city`` is the
    whole city; ``lines`` are the city's volumes per line, or your county's for a county user.
    Defaults: the latest month whose reporting deadline has passed; a later month shows each
    county's ``report_state`` (approved, waiting, returned, missing) beside its figures.
    """

    @extend_schema(
        parameters=[PeriodQuery],
        responses=ProgressSerializer,
    )
    def get(self, request: Request) -> Response:
        year, month = year_month(request)
        summary = progress.progress_summary(request.user, year, month)
        return Response(ProgressSerializer(summary).data)
