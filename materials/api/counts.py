"""Stock counts API (extra paths, docs/api.md#materials): list and start counts, read one with
its differences, enter what was counted, approve."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketing_ops.access import get_visible_or_404
from marketing_ops.api import CountField, signed_in_user
from marketing_ops.openapi import FieldErrorsSerializer
from materials.models import Item, StockCount, Warehouse
from materials.selectors import counts as reads
from materials.services import counts as writes


class CountSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    started_by = serializers.CharField(source="started_by.username")
    approved_by = serializers.CharField(source="approved_by.username", allow_null=True)

    class Meta:
        model = StockCount
        fields = [
            "id",
            "warehouse",
            "status",
            "note",
            "started_by",
            "started_at",
            "approved_by",
            "approved_at",
        ]


class QuantitySerializer(serializers.Serializer):
    sku = serializers.CharField()
    expected = serializers.IntegerField()
    counted = serializers.IntegerField(allow_null=True)
    difference = serializers.IntegerField(allow_null=True)


class SerialDifferenceSerializer(serializers.Serializer):
    sku = serializers.CharField()
    serial = serializers.CharField()


class CountDetailSerializer(CountSerializer):
    quantities = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()
    unexpected = serializers.SerializerMethodField()

    class Meta(CountSerializer.Meta):
        fields = [*CountSerializer.Meta.fields, "quantities", "missing", "unexpected"]

    def _differences(self, count: StockCount) -> reads.CountDifferences:
        if not hasattr(self, "_cached"):
            self._cached = reads.count_differences(count)
        return self._cached

    @extend_schema_field(QuantitySerializer(many=True))
    def get_quantities(self, count: StockCount) -> Any:
        d = self._differences(count)
        return QuantitySerializer([*d.lines, *d.serialized], many=True).data

    @extend_schema_field(SerialDifferenceSerializer(many=True))
    def get_missing(self, count: StockCount) -> Any:
        return SerialDifferenceSerializer(self._differences(count).missing, many=True).data

    @extend_schema_field(SerialDifferenceSerializer(many=True))
    def get_unexpected(self, count: StockCount) -> Any:
        return SerialDifferenceSerializer(self._differences(count).unexpected, many=True).data


class CountStartSerializer(serializers.Serializer):
    warehouse = serializers.SlugRelatedField(slug_field="code", queryset=Warehouse.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class CountedQuantitySerializer(serializers.Serializer):
    sku = serializers.SlugRelatedField(slug_field="sku", queryset=Item.objects.all())
    counted_quantity = CountField()


class FoundSerialSerializer(serializers.Serializer):
    sku = serializers.SlugRelatedField(slug_field="sku", queryset=Item.objects.all())
    serial = serializers.CharField(max_length=64)


class CountEnterSerializer(serializers.Serializer):
    quantities = CountedQuantitySerializer(many=True, required=False, default=list)
    serials = FoundSerialSerializer(many=True, required=False, default=list)


class CountList(generics.ListCreateAPIView):
    """Stock counts in your scope; ``POST {warehouse, note?}`` starts one (the warehouse's stock
    is frozen as expected)."""

    serializer_class = CountSerializer

    def get_queryset(self) -> QuerySet[StockCount]:
        return reads.count_queryset(self.request.user)

    @extend_schema(request=CountStartSerializer, responses={201: CountDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CountStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        warehouse = get_visible_or_404(
            Warehouse.objects.all(), request.user, pk=data.validated_data["warehouse"].pk
        )
        count = writes.count_start(
            user=signed_in_user(request), warehouse=warehouse, note=data.validated_data["note"]
        )
        return Response(CountDetailSerializer(count).data, status=status.HTTP_201_CREATED)


class CountDetail(generics.RetrieveAPIView):
    """A count with its differences: quantities (items without serials, and serialized items'
    expected against found), serials missing and serials not expected."""

    serializer_class = CountDetailSerializer

    def get_queryset(self) -> QuerySet[StockCount]:
        return reads.count_queryset(self.request.user)


class CountEnter(APIView):
    """Record counted quantities and serials found for an open count."""

    @extend_schema(request=CountEnterSerializer, responses=CountDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        count = get_visible_or_404(StockCount.objects.all(), request.user, pk=pk)
        data = CountEnterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        writes.count_enter(
            user=signed_in_user(request),
            count=count,
            quantities={row["sku"]: row["counted_quantity"] for row in values["quantities"]},
            serials=[(row["sku"], row["serial"]) for row in values["serials"]],
        )
        return Response(CountDetailSerializer(count).data)


class CountApprove(APIView):
    """City staff approve the count: each difference becomes an adjustment move."""

    @extend_schema(
        request=None,
        responses={
            200: CountDetailSerializer,
            400: OpenApiResponse(
                FieldErrorsSerializer, "Approved already, an item not counted, or a refused move."
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        count = get_visible_or_404(StockCount.objects.all(), request.user, pk=pk)
        writes.count_approve(user=signed_in_user(request), count=count)
        count.refresh_from_db()
        return Response(CountDetailSerializer(count).data)
