"""The page cache: anonymous visitors get public pages from the cache, never stale.

Every cached page keeps the surrogate keys of what it shows and their versions
(articles.surrogate_keys); a change to published content bumps exactly the keys it
concerns, so the pages that show it render afresh and all others stay: exact and
immediate, with two or twenty app servers sharing one Redis, or the workers of one
machine sharing its file cache. A scheduled article needs no save to appear, and a picture
whose licence ends none to go: no page is kept past the next scheduled publication or
licence end.

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

from articles import surrogate_keys

CACHEABLE_STATUS = {200, 301, 410}
COPIED_HEADERS = ("Content-Type", "Content-Language", "Location", "X-Robots-Tag", "Vary",
                  "Surrogate-Key", "Cache-Tag")
# Sent by the request that finds the next scheduled publication's time has passed.
came_due = Signal()


def next_publication():
    """When the next scheduled article or scheduled update of a live article is due, a
    teaser window starts or ends, or the next picture licence ends, as a timestamp (0:
    nothing is; None: the database cannot say). Kept until a schedule may have changed
    (the "listing" and "schedule" keys of articles.surrogate_keys; saving a credit bumps
    "schedule"), and asked again once that time has passed, so the next request sees it
    and sends `came_due`."""
    stamps = surrogate_keys.versions([surrogate_keys.LISTING, surrogate_keys.SCHEDULE])
    key = f"newsroom:pages:next-publication:{stamps[surrogate_keys.LISTING]}:" + str(
        stamps[surrogate_keys.SCHEDULE])
    due = cache.get(key)
    if due and due <= time.time():
        # A scheduled article's time passed without any write: whoever acts on that
        # (its pictures' renditions, articles.images) hears it here, once per such time.
        came_due.send(sender=None)
    if due is None or (due and due <= time.time()):
        from articles.models import Article, ImageCredit, Status, Teaser, WorkingCopy

        now = timezone.now()
        scheduled = Article.objects.filter(
            status=Status.PUBLISHED, published_at__gt=now
        ).order_by().values_list("published_at", flat=True)
        # An update is due from its time until it is applied.
        updates = WorkingCopy.objects.filter(
            publish_at__isnull=False).order_by().values_list("publish_at", flat=True)
        # A picture leaves the site when its licence ends as an article arrives when it
        # is due: no page may show it longer.
        licence_ends = ImageCredit.objects.filter(
            ends_at__gt=now).order_by().values_list("ends_at", flat=True)
        # A teaser's window opening or closing changes the home page (a pinned lead
        # story's end above all).
        windows = [Teaser.objects.filter(**{f"{bound}__gt": now}).order_by()
                   .values_list(bound, flat=True) for bound in ("active_from", "active_until")]
        try:
            first = scheduled.union(updates, licence_ends, *windows).order_by(
                "published_at").first()
        except (OperationalError, InterfaceError):
            return None
        due = first.timestamp() if first else 0
        # Kept until past that time, so that the request after it sees it pass.
        timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS + max(0, due - time.time())
        cache.set(key, due, timeout=timeout)
    return due


def ask_next_publication(keys, **signal):
    """Receives surrogate_keys.committed: after a change to what is listed or scheduled,
    the next publication's time is asked in the request that changed it, not in the next
    visitor's."""
    if keys & {surrogate_keys.LISTING, surrogate_keys.SCHEDULE}:
        next_publication()


def seconds_until_next_publication():
    """How long a page may live before a scheduled article or update is due (None: none
    is; 0: the page must not be kept)."""
    due = next_publication()
    if due is None:
        # The database is away, yet the view did without it (robots.txt): serve the
        # page, but keep it nowhere, as nobody can tell how long it stays true.
        return 0
    return max(0, due - time.time()) if due else None


def _until_due(seconds):
    """`seconds`, cut short by the next scheduled publication or licence end."""
    due = seconds_until_next_publication()
    return seconds if due is None else min(seconds, int(due))


def lifetime():
    """How many seconds something derived from public content may be kept: the page
    cache's time, cut short by the next scheduled publication or licence end; 0 means
    not at all."""
    return _until_due(settings.NEWSROOM_PAGE_CACHE_SECONDS)


def public_max_age():
    """How long a CDN or browser may keep a public answer: NEWSROOM_PUBLIC_MAX_AGE, but not
    past the next publication or licence end either."""
    return _until_due(settings.NEWSROOM_PUBLIC_MAX_AGE)


def remember(name, compute, *, lists=None):
    """`compute()`, kept in the shared cache until a list it comes from changes, exactly
    like the pages: for data that many pages need and that costs a query to get (the list
    of cities, the number of articles in a list). It follows the lists of the page being
    rendered (a topic's page: that topic's), which `name` must tell apart.

    `lists` names the lists it follows instead, without making the page one that shows
    them: an article's related news follows the newest articles, yet a publication does
    not renew every cached article page."""
    keys = lists or surrogate_keys.current_lists() or [surrogate_keys.LISTING]
    if lists is None:
        surrogate_keys.shows(*keys)
    key = f"newsroom:data:{name}"
    entry = cache.get(key)
    if entry is not None and surrogate_keys.still_fresh(entry):
        return entry["value"]
    stamp = surrogate_keys.stamp()
    value = compute()
    _keep(key, stamp, lambda made_with: {"value": value, "versions": made_with}, keys)
    return value


def remember_shown(name, compute, *, follows=(surrogate_keys.LISTING,)):
    """Like `remember`, for data that names the keys it shows: `compute()` returns
    (value, keys), and the page being rendered shows those keys, hit or miss. The data
    is kept until one of them changes or one of `follows` does: renewed with the lists,
    it costs a page the same queries right after a publication as before, while the
    pages showing it need not renew with every list."""
    key = f"newsroom:data:{name}"
    entry = cache.get(key)
    if entry is not None and surrogate_keys.still_fresh(entry):
        surrogate_keys.shows(*(k for k in entry["versions"] if k not in follows))
        return entry["value"]
    stamp = surrogate_keys.stamp()
    value, keys = compute()
    surrogate_keys.shows(*keys)
    _keep(key, stamp, lambda made_with: {"value": value, "versions": made_with},
          [*keys, *follows])
    return value


def _keep(key, stamp, entry, keys):
    """Store entry(versions of `keys`) under `key` for as long as it may live, unless
    public content changed since `stamp` was read: what was read may be old already.
    The entry keeps that stamp too (surrogate_keys.still_fresh)."""
    timeout = lifetime()
    if timeout <= 0:
        return
    made_with = surrogate_keys.versions(keys)
    if None not in made_with.values() and surrogate_keys.stamp() == stamp:
        cache.set(key, {**entry(made_with), "stamp": stamp}, timeout)


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
        key = self.key(request)
        entry = cache.get(key)
        if entry is not None and surrogate_keys.still_fresh(entry):
            return self.respond(request, self.from_entry(entry), state="hit")
        stamp = surrogate_keys.stamp()
        with surrogate_keys.recording() as shown:
            response = self.get_response(request)
        if not self.is_cacheable_response(response):
            return response
        keys = shown.keys()
        response["Surrogate-Key"] = " ".join(keys)
        response["Cache-Tag"] = ",".join(keys)
        response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'
        _keep(key, stamp, lambda made_with: self.to_entry(response, made_with), keys)
        # "stale": kept, but something it shows has changed since; "miss": not kept (never
        # asked for, expired or culled). Operators and the news-day benchmark tell apart
        # what invalidation costs from what a cold cache does.
        return self.respond(request, response, state="miss" if entry is None else "stale")

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
    def key(request):
        url = hashlib.md5(request.build_absolute_uri().encode()).hexdigest()
        return f"newsroom:page:{url}"

    @staticmethod
    def to_entry(response, made_with):
        headers = {name: response[name] for name in (*COPIED_HEADERS, "ETag", "Cache-Control")
                   if response.has_header(name)}
        return {"status": response.status_code, "content": response.content,
                "headers": headers, "versions": made_with}

    @staticmethod
    def from_entry(entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"].items():
            response[name] = value
        return response

    @staticmethod
    def respond(request, response, *, state):
        # Worked out anew for every answer, a kept one included.
        patch_cache_control(response, public=True, max_age=public_max_age())
        response["X-Page-Cache"] = state
        return get_conditional_response(request, etag=response["ETag"], response=response)
