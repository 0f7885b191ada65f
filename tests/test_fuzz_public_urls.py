"""Every public URL, with the demo newsroom loaded, against query strings nobody should send.

Each parameter the site reads (the list's filters, the list's and the sitemaps' page
numbers) and random others get values that are huge, empty, not UTF-8, NUL, repeated,
far outside any range, or shaped like SQL and HTML. No answer may be a server error, and
no value may come back unescaped: the markers below never appear in a page by themselves.
"""

from datetime import date
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, City, Image, ImportedItem, Organisation, Person, Topic
from articles.public.filters import ArticleFilter
from articles.public.sitemaps import SITEMAPS
from tests.public_urls import concrete_urls, newsletter_values, url_names

pytestmark = pytest.mark.django_db

# Every GET parameter a public view reads: the list's filters, ListView's and the
# sitemaps' page numbers. The filter names come from the filter itself, so a new
# filter is fuzzed as soon as it exists.
PARAMETERS = [*ArticleFilter.base_filters, "page", "p"]

# Reflected raw, any of these would open an element or an attribute in the page.
MARKERS = ("<x-fuzz", '"onmouseover', "'onmouseover", "<script>alert")
HOSTILE = [
    "<x-fuzz>", '" onmouseover="alert(1)', "' onmouseover='alert(1)", "\"'><x-fuzz>",
    "<script>alert(1)</script>", "' OR '1'='1", "1; DROP TABLE articles_article; --",
    "%", "_", "\\", "*", ":*", "!", "&", "|", "'", "a' & 'b", "../../etc/passwd",
    "{{ request }}", "{% debug %}", "${jndi:ldap://x}", "\u202etxt", "ß" * 3, "💥",
    "-1", "0", "1e308", "NaN", str(10**30), str(-(10**30)), "last", "9" * 400,
    "9999-12-31", "0001-01-01", "2025-02-30", "2025-13-01", "31.12.2025", "0000-00-00",
]
SETTINGS = settings(
    max_examples=60, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def demo_urls(client):
    """Every public URL with values from the demo newsroom, each answering without a query.

    Fails when a URL pattern cannot be filled with a working value, so a new public view
    must be given demo values here before it is fuzzed.
    """
    call_command("load_demo", verbosity=0)
    article = Article.objects.published().first()
    published = timezone.localtime(article.published_at)
    values = {
        # A slug must name a thing of its pattern's kind: each pattern gets its own below.
        "slug": [],
        "year": [published.year],
        "month": [published.month],
        "day": [published.day],
        "section": sorted(SITEMAPS),
        "name": [Image.objects.first().file.name],
        "articles:detail.slug": [article.slug],
        **newsletter_values(),
    }
    # An article that came from WordPress answers its old permalinks (with 301).
    ImportedItem.objects.create(source=ImportedItem.Source.WORDPRESS, key="1", article=article,
                                old_slug="alter-beitrag", old_date=published.date())
    for name in ("day", "month", "slug"):
        values[f"articles:wordpress_{name}.slug"] = ["alter-beitrag"]
    for model in (Topic, City, Person, Organisation):
        values[f"articles:{model._meta.model_name}.slug"] = [
            model.objects.filter(articles__in=Article.objects.published()).first().slug
        ]
    # The API's details and the embeddable boxes take their resource's slug.
    values["api:article_detail.slug"] = [article.slug]
    for model in (Topic, City, Person, Organisation):
        kind = model._meta.model_name
        values[f"api:{kind}_detail.slug"] = values[f"articles:{kind}.slug"]
    values["embed_city.slug"] = values["articles:city.slug"]
    values["embed_topic.slug"] = values["articles:topic.slug"]
    for name, _parameters in url_names():  # a subject's feeds take the subject's slug
        if "_feed_" in name:
            kind = name.removeprefix("articles:").split("_feed_")[0]
            values[f"{name}.slug"] = values[f"articles:{kind}.slug"]
    urls = concrete_urls(values)
    assert {name for name, _url in urls} == {name for name, _parameters in url_names()}
    for _name, url in urls:
        assert client.get(url, follow=True).status_code == 200, url
    return [url for _name, url in urls]


def encode(raw):
    return quote_from_bytes(raw, safe="")


def text_values():
    huge = st.sampled_from(["x", "ä", "<x-fuzz>", "%00", "€"]).map(lambda s: s * 10_000)
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
        st.integers(min_value=-(10**31), max_value=10**31).map(str),
        st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
        huge,
        st.just(""),
    )


def byte_values():
    """Values as bytes: UTF-8 text, or bytes that are not UTF-8 at all (%FF%FE, %00)."""
    return st.one_of(
        text_values().map(str.encode),
        st.binary(max_size=24),
        st.sampled_from([b"\xff\xfe", b"\x00", b"a\x00b", b"\xc3", b"\xed\xa0\x80"]),
    )


@st.composite
def query_strings(draw):
    """A query string of known and random parameters, some repeated, all percent-encoded
    byte by byte; sometimes a bare name without "=" or an extra "&"."""
    names = st.one_of(
        st.sampled_from(PARAMETERS).map(str.encode), st.binary(min_size=1, max_size=12)
    )
    pairs = draw(st.lists(st.tuples(names, byte_values()), max_size=6))
    if pairs and draw(st.booleans()):
        pairs += draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=3))  # repeated
    parts = [
        encode(name) if value == b"" and draw(st.booleans()) else f"{encode(name)}={encode(value)}"
        for name, value in pairs
    ]
    return "&".join(parts) + draw(st.sampled_from(["", "&", "&&="]))


def body_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def assert_survives(client, url, query, **raw):
    response = client.get(f"{url}?{query}", **raw)
    assert response.status_code < 500, (url, query, response.status_code)
    body = body_of(response)
    reflected = [marker for marker in MARKERS if marker in body]
    assert not reflected, (url, query, reflected)


def test_every_public_url_survives_every_hostile_value(client, demo_urls):
    # Otherwise finding a marker after a hostile request would prove nothing.
    for url in demo_urls:
        assert not [marker for marker in MARKERS if marker in body_of(client.get(url))], url
    # Each URL gets every value once, a parameter each, rotated so that across the URLs
    # every value meets every parameter.
    width = len(PARAMETERS)
    for index, url in enumerate(demo_urls):
        names = PARAMETERS[index % width:] + PARAMETERS[:index % width]
        for start in range(0, len(HOSTILE), width):
            pairs = zip(names, HOSTILE[start:start + width], strict=False)
            assert_survives(client, url, urlencode(list(pairs)))
        assert_survives(client, url, "q=%FF%FE&city=%00&page=%C3&date_from=%ED%A0%80&p=%00")
        # Bytes as a server hands them over, not percent-encoded at all (WSGI: Latin-1).
        assert_survives(client, url, "", QUERY_STRING="q=\xff\xfe\x00<x-fuzz>&page=\xc3")
    # The list reads the most parameters: there every value goes into all of them. Its
    # search field shows the query, so a marker does come back, escaped.
    echo = body_of(client.get(reverse("articles:list"), {"q": '<x-fuzz>"onmouseover'}))
    assert "&lt;x-fuzz&gt;&#34;onmouseover" in echo  # as Jinja2 (markupsafe) escapes
    for value in HOSTILE:
        query = urlencode([(parameter, value) for parameter in PARAMETERS])
        assert_survives(client, reverse("articles:list"), query)


def test_public_urls_survive_generated_query_strings(client, demo_urls):
    @SETTINGS
    @given(url=st.sampled_from(demo_urls), query=query_strings())
    def check(url, query):
        assert_survives(client, url, query)

    check()


def test_the_article_list_survives_generated_filters(client, demo_urls):
    # The list reads the most parameters: every example here combines the known ones.
    slugs = [
        *Topic.objects.values_list("slug", flat=True)[:3],
        *City.objects.values_list("slug", flat=True)[:3],
        *Person.objects.values_list("slug", flat=True)[:2],
        *Organisation.objects.values_list("slug", flat=True)[:2],
    ]
    value = st.one_of(byte_values(), st.sampled_from(slugs).map(str.encode))

    @SETTINGS
    @given(filters=st.dictionaries(st.sampled_from(PARAMETERS), st.lists(value, max_size=2)))
    def check(filters):
        query = "&".join(
            f"{name}={encode(item)}" for name, items in filters.items() for item in items
        )
        assert_survives(client, reverse("articles:list"), query)

    check()
