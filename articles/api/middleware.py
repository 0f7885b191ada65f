"""What every request and answer under /api/ gets, cached or not: no cookies either way,
the rate limit, problem details for errors and caching headers.

It sits outside the page cache (newsroom/settings.py), so a cached answer is counted
against the limit like any other, and an error page from anywhere below becomes JSON.
"""

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from articles import cache as page_cache

from . import errors, throttle

API_PREFIX = "/api/"


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        # The API is anonymous: cookies a browser sends along (an editor's session) are
        # ignored, so everyone gets the same, cacheable answer and no session is read.
        request.META.pop("HTTP_COOKIE", None)
        request.COOKIES = {}
        # HEAD is GET without the body (as Django's views answer it), from the cache alike.
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = self.respond(request)
        if head:
            request.method = "HEAD"
            if not response.streaming:
                length = len(response.content)
                response.content = b""
                response["Content-Length"] = str(length)
        return response

    def respond(self, request):
        wait = throttle.retry_after(request)
        if wait is not None:
            response = errors.problem(
                429, _("Zu viele Anfragen von dieser Adresse; bitte in %(seconds)d Sekunden "
                       "erneut versuchen.") % {"seconds": wait})
            response["Retry-After"] = str(wait)
            return response
        response = errors.as_problem(request, self.get_response(request))
        if response.status_code in (200, 304):
            # Public data, the same for everyone: a proxy or CDN may keep it briefly (the
            # page cache keeps it until content changes).
            patch_cache_control(response, public=True, max_age=page_cache.public_max_age())
        # Nothing under /api/ sets a cookie: no session, no CSRF token, no language.
        response.cookies.clear()
        return response
