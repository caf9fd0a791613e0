"""Brute force against the login page and the token endpoint is throttled; API tokens expire
and can be revoked by their owner."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
LIMIT = 10


def _ask_token(username, password, address="10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )


def _log_in(username, password, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}
    )


@pytest.mark.django_db
def test_the_token_endpoint_locks_a_user_name_out_after_too_many_wrong_passwords(staff_a):
    for _ in range(LIMIT - 1):
        assert _ask_token(staff_a.username, "wrong").status_code == 400
    locked = _ask_token(staff_a.username, "wrong")
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.json()["detail"]
    # Even the right password is refused while the lockout lasts, from another address too.
    assert _ask_token(staff_a.username, PASSWORD, address="10.0.0.2").status_code == 429


@pytest.mark.django_db
def test_the_lockout_ends_after_its_cool_off(staff_a):
    for _ in range(LIMIT):
        _ask_token(staff_a.username, "wrong")
    assert _ask_token(staff_a.username, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        answer = _ask_token(staff_a.username, PASSWORD)
    assert answer.status_code == 200
    assert answer.json()["token"]


@pytest.mark.django_db
def test_the_login_page_counts_wrong_passwords_and_answers_429_with_a_message(staff_a):
    for _ in range(LIMIT - 1):
        page = _log_in(staff_a.username, "wrong")
        assert page.status_code == 200
        assert b"did not match" in page.content
    page = _log_in(staff_a.username, "wrong")
    assert page.status_code == 429
    assert b"Too many failed sign-ins" in page.content
    assert _log_in(staff_a.username, PASSWORD, address="10.0.0.9").status_code == 429


@pytest.mark.django_db
def test_one_address_trying_many_user_names_is_locked_out(staff_a, staff_b):
    for number in range(LIMIT):
        _ask_token(f"guess{number}", "wrong", address="10.9.9.9")
    assert _ask_token(staff_b.username, PASSWORD, address="10.9.9.9").status_code == 429
    # Another address is not affected.
    assert _ask_token(staff_b.username, PASSWORD, address="10.9.9.8").status_code == 200


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_count(staff_a):
    for _ in range(LIMIT - 1):
        _ask_token(staff_a.username, "wrong")
    assert _ask_token(staff_a.username, PASSWORD).status_code == 200
    for _ in range(LIMIT - 1):
        assert _ask_token(staff_a.username, "wrong").status_code == 400


@pytest.mark.django_db
def test_a_token_expires_and_a_new_one_is_issued_in_its_place(staff_a, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    first = _ask_token(staff_a.username, PASSWORD).json()
    assert dt.datetime.fromisoformat(first["expires_at"]) > timezone.now() + dt.timedelta(days=29)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first['token']}")
    assert api.get("/api/v1/me/").status_code == 200
    # Asking again while it is valid gives the same token.
    assert _ask_token(staff_a.username, PASSWORD).json()["token"] == first["token"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        refused = api.get("/api/v1/me/")
        assert refused.status_code == 401
        assert "expired" in refused.json()["detail"]
        second = _ask_token(staff_a.username, PASSWORD).json()
    assert second["token"] != first["token"]


@pytest.mark.django_db
def test_a_user_revokes_the_token_through_the_api(staff_a):
    key = _ask_token(staff_a.username, PASSWORD).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.delete(TOKEN_URL).status_code == 204
    assert api.get("/api/v1/me/").status_code == 401
    assert not Token.objects.filter(user=staff_a).exists()


@pytest.mark.django_db
def test_revoking_needs_a_signed_in_caller():
    assert APIClient().delete(TOKEN_URL).status_code == 401


@pytest.mark.django_db
def test_the_api_token_page_shows_issues_and_revokes_the_users_own_token(client_for, staff_a):
    client = client_for(staff_a)
    page = client.get(reverse("api-token"))
    assert page.status_code == 200
    assert b'id="no-token"' in page.content
    client.post(reverse("api-token"), {"action": "issue"})
    token = Token.objects.get(user=staff_a)
    page = client.get(reverse("api-token"))
    assert token.key.encode() in page.content
    client.post(reverse("api-token"), {"action": "issue"})
    renewed = Token.objects.get(user=staff_a)
    assert renewed.key != token.key
    client.post(reverse("api-token"), {"action": "revoke"})
    assert not Token.objects.filter(user=staff_a).exists()


@pytest.mark.django_db
def test_the_api_token_page_needs_a_login():
    response = Client().get(reverse("api-token"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_in_production_the_api_schema_and_docs_need_a_login(settings, client_for, staff_a):
    settings.API_DOCS_PUBLIC = False
    assert Client().get("/api/schema/").status_code == 401
    docs = Client().get("/api/docs/")
    assert docs.status_code == 302
    assert reverse("login") in docs["Location"]
    signed_in = client_for(staff_a)
    assert signed_in.get("/api/schema/").status_code == 200
    assert signed_in.get("/api/docs/").status_code == 200
