"""Optimistic locking for the things several people edit at once.

Each save of a versioned row raises its version, and a save is taken only from a copy
that carries the current version: of two people who opened the same picture, person or
teaser, the second to save is told, and nothing the first saved is silently overwritten.
The article does the same in its own `save` (and merges, see articles.editorial.livecopy).
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class StaleSave(Exception):
    """Someone saved the row since this copy was loaded; saving would overwrite it."""


class Versioned(models.Model):
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)

    class Meta:
        abstract = True

    def claim_version(self, expected):
        """Raise the stored version from `expected`, or raise StaleSave if it moved on.

        The conditional UPDATE locks the row until the transaction ends, so of two
        concurrent saves from the same version exactly one wins.
        """
        claimed = type(self)._default_manager.filter(pk=self.pk, version=expected).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StaleSave(self.pk)
        self.version = expected + 1
