"""API of the revenue app (SPEC §10 revenue rows): plans, targets, reports, import, progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketing_ops import tabular
from marketing_ops.access import CITY_ROLES, get_visible_or_404
from marketing_ops.api import RowErrorSerializer, roles_required
from marketing_ops.models import County
from marketing_ops.money import MONEY
from marketing_ops.periods import Month
from revenue import selectors, services
from revenue.imports import monthly_figures_template
from revenue.models import CountyTarget, MonthlyReport, Plan, ProvinceStanding

# --------------------------------------------------------------------------- helpers


def _django_errors(exc: DjangoValidationError) -> ValidationError:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return ValidationError(detail)


def call_service(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; its ValidationError becomes a 400 with field errors."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise _django_errors(exc)


def _conflict(exc: services.ReportConflict) -> Response:
    current = exc.report.version if exc.report else 0
    return Response({"detail": str(exc), "version": current}, status=status.HTTP_409_CONFLICT)


def _year_month(request: Request) -> tuple[int, int]:
    default = Month.of(timezone.localdate()).previous()
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


# --------------------------------------------------------------------------- plans


class VolumeTargets(serializers.DictField):
    child = serializers.IntegerField(min_value=0)


class PlanSerializer(serializers.ModelSerializer):
    revenue_target = serializers.DecimalField(**MONEY)
    volume_targets = VolumeTargets()
    decomposition_method = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "year",
            "status",
            "revenue_target",
            "volume_targets",
            "decomposition_method",
            "published_at",
            "created_at",
            "updated_at",
        ]

    def get_decomposition_method(self, plan: Plan) -> str | None:
        current = [d for d in plan.decompositions.all() if d.current]
        return current[0].method if current else None


class PlanCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    revenue_target = serializers.DecimalField(**MONEY, min_value=0)
    volume_targets = VolumeTargets(required=False)


class MonthTargetSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    revenue_target = serializers.DecimalField(**MONEY)
    volume_targets = VolumeTargets()


class CountyTargetSerializer(serializers.Serializer):
    county = serializers.CharField(source="target.county.code")
    county_name = serializers.CharField(source="target.county.name")
    revenue_target = serializers.DecimalField(**MONEY, source="target.revenue_target")
    volume_targets = VolumeTargets(source="target.volume_targets")
    phasing_profile = serializers.CharField(source="target.phasing_profile.name", default=None)
    months = MonthTargetSerializer(many=True)
    quarters = serializers.ListField(child=serializers.DecimalField(**MONEY))


def _targets_data(targets: Any) -> list[dict[str, Any]]:
    return CountyTargetSerializer(selectors.target_phasing(targets), many=True).data


class PlanList(generics.ListAPIView):
    """Plans by year; ``POST`` creates a draft plan (city staff)."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        return selectors.plans().prefetch_related("decompositions")

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles_required(*CITY_ROLES)()]
        return [IsAuthenticated()]

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer})
    def post(self, request: Request) -> Response:
        data = PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = call_service(services.plan_create, user=request.user, **data.validated_data)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


def _plan(year: int) -> Plan:
    return get_object_or_404(Plan.objects.prefetch_related("decompositions"), year=year)


class PlanDetail(APIView):
    @extend_schema(responses=PlanSerializer)
    def get(self, request: Request, year: int) -> Response:
        return Response(PlanSerializer(_plan(year)).data)


class DecomposeSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["last_year", "potential", "manual"])
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=20, decimal_places=6, min_value=0),
        required=False,
    )
    amounts = serializers.DictField(
        child=serializers.DictField(child=serializers.DecimalField(**MONEY)),
        required=False,
        help_text='{"revenue": {COUNTY: yuan}, LINE: {COUNTY: households}}',
    )
    reason = serializers.CharField(required=False, allow_blank=True)
    revenue_target = serializers.DecimalField(**MONEY, min_value=0, required=False)
    volume_targets = VolumeTargets(required=False)


class PlanDecompose(APIView):
    """Split the plan over the counties (and re-phase them); a published plan needs a reason."""

    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(request=DecomposeSerializer, responses=CountyTargetSerializer(many=True))
    def post(self, request: Request, year: int) -> Response:
        plan = _plan(year)
        data = DecomposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.plan_decompose, plan=plan, user=request.user, **data.validated_data)
        return Response(_targets_data(selectors.county_targets_for(request.user, plan)))


class PhaseSerializer(serializers.Serializer):
    weights = serializers.ListField(
        child=serializers.DecimalField(max_digits=20, decimal_places=6, min_value=0),
        min_length=12,
        max_length=12,
        required=False,
    )
    profile = serializers.CharField(required=False, help_text="A phasing profile's name.")
    county = serializers.CharField(required=False, help_text="Phase only this county (code).")


class PlanPhase(APIView):
    """Spread annual targets over months by 12 weights or a named profile (default equal)."""

    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(request=PhaseSerializer, responses=CountyTargetSerializer(many=True))
    def post(self, request: Request, year: int) -> Response:
        plan = _plan(year)
        data = PhaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        county = None
        if data.validated_data.get("county"):
            county = County.objects.filter(code=data.validated_data["county"]).first()
            if county is None:
                raise ValidationError({"county": "unknown county"})
        profile = None
        if data.validated_data.get("profile"):
            profile = (
                selectors.phasing_profiles().filter(name=data.validated_data["profile"]).first()
            )
            if profile is None:
                raise ValidationError({"profile": "no phasing profile with that name"})
        call_service(
            services.plan_phase,
            plan=plan,
            weights=data.validated_data.get("weights"),
            profile=profile,
            county=county,
            user=request.user,
        )
        targets = selectors.county_targets_for(request.user, plan, county)
        return Response(_targets_data(targets))


class PlanPublish(APIView):
    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(request=None, responses=PlanSerializer)
    def post(self, request: Request, year: int) -> Response:
        plan = call_service(services.plan_publish, plan=_plan(year), user=request.user)
        return Response(PlanSerializer(_plan(plan.year)).data)


class PlanTargets(generics.ListAPIView):
    """County targets with their 12 months; a county user sees their own county only."""

    serializer_class = CountyTargetSerializer
    queryset = CountyTarget.objects.none()  # for the schema; get() reads through the selector

    @extend_schema(
        parameters=[OpenApiParameter("county", str, description="A county code.")],
    )
    def get(self, request: Request, year: int) -> Response:
        plan = _plan(year)
        county = None
        code = request.query_params.get("county")
        if code:
            county = get_visible_or_404(County.objects.all(), request.user, code=code)
        targets = selectors.county_targets_for(request.user, plan, county)
        page = self.paginate_queryset(targets)
        return self.get_paginated_response(_targets_data(page))


# --------------------------------------------------------------------------- reports


class ChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(source="by.username", default=None)
    action = serializers.CharField()
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()
    reason = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    county = serializers.CharField(source="county.code")
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    revenue = serializers.DecimalField(**MONEY)
    volumes = VolumeTargets(source="volume_map")
    status = serializers.CharField()
    version = serializers.IntegerField()
    late = serializers.BooleanField()
    deadline = serializers.DateField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.CharField(source="submitted_by.username", default=None)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None)
    return_reason = serializers.CharField()
    history = ChangeSerializer(many=True, source="history_rows")


def report_data(user: Any, county: County, year: int, month: int) -> dict[str, Any]:
    report = selectors.report_lookup(user, county, year, month)
    report.volume_map = selectors.report_volumes(report, selectors.active_lines())
    report.deadline = selectors.report_deadline(year, month)
    report.history_rows = list(selectors.report_history(report))
    return ReportSerializer(report).data


class ReportWriteSerializer(serializers.Serializer):
    revenue = serializers.DecimalField(**MONEY, min_value=0)
    volumes = VolumeTargets(required=False)
    version = serializers.IntegerField(
        min_value=0, help_text="The version you read (0 for a report not yet saved)."
    )


def _county(request: Request, county: str) -> County:
    return get_visible_or_404(County.objects.all(), request.user, code=county)


def _period(year: int, month: int) -> None:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("No such month.")


class ReportDetail(APIView):
    """A county's report for a month (an unsaved draft with version 0 if none yet); ``PUT``
    saves the figures — a stale ``version`` answers 409."""

    @extend_schema(responses=ReportSerializer)
    def get(self, request: Request, county: str, year: int, month: int) -> Response:
        _period(year, month)
        return Response(report_data(request.user, _county(request, county), year, month))

    @extend_schema(
        request=ReportWriteSerializer,
        responses={200: ReportSerializer, 409: OpenApiResponse(description="Edit conflict")},
    )
    def put(self, request: Request, county: str, year: int, month: int) -> Response:
        _period(year, month)
        county_obj = _county(request, county)
        data = ReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            call_service(
                services.report_save,
                county=county_obj,
                year=year,
                month=month,
                revenue=data.validated_data["revenue"],
                volumes=data.validated_data.get("volumes", {}),
                version=data.validated_data["version"],
                user=request.user,
            )
        except services.ReportConflict as exc:
            return _conflict(exc)
        return Response(report_data(request.user, county_obj, year, month))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=0)


def _transition_view(action: str, service: Callable[..., MonthlyReport], needs_reason: bool):
    class TransitionView(APIView):
        @extend_schema(
            request=ReasonSerializer,
            responses={200: ReportSerializer, 409: OpenApiResponse(description="Edit conflict")},
            description=f"{action.capitalize()} the report"
            + (" (`reason` required)." if needs_reason else "."),
            operation_id=f"revenue_reports_{action}",
        )
        def post(self, request: Request, county: str, year: int, month: int) -> Response:
            _period(year, month)
            county_obj = _county(request, county)
            data = ReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            report = (
                selectors.reports_for(request.user)
                .filter(county=county_obj, year=year, month=month)
                .first()
            )
            if report is None:
                raise Http404("No report for that month yet.")
            kwargs: dict[str, Any] = {"version": data.validated_data.get("version")}
            if needs_reason:
                kwargs["reason"] = data.validated_data.get("reason", "")
            try:
                call_service(service, report=report, user=request.user, **kwargs)
            except services.ReportConflict as exc:
                return _conflict(exc)
            return Response(report_data(request.user, county_obj, year, month))

    TransitionView.__name__ = f"Report{action.capitalize()}"
    return TransitionView


ReportSubmit = _transition_view("submit", services.report_submit, False)
ReportApprove = _transition_view("approve", services.report_approve, False)
ReportReturn = _transition_view("return", services.report_return, True)
ReportReopen = _transition_view("reopen", services.report_reopen, True)


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
        return selectors.reports_for(self.request.user)


class ImportedSerializer(serializers.Serializer):
    imported = serializers.IntegerField()


class ImportErrorsSerializer(serializers.Serializer):
    errors = RowErrorSerializer(many=True)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ReportImport(APIView):
    """Upload the monthly figures (§9 columns) as CSV or XLSX; all rows or none are written."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=UploadSerializer,
        responses={200: ImportedSerializer, 400: ImportErrorsSerializer},
    )
    def post(self, request: Request) -> Response:
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        job = tabular.submit("monthly_figures", upload, upload.name, request.user, background=False)
        if job.status != job.Status.DONE:
            return Response({"errors": job.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": job.applied})


class ReportTemplate(APIView):
    """The monthly figures workbook: §9 columns, one row per county in your scope, pre-filled
    with the figures already saved for that month."""

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("month", int, required=True),
        ],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            )
        },
    )
    def get(self, request: Request) -> HttpResponse:
        year, month = _year_month(request)
        return monthly_figures_template(request.user, year, month)


# --------------------------------------------------------------------------- progress


class FigureSerializer(serializers.Serializer):
    target = serializers.DecimalField(max_digits=16, decimal_places=2)
    cumulative_actual = serializers.DecimalField(max_digits=16, decimal_places=2)
    completion_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    gap_pp = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    status = serializers.CharField(allow_null=True)
    projected_year_end = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    required_monthly = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class CityProgressSerializer(serializers.Serializer):
    revenue_target = serializers.DecimalField(max_digits=16, decimal_places=2)
    cumulative_actual = serializers.DecimalField(max_digits=16, decimal_places=2)
    submitted_not_approved = serializers.DecimalField(max_digits=16, decimal_places=2)
    completion_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    gap_pp = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    status = serializers.CharField(allow_null=True)
    projected_year_end = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    required_monthly = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class CountyProgressSerializer(CityProgressSerializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)


class LineProgressSerializer(serializers.Serializer):
    line = serializers.CharField()
    name = serializers.CharField()
    volume_target = serializers.IntegerField()
    cumulative_actual = serializers.IntegerField()
    completion_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    gap_pp = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    status = serializers.CharField(allow_null=True)
    projected_year_end = serializers.IntegerField(allow_null=True)
    required_monthly = serializers.DecimalField(max_digits=12, decimal_places=0, allow_null=True)


class StandingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvinceStanding
        fields = ["year", "month", "rank", "cities", "completion_rate", "note"]


class StandingWriteSerializer(serializers.Serializer):
    """Entering a month again corrects it."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    rank = serializers.IntegerField(min_value=1)
    cities = serializers.IntegerField(min_value=1)
    completion_rate = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    time_progress = serializers.DecimalField(max_digits=6, decimal_places=4)
    city = CityProgressSerializer()
    counties = CountyProgressSerializer(many=True)
    lines = LineProgressSerializer(many=True)
    province_standing = StandingSerializer(allow_null=True)


def _figure_dict(figure: selectors.FigureProgress) -> dict[str, Any]:
    return {
        "revenue_target": figure.target,
        "cumulative_actual": figure.cumulative_actual,
        "submitted_not_approved": figure.submitted_pending,
        "completion_rate": figure.completion_rate,
        "gap_pp": figure.gap_pp,
        "status": figure.status,
        "projected_year_end": figure.projected_year_end,
        "required_monthly": figure.required_monthly,
    }


def progress_data(summary: selectors.ProgressSummary) -> dict[str, Any]:
    return {
        "year": summary.year,
        "month": summary.month,
        "time_progress": summary.time_progress,
        "city": _figure_dict(summary.city.revenue),
        "counties": [
            {
                "county": row.county.code,
                "county_name": row.county.name,
                "rank": row.rank,
                **_figure_dict(row.revenue),
            }
            for row in summary.counties
            if row.county is not None
        ],
        "lines": [
            {
                "line": item.line.code,
                "name": item.line.name,
                "volume_target": item.figures.target,
                "cumulative_actual": item.figures.cumulative_actual,
                "completion_rate": item.figures.completion_rate,
                "gap_pp": item.figures.gap_pp,
                "status": item.figures.status,
                "projected_year_end": item.figures.projected_year_end,
                "required_monthly": item.figures.required_monthly,
            }
            for item in summary.lines
        ],
        "province_standing": summary.standing,
    }


class ProgressView(APIView):
    """Completion against time progress through a month (SPEC §3.5), approved reports only.

    ``counties`` holds the counties you may see (ranked among all counties); ``city`` is the
    whole city; ``lines`` are the city's volumes per line, or your county's for a county user.
    Defaults: last month.
    """

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("month", int)],
        responses=ProgressSerializer,
    )
    def get(self, request: Request) -> Response:
        year, month = _year_month(request)
        summary = selectors.progress_summary(request.user, year, month)
        return Response(ProgressSerializer(progress_data(summary)).data)


class StandingList(generics.ListAPIView):
    """The city's province standing per month (SPEC §3.6); city staff enter it."""

    serializer_class = StandingSerializer
    queryset = ProvinceStanding.objects.all()
    filterset_fields = ["year"]

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles_required(*CITY_ROLES)()]
        return [IsAuthenticated()]

    @extend_schema(request=StandingWriteSerializer, responses={201: StandingSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = StandingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        standing = call_service(
            services.province_standing_save, user=request.user, **data.validated_data
        )
        return Response(StandingSerializer(standing).data, status=status.HTTP_201_CREATED)
