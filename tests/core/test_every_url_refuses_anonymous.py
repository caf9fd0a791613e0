"""Every URL pattern of the project — pages, API, admin, and whatever apps add later — refuses an
anonymous visitor (docs/roles-and-scoping.md#county-scoping): pages redirect to a login page, the
API answers 401.

The patterns are walked from the root resolver when the tests are collected, and each one gets a
URL built from dummy values for its converters or regex groups, so a new page is covered the
moment it is routed. Only the pages a visitor needs before logging in are allowed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

try:  # Python 3.11+
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

#: Pages a visitor must reach without a login, by URL name.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "schema",
    "api-docs",
    "api:token",
    "language",
    "admin:login",
    "admin:logout",
}

# Values tried, in order, for a path converter; the first its regex and to_python accept wins.
CONVERTER_SAMPLES = [
    "1",
    "C01",
    "2026",
    "2026-01",
    "2026-01-01",
    "2026-W01",
    "BROADBAND",
    "x",
    str(uuid.UUID(int=1)),
]


@dataclass(frozen=True)
class Endpoint:
    route: str  # the pattern as written, for reading test ids
    url: str  # a concrete URL that resolves to it
    name: str | None
    callback: object


# --------------------------------------------------------------------------- building URLs


def _sample_char(items: list) -> str:
    """A character that the character class ``items`` (a parsed ``[...]``) accepts."""
    for candidate in "1axA_-.C0":
        if _class_accepts(candidate, items):
            return candidate
    raise ValueError(f"no sample character for class {items!r}")


def _class_accepts(char: str, items: list) -> bool:
    negate = False
    hit = False
    for op, value in items:
        if op is sre_constants.NEGATE:
            negate = True
        elif op is sre_constants.LITERAL:
            hit |= char == chr(value)
        elif op is sre_constants.RANGE:
            hit |= value[0] <= ord(char) <= value[1]
        elif op is sre_constants.CATEGORY:
            hit |= re.fullmatch(_CATEGORY_REGEX[value], char) is not None
    return hit != negate


_CATEGORY_REGEX = {
    sre_constants.CATEGORY_DIGIT: r"\d",
    sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_SPACE: r"\s",
    sre_constants.CATEGORY_NOT_SPACE: r"\S",
    sre_constants.CATEGORY_WORD: r"\w",
    sre_constants.CATEGORY_NOT_WORD: r"\W",
}


def _emit(parsed) -> str:
    """The shortest-ish string a parsed regex matches (enough for URL patterns)."""
    out = []
    for op, value in parsed:
        if op is sre_constants.LITERAL:
            out.append(chr(value))
        elif op is sre_constants.NOT_LITERAL:
            out.append("x" if chr(value) != "x" else "y")
        elif op is sre_constants.ANY:
            out.append("x")
        elif op is sre_constants.IN:
            out.append(_sample_char(value))
        elif op is sre_constants.CATEGORY:
            out.append(_sample_char([(op, value)]))
        elif op is sre_constants.BRANCH:
            out.append(_emit(value[1][0]))
        elif op is sre_constants.SUBPATTERN:
            out.append(_emit(value[-1]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, _high, sub = value
            out.append(_emit(sub) * max(low, 1))
        elif op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        else:
            raise ValueError(f"cannot build a sample for regex op {op}")
    return "".join(out)


def _route_sample(pattern: RoutePattern) -> str:
    route = str(pattern)
    for match in re.finditer(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", route):
        converter = pattern.converters[match.group("name")]
        value = _converter_sample(converter)
        route = route.replace(match.group(0), value, 1)
    return route


def _converter_sample(converter) -> str:
    for candidate in CONVERTER_SAMPLES:
        if not re.fullmatch(converter.regex, candidate):
            continue
        try:
            converter.to_python(candidate)
        except (ValueError, TypeError):
            continue
        return candidate
    raise ValueError(f"no sample value for converter {converter!r}; add one to CONVERTER_SAMPLES")


def _segment(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(pattern)
    if isinstance(pattern, RegexPattern):
        return _emit(sre_parse.parse(pattern._regex))
    raise TypeError(f"unknown pattern type {type(pattern)!r}")


def _walk(patterns, prefix_url="", prefix_route="", namespace=""):
    for entry in patterns:
        url = prefix_url + _segment(entry.pattern)
        route = prefix_route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, url, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Endpoint(route=route, url="/" + url, name=name, callback=entry.callback)


def all_endpoints() -> list[Endpoint]:
    return list(_walk(get_resolver().url_patterns))


ENDPOINTS = all_endpoints()
PROTECTED = [e for e in ENDPOINTS if e.name not in PUBLIC]
ALLOWED = [e for e in ENDPOINTS if e.name in PUBLIC]


def _login_paths() -> set[str]:
    return {reverse(settings.LOGIN_URL), reverse("admin:login")}


def _assert_refused(endpoint: Endpoint, response) -> None:
    where = f"{endpoint.route} ({endpoint.url})"
    if endpoint.url.startswith("/api/"):
        assert response.status_code == 401, f"{where} answered {response.status_code}, not 401"
        return
    assert response.status_code == 302, f"{where} answered {response.status_code}, not 302"
    target = urlsplit(response["Location"])
    assert target.path in _login_paths(), f"{where} redirects to {target.path}, not a login"
    assert "next=" in target.query, f"{where} does not bring the visitor back after login"


# --------------------------------------------------------------------------- the tests


def test_the_walk_finds_the_core_pages_the_api_and_the_admin():
    names = {e.name for e in ENDPOINTS}
    assert {"home", "imports", "briefing-detail", "api:me", "api:county-detail"} <= names
    assert {"admin:index", "admin:marketing_ops_county_change"} <= names
    assert len(PROTECTED) > 20


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.route)
def test_each_dummy_url_reaches_its_own_pattern(endpoint):
    match = resolve(endpoint.url)
    assert match.func == endpoint.callback or match.route == endpoint.route, (
        f"{endpoint.url} resolves to {match.route}, not {endpoint.route}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", PROTECTED, ids=lambda e: e.route)
def test_anonymous_is_refused_everywhere_but_the_login_pages(endpoint):
    client = Client()
    response = client.get(endpoint.url)
    if response.status_code == 405:
        # A POST-only action: it must refuse the anonymous POST too (no CSRF check here).
        response = client.post(endpoint.url)
    _assert_refused(endpoint, response)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ALLOWED, ids=lambda e: e.route)
def test_the_public_pages_answer_an_anonymous_visitor(endpoint):
    response = Client().get(endpoint.url)
    # 405: logout and the token endpoint only take POST.
    assert response.status_code in (200, 302, 405), f"{endpoint.url}: {response.status_code}"


@pytest.mark.django_db
def test_the_api_schema_and_docs_load_without_a_login():
    assert Client().get("/api/schema/").status_code == 200
    assert Client().get("/api/docs/").status_code == 200


def _open_page(request, **kwargs):
    return HttpResponse("anyone can read this")


class _ForgottenUrls:
    """A urlconf whose page and endpoint forgot their login check."""

    urlpatterns = [
        path("reports/<int:year>/<str:code>/", _open_page, name="open-report"),
        path("api/leak/", _open_page, name="open-api"),
    ]


@pytest.mark.django_db
def test_the_walk_catches_a_page_that_forgot_its_login_check():
    endpoints = list(_walk(_ForgottenUrls.urlpatterns))
    assert [e.url for e in endpoints] == ["/reports/1/1/", "/api/leak/"]
    with override_settings(ROOT_URLCONF=_ForgottenUrls):
        for endpoint in endpoints:
            response = Client().get(endpoint.url)
            assert response.status_code == 200
            with pytest.raises(AssertionError):
                _assert_refused(endpoint, response)
