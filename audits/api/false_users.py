"""False-user API (docs/api.md#false-users), under /api/v1/audits/false-users/: the list with
its filters and the report by hand, one case with its history, its steps (confirm, clear,
remove) and the city's run of the rule. Views call a service and let its ValidationError
(400) and PermissionDenied (403) through the core handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.models import FalseUserCase, FalseUserEvent
from audits.selectors import false_users as reads
from audits.services import false_users as writes
from marketing_ops.access import CITY_ROLES, get_visible_or_404
from marketing_ops.api import BusinessDateField, query_params, roles_required, signed_in_user
from marketing_ops.periods import Month, business_window


class FalseUserSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code")
    account_no = serializers.CharField(source="account.account_no")
    customer_name = serializers.CharField(source="account.customer_name")
    reported_by = serializers.CharField(
        source="reported_by.username", default=None, allow_null=True
    )
    removed_on = serializers.DateField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = FalseUserCase
        fields = [
            "id",
            "county",
            "account_no",
            "customer_name",
            "source",
            "status",
            "reason",
            "notes",
            "reported_by",
            "reported_at",
            "confirmed_at",
            "closed_at",
            "removed_on",
        ]


class FalseUserEventSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None, allow_null=True)

    class Meta:
        model = FalseUserEvent
        fields = ["action", "user", "at", "note", "status_after"]


class FalseUserDetailSerializer(FalseUserSerializer):
    history = FalseUserEventSerializer(source="events", many=True)

    class Meta(FalseUserSerializer.Meta):
        fields = [*FalseUserSerializer.Meta.fields, "history"]


class FalseUserQuery(serializers.Serializer):
    county = serializers.CharField(required=False, help_text="County code, e.g. C01.")
    status = serializers.ChoiceField(choices=FalseUserCase.Status.choices, required=False)
    # A query parameter named "source", as the filter is called; not the Field's attribute.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=FalseUserCase.Source.choices, required=False
    )
    month = serializers.CharField(required=False, help_text="YYYY-MM: reported in that month.")

    def validate_month(self, text: str) -> Month:
        try:
            return business_window().check_month(Month.parse(text))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc))


class FalseUserReportSerializer(serializers.Serializer):
    account_no = serializers.CharField(max_length=32)
    reason = serializers.CharField()


class FalseUserNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FalseUserReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class FalseUserRemoveSerializer(serializers.Serializer):
    removed_on = BusinessDateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FalseUserList(generics.ListAPIView):
    """False-user cases in your scope, newest first; filters ``county`` (code), ``status``,
    ``source``, ``month`` (reported in, YYYY-MM). ``POST`` reports an account of your scope
    by hand (county staff, auditors, city staff)."""

    serializer_class = FalseUserSerializer

    def get_queryset(self) -> QuerySet[FalseUserCase]:
        cases = reads.case_queryset(self.request.user)
        if self.request.method != "GET":
            return cases
        query = query_params(self.request, FalseUserQuery)
        if query.get("county"):
            cases = cases.filter(county__code=query["county"])
        for field in ("status", "source"):
            if query.get(field):
                cases = cases.filter(**{field: query[field]})
        if month := query.get("month"):
            cases = cases.filter(
                reported_at__date__gte=month.first_day, reported_at__date__lte=month.last_day
            )
        return cases

    @extend_schema(parameters=[FalseUserQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=FalseUserReportSerializer, responses={201: FalseUserDetailSerializer})
    def post(self, request: Request) -> Response:
        data = FalseUserReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = writes.false_user_report(user=signed_in_user(request), **data.validated_data)
        return _case_response(request, case.pk, status.HTTP_201_CREATED)


def _case_response(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    case = get_visible_or_404(
        FalseUserCase.objects.select_related("county", "account", "reported_by").prefetch_related(
            "events__user"
        ),
        request.user,
        pk=pk,
    )
    return Response(FalseUserDetailSerializer(case).data, status=code)


class FalseUserDetail(APIView):
    """One case with its history (who did what, when)."""

    @extend_schema(responses=FalseUserDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _case_response(request, pk)


def _step(
    request: Request,
    pk: int,
    serializer_class: type[serializers.Serializer],
    step: Callable[..., FalseUserCase],
) -> Response:
    case = get_visible_or_404(FalseUserCase.objects.all(), request.user, pk=pk)
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    step(case=case, user=signed_in_user(request), **data.validated_data)
    return _case_response(request, pk)


class FalseUserConfirm(APIView):
    """A suspected case is confirmed (auditors, city staff), with an optional ``note``."""

    @extend_schema(request=FalseUserNoteSerializer, responses=FalseUserDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _step(request, pk, FalseUserNoteSerializer, writes.false_user_confirm)


class FalseUserClear(APIView):
    """An open case is cleared with a ``reason`` (auditors, city staff)."""

    @extend_schema(request=FalseUserReasonSerializer, responses=FalseUserDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _step(request, pk, FalseUserReasonSerializer, writes.false_user_clear)


class FalseUserRemove(APIView):
    """A confirmed case is removed: the account is dismantled on ``removed_on`` (default
    today), reason "false user" (auditors, city staff)."""

    @extend_schema(request=FalseUserRemoveSerializer, responses=FalseUserDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _step(request, pk, FalseUserRemoveSerializer, writes.false_user_remove)


class FalseUsersFind(APIView):
    """Run the false-user rule now (city staff), as the monthly task does; idempotent."""

    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("FalseUsersFound", {"created": serializers.IntegerField()})
        },
    )
    def post(self, request: Request) -> Response:
        return Response({"created": writes.false_users_find()})
