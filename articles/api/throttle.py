"""A rate limit per client address for the API, counted in the shared cache.

A fixed window per address: simple, and the counter lives in the Django cache (Redis or
the machine's shared files), so four gunicorn workers or two servers count one client
once rather than each granting the full limit. The address is `client_address()`, which
honours TRUSTED_PROXY_COUNT: behind a proxy every client gets its own count, and nobody
escapes the limit by sending a forged X-Forwarded-For.
"""

import time

from django.conf import settings

from newsroom import ratelimit
from newsroom.clientaddress import client_address


def retry_after(request, now=None):
    """Count this request; seconds until the client may ask again when it is over the
    limit, else None."""
    window = max(1, settings.NEWSROOM_API_RATE_WINDOW)
    now = time.time() if now is None else now
    hits, start = ratelimit.count(f"api:{client_address(request)}", window, now)
    if hits <= settings.NEWSROOM_API_RATE_LIMIT:
        return None
    return max(1, int(start + window - now + 0.999))
