"""Monthly reports: one county's month, its workflow, the list, the import and its template
(docs/rules.md#monthly-reports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketing_ops.api import CountField, MoneyField, query_params, signed_in_user
from marketing_ops.models import County
from marketing_ops.money import MONEY
from marketing_ops.openapi import ConflictSerializer
from marketing_ops.services import import_submit
from revenue.api.common import (
    PeriodQuery,
    VolumeTargets,
    check_period,
    conflict,
    visible_county,
    year_month,
)
from revenue.imports import monthly_figures_template
from revenue.models import MonthlyReport
from revenue.selectors import reference
from revenue.selectors import reports as report_selectors
from revenue.services import reports

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


class DiscardQuery(serializers.Serializer):
    version = CountField(required=False, help_text="The version you read; 409 if it changed.")


EDIT_CONFLICT = OpenApiResponse(
    ConflictSerializer, "The report changed since you read it: reload it at `version`."
)


class ChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(source="by.username", default=None, allow_null=True)
    action = serializers.CharField()
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()
    reason = serializers.CharField()


class ComparisonSerializer(serializers.Serializer):
    """A figure beside the previous month, the same month last year and the phased target;
    changes are fractions (0.0525 = +5.25 %), null without a base."""

    figure = serializers.CharField()
    current = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    previous = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    last_year = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    change_previous = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    change_last_year = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    of_target = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)


class ReportSerializer(serializers.Serializer):
    """A ``selectors.reports.MonthReport``."""

    county = serializers.CharField(source="report.county.code")
    year = serializers.IntegerField(source="report.year")
    month = serializers.IntegerField(source="report.month")
    revenue = serializers.DecimalField(**MONEY, source="report.revenue")
    volumes = VolumeTargets()
    status = serializers.CharField(source="report.status")
    version = serializers.IntegerField(source="report.version")
    late = serializers.BooleanField(source="report.late")
    deadline = serializers.DateField()
    submitted_at = serializers.DateTimeField(allow_null=True, source="report.submitted_at")
    submitted_by = serializers.CharField(
        source="report.submitted_by.username", default=None, allow_null=True
    )
    reviewed_at = serializers.DateTimeField(allow_null=True, source="report.reviewed_at")
    reviewed_by = serializers.CharField(
        source="report.reviewed_by.username", default=None, allow_null=True
    )
    return_reason = serializers.CharField(source="report.return_reason")
    history = ChangeSerializer(many=True)
    ended = serializers.BooleanField(help_text="Whether the month has ended (reports only then).")
    comparisons = ComparisonSerializer(many=True)


def report_data(user: AnyUser, county: County, year: int, month: int) -> dict[str, Any]:
    lines = reference.active_lines()
    return ReportSerializer(report_selectors.month_report(user, county, year, month, lines)).data


class ReportWriteSerializer(serializers.Serializer):
    revenue = MoneyField()
    volumes = VolumeTargets(required=False)
    version = CountField(help_text="The version you read (0 for a report not yet saved).")


class ReportDetail(APIView):
    """A county's report for a month (an unsaved draft with version 0 if none yet); ``PUT``
    saves the figures — a stale ``version`` answers 409."""

    @extend_schema(responses=ReportSerializer)
    def get(self, request: Request, county: str, year: int, month: int) -> Response:
        check_period(year, month)
        return Response(report_data(request.user, visible_county(request, county), year, month))

    @extend_schema(
        request=ReportWriteSerializer,
        responses={200: ReportSerializer, 409: EDIT_CONFLICT},
    )
    def put(self, request: Request, county: str, year: int, month: int) -> Response:
        check_period(year, month)
        county_obj = visible_county(request, county)
        data = ReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reports.report_save(
                county=county_obj,
                year=year,
                month=month,
                revenue=data.validated_data["revenue"],
                volumes=data.validated_data.get("volumes", {}),
                version=data.validated_data["version"],
                user=signed_in_user(request),
            )
        except reports.ReportConflict as exc:
            return conflict(exc)
        return Response(report_data(request.user, county_obj, year, month))

    @extend_schema(
        parameters=[DiscardQuery],
        responses={204: None, 409: EDIT_CONFLICT},
        description="Discard a draft that was never submitted (400 for any other report).",
    )
    def delete(self, request: Request, county: str, year: int, month: int) -> Response:
        check_period(year, month)
        county_obj = visible_county(request, county)
        report = (
            report_selectors.reports_for(request.user)
            .filter(county=county_obj, year=year, month=month)
            .first()
        )
        if report is None:
            raise Http404("No report for that month yet.")
        version = query_params(request, DiscardQuery).get("version")
        try:
            reports.report_discard(report=report, user=signed_in_user(request), version=version)
        except reports.ReportConflict as exc:
            return conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)
    version = CountField(required=False)


def _transition_view(action: str, service: Callable[..., MonthlyReport], needs_reason: bool):
    class TransitionView(APIView):
        @extend_schema(
            request=ReasonSerializer,
            responses={200: ReportSerializer, 409: EDIT_CONFLICT},
            description=f"{action.capitalize()} the report"
            + (" (`reason` required)." if needs_reason else "."),
            operation_id=f"revenue_reports_{action}",
        )
        def post(self, request: Request, county: str, year: int, month: int) -> Response:
            check_period(year, month)
            county_obj = visible_county(request, county)
            data = ReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            report = (
                report_selectors.reports_for(request.user)
                .filter(county=county_obj, year=year, month=month)
                .first()
            )
            if report is None:
                raise Http404("No report for that month yet.")
            kwargs: dict[str, Any] = {"version": data.validated_data.get("version")}
            if needs_reason:
                kwargs["reason"] = data.validated_data.get("reason", "")
            try:
                service(report=report, user=request.user, **kwargs)
            except reports.ReportConflict as exc:
                return conflict(exc)
            return Response(report_data(request.user, county_obj, year, month))

    TransitionView.__name__ = f"Report{action.capitalize()}"
    return TransitionView


ReportSubmit = _transition_view("submit", reports.report_submit, False)
ReportApprove = _transition_view("approve", reports.report_approve, False)
ReportReturn = _transition_view("return", reports.report_return, True)
ReportReopen = _transition_view("reopen", reports.report_reopen, True)


class ReportListSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code")
    revenue = serializers.DecimalField(**MONEY)

    class Meta:
        model = MonthlyReport
        fields = ["county", "year", "month", "revenue", "status", "version", "late", "submitted_at"]


class ReportList(generics.ListAPIView):
    """Reports in your scope, newest month first; filter by year, month, status."""

    serializer_class = ReportListSerializer
    filterset_fields = ["year", "month", "status"]

    def get_queryset(self):
        return report_selectors.reports_for(self.request.user)


class ImportedSerializer(serializers.Serializer):
    imported = serializers.IntegerField()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ReportImport(APIView):
    """Upload the monthly figures (the columns of docs/file-formats.md#monthly_figures) as CSV or
    XLSX; all rows or none are written."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=UploadSerializer,
        responses={200: ImportedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        job = import_submit(
            dataset="monthly_figures",
            fileobj=upload,
            file_name=upload.name,
            user=signed_in_user(request),
            background=False,
        )
        if job.status != job.Status.DONE:
            return Response({"errors": job.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": job.applied})


class ReportTemplate(APIView):
    """The monthly figures workbook: the monthly_figures columns, one row per county in your
    scope, pre-filled with the figures already saved for that month."""

    @extend_schema(
        parameters=[PeriodQuery],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            )
        },
    )
    def get(self, request: Request) -> HttpResponse:
        year, month = year_month(request)
        return monthly_figures_template(request.user, year, month)
