"""Article search behind one interface, with the backend chosen by the database in use.

On PostgreSQL: full-text search with the `german` configuration (stemming: "Städte"
finds "Stadt"), weighted headline > kicker and teaser > body, ranked, with highlighted
snippets. The search vector is stored on the article (GIN-indexed) and refreshed when
the article is saved, never computed per query.

On SQLite, the embedded default: every word must appear somewhere in the visible text
(case-insensitive), headline matches first, snippets cut in Python.
"""

import html
import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Substr
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

# A broad search ("Digitalisierung") matches nearly every article, and ranking them all
# would read every match's search data on each request. Searches rank the newest matches
# only: on a news site those are what readers look for, and the cost stays bounded.
SEARCH_WINDOW = 1000
SNIPPET_WORDS = 30
# ts_headline reads the whole text it is given; the opening of a body holds most matches
# and costs a fraction of the full 3-6 KB.
SNIPPET_SOURCE_CHARS = 1000
# Markers ts_headline puts around matches; they cannot occur in article text, so the
# snippet can be escaped as plain text first and marked up afterwards.
START, STOP = "\x02", "\x03"


def _marked_to_html(text):
    """Plain text with START/STOP markers → escaped HTML with <mark>."""
    escaped = escape(" ".join(text.split()))
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _visible_text(article_html):
    return html.unescape(strip_tags(re.sub(r"<(/p|br|/h\d|/li)>", " ", article_html or "")))


def plain_body():
    """The body without its tags, in SQL (PostgreSQL)."""
    return Func(F("body"), Value("<[^>]+>"), Value(" "), Value("g"),
                function="regexp_replace", output_field=TextField())


def snippet_source():
    """The opening of the plain body that snippets are cut from, ending at a word: cut
    at a fixed length, its last word would be a fragment ("…seinen Vertrag üb …") that
    ts_headline shows as if it were one."""
    # A space after the body: a short body's last word is followed by one and stays.
    opening = Substr(Concat(plain_body(), Value(" "), output_field=TextField()), 1,
                     SNIPPET_SOURCE_CHARS + 1)
    # Drop whatever follows the last space: the word the cut went through.
    return Func(opening, Value(r"\s+\S*$"), Value(""), function="regexp_replace",
                output_field=TextField())


class PostgresSearch:
    config = "german"

    def vector(self):
        return (
            SearchVector("headline", weight="A", config=self.config)
            + SearchVector("kicker", "teaser", weight="B", config=self.config)
            + SearchVector(plain_body(), weight="C", config=self.config)
        )

    def index(self, queryset):
        queryset.update(search_vector=self.vector())

    def query(self, text):
        """Every word must match, also as the start of a compound: German builds words
        like "Verkehrssteuerung" from "Verkehr", and readers search for the part.

        Only word characters reach the raw tsquery, so no input can break its syntax.
        """
        words = re.findall(r"\w+", text)
        raw = " & ".join(f"'{word}':*" for word in words)
        return SearchQuery(raw, config=self.config, search_type="raw") if words else None

    def matches(self, queryset, text):
        query = self.query(text)
        return queryset.none() if query is None else queryset.filter(search_vector=query)

    def either(self, window, others):
        """Q for the articles in `window` or in any of `others` (id subqueries), as one
        UNION that PostgreSQL reads before it touches the articles: an OR of the two would
        be checked against every published article."""
        return Q(pk__in=window.union(*others, all=True))

    def ranked(self, queryset, text):
        rank = SearchRank(F("search_vector"), self.query(text) or SearchQuery(""))
        return queryset.annotate(search_rank=rank).order_by("-search_rank", "-published_at",
                                                             "-pk")

    def add_snippets(self, articles, text):
        """One query for the page: ts_headline is costly, so only these rows get it."""
        from articles.models import Article

        query = self.query(text) or SearchQuery("")
        headlines = dict(
            Article.objects.filter(pk__in=[a.pk for a in articles]).annotate(
                headline_html=SearchHeadline(
                    snippet_source(), query, config=self.config,
                    start_sel=START, stop_sel=STOP, max_words=SNIPPET_WORDS, min_words=12,
                    max_fragments=2, fragment_delimiter=" … ",
                )
            ).values_list("pk", "headline_html")
        )
        for article in articles:
            raw = headlines.get(article.pk) or ""
            plain = html.unescape(strip_tags(raw))
            article.snippet = _marked_to_html(plain) if START in raw else ""


class SimpleSearch:
    """The SQLite fallback: a contains match over the visible text, headline hits first."""

    def index(self, queryset):
        """Nothing is stored: the match reads the text itself."""

    def matches(self, queryset, text):
        return queryset.containing(text)

    def either(self, window, others):
        """Q for the articles in `window` or in any of `others`. SQLite allows no LIMIT
        inside a UNION; on a site small enough for it, an OR costs little."""
        found = Q(pk__in=window)
        for other in others:
            found |= Q(pk__in=other)
        return found

    def ranked(self, queryset, text):
        in_headline = Q()
        for word in text.split():
            in_headline &= Q(headline__icontains=word)
        return queryset.annotate(
            search_rank=Case(When(in_headline, then=Value(1)), default=Value(0),
                             output_field=IntegerField())
        ).order_by("-search_rank", "-published_at", "-pk")

    def add_snippets(self, articles, text):
        """One query for the bodies, which lists leave out."""
        from articles.models import Article

        bodies = dict(Article.objects.filter(pk__in=[a.pk for a in articles])
                      .values_list("pk", "body"))
        for article in articles:
            article.snippet = self.snippet(bodies.get(article.pk, ""), text)

    def snippet(self, body, text):
        plain = " ".join(_visible_text(body).split())
        words = [re.escape(w) for w in text.split() if w]
        if not words:
            return ""
        pattern = re.compile("|".join(words), re.IGNORECASE)
        first = pattern.search(plain)
        if first is None:
            return ""
        start = max(0, first.start() - 80)
        end = first.end() + 160
        window = plain[start:end]
        if start:
            window = "… " + window.split(" ", 1)[-1]
        if end < len(plain):
            # Cut at the last whole word, never in one ("…seinen Vertrag üb …").
            window = window.rsplit(" ", 1)[0] + " …"
        marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", window)
        return _marked_to_html(marked)


def backend():
    return PostgresSearch() if connection.vendor == "postgresql" else SimpleSearch()


def search(queryset, text):
    """`queryset` narrowed to the newest SEARCH_WINDOW articles matching `text`, best
    matches first."""
    engine = backend()
    window = engine.matches(queryset, text).newest().values("pk")[:SEARCH_WINDOW]
    # Also the articles about a subject one of whose other names is the search text
    # ("OZG": the Onlinezugangsgesetz's): beside the text's window, not inside it, so that
    # the text's matches are still found by their index.
    found = engine.either(window, queryset.about_subject_called(text))
    return engine.ranked(queryset.filter(found), text)


def index(queryset):
    """Refresh the stored search data of the articles in `queryset`."""
    backend().index(queryset)


def add_snippets(articles, text):
    """Give each article of a result page its highlighted `snippet` (safe HTML)."""
    if articles:
        backend().add_snippets(articles, text)
    return articles
