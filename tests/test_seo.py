"""Sitemaps, robots.txt, and what each page's <head> tells search engines and social networks."""

import json
from datetime import datetime, timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from articles.editorial import previews
from articles.models import Article, City, Organisation, Person, Status, Topic
from articles.public.sitemaps import ArticleSitemap

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
XSS = "</script><script>alert(1)</script>"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


# Reading the <head> ---------------------------------------------------------------------


class Head(HTMLParser):
    """The parts of a page's <head> this file checks."""

    def __init__(self, html):
        super().__init__()
        self.titles, self.meta, self.links, self.json_ld = [], [], [], []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("charset")
            self.meta.append((key, attrs.get("content")))
        elif tag == "link":
            self.links.append((attrs.get("rel"), attrs.get("href")))
        elif tag == "title" or (tag == "script" and attrs.get("type") == "application/ld+json"):
            self._in = tag
            (self.titles if tag == "title" else self.json_ld).append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.titles[-1] += data
        elif self._in == "script":
            self.json_ld[-1] += data

    def values(self, key):
        return [content for name, content in self.meta if name == key]

    def hrefs(self, rel):
        return [href for link_rel, href in self.links if link_rel == rel]

    def one(self, key):
        (value,) = self.values(key)
        return value

    @property
    def canonical(self):
        (href,) = self.hrefs("canonical")
        return href


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


# Titles, descriptions and canonical URLs --------------------------------------------------


def demo_pages():
    article = Article.objects.get(headline="KL.digital bekommt neue Geschäftsleitung")
    return [
        reverse("articles:home"),
        reverse("articles:list"),
        reverse("articles:list") + "?city=kaiserslautern",
        reverse("articles:list") + "?topic=smart-city",
        article.get_absolute_url(),
        Topic.objects.get(name="Smart City").get_absolute_url(),
        City.objects.get(name="Kaiserslautern").get_absolute_url(),
        Person.objects.get(name="Ilona Benz").get_absolute_url(),
        Organisation.objects.get(name="KL.digital").get_absolute_url(),
    ]


def test_every_public_page_has_one_title_description_and_canonical(client, demo):
    titles = []
    for url in demo_pages():
        page = head(client, url)
        (title,) = page.titles
        titles.append(title)
        assert page.one("description").strip(), url
        assert page.canonical.startswith(BASE), url
    assert len(set(titles)) == len(titles), titles


def test_descriptions_say_what_the_page_is(client, demo):
    article = Article.objects.get(headline="KL.digital bekommt neue Geschäftsleitung")
    description = head(client, article.get_absolute_url()).one("description")
    assert description == Truncator(article.teaser).chars(200)
    topic = head(client, reverse("articles:topic", args=["smart-city"]))
    assert topic.one("description") == "Meldungen zum Thema Smart City bei Kommune digital."
    person = Person.objects.get(name="Ilona Benz")
    person.description = "Geschäftsführerin der KL.digital"
    person.save()
    assert head(client, person.get_absolute_url()).one("description") == person.description
    filtered = head(client, reverse("articles:list") + "?city=kaiserslautern&topic=smart-city")
    assert filtered.one("description") == (
        "Meldungen von Kommune digital zu Kaiserslautern, Smart City."
    )
    assert filtered.titles == ["Meldungen: Kaiserslautern, Smart City – Kommune digital"]


def test_canonical_keeps_filters_and_page_and_drops_junk(client, make_article):
    for _ in range(25):
        make_article(cities=["Jena"], topics=["Verkehr"])
    url = reverse("articles:list")
    junk = "&utm_source=newsletter&fbclid=abc&organisation=gibt-es-nicht"
    page = head(client, f"{url}?topic=verkehr&page=2&utm_medium=mail&q=+")
    assert page.canonical == f"{BASE}{url}?topic=verkehr&page=2"
    # Any order of the same filters names one page; page 1 carries no number.
    page = head(client, f"{url}?topic=verkehr&date_from=2020-01-01&page=1&city=jena{junk}")
    assert page.canonical == f"{BASE}{url}?city=jena&topic=verkehr&date_from=2020-01-01"


def test_paginated_pages_link_their_neighbours(client, make_article):
    for _ in range(45):
        make_article(cities=["Jena"])
    url = reverse("articles:city", args=["jena"])
    first = head(client, url)
    assert first.canonical == f"{BASE}{url}"
    assert first.hrefs("prev") == [] and first.hrefs("next") == [f"{BASE}{url}?page=2"]
    second = head(client, f"{url}?page=2&utm_source=x")
    assert second.canonical == f"{BASE}{url}?page=2"
    assert second.hrefs("prev") == [f"{BASE}{url}"]
    assert second.hrefs("next") == [f"{BASE}{url}?page=3"]
    last = head(client, f"{url}?page=3")
    assert last.hrefs("prev") == [f"{BASE}{url}?page=2"] and last.hrefs("next") == []
    assert len({first.titles[0], second.titles[0], last.titles[0]}) == 3


# Articles: Open Graph and structured data -------------------------------------------------


@pytest.fixture
def article(make_article, make_image):
    article = make_article(
        headline="KL.digital bekommt neue Geschäftsleitung", kicker="Kaiserslautern",
        teaser="Ilona Benz folgt auf Martin Verlage.",
        topics=["Smart City", "Personalien"], cities=["Kaiserslautern"],
        people=[Person.objects.create(name="Ilona Benz")],
        organisations=[Organisation.objects.create(name="KL.digital")],
        lead_image=make_image(alt_text="Ilona Benz vor dem Rathaus"),
    )
    article.authors.add(User.objects.create_user("ilka", first_name="Ilka", last_name="Autorin"))
    return article


def test_article_has_open_graph_and_twitter_card(client, article):
    page = head(client, article.get_absolute_url())
    url = f"{BASE}{article.get_absolute_url()}"
    image = article.lead_image
    assert page.canonical == url
    assert page.one("og:type") == "article"
    assert page.one("og:title") == article.headline
    assert page.one("og:description") == article.teaser
    assert page.one("og:url") == url
    assert page.one("og:image") == f"{BASE}{image.file.url}"
    assert page.one("og:image:width") == str(image.width)
    assert page.one("og:image:height") == str(image.height)
    assert page.one("og:image:alt") == "Ilona Benz vor dem Rathaus"
    assert page.one("og:locale") == "de_DE"
    assert page.one("og:site_name") == "Kommune digital"
    published = datetime.fromisoformat(page.one("article:published_time"))
    assert published == article.published_at
    # Not a save nobody saw: the last change that went public (here, the publication).
    assert datetime.fromisoformat(page.one("article:modified_time")) == article.published_at
    assert page.one("article:section") in {"Smart City", "Personalien"}
    assert set(page.values("article:tag")) == {"Smart City", "Personalien", "Kaiserslautern"}
    assert page.one("twitter:card") == "summary_large_image"


def test_article_has_news_article_json_ld(client, article):
    (raw,) = head(client, article.get_absolute_url()).json_ld
    data = json.loads(raw)
    url = f"{BASE}{article.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline
    assert data["description"] == article.teaser
    assert datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert datetime.fromisoformat(data["dateModified"]) == article.published_at
    assert data["author"] == [{"@type": "Person", "name": "Ilka Autorin"}]
    assert data["image"] == [f"{BASE}{article.lead_image.file.url}"]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Kommune digital"
    assert data["publisher"]["logo"]["url"] == f"{BASE}/static/img/logo.svg"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["mentions"] == [
        {"@type": "Person", "name": "Ilona Benz", "url": f"{BASE}/person/ilona-benz/"},
        {"@type": "Organization", "name": "KL.digital", "url": f"{BASE}/organisation/kldigital/"},
    ]


def test_article_without_byline_names_the_newsroom_as_author(client, make_article):
    article = make_article()
    (raw,) = head(client, article.get_absolute_url()).json_ld
    (author,) = json.loads(raw)["author"]
    assert author["@type"] == "Organization" and author["name"] == "Kommune digital"


def test_markup_in_a_headline_cannot_break_out(client, make_article):
    headline = f"Test {XSS} & Co."
    article = make_article(headline=headline, teaser=f"Anreißer {XSS}")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert html.count("</script>") == 1  # the JSON-LD element's own end
    page = Head(html)
    assert page.titles == [f"{headline} – Kommune digital"]
    assert page.one("og:title") == headline
    assert page.one("description") == f"Anreißer {XSS}"
    (raw,) = page.json_ld
    assert "</" not in raw
    assert json.loads(raw)["headline"] == headline


@pytest.mark.parametrize("how", ["staff", "share link"])
def test_previews_stay_noindex_without_canonical_or_sharing_data(
    client, editor, make_article, make_image, how
):
    draft = make_article(status=Status.DRAFT, lead_image=make_image(alt_text="Bild"))
    if how == "staff":
        client.force_login(editor)
        url = reverse("articles:preview", args=[draft.pk])
    else:
        url = previews.share_url(draft)
    page = head(client, url)
    assert page.values("robots") == ["noindex, nofollow"]
    assert page.hrefs("canonical") == []
    assert not [name for name, _ in page.meta if name.startswith(("og:", "article:", "twitter:"))]
    assert page.json_ld == []


def test_withdrawn_and_missing_pages_have_no_canonical(client, make_article):
    archived = make_article(status=Status.ARCHIVED, published_at=timezone.now())
    response = client.get(archived.get_absolute_url())
    assert response.status_code == 410
    assert Head(response.content.decode()).hrefs("canonical") == []
    response = client.get(reverse("articles:topic", args=["gibt-es-nicht"]))
    assert response.status_code == 404
    assert Head(response.content.decode()).hrefs("canonical") == []


# Sitemaps -------------------------------------------------------------------------------


def xml(client, url):
    response = client.get(url.removeprefix(BASE))
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def sitemap_entries(client):
    """Every URL in every section of the sitemap index, with its lastmod."""
    index = xml(client, reverse("sitemap"))
    entries = {}
    for section in index.findall("sm:sitemap", NS):
        assert section.findtext("sm:lastmod", namespaces=NS)
        for url in xml(client, section.findtext("sm:loc", namespaces=NS)).findall("sm:url", NS):
            entries[url.findtext("sm:loc", namespaces=NS)] = url.findtext(
                "sm:lastmod", namespaces=NS
            )
    return entries


def day(moment):
    return timezone.localdate(moment).isoformat()


def make_hidden(make_article, **tags):
    """One article in each state that must never be public, tagged with `tags`."""
    now = timezone.now()
    return [
        make_article(status=Status.DRAFT, **tags),
        make_article(status=Status.REVIEW, **tags),
        make_article(status=Status.PUBLISHED, published_at=now + timedelta(hours=1), **tags),
        make_article(status=Status.ARCHIVED, published_at=now - timedelta(hours=1), **tags),
    ]


def set_modified_at(article, moment):
    Article.objects.filter(pk=article.pk).update(modified_at=moment)
    article.refresh_from_db()
    return article


def test_sitemap_lists_public_content_only_with_lastmod(client, make_article):
    now = timezone.now()
    person, org = Person.objects.create(name="Öffentlich"), Organisation.objects.create(name="Ja")
    tags = {"topics": ["Smart City"], "cities": ["Jena"], "people": [person],
            "organisations": [org]}
    older = set_modified_at(make_article(**tags), now - timedelta(days=10))
    newer = set_modified_at(make_article(**tags), now - timedelta(days=3))
    # Hidden articles: about the same subjects (and changed later), and about their own.
    hidden = make_hidden(make_article, **tags) + make_hidden(
        make_article, topics=["Geheim"], cities=["Nirgendwo"],
        people=[Person.objects.create(name="Verborgen")],
        organisations=[Organisation.objects.create(name="Nein")],
    )

    entries = sitemap_entries(client)

    subjects = [Topic.objects.get(name="Smart City"), City.objects.get(name="Jena"), person, org]
    assert entries == {
        f"{BASE}/": day(newer.modified_at),
        f"{BASE}/artikel/": day(newer.modified_at),
        f"{BASE}{older.get_absolute_url()}": day(older.modified_at),
        f"{BASE}{newer.get_absolute_url()}": day(newer.modified_at),
        **{f"{BASE}{s.get_absolute_url()}": day(newer.modified_at) for s in subjects},
    }
    assert not any(a.get_absolute_url() in url for a in hidden for url in entries)


def test_articles_sitemap_is_split_into_light_pages(client, make_article, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [make_article() for _ in range(5)]
    index = xml(client, reverse("sitemap"))
    pages = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS) if "artikel" in loc.text]
    assert len(pages) == 3
    listed = [url.text for page in pages for url in xml(client, page).findall("sm:url/sm:loc", NS)]
    assert sorted(listed) == sorted(f"{BASE}{a.get_absolute_url()}" for a in articles)


def test_news_sitemap_has_the_public_articles_of_two_days(client, make_article):
    now = timezone.now()
    fresh = make_article(headline=f"Frisch {XSS}", published_at=now - timedelta(hours=47))
    make_article(headline="Alt", published_at=now - timedelta(hours=49))
    make_hidden(make_article)

    root = xml(client, reverse("sitemap_news"))

    (url,) = root.findall("sm:url", NS)
    assert url.findtext("sm:loc", namespaces=NS) == f"{BASE}{fresh.get_absolute_url()}"
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Kommune digital"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "de"
    assert news.findtext("news:title", namespaces=NS) == fresh.headline
    published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published == fresh.published_at


def test_robots_txt_names_both_sitemaps(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /vorschau/" in lines
    sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap:")]
    assert sitemaps == [f"{BASE}/sitemap.xml", f"{BASE}/sitemap-news.xml"]
    for sitemap in sitemaps:
        xml(client, sitemap)


# Queries --------------------------------------------------------------------------------


def add_articles(make_article, count):
    for i in range(count):
        make_article(
            topics=["Smart City", f"Thema {i}"], cities=["Jena", f"Stadt {i}"],
            people=[Person.objects.create(name=f"Person {i} {Article.objects.count()}")],
            organisations=[Organisation.objects.create(name=f"Org {i} {Article.objects.count()}")],
        )


def queries_for_sitemaps(client):
    urls = [reverse("sitemap"), reverse("sitemap_news")]
    urls += [reverse("sitemap_section", args=[section]) for section in (
        "seiten", "artikel", "themen", "kommunen", "personen", "organisationen")]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            xml(client, url)
        counts.append(len(ctx.captured_queries))
    return counts


def test_sitemaps_run_a_constant_number_of_queries(client, make_article):
    add_articles(make_article, 2)
    few = queries_for_sitemaps(client)
    add_articles(make_article, 28)
    assert queries_for_sitemaps(client) == few
