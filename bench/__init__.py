"""The benchmark tool behind `make bench`: a large generated newsroom in PostgreSQL, the
site under gunicorn, wrk, and a report. Not part of the site, and not a test.

The site runs as in production (DEBUG off, a generated SECRET_KEY) but over plain HTTP on
the loopback, against a database of its own: BENCH_DATABASE_URL, by default
`newsroom_bench` on the local server. DATABASE_URL is deliberately not read, so that a
developer's database never turns into the benchmark's.
"""

import os
import secrets
import shutil
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
# One key for the whole run: the measuring process and gunicorn share sessions.
SECRET_KEY = secrets.token_urlsafe(50)


def database_url():
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def cache_dir():
    """The file cache of the site under test (without REDIS_URL): one per database, so
    that no page or count of another database's newsroom is ever served."""
    return Path(__file__).resolve().parent / "cache" / urlparse(database_url()).path.strip("/")


def empty_cache():
    """Before each measurement: every run starts cold."""
    shutil.rmtree(cache_dir(), ignore_errors=True)


def environment(page_cache=False):
    """The variables the site reads (newsroom/settings.py), as the benchmark sets them."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "NEWSROOM_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "DATABASE_URL": database_url(),
        "NEWSROOM_CACHE_DIR": str(cache_dir()),
        "NEWSROOM_PAGE_CACHE": "1" if page_cache else "0",
        # wrk is one client address: the API's rate limit would measure 429s.
        "NEWSROOM_API_RATE_LIMIT": "1000000000",
        # The tool times the admin's changelist for a user it makes, who has no second
        # factor: production's "required" would lead it to the set-up page instead.
        "NEWSROOM_MFA": "optional",
    }


def configure():
    """Set up Django in this process as the benchmark's gunicorn runs it (cache off)."""
    import logging

    import django

    os.environ.update(environment())
    django.setup()
    # A log line for every request and login would drown the tool's own output here;
    # gunicorn keeps them, in its log.
    for name in ("newsroom.requests", "axes"):
        logging.getLogger(name).setLevel(logging.WARNING)
