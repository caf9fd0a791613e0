"""On-site verification API (docs/api.md#on-site-verifications), under /api/v1/audits/onsite/:
the list and recording one, one verification with its follow-ups (read, edit), adding a
follow-up and marking one done."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.models import FollowUp, OnSiteVerification
from audits.selectors import onsite as reads
from audits.services import onsite as writes
from marketing_ops.access import get_visible_or_404, visible_counties
from marketing_ops.api import BusinessDateField, query_params, signed_in_user
from marketing_ops.periods import Month, business_window


class OnSiteFollowUpSerializer(serializers.ModelSerializer):
    verification = serializers.IntegerField(source="verification_id")
    owner = serializers.CharField(source="owner.username")
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.CharField(source="done_by.username", default=None, allow_null=True)
    past_due = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "verification",
            "description",
            "owner",
            "due_on",
            "done",
            "done_at",
            "done_by",
            "past_due",
        ]

    def get_past_due(self, follow_up: FollowUp) -> bool:
        return follow_up.is_past_due(timezone.localdate())


class OnSiteSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code")
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = OnSiteVerification
        fields = ["id", "county", "date", "scope", "participants", "result", "created_by"]


class OnSiteDetailSerializer(OnSiteSerializer):
    follow_ups = OnSiteFollowUpSerializer(many=True)

    class Meta(OnSiteSerializer.Meta):
        fields = [*OnSiteSerializer.Meta.fields, "follow_ups"]


class OnSiteQuery(serializers.Serializer):
    county = serializers.CharField(required=False, help_text="County code, e.g. C01.")
    month = serializers.CharField(required=False, help_text="YYYY-MM: verifications that month.")

    def validate_month(self, text: str) -> Month:
        try:
            return business_window().check_month(Month.parse(text))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc))


class OnSiteWriteSerializer(serializers.Serializer):
    date = BusinessDateField()
    scope = serializers.CharField()
    participants = serializers.CharField()
    result = serializers.CharField(required=False, allow_blank=True, default="")


class OnSiteCreateSerializer(OnSiteWriteSerializer):
    county = serializers.CharField(help_text="County code, e.g. C01.")


class OnSiteFollowUpCreateSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.CharField(help_text="Username of a user of the verification's county.")
    due_on = BusinessDateField()


class OnSiteList(generics.ListAPIView):
    """On-site verifications in your scope, newest first; filters ``county`` (code) and
    ``month`` (YYYY-MM). ``POST`` records one (auditors, city staff)."""

    serializer_class = OnSiteSerializer

    def get_queryset(self) -> QuerySet[OnSiteVerification]:
        verifications = OnSiteVerification.objects.visible_to(self.request.user).select_related(
            "county", "created_by"
        )
        if self.request.method != "GET":
            return verifications
        query = query_params(self.request, OnSiteQuery)
        if query.get("county"):
            verifications = verifications.filter(county__code=query["county"])
        if month := query.get("month"):
            verifications = verifications.filter(
                date__gte=month.first_day, date__lte=month.last_day
            )
        return verifications

    @extend_schema(parameters=[OnSiteQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=OnSiteCreateSerializer, responses={201: OnSiteDetailSerializer})
    def post(self, request: Request) -> Response:
        if not reads.may_record(request.user):
            raise PermissionDenied(writes.RECORDERS)
        data = OnSiteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        code = fields.pop("county")
        county = visible_counties(request.user).filter(code=code).first()
        if county is None:
            raise serializers.ValidationError(
                {"county": [_("No county %(code)s in your scope.") % {"code": code}]}
            )
        verification = writes.onsite_create(user=signed_in_user(request), county=county, **fields)
        return _detail_response(request, verification.pk, status.HTTP_201_CREATED)


def _detail_response(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    verification = get_visible_or_404(
        OnSiteVerification.objects.select_related("county", "created_by").prefetch_related(
            "follow_ups__owner", "follow_ups__done_by"
        ),
        request.user,
        pk=pk,
    )
    return Response(OnSiteDetailSerializer(verification).data, status=code)


class OnSiteDetail(APIView):
    """One verification with its follow-ups; ``PUT`` edits its date, scope, participants and
    result (its county stays)."""

    @extend_schema(responses=OnSiteDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _detail_response(request, pk)

    @extend_schema(request=OnSiteWriteSerializer, responses=OnSiteDetailSerializer)
    def put(self, request: Request, pk: int) -> Response:
        verification = get_visible_or_404(OnSiteVerification.objects.all(), request.user, pk=pk)
        data = OnSiteWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        writes.onsite_update(verification=verification, user=request.user, **data.validated_data)
        return _detail_response(request, pk)


class FollowUpCreate(APIView):
    """Add a follow-up to the verification (auditors, city staff)."""

    @extend_schema(
        request=OnSiteFollowUpCreateSerializer, responses={201: OnSiteFollowUpSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        verification = get_visible_or_404(
            OnSiteVerification.objects.select_related("county"), request.user, pk=pk
        )
        data = OnSiteFollowUpCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = writes.follow_up_add(
            verification=verification, user=request.user, **data.validated_data
        )
        follow_up = FollowUp.objects.select_related("owner", "done_by").get(pk=follow_up.pk)
        return Response(OnSiteFollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class FollowUpDone(APIView):
    """Mark a follow-up done: its owner, county staff of the county, auditors, city staff."""

    @extend_schema(request=None, responses=OnSiteFollowUpSerializer)
    def post(self, request: Request, pk: int) -> Response:
        follow_up = get_visible_or_404(
            FollowUp.objects.select_related("verification"), request.user, pk=pk
        )
        writes.follow_up_done(follow_up=follow_up, user=signed_in_user(request))
        follow_up = FollowUp.objects.select_related("owner", "done_by").get(pk=follow_up.pk)
        return Response(OnSiteFollowUpSerializer(follow_up).data)


class OnSiteFollowUpQuery(serializers.Serializer):
    past_due = serializers.BooleanField(
        required=False, default=False, help_text="true: only those not done after their due date."
    )


class FollowUpList(generics.ListAPIView):
    """Follow-ups in your scope, earliest due first; ``past_due=true`` for those not done
    after their due date."""

    serializer_class = OnSiteFollowUpSerializer

    def get_queryset(self) -> QuerySet[FollowUp]:
        follow_ups = reads.follow_up_queryset(self.request.user).order_by("due_on", "pk")
        if query_params(self.request, OnSiteFollowUpQuery).get("past_due"):
            follow_ups = follow_ups.filter(reads.past_due_q(timezone.localdate()))
        return follow_ups

    @extend_schema(parameters=[OnSiteFollowUpQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
