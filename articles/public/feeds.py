"""RSS and Atom feeds of the newest public articles, in all and per subject."""

import copy
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.text import get_text_list
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from articles import surrogate_keys
from articles.models import Article, City, Organisation, Person, SubjectRedirect, Topic
from articles.models.relations import load_relations
from articles.public.context_processors import site
from articles.public.seo import author_names, tag_names

FEED_SIZE = 30
FORMATS = {"rss": (Rss201rev2Feed, "RSS"), "atom": (Atom1Feed, "Atom")}
# Subjects with a feed, by the keyword ArticleQuerySet.tagged() takes for them.
SUBJECTS = {"topic": Topic, "city": City, "person": Person, "organisation": Organisation}


def feed_title(subject=None):
    if subject is None:
        return settings.NEWSROOM_SITE_NAME
    return _("%(site)s – %(kind)s: %(name)s") % {
        "site": settings.NEWSROOM_SITE_NAME,
        "kind": subject._meta.verbose_name,
        "name": subject,
    }


def feed_url(format, subject=None):
    if subject is None:
        return reverse(f"articles:feed_{format}")
    return reverse(f"articles:{subject._meta.model_name}_feed_{format}", args=[subject.slug])


def feed_links(subject=None):
    """What a page's <link rel="alternate"> elements announce: both formats of a feed."""
    return [
        {
            "url": feed_url(format, subject),
            "type": feed_type.content_type.split(";")[0],
            "title": f"{feed_title(subject)} ({label})",
        }
        for format, (feed_type, label) in FORMATS.items()
    ]


class ArticleFeed(Feed):
    """The newest public articles, or those about one subject when `subject_kind` is given.

    One instance serves every request of its URL; each request works on a copy that
    knows the request, which absolute enclosure URLs need.
    """

    def __init__(self, format="rss", subject_kind=None):
        self.format = format
        self.feed_type = FORMATS[format][0]
        self.subject_kind = subject_kind

    def __call__(self, request, *args, **kwargs):
        feed = copy.copy(self)
        feed.request = request
        try:
            return Feed.__call__(feed, request, *args, **kwargs)
        except Http404:
            if self.subject_kind is None:
                raise
            # A renamed or merged subject's old feed (articles.vocabulary.merge).
            subjects = SUBJECTS[self.subject_kind].objects.public()
            moved = SubjectRedirect.objects.moved(subjects, kwargs.get("slug"))
            if moved is None:
                raise
            return redirect(feed_url(self.format, moved), permanent=True)

    def get_object(self, request, slug=None):
        if self.subject_kind is None:
            return None
        subject = get_object_or_404(SUBJECTS[self.subject_kind].objects.public(), slug=slug)
        surrogate_keys.lists_shown(*surrogate_keys.subject_lists(subject))
        return subject

    def title(self, subject):
        return feed_title(subject)

    def link(self, subject):
        return subject.get_absolute_url() if subject else reverse("articles:home")

    def description(self, subject):
        if subject is None:
            return site(self.request)["site_tagline"]
        return _("Die neuesten Meldungen zu %(name)s") % {"name": subject}

    subtitle = description  # Atom's name for it

    def items(self, subject):
        articles = Article.objects.published()
        if subject is not None:
            articles = articles.tagged(**{self.subject_kind: subject})
        return load_relations(list(articles.for_lists()[:FEED_SIZE]))

    def item_title(self, article):
        return article.title_with_kicker

    def item_description(self, article):
        # Readers take descriptions as HTML (Atom says so: type="html"); the teaser is text.
        notes = [
            format_html("<p>{} {}</p>", _("Korrektur vom %(date)s:") % {
                "date": date_format(localtime(note.at), "SHORT_DATE_FORMAT")}, note.text)
            for note in article.correction_notes
        ]
        return escape(article.teaser) + "".join(notes)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.public_modified_at

    def item_author_name(self, article):
        return get_text_list(author_names(article), _("und")) or None

    def item_categories(self, article):
        return tag_names(article)

    def item_enclosures(self, article):
        """The lead image, with the size stored at upload (no request to the storage)."""
        image = article.public_lead_image
        if image is None or not image.file_size:
            return []
        length = image.file_size
        mime_type = mimetypes.guess_type(image.file.name)[0] or "application/octet-stream"
        url = self.request.build_absolute_uri(image.file.url)
        return [Enclosure(url, str(length), mime_type)]
