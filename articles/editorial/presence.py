"""Who else has an article open: the change form tells before two people edit at once.

Opening the form records the user, and so does a heartbeat the form sends every
HEARTBEAT while it stays open (static/articles/admin/presence.js); closing it says
goodbye. Anyone recorded within PRESENCE_WINDOW counts as having it open: a colleague
whose browser closed without a goodbye drops out within a minute. Optimistic locking and
merging (articles.editorial.livecopy) catch the rest.
"""

from datetime import timedelta

from django.utils import timezone

from articles.models import EditingPresence

HEARTBEAT = timedelta(seconds=20)
PRESENCE_WINDOW = timedelta(seconds=60)


def touch(article, user, now=None):
    EditingPresence.objects.update_or_create(
        article=article, user=user, defaults={"seen_at": now or timezone.now()}
    )


def leave(article, user):
    EditingPresence.objects.filter(article=article, user=user).delete()


def others_editing(article, user, now=None):
    """The other users who have `article` open, most recent first."""
    since = (now or timezone.now()) - PRESENCE_WINDOW
    return [
        presence.user
        for presence in EditingPresence.objects.filter(article=article, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("-seen_at")
    ]
