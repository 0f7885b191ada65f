"""Topics and cities: two separate tag vocabularies on top of django-taggit.

Each vocabulary has its own tag model and its own through model, so a city can never
show up as a topic. Tags are case-insensitive: `name_key` holds the case-folded name
under a unique constraint, which the database enforces the same way on SQLite and
PostgreSQL (SQLite's LOWER() only folds ASCII, so "LÜBECK" would slip past it).
"""

from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Exists, OuterRef, Q
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


# The first two digits of an official key name the Land (Destatis).
STATE_BY_KEY = {
    "01": State.SH, "02": State.HH, "03": State.NI, "04": State.HB, "05": State.NW,
    "06": State.HE, "07": State.RP, "08": State.BW, "09": State.BY, "10": State.SL,
    "11": State.BE, "12": State.BB, "13": State.MV, "14": State.SN, "15": State.ST,
    "16": State.TH,
}
KEY_BY_STATE = {state: key for key, state in STATE_BY_KEY.items()}
# Gemeinde → Kreis → Land: a place lies at most this many levels deep.
PLACE_DEPTH = 3


class PlaceKind(models.TextChoices):
    """The kinds of the official municipality register (Destatis' Gemeindeverzeichnis)."""

    MUNICIPALITY = "gemeinde", _("Gemeinde")
    TOWN = "stadt", _("Stadt")
    INDEPENDENT_TOWN = "kreisfreie-stadt", _("kreisfreie Stadt")
    DISTRICT = "landkreis", _("Landkreis")
    CITY_STATE = "stadtstaat", _("Stadtstaat")
    STATE = "land", _("Bundesland")


class CityQuerySet(SubjectQuerySet):
    def public(self):
        """The places a public article is about, itself or a place inside it: a Land has
        a page once a public article is about one of its towns."""
        from .article import Article

        about = TaggedCity.objects.filter(
            City.inside(OuterRef("pk"), prefix="tag__"),
            content_object__in=Article.objects.published(),
        )
        return self.filter(Exists(about))


class City(GermanTag):
    """A place: Gemeinde, Kreis or Land, with its official key and where it lies.

    The Land (`state`) is derived, never entered: from the official key where there is
    one, else from the parent. Only a place not yet in the register keeps the Land an
    editor chose, so the `land` filter and the parent chain cannot disagree.
    """

    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices, blank=True,
                             help_text=_("Folgt aus dem Schlüssel oder dem übergeordneten "
                                         "Ort, sobald es einen gibt."))
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

    objects = CityQuerySet.as_manager()

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

    def around(self):
        """[(label, place, has a page)] for the Kreis and Land it lies in, from the parents
        the page loaded with it (articles.public.views.CityView)."""
        found, parent = [], self.parent
        public = [getattr(self, "parent_public", False), getattr(self, "grandparent_public", False)]
        while parent is not None and public:
            label = _("Land") if parent.kind in (PlaceKind.STATE, PlaceKind.CITY_STATE) \
                else _("Kreis")
            found.append((label, parent, public.pop(0)))
            parent = parent.parent if public else None
        if not found and self.state and self.kind not in (PlaceKind.STATE,
                                                         PlaceKind.CITY_STATE):
            found.append((_("Land"), self.get_state_display(), False))
        return found

    @staticmethod
    def inside(place, prefix=""):
        """Q for the places inside `place` (a pk or an expression), itself included:
        its children and their children (PLACE_DEPTH levels)."""
        place = place.pk if isinstance(place, models.Model) else place
        return (Q(**{f"{prefix}pk": place}) | Q(**{f"{prefix}parent": place})
                | Q(**{f"{prefix}parent__parent": place}))

    def derived_state(self):
        if self.ags[:2] in STATE_BY_KEY:
            return STATE_BY_KEY[self.ags[:2]]
        if self.parent_id is not None:
            return self.parent.state
        return self.state

    def clean(self):
        super().clean()
        if self.ags and not (self.ags.isascii() and self.ags.isdigit()
                             and len(self.ags) in (2, 5, 8)):
            raise ValidationError({"ags": _("Der Schlüssel hat 2, 5 oder 8 Ziffern.")})
        depth, ancestor = 1, self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk or depth >= PLACE_DEPTH:
                raise ValidationError({"parent": _(
                    "Ein Ort liegt in einem Kreis und der in einem Land: nicht tiefer und "
                    "nicht in sich selbst.")})
            depth, ancestor = depth + 1, ancestor.parent

    def save(self, *args, **kwargs):
        self.state = self.derived_state()
        new = self._state.adding
        super().save(*args, **kwargs)
        if not new:
            # What lies inside follows its Land (a Kreis that moved, a key corrected).
            City.objects.filter(Q(parent=self) | Q(parent__parent=self), ags="").exclude(
                state=self.state).update(state=self.state)


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
                    # Another name of a known tag ("OZG"), or the name of one merged into
                    # it since the text was written: that tag, not a new one.
                    aliased = manager.filter(**tag_kwargs).by_alias(item)
                    if aliased:
                        known[key] = aliased[0]
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
