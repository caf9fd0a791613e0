"""Settings from the environment (README.md#configuration): production values pass ``check
--deploy``, and
production refuses to start without a secret key."""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
        # tests/conftest.py sets this for Playwright; a deployment never does.
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        DJANGO_SETTINGS_MODULE="marketing_ops.settings",
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_stays_clean_behind_a_local_proxy_without_tls_redirect(tmp_path):
    """docker-compose runs with SECURE_SSL_REDIRECT=0; only that one warning may appear."""
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="0")
    result = manage("check", "--deploy", env=env)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "security.W008" in output  # SECURE_SSL_REDIRECT is off, as asked
    assert output.count("(security.") == 1


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_development_defaults_start_without_any_environment(tmp_path):
    env = production_env(tmp_path)
    for key in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"):
        del env[key]
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_the_embedded_defaults_are_sqlite_eager_tasks_and_the_shanghai_time_zone():
    if "DATABASE_URL" not in os.environ:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if "REDIS_URL" not in os.environ:
        assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert os.environ.get("TIME_ZONE", "Asia/Shanghai") == settings.TIME_ZONE
    assert settings.USE_TZ is True
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]


PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.mark.django_db
def test_static_files_collect_with_production_storage_and_pages_find_them(
    tmp_path, client_for, staff_a
):
    """The Docker build runs collectstatic with hashed, compressed names: every vendored file a
    static file refers to (e.g. a source map) must exist, and every page's {% static %} must be
    in the manifest, or production answers 500."""
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        assert "vendor/bootstrap/bootstrap.min.css" in manifest["paths"]
        client = client_for(staff_a)
        for path in ("/", "/imports/", "/briefings/", "/accounts/password_change/"):
            assert client.get(path).status_code == 200, path
        assert Client().get("/accounts/login/").status_code == 200
