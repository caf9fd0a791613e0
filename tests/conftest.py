"""Shared fixtures: named counties and one user per role and county, so tests read well.

Counties: ``county_a`` (C01), ``county_b`` (C02). Users (password ``pw``):
``admin_user`` (city_admin), ``city_user`` (city_staff), ``leader`` (manager, city-wide),
``staff_a`` / ``staff_b`` (county_staff of A / B), ``head_a`` (manager of A),
``auditor1_a`` (level 1, A), ``auditor2`` (level 2, city), ``auditor3`` (level 3, city).
``client_for(user)`` gives a logged-in test client; ``api_for(user)`` a DRF client with a token.
``browser_page`` is a Playwright page in the real Chromium (/usr/bin/chromium); use it with
pytest-django's ``live_server``; ``login_as(user)`` signs in on it. ``phone_login_as(user)`` does
the same on a phone's screen (390 × 844, tests/phone.py). ``celery_worker_live`` runs a real
Celery worker on Redis (skipped without REDIS_URL); every other test runs tasks inline.
"""

import os
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketing_ops.models import County
from marketing_ops.services import user_create_or_update
from tests.phone import PHONE

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests judge results, not speed: a loaded CI machine must not fail one on its
# per-example deadline (timing belongs to bench/).
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")

# Commands the tests run in a subprocess (manage.py, bench scripts) speak English too.
os.environ["LANGUAGE_CODE"] = "en"

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


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def _chromium():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            # This machine has no network beyond loopback: keep Chromium from calling out.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        # Django keeps its connections per context (contextvars), and inside this `with` the
        # test thread runs in another context than outside it: `connections["default"]` is a
        # different object. Connections the tests opened meanwhile are not the ones the test
        # database's teardown closes; close them while their context is current, or the test
        # database cannot be dropped (pyproject's filterwarnings makes that fail the run).
        connections.close_all()
        browser.close()


@pytest.fixture
def browser_page(_chromium):
    context = _chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _sign_in(page, live_server, user, password=PASSWORD):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return page


@pytest.fixture
def login_as(browser_page, live_server):
    """Log in through the real login form; returns the page on the start page."""

    def login(user, password=PASSWORD):
        return _sign_in(browser_page, live_server, user, password)

    return login


@pytest.fixture
def phone_login_as(_chromium, live_server):
    """``login_as`` on a phone: a touch screen 390 CSS pixels wide (tests/phone.py)."""
    context = _chromium.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield lambda user, password=PASSWORD: _sign_in(page, live_server, user, password)
    context.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow by design; tests that create users do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_a_test_asks(settings):
    """The product's default language is Chinese; the tests read and assert the English source
    strings, so each starts in English (a test of Chinese pages asks for zh-hans by cookie,
    profile or ``translation.override``). Changing the setting also drops the cached default
    translation, and a request served in Chinese leaves no language behind in the thread."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The navigation's badges are cached per user id, and ids come back in the next test's
    database: each test starts with nothing cached."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _small_demo_city(settings):
    """seed_demo in tests builds 400 demo accounts instead of 20,000 (same code path)."""
    settings.DEMO_ARREARS_ACCOUNTS = 400


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files waiting for a worker go to a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _celery_inline():
    """Tasks run inline in tests unless a test asks for a real worker."""
    from marketing_ops.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def celery_worker_live(transactional_db):
    """A real Celery worker (thread, solo pool) consuming from the Redis broker of REDIS_URL."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL: a real Redis broker and worker")
    from celery.contrib.testing.worker import start_worker

    from marketing_ops.celery import app

    app.conf.task_always_eager = False
    app.control.purge()  # messages left by an earlier run name rows that no longer exist
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
    app.conf.task_always_eager = True
