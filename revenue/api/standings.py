"""The city's province standing per month (docs/rules.md#province-standing); city staff enter it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from marketing_ops.access import CITY_ROLES
from marketing_ops.api import roles_required, signed_in_user
from marketing_ops.bounds import SMALL_INTEGER_MAX
from revenue.models import ProvinceStanding
from revenue.services import plans


class StandingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvinceStanding
        fields = ["year", "month", "rank", "cities", "completion_rate", "note"]


class StandingWriteSerializer(serializers.Serializer):
    """Entering a month again corrects it."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    rank = serializers.IntegerField(min_value=1, max_value=SMALL_INTEGER_MAX)
    cities = serializers.IntegerField(min_value=1, max_value=SMALL_INTEGER_MAX)
    completion_rate = serializers.DecimalField(max_digits=6, decimal_places=4, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StandingList(generics.ListAPIView):
    """The city's province standing per month (docs/rules.md#province-standing); city staff enter
    it."""

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
        standing = plans.province_standing_save(user=signed_in_user(request), **data.validated_data)
        return Response(StandingSerializer(standing).data, status=status.HTTP_201_CREATED)
