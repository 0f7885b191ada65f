"""Uploaded files (media) as visitors receive them, whichever storage holds them.

Every stored name is random or follows from an image's row, and a file never changes
under its name (articles/models/images.py, articles/images.py; renditions made anew get
a new `?v=` in their URLs), so any copy may be kept for a year. The type is read from the
name's extension, which the site chose after re-encoding the picture, never from what an
upload claimed; with nosniff, browsers take that type as given.

With local storage the app servers serve MEDIA_ROOT themselves (NEWSROOM_SERVE_MEDIA),
so a production setup needs no separate web server; object storage serves its own files
(newsroom/storage.py).
"""

import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils._os import safe_join
from django.views import static
from django.views.decorators.http import require_safe

from articles.images import public_picture_of_file

YEAR = 31536000
CACHE_CONTROL = f"public, max-age={YEAR}, immutable"


def cache_control(picture):
    """A year, or until the picture's licence ends: no browser or CDN keeps it longer."""
    ends_at = picture.credit.ends_at if picture.credit_id else None
    if ends_at is None:
        return CACHE_CONTROL
    seconds = int((ends_at - timezone.now()).total_seconds())
    return f"public, max-age={max(0, min(YEAR, seconds))}"


def content_type(name):
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


@require_safe
def serve(request, name):
    """A file under MEDIA_ROOT: names that climb out of it (`../`) are refused by
    django.views.static.serve, which also answers If-Modified-Since.

    Visitors get only public pictures (articles.images.public_picture_of_file): a picture
    of a draft, a scheduled or an archived article, or one whose licence has ended, is 404
    for them, whatever its address; staff get every picture, kept by no shared cache."""
    try:
        safe_join(settings.MEDIA_ROOT, name)
    except SuspiciousFileOperation:
        picture = None  # static.serve refuses the name below, without asking anybody
    else:
        picture = public_picture_of_file(name)
        if picture is None and not (request.user.is_authenticated and request.user.is_staff):
            raise Http404(name)
    response = static.serve(request, name, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control(picture) if picture else "private, no-store"
    return response


def urlpatterns():
    """The route for serve(), when this site serves its media itself; else none."""
    if not settings.NEWSROOM_SERVE_MEDIA:
        return []
    return [path(f"{settings.MEDIA_URL.lstrip('/')}<path:name>", serve, name="media")]
