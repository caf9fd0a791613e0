"""Shared fixtures: named counties and one user per role and county, so tests read well.

Counties: ``county_a`` (C01), ``county_b`` (C02). Users (password ``pw``):
``admin_user`` (city_admin), ``city_user`` (city_staff), ``leader`` (manager, city-wide),
``staff_a`` / ``staff_b`` (county_staff of A / B), ``head_a`` (manager of A),
``auditor1_a`` (level 1, A), ``auditor2`` (level 2, city), ``auditor3`` (level 3, city).
``client_for(user)`` gives a logged-in test client; ``api_for(user)`` a DRF client with a token.
"""

import os

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketing_ops.models import County
from marketing_ops.services import user_create_or_update

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "pw"


@pytest.fixture
def county_a(db):
    return County.objects.create(code="C01", name="Alpha District", kind="district", sort_order=1)


@pytest.fixture
def county_b(db):
    return County.objects.create(code="C02", name="Beta County", kind="county", sort_order=2)


def make_user(username, role, county=None, level=None):
    user, _ = user_create_or_update(
        username=username,
        role=role,
        county_code=county.code if county else None,
        auditor_level=level,
        password=PASSWORD,
        email=f"{username}@example.com",
    )
    return user


@pytest.fixture
def admin_user(db):
    return make_user("admin1", "city_admin")


@pytest.fixture
def city_user(db):
    return make_user("city1", "city_staff")


@pytest.fixture
def leader(db):
    return make_user("leader1", "manager")


@pytest.fixture
def staff_a(county_a):
    return make_user("staff_a", "county_staff", county_a)


@pytest.fixture
def staff_b(county_b):
    return make_user("staff_b", "county_staff", county_b)


@pytest.fixture
def head_a(county_a):
    return make_user("head_a", "manager", county_a)


@pytest.fixture
def auditor1_a(county_a):
    return make_user("auditor1_a", "auditor", county_a, 1)


@pytest.fixture
def auditor2(db):
    return make_user("auditor2", "auditor", None, 2)


@pytest.fixture
def auditor3(db):
    return make_user("auditor3", "auditor", None, 3)


@pytest.fixture
def client_for(db):
    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for(db):
    def authenticated(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return authenticated
