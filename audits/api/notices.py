"""Weekly audit notice API (docs/api.md#audits): ``GET notices/`` and ``notices/{YYYY-Www}/``
as the stable contract has them, the city's remarks (``PATCH``), ``publish/`` and ``draft/``.
A published notice is read-only: changing it answers 409. County users see published notices
only (a draft is not found for them)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.filters import NoticeApiFilter
from audits.models import Cadence, WeeklyNotice
from audits.selectors import notices as reads
from audits.services import notices as writes
from marketing_ops.access import CITY_ROLES
from marketing_ops.api import ErrorSerializer, roles_required, signed_in_user

PUBLISHED = OpenApiResponse(ErrorSerializer, description="The notice is published: read-only")
WEEK = r"[0-9]{4}-W[0-9]{2}"


class ReasonSerializer(serializers.Serializer):
    """A reason with its figures: ``kind``, the audits' ``cadence`` (audit reasons only),
    ``count`` and, for verification items, the ``days`` they were open more than."""

    kind = serializers.ChoiceField(
        choices=[
            reads.AUDITS_OVERDUE,
            reads.AUDITS_FAILED,
            reads.FINDINGS_PAST_DUE,
            reads.ITEMS_OPEN,
        ]
    )
    cadence = serializers.ChoiceField(choices=Cadence.choices, allow_null=True)
    count = serializers.IntegerField()
    days = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()


class CriticismSerializer(serializers.Serializer):
    county = serializers.CharField(help_text="County code")
    name = serializers.CharField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text='Sentences: "2 daily audits overdue"'
    )
    details = ReasonSerializer(many=True)


class NoticeSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="YYYY-Www")
    week_start = serializers.DateField()
    week_end = serializers.DateField()
    status = serializers.ChoiceField(choices=WeeklyNotice.Status.values)
    criticism = CriticismSerializer(many=True)
    commendation = serializers.ListField(child=serializers.CharField(), help_text="County codes")
    commendation_names = serializers.ListField(child=serializers.CharField())
    remarks = serializers.CharField(allow_blank=True)
    drafted_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    published_by = serializers.CharField(allow_null=True)

    def to_representation(self, instance: Any) -> Any:
        if isinstance(instance, WeeklyNotice):
            instance = payload(instance)
        return super().to_representation(instance)


def payload(notice: WeeklyNotice) -> dict[str, Any]:
    return {
        "week": notice.week,
        "week_start": notice.week_start,
        "week_end": notice.week_end,
        "status": notice.status,
        "criticism": [
            {
                "county": row["county"],
                "name": row["name"],
                "reasons": [reads.reason_text(reason) for reason in row["reasons"]],
                "details": [
                    {
                        "kind": reason["kind"],
                        "cadence": reason.get("cadence"),
                        "count": reason["count"],
                        "days": reason.get("days"),
                        "text": reads.reason_text(reason),
                    }
                    for reason in row["reasons"]
                ],
            }
            for row in notice.criticism
        ],
        "commendation": [row["county"] for row in notice.commendation],
        "commendation_names": [row["name"] for row in notice.commendation],
        "remarks": notice.remarks,
        "drafted_at": notice.drafted_at,
        "published_at": notice.published_at,
        "published_by": notice.published_by.get_username() if notice.published_by else None,
    }


class RemarksSerializer(serializers.Serializer):
    remarks = serializers.CharField(allow_blank=True, max_length=5000)


class PublishSerializer(serializers.Serializer):
    remarks = serializers.CharField(allow_blank=True, max_length=5000, required=False)


class DraftSerializer(serializers.Serializer):
    week = serializers.RegexField(
        f"^{WEEK}$", required=False, help_text="YYYY-Www; default last week"
    )


def _conflict(exc: writes.NoticeConflict) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


class NoticeList(generics.ListAPIView):
    """The weekly notices you see, newest first (county users: published ones only); filter
    ``status`` (draft/published)."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeApiFilter

    def get_queryset(self) -> QuerySet[WeeklyNotice]:
        return reads.notice_queryset(self.request.user)


class NoticeDetail(APIView):
    """The notice of a week; ``PATCH {remarks}`` saves the city's remarks on a draft (city
    roles; 409 once published)."""

    @extend_schema(responses=NoticeSerializer)
    def get(self, request: Request, week: str) -> Response:
        return Response(NoticeSerializer(reads.notice_get(request.user, week)).data)

    @extend_schema(request=RemarksSerializer, responses={200: NoticeSerializer, 409: PUBLISHED})
    def patch(self, request: Request, week: str) -> Response:
        notice = reads.notice_get(request.user, week)
        data = RemarksSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            notice = writes.notice_remarks(
                user=request.user, week=notice.week, remarks=data.validated_data["remarks"]
            )
        except writes.NoticeConflict as exc:
            return _conflict(exc)
        return Response(NoticeSerializer(notice).data)


class NoticePublish(APIView):
    """Publish the draft as it stands, with ``remarks`` if given (city roles): read-only from
    then on; publishing again answers 409."""

    @extend_schema(request=PublishSerializer, responses={200: NoticeSerializer, 409: PUBLISHED})
    def post(self, request: Request, week: str) -> Response:
        notice = reads.notice_get(request.user, week)
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            notice = writes.notice_publish(
                user=signed_in_user(request),
                week=notice.week,
                remarks=data.validated_data.get("remarks"),
            )
        except writes.NoticeConflict as exc:
            return _conflict(exc)
        return Response(NoticeSerializer(notice).data)


class NoticeDraft(APIView):
    """What Monday's beat job does, by hand (city roles): draft the notice of ``week``
    (default the week just ended) or refresh its draft; a published notice comes back as it
    is. 400 for a week that has not ended."""

    parser_classes = [JSONParser]
    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(request=DraftSerializer, responses={200: NoticeSerializer})
    def post(self, request: Request) -> Response:
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        week = data.validated_data.get("week") or writes.week_just_ended(timezone.localdate())
        return Response(NoticeSerializer(writes.notice_draft(week=week)).data)
