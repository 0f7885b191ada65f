"""Health checks for load balancers.

/healthz says the process serves requests at all; /readyz says it can do its work:
the database and the cache both answer. A load balancer takes a server that is not
ready out of rotation without killing it.
"""

import json

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

PROBE_KEY = "newsroom:readyz"


def _json(payload, status=200):
    return HttpResponse(json.dumps(payload), status=status, content_type="application/json")


@never_cache
def healthz(request):
    return _json({"status": "ok"})


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_answers():
    ping = getattr(cache, "ping", None)
    if ping is not None:
        return ping()
    cache.set(PROBE_KEY, "ok", 10)
    return cache.get(PROBE_KEY) == "ok"


@never_cache
def readyz(request):
    checks = {"database": database_answers(), "cache": cache_answers()}
    ready = all(checks.values())
    return _json(
        {"status": "ok" if ready else "unavailable",
         **{name: "ok" if good else "error" for name, good in checks.items()}},
        status=200 if ready else 503,
    )
