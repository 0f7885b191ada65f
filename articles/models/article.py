"""The article: what journalists write and visitors read."""

import datetime
import uuid
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from articles.sanitize import clean_html
from articles.slugs import unique_slug

from .images import licensed
from .people import Organisation, Person
from .subjects import called
from .tags import City, TaggedCity, TaggedTopic, Topic, tag_field

BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    # No links from typing: "KL.digital" is a name, not an address.
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"], "autolink": False},
    "History": True,
}


# How many of the newest articles "Weitere Meldungen" picks from, besides manual relations.
RELATED_WINDOW = 500
# Before any article: the window's start when there are fewer than RELATED_WINDOW.
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# A change this soon after publication is part of it, not an update worth a notice.
UPDATE_NOTICE_AFTER = datetime.timedelta(minutes=1)
# What lists of teasers never show.
LIST_DEFERRED = ("body", "search_vector")


class Correction(NamedTuple):
    """A public note that a live article was corrected, and when."""

    at: datetime.datetime
    text: str


class EditConflict(Exception):
    """Someone else saved the article since this copy was loaded; saving would overwrite."""


class Status(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    REVIEW = "review", _("In Prüfung")
    PUBLISHED = "published", _("Veröffentlicht")
    ARCHIVED = "archived", _("Archiviert")
    # In the trash: kept with its history until an editor deletes it for good.
    TRASHED = "trashed", _("Im Papierkorb")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Public articles: published, and due. The one rule every public page uses."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=now or timezone.now())

    def newest(self):
        return self.order_by("-published_at", "-pk")

    def for_lists(self):
        """Just what a teaser list shows: not the body and search data, an article's
        largest columns, which PostgreSQL would have to unpack from TOAST storage."""
        return self.select_related("lead_image__credit").defer(*LIST_DEFERRED).newest()

    def for_detail(self):
        """The article page's data; follow with `load_relations` for the tags and people."""
        return self.select_related("lead_image__credit").defer("search_vector")

    def tagged(self, *, topic=None, city=None, person=None, organisation=None):
        """Narrow to articles about each given thing; EXISTS keeps every article once."""
        qs = self
        if topic is not None:
            qs = qs.filter(
                Exists(TaggedTopic.objects.filter(content_object=OuterRef("pk"), tag=topic))
            )
        if city is not None:
            # A Land or Kreis: every place inside it.
            if isinstance(city, City | int):
                # A given place: its places first, as ids the link table's index looks
                # up; tested per link row, the OR over parents read every recent link.
                inside = Q(tag__in=City.objects.filter(City.inside(city)).values("pk"))
            else:
                inside = City.inside(city, prefix="tag__")  # an outer query's place
            qs = qs.filter(Exists(TaggedCity.objects.filter(inside, content_object=OuterRef("pk"))))
        if person is not None:
            through = Article.people.through
            qs = qs.filter(Exists(through.objects.filter(article=OuterRef("pk"), person=person)))
        if organisation is not None:
            through = Article.organisations.through
            qs = qs.filter(
                Exists(through.objects.filter(article=OuterRef("pk"), organisation=organisation))
            )
        return qs

    def about_subject_called(self, text):
        """Subqueries, one per kind of subject, of the ids of articles about a topic,
        place, person or organisation one of whose other names is `text` (search: "OZG"
        finds the Onlinezugangsgesetz's articles). Each reads the subjects' names and
        the link table's index, never the articles."""
        return [
            link.objects.filter(**{f"{subject_field}__in": model.objects.filter(called(text))})
            .order_by().values_list(article_field, flat=True)
            for link, article_field, subject_field, model in (
                (TaggedTopic, "content_object", "tag", Topic),
                (TaggedCity, "content_object", "tag", City),
                (Article.people.through, "article", "person", Person),
                (Article.organisations.through, "article", "organisation", Organisation),
            )
        ]

    def in_state(self, state):
        """Narrow to articles about a place in the Bundesland `state` (its code, "RP")."""
        return self.filter(Exists(TaggedCity.objects.filter(
            content_object=OuterRef("pk"), tag__state=state)))

    def containing(self, text):
        """A plain case-insensitive match over the visible text."""
        q = Q()
        for word in text.split():
            q &= (
                Q(headline__icontains=word)
                | Q(kicker__icontains=word)
                | Q(teaser__icontains=word)
                | Q(body__icontains=word)
            )
        return self.filter(q)

    def related_ids(self, article, limit=5):
        """ "Weitere Meldungen" for `article`, as ids in their order: its manual relations,
        newest first, then articles sharing a city, a topic, or just the newest, among the
        RELATED_WINDOW newest articles (related news is recent news). The ranking reads
        only indexes; `related` loads the rows.

        `article` should have its relations loaded (`load_relations`).
        """
        public = self.published().exclude(pk=article.pk)
        manual = sorted(article.related.all(), key=lambda a: (a.published_at or EARLIEST, a.pk),
                        reverse=True)
        manual_ids = [a.pk for a in manual]

        def shares(through, tags):
            """1 if the candidate has one of `tags`, else NULL. A scalar subquery with
            LIMIT 1 is one index probe per candidate; PostgreSQL runs an EXISTS as a hash
            over every article sharing a popular topic."""
            return Subquery(through.objects.filter(
                content_object=OuterRef("pk"), tag_id__in=[t.pk for t in tags]
            ).values(one=Value(1))[:1])

        # The window as a date range, so that ranking it reads only the covering index
        # (status, published_at, id).
        oldest = public.newest().values("published_at")[RELATED_WINDOW - 1:RELATED_WINDOW]
        ranked = (
            public.filter(published_at__gte=Coalesce(Subquery(oldest), Value(EARLIEST)))
            .exclude(pk__in=manual_ids)
            .annotate(shares_city=shares(TaggedCity, article.cities.all()),
                      shares_topic=shares(TaggedTopic, article.topics.all()))
            .order_by(F("shares_city").desc(nulls_last=True),
                      F("shares_topic").desc(nulls_last=True), "-published_at", "-pk")
            # Selected, not only sorted by: a subquery over no tags then reads as NULL
            # instead of emptying the whole query.
            .values_list("pk", "shares_city", "shares_topic")
        )
        return manual_ids + [pk for pk, _city, _topic in ranked[:limit]]

    def related(self, ids, limit=5):
        """The public ones of the articles `ids`, in that order, for teasers: what
        `related_ids` chose may have been withdrawn since."""
        chosen = {a.pk: a for a in self.published().filter(pk__in=ids).for_lists()}
        return [chosen[pk] for pk in ids if pk in chosen][:limit]


class Article(models.Model):
    kicker = models.CharField(
        _("Dachzeile"),
        max_length=80,
        blank=True,
        help_text=_('Ortsmarke oder Thema über der Überschrift, z. B. „Kaiserslautern“.'),
    )
    headline = models.CharField(_("Überschrift"), max_length=200)
    slug = models.SlugField(
        _("Kurzname in der URL"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Wird aus der Überschrift erzeugt, wenn das Feld leer bleibt."),
    )
    teaser = models.TextField(
        _("Anreißer"), blank=True, help_text=_("Reiner Text; erscheint in Listen und Feeds.")
    )
    body = ProseEditorField(
        _("Text"), blank=True, extensions=BODY_EDITOR_EXTENSIONS, sanitize=clean_html
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    # "Aktualisiert am" for visitors: when the last change went live (set by the workflow);
    # `updated_at` also moves with saves nobody outside the newsroom sees.
    modified_at = models.DateTimeField(_("aktualisiert am"), null=True, blank=True, editable=False)
    # Public correction notes, oldest first: [{"at": ISO time, "text": ...}]. Part of the
    # live version, so pages and feeds read them with the article, at no extra query.
    corrections = models.JSONField(_("Korrekturhinweise"), default=list, blank=True,
                                   editable=False)
    trashed_at = models.DateTimeField(_("in den Papierkorb gelegt am"), null=True, editable=False)
    # What a restore from the trash returns to, and whether the URL answers 410 or 404.
    trashed_from = models.CharField(
        _("Status vor dem Papierkorb"), max_length=20, choices=Status.choices, blank=True,
        editable=False,
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("Autorinnen und Autoren"), blank=True,
        related_name="articles",
    )
    lead_image = models.ForeignKey(
        "articles.Image",
        verbose_name=_("Aufmacherbild"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_articles",
    )
    topics = tag_field(TaggedTopic, _("Themen"), _("Kommagetrennt; neue Themen werden angelegt."))
    cities = tag_field(
        TaggedCity, _("Kommunen"), _("Kommagetrennt; neue Kommunen werden angelegt.")
    )
    people = models.ManyToManyField(
        "articles.Person", verbose_name=_("erwähnte Personen"), blank=True, related_name="articles"
    )
    organisations = models.ManyToManyField(
        "articles.Organisation",
        verbose_name=_("erwähnte Organisationen"),
        blank=True,
        related_name="articles",
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("verwandte Artikel"), blank=True, symmetrical=False,
        related_name="+",
    )
    # Optimistic locking: every save raises the version, and only a copy carrying the
    # current version may save.
    version = models.PositiveIntegerField(_("Version"), default=0, editable=False)
    # Part of every share link; replacing it revokes all links handed out so far.
    preview_key = models.UUIDField(default=uuid.uuid4, editable=False)
    # Kept current by articles.search on PostgreSQL (GIN-indexed there); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    # The highlighted passage of a search result (articles.search.add_snippets). Other
    # lists have none, and a missing attribute is slow for templates to look up.
    snippet = ""

    class Meta:
        verbose_name = _("Artikel")
        verbose_name_plural = _("Artikel")
        ordering = ["-published_at", "-pk"]
        indexes = [
            # Public lists, newest first; with the id, a deep page's ids come from the
            # index alone.
            models.Index(fields=["status", "-published_at", "-id"], name="article_public_idx"),
            # The admin's list of every article, drafts included, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
        ]
        permissions = [("publish_article", _("Kann Artikel veröffentlichen und archivieren"))]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        if not self.slug:
            self.slug = unique_slug(
                Article, self.headline, instance_pk=self.pk, max_length=200,
                reserved=self._slugs_of_other_articles_old_urls(),
            )
        if self._state.adding:
            self.version = 1
            super().save(*args, **kwargs)
            self._loaded_slug = self.slug
            self._refresh_search_index()
            return
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        with transaction.atomic():
            # The conditional UPDATE locks the row, so of two concurrent saves of the same
            # version exactly one wins; the other gets EditConflict and writes nothing.
            claimed = Article.objects.filter(pk=self.pk, version=self.version).update(
                version=F("version") + 1
            )
            if not claimed:
                raise EditConflict(self.pk)
            self.version += 1
            super().save(*args, **kwargs)
            self._remember_old_slug()
            self._refresh_search_index()

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_slug = instance.__dict__.get("slug")
        return instance

    def _refresh_search_index(self):
        from articles import search

        search.index(Article.objects.filter(pk=self.pk))

    def _slugs_of_other_articles_old_urls(self):
        from .history import ArticleRedirect

        return ArticleRedirect.objects.exclude(article=self.pk).values_list("old_slug", flat=True)

    def _remember_old_slug(self):
        """Keep a public article's old URL working after its slug changed."""
        from .history import ArticleRedirect

        old_slug = getattr(self, "_loaded_slug", None)
        if old_slug and old_slug != self.slug and self.published_at is not None:
            ArticleRedirect.objects.filter(old_slug=self.slug).delete()
            ArticleRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": self})
        self._loaded_slug = self.slug

    @property
    def public_lead_image(self):
        """The lead image as visitors see it: none once its licence has ended."""
        return licensed(self.lead_image)

    @property
    def public_modified_at(self):
        """When visitors last saw this article change: its last published change, or its
        publication."""
        return self.modified_at or self.published_at

    @property
    def shows_update(self):
        """Whether the page says "Aktualisiert am": a change went live after publication."""
        return bool(self.modified_at and self.published_at
                    and self.modified_at - self.published_at > UPDATE_NOTICE_AFTER)

    @property
    def correction_notes(self):
        return [Correction(parse_datetime(note["at"]), note["text"]) for note in self.corrections]

    @property
    def was_public(self):
        """Whether a trashed article had been on the site, so its URL answers 410."""
        return self.status == Status.TRASHED and (
            self.trashed_from == Status.ARCHIVED
            or (self.trashed_from == Status.PUBLISHED and self.published_at is not None
                and self.published_at <= self.trashed_at)
        )

    @property
    def is_public(self):
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def title_with_kicker(self):
        return f"{self.kicker}: {self.headline}" if self.kicker else self.headline
