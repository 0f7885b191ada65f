"""Answer a friendly 503 while the database is away, instead of a traceback or a 500.

Persistent connections with health checks (CONN_HEALTH_CHECKS) reconnect by themselves
once the database is back; until then every request that needs it gets this page.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        from django.http import HttpResponse

        # The template needs no context processors: they may query the database.
        content = loader.get_template("503.html").render()
        response = HttpResponse(content, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
