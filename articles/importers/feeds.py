"""Partner feeds (RSS 2.0, Atom 1.0) as articles, each naming and linking its source.

A partner's news comes in as drafts for the desk to look at (or published at once, for
partners the newsroom trusts). Entries are keyed by their GUID or Atom id, so running
the import again, from cron say, only adds what is new. feedparser reads both formats
and copes with what real feeds get wrong; what it cannot read at all is refused before
anything is written.
"""

import datetime
import urllib.request

import feedparser
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.editorial import revisions
from articles.importers import common, wpautop
from articles.models import Article, City, ImportedItem, Status, Topic
from articles.sanitize import clean_html

SOURCE = ImportedItem.Source.FEED
ENTRIES = gettext_lazy("Meldungen")
# A feed is text; anything larger is no feed we want.
MAX_BYTES = 10_000_000
TIMEOUT_SECONDS = 30
# Encoding notes feedparser makes about feeds it still read completely.
HARMLESS = (feedparser.CharacterEncodingOverride,)


class FeedError(Exception):
    """A feed that cannot be imported; the message says why, in German."""


def read(source):
    """The parsed feed from a file or an http(s) URL; raise FeedError if it is no RSS or
    Atom feed we can read."""
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=TIMEOUT_SECONDS) as response:
                data = response.read(MAX_BYTES + 1)
        except OSError as error:
            raise FeedError(_("Der Feed %(source)s ließ sich nicht laden (%(error)s).")
                            % {"source": source, "error": error}) from error
    else:
        try:
            with open(source, "rb") as file:
                data = file.read(MAX_BYTES + 1)
        except OSError as error:
            raise FeedError(_("Die Datei %(source)s lässt sich nicht lesen (%(error)s).")
                            % {"source": source, "error": error}) from error
    if len(data) > MAX_BYTES:
        raise FeedError(_("Der Feed ist größer als %(limit)d MB.")
                        % {"limit": MAX_BYTES // 1_000_000})
    parsed = feedparser.parse(data)
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), HARMLESS):
        raise FeedError(_("Der Feed ist fehlerhaft (%(error)s).")
                        % {"error": parsed.get("bozo_exception")})
    if not parsed.get("version", "").startswith(("rss", "atom")):
        raise FeedError(_("Das ist kein RSS- oder Atom-Feed."))
    return parsed


def import_feed(source, *, topic=None, place=None, publish=False):
    """Import the feed at `source` (file or URL); return the Tally. `topic` and `place`
    are slugs of an existing topic and city every new article is tagged with."""
    tags = _tags(topic, place)
    parsed = read(source)
    name = common.plain_text(parsed.feed.get("title")) or source
    link = parsed.feed.get("link") or ""
    tally = common.Tally()
    known = set(ImportedItem.objects.filter(source=SOURCE).values_list("key", flat=True))
    for entry in parsed.entries:
        key = entry.get("id") or entry.get("link")
        title = common.plain_text(entry.get("title")) or "?"
        if not key:
            tally.fail(ENTRIES, title, _("Die Meldung hat weder GUID noch ID noch Link."))
            continue
        if common.short_key(key) in known:
            tally.add(ENTRIES, common.SKIPPED)
            continue
        try:
            with transaction.atomic():
                _write(entry, common.short_key(key), tags, publish, name, link)
        except (DatabaseError, ValueError) as error:
            tally.fail(ENTRIES, title, error)
            continue
        known.add(common.short_key(key))
        tally.add(ENTRIES, common.IMPORTED)
    return tally


def _tags(topic, place):
    tags = {}
    for field, model, slug in (("topics", Topic, topic), ("cities", City, place)):
        if slug:
            tag = model.objects.filter(slug=slug).first()
            if tag is None:
                raise FeedError(_("%(kind)s „%(slug)s“ gibt es nicht.")
                                % {"kind": model._meta.verbose_name, "slug": slug})
            tags[field] = tag
    return tags


def _text(entry):
    """The entry's text, sanitised, in paragraphs."""
    content = entry.get("content")
    text = content[0].get("value", "") if content else entry.get("summary", "")
    if "<p" not in text.lower():
        text = wpautop.wpautop(text)
    return clean_html(text)


def _source(entry, feed_name, feed_link):
    """ "Quelle: …" naming the feed, linked to the entry on the partner's site."""
    source_link = entry.get("link") or feed_link
    source = escape(feed_name)
    if source_link:
        source = f'<a href="{escape(source_link)}">{source}</a>'
    return clean_html("<p>" + _("Quelle: %(source)s") % {"source": source} + "</p>")


def _date(entry):
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.datetime(*parsed[:6], tzinfo=datetime.UTC)


def _write(entry, key, tags, publish, feed_name, feed_link):
    text = _text(entry)
    summary = entry.get("summary", "") if entry.get("content") else ""
    teaser = common.teaser_from(summary, text)
    body = f"{text}\n{_source(entry, feed_name, feed_link)}".strip()
    headline = common.headline_from(entry.get("title"), _("Ohne Titel"))
    now = timezone.now()
    published_at = min(_date(entry) or now, now) if publish else None
    article = Article.objects.create(
        headline=headline, teaser=teaser, body=body,
        status=Status.PUBLISHED if publish else Status.DRAFT,
        published_at=published_at, modified_at=published_at,
    )
    if "topics" in tags:
        article.topics.add(tags["topics"])
    if "cities" in tags:
        article.cities.add(tags["cities"])
    ImportedItem.objects.create(source=SOURCE, key=key, article=article)
    revisions.record(article, None, note=_("aus Feed „%(name)s“ importiert")
                     % {"name": feed_name})
    return article
