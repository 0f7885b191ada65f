"""Health and readiness for load balancers; a friendly 503 while the database is away."""

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test import override_settings

from newsroom import health

pytestmark = pytest.mark.django_db

REDIS = {"default": {"BACKEND": "newsroom.cache.FailOpenRedisCache",
                     "LOCATION": "redis://127.0.0.1:6379/15",
                     "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
STOPPED_REDIS = {"default": {**REDIS["default"], "LOCATION": "redis://127.0.0.1:1/0"}}


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_with_everything_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@override_settings(CACHES=REDIS)
def test_readyz_with_real_redis(client):
    assert client.get("/readyz").json()["cache"] == "ok"


@override_settings(CACHES=STOPPED_REDIS)
def test_stopped_cache_fails_readiness_but_not_the_site(client, make_article):
    caches.close_all()
    make_article(headline="Läuft auch ohne Cache")
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "ok", "cache": "error"}
    home = client.get("/")
    assert home.status_code == 200 and "Läuft auch ohne Cache" in home.content.decode()


def test_stopped_database_fails_readiness(client, monkeypatch):
    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", refused)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["database"] == "error"


def test_database_outage_gives_a_friendly_503(client, monkeypatch):
    def unavailable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("articles.public.views.placement_teasers", unavailable)
    response = client.get("/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Vorübergehend nicht erreichbar" in page and "Traceback" not in page
    assert response["Retry-After"] == "30"


def test_database_outage_spares_pages_that_need_no_database(client):
    """robots.txt renders without the database, but the page cache asks it when the next
    scheduled article is due: with the database away, the page is served, not kept."""

    def refused(execute, sql, params, many, context):
        raise OperationalError("the database system is shutting down")

    with connection.execute_wrapper(refused):
        first, second = client.get("/robots.txt"), client.get("/robots.txt")
    assert first.status_code == second.status_code == 200
    assert second["X-Page-Cache"] == "miss"
    assert client.get("/robots.txt")["X-Page-Cache"] == "miss"  # database back: now kept
    assert client.get("/robots.txt")["X-Page-Cache"] == "hit"
