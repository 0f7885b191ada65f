"""Security headers on every response, the admin included.

The Content Security Policy allows scripts, styles, images and fonts from this site only
(plus the media origin when uploads live in object storage). Inline scripts run only
with the per-request nonce, which a template reads as `request.csp_nonce`; public pages
need none (JSON-LD is data, not a script), so cached pages and their header agree.
Inline styles stay allowed: the admin's widgets set them, and they cannot run code.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def media_origin():
    """The origin of uploaded files when they are not served by this site, else ''."""
    parts = urlsplit(settings.MEDIA_URL)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def content_security_policy(nonce=None, framed_by_self=False, framed_by_anyone=False):
    images = " ".join(filter(None, ["'self'", "data:", media_origin()]))
    # A page others frame runs no script at all (the news box has none).
    scripts = "'none'" if framed_by_anyone else "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    ancestors = "*" if framed_by_anyone else "'self'" if framed_by_self else "'none'"
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ])


class Nonce:
    """Made on first use, so only a response whose page used it names it in its policy."""

    def __init__(self):
        self.value = None

    def __str__(self):
        if self.value is None:
            self.value = secrets.token_urlsafe(16)
        return self.value


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = Nonce()
        response = self.get_response(request)
        # The embeddable news box (articles/api/embed.py) is framed by other sites, and only
        # it: by path, as a cached page carries no mark of the view that made it.
        embeddable = request.path.startswith(settings.NEWSROOM_EMBEDDABLE_PATHS)
        if embeddable:
            del response["X-Frame-Options"]
        # A page that this site frames itself (the admin's image chooser) says so the
        # Django way, with X-Frame-Options: SAMEORIGIN; every other page is never framed.
        response["Content-Security-Policy"] = content_security_policy(
            request.csp_nonce.value,
            framed_by_self=response.get("X-Frame-Options") == "SAMEORIGIN",
            framed_by_anyone=embeddable,
        )
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
