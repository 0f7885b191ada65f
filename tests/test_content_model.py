"""The content model: slugs, sanitising, tag vocabularies and the visibility rule."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, City, Status, Topic
from articles.sanitize import clean_html
from articles.slugs import german_slugify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Maßstäbe", "massstaebe"),
        ("Lübeck: VIAA setzt neue Maßstäbe", "luebeck-viaa-setzt-neue-massstaebe"),
        ("Öffentliche Ämter", "oeffentliche-aemter"),
        ("KL.digital bekommt neue Geschäftsleitung", "kldigital-bekommt-neue-geschaeftsleitung"),
        ("Halle (Saale)", "halle-saale"),
    ],
)
def test_german_slugify_transliterates(text, slug):
    assert german_slugify(text) == slug


def test_article_slug_is_made_from_headline_and_kept_unique(make_article):
    first = make_article(headline="Lübeck setzt neue Maßstäbe")
    second = make_article(headline="Lübeck setzt neue Maßstäbe")
    assert first.slug == "luebeck-setzt-neue-massstaebe"
    assert second.slug == "luebeck-setzt-neue-massstaebe-2"
    first.headline = "Geänderte Überschrift"
    first.save()
    assert first.slug == "luebeck-setzt-neue-massstaebe", "a saved slug must not change by itself"


@pytest.mark.parametrize(
    "hostile",
    [
        '<script>alert("x")</script>',
        '<p onclick="alert(1)">',
        '<a href="javascript:alert(1)">',
        '<a href="JaVaScRiPt:alert(1)">',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">',
        '<p style="background:url(javascript:alert(1))">',
        '<iframe src="https://example.org"></iframe>',
        '<img src="x" onerror="alert(1)">',
    ],
)
def test_body_is_sanitised_on_save(make_article, hostile):
    article = make_article(body=f"<p>Vorher</p>{hostile}<p>Nachher</p>")
    article.refresh_from_db()
    body = article.body.lower()
    for forbidden in ("<script", "onclick", "onerror", "javascript:", "data:", "style=", "<iframe"):
        assert forbidden not in body
    assert "<p>Vorher</p>" in article.body and "<p>Nachher</p>" in article.body


def test_sanitiser_keeps_allowed_markup_and_marks_links():
    html = (
        "<h2>Zwischentitel</h2><p><strong>fett</strong> <em>kursiv</em><br>"
        '<a href="https://example.org/x">Link</a> <a href="mailto:a@b.de">Mail</a></p>'
        "<ul><li>eins</li></ul><ol><li>zwei</li></ol><blockquote><p>Zitat</p></blockquote>"
    )
    cleaned = clean_html(html)
    for kept in ("<h2>", "<strong>", "<em>", "<br>", "<ul>", "<ol>", "<li>", "<blockquote>"):
        assert kept in cleaned
    assert '<a href="https://example.org/x" rel="noopener">Link</a>' in cleaned
    assert 'href="mailto:a@b.de"' in cleaned


def test_tags_are_case_insensitive(make_article):
    article = make_article(topics=["Smart City"])
    article.topics.add("smart city", "SMART  CITY")
    other = make_article(topics=["smart city"])
    assert Topic.objects.count() == 1
    assert list(other.topics.names()) == ["Smart City"]
    assert list(article.topics.names()) == ["Smart City"]


def test_case_insensitive_tags_are_enforced_by_the_database(db):
    City.objects.create(name="Lübeck")
    with pytest.raises(IntegrityError), transaction.atomic():
        City.objects.create(name="LÜBECK")


def test_tag_slugs_are_german(make_article):
    make_article(cities=["Lübeck", "Büttelborn"], topics=["Bürgerbeteiligung"])
    assert set(City.objects.values_list("slug", flat=True)) == {"luebeck", "buettelborn"}
    assert Topic.objects.get().slug == "buergerbeteiligung"


def test_cities_and_topics_are_separate_vocabularies(make_article):
    article = make_article(cities=["Jena"], topics=["Verkehr"])
    assert list(article.cities.names()) == ["Jena"]
    assert list(article.topics.names()) == ["Verkehr"]
    assert not Topic.objects.filter(name="Jena").exists()
    assert not City.objects.filter(name="Verkehr").exists()


def test_published_means_published_and_due(make_article):
    now = timezone.now()
    visible = make_article()
    make_article(status=Status.DRAFT)
    make_article(status=Status.REVIEW)
    make_article(status=Status.ARCHIVED, published_at=now - timedelta(days=3))
    make_article(status=Status.PUBLISHED, published_at=now + timedelta(hours=1))
    assert list(Article.objects.published()) == [visible]
