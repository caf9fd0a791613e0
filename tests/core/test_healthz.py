"""/healthz : JSON with the database and broker status, for the load balancer."""

import os

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(REDIS_URL="")
def test_healthz_answers_ok_with_the_database_and_an_eager_broker_without_redis():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_answers_503_when_the_broker_is_down():
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_healthz_needs_no_login_and_only_answers_get():
    assert Client().get("/healthz").status_code in (200, 503)
    assert Client().post("/healthz").status_code == 405


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_healthz_reports_the_broker_ok_when_redis_answers():
    with override_settings(REDIS_URL=os.environ["REDIS_URL"]):
        assert Client().get("/healthz").json()["broker"] == "ok"
