"""Every plain-text field is text wherever it appears: on each public URL, in the feeds,
sitemaps, JSON-LD and Open Graph data, and in the admin's lists and forms.

Each field holds its own payload that would run script or add an event handler if it
were written out unescaped. Pages must show it as text: the parsed page carries the
payload as it was typed, and its raw bytes never the tags or attributes it spells.
"""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote
from xml.etree import ElementTree

import feedparser
import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.editorial import revisions
from articles.models import (
    Affiliation,
    City,
    ImageCredit,
    Organisation,
    Person,
    Placement,
    Status,
    Teaser,
)
from articles.public.sitemaps import SITEMAPS
from tests.public_urls import concrete_urls, newsletter_values

pytestmark = pytest.mark.django_db

RAW_SCRIPT = "<script>alert("
# An attribute value that ends early: the quote is the payload's, not the page's.
RAW_ATTRIBUTE = re.compile(r"""["'] onmouseover=""")
# A valid URL (its query may hold quotes) that would end an href="" written unescaped.
WEBSITE = 'https://example.org/?a="onmouseover="alert(1)'
NEWS_SITEMAP = "http://www.google.com/schemas/sitemap-news/0.9"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def script(field):
    return f'<script>alert("{field}")</script>'


def payload(field):
    return f'{script(field)}"\' onmouseover="alert(1)'


class Page(HTMLParser):
    """A page as a browser would build it: its elements, its text, its scripts."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements, self.attribute_names, self.text, self.scripts = [], [], [], []
        self._script = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self.attribute_names += [name for name, _value in attrs]
        if tag == "script":
            self._script = (dict(attrs).get("type") or "", [])

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            kind, parts = self._script
            self.scripts.append((kind, "".join(parts)))
            self._script = None

    def handle_data(self, data):
        (self._script[1] if self._script is not None else self.text).append(data)

    def shows(self, text):
        """Whether `text` is in the page's text or is an attribute's value."""
        return text in " ".join(self.text) or any(
            text in attributes.values() for _tag, attributes in self.elements
        )

    def find(self, tag, **match):
        """The attributes of the first `tag` element whose attributes include `match`."""
        return next(
            attributes for name, attributes in self.elements
            if name == tag and match.items() <= attributes.items()
        )


def body_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def assert_html_is_safe(url, html):
    """No payload spelled out: no script it opens, no attribute it adds or cuts short."""
    assert RAW_SCRIPT not in html, url
    assert not RAW_ATTRIBUTE.search(JSON_LD.sub("", html)), url
    page = Page(html)
    assert not [name for name in page.attribute_names if name.startswith("on")], url
    for kind, content in page.scripts:
        if kind == "application/ld+json":
            json.loads(content)  # whole: no payload ended the element early
        else:
            assert "alert(" not in content, url
    return page


@pytest.fixture
def hostile(make_article, make_image):
    """A newsroom whose every plain-text field carries a payload naming the field."""
    credit = ImageCredit.objects.create(
        creator=payload("creator"), rights_holder=payload("holder"), licence=payload("licence")
    )
    image = make_image(title=payload("image title"), alt_text=payload("alt"),
                       caption=payload("caption"), credit=credit)
    city = City.objects.create(name=payload("city"), state="RP")
    parent = Organisation.objects.create(name=payload("parent"))
    organisation = Organisation.objects.create(
        name=payload("organisation"), city=city, parent=parent,
        website=WEBSITE,
    )
    person = Person.objects.create(name=payload("person"), description=payload("description"),
                                   portrait=image)
    Affiliation.objects.create(person=person, organisation=organisation, role=payload("role"))
    author = User.objects.create_user("autorin", first_name=payload("author"), last_name="X",
                                      is_staff=True)
    article = make_article(
        kicker=payload("kicker"), headline=payload("headline"), teaser=payload("teaser"),
        # The body is HTML; quotes in its text are text, so only the tags are its payload.
        body=f"<p>Volltext {escape(script('body'))}</p>", lead_image=image,
        topics=[payload("topic")], cities=[city], people=[person],
        organisations=[organisation],
    )
    # An organisation's page names its parent only while that is public.
    make_article(headline="Über die Muttergesellschaft", organisations=[parent],
                 published_at=timezone.now() - timedelta(days=30))  # not in the news sitemap
    article.authors.add(author)
    Teaser.objects.create(placement=Placement.LEAD, article=article,
                          active_until=timezone.now() + timedelta(days=1),
                          kicker=payload("teaser kicker"), headline=payload("teaser headline"),
                          text=payload("teaser text"))
    gone = make_article(headline=payload("gone"), status=Status.ARCHIVED,
                        published_at=timezone.now() - timedelta(days=30))
    return {"article": article, "gone": gone, "image": image, "person": person,
            "organisation": organisation, "city": city, "credit": credit, "author": author}


def test_no_public_url_spells_out_a_payload(client, hostile):
    article = hostile["article"]
    published = timezone.localtime(article.published_at)
    values = {
        "slug": [article.slug, hostile["gone"].slug, article.topics.get().slug,
                 hostile["city"].slug, hostile["person"].slug, hostile["organisation"].slug],
        "year": [published.year],
        "month": [published.month],
        "day": [published.day],
        "section": sorted(SITEMAPS),
        "name": [hostile["image"].file.name],
        **newsletter_values(),
    }
    queries = ["", "?q=Volltext", "?q=headline", "?q=" + quote(payload("q")), "?page=1"]
    pages = 0
    for _name, url in concrete_urls(values):
        for query in queries:
            response = client.get(url + query)
            if response.status_code == 404 or response["Content-Type"].startswith("image/"):
                continue
            if response["Content-Type"] == "application/problem+json":
                assert response.status_code == 400, url + query  # the API refuses ?page=
                continue
            assert response.status_code in (200, 410), (url, response.status_code)
            text = body_of(response)
            assert RAW_SCRIPT not in text, url + query
            if response["Content-Type"].startswith("text/html"):
                assert_html_is_safe(url + query, text)
                pages += 1
    assert pages > 30


def test_pages_show_every_payload_as_the_text_it_is(client, hostile):
    article, person = hostile["article"], hostile["person"]
    expectations = {
        article.get_absolute_url(): ["kicker", "headline", "teaser", "caption",
                                     "creator", "holder", "alt", "topic", "city", "person",
                                     "organisation", "author"],
        reverse("articles:home"): ["teaser kicker", "teaser headline", "teaser text"],
        reverse("articles:list"): ["kicker", "headline", "teaser"],
        person.get_absolute_url(): ["person", "description", "role", "organisation", "alt"],
        hostile["organisation"].get_absolute_url(): ["organisation", "city", "parent",
                                                     "person", "role", "headline"],
        hostile["city"].get_absolute_url(): ["city", "headline"],
        article.topics.get().get_absolute_url(): ["topic", "headline"],
        reverse("articles:credits"): ["creator", "holder", "licence", "headline"],
        reverse("articles:list") + "?q=Volltext": ["headline"],
        hostile["gone"].get_absolute_url(): ["gone"],
    }
    for url, fields in expectations.items():
        response = client.get(url)
        page = assert_html_is_safe(url, body_of(response))
        missing = [field for field in fields if not page.shows(payload(field))]
        assert not missing, (url, missing)
    # The body's text, and the search snippet cut from it (PostgreSQL's ends at a word).
    for url in (article.get_absolute_url(), reverse("articles:list") + "?q=Volltext"):
        assert Page(body_of(client.get(url))).shows('<script>alert("body")'), url
    organisation = Page(body_of(client.get(hostile["organisation"].get_absolute_url())))
    assert organisation.find("a", rel="noopener")["href"] == WEBSITE


def test_structured_data_carries_the_raw_strings(client, hostile):
    article = hostile["article"]
    html = body_of(client.get(article.get_absolute_url()))

    blocks = JSON_LD.findall(html)
    assert len(blocks) == 1 and "<" not in blocks[0]
    data = json.loads(blocks[0])
    assert data["headline"] == payload("headline")
    assert data["description"] == payload("teaser")
    assert data["keywords"] == [payload("topic"), payload("city")]
    assert [m["name"] for m in data["mentions"]] == [payload("person"), payload("organisation")]
    assert data["author"] == [{"@type": "Person", "name": f"{payload('author')} X"}]

    page = Page(html)
    for prop, field in [("og:title", "headline"), ("og:description", "teaser"),
                        ("og:image:alt", "alt"), ("article:section", "topic")]:
        assert page.find("meta", property=prop)["content"] == payload(field), prop


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_carry_the_raw_strings_as_text(client, hostile, kind):
    article = hostile["article"]
    for url in [reverse(f"articles:feed_{kind}"),
                reverse(f"articles:person_feed_{kind}", args=[hostile["person"].slug])]:
        xml = body_of(client.get(url))
        assert RAW_SCRIPT not in xml

        feed = feedparser.parse(xml)
        assert not feed.bozo, feed.get("bozo_exception")
        entry = feed.entries[0]
        assert entry.title == f"{payload('kicker')}: {payload('headline')}"
        # The description is HTML whose text is the teaser: escaped once more in the XML.
        assert entry.summary == escape(payload("teaser"))
        assert {tag.term for tag in entry.tags} == {payload("topic"), payload("city")}
        assert entry.author == f"{payload('author')} X"
    person_feed = feedparser.parse(body_of(client.get(
        reverse(f"articles:person_feed_{kind}", args=[hostile["person"].slug]))))
    assert payload("person") in person_feed.feed.title
    assert article.headline in {e.title.split(": ", 1)[1] for e in person_feed.entries}


def test_the_news_sitemap_carries_the_raw_headline_as_text(client, hostile):
    xml = body_of(client.get(reverse("sitemap_news")))

    assert RAW_SCRIPT not in xml
    titles = ElementTree.fromstring(xml).iter(f"{{{NEWS_SITEMAP}}}title")
    assert [title.text for title in titles] == [payload("headline")]


def test_admin_lists_and_forms_show_payloads_as_text(editor_client, editor, hostile):
    article = hostile["article"]
    revisions.record(article, editor)
    article.headline = payload("new headline")
    article.save()
    revisions.record(article, editor)
    older, newer = article.revisions.order_by("pk")
    objects = [article, hostile["image"], hostile["person"], hostile["organisation"],
               hostile["city"], article.topics.get(), hostile["credit"],
               Teaser.objects.get()]
    urls = [reverse("admin:index"),
            reverse("admin:articles_article_revisions", args=[article.pk]),
            reverse("admin:articles_article_compare", args=[article.pk])
            + f"?a={older.pk}&b={newer.pk}"]
    for obj in objects:
        opts = obj._meta
        urls += [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                 reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])]

    for url in urls:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert_html_is_safe(url, body_of(response))

    form = Page(body_of(editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk]))))
    assert form.shows(payload("new headline"))  # the textarea's text
    assert form.find("input", name="kicker")["value"] == payload("kicker")
    assert form.shows(payload("teaser"))  # the textarea's text
    compare = Page(body_of(editor_client.get(urls[2])))
    # The comparison goes word by word: each word of both headlines is there, as text.
    for word in {*payload("headline").split(), *payload("new headline").split()}:
        assert compare.shows(word), word
