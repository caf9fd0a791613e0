"""The OpenAPI schema is the API: schemathesis fuzzes every operation of ``/api/schema/`` on a
live server with the demo city's data, as a city user and as a county user (token auth), and
every answer must be one the schema documents — its status code, content type and body — and
never a server error. Bounded: a few examples per operation and generation mode."""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator

import pytest
import schemathesis
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from pytest_django.fixtures import Settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

default_lines = importlib.import_module("marketing_ops.migrations.0002_roles_and_default_lines")

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=True)]

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Per operation and generation mode (valid and invalid input): 45 operations × 2 modes × 2 users
# take about a minute and a half on SQLite, two minutes on PostgreSQL, on two cores.
MAX_EXAMPLES = 10
USERS = {"city": "city", "county": "c01_staff"}
# Revoking one's own token would sign the fuzzer out for the operations after it.
EXCLUDED = [("DELETE", "/api/v1/auth/token/")]


@pytest.fixture
def demo_city(transactional_db: None, settings: Settings) -> None:
    settings.DEMO_ARREARS_ACCOUNTS = 60
    # The lines the migrations seed, made again after an earlier transactional test's flush.
    default_lines.add_default_lines(apps, None)
    call_command("seed_demo", stdout=io.StringIO())


def fuzz_failures(base_url: str, token: str, answered: set[tuple[str, int]]) -> Iterator[str]:
    """Every failure, by operation and generation mode; ``answered`` collects the (operation,
    status) pairs seen, so the test knows the fuzzer was signed in and reached the data."""
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema/?format=json", headers=headers)
    for method, path in EXCLUDED:
        schema = schema.exclude(method=method, path=path)
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case: schemathesis.Case) -> None:
                response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
                answered.add((case.operation.label, response.status_code))

            try:
                call()
            except Unsatisfiable:
                pass  # nothing of this operation can be made invalid (no parameters, no body)
            except (Exception, BaseExceptionGroup) as exc:  # reported together below
                yield f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}"


@pytest.mark.parametrize("who", sorted(USERS))
def test_every_operation_answers_as_the_schema_documents(live_server, demo_city, who):
    user = get_user_model().objects.get(username=USERS[who])
    token, _ = Token.objects.get_or_create(user=user)
    answered: set[tuple[str, int]] = set()
    failures = list(fuzz_failures(live_server.url, token.key, answered))
    assert not failures, "\n\n".join(failures)
    # Not a pass by 401s: the token held, and the lists and figures answered with data.
    for label in (
        "GET /api/v1/me/",
        "GET /api/v1/revenue/progress/",
        "GET /api/v1/arrears/ageing/",
    ):
        assert (label, 200) in answered, label
