"""The closed loop and recycling API (docs/api.md#materials): ``GET materials/loop/``,
``GET materials/recycling/``, and the explain (county staff) and accept (city staff) actions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketing_ops.access import check_county, get_visible_or_404
from marketing_ops.api import BusinessDateField, MoneyField, query_params, signed_in_user
from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month, business_window
from materials.models import Deposit, LoopExplanation
from materials.selectors import loop as reads
from materials.services import loop as writes

#: A loop row's status (``LoopRow.status``).
LOOP_STATUSES = ["balanced", "open", "explained", "accepted"]


class MonthField(serializers.CharField):
    """A month as ``YYYY-MM`` in the business window."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "YYYY-MM; default this month.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Month:  # type: ignore[override]
        try:
            return business_window().check_month(Month.parse(super().to_internal_value(data)))
        except ValueError as exc:
            raise ValidationError(str(exc))


def this_month() -> Month:
    return Month.of(timezone.localdate())


class LoopQuery(serializers.Serializer):
    month = MonthField(required=False)
    county = serializers.SlugRelatedField(
        slug_field="code",
        queryset=County.objects.all(),
        required=False,
        help_text="A county code; a county user reads their own county only.",
    )
    all = serializers.BooleanField(
        required=False, default=False, help_text="1: every row, not only those with a gap."
    )


class RecyclingQuery(serializers.Serializer):
    month = MonthField(required=False)


class LoopRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    date = serializers.DateField()
    line = serializers.CharField()
    installs_reported = serializers.IntegerField()
    terminals_issued = serializers.IntegerField()
    install_gap = serializers.IntegerField()
    dismantles_reported = serializers.IntegerField()
    terminals_returned = serializers.IntegerField()
    return_gap = serializers.IntegerField()
    explanation = serializers.CharField(allow_null=True)
    accepted = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=LOOP_STATUSES,
        help_text="balanced, open (not explained), explained or accepted",
    )


class RecyclingRowSerializer(serializers.Serializer):
    county = serializers.CharField()
    installs = serializers.IntegerField()
    with_recycled = serializers.IntegerField()
    recycling_rate = serializers.DecimalField(
        max_digits=6,
        decimal_places=4,
        allow_null=True,
        help_text="with_recycled ÷ installs; null without installs",
    )


class LoopKeySerializer(serializers.Serializer):
    county = serializers.SlugRelatedField(slug_field="code", queryset=County.objects.all())
    date = BusinessDateField()
    line = serializers.SlugRelatedField(slug_field="code", queryset=BusinessLine.objects.all())


class LoopExplainSerializer(LoopKeySerializer):
    explanation = serializers.CharField(max_length=2000)


class LoopView(APIView):
    """The month's closed loop per county × day × line that uses a terminal: rows with a gap,
    or every row with ``all=1``. ``month`` defaults to this month."""

    @extend_schema(parameters=[LoopQuery], responses=LoopRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        query = query_params(request, LoopQuery)
        county = query.get("county")
        if county is not None:
            check_county(request.user, county)
        rows = reads.loop_rows(
            request.user,
            query.get("month") or this_month(),
            county=county,
            gaps_only=not query.get("all"),
        )
        return Response(LoopRowSerializer(rows, many=True).data)


class RecyclingView(APIView):
    """Per county, the month's installs with a terminal, those with a recycled one, and the
    recycling rate. ``month`` defaults to this month."""

    @extend_schema(parameters=[RecyclingQuery], responses=RecyclingRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        month = query_params(request, RecyclingQuery).get("month") or this_month()
        rows = reads.recycling(request.user, month)
        return Response(RecyclingRowSerializer(rows, many=True).data)


def _row_after(request: Request, data: dict[str, Any]) -> Response:
    row = reads.loop_row(request.user, data["county"], data["date"], data["line"])
    return Response(LoopRowSerializer(row).data)


class LoopExplainView(APIView):
    """County staff explain a day's difference (rewritable until the city accepts it)."""

    @extend_schema(request=LoopExplainSerializer, responses=LoopRowSerializer)
    def post(self, request: Request) -> Response:
        data = LoopExplainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        check_county(request.user, values["county"])
        writes.loop_explain(
            user=signed_in_user(request),
            county=values["county"],
            business_date=values["date"],
            business_line=values["line"],
            explanation=values["explanation"],
        )
        return _row_after(request, values)


class LoopAcceptView(APIView):
    """City staff accept the explanation of a day's difference."""

    @extend_schema(request=LoopKeySerializer, responses=LoopRowSerializer)
    def post(self, request: Request) -> Response:
        data = LoopKeySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        explanation = get_visible_or_404(
            LoopExplanation.objects.all(),
            request.user,
            county=values["county"],
            business_date=values["date"],
            business_line=values["line"],
        )
        writes.loop_accept(user=signed_in_user(request), explanation=explanation)
        return _row_after(request, values)


class DepositQuery(serializers.Serializer):
    month = MonthField(required=False)


class DepositSerializer(serializers.ModelSerializer):
    """An install on a line that requires a deposit, recorded without one, and its follow-up."""

    county = serializers.CharField(source="county.code")
    line = serializers.CharField(source="business_line.code")
    serial = serializers.CharField(source="move.serial")
    business_date = serializers.DateField()
    amount = MoneyField(allow_null=True)
    followed_up_by = serializers.CharField(
        source="followed_up_by.username", allow_null=True, default=None
    )
    followed_up_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Deposit
        fields = [
            "id",
            "county",
            "business_date",
            "account_no",
            "line",
            "serial",
            "amount",
            "note",
            "followed_up_by",
            "followed_up_at",
        ]


class DepositFollowUpSerializer(serializers.Serializer):
    amount = MoneyField(
        required=False,
        allow_null=True,
        default=None,
        help_text="the deposit collected later; null when it was not collected",
    )
    note = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True,
        help_text="why it was not collected (required without an amount)",
    )  # fmt: skip


class DepositList(generics.ListAPIView):
    """The follow-up list: installs on a line requiring a deposit, recorded without one, in
    your scope (``month`` defaults to this month)."""

    serializer_class = DepositSerializer

    @extend_schema(parameters=[DepositQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Deposit]:
        month = query_params(self.request, DepositQuery).get("month") or this_month()
        return (
            reads.deposits_missing(self.request.user, month)
            .select_related("followed_up_by")
            .order_by("business_date", "pk")
        )


class DepositFollowUpView(APIView):
    """Record the deposit collected later, or why it was not (``note``)."""

    @extend_schema(request=DepositFollowUpSerializer, responses=DepositSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = DepositFollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deposit = get_visible_or_404(Deposit.objects.select_related("county"), request.user, pk=pk)
        writes.deposit_follow_up(
            user=signed_in_user(request),
            deposit=deposit,
            amount=data.validated_data["amount"],
            note=data.validated_data["note"],
        )
        record = Deposit.objects.select_related(
            "county", "business_line", "move", "followed_up_by"
        ).get(pk=pk)
        return Response(DepositSerializer(record).data)
