"""Topics and cities: two separate tag vocabularies on top of django-taggit.

Each vocabulary has its own tag model and its own through model, so a city can never
show up as a topic. Tags are case-insensitive: `name_key` holds the case-folded name
under a unique constraint, which the database enforces the same way on SQLite and
PostgreSQL (SQLite's LOWER() only folds ASCII, so "LÜBECK" would slip past it).
"""

from django.db import models, router
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles.slugs import german_slugify

from .subjects import Aliased, SubjectQuerySet


def normalise_tag_name(name):
    return " ".join(str(name).split())


def tag_key(name):
    return normalise_tag_name(name).casefold()


class GermanTag(Aliased, TagBase):
    name_key = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.name = normalise_tag_name(self.name)
        self.name_key = tag_key(self.name)
        return super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        slug = german_slugify(tag, max_length=90) or "tag"
        return f"{slug}-{i}" if i is not None else slug


class Topic(GermanTag):
    article_field = "topics"  # what Article calls them: SubjectQuerySet.public()

    objects = SubjectQuerySet.as_manager()

    class Meta(GermanTag.Meta):
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")

    def get_absolute_url(self):
        return reverse("articles:topic", args=[self.slug])


class State(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class PlaceKind(models.TextChoices):
    """The kinds of the official municipality register (Destatis' Gemeindeverzeichnis)."""

    MUNICIPALITY = "gemeinde", _("Gemeinde")
    TOWN = "stadt", _("Stadt")
    INDEPENDENT_TOWN = "kreisfreie-stadt", _("kreisfreie Stadt")
    DISTRICT = "landkreis", _("Landkreis")
    CITY_STATE = "stadtstaat", _("Stadtstaat")
    STATE = "land", _("Bundesland")


class City(GermanTag):
    """A place: Gemeinde, Kreis or Land, with its official key and where it lies."""

    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices, blank=True)
    kind = models.CharField(_("Art"), max_length=20, choices=PlaceKind.choices, blank=True)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"),
        max_length=8,
        blank=True,
        help_text=_("8 Ziffern für Gemeinden, 5 für Kreise, 2 für Länder (Destatis)."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("liegt in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Gemeinde → Kreis → Land"),
    )
    article_field = "cities"

    objects = SubjectQuerySet.as_manager()

    class Meta(GermanTag.Meta):
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        constraints = [
            models.UniqueConstraint(
                fields=["ags"], condition=~models.Q(ags=""), name="unique_city_ags"
            )
        ]

    def get_absolute_url(self):
        return reverse("articles:city", args=[self.slug])


class TaggedTopic(TaggedItemBase):
    # Indexed together below and by the unique constraint, in both orders.
    tag = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="tagged_articles", db_index=False
    )
    content_object = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="tagged_topics", db_index=False
    )

    class Meta:
        verbose_name = _("Themen-Zuordnung")
        verbose_name_plural = _("Themen-Zuordnungen")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_topic")
        ]
        # A tag's articles from the index alone: two filters meet in a merge join.
        indexes = [models.Index(fields=["tag", "content_object"], name="topic_articles_idx")]


class TaggedCity(TaggedItemBase):
    # Indexed together below and by the unique constraint, in both orders.
    tag = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="tagged_articles", db_index=False
    )
    content_object = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="tagged_cities", db_index=False
    )

    class Meta:
        verbose_name = _("Kommunen-Zuordnung")
        verbose_name_plural = _("Kommunen-Zuordnungen")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_city")
        ]
        # A tag's articles from the index alone: two filters meet in a merge join.
        indexes = [models.Index(fields=["tag", "content_object"], name="city_articles_idx")]


class CaseInsensitiveTagManager(_TaggableManager):
    """Resolves tag names through `name_key`, so "smart city" finds "Smart City"."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tag_model = self.through.tag_model()
        db = router.db_for_write(self.through, instance=self.instance)
        manager = tag_model._default_manager.using(db)
        keys = {tag_key(t) for t in tags if isinstance(t, str)}
        known = {t.name_key: t for t in manager.filter(name_key__in=keys, **tag_kwargs)}
        result = []
        for item in tags:
            if isinstance(item, str):
                key = tag_key(item)
                if not key:
                    continue
                if key not in known:
                    known[key], _created = manager.get_or_create(
                        name_key=key, defaults={"name": normalise_tag_name(item), **tag_kwargs}
                    )
                tag = known[key]
            elif isinstance(item, tag_model):
                tag = item
            else:
                raise ValueError(f"Cannot add {item!r}: expected {tag_model.__name__} or str.")
            if tag not in result:
                result.append(tag)
        return result


def tag_field(through, verbose_name, help_text):
    return TaggableManager(
        through=through,
        blank=True,
        verbose_name=verbose_name,
        help_text=help_text,
        manager=CaseInsensitiveTagManager,
        related_name="articles",
        # Alphabetical everywhere (pages, feeds, revisions), whatever order they were added in.
        ordering=["name"],
    )
