"""Sitemaps, the Google News sitemap and robots.txt, which points crawlers at them.

Without django.contrib.sites the sitemap views take the domain from the request, as the
rest of the site does. Only public articles appear, and only subjects with at least one
of them: a subject page without articles is not worth a crawler's visit.
"""

import math
from datetime import timedelta
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article, City, Organisation, Person, Topic

NEWS_SITEMAP_DAYS = 2
NEWS_SITEMAP_LIMIT = 1000  # Google News reads no more
ARTICLE_SITEMAP_LIMIT = 1000
# When an article last changed for visitors (Article.public_modified_at, in SQL).
MODIFIED = Coalesce("modified_at", "published_at")


class IndexedSitemap(Sitemap):
    """A section that, inside the sitemap index, takes its date and size from `stats`:
    the index then costs two queries for all sections instead of two per section."""

    section = None
    stats = None  # an IndexStats, set only by sitemap_index

    @property
    def paginator(self):
        if self.stats is None:
            return super().paginator
        return SimpleNamespace(num_pages=max(1, math.ceil(self.stats.count(self) / self.limit)))

    def get_latest_lastmod(self):
        if self.stats is not None:
            return self.stats.lastmod(self)
        return self.newest_lastmod()


class PageSitemap(IndexedSitemap):
    """The home page and the list of all articles, which change with every new article.

    Passed as a class: the views make an instance per request, so the cached date is fresh.
    """

    def items(self):
        return ["articles:home", "articles:list"]

    def location(self, name):
        return reverse(name)

    @cached_property
    def newest_update(self):
        return Article.objects.published().aggregate(newest=Max(MODIFIED))["newest"]

    def lastmod(self, name):
        return self.newest_update

    def newest_lastmod(self):
        return self.newest_update


class ArticleSitemap(IndexedSitemap):
    # Crawlers take up to 50,000 URLs a page, but a page that size is megabytes of XML
    # and seconds to render; a thousand keeps each page as light as an article page.
    limit = ARTICLE_SITEMAP_LIMIT

    def items(self):
        return Article.objects.published().only("slug", "published_at", "modified_at").newest()

    def lastmod(self, article):
        return article.public_modified_at

    def newest_lastmod(self):
        # The default would load every article to find the newest date.
        return self.items().aggregate(newest=Max(MODIFIED))["newest"]


class SubjectSitemap(IndexedSitemap):
    """Pages of one kind of subject, dated by the newest change to a public article
    about them; `article_field` names the subject on Article."""

    model = None
    article_field = None

    def articles_about(self):
        """The public articles about the subject of the outer query."""
        return Article.objects.published().filter(**{self.article_field: OuterRef("pk")})

    def items(self):
        newest = (
            self.articles_about()
            .annotate(modified=MODIFIED)
            .order_by("-modified")
            .values("modified")[:1]
        )
        return (
            self.model.objects.annotate(newest_update=Subquery(newest))
            .filter(newest_update__isnull=False)
            .only("slug")
            .order_by("name", "pk")
        )

    def lastmod(self, subject):
        return subject.newest_update

    def newest_lastmod(self):
        return self.items().aggregate(Max("newest_update"))["newest_update__max"]


class TopicSitemap(SubjectSitemap):
    section = "themen"
    model = Topic
    article_field = "topics"


class CitySitemap(SubjectSitemap):
    section = "kommunen"
    model = City
    article_field = "cities"

    def articles_about(self):
        # A Land's or Kreis' page lists the articles about every place inside it.
        return Article.objects.published().tagged(city=OuterRef(OuterRef("pk")))


class PersonSitemap(SubjectSitemap):
    section = "personen"
    model = Person
    article_field = "people"


class OrganisationSitemap(SubjectSitemap):
    section = "organisationen"
    model = Organisation
    article_field = "organisations"


# Section names appear in the URLs: /sitemap-artikel.xml and so on.
SITEMAPS = {
    "seiten": PageSitemap,
    "artikel": ArticleSitemap,
    "themen": TopicSitemap,
    "kommunen": CitySitemap,
    "personen": PersonSitemap,
    "organisationen": OrganisationSitemap,
}


class IndexStats:
    """Every section's newest date and size for the sitemap index, in two queries."""

    def __init__(self):
        public = Article.objects.published()
        subjects = [site for site in SITEMAPS.values() if issubclass(site, SubjectSitemap)]
        # One date for every section: the newest change to any public article. Dating
        # each subject section on its own meant four EXISTS per article, seconds at
        # 100,000 articles; a section's sitemap still dates each entry exactly.
        self.dates = public.aggregate(articles=Max(MODIFIED), article_count=Count("pk"))
        counts = {
            site.section: Subquery(
                site.model.objects.filter(
                    Exists(public.filter(**{site.article_field: OuterRef("pk")}))
                ).order_by().annotate(one=Value(1, IntegerField())).values("one")
                .annotate(n=Count("pk")).values("n")
            )
            for site in subjects
        }
        row = Article.objects.annotate(**counts).values(*counts)[:1]
        self.counts = next(iter(row), {})

    def lastmod(self, site):
        return self.dates["articles"]

    def count(self, site):
        if isinstance(site, PageSitemap):
            return len(site.items())
        if isinstance(site, ArticleSitemap):
            return self.dates["article_count"]
        return self.counts.get(site.section) or 0


def sitemap_index(request):
    stats = IndexStats()
    sections = {}
    for section, site_class in SITEMAPS.items():
        site = site_class()
        site.stats = stats
        if stats.count(site):  # an empty section is no use to a crawler
            sections[section] = site
    return sitemap_views.index(request, sections, sitemap_url_name="sitemap_section")


class NewsSitemap(Sitemap):
    """Articles of the last two days for Google News; sitemaps/news.xml adds the news tags."""

    limit = NEWS_SITEMAP_LIMIT

    def items(self):
        now = timezone.now()
        return (
            Article.objects.published(now)
            .filter(published_at__gte=now - timedelta(days=NEWS_SITEMAP_DAYS))
            .only("slug", "headline", "published_at")
            .newest()
        )


def robots_txt(request):
    sitemaps = [request.build_absolute_uri(reverse(name)) for name in ("sitemap", "sitemap_news")]
    return render(
        request, "robots.txt", {"sitemaps": sitemaps}, content_type="text/plain; charset=utf-8"
    )
