"""One line per request and per error on stdout; JSON when LOG_FORMAT=json.

A request line holds what an operator needs: method, path (without the query string,
which may carry what a visitor searched for), status, duration and whether the page
cache answered. No addresses, no user names, no cookies.
"""

import json
import logging
import time

request_logger = logging.getLogger("newsroom.requests")


class JsonFormatter(logging.Formatter):
    """Each record as one JSON object; tracebacks folded into it."""

    FIELDS = ("method", "path", "status", "duration_ms", "cache")

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({f: getattr(record, f) for f in self.FIELDS if hasattr(record, f)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "cache": response.get("X-Page-Cache", "-"),
        }
        request_logger.info(
            "%(method)s %(path)s %(status)s %(duration_ms)sms cache=%(cache)s", fields,
            extra=fields,
        )
        return response
