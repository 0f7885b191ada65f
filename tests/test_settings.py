"""Production mode refuses unsafe settings, and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k3y-" + "x9Lq2vT7pW4mZ8rB1nC6dF0gH5jK3sA" * 2


def manage(*args, env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not reach a production check.
    clean = {k: v for k, v in os.environ.items()
             if k not in {"NEWSROOM_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
        env={**clean, "NEWSROOM_ENV": "production", **env}, timeout=60,
    )


PRODUCTION = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "news.example.de"}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ALLOWED_HOSTS": "news.example.de"}, "SECRET_KEY is missing"),
        ({**PRODUCTION, "SECRET_KEY": "django-insecure-newsroom-development-key-do-not-use-in-"
                                      "production"}, "SECRET_KEY is missing or is the development"),
        ({**PRODUCTION, "SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({**PRODUCTION, "DEBUG": "1"}, "DEBUG is on"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS is empty"),
    ],
)
def test_production_refuses_to_start(env, named):
    result = manage("check", env=env)
    assert result.returncode != 0
    assert named in result.stderr
    assert "Refusing to start in production mode" in result.stderr


def test_production_passes_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_sends_hsts_and_secure_cookies():
    result = manage("shell", "-c", "from django.conf import settings as s; print("
                    "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
                    "s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == ["31536000", "True", "True", "True", "True"]


def test_unknown_mode_is_refused():
    result = manage("check", env={"NEWSROOM_ENV": "staging"})
    assert result.returncode != 0 and "NEWSROOM_ENV must be one of" in result.stderr
