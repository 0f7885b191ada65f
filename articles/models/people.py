"""People and organisations the newsroom reports on, and the roles that link them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.slugs import unique_slug

from .images import licensed
from .subjects import Aliased, SubjectQuerySet
from .versioning import Versioned


class SluggedModel(Aliased, Versioned):
    """A named thing with a German slug made from its name when none is given."""

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(
        _("Kurzname in der URL"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Wird aus dem Namen erzeugt, wenn das Feld leer bleibt."),
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, instance_pk=self.pk, max_length=200)
        super().save(*args, **kwargs)


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "kommune", _("Kommune")
    MUNICIPAL_COMPANY = "kommunale-gesellschaft", _("kommunale Gesellschaft")
    ASSOCIATION = "verband", _("Verband")
    COMPANY = "unternehmen", _("Unternehmen")
    RESEARCH = "forschung", _("Forschung")
    MEDIA = "medien", _("Medien")
    GOVERNMENT = "bund-land", _("Bund/Land")
    OTHER = "sonstige", _("Sonstige")


class Organisation(SluggedModel):
    kind = models.CharField(
        _("Art"), max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    city = models.ForeignKey(
        "articles.City",
        verbose_name=_("Kommune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("Website"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnete Organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    article_field = "organisations"  # what Article calls them: SubjectQuerySet.public()

    objects = SubjectQuerySet.as_manager()

    class Meta(SluggedModel.Meta):
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")

    def get_absolute_url(self):
        return reverse("articles:organisation", args=[self.slug])

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("Eine Organisation kann nicht unter sich selbst stehen.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Person(SluggedModel):
    description = models.CharField(
        _("Kurzbeschreibung"),
        max_length=300,
        blank=True,
        help_text=_("Ein Satz, der die Person einordnet."),
    )
    portrait = models.ForeignKey(
        "articles.Image",
        verbose_name=_("Porträt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    article_field = "people"

    objects = SubjectQuerySet.as_manager()

    class Meta(SluggedModel.Meta):
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")

    def get_absolute_url(self):
        return reverse("articles:person", args=[self.slug])

    @property
    def public_portrait(self):
        """The portrait as visitors see it: none once its licence has ended."""
        return licensed(self.portrait)


class AffiliationQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=day),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day),
        )


class Affiliation(models.Model):
    """A person's role at an organisation for a span of time (both ends optional)."""

    person = models.ForeignKey(
        Person, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="affiliations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    role = models.CharField(_("Funktion"), max_length=150)
    start_date = models.DateField(_("seit"), null=True, blank=True)
    end_date = models.DateField(_("bis"), null=True, blank=True)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Funktion")
        verbose_name_plural = _("Funktionen")
        ordering = [F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=F("start_date")),
                name="affiliation_ends_after_start",
                violation_error_message=_("Das Ende liegt vor dem Beginn."),
            )
        ]

    def __str__(self):
        return f"{self.role}, {self.organisation}"

    def is_current(self, day=None):
        day = day or timezone.localdate()
        started = self.start_date is None or self.start_date <= day
        return started and (self.end_date is None or self.end_date >= day)

    def is_future(self, day=None):
        day = day or timezone.localdate()
        return self.start_date is not None and self.start_date > day
