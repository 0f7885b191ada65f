"""What happened to an article: every saved version, and every workflow step.

Revisions are our own small model rather than django-reversion: an article's state is one
row plus four tag-like relations, and a revision is simply that state as JSON. The whole
article (tags, people, organisations, image) fits in one `data` document, which makes diffs
and restores plain dictionary work.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .article import Status


class Revision(models.Model):
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("Artikel"), on_delete=models.CASCADE,
        related_name="revisions",
    )
    version = models.PositiveIntegerField(_("Version"))
    created_at = models.DateTimeField(_("gespeichert am"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("von"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    data = models.JSONField(_("Inhalt"))
    note = models.CharField(_("Anmerkung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Version")
        verbose_name_plural = _("Versionen")
        ordering = ["-version", "-pk"]
        get_latest_by = "version"
        indexes = [models.Index(fields=["article", "-version"], name="revision_article_idx")]

    def __str__(self):
        return f"{self.article_id} v{self.version}"


class Transition(models.TextChoices):
    SUBMIT = "submit", _("zur Prüfung eingereicht")
    PUBLISH = "publish", _("veröffentlicht")
    SCHEDULE = "schedule", _("terminiert")
    SEND_BACK = "send_back", _("zurückgegeben")
    ARCHIVE = "archive", _("archiviert")
    REOPEN = "reopen", _("wieder in Bearbeitung")
    SUBMIT_CHANGES = "submit_changes", _("Änderungen zur Prüfung eingereicht")
    PUBLISH_CHANGES = "publish_changes", _("Änderungen veröffentlicht")
    SCHEDULE_CHANGES = "schedule_changes", _("Änderungen terminiert")
    SEND_BACK_CHANGES = "send_back_changes", _("Änderungen zurückgegeben")
    DISCARD_CHANGES = "discard_changes", _("Änderungen verworfen")
    TRASH = "trash", _("in den Papierkorb gelegt")
    UNTRASH = "untrash", _("aus dem Papierkorb geholt")
    MERGE_SUBJECT = "merge_subject", _("Schlagwort zusammengeführt")


class WorkflowEvent(models.Model):
    """Who published, scheduled, sent back or archived what, and when."""

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("Artikel"), on_delete=models.CASCADE,
        related_name="workflow_events",
    )
    transition = models.CharField(_("Schritt"), max_length=20, choices=Transition.choices)
    from_status = models.CharField(_("von Status"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("zu Status"), max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("durch"), on_delete=models.SET_NULL,
        null=True, related_name="+",
    )
    at = models.DateTimeField(_("am"), auto_now_add=True)
    publish_at = models.DateTimeField(_("Veröffentlichung"), null=True, blank=True)
    comment = models.TextField(_("Kommentar"), blank=True)
    # An editor published despite serious accessibility findings: why, and which.
    accessibility_override = models.TextField(_("Begründung (Barrierefreiheit)"), blank=True)
    accessibility_findings = models.JSONField(_("übergangene Befunde"), default=list,
                                              blank=True)

    class Meta:
        verbose_name = _("Workflow-Schritt")
        verbose_name_plural = _("Workflow-Schritte")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_transition_display()} ({self.at:%d.%m.%Y %H:%M})"


class ArticleRedirect(models.Model):
    """An old slug of a public article; its URL answers 301 to the article's current one."""

    old_slug = models.SlugField(_("alter Kurzname"), max_length=200, unique=True)
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("Artikel"), on_delete=models.CASCADE,
        related_name="redirects",
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Weiterleitung")
        verbose_name_plural = _("Weiterleitungen")

    def __str__(self):
        return self.old_slug


class EditingPresence(models.Model):
    """Who had an article's form open, and when last: the basis of the "also open" warning."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="editing_presences"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Bearbeitung")
        verbose_name_plural = _("Bearbeitungen")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="unique_editing_presence")
        ]

    def __str__(self):
        return f"{self.user} @ {self.article_id}"
