"""Request checks that come before any view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


def refuse_nul_characters(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """400 for an address or query parameter holding a NUL character: no code, account number
    or name has one, and PostgreSQL cannot even compare text with it (a lookup by such a county
    code would be a server error). Form and API fields refuse it themselves."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = _("The address holds a NUL character (%00); remove it and try again.")
            if request.path.startswith("/api/"):
                # The API answers its errors as JSON, as its schema documents them.
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware
