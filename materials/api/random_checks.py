"""Random checks API (extra paths, docs/api.md#materials): the month's summary per county, a
check with its sampled serials, drawing a county's check and recording a result."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketing_ops.access import check_county, get_visible_or_404
from marketing_ops.api import query_params, signed_in_user
from marketing_ops.models import County
from materials.api.loop import MonthField, this_month
from materials.models import RandomCheck, RandomCheckLine
from materials.selectors import random_checks as reads
from materials.services import random_checks as writes


class MonthQuery(serializers.Serializer):
    month = MonthField(required=False)


class SummarySerializer(serializers.Serializer):
    county = serializers.CharField()
    check_id = serializers.IntegerField(allow_null=True)
    sampled = serializers.IntegerField()
    checked = serializers.IntegerField()
    found = serializers.IntegerField()
    not_found = serializers.IntegerField()
    wrong_place = serializers.IntegerField()
    on_site = serializers.IntegerField()
    remote = serializers.IntegerField()
    found_rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class LineSerializer(serializers.ModelSerializer):
    checked_by = serializers.CharField(source="checked_by.username", allow_null=True)

    class Meta:
        model = RandomCheckLine
        fields = [
            "id",
            "serial",
            "expected_place",
            "result",
            "mode",
            "note",
            "checked_by",
            "checked_at",
        ]


class CheckSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code")
    lines = LineSerializer(many=True)

    class Meta:
        model = RandomCheck
        fields = ["id", "county", "month", "lines"]


class DrawSerializer(serializers.Serializer):
    county = serializers.SlugRelatedField(slug_field="code", queryset=County.objects.all())
    month = MonthField(required=False)


class RecordSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=RandomCheckLine.Result.choices)
    mode = serializers.ChoiceField(choices=RandomCheckLine.Mode.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class SummaryView(APIView):
    """Per county, the month's random check summed (``check_id`` null: not drawn yet)."""

    @extend_schema(parameters=[MonthQuery], responses=SummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        month = query_params(request, MonthQuery).get("month") or this_month()
        return Response(SummarySerializer(reads.summary(request.user, month), many=True).data)


class CheckDetail(APIView):
    @extend_schema(responses=CheckSerializer)
    def get(self, request: Request, pk: int) -> Response:
        check = get_visible_or_404(
            RandomCheck.objects.select_related("county"), request.user, pk=pk
        )
        return Response(CheckSerializer(check).data)


class DrawView(APIView):
    """Draw a county's check of a month (default this month); drawing again returns it."""

    @extend_schema(request=DrawSerializer, responses={201: CheckSerializer})
    def post(self, request: Request) -> Response:
        data = DrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        county = data.validated_data["county"]
        check_county(request.user, county)
        check = writes.random_check_draw(
            user=signed_in_user(request),
            county=county,
            month=data.validated_data.get("month") or this_month(),
        )
        return Response(CheckSerializer(check).data, status=status.HTTP_201_CREATED)


class RecordView(APIView):
    """Record what was found for one sampled serial."""

    @extend_schema(request=RecordSerializer, responses=LineSerializer)
    def post(self, request: Request, pk: int) -> Response:
        line = get_visible_or_404(
            RandomCheckLine.objects.select_related("random_check"), request.user, pk=pk
        )
        data = RecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = writes.random_check_record(
            user=signed_in_user(request), line=line, **data.validated_data
        )
        return Response(LineSerializer(line).data)
