"""Production refuses to start without its secrets, and passes `check --deploy` cleanly."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = [
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "EMAIL_HOST",
    "DEFAULT_FROM_EMAIL",
    "WAGTAILADMIN_BASE_URL",
]


def production_env(tmp_path, **overrides) -> dict:
    """A minimal environment: nothing inherited that could hide a missing variable."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "manabiba.example.jp",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "EMAIL_HOST": "smtp.example.jp",
        "DEFAULT_FROM_EMAIL": "manabiba@example.jp",
        "WAGTAILADMIN_BASE_URL": "https://manabiba.example.jp",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", REQUIRED)
@pytest.mark.parametrize("how", ["unset", "blank"])
def test_refuses_to_start_without_a_required_variable(tmp_path, missing, how):
    env = production_env(tmp_path, **{missing: None if how == "unset" else "  "})
    result = run(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {missing} environment variable" in result.stderr


def test_manage_py_refuses_to_start_without_secret_key(tmp_path):
    result = run(["manage.py", "check"], production_env(tmp_path, SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_passes_without_warnings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_production_settings_values(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0,"
        " s.DATABASES['default']['ENGINE'], s.EMAIL_HOST, s.MANABIBA_ENV,"
        " s.TASKS['mail']['BACKEND'])"
    )
    env = production_env(tmp_path, ALLOWED_HOSTS="manabiba.example.jp, www.example.jp")
    result = run(["-c", "import django; django.setup();" + code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "False ['manabiba.example.jp', 'www.example.jp'] "
        "['https://manabiba.example.jp', 'https://www.example.jp'] True True True True "
        "django.db.backends.sqlite3 smtp.example.jp production django_tasks_db.DatabaseBackend"
    )


def test_seed_demo_refuses_under_production_settings(tmp_path):
    result = run(["manage.py", "seed_demo"], production_env(tmp_path))
    assert result.returncode != 0
    assert "never runs in production" in result.stderr


def account_settings(env) -> subprocess.CompletedProcess:
    code = (
        "from django.conf import settings as s;"
        "print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT, s.STAFF_MFA_REQUIRED,"
        " s.STAFF_IDLE_TIMEOUT, s.WAGTAILADMIN_LOGIN_URL,"
        " s.MIDDLEWARE.index('cms.csp.SiteCSPMiddleware')"
        " < s.MIDDLEWARE.index('cms.page_cache.PageCacheMiddleware'))"
    )
    return run(["-c", "import django; django.setup();" + code], env)


@pytest.mark.parametrize(("value", "count"), [(None, 0), ("1", 1), (" 2 ", 2)])
def test_trusted_proxies_come_from_the_environment(tmp_path, value, count):
    result = account_settings(production_env(tmp_path, TRUSTED_PROXY_COUNT=value))
    assert result.returncode == 0, result.stderr
    # The second factor and the idle timeout hold in production; cached pages get the policy.
    expected = [str(count), str(count), "True", "1800", "account_login", "True"]
    assert result.stdout.split() == expected


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_bad_trusted_proxy_count_refuses_to_start(tmp_path, value):
    result = account_settings(production_env(tmp_path, TRUSTED_PROXY_COUNT=value))
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
