"""API v1 of the arrears app (docs/api.md): imports, recovery, ageing, transfers and limits.

Thin views: parse the query, call a selector or service, serialize. Every read is scoped to the
user's counties by the selectors (``visible_to``); money and rates are decimal strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
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
from marketing_ops import tabular
from marketing_ops.access import CITY_ROLES
from marketing_ops.api import CountField, MoneyField, query_params, roles_required, signed_in_user
from marketing_ops.models import County, ImportJob
from marketing_ops.money import MONEY
from marketing_ops.openapi import RowErrorSerializer
from marketing_ops.periods import FIRST_YEAR, LAST_YEAR, Month, business_window, parse_date
from marketing_ops.services import import_submit

IMPORT_KINDS = ("accounts", "bills")


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, **kwargs)


def _rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True, **kwargs)


class MonthField(serializers.CharField):
    """A month as ``YYYY-MM``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "YYYY-MM")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Month:  # type: ignore[override]
        try:
            return business_window().check_month(Month.parse(super().to_internal_value(data)))
        except ValueError as exc:
            raise ValidationError(str(exc))


class RecoveryQuery(serializers.Serializer):
    month = MonthField(required=False, help_text=_("YYYY-MM; default the latest month fallen due."))


class AgeingQuery(serializers.Serializer):
    as_of = serializers.CharField(required=False, help_text=_("YYYY-MM-DD; default today."))

    def validate_as_of(self, text: str) -> dt.date:
        try:
            return business_window().check(parse_date(text))
        except ValueError as exc:
            raise ValidationError(str(exc))


class YearQuery(serializers.Serializer):
    year = CountField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False, help_text=_("Default this year.")
    )


class TransferQuery(serializers.Serializer):
    year = CountField(min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)
    county = serializers.CharField(required=False, help_text=_("A county code."))


# --------------------------------------------------------------------------- imports


class ArrearsImportSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="dataset")
    # A declared field, taken off the class by DRF: it does not hide ``Serializer.errors``.
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]
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
        responses={202: ArrearsImportSerializer},
    )
    def post(self, request: Request) -> Response:
        upload = ArrearsImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        job = import_submit(
            dataset=upload.validated_data["kind"],
            fileobj=file,
            file_name=file.name,
            user=signed_in_user(request),
            background=True,
        )
        data = ArrearsImportSerializer(job).data
        if job.status == ImportJob.Status.FAILED:
            return Response(data, status=status.HTTP_400_BAD_REQUEST)
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ArrearsImportDetail(generics.RetrieveAPIView):
    """One accounts or bills import in your scope: status, rows read so far, errors."""

    serializer_class = ArrearsImportSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tabular.import_jobs_fail_stale()  # an import whose worker was lost reads failed
        return super().get(request, *args, **kwargs)

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

    @extend_schema(parameters=[RecoveryQuery], responses=RecoverySerializer)
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        query = query_params(request, RecoveryQuery)
        month = query.get("month") or calc.latest_due_month(today)
        return Response(RecoverySerializer(indicators.recovery(request.user, month)).data)


# --------------------------------------------------------------------------- ageing


def _ageing_fields() -> dict[str, serializers.Field]:
    buckets: dict[str, serializers.Field] = {
        key: _money(source=f"buckets.{key}") for key in calc.BUCKET_KEYS
    }
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

    @extend_schema(parameters=[AgeingQuery], responses=AgeingSerializer)
    def get(self, request: Request) -> Response:
        as_of = query_params(request, AgeingQuery).get("as_of") or timezone.localdate()
        return Response(AgeingSerializer(indicators.ageing(request.user, as_of)).data)


# --------------------------------------------------------------------------- transfers


class TransferSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", queryset=County.objects.all())
    month = serializers.CharField(help_text="YYYY-MM")
    amount = MoneyField()
    accounts = CountField(min_value=1)
    approver = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("Username of the approver; default you."),
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )
    confirm_over_limit = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_(
            "Record the transfer although it takes its month over the city's or the "
            "county's limit; without it such a transfer is refused with 400 naming the excess."
        ),
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
            return business_window().check_month(Month.parse(value))
        except ValueError as exc:
            raise ValidationError(str(exc))

    def validate_approver(self, value: str) -> Any:
        if not value:
            return None
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise ValidationError(gettext_now("unknown user %(name)r") % {"name": value})
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
        if self.request.method != "GET":
            return transfers
        query = query_params(self.request, TransferQuery)
        if "year" in query:
            transfers = transfers.filter(month__year=query["year"])
        if query.get("county"):
            transfers = transfers.filter(county__code=query["county"])
        return transfers

    @extend_schema(parameters=[TransferQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    # serializer_class is TransferSerializer: DRF hands this view no other serializer.
    def perform_create(self, serializer: TransferSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        user = signed_in_user(self.request)
        serializer.instance = transfer_create(
            county=data["county"],
            month=data["month"],
            amount=data["amount"],
            accounts=data["accounts"],
            approver=data.get("approver") or user,
            note=data.get("note", ""),
            created_by=user,
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

    @extend_schema(parameters=[YearQuery], responses=TransferMonthSerializer(many=True))
    def get(self, request: Request) -> Response:
        year = query_params(request, YearQuery).get("year") or timezone.localdate().year
        rows = indicators.transfers_summary(request.user, year)
        return Response(TransferMonthSerializer(rows, many=True).data)


class TransferLimitSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    county = serializers.SlugRelatedField(
        slug_field="code", queryset=County.objects.all(), allow_null=True, required=False
    )
    amount = MoneyField()


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
            month = business_window().check_month(Month.parse(data["month"]))
        except ValueError as exc:
            raise ValidationError({"month": [str(exc)]})
        limit = limit_set(
            month=month,
            county=data.get("county"),
            amount=data["amount"],
            set_by=signed_in_user(request),
        )
        answer = {"month": str(month), "county": limit.county, "amount": limit.amount}
        return Response(TransferLimitSerializer(answer).data)
