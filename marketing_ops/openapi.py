"""The API schema tells every answer an operation can give (docs/api.md#errors).

``AutoSchema`` is drf-spectacular's, plus the error answers every operation shares, documented in
one place instead of on each view: 401 where a login is needed, 403 where a role or the CSRF
check may refuse (any write, any view with a role permission), 400 where the request carries a
body or query parameters, 404 where the path names an object or the list is paginated. A view's
own ``@extend_schema(responses=...)`` for a code wins. The bodies are the serializers below.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    """409: the object changed since the caller read it; ``version`` is the current one."""

    detail = serializers.CharField()
    version = serializers.IntegerField()


class FieldErrorsSerializer(serializers.Serializer):
    """400: ``{"field": ["message", …]}``; errors of the whole request under
    ``non_field_errors``; a nested field's errors nested the same way (a list item's under its
    index, a mapping's under its key); a request that could not be parsed ``{"detail": …}``."""


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="The file's row; null for the file.")
    column = serializers.CharField(help_text="The column, or the form field, at fault.")
    message = serializers.CharField()


class ImportErrorsSerializer(serializers.Serializer):
    """400 of an upload: its errors as ``{row, column, message}`` items. When the file reached
    the import pipeline the body is the rejected import job, which carries these ``errors``."""

    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]  # the field, by design


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": FieldErrorsSerializer.__doc__,
            "additionalProperties": {
                "anyOf": [messages, {"type": "object"}, {"type": "string"}],
            },
        }


def takes_uploads(view: Any) -> bool:
    """An upload endpoint (multipart only, no JSON): its 400s read as the rows of a rejected
    file (``ImportErrors``)."""
    parsers = view.parser_classes
    return any(issubclass(p, MultiPartParser) for p in parsers) and not any(
        issubclass(p, JSONParser) for p in parsers
    )


def _refused_by_role(permission: Any) -> bool:
    return not isinstance(permission, (AllowAny, IsAuthenticated))


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses: dict[str, Any] = operation["responses"]
        for code, response in self.error_responses(operation).items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(response, str(code))
        operation["responses"] = dict(sorted(responses.items()))
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                # ``?status=`` is the same as no ``status``: the API's filters and query
                # serializers take an empty value as not given.
                parameter["allowEmptyValue"] = True
        return operation

    def error_responses(self, operation: dict[str, Any]) -> dict[int, OpenApiResponse]:
        """The error answers this operation can give (see the module's docstring)."""
        permissions = self.view.get_permissions()
        parameters = operation.get("parameters", [])
        errors: dict[int, OpenApiResponse] = {}
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            if takes_uploads(self.view) and self.method == "POST":
                errors[400] = OpenApiResponse(ImportErrorsSerializer, "The upload was refused.")
            else:
                errors[400] = OpenApiResponse(FieldErrorsSerializer, "Invalid input.")
        if any(not isinstance(p, AllowAny) for p in permissions):
            errors[401] = OpenApiResponse(ErrorSerializer, "No, an expired or a wrong token.")
            if self.method not in SAFE_METHODS or any(map(_refused_by_role, permissions)):
                errors[403] = OpenApiResponse(ErrorSerializer, "Your role may not do this.")
        if any(p["in"] == "path" for p in parameters) or self._paginated():
            errors[404] = OpenApiResponse(
                ErrorSerializer, "No such object in your scope, or no such page."
            )
        return errors

    def _paginated(self) -> bool:
        return self.method == "GET" and self._is_list_view() and bool(self._get_paginator())
