"""The site's two cache backends, as newsroom/settings.py chooses them.

- FailOpenRedisCache (with REDIS_URL, shared by several machines): Django's RedisCache
  raises on a lost connection, which would turn a cache outage into an outage of every
  page. Here each call answers like a cache miss (or a write that did not happen) instead,
  and the short socket timeouts set in settings keep a worker from waiting on a Redis that
  does not answer.
- FileCache (without Redis, shared by the workers of one machine): Django's file cache,
  made cheap to write to.
"""

import logging
import time

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# While Redis is down, warn once per this many seconds rather than once per request.
WARNING_INTERVAL = 30


class FailOpenRedisCache(RedisCache):
    _last_warning = 0.0

    def _guard(self, call, fallback, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except RedisError as error:
            now = time.monotonic()
            if now - FailOpenRedisCache._last_warning > WARNING_INTERVAL:
                FailOpenRedisCache._last_warning = now
                logger.warning("Cache unavailable, serving without it: %s", error)
            return fallback

    def ping(self):
        """Whether Redis answers right now: for the readiness check, which must know."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError:
            return False

    def get(self, key, default=None, version=None):
        return self._guard(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guard(super().has_key, False, key, version)

    def set(self, *args, **kwargs):
        return self._guard(super().set, None, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._guard(super().set_many, [], *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._guard(super().add, False, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._guard(super().touch, False, *args, **kwargs)

    def incr(self, key, delta=1, version=None):
        return self._guard(super().incr, None, key, delta, version)

    def delete(self, *args, **kwargs):
        return self._guard(super().delete, False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._guard(super().delete_many, None, *args, **kwargs)

    def clear(self):
        return self._guard(super().clear, None)


class FileCache(FileBasedCache):
    """Django's FileBasedCache counts its files before every write, to cull when there
    are more than MAX_ENTRIES: a listing of the whole folder (14 ms at 20,000 entries, and
    growing with them) on each page, count and key version a miss keeps. Here each
    process counts at most once per CULL_SECONDS, so one request a minute per worker pays
    for it; between counts the folder may grow by what the site writes in that time.
    Culling drops entries at random, as Django's does: a dropped key version only renews
    the pages that showed it (articles.surrogate_keys)."""

    CULL_SECONDS = 60
    _counted_at = None  # per process: when this worker last counted the folder

    def _cull(self):
        now = time.monotonic()
        if FileCache._counted_at is None or now - FileCache._counted_at >= self.CULL_SECONDS:
            FileCache._counted_at = now
            super()._cull()
