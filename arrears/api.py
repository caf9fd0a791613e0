"""API v1 of the arrears app (docs/api.md): imports, recovery, ageing, transfers and limits.

Thin views: parse the query, call a selector or service, serialize. Every read is scoped to the
user's counties by the selectors (``visible_to``); money and rates are decimal strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arrears import calculations as calc
from arrears.models import Transfer
from arrears.selectors import indicators
from arrears.services.transfers import limit_set, transfer_create
from marketing_ops.access import CITY_ROLES
from marketing_ops.api import RowErrorSerializer, roles_required
from marketing_ops.models import County, ImportJob
from marketing_ops.money import MONEY
from marketing_ops.periods import FIRST_YEAR, LAST_YEAR, Month, parse_date
from marketing_ops.services import import_submit

IMPORT_KINDS = ("accounts", "bills")


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, **kwargs)


def _rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True, **kwargs)


def _month_param(request: Request, default: Month) -> Month:
    text = request.query_params.get("month")
    if not text:
        return default
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise ValidationError({"month": [str(exc)]})


def _date_param(request: Request, name: str, default: dt.date) -> dt.date:
    text = request.query_params.get(name)
    if not text:
        return default
    try:
        day = parse_date(text)
    except ValueError as exc:
        raise ValidationError({name: [str(exc)]})
    if day.year < FIRST_YEAR:
        raise ValidationError({name: [f"expected a date in {FIRST_YEAR} or later, got {text!r}"]})
    return day


def _year_param(request: Request, default: int) -> int:
    text = request.query_params.get("year")
    if not text:
        return default
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ValidationError({"year": [f"expected a year like 2026, got {text!r}"]})
    return int(text)


# --------------------------------------------------------------------------- imports


class ArrearsImportSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="dataset")
    errors = RowErrorSerializer(many=True)
    progress_percent = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "status",
            "rows",
            "rows_total",
            "applied",
            "progress_percent",
            "errors",
            "error_count",
            "file_name",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ArrearsImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IMPORT_KINDS)
    file = serializers.FileField()


class ArrearsImportCreate(APIView):
    """Upload ``accounts`` or ``bills`` (multipart ``kind`` + ``file``); the import runs in the
    background: poll ``arrears/imports/{id}/``. A file refused before it is queued (too large,
    already imported) answers 400 with its errors."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=ArrearsImportUploadSerializer,
        responses={202: ArrearsImportSerializer, 400: ArrearsImportSerializer},
    )
    def post(self, request: Request) -> Response:
        upload = ArrearsImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        job = import_submit(
            dataset=upload.validated_data["kind"],
            fileobj=file,
            file_name=file.name,
            user=request.user,
            background=True,
        )
        data = ArrearsImportSerializer(job).data
        if job.status == ImportJob.Status.FAILED:
            return Response(data, status=status.HTTP_400_BAD_REQUEST)
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ArrearsImportDetail(generics.RetrieveAPIView):
    """One accounts or bills import in your scope: status, rows read so far, errors."""

    serializer_class = ArrearsImportSerializer

    def get_queryset(self):
        return ImportJob.objects.visible_to(self.request.user).filter(dataset__in=IMPORT_KINDS)


# --------------------------------------------------------------------------- recovery


def _recovery_fields() -> dict[str, serializers.Field]:
    return {
        "billed": _money(),
        "collected": _money(),
        "recovery_rate": _rate(),
        "meets_target": serializers.BooleanField(allow_null=True),
    }


RecoveryCitySerializer = type("RecoveryCity", (serializers.Serializer,), _recovery_fields())
RecoveryCountySerializer = type(
    "RecoveryCounty",
    (serializers.Serializer,),
    {"county": serializers.CharField(), "county_name": serializers.CharField()}
    | _recovery_fields(),
)


class RecoverySerializer(serializers.Serializer):
    month = serializers.CharField()
    target = _rate()
    city = RecoveryCitySerializer()
    counties = RecoveryCountySerializer(many=True)


class RecoveryView(APIView):
    """Current-arrears recovery rate of a billing month per county and in total, against the
    year's target. ``month`` defaults to the latest month fallen due, as on the dashboard."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month", str, description="YYYY-MM; default the latest month fallen due"
            )
        ],
        responses=RecoverySerializer,
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        month = _month_param(request, calc.latest_due_month(today))
        return Response(RecoverySerializer(indicators.recovery(request.user, month)).data)


# --------------------------------------------------------------------------- ageing


def _ageing_fields() -> dict[str, serializers.Field]:
    buckets = {key: _money(source=f"buckets.{key}") for key in calc.BUCKET_KEYS}
    return buckets | {"total": _money(), "long_term": _money()}


AgeingCitySerializer = type("AgeingCity", (serializers.Serializer,), _ageing_fields())
AgeingCountySerializer = type(
    "AgeingCounty",
    (serializers.Serializer,),
    {"county": serializers.CharField(), "county_name": serializers.CharField()} | _ageing_fields(),
)


class AgeingSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    long_term_days = serializers.IntegerField()
    city = AgeingCitySerializer()
    counties = AgeingCountySerializer(many=True)


class AgeingView(APIView):
    """Outstanding by days past due as of a date (default today); the buckets sum to
    ``total``; ``long_term`` is what is more than ARREARS_LONG_TERM_DAYS past due."""

    @extend_schema(
        parameters=[OpenApiParameter("as_of", dt.date, description="YYYY-MM-DD")],
        responses=AgeingSerializer,
    )
    def get(self, request: Request) -> Response:
        as_of = _date_param(request, "as_of", timezone.localdate())
        return Response(AgeingSerializer(indicators.ageing(request.user, as_of)).data)


# --------------------------------------------------------------------------- transfers


class TransferSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", queryset=County.objects.all())
    month = serializers.CharField(help_text="YYYY-MM")
    amount = _money(min_value=0)
    accounts = serializers.IntegerField(min_value=1)
    approver = serializers.CharField(
        required=False, allow_blank=True, help_text="Username of the approver; default you."
    )
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)
    confirm_over_limit = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="Record the transfer although it takes its month over the city's or the "
        "county's limit; without it such a transfer is refused with 400 naming the excess.",
    )

    class Meta:
        model = Transfer
        fields = [
            "id",
            "county",
            "month",
            "amount",
            "accounts",
            "approver",
            "note",
            "created_by",
            "created_at",
            "confirm_over_limit",
        ]
        read_only_fields = ["id", "created_by", "created_at"]

    def to_representation(self, instance: Transfer) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["month"] = str(Month.of(instance.month))
        data["approver"] = instance.approver.get_username() if instance.approver else None
        return data

    def validate_month(self, value: str) -> Month:
        try:
            return Month.parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc))

    def validate_approver(self, value: str) -> Any:
        if not value:
            return None
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise ValidationError(f"unknown user {value!r}")
        return user


class TransferList(generics.ListCreateAPIView):
    """Transfers of long-term arrears to bad debt in your scope (``?year=``, ``?county=``);
    ``POST`` records one (city staff only)."""

    serializer_class = TransferSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles_required(*CITY_ROLES)()]
        return super().get_permissions()

    def get_queryset(self):
        transfers = Transfer.objects.visible_to(self.request.user).select_related(
            "county", "approver", "created_by"
        )
        year = self.request.query_params.get("year")
        if year:
            transfers = transfers.filter(month__year=_year_param(self.request, 0))
        county = self.request.query_params.get("county")
        if county:
            transfers = transfers.filter(county__code=county)
        return transfers

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("county", str, description="county code"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def perform_create(self, serializer: TransferSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = transfer_create(
            county=data["county"],
            month=data["month"],
            amount=data["amount"],
            accounts=data["accounts"],
            approver=data.get("approver") or self.request.user,
            note=data.get("note", ""),
            created_by=self.request.user,
            confirm_over_limit=data.get("confirm_over_limit", False),
        )


class TransferMonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    amount = _money()
    accounts = serializers.IntegerField()
    limit = _money(allow_null=True)
    over_limit = serializers.BooleanField()


class TransferSummaryView(APIView):
    """Transfers of each month of ``year`` against the limit, flagged when over it: the city's
    total against the provincial limit, or for a county user their county's sub-limit."""

    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses=TransferMonthSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        year = _year_param(request, timezone.localdate().year)
        rows = indicators.transfers_summary(request.user, year)
        return Response(TransferMonthSerializer(rows, many=True).data)


class TransferLimitSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    county = serializers.SlugRelatedField(
        slug_field="code", queryset=County.objects.all(), allow_null=True, required=False
    )
    amount = _money(min_value=0)


class TransferLimitView(APIView):
    """``POST {month, county?, amount}`` sets the provincial limit of a month for the city
    (no county) or a county sub-limit (city staff only)."""

    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(request=TransferLimitSerializer, responses={200: TransferLimitSerializer})
    def post(self, request: Request) -> Response:
        payload = TransferLimitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            month = Month.parse(data["month"])
        except ValueError as exc:
            raise ValidationError({"month": [str(exc)]})
        limit = limit_set(
            month=month, county=data.get("county"), amount=data["amount"], set_by=request.user
        )
        answer = {"month": str(month), "county": limit.county, "amount": limit.amount}
        return Response(TransferLimitSerializer(answer).data)
