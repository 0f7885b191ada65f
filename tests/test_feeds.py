"""RSS and Atom feeds, read back with feedparser as feed readers would."""

from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import City, Organisation, Person, Status, Topic

pytestmark = pytest.mark.django_db

FORMATS = ["rss", "atom"]
SUBJECTS = [
    ("topic", Topic, "Smart City"),
    ("city", City, "Jena"),
    ("person", Person, "Ilona Benz"),
    ("organisation", Organisation, "KL.digital"),
]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def titles(feed):
    return {entry.title for entry in feed.entries}


def subject_feed_url(kind, slug, format):
    return reverse(f"articles:{kind}_feed_{format}", args=[slug])


@pytest.fixture
def subjects(db):
    return {
        "person": Person.objects.create(name="Ilona Benz"),
        "organisation": Organisation.objects.create(name="KL.digital"),
    }


def tagged(make_article, subjects, **fields):
    """An article about all four subjects of SUBJECTS."""
    return make_article(
        topics=["Smart City"], cities=["Jena"], people=[subjects["person"]],
        organisations=[subjects["organisation"]], **fields,
    )


@pytest.fixture
def hidden(make_article, subjects):
    """Articles about the same subjects that no feed may show."""
    now = timezone.now()
    return [
        tagged(make_article, subjects, headline="Entwurf", status=Status.DRAFT),
        tagged(make_article, subjects, headline="In Prüfung", status=Status.REVIEW),
        tagged(make_article, subjects, headline="Geplant", status=Status.PUBLISHED,
               published_at=now + timedelta(hours=3)),
        tagged(make_article, subjects, headline="Archiviert", status=Status.ARCHIVED,
               published_at=now - timedelta(days=3)),
    ]


@pytest.mark.parametrize("format", FORMATS)
def test_main_feed_lists_only_public_articles(client, make_article, subjects, hidden, format):
    make_article(headline="Ohne Schlagwort", kicker="")
    tagged(make_article, subjects, headline="Mit Schlagwort", kicker="Jena")
    feed = parse(client, reverse(f"articles:feed_{format}"))
    assert titles(feed) == {"Ohne Schlagwort", "Jena: Mit Schlagwort"}
    assert feed.feed.title == "Kommune digital"
    assert feed.feed.link == "http://testserver/"


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize(("kind", "model", "name"), SUBJECTS)
def test_subject_feeds_list_the_public_articles_about_them(
    client, make_article, subjects, hidden, format, kind, model, name
):
    tagged(make_article, subjects, headline="Darüber", kicker="")
    make_article(headline="Über anderes", kicker="", topics=["Verkehr"], cities=["Lübeck"])
    subject = model.objects.get(name=name)
    feed = parse(client, subject_feed_url(kind, subject.slug, format))
    assert titles(feed) == {"Darüber"}
    assert name in feed.feed.title
    assert feed.feed.link == f"http://testserver{subject.get_absolute_url()}"


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize(("kind", "model", "name"), SUBJECTS)
def test_unknown_subject_feed_answers_404(client, db, format, kind, model, name):
    assert client.get(subject_feed_url(kind, "unbekannt", format)).status_code == 404


@pytest.mark.parametrize("format", FORMATS)
def test_feed_item_carries_the_article(client, make_article, make_image, format):
    author = User.objects.create_user("ilka", first_name="Ilka", last_name="Autorin")
    coauthor = User.objects.create_user("olaf", first_name="Olaf", last_name="Koautor")
    image = make_image(alt_text="Ein Rathaus")
    article = make_article(
        headline="Neue Geschäftsleitung", kicker="Kaiserslautern", teaser="Benz folgt Verlage.",
        topics=["Smart City"], cities=["Kaiserslautern"], lead_image=image,
    )
    article.authors.add(author, coauthor)

    (entry,) = parse(client, reverse(f"articles:feed_{format}")).entries

    assert entry.title == "Kaiserslautern: Neue Geschäftsleitung"
    assert entry.link == f"http://testserver{article.get_absolute_url()}"
    assert entry.summary == "Benz folgt Verlage."
    assert set(entry.author.split(" und ")) == {"Ilka Autorin", "Olaf Koautor"}
    assert {tag.term for tag in entry.tags} == {"Smart City", "Kaiserslautern"}
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    if format == "atom":  # RSS 2.0 has no element for the date of the last change
        assert entry.updated_parsed[:6] == article.public_modified_at.utctimetuple()[:6]
    (enclosure,) = entry.enclosures
    assert enclosure.href == f"http://testserver{image.file.url}"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == image.file.size > 0


def test_enclosure_length_is_the_size_stored_at_upload(client, make_article, make_image):
    image = make_image(alt_text="Rathaus")
    assert image.file_size == image.file.storage.size(image.file.name) > 0
    make_article(headline="Mit Bild", kicker="", lead_image=image)
    image.file.storage.delete(image.file.name)  # the feed does not ask the storage
    (entry,) = parse(client, reverse("articles:feed_rss")).entries
    assert entry.enclosures[0]["length"] == str(image.file_size)


def test_image_without_a_known_size_gets_no_enclosure(client, make_article, make_image):
    image = make_image(alt_text="Alt")
    type(image).objects.filter(pk=image.pk).update(file_size=0)
    make_article(headline="Altes Bild", kicker="", lead_image=image)
    (entry,) = parse(client, reverse("articles:feed_rss")).entries
    assert entry.title == "Altes Bild" and entry.enclosures == []


def test_feed_shows_the_newest_thirty(client, make_article):
    now = timezone.now()
    for days in range(31):
        make_article(headline=f"Tag {days}", kicker="", published_at=now - timedelta(days=days))
    entries = parse(client, reverse("articles:feed_rss")).entries
    assert [e.title for e in entries] == [f"Tag {days}" for days in range(30)]


@pytest.mark.parametrize("format", FORMATS)
def test_markup_in_a_headline_is_text(client, make_article, format):
    headline = "</script><script>alert(1)</script> & Co."
    make_article(headline=headline, kicker="", teaser="Mit <b>Tags</b> & Zeichen")
    feed = parse(client, reverse(f"articles:feed_{format}"))
    raw = client.get(reverse(f"articles:feed_{format}")).content.decode()
    assert "<script>" not in raw
    assert feed.entries[0].title == headline
    # The teaser is text; as HTML its markup arrives escaped, not as elements.
    assert feed.entries[0].summary == "Mit &lt;b&gt;Tags&lt;/b&gt; &amp; Zeichen"


# Autodiscovery --------------------------------------------------------------------------


def alternate_links(page):
    return [line for line in page.splitlines() if '<link rel="alternate"' in line]


def test_every_page_announces_the_main_feeds(client, make_article):
    article = make_article(topics=["Smart City"])
    for url in (reverse("articles:home"), reverse("articles:list"), article.get_absolute_url()):
        links = alternate_links(client.get(url).content.decode())
        assert len(links) == 2, url
        assert any(
            'type="application/rss+xml"' in link and f'href="{reverse("articles:feed_rss")}"'
            in link for link in links
        )
        assert any(
            'type="application/atom+xml"' in link and f'href="{reverse("articles:feed_atom")}"'
            in link for link in links
        )


@pytest.mark.parametrize(("kind", "model", "name"), SUBJECTS)
def test_subject_pages_announce_their_own_feeds(
    client, make_article, subjects, kind, model, name
):
    tagged(make_article, subjects)
    subject = model.objects.get(name=name)
    links = alternate_links(client.get(subject.get_absolute_url()).content.decode())
    for format in FORMATS:
        url = subject_feed_url(kind, subject.slug, format)
        assert any(f'href="{url}"' in link for link in links)
        assert len(parse(client, url).entries) == 1
    assert len(links) == 4


# Queries --------------------------------------------------------------------------------


def add_articles(make_article, make_image, subjects, count):
    for i in range(count):
        article = make_article(
            topics=["Smart City", f"Thema {i}"], cities=["Jena", f"Stadt {i}"],
            people=[subjects["person"]], organisations=[subjects["organisation"]],
            lead_image=make_image(alt_text=f"Bild {i}"),
        )
        article.authors.add(User.objects.create_user(f"autor{i}-{article.pk}"))


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        parse(client, url)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    ["articles:feed_rss", "articles:feed_atom", "articles:topic_feed_atom",
     "articles:city_feed_rss", "articles:person_feed_rss", "articles:organisation_feed_atom"],
)
def test_feeds_run_a_constant_number_of_queries(
    client, make_article, make_image, subjects, url_name
):
    add_articles(make_article, make_image, subjects, 2)
    slug = {
        "topic": "smart-city", "city": "jena", "person": subjects["person"].slug,
        "organisation": subjects["organisation"].slug,
    }.get(url_name.split(":")[1].split("_")[0])
    url = reverse(url_name, args=[slug] if slug else [])
    few = queries_for(client, url)
    add_articles(make_article, make_image, subjects, 28)
    assert queries_for(client, url) == few
