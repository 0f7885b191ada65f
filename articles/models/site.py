"""The pages and links every public page carries: the legal pages and the main navigation."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .versioning import Versioned


class LegalPageKind(models.TextChoices):
    IMPRESSUM = "impressum", _("Impressum")
    PRIVACY = "datenschutz", _("Datenschutzerklärung")
    CONTACT = "kontakt", _("Kontakt")


class LegalPage(Versioned):
    """Impressum, Datenschutz and Kontakt: one row each, written by editors in the admin.

    Every save keeps the page as it was saved (LegalPageVersion), so what stood in the
    Impressum on a given day can be told later.
    """

    kind = models.CharField(_("Seite"), max_length=20, choices=LegalPageKind.choices,
                            unique=True)
    title = models.CharField(_("Titel"), max_length=120)
    body = models.TextField(
        _("Text"), blank=True,
        help_text=_("HTML: Absätze (p), Zwischenüberschriften (h2, h3), Listen und Links; "
                    "beim Speichern bereinigt."),
    )
    # § 18 Abs. 2 MStV: journalistic offers name who is responsible for their content,
    # with an address; the law asks for it separately from the provider's details.
    responsible = models.TextField(
        _("Verantwortlich nach § 18 Abs. 2 MStV"), blank=True,
        help_text=_("Name und Anschrift der verantwortlichen Person (nur im Impressum)."),
    )
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Rechtliche Seite")
        verbose_name_plural = _("Rechtliche Seiten")
        ordering = ["kind"]

    def __str__(self):
        return self.title or self.get_kind_display()

    def get_absolute_url(self):
        return reverse("articles:legal", args=[self.kind])

    @property
    def is_empty(self):
        from articles.sanitize import clean_html

        text = clean_html(self.body)
        if self.kind == LegalPageKind.IMPRESSUM:
            return not (text and self.responsible.strip())
        return not text


class LegalPageVersion(models.Model):
    """A legal page as it was saved."""

    page = models.ForeignKey(LegalPage, verbose_name=_("Seite"), on_delete=models.CASCADE,
                             related_name="versions")
    version = models.PositiveIntegerField(_("Version"))
    saved_at = models.DateTimeField(_("gespeichert am"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("von"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    title = models.CharField(_("Titel"), max_length=120)
    body = models.TextField(_("Text"), blank=True)
    responsible = models.TextField(_("Verantwortlich nach § 18 Abs. 2 MStV"), blank=True)

    class Meta:
        verbose_name = _("Fassung")
        verbose_name_plural = _("Fassungen")
        ordering = ["-version", "-pk"]

    def __str__(self):
        return f"{self.page} v{self.version}"


class NavigationItemQuerySet(models.QuerySet):
    def with_publicity(self):
        """Each item with `shown`: whether visitors see it, which they do while its topic
        or place has a public page (a public article is about it)."""
        from .tags import City, Topic

        return self.select_related("topic", "city").annotate(
            topic_public=Exists(Topic.objects.public().filter(pk=OuterRef("topic"))),
            city_public=Exists(City.objects.public().filter(pk=OuterRef("city"))),
        )


class NavigationItem(models.Model):
    """A leading topic or place in the main navigation, chosen and ordered by editors."""

    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    topic = models.ForeignKey("articles.Topic", verbose_name=_("Thema"), null=True,
                              blank=True, on_delete=models.CASCADE, related_name="+")
    city = models.ForeignKey("articles.City", verbose_name=_("Kommune"), null=True,
                             blank=True, on_delete=models.CASCADE, related_name="+")

    objects = NavigationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("Navigationspunkt")
        verbose_name_plural = _("Hauptnavigation")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=True, city__isnull=False)
                | Q(topic__isnull=False, city__isnull=True),
                name="navigation_item_topic_or_city",
                violation_error_message=_("Bitte genau ein Thema oder eine Kommune wählen."),
            )
        ]

    def __str__(self):
        return str(self.subject)

    @property
    def subject(self):
        return self.topic or self.city

    @property
    def shown(self):
        return bool(getattr(self, "topic_public", False) or getattr(self, "city_public", False))
