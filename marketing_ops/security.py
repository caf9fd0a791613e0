"""The Content-Security-Policy every response carries.

Scripts run only from our own origin (``static/``, the vendored libraries) or with the nonce of
the request (``<script nonce="{{ request.csp_nonce }}">``), so an injected ``<script>`` or event
handler attribute never runs. Styles may be inline: the emailed briefings (shown in the archive)
and a few layout widths use ``style=`` attributes, and a style cannot run code. Nothing is loaded
from another origin, and no other site may frame the pages.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Gives each request a fresh nonce (``request.csp_nonce``) and each response the policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault(HEADER, policy(nonce))
        return response
