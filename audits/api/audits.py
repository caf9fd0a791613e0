"""Audits and findings API (docs/api.md#audits): the paths and fields of the stable contract.
Views call a service and let its ValidationError (400) and PermissionDenied (403) through the
core handler; an AuditConflict is a 409 that names what is missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.filters import AuditApiFilter, FindingApiFilter, ItemApiFilter
from audits.models import Audit, AuditCheck, Finding, FindingEvidence, SignOff, VerificationItem
from audits.selectors import audits as audit_reads
from audits.selectors import findings as finding_reads
from audits.selectors import items as item_reads
from audits.services import audits as audit_writes
from audits.services import findings as finding_writes
from audits.services import items as item_writes
from marketing_ops.access import CITY_ROLES, get_visible_or_404
from marketing_ops.api import BusinessDateField, ErrorSerializer, roles_required
from marketing_ops.money import MONEY

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

CONFLICT = OpenApiResponse(ErrorSerializer, description="Out of order or finished (names why)")


def conflict(exc: audit_writes.AuditConflict) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


# --------------------------------------------------------------------------- serializers


class AuditListSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code")
    overdue = serializers.SerializerMethodField()
    required_levels = serializers.SerializerMethodField()
    signed_levels = serializers.SerializerMethodField()

    class Meta:
        model = Audit
        fields = [
            "id",
            "county",
            "cadence",
            "period",
            "status",
            "due_on",
            "overdue",
            "required_levels",
            "signed_levels",
            "late",
            "finished_at",
        ]

    def get_overdue(self, audit: Audit) -> bool:
        return audit.is_overdue(timezone.localdate())

    def get_required_levels(self, audit: Audit) -> list[int]:
        return list(audit_reads.required_levels(audit.cadence))

    def get_signed_levels(self, audit: Audit) -> list[int]:
        return audit_reads.signed_levels(audit)


class AuditCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditCheck
        fields = ["id", "text", "answer", "note"]


class AuditSignOffSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    voided = serializers.BooleanField()

    class Meta:
        model = SignOff
        fields = [
            "level",
            "user",
            "result",
            "note",
            "signed_at",
            "voided",
            "voided_at",
            "voided_by_change",
            "fingerprint",
        ]


class FindingSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code")
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    amount = serializers.DecimalField(allow_null=True, **MONEY)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "audit",
            "county",
            "category",
            "description",
            "severity",
            "amount",
            "owner",
            "status",
            "due_on",
            "overdue",
        ]

    def get_overdue(self, finding: Finding) -> bool:
        return finding.is_overdue(timezone.localdate())


class AuditDetailSerializer(AuditListSerializer):
    checks = AuditCheckSerializer(many=True)
    signoffs = AuditSignOffSerializer(many=True)
    findings = FindingSerializer(many=True)

    class Meta(AuditListSerializer.Meta):
        fields = [
            *AuditListSerializer.Meta.fields,
            "reopen_reason",
            "checks",
            "signoffs",
            "findings",
        ]


def audit_payload(user: AnyUser, pk: int) -> dict[str, Any]:
    detail = audit_reads.audit_detail(user, pk, timezone.localdate())
    audit = detail.audit
    audit.live_signoffs = [s for s in detail.signoffs if s.voided_at is None]  # type: ignore[attr-defined]
    data = AuditListSerializer(audit).data
    data["reopen_reason"] = audit.reopen_reason
    data["checks"] = AuditCheckSerializer(detail.checks, many=True).data
    data["signoffs"] = AuditSignOffSerializer(detail.signoffs, many=True).data
    data["findings"] = FindingSerializer(detail.findings, many=True).data
    return data


class AuditsCreateSerializer(serializers.Serializer):
    date = BusinessDateField(required=False)


class CheckAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=AuditCheck.Answer.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AuditSignSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=SignOff.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AuditReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class FindingNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FindingCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Finding.Category.choices)
    description = serializers.CharField()
    amount = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    severity = serializers.ChoiceField(choices=Finding.Severity.choices)
    owner = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    due_on = BusinessDateField()


class FindingEvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username")

    class Meta:
        model = FindingEvidence
        fields = [
            "id",
            "document",
            "revision",
            "file_name",
            "size",
            "sha256",
            "effective_date",
            "uploaded_by",
            "uploaded_at",
        ]


class FindingEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    effective_date = BusinessDateField()
    document = serializers.CharField(required=False, allow_blank=True, default="")


# --------------------------------------------------------------------------- audits


class AuditList(generics.ListAPIView):
    """Audits in your scope; filters ``cadence``, ``county`` (code), ``period``, ``status``,
    ``overdue`` (true/false)."""

    serializer_class = AuditListSerializer
    filterset_class = AuditApiFilter

    def get_queryset(self) -> QuerySet[Audit]:
        return audit_reads.audit_queryset(self.request.user)


class AuditCreate(APIView):
    """What the beat jobs do, by hand (city staff): the audits due up to ``date`` (default
    today), with catch-up of the last 35 days; idempotent."""

    # A JSON body or none: "create the audits due up to today".
    parser_classes = [JSONParser]

    permission_classes = [roles_required(*CITY_ROLES)]

    @extend_schema(
        request=AuditsCreateSerializer,
        responses={
            200: inline_serializer("AuditsCreated", {"created": serializers.IntegerField()})
        },
    )
    def post(self, request: Request) -> Response:
        data = AuditsCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        today = data.validated_data.get("date") or timezone.localdate()
        return Response({"created": audit_writes.audits_create(today=today)})


class AuditDetail(APIView):
    @extend_schema(responses=AuditDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(audit_payload(request.user, pk))


def _audit(request: Request, pk: int) -> Audit:
    return get_visible_or_404(Audit.objects.select_related("county"), request.user, pk=pk)


class CheckAnswer(APIView):
    """Answer a check: ``ok``, ``problem`` (with a note) or ``n_a``; county staff or the
    county's level-1 auditor."""

    @extend_schema(request=CheckAnswerSerializer, responses=AuditCheckSerializer)
    def patch(self, request: Request, pk: int, check_id: int) -> Response:
        audit = _audit(request, pk)
        if not audit.checks.filter(pk=check_id).exists():
            return Response({"detail": _("No such check.")}, status=status.HTTP_404_NOT_FOUND)
        data = CheckAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = audit_writes.check_answer(
            audit=audit, check_id=check_id, user=request.user, **data.validated_data
        )
        return Response(AuditCheckSerializer(check).data)


def _audit_step(
    request: Request,
    pk: int,
    serializer_class: type[serializers.Serializer],
    step: Callable[..., object],
) -> Response:
    """Validate the request with ``serializer_class`` and move the visible audit ``pk`` on with
    the service ``step``: the audit as it now stands, or 409 with the service's conflict."""
    audit = _audit(request, pk)
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        step(audit=audit, user=request.user, **data.validated_data)
    except audit_writes.AuditConflict as exc:
        return conflict(exc)
    return Response(audit_payload(request.user, pk))


class AuditSign(APIView):
    """Sign at your level: 409 naming the level that has not signed ``passed`` yet, 403 when
    you may not sign this audit."""

    @extend_schema(
        request=AuditSignSerializer, responses={200: AuditDetailSerializer, 409: CONFLICT}
    )
    def post(self, request: Request, pk: int) -> Response:
        return _audit_step(request, pk, AuditSignSerializer, audit_writes.audit_sign)


class AuditReopen(APIView):
    """City staff reopen a passed or failed audit with a reason; its sign-offs are voided."""

    @extend_schema(
        request=AuditReasonSerializer, responses={200: AuditDetailSerializer, 409: CONFLICT}
    )
    def post(self, request: Request, pk: int) -> Response:
        return _audit_step(request, pk, AuditReasonSerializer, audit_writes.audit_reopen)


class AuditFindingCreate(APIView):
    """Open a finding on the audit: an auditor who may sign it, or city staff."""

    @extend_schema(request=FindingCreateSerializer, responses={201: FindingSerializer})
    def post(self, request: Request, pk: int) -> Response:
        audit = _audit(request, pk)
        data = FindingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = finding_writes.finding_open(audit=audit, user=request.user, **data.validated_data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- findings


class FindingList(generics.ListAPIView):
    """Findings in your scope; filters ``county`` (code), ``status``, ``overdue``."""

    serializer_class = FindingSerializer
    filterset_class = FindingApiFilter

    def get_queryset(self) -> QuerySet[Finding]:
        return finding_reads.finding_queryset(self.request.user)


def _finding(request: Request, pk: int) -> Finding:
    return get_visible_or_404(Finding.objects.select_related("county"), request.user, pk=pk)


def _finding_response(finding: Finding) -> Response:
    finding = Finding.objects.select_related("county", "owner").get(pk=finding.pk)
    return Response(FindingSerializer(finding).data)


def _finding_step(
    request: Request,
    pk: int,
    serializer_class: type[serializers.Serializer],
    step: Callable[..., Finding],
) -> Response:
    """Validate the request with ``serializer_class`` and move the visible finding ``pk`` on
    with the service ``step``; answers the finding as it now stands."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    finding = step(finding=_finding(request, pk), user=request.user, **data.validated_data)
    return _finding_response(finding)


class FindingRectify(APIView):
    """The owner or county staff report the finding rectified, with a note."""

    @extend_schema(request=FindingNoteSerializer, responses=FindingSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _finding_step(request, pk, FindingNoteSerializer, finding_writes.finding_rectify)


class FindingVerify(APIView):
    """An auditor of level 2 or 3 verifies; 403 when the verifier is the one who rectified."""

    @extend_schema(request=FindingNoteSerializer, responses=FindingSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _finding_step(request, pk, FindingNoteSerializer, finding_writes.finding_verify)


class FindingReject(APIView):
    """The verifier rejects the rectification with a ``reason``: the finding is open again."""

    @extend_schema(request=AuditReasonSerializer, responses=FindingSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return _finding_step(request, pk, AuditReasonSerializer, finding_writes.finding_reject)


class FindingEvidenceView(APIView):
    """A finding's evidence (every revision); ``POST`` multipart ``file`` (≤ 20 MB),
    ``effective_date``, ``document`` (a document it already has gets a new revision)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=FindingEvidenceSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        finding = _finding(request, pk)
        rows = finding.evidence.select_related("uploaded_by").order_by("document", "revision")
        return Response(FindingEvidenceSerializer(rows, many=True).data)

    @extend_schema(
        request=FindingEvidenceUploadSerializer, responses={201: FindingEvidenceSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        finding = _finding(request, pk)
        data = FindingEvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        evidence = finding_writes.evidence_add(
            finding=finding,
            user=request.user,
            fileobj=upload,
            file_name=upload.name,
            effective_date=data.validated_data["effective_date"],
            document=data.validated_data["document"],
        )
        return Response(FindingEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- verification items


class VerificationItemSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code")
    amount = serializers.DecimalField(allow_null=True, **MONEY)

    class Meta:
        model = VerificationItem
        fields = [
            "id",
            "rule",
            "county",
            "business_date",
            "account_no",
            "order_no",
            "amount",
            "explanation",
            "status",
            "explained_by",
            "note",
            "finding",
        ]


class ItemResolveSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=VerificationItem.Result.choices)
    note = serializers.CharField()


class VerificationItemList(generics.ListAPIView):
    """Verification items in your scope; filters ``date``, ``rule``, ``county`` (code),
    ``status``."""

    serializer_class = VerificationItemSerializer
    filterset_class = ItemApiFilter

    def get_queryset(self) -> QuerySet[VerificationItem]:
        return item_reads.item_queryset(self.request.user)


class VerificationItemResolve(APIView):
    """Work an open item: ``ok`` with a note, or ``problem``, which opens a finding (its id in
    ``finding``). Level-2 auditors and the county's level-1 auditor."""

    @extend_schema(request=ItemResolveSerializer, responses=VerificationItemSerializer)
    def post(self, request: Request, pk: int) -> Response:
        item = get_visible_or_404(VerificationItem.objects.all(), request.user, pk=pk)
        data = ItemResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_writes.item_resolve(item=item, user=request.user, **data.validated_data)
        return Response(VerificationItemSerializer(item).data)
