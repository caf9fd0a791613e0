"""API v1 of the core (docs/api.md): token, counties, business lines, me, imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import authenticate, user_logged_in
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from marketing_ops import auth, tabular
from marketing_ops.access import auditor_level, has_role, roles_of, user_county
from marketing_ops.bounds import INTEGER_MAX
from marketing_ops.models import BusinessLine, County, ImportJob
from marketing_ops.money import MONEY, parse_amount
from marketing_ops.openapi import ErrorSerializer, RowErrorSerializer, takes_uploads
from marketing_ops.periods import business_window
from marketing_ops.services import import_submit

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def service_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ``ValidationError`` as DRF writes field errors: ``{"field": ["message"]}``,
    a message that names no field under ``non_field_errors``."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, and what a service raises reads as DRF's own errors: a Django
    ``ValidationError`` is a 400 with its field errors (``service_errors``), a
    ``PermissionDenied`` a 403 that keeps its message. API views call services and let these
    propagate; none converts them itself."""
    if isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(service_errors(exc))
    response = drf_exception_handler(exc, context)
    view, request = context.get("view"), context.get("request")
    uploading = view is not None and request is not None and request.method == "POST"
    if response is not None and response.status_code == 400 and uploading and takes_uploads(view):
        response.data = {"errors": error_rows(response.data)}
    return response


def error_rows(errors: Any, column: str = "") -> list[dict[str, Any]]:
    """DRF's error body as the rows of a rejected upload (``{row: null, column, message}``):
    an upload answers every 400 in the one shape (docs/api.md#errors); a list of uploads read
    with a bad query parameter answers as any list does."""
    if isinstance(errors, dict):
        rows = []
        for key, value in errors.items():
            name = "" if key in (api_settings.NON_FIELD_ERRORS_KEY, "detail") else str(key)
            rows += error_rows(value, f"{column}.{name}" if column and name else name or column)
        return rows
    if isinstance(errors, list):
        return [row for item in errors for row in error_rows(item, column)]
    return [{"row": None, "column": column, "message": str(errors)}]


def query_params(request: Request, serializer_class: type[serializers.Serializer]) -> Any:
    """The query string read through ``serializer_class``: its validated data, or a 400 naming
    the parameter (``{"year": ["…"]}``). The one way an API view reads its query parameters;
    the view declares them with ``@extend_schema(parameters=[serializer_class])``."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


#: What ``MoneyField`` takes as text (``money.parse_amount``), for the schema: up to 12 digits
#: before the point, plain or grouped by thousands, and up to 2 after it.
MONEY_TEXT_PATTERN = r"^[-+]?(?:[0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,12})?(?:\.[0-9]{0,2})?$"


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": MONEY_TEXT_PATTERN, "example": "1234.50"}
)
class MoneyField(serializers.DecimalField):
    """An amount of money (``MONEY``): a JSON number, or a string written plain or with
    thousands separators (``"1234.50"``, ``"1,234.50"``); ``"1E5"``, ``"inf"`` and ``"nan"``
    are refused."""

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_negative = allow_negative
        if not allow_negative:
            kwargs.setdefault("min_value", 0)
        super().__init__(**{**MONEY, **kwargs})

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str):
            try:
                data = parse_amount(data, allow_negative=self.allow_negative)
            except ValueError as exc:
                raise ValidationError(str(exc))
        return super().to_internal_value(data)


class CountField(serializers.IntegerField):
    """A whole number from ``min_value`` (0) up to what an ``integer`` column holds, written in
    plain digits: ``int()`` would also read full-width digits ("２０２６") and others."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", INTEGER_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and not (data.strip().lstrip("+-").isascii()):
            self.fail("invalid")
        return super().to_internal_value(data)


class BusinessDateField(serializers.DateField):
    """A date in the business window (``periods.business_window``), as the forms' field of the
    same name: a date far in the past or the future is a 400, never a server error."""

    def __init__(
        self, *, first_year: int | None = None, years_ahead: int | None = None, **kwargs: Any
    ) -> None:
        self.first_year, self.years_ahead = first_year, years_ahead
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        window = business_window(first_year=self.first_year, years_ahead=self.years_ahead)
        try:
            return window.check(day)
        except ValueError as exc:
            raise ValidationError(str(exc))


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


def signed_in_user(request: Request) -> User:
    """Who calls a view that requires a login (every API view but the token's, by
    ``DEFAULT_PERMISSION_CLASSES``): the permission check has already answered an anonymous
    caller with 401, so this names the user for the services that record who wrote."""
    if isinstance(request.user, AnonymousUser):
        raise NotAuthenticated()
    return request.user


def roles_required(*roles: str) -> type[BasePermission]:
    """A DRF permission: logged in (else 401) and holding one of ``roles`` (else 403)."""

    class HasRole(BasePermission):
        message = gettext_lazy("Your role does not allow this.")

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and has_role(user, *roles))

    HasRole.__name__ = f"HasRole_{'_'.join(roles)}"
    return HasRole


class SelectorQuerysetMixin(generics.GenericAPIView):
    """A list or detail view over what a selector shows the requesting user:
    ``selector = staticmethod(selectors.trainings_for)``. Another county's object is then
    simply not found (404)."""

    selector: Callable[[AnyUser], QuerySet]

    def get_queryset(self) -> QuerySet:
        return self.selector(self.request.user)


class TokenView(APIView):
    """``POST {"username", "password"}`` → ``{"token", "expires_at"}``; send the token as
    ``Authorization: Token …``. ``DELETE`` with a token or session revokes the caller's token.

    Wrong passwords count toward the login lockout (``marketing_ops.auth``): past the limit the
    answer is 429 until the lockout ends.
    """

    throttle_classes = ()

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Only revoking needs an authenticated caller; asking for a token needs none (and no
        # CSRF check of a session cookie the client may also send).
        self._revokes = request.method == "DELETE"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self) -> list[Any]:
        return super().get_authenticators() if getattr(self, "_revokes", False) else []

    def get_permissions(self) -> list[BasePermission]:
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            ),
            429: ErrorSerializer,
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            return Response({"detail": auth.lockout_message()}, status=429)
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]}
            )
        # A sign-in like the login page's: clears the failure count, records the last login.
        user_logged_in.send(sender=type(user), request=django_request, user=user)
        token = auth.token_issue(user=user, now=timezone.now())
        return Response({"token": token.key, "expires_at": auth.token_expires_at(token)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        auth.token_revoke(user=signed_in_user(request))  # get_permissions(): a login to DELETE
        return Response(status=status.HTTP_204_NO_CONTENT)


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["code", "name", "kind", "active", "sort_order"]


class CountyList(generics.ListAPIView):
    serializer_class = CountySerializer
    filterset_fields = ["kind", "active"]

    def get_queryset(self):
        return County.objects.visible_to(self.request.user)


class CountyDetail(generics.RetrieveAPIView):
    serializer_class = CountySerializer
    lookup_field = "code"

    def get_queryset(self):
        return County.objects.visible_to(self.request.user)


class BusinessLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessLine
        fields = ["code", "name", "unit", "deposit_required", "uses_terminal", "active"]


class BusinessLineList(generics.ListAPIView):
    serializer_class = BusinessLineSerializer
    queryset = BusinessLine.objects.all()
    filterset_fields = ["active"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    county = serializers.CharField(allow_null=True)
    auditor_level = serializers.IntegerField(allow_null=True)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        county = user_county(request.user)
        data = {
            "username": request.user.get_username(),
            "roles": sorted(roles_of(request.user)),
            "county": county.code if county else None,
            "auditor_level": auditor_level(request.user),
        }
        return Response(MeSerializer(data).data)


class ImportJobSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    county = serializers.CharField(source="county.code", default=None, allow_null=True)
    # A declared field, taken off the class by DRF: it does not hide ``Serializer.errors``.
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "dataset",
            "file_name",
            "sha256",
            "status",
            "rows",
            "rows_total",
            "applied",
            "errors",
            "error_count",
            "created_by",
            "county",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ImportUploadSerializer(serializers.Serializer):
    dataset = serializers.ChoiceField(choices=[])
    file = serializers.FileField()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        dataset = cast(serializers.ChoiceField, self.fields["dataset"])  # declared above
        dataset.choices = sorted(tabular.datasets())


def import_job_response(job: ImportJob) -> Response:
    """201 for a finished import, 202 for one queued, 400 with the errors for a rejected one."""
    data = ImportJobSerializer(job).data
    if job.status == ImportJob.Status.FAILED:
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    code = status.HTTP_201_CREATED if job.finished else status.HTTP_202_ACCEPTED
    return Response(data, status=code)


def submit_upload(request: Request, dataset: str, background: bool | None = None) -> ImportJob:
    upload = request.FILES["file"]
    return import_submit(
        dataset=dataset,
        fileobj=upload,
        file_name=upload.name,
        user=signed_in_user(request),
        background=background,
    )


class ImportJobList(generics.ListAPIView):
    """Imports in your scope; ``POST`` multipart ``dataset`` + ``file`` uploads a dataset."""

    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["dataset", "status"]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tabular.import_jobs_fail_stale()  # an import whose worker was lost reads failed
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return ImportJob.objects.visible_to(self.request.user).select_related(
            "created_by", "county"
        )

    @extend_schema(
        request=ImportUploadSerializer,
        responses={201: ImportJobSerializer, 202: ImportJobSerializer},
    )
    def post(self, request: Request) -> Response:
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        return import_job_response(submit_upload(request, upload.validated_data["dataset"]))


class ImportJobDetail(generics.RetrieveAPIView):
    serializer_class = ImportJobSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tabular.import_jobs_fail_stale()  # an import whose worker was lost reads failed
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return ImportJob.objects.visible_to(self.request.user).select_related(
            "created_by", "county"
        )
