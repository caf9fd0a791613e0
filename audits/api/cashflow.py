"""Cash-flow reconciliation API (docs/api.md#cash-flow): one county's month (``GET``/``PUT``
with ``version``, a stale one answers 409), its sign-off, and the month's ranking of the
counties. Views call ``services.cashflow`` and let its ValidationError (400) and
PermissionDenied (403) through the core handler."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.models import CashFlowReconciliation, CashFlowSignOff
from audits.selectors import cashflow as reads
from audits.services import cashflow as writes
from marketing_ops.access import AnyUser, get_visible_or_404
from marketing_ops.api import CountField, MoneyField, query_params, signed_in_user
from marketing_ops.models import County
from marketing_ops.money import MONEY
from marketing_ops.openapi import ConflictSerializer, ErrorSerializer
from marketing_ops.periods import Month, business_window, previous_month

STATUSES = [reads.NOT_ENTERED, *CashFlowReconciliation.Status.values]
#: |difference| ÷ receivable: up to 10^16 (0.01 receivable, the largest amount received).
RELATIVE_DIGITS, RELATIVE_PLACES = 24, 4

EDIT_CONFLICT = OpenApiResponse(
    ConflictSerializer, "The reconciliation changed since you read it: reload it at `version`."
)
SIGN_CONFLICT = OpenApiResponse(ErrorSerializer, "Out of order: names the level that is missing.")
PATH = [
    OpenApiParameter("county", OpenApiTypes.STR, OpenApiParameter.PATH, description="County code"),
    OpenApiParameter(
        "month",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description="The month, YYYY-MM",
        pattern=r"^[0-9]{4}-[0-9]{2}$",
    ),
]


class MonthField(serializers.CharField):
    """A month ``YYYY-MM`` in the business window."""

    def to_internal_value(self, data: Any) -> Month:  # type: ignore[override]
        try:
            return business_window().check_month(Month.parse(super().to_internal_value(data)))
        except ValueError as exc:
            raise ValidationError(str(exc))


class CashFlowSignOffSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    user = serializers.CharField(source="user.username")
    result = serializers.ChoiceField(choices=CashFlowSignOff.Result.choices)
    note = serializers.CharField()
    signed_at = serializers.DateTimeField()
    voided = serializers.BooleanField()
    voided_at = serializers.DateTimeField(allow_null=True)
    voided_by_change = serializers.CharField()
    fingerprint = serializers.CharField()


class CashFlowSerializer(serializers.Serializer):
    """A county's month; a month nobody entered yet reads ``status: not_entered``, version 0
    and null amounts (``PUT`` it with version 0)."""

    county = serializers.CharField()
    county_name = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM")
    receivable = serializers.DecimalField(**MONEY, allow_null=True)
    received = serializers.DecimalField(**MONEY, allow_null=True)
    difference = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="received − receivable"
    )
    relative_difference = serializers.DecimalField(
        max_digits=RELATIVE_DIGITS,
        decimal_places=RELATIVE_PLACES,
        allow_null=True,
        help_text="|difference| ÷ receivable (0.0125 = 1.25 %); null when not entered or when "
        "there is a difference and no receivable.",
    )
    explanation = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=STATUSES)
    required_levels = serializers.ListField(child=serializers.IntegerField())
    signed_levels = serializers.ListField(child=serializers.IntegerField())
    next_level = serializers.IntegerField(allow_null=True)
    entered_by = serializers.CharField(allow_null=True)
    entered_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    signoffs = CashFlowSignOffSerializer(many=True)


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def cashflow_data(user: AnyUser, county: County, month: Month) -> dict[str, Any]:
    shown = reads.detail(user, county, month)
    rec = shown.reconciliation
    return CashFlowSerializer(
        {
            "county": county.code,
            "county_name": county.name,
            "month": str(month),
            "receivable": rec.receivable if rec else None,
            "received": rec.received if rec else None,
            "difference": rec.difference if rec else None,
            "relative_difference": shown.relative,
            "explanation": rec.explanation if rec else "",
            "version": shown.version,
            "status": shown.status,
            "required_levels": [1, 2, 3],
            "signed_levels": shown.signed_levels,
            "next_level": shown.next_level,
            "entered_by": _username(rec.entered_by) if rec else None,
            "entered_at": rec.entered_at if rec else None,
            "updated_by": _username(rec.updated_by) if rec else None,
            "updated_at": rec.updated_at if rec else None,
            "signoffs": shown.signoffs,
        }
    ).data


class CashFlowWriteSerializer(serializers.Serializer):
    receivable = MoneyField()
    received = MoneyField()
    explanation = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Required when received ≠ receivable.",
    )
    version = CountField(help_text="The version you read (0 for a month not entered yet).")


class CashFlowSignSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=CashFlowSignOff.Result.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for a failed sign-off.",
    )


def _conflict(exc: writes.CashFlowConflict) -> Response:
    body: dict[str, Any] = {"detail": str(exc)}
    if exc.version is not None:
        body["version"] = exc.version
    return Response(body, status=status.HTTP_409_CONFLICT)


class CashFlowDetail(APIView):
    """A county's reconciliation of a month; ``PUT`` enters or edits it (county staff, the
    county's level-1 auditor, city staff): a stale ``version`` answers 409, an edit voids the
    sign-offs it made stale."""

    @extend_schema(parameters=PATH, responses=CashFlowSerializer)
    def get(self, request: Request, county: str, month: str) -> Response:
        county_obj, found = reads.county_month(request.user, county, month)
        return Response(cashflow_data(request.user, county_obj, found))

    @extend_schema(
        parameters=PATH,
        request=CashFlowWriteSerializer,
        responses={200: CashFlowSerializer, 409: EDIT_CONFLICT},
    )
    def put(self, request: Request, county: str, month: str) -> Response:
        county_obj, found = reads.county_month(request.user, county, month)
        data = CashFlowWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            writes.cashflow_save(
                user=signed_in_user(request), county=county_obj, month=found, **data.validated_data
            )
        except writes.CashFlowConflict as exc:
            return _conflict(exc)
        return Response(cashflow_data(request.user, county_obj, found))


class CashFlowSign(APIView):
    """Sign at your level (1 the county's auditor, then 2, then 3): 409 naming the level that
    has not signed ``passed`` yet, 403 when you may not sign, 404 for a month not entered."""

    @extend_schema(
        parameters=PATH,
        request=CashFlowSignSerializer,
        responses={200: CashFlowSerializer, 409: SIGN_CONFLICT},
    )
    def post(self, request: Request, county: str, month: str) -> Response:
        county_obj, found = reads.county_month(request.user, county, month)
        rec = get_visible_or_404(
            CashFlowReconciliation.objects.all(),
            request.user,
            county=county_obj,
            month=found.first_day,
        )
        data = CashFlowSignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            writes.cashflow_sign(
                reconciliation=rec, user=signed_in_user(request), **data.validated_data
            )
        except writes.CashFlowConflict as exc:
            return _conflict(exc)
        return Response(cashflow_data(request.user, county_obj, found))


class RankingQuery(serializers.Serializer):
    month = MonthField(required=False, help_text="YYYY-MM; default last month.")


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="Null for a month not entered.")
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    receivable = serializers.DecimalField(
        **MONEY, allow_null=True, source="reconciliation.receivable"
    )
    received = serializers.DecimalField(**MONEY, allow_null=True, source="reconciliation.received")
    difference = serializers.DecimalField(**MONEY, allow_null=True)
    relative_difference = serializers.DecimalField(
        max_digits=RELATIVE_DIGITS,
        decimal_places=RELATIVE_PLACES,
        allow_null=True,
        source="relative",
    )
    explanation = serializers.CharField(
        allow_null=True, source="reconciliation.explanation", default=None
    )
    status = serializers.ChoiceField(choices=STATUSES)
    version = serializers.IntegerField(source="reconciliation.version", default=0)
    signed_levels = serializers.ListField(child=serializers.IntegerField())


class RankingSerializer(serializers.Serializer):
    month = serializers.CharField()
    entered = serializers.IntegerField()
    passed = serializers.IntegerField()
    counties = RankingRowSerializer(many=True, source="rows")


class CashFlowRanking(APIView):
    """The counties in your scope for a month, ranked by |difference| ÷ receivable (largest
    first); counties not entered come last with ``status: not_entered``."""

    @extend_schema(
        parameters=[RankingQuery],
        responses=RankingSerializer,
        operation_id="v1_audits_cashflow_ranking",
    )
    def get(self, request: Request) -> Response:
        month = query_params(request, RankingQuery).get("month")
        month = month or previous_month(timezone.localdate())
        return Response(RankingSerializer(reads.ranking(request.user, month)).data)
