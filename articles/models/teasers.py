"""Curated teasers: an editor's promotion of an article in a named placement."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .images import licensed
from .versioning import Versioned


class Placement(models.TextChoices):
    LEAD = "aufmacher", _("Aufmacher")
    MORE = "weitere-meldungen", _("Weitere Meldungen")


class TeaserQuerySet(models.QuerySet):
    def active(self, now=None):
        """Teasers in their window whose article is public."""
        from .article import Status

        now = now or timezone.now()
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=now),
            Q(active_until__isnull=True) | Q(active_until__gt=now),
            article__status=Status.PUBLISHED,
            article__published_at__lte=now,
        )


class Teaser(Versioned):
    placement = models.CharField(_("Platzierung"), max_length=30, choices=Placement.choices)
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("Artikel"), on_delete=models.CASCADE,
        related_name="teasers",
    )
    kicker = models.CharField(
        _("Dachzeile"), max_length=80, blank=True, help_text=_("Leer: die des Artikels.")
    )
    headline = models.CharField(
        _("Überschrift"), max_length=200, blank=True, help_text=_("Leer: die des Artikels.")
    )
    text = models.TextField(_("Text"), blank=True, help_text=_("Leer: der Anreißer des Artikels."))
    image = models.ForeignKey(
        "articles.Image", verbose_name=_("Bild"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+", help_text=_("Leer: das Aufmacherbild des Artikels."),
    )
    active_from = models.DateTimeField(_("sichtbar ab"), null=True, blank=True)
    active_until = models.DateTimeField(_("sichtbar bis"), null=True, blank=True)

    objects = TeaserQuerySet.as_manager()

    class Meta:
        verbose_name = _("Teaser")
        verbose_name_plural = _("Teaser")
        ordering = ["placement", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gt=models.F("active_from")),
                name="teaser_window_ends_after_start",
                violation_error_message=_("„Sichtbar bis“ liegt vor „sichtbar ab“."),
            ),
            # Without a pin the newest article leads the home page; a pin that never
            # ended would keep an old story on top of all later news.
            models.CheckConstraint(
                condition=~Q(placement=Placement.LEAD) | Q(active_until__isnull=False),
                name="lead_teaser_has_end",
                violation_error_message=_("Ein angehefteter Aufmacher braucht ein Ende: "
                                          "bitte „sichtbar bis“ angeben."),
            ),
        ]

    def __str__(self):
        return f"{self.get_placement_display()} {self.position}: {self.display_headline}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    # What a teaser shows: its own override, else the article's value.
    @property
    def display_kicker(self):
        return self.kicker or self.article.kicker

    @property
    def display_headline(self):
        return self.headline or self.article.headline

    @property
    def display_text(self):
        return self.text or self.article.teaser

    @property
    def display_image(self):
        """The teaser's own picture, else the article's; none whose licence has ended (a
        teaser whose own picture ended shows none rather than another one)."""
        return licensed(self.image or self.article.lead_image)

    @property
    def date(self):
        return self.article.published_at


def placement_teasers(placement, limit, exclude=()):
    """The active teasers of `placement`, or the newest public articles wrapped as unsaved
    teasers when editors curated none, so templates render both the same way."""
    from .article import LIST_DEFERRED, Article

    curated = list(
        Teaser.objects.active()
        .filter(placement=placement)
        .exclude(article__in=list(exclude))
        .select_related("article__lead_image__credit", "image__credit")
        .defer(*(f"article__{name}" for name in LIST_DEFERRED))[:limit]
    )
    if curated:
        return curated
    articles = Article.objects.published().exclude(pk__in=list(exclude)).for_lists()[:limit]
    return [Teaser(placement=placement, article=a) for a in articles]
