"""Scheduled updates of live articles go out by themselves, without cron."""

import time

from django.conf import settings

from articles import cache
from articles.editorial import workflow


class DueChangesMiddleware:
    """Publishes due scheduled updates before each request, ahead of the page cache. It
    reads the time of the next scheduled publication the page cache keeps anyway, so a
    request when nothing is due costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.files):
            due = cache.next_publication()
            if due and due <= time.time():
                workflow.publish_due_changes()
        return self.get_response(request)

    # Pictures and static files never show an article's text.
    files = (settings.MEDIA_URL, settings.STATIC_URL)
