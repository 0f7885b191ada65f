"""Fixed-window counters in the shared cache, for rate limits.

The counter lives in the Django cache (Redis or the machine's shared files), so every
gunicorn worker and every server counts one client once rather than each granting the
full limit.
"""

import time


def count(name, window, now=None):
    """Count one more hit for `name` in the current window of `window` seconds; the count
    so far and the window's start (a Unix time). A cache that is away counts nothing."""
    from django.core.cache import cache

    window = max(1, window)
    now = time.time() if now is None else now
    start = int(now // window * window)
    key = f"newsroom:rate:{name}:{start}"
    # add() is a no-op when the key exists; the counter expires with its window.
    cache.add(key, 0, timeout=window + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add() and incr(): a fresh window
        cache.add(key, 1, timeout=window + 1)
        hits = 1
    return hits or 0, start
