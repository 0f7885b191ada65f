"""Every change of an article's status goes through here.

Who may do what is decided on the server, from the user's permissions: journalists
(Redaktion) write and submit for review; only editors (Chefredaktion), who hold
`articles.publish_article`, publish and archive.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Status

PUBLISH_PERMISSION = "articles.publish_article"
EDITOR_ONLY = {Status.PUBLISHED, Status.ARCHIVED}


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def check_status_change(user, old_status, new_status):
    """Raise PermissionDenied with a message a journalist understands, or return None."""
    if old_status == new_status or can_publish(user):
        return
    if new_status in EDITOR_ONLY:
        raise PermissionDenied(
            _("Nur die Chefredaktion darf Artikel veröffentlichen oder archivieren. "
              "Bitte reichen Sie den Artikel zur Prüfung ein.")
        )
    if old_status in EDITOR_ONLY:
        raise PermissionDenied(
            _("Nur die Chefredaktion darf veröffentlichte oder archivierte Artikel "
              "zurückziehen.")
        )


def change_status(article, new_status, user, now=None):
    """Set `article`'s status after checking `user` may; a first publication gets its time."""
    old_status = article.status if article.pk else Status.DRAFT
    check_status_change(user, old_status, new_status)
    article.status = new_status
    if new_status == Status.PUBLISHED and article.published_at is None:
        article.published_at = now or timezone.now()
