"""Signing in: API tokens that expire and can be revoked, and the answer to a locked-out login.

Wrong passwords are counted by django-axes (settings: ``LOGIN_FAILURE_LIMIT``,
``LOGIN_LOCKOUT_MINUTES``) for the login page and the API token endpoint alike; a user name or
an address over the limit is refused with 429 until the lockout ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


def token_expires_at(token: Token) -> dt.datetime:
    """When ``token`` stops being accepted: ``API_TOKEN_TTL_DAYS`` after it was issued."""
    return token.created + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_is_expired(token: Token, now: dt.datetime) -> bool:
    return now >= token_expires_at(token)


@transaction.atomic
def token_issue(*, user: User, now: dt.datetime) -> Token:
    """The user's API token: the current one while it is valid, else a new one."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not token_is_expired(token, now):
        return token
    if token is not None:
        token.delete()
    return Token.objects.create(user=user)


def token_revoke(*, user: User) -> bool:
    """Delete the user's API token; True when there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF token authentication that refuses a token past its expiry (401)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token, timezone.now()):
            raise AuthenticationFailed(_("The token has expired; ask for a new one."))
        return user, token


class SchemaAccess(BasePermission):
    """The API schema is open while developing (``API_DOCS_PUBLIC``, on with DEBUG) and needs
    a signed-in user in production."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return settings.API_DOCS_PUBLIC or bool(request.user and request.user.is_authenticated)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-ins for this user name or from this address. "
        "Try again in %(minutes)d minutes."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 for a locked-out sign-in: JSON for the API, the login page with the message else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(
        request,
        "registration/login.html",
        {"lockout_message": lockout_message(), "form": None},
        status=429,
    )
