"""Who else has an article open: the change form warns before two people edit at once.

Opening the form, and a heartbeat while it stays open, record the user; anyone recorded
within PRESENCE_WINDOW counts as still editing. Optimistic locking catches the rest.
"""

from datetime import timedelta

from django.utils import timezone

from articles.models import EditingPresence

PRESENCE_WINDOW = timedelta(minutes=5)


def touch(article, user, now=None):
    EditingPresence.objects.update_or_create(
        article=article, user=user, defaults={"seen_at": now or timezone.now()}
    )


def others_editing(article, user, now=None):
    """The other users who had `article` open within the window, most recent first."""
    since = (now or timezone.now()) - PRESENCE_WINDOW
    return [
        presence.user
        for presence in EditingPresence.objects.filter(article=article, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("-seen_at")
    ]

