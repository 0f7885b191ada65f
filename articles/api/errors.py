"""Errors as RFC 9457 problem details (`application/problem+json`), never HTML.

Programs read the API; a 404 page in HTML would break their JSON parser and tell them
nothing. Every error the API raises, and every error page Django or the page cache would
answer under /api/ (an unknown path, a method not allowed, a crash), leaves as a problem
document with a German title and, where one is at fault, the parameter named. No
`instance`: echoing the path back would spell out the slug of an unpublished article
to whoever guessed it.
"""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Ungültige Anfrage",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    429: "Zu viele Anfragen",
    500: "Interner Fehler",
    503: "Vorübergehend nicht verfügbar",
}


def escape_json(text):
    """JSON with <, > and & as \\u escapes: the same data, but a browser sniffing an
    answer as HTML, or a page pasting it into a <script>, finds no markup in it."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class ApiError(Exception):
    """Raised by a route: answered as a problem document with this status."""

    def __init__(self, status, detail, parameter=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.parameter = parameter


def bad_parameter(parameter, detail=None):
    return ApiError(400, detail or _("Der Parameter „%(name)s“ hat einen ungültigen Wert.")
                    % {"name": parameter}, parameter)


def problem(status, detail=None, *, parameter=None):
    """The response for an error: status, a German title and detail, and `parameter` (an
    extension member) when one parameter caused it."""
    body = {"type": "about:blank", "title": TITLES.get(status, _("Fehler")), "status": status}
    if detail:
        body["detail"] = detail
    if parameter:
        body["parameter"] = parameter
    response = HttpResponse(escape_json(json.dumps(body, ensure_ascii=False)), status=status,
                            content_type=CONTENT_TYPE)
    # An error says nothing worth keeping; a proxy must not serve it in place of a retry.
    response["Cache-Control"] = "no-store"
    return response


def from_api_error(request, error):
    return problem(error.status, error.detail, parameter=error.parameter)


def from_validation_error(request, error):
    """Ninja's errors for a query value of the wrong type or range: name the parameter."""
    first = error.errors[0] if error.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
    parameter = location[0] if location else None
    detail = (_("Der Parameter „%(name)s“ hat einen ungültigen Wert: %(reason)s")
              % {"name": parameter, "reason": first.get("msg", "")}
              if parameter else _("Die Anfrage ist ungültig."))
    return problem(400, detail, parameter=parameter)


def from_http404(request, error):
    return problem(404, _("Diese Ressource gibt es nicht."))


def as_problem(request, response):
    """An error answer under /api/ that is not a problem document yet (Django's 404 page
    for an unknown path, ninja's 405, the 500 and 503 pages) turned into one."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(CONTENT_TYPE):
        return response
    replaced = problem(response.status_code)
    for header in ("Retry-After", "Allow"):
        if response.has_header(header):
            replaced[header] = response[header]
    return replaced
