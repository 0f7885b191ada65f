"""Where imported content came from, so that an import run again changes nothing.

One row per item of a foreign source (a WordPress post or attachment, a feed entry),
keyed by the source's own identity of it. WordPress posts also keep their old address
(slug and date), from which the public site answers their old permalinks with 301.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    class Source(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress"
        FEED = "feed", _("Feed")

    # With `key`, the identity of the item in its source.
    source = models.CharField(_("Quelle"), max_length=20, choices=Source.choices)
    # The WordPress post id ("123", attachments "attachment:123") or a feed entry's id;
    # long keys are stored as their SHA-256 (articles.importers.common.short_key).
    key = models.CharField(_("Schlüssel"), max_length=255)
    # The GUID WordPress exports with each post: a second key for the same post.
    guid = models.CharField(_("GUID"), max_length=255, blank=True, db_index=True)
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("Artikel"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="imported_as",
    )
    image = models.ForeignKey(
        "articles.Image", verbose_name=_("Bild"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="imported_as",
    )
    # The post's address on the old site: /YYYY/MM/DD/<old_slug>/ and the like.
    old_slug = models.CharField(_("alter Kurzname"), max_length=200, blank=True,
                                db_index=True)
    old_date = models.DateField(_("altes Datum"), null=True, blank=True)
    # What the item was when imported, and the article's version then: a later run
    # brings a changed item over only while nobody here has edited the article since.
    digest = models.CharField(_("Prüfsumme"), max_length=64, blank=True)
    article_version = models.PositiveIntegerField(_("Artikelversion"), null=True, blank=True)
    imported_at = models.DateTimeField(_("importiert am"), auto_now_add=True)

    class Meta:
        verbose_name = _("importierter Eintrag")
        verbose_name_plural = _("importierte Einträge")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="unique_imported_item")
        ]

    def __str__(self):
        return f"{self.source}:{self.key}"
