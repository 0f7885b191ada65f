"""Changes to an article that is (or was) on the site: its working copy.

The article row is what visitors see. Once an editor has published an article, saving it
no longer writes the row: the content goes into the article's one working copy, as the
same JSON document a revision holds, and reaches the row only when an editor publishes
the changes (articles.editorial.livecopy). Nothing public reads this table.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeState(models.TextChoices):
    DRAFT = "draft", _("Änderungen in Bearbeitung")
    REVIEW = "review", _("Änderungen in Prüfung")


class WorkingCopy(models.Model):
    article = models.OneToOneField(
        "articles.Article", verbose_name=_("Artikel"), on_delete=models.CASCADE,
        related_name="working_copy",
    )
    data = models.JSONField(_("Inhalt"))
    state = models.CharField(
        _("Status der Änderungen"), max_length=20, choices=ChangeState.choices,
        default=ChangeState.DRAFT,
    )
    # Set by an editor: the changes go live by themselves at this time.
    publish_at = models.DateTimeField(_("Änderungen veröffentlichen am"), null=True, blank=True)
    # Shown under the article once the changes are live; empty for silent fixes.
    correction = models.TextField(_("Korrekturhinweis"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("zuletzt von"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("Arbeitskopie")
        verbose_name_plural = _("Arbeitskopien")
        indexes = [models.Index(fields=["publish_at"], name="workingcopy_due_idx")]

    def __str__(self):
        return str(self.article)
