"""Plans and their county targets: create, decompose, phase, publish (docs/rules.md#annual-plan,
#decomposition-to-counties, #phasing)."""

from __future__ import annotations

from typing import Any, cast

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketing_ops.access import CITY_ROLES
from marketing_ops.api import MoneyField, roles_required, signed_in_user
from marketing_ops.models import County
from marketing_ops.money import MONEY
from revenue.api.common import VolumeTargets, visible_county
from revenue.models import CountyTarget, Plan
from revenue.selectors import plans as plan_selectors
from revenue.selectors import targets
from revenue.services import plans


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
    revenue_target = MoneyField()
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
    phasing_profile = serializers.CharField(
        source="target.phasing_profile.name", default=None, allow_null=True
    )
    months = MonthTargetSerializer(many=True)
    quarters = serializers.ListField(child=serializers.DecimalField(**MONEY))


def _targets_data(county_targets: Any) -> list[dict[str, Any]]:
    data = CountyTargetSerializer(targets.target_phasing(county_targets), many=True).data
    # many=True makes a ListSerializer, whose data is a list; the stubs keep the dict type.
    return cast(list[dict[str, Any]], data)


class PlanList(generics.ListAPIView):
    """Plans by year; ``POST`` creates a draft plan (city staff)."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        return plan_selectors.plans().prefetch_related("decompositions")

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles_required(*CITY_ROLES)()]
        return [IsAuthenticated()]

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer})
    def post(self, request: Request) -> Response:
        data = PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plans.plan_create(user=signed_in_user(request), **data.validated_data)
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
        child=serializers.DictField(child=MoneyField(allow_negative=True)),
        required=False,
        help_text='{"revenue": {COUNTY: yuan}, LINE: {COUNTY: households}}',
    )
    reason = serializers.CharField(required=False, allow_blank=True)
    revenue_target = MoneyField(required=False)
    volume_targets = VolumeTargets(required=False)


class PlanDecompose(APIView):
    """Split the plan over the counties (and re-phase them); a published plan needs a reason."""

    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(request=DecomposeSerializer, responses=CountyTargetSerializer(many=True))
    def post(self, request: Request, year: int) -> Response:
        plan = _plan(year)
        data = DecomposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plans.plan_decompose(plan=plan, user=signed_in_user(request), **data.validated_data)
        return Response(_targets_data(targets.county_targets_for(request.user, plan)))


class PhaseSerializer(serializers.Serializer):
    weights = serializers.ListField(
        child=serializers.DecimalField(max_digits=20, decimal_places=6, min_value=0),
        min_length=12,
        max_length=12,
        required=False,
    )
    profile = serializers.CharField(required=False, help_text="A phasing profile's name.")
    county = serializers.CharField(required=False, help_text="Phase only this county (code).")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why the plan is phased again: required once the plan is published.",
    )


class PlanPhase(APIView):
    """Spread annual targets over months by 12 weights or a named profile (default equal).
    Months with an approved report keep their targets; the rest of the annual target is spread
    over the other months. Kept in the plan's phasing history."""

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
                raise ValidationError({"county": gettext("unknown county")})
        profile = None
        if data.validated_data.get("profile"):
            profile = (
                plan_selectors.phasing_profiles()
                .filter(name=data.validated_data["profile"])
                .first()
            )
            if profile is None:
                raise ValidationError({"profile": gettext("no phasing profile with that name")})
        plans.plan_phase(
            plan=plan,
            weights=data.validated_data.get("weights"),
            profile=profile,
            county=county,
            reason=data.validated_data.get("reason", ""),
            user=signed_in_user(request),
        )
        return Response(_targets_data(targets.county_targets_for(request.user, plan, county)))


class PlanPublish(APIView):
    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(request=None, responses=PlanSerializer)
    def post(self, request: Request, year: int) -> Response:
        plan = plans.plan_publish(plan=_plan(year), user=signed_in_user(request))
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
            county = visible_county(request, code)
        page = self.paginate_queryset(targets.county_targets_for(request.user, plan, county))
        return self.get_paginated_response(_targets_data(page))
