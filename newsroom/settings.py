"""Settings for Newsroom, read from the environment (and a `.env` file when present).

`NEWSROOM_ENV` names the mode:

- `production` (the default): refuses to start with DEBUG on, with a missing, short or
  development SECRET_KEY, or with empty ALLOWED_HOSTS; cookies and HSTS assume HTTPS.
- `development` (what `make run` writes to `.env`): DEBUG on, the development key.
- `test` (what the test suite sets): DEBUG off like production, but plain HTTP.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

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
TESTING = NEWSROOM_ENV == "test"

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
    "django.contrib.sitemaps",
    "taggit",
    "django_filters",
    "django_prose_editor",
    # The content API (articles/api/); listed so its docs page uses its bundled Swagger UI,
    # never a CDN.
    "ninja",
    "corsheaders",
    "newsroom.apps.LoginRecordsConfig",  # django-axes
    # The second factor for staff (newsroom/accounts/): authenticator apps, recovery codes
    # and passkeys through django-otp and django-otp-webauthn.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "newsroom.accounts",
    # The task queue in the database that sends newsletters and alerts (articles/newsletter/).
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    "newsroom.logging.RequestLogMiddleware",
    # CORS headers for /api/ only, on every answer there: cached pages, 429s and errors too.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.security.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The API's rate limit, problem+json errors and caching headers, outside the page cache:
    # cached answers count too.
    "articles.api.middleware.ApiMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    # Scheduled updates of live articles go out before any page is served or cached.
    "articles.editorial.middleware.DueChangesMiddleware",
    # Before sessions: a cached page for an anonymous visitor needs nothing below.
    "articles.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Staff who owe a second factor reach only its pages (newsroom/accounts/middleware.py).
    "newsroom.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "newsroom.loginguard.AddressLoginLimitMiddleware",
    # Last, as django-axes requires: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files straight from the app server: hashed names, compressed, cached forever.
    # (Development and tests serve them through django.contrib.staticfiles.)
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

# The public site in Jinja2 (articles/public/templating.py says why), the admin in Django's
# templates. Jinja2 comes first: the public pages are the ones to render fast.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "articles.public.templating.environment",
            "keep_trailing_newline": True,
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "articles.public.context_processors.site",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.public.context_processors.site",
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

# The shared cache: Redis when REDIS_URL is set (pages, sessions), else local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            # Short timeouts: a Redis that does not answer must not hold up a page.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif TESTING:
    # Each test process keeps its own; a shared folder would be emptied under the other
    # test processes' feet by every test's cache.clear().
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Without Redis, the cache lives in files on this machine, which all gunicorn workers
    # share: a page or a count one worker keeps is seen, and dropped, by all of them.
    # (Local memory would give each worker its own stale copy.) Redis for several machines.
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.FileCache",
            "LOCATION": env.str("NEWSROOM_CACHE_DIR", default=str(BASE_DIR / "cache")),
            # Pages, counts and key versions: room for the pages of 100,000 articles.
            "OPTIONS": {"MAX_ENTRIES": env.int("NEWSROOM_CACHE_MAX_ENTRIES",
                                               default=200_000)},
        }
    }

# The page cache for anonymous visitors (articles/cache.py).
NEWSROOM_PAGE_CACHE = env.bool("NEWSROOM_PAGE_CACHE", default=True)
NEWSROOM_PAGE_CACHE_SECONDS = env.int("NEWSROOM_PAGE_CACHE_SECONDS", default=600)
# How long a CDN or proxy in front may keep a public page (Cache-Control max-age).
NEWSROOM_PUBLIC_MAX_AGE = env.int("NEWSROOM_PUBLIC_MAX_AGE", default=60)
# A CDN or Varnish in front purges by surrogate key: after each commit that changes public
# content, a POST to this URL ("{keys}" replaced by the space-separated keys, which also go
# in the Surrogate-Key header). Empty: no purge.
NEWSROOM_PURGE_URL = env.str("NEWSROOM_PURGE_URL", default="")
NEWSROOM_PURGE_TIMEOUT = env.float("NEWSROOM_PURGE_TIMEOUT", default=2.0)
# The newsletter's pages carry forms and personal links: never cached.
NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS = ("/admin/", "/vorschau/", "/healthz", "/readyz",
                                      "/newsletter/")

# The content API (articles/api/): read-only, for anyone, from any origin, without cookies.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
# Requests per client address (TRUSTED_PROXY_COUNT applies) and window, counted in the
# shared cache so that every worker and server counts the same.
NEWSROOM_API_RATE_LIMIT = env.int("NEWSROOM_API_RATE_LIMIT", default=120)
NEWSROOM_API_RATE_WINDOW = env.int("NEWSROOM_API_RATE_WINDOW", default=60)
# Pages other sites may show in an iframe (the embeddable news box): no X-Frame-Options,
# CSP frame-ancestors *.
NEWSROOM_EMBEDDABLE_PATHS = ("/einbinden/",)

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses them once an account is locked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked after 5 failures of one account from one address, for 15 minutes; editors see
# the attempts in the admin and can lift a lock by deleting it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a reverse proxy, the client is what the trusted proxies say (newsroom.clientaddress).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "newsroom.clientaddress.client_address"
# Failed logins from one address across all accounts within AXES_COOLOFF_TIME
# (newsroom.loginguard).
NEWSROOM_LOGIN_ADDRESS_LIMIT = env.int("NEWSROOM_LOGIN_ADDRESS_LIMIT", default=20)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# The second factor after the password (newsroom/accounts/): "required" leads staff
# without one through setting it up and lets them reach nothing else of the admin;
# "optional" lets them in with the password alone (demo logins, tests). Whoever has set
# one up is always asked for it.
MFA_POLICIES = ("required", "optional")
NEWSROOM_MFA = env.str("NEWSROOM_MFA", default="required" if PRODUCTION else "optional")
if NEWSROOM_MFA not in MFA_POLICIES:
    raise ImproperlyConfigured(f"NEWSROOM_MFA must be one of {', '.join(MFA_POLICIES)}.")
# Wrong codes wait 1, 2, 4, 8 ... seconds per account (django-otp's throttling, kept in
# the database, so every worker counts the same), and count as failed logins for axes.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys belong to the host name the site is reached at (validated by ALLOWED_HOSTS), and
# only as a second factor after the password.
OTP_WEBAUTHN_HELPER_CLASS = "newsroom.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "newsroom.accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME_CALLABLE = "newsroom.accounts.passkeys.relying_party_name"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# The allowed origin is the request's own (PasskeyHelper), not a fixed list.
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production serves `collectstatic`'s hashed, compressed copies; elsewhere the
        # files are served as they are, so no collectstatic is needed to develop or test.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Uploads stay in MEDIA_ROOT, or go to S3-compatible object storage, which every app
# server shares, when a bucket and its endpoint are named. The credentials are read from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or boto3's other sources).
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="")
if bool(AWS_STORAGE_BUCKET_NAME) != bool(AWS_S3_ENDPOINT_URL):
    raise ImproperlyConfigured(
        "Set both AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL to store uploads in object "
        "storage, or neither to store them in MEDIA_ROOT."
    )
if AWS_STORAGE_BUCKET_NAME:
    # Files are linked at the CDN's domain when there is one, else path-style at the
    # endpoint, which every S3-compatible service answers.
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
    _endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
    _media_protocol = "https:" if AWS_S3_CUSTOM_DOMAIN else f"{_endpoint.scheme}:"
    _media_domain = AWS_S3_CUSTOM_DOMAIN or (
        f"{_endpoint.netloc}{_endpoint.path.rstrip('/')}/{AWS_STORAGE_BUCKET_NAME}"
    )
    STORAGES["default"] = {
        "BACKEND": "newsroom.storage.ObjectStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default=None),
            "custom_domain": _media_domain,
            "url_protocol": _media_protocol,
            # Public files at plain URLs: signed ones would expire inside cached pages.
            "querystring_auth": False,
        },
    }
    MEDIA_URL = f"{_media_protocol}//{_media_domain}/"
# Without a web server in front, the app servers serve local media (newsroom/media.py).
NEWSROOM_SERVE_MEDIA = not AWS_STORAGE_BUCKET_NAME and env.bool(
    "NEWSROOM_SERVE_MEDIA", default=True
)
if NEWSROOM_SERVE_MEDIA:
    # Files are not pages: the page cache has nothing to add to them.
    NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS += (MEDIA_URL,)

LOGIN_URL = "admin:login"

TAGGIT_CASE_INSENSITIVE = True

# Site identity used in page titles, feeds and structured data.
NEWSROOM_SITE_NAME = env.str("NEWSROOM_SITE_NAME", default="Kommune digital")
NEWSROOM_SITE_TAGLINE = env.str("NEWSROOM_SITE_TAGLINE", default="")
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = NEWSROOM_SITE_NAME

LOG_FORMAT = env.str("LOG_FORMAT", default="text")  # "json" for log collectors
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "newsroom.logging.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Our request line replaces Django's per-request warnings (404s and the like);
        # server errors still arrive once, with their traceback.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "newsroom.requests": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
    },
}

# How long a share link for an unpublished article works, in seconds (default 7 days).
NEWSROOM_PREVIEW_LINK_MAX_AGE = env.int("NEWSROOM_PREVIEW_LINK_MAX_AGE", default=7 * 24 * 3600)

# Mail: readers' feedback (the accessibility statement's form) goes to the editors.
# Development prints mails on the console and tests keep them in memory; production sends
# through SMTP as configured here.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default={
        "development": "django.core.mail.backends.console.EmailBackend",
        "test": "django.core.mail.backends.locmem.EmailBackend",
    }.get(NEWSROOM_ENV, "django.core.mail.backends.smtp.EmailBackend"),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# EMAIL_URL names the whole mail server at once and wins over the variables above:
# smtp://user:pass@host:587 (STARTTLS on the submission port 587), smtps:// or smtp+tls://
# (STARTTLS), smtp+ssl:// (TLS from the start), consolemail:// (print, the development default).
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _mail = env.email_url_config(EMAIL_URL)
    _mail.pop("OPTIONS", None)
    _mail.pop("EMAIL_FILE_PATH", None)
    if urlsplit(EMAIL_URL).scheme == "smtp" and _mail.get("EMAIL_PORT") == 587:
        _mail["EMAIL_USE_TLS"] = True
    globals().update({key: value for key, value in _mail.items() if value is not None})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# The sender of newsletters, alerts and confirmation mails, e.g. "Kommune digital
# <newsletter@example.de>".
NEWSLETTER_FROM = env.str("NEWSLETTER_FROM", default=DEFAULT_FROM_EMAIL)
# The site's address for links and pictures in mails, which are built without a request.
NEWSROOM_SITE_URL = env.str("NEWSROOM_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The privacy statement the newsletter's consent text links to.
NEWSLETTER_PRIVACY_URL = env.str("NEWSLETTER_PRIVACY_URL", default="/datenschutz/")
# Sign-ups per client address (TRUSTED_PROXY_COUNT applies) and per recipient address per
# hour, counted in the shared cache.
NEWSLETTER_SIGNUPS_PER_ADDRESS = env.int("NEWSLETTER_SIGNUPS_PER_ADDRESS", default=10)
NEWSLETTER_SIGNUPS_PER_RECIPIENT = env.int("NEWSLETTER_SIGNUPS_PER_RECIPIENT", default=3)
# Mails go out through Django's task framework, queued in the database (django-tasks-db);
# `manage.py mail_worker` runs them, `manage.py send_due_mail` runs what is due once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
NEWSROOM_EDITORS_EMAIL = env.str("NEWSROOM_EDITORS_EMAIL", default="redaktion@example.org")
