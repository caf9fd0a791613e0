"""The appraisal API (docs/api.md#appraisal): schemes, indicators, manual values, computing,
scorecards, adjustments and closing, with the paths and fields of the stable contract. Views
call a service and let its ValidationError (400) and PermissionDenied (403) through the core
handler; a closed month is a 409."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from appraisal.models import Adjustment, Direction, Indicator, Scorecard
from appraisal.selectors import schemes as scheme_reads
from appraisal.selectors.scorecards import CardView, scorecard_detail, scorecards
from appraisal.services import computation, months, schemes, values
from appraisal.services.months import MonthClosed
from marketing_ops.access import get_visible_or_404
from marketing_ops.api import ErrorSerializer, query_params, signed_in_user
from marketing_ops.models import County
from marketing_ops.periods import Month

CLOSED = OpenApiResponse(ErrorSerializer, description="The month is closed: nothing changes it.")


def closed(exc: MonthClosed) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise Http404("No such month: write it YYYY-MM.")


def _county(request: Request, code: str) -> County:
    return get_visible_or_404(County.objects.all(), request.user, code=code)


# --------------------------------------------------------------------------- fields

VALUE_PATTERN = r"^-?[0-9]{1,14}(?:\.[0-9]{1,6})?$"
POINTS_PATTERN = r"^-?[0-9]{1,7}(?:\.[0-9]{1,2})?$"


class _StrictDecimal(serializers.DecimalField):
    """A decimal as a JSON number or as plain text (``"0.95"``); an exponent, spaces, ``inf``
    or ``nan`` in text are refused, as the schema's pattern says."""

    pattern: str

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str) and not re.match(self.pattern, data):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": VALUE_PATTERN, "example": "0.9500"}
)
class ValueField(_StrictDecimal):
    """A value, target or floor: up to 14 digits before the point and 6 after."""

    pattern = VALUE_PATTERN

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=20, decimal_places=6, **kwargs)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": POINTS_PATTERN, "example": "20.00"}
)
class PointsField(_StrictDecimal):
    """A weight, cap, score, total or adjustment: points with 2 places."""

    pattern = POINTS_PATTERN

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=9, decimal_places=2, **kwargs)


# --------------------------------------------------------------------------- schemes


class SchemeLineSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    weight = PointsField()
    target = ValueField()
    floor = ValueField()
    cap = PointsField(required=False, allow_null=True, default=None)


class SchemeAnswerLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    weight = PointsField()
    target = ValueField()
    floor = ValueField()
    cap = PointsField()


class SchemeSerializer(serializers.Serializer):
    month = serializers.CharField()
    closed = serializers.BooleanField()
    indicators = SchemeAnswerLineSerializer(many=True)


class SchemePutSerializer(serializers.Serializer):
    indicators = SchemeLineSerializer(many=True)


def _scheme_data(month: Month) -> dict[str, Any]:
    items = scheme_reads.scheme_items(month)
    return {
        "month": str(month),
        "closed": scheme_reads.is_closed(month),
        "indicators": [
            {
                "code": item.indicator.code,
                "name": item.indicator.label,
                "direction": item.indicator.direction,
                "weight": item.weight,
                "target": item.target,
                "floor": item.floor,
                "cap": item.cap,
            }
            for item in items
        ],
    }


class SchemeView(APIView):
    """The month's scheme. PUT replaces it whole: 400 naming the indicator when the weights do
    not sum to 100, a target and floor disagree with the direction or a cap is below 1."""

    @extend_schema(responses={200: SchemeSerializer})
    def get(self, request: Request, month: str) -> Response:
        target = _month(month)
        if scheme_reads.scheme_for(target) is None:
            raise Http404("The month has no scheme.")
        return Response(SchemeSerializer(_scheme_data(target)).data)

    @extend_schema(request=SchemePutSerializer, responses={200: SchemeSerializer, 409: CLOSED})
    def put(self, request: Request, month: str) -> Response:
        target = _month(month)
        data = SchemePutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            schemes.scheme_save(
                month=target,
                lines=schemes.scheme_lines(data.validated_data["indicators"]),
                user=signed_in_user(request),
            )
        except MonthClosed as exc:
            return closed(exc)
        return Response(SchemeSerializer(_scheme_data(target)).data)


# --------------------------------------------------------------------------- indicators


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = Indicator
        fields = ["code", "name", "direction", "unit", "built_in"]


class IndicatorCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=120)
    direction = serializers.ChoiceField(choices=Direction.choices)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class IndicatorList(generics.ListAPIView):
    """Every indicator, built-in and manual. POST adds a manual indicator (city staff)."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.all()

    def get_queryset(self) -> Any:
        return scheme_reads.indicators()

    @extend_schema(request=IndicatorCreateSerializer, responses={201: IndicatorSerializer})
    def post(self, request: Request) -> Response:
        data = IndicatorCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        indicator = values.indicator_create(user=signed_in_user(request), **data.validated_data)
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- manual values


class ValueRowSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=16)
    indicator = serializers.CharField(max_length=40)
    value = ValueField()


class ValuesPutSerializer(serializers.Serializer):
    values = ValueRowSerializer(many=True)


class ValuesSerializer(serializers.Serializer):
    month = serializers.CharField()
    values = ValueRowSerializer(many=True)


def _values_data(request: Request, month: Month) -> dict[str, Any]:
    rows = scheme_reads.manual_values_for(request.user, month)
    return {
        "month": str(month),
        "values": [
            {"county": v.county.code, "indicator": v.indicator.code, "value": v.value} for v in rows
        ],
    }


class ValuesView(APIView):
    """The manual indicators' values of the month: PUT stores the given ones (a value given
    again replaces the last) and answers all of the month's."""

    @extend_schema(request=ValuesPutSerializer, responses={200: ValuesSerializer, 409: CLOSED})
    def put(self, request: Request, month: str) -> Response:
        target = _month(month)
        data = ValuesPutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [values.ValueRow(**row) for row in data.validated_data["values"]]
        try:
            values.manual_values_save(month=target, rows=rows, user=signed_in_user(request))
        except MonthClosed as exc:
            return closed(exc)
        return Response(ValuesSerializer(_values_data(request, target)).data)


# --------------------------------------------------------------------------- scorecards


class ScoreSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="score.indicator.code")
    name = serializers.CharField(source="score.indicator.label")
    direction = serializers.CharField(source="score.indicator.direction")
    value = ValueField(source="score.value", allow_null=True)
    numerator = ValueField(source="score.numerator", allow_null=True)
    denominator = ValueField(source="score.denominator", allow_null=True)
    inputs = serializers.DictField(source="score.inputs")
    weight = PointsField(source="score.weight")
    target = ValueField(source="score.target")
    floor = ValueField(source="score.floor")
    cap = PointsField(source="score.cap")
    ratio = serializers.DecimalField(
        source="score.ratio", max_digits=12, decimal_places=4, allow_null=True
    )
    score = PointsField(source="score.score", allow_null=True)
    adjustment = PointsField()
    formula = serializers.CharField(allow_null=True)


class AdjustmentSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", default=None, allow_null=True)
    amount = PointsField()
    by = serializers.CharField(source="by.username", default=None, allow_null=True)

    class Meta:
        model = Adjustment
        fields = ["indicator", "amount", "reason", "by", "at"]


class ScorecardSerializer(serializers.Serializer):
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    total = PointsField(source="card.total", allow_null=True)
    adjusted_total = PointsField(source="card.adjusted_total", allow_null=True)
    rank = serializers.IntegerField(source="card.rank", allow_null=True)
    left_out = serializers.ListField(child=serializers.CharField(), source="card.left_out")
    #: False for another county's scorecard seen by a county user: totals and ranks only.
    detailed = serializers.BooleanField(source="visible")
    scores = ScoreSerializer(many=True)
    adjustments = AdjustmentSerializer(many=True)


class ScorecardQuery(serializers.Serializer):
    county = serializers.CharField(
        required=False, max_length=16, help_text="A county code: that county's scorecard only."
    )


class ScorecardList(generics.GenericAPIView):
    """The month's scorecards by rank: every county's total and rank; the scores, inputs and
    adjustments of the counties in your scope (a county user: their own)."""

    serializer_class = ScorecardSerializer
    queryset = Scorecard.objects.none()  # for the schema; get() reads through the selector

    @extend_schema(parameters=[ScorecardQuery], responses={200: ScorecardSerializer(many=True)})
    def get(self, request: Request, month: str) -> Response:
        target = _month(month)
        code = query_params(request, ScorecardQuery).get("county")
        rows: list[CardView]
        if code:
            card = scorecard_detail(request.user, target, _county(request, code))
            rows = [card] if card else []
        else:
            rows = scorecards(request.user, target)
        page: Any = self.paginate_queryset(rows)  # type: ignore[arg-type]  # a list pages as well
        return self.get_paginated_response(ScorecardSerializer(page, many=True).data)


class ScoreChangeSerializer(serializers.Serializer):
    county = serializers.CharField()
    indicator = serializers.CharField()
    old = PointsField(allow_null=True)
    new = PointsField(allow_null=True)


class ComputeSerializer(serializers.Serializer):
    month = serializers.CharField()
    computed = serializers.IntegerField()
    changed = ScoreChangeSerializer(many=True)


class ScorecardCompute(APIView):
    """Compute (or recompute) the month's scorecards from its scheme; lists the scores that
    changed. 409 when the month is closed; 400 when it has no scheme."""

    @extend_schema(request=None, responses={200: ComputeSerializer, 409: CLOSED})
    def post(self, request: Request, month: str) -> Response:
        target = _month(month)
        try:
            result = computation.scorecards_compute(
                month=target, now=timezone.now(), user=signed_in_user(request)
            )
        except MonthClosed as exc:
            return closed(exc)
        return Response(
            ComputeSerializer(
                {"month": str(target), "computed": result.computed, "changed": result.changed}
            ).data
        )


class AdjustSerializer(serializers.Serializer):
    amount = PointsField()
    reason = serializers.CharField(max_length=2000)
    indicator = serializers.CharField(max_length=40, required=False, allow_null=True, default=None)


class ScorecardAdjust(APIView):
    """Add an amount to the county's total, or to one score with ``indicator``, with a reason
    (city staff; append-only). Ranks follow the adjusted totals. 409 when the month is closed."""

    @extend_schema(request=AdjustSerializer, responses={200: ScorecardSerializer, 409: CLOSED})
    def post(self, request: Request, month: str, county: str) -> Response:
        target = _month(month)
        found = _county(request, county)
        data = AdjustSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            computation.adjustment_add(
                month=target,
                county=found,
                amount=data.validated_data["amount"],
                reason=data.validated_data["reason"],
                indicator_code=data.validated_data["indicator"] or None,
                user=signed_in_user(request),
                now=timezone.now(),
            )
        except MonthClosed as exc:
            return closed(exc)
        card = scorecard_detail(request.user, target, found)
        return Response(ScorecardSerializer(card).data)


class MonthCloseSerializer(serializers.Serializer):
    month = serializers.CharField()
    closed = serializers.BooleanField()


class ScorecardClose(APIView):
    """Close the month (city staff): nothing recomputes or changes it afterwards."""

    @extend_schema(request=None, responses={200: MonthCloseSerializer})
    def post(self, request: Request, month: str) -> Response:
        target = _month(month)
        months.month_close(month=target, user=signed_in_user(request), now=timezone.now())
        return Response(MonthCloseSerializer({"month": str(target), "closed": True}).data)
