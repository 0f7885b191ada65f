"""Settings for Newsroom, read from the environment (and a `.env` file when present).

`NEWSROOM_ENV` names the mode:

- `production` (the default): refuses to start with DEBUG on, with a missing, short or
  development SECRET_KEY, or with empty ALLOWED_HOSTS; cookies and HSTS assume HTTPS.
- `development` (what `make run` writes to `.env`): DEBUG on, the development key.
- `test` (what the test suite sets): DEBUG off like production, but plain HTTP.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

MODES = ("production", "development", "test")
NEWSROOM_ENV = env.str("NEWSROOM_ENV", default="production")
if NEWSROOM_ENV not in MODES:
    raise ImproperlyConfigured(f"NEWSROOM_ENV must be one of {', '.join(MODES)}.")
PRODUCTION = NEWSROOM_ENV == "production"

DEVELOPMENT_SECRET_KEY = "django-insecure-newsroom-development-key-do-not-use-in-production"

DEBUG = env.bool("DEBUG", default=NEWSROOM_ENV == "development")
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


def refuse_unsafe_production_settings():
    """Name every variable that makes a production start unsafe, all at once."""
    problems = []
    if DEBUG:
        problems.append("DEBUG is on; unset it or set DEBUG=0.")
    if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        problems.append("SECRET_KEY is missing or is the development key.")
    elif len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("SECRET_KEY is too short: use at least 50 random characters.")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty; name the site's host names, comma-separated.")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start in production mode (NEWSROOM_ENV=production): "
            + " ".join(problems)
            + " For local development set NEWSROOM_ENV=development."
        )


if PRODUCTION:
    refuse_unsafe_production_settings()

# Behind HTTPS in production: secure cookies, HSTS, redirects to https.
HTTPS = env.bool("HTTPS", default=PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "taggit",
    "django_filters",
    "django_prose_editor",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

LOGIN_URL = "admin:login"

TAGGIT_CASE_INSENSITIVE = True

# Site identity used in page titles, feeds and structured data.
NEWSROOM_SITE_NAME = env.str("NEWSROOM_SITE_NAME", default="Kommune digital")
NEWSROOM_SITE_TAGLINE = env.str("NEWSROOM_SITE_TAGLINE", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# How long a share link for an unpublished article works, in seconds (default 7 days).
NEWSROOM_PREVIEW_LINK_MAX_AGE = env.int("NEWSROOM_PREVIEW_LINK_MAX_AGE", default=7 * 24 * 3600)
