"""The Docker files (Docker does not run in CI): the promises README makes about them hold."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.core.test_production_settings import manage, production_env

yaml = pytest.importorskip("yaml")

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_database_broker_web_worker_one_beat_and_a_mail_catcher(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat", "mailpit"}
    assert services["db"]["image"] == "postgres:15"
    assert "healthcheck" in services["db"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["db"]["volumes"])
    assert services["redis"]["image"] == "redis:7"
    assert services["mailpit"]["image"] == "axllent/mailpit"
    assert "8025:8025" in services["mailpit"]["ports"]
    commands = {name: str(service.get("command", "")) for name, service in services.items()}
    assert (
        "migrate --noinput" in commands["web"] and "gunicorn marketing_ops.wsgi" in commands["web"]
    )
    assert commands["worker"].startswith("celery -A marketing_ops worker")
    assert commands["beat"].startswith("celery -A marketing_ops beat")
    assert sum("beat" in command for command in commands.values()) == 1
    assert "replicas" not in str(services["beat"].get("deploy", ""))


def test_web_and_worker_share_the_media_volume_and_production_settings(compose):
    services = compose["services"]
    for name in ("web", "worker"):
        assert "media:/app/media" in services[name]["volumes"]
        env = services[name]["environment"]
        assert env["DEBUG"] == "0"
        assert env["MEDIA_ROOT"] == "/app/media"
        assert env["EMAIL_URL"] == "smtp://mailpit:1025"
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-1}"
        assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= set(env)
    assert {"pgdata", "media"} <= set(compose["volumes"])


def test_the_image_runs_gunicorn_as_a_non_root_user_with_collected_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "pip install ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "\nUSER app\n" in dockerfile
    assert '"gunicorn", "marketing_ops.wsgi"' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "node_modules", "db.sqlite3", ".env"} <= set(ignored)
    assert "static" not in ignored  # vendored front-end assets are part of the image


def _compose_default(value: str) -> str:
    """``${NAME:-default}`` as docker compose reads it when NAME is not set."""
    match = re.fullmatch(r"\$\{[A-Z_]+:-(.*)\}", value)
    return match.group(1) if match else value


def test_the_web_service_as_composed_passes_check_deploy(compose, tmp_path):
    env = {
        key: _compose_default(str(value))
        for key, value in compose["services"]["web"]["environment"].items()
        if key not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT"}
    }
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path, **env)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
