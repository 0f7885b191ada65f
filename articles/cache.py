"""The page cache: anonymous visitors get public pages from the cache, never stale.

Every cached page is stored under the current *generation*, a number in the shared
cache. Any change to published content (an article, a teaser, a person, a tag, a
credit ...) raises the generation, so the next request for any page renders afresh:
exact and immediate, with two or twenty app servers sharing one Redis. A scheduled
article needs no save to appear: no page is kept past the next scheduled publication.

Staff, previews, POSTs and requests carrying a session never touch the cache; pages
that set a cookie are never stored. Hits answer 304 to a matching If-None-Match
without rendering anything.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

GENERATION_KEY = "newsroom:pages:generation"
CACHEABLE_STATUS = {200, 301, 410}
COPIED_HEADERS = ("Content-Type", "Content-Language", "Location", "X-Robots-Tag", "Vary")
# Sent by the request that finds the next scheduled publication's time has passed.
came_due = Signal()


def generation():
    current = cache.get(GENERATION_KEY)
    if current is None:
        # Missing (a fresh or restarted cache): start anew rather than at an old number
        # whose pages another server may still hold.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        current = cache.get(GENERATION_KEY, 0)
    return current


def invalidate():
    """Make every cached page stale; call after any change visitors could see.

    A new number rather than an increment: the file-based cache increments by reading
    and writing, and two workers could both write N + 1, the second change then
    retiring nothing."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def next_publication(current_generation):
    """When the next scheduled article or scheduled update of a live article is due, as
    a timestamp (0: none is; None: the database cannot say). Kept per generation; asked
    again once that time has passed, so a due update is seen by the next request, which
    sends `came_due`."""
    key = f"newsroom:pages:{current_generation}:next-publication"
    due = cache.get(key)
    if due and due <= time.time():
        # A scheduled article's time passed without any write: whoever acts on that
        # (its pictures' renditions, articles.images) hears it here, once per such time.
        came_due.send(sender=None)
    if due is None or (due and due <= time.time()):
        from articles.models import Article, Status, WorkingCopy

        now = timezone.now()
        scheduled = Article.objects.filter(
            status=Status.PUBLISHED, published_at__gt=now
        ).order_by().values_list("published_at", flat=True)
        # An update is due from its time until it is applied.
        updates = WorkingCopy.objects.filter(
            publish_at__isnull=False).order_by().values_list("publish_at", flat=True)
        try:
            first = scheduled.union(updates).order_by("published_at").first()
        except (OperationalError, InterfaceError):
            return None
        due = first.timestamp() if first else 0
        # Kept until past that time, so that the request after it sees it pass.
        timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS + max(0, due - time.time())
        cache.set(key, due, timeout=timeout)
    return due


def seconds_until_next_publication(current_generation):
    """How long a page may live before a scheduled article or update is due (None: none
    is; 0: the page must not be kept)."""
    due = next_publication(current_generation)
    if due is None:
        # The database is away, yet the view did without it (robots.txt): serve the
        # page, but keep it nowhere, as nobody can tell how long it stays true.
        return 0
    return max(0, due - time.time()) if due else None


def lifetime(current_generation):
    """How many seconds something derived from public content may be kept: the page
    cache's time, cut short by the next scheduled publication; 0 means not at all."""
    timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS
    due = seconds_until_next_publication(current_generation)
    return timeout if due is None else min(timeout, int(due))


def remember(name, compute):
    """`compute()`, kept in the shared cache until public content changes, exactly like
    the pages: for data that many pages need and that costs a query to get (the list of
    cities, the number of articles in a list). `compute` must not return None."""
    current_generation = generation()
    key = f"newsroom:data:{current_generation}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        timeout = lifetime(current_generation)
        if timeout > 0:
            cache.set(key, value, timeout)
    return value


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_cacheable_request(request):
            response = self.get_response(request)
            if self.has_session(request) and "public" not in response.get("Cache-Control", ""):
                # Logged-in pages differ per person: no proxy or CDN may keep them. (Files
                # marked public, such as uploaded images, are the same for everyone.)
                patch_cache_control(response, private=True, no_store=True)
            return response
        current_generation = generation()
        key = self.key(request, current_generation)
        entry = cache.get(key)
        if entry is not None:
            return self.respond(request, self.from_entry(entry), hit=True)
        response = self.get_response(request)
        if not self.is_cacheable_response(response):
            return response
        response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'
        patch_cache_control(response, public=True, max_age=settings.NEWSROOM_PUBLIC_MAX_AGE)
        timeout = lifetime(current_generation)
        if timeout > 0:
            cache.set(key, self.to_entry(response), timeout)
        return self.respond(request, response, hit=False)

    @staticmethod
    def has_session(request):
        return settings.SESSION_COOKIE_NAME in request.COOKIES

    def is_cacheable_request(self, request):
        return (
            settings.NEWSROOM_PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and not self.has_session(request)
            and "messages" not in request.COOKIES
            and not request.path.startswith(settings.NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS)
        )

    @staticmethod
    def is_cacheable_response(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code in CACHEABLE_STATUS
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    @staticmethod
    def key(request, current_generation):
        url = hashlib.md5(request.build_absolute_uri().encode()).hexdigest()
        return f"newsroom:page:{current_generation}:{url}"

    @staticmethod
    def to_entry(response):
        headers = {name: response[name] for name in (*COPIED_HEADERS, "ETag", "Cache-Control")
                   if response.has_header(name)}
        return {"status": response.status_code, "content": response.content,
                "headers": headers}

    @staticmethod
    def from_entry(entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"].items():
            response[name] = value
        return response

    @staticmethod
    def respond(request, response, *, hit):
        response["X-Page-Cache"] = "hit" if hit else "miss"
        return get_conditional_response(request, etag=response["ETag"], response=response)


# Saved with every article change, but never shown to visitors on their own.
INVISIBLE_MODELS = {"revision", "workflowevent", "editingpresence", "workingcopy"}


def _content_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed announces every change twice; the "post_" half counts
    opts = sender._meta
    ours = opts.app_label == "articles" and opts.model_name not in INVISIBLE_MODELS
    # Bylines show users' names; a login, which only touches last_login, changes nothing.
    byline = opts.label == settings.AUTH_USER_MODEL and set(
        kwargs.get("update_fields") or ()
    ) != {"last_login"}
    if ours or byline:
        invalidate()


def connect_invalidation():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_content_changed, dispatch_uid=f"newsroom-page-cache-{signal}")
