"""Search: German full-text on PostgreSQL, a contains match on SQLite, one interface."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from articles import search
from articles.models import Article, Status

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="German stemming and ranking need PostgreSQL"
)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def found(client, **params):
    response = client.get(reverse("articles:list"), params)
    assert response.status_code == 200
    return [a.headline for a in response.context["articles"]]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Lübeck", "VIAA setzt neue Maßstäbe"),
        ("KIMONO", "KIMONO sorgt für Neustart"),
        ("Geschäftsführerin", "KL.digital bekommt neue Geschäftsleitung"),
        ("Parkleitsystem", "Mehr als ein Parkleitsystem"),
        ("Bauhöfe", "Smarte Daten helfen Bauhöfen"),
    ],
)
def test_simple_words_find_the_demo_articles_on_every_database(client, demo, word, expected):
    assert expected in found(client, q=word)


@on_postgres
@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Städte", "Modellstädte für KI-gestützte Verkehrssteuerung"),
        ("Städte", "Smart sein"),  # "Wie Städte digital ... wachsen können"
        ("Verkehrssteuerung", "KIMONO sorgt für Neustart"),
        ("Zwillinge", "Digitaler Zwilling veröffentlicht"),
    ],
)
def test_german_stemming(client, demo, word, expected):
    assert expected in found(client, q=word)


@on_postgres
def test_headline_match_ranks_above_body_only_match(client, make_article):
    make_article(headline="Neues aus dem Rathaus", body="<p>Die Glasfaser kommt.</p>",
                 topics=["Verkehr"])
    make_article(headline="Glasfaser für alle Schulen", body="<p>Ausbau beginnt.</p>",
                 topics=["Verkehr"])
    assert found(client, q="Glasfaser") == ["Glasfaser für alle Schulen",
                                           "Neues aus dem Rathaus"]


def test_headline_match_comes_first_on_every_database(client, make_article):
    make_article(headline="Neues aus dem Rathaus", body="<p>Die Glasfaser kommt.</p>")
    make_article(headline="Glasfaser für alle Schulen", body="<p>Ausbau beginnt.</p>")
    assert found(client, q="glasfaser")[0] == "Glasfaser für alle Schulen"


def test_search_vector_is_stored_when_saving(make_article):
    article = make_article(headline="Breitband")
    article.refresh_from_db()
    if connection.vendor == "postgresql":
        assert "breitband" in article.search_vector
    else:
        assert article.search_vector is None


def test_snippet_highlights_the_match_and_escapes_text(client, make_article):
    make_article(headline="Sicherheit",
                 body="<p>Die Stadt &lt;script&gt; testet Sensoren im Rathaus.</p>")
    response = client.get(reverse("articles:list"), {"q": "Sensoren"})
    page = response.content.decode()
    assert "<mark>Sensoren</mark>" in page
    assert "<script>" not in page.split("<body", 1)[1].split("</footer>")[0]


def test_search_combines_with_filters(client, demo):
    assert found(client, q="Verkehr", city="kaiserslautern") == ["KIMONO sorgt für Neustart"]
    in_april = found(client, q="Smart", date_from="2025-04-16", date_to="2025-04-23")
    assert set(in_april) == {
        "Smart City sucht Bürgerideen", "Smart-City-Masterplan in Arbeit",
        "Digitaler Zwilling veröffentlicht",  # "die Smart City Menden"
    }


@pytest.fixture
def small_window(settings, monkeypatch):
    settings.NEWSROOM_PAGE_CACHE = False
    monkeypatch.setattr(search, "SEARCH_WINDOW", 3)


def test_broad_searches_rank_the_newest_matches(client, make_article, small_window):
    # make_article dates each new article a minute before the one made before it.
    newest = [make_article(headline=f"Meldung {n}", body="<p>Glasfaser kommt.</p>")
              for n in range(3)]
    make_article(headline="Glasfaser für alle", body="<p>Ausbau.</p>")  # older: outside
    response = client.get(reverse("articles:list"), {"q": "Glasfaser"})
    assert {a.pk for a in response.context["articles"]} == {a.pk for a in newest}
    page = " ".join(response.content.decode().split())
    assert "Sehr viele Treffer: die 3 neuesten, die besten zuerst." in page
    # A headline match within the window still comes first.
    newest[2].headline = "Glasfaser im Kreis"
    newest[2].save()
    assert found(client, q="Glasfaser")[0] == "Glasfaser im Kreis"


def test_the_window_is_taken_after_the_other_filters(client, make_article, small_window):
    for n in range(4):
        make_article(headline=f"Überall {n}", body="<p>Glasfaser.</p>", cities=["Gera"])
    in_jena = [make_article(headline=f"Jena {n}", body="<p>Glasfaser.</p>", cities=["Jena"])
               for n in range(2)]
    # Older than every Gera article, and still found: the window counts Jena's matches.
    assert set(found(client, q="Glasfaser", city="jena")) == {a.headline for a in in_jena}
    response = client.get(reverse("articles:list"), {"q": "Glasfaser", "city": "jena"})
    assert "2 Meldungen" in response.content.decode()


def test_search_never_shows_unpublished_articles(client, make_article):
    make_article(headline="Glasfaser im Entwurf", status=Status.DRAFT)
    make_article(headline="Glasfaser archiviert", status=Status.ARCHIVED)
    assert found(client, q="Glasfaser") == []


@pytest.mark.parametrize("query", ["", "   ", "&&&", ")))((", "!!!", "der die das", "a" * 200,
                                   "'; DROP TABLE articles_article; --", "\\", "ÄÖÜß"])
def test_empty_or_absurd_queries_give_a_normal_page(client, demo, query):
    response = client.get(reverse("articles:list"), {"q": query})
    assert response.status_code == 200
    assert Article.objects.count() == 16


def test_no_results_page_helps(client, demo):
    page = client.get(reverse("articles:list"), {"q": "Quantenteleportation"}).content.decode()
    assert "Zu „Quantenteleportation“ haben wir keine Meldung gefunden." in page
    assert "Prüfen Sie die Schreibweise." in page


def test_search_form_on_every_page(client, demo):
    for url in ("/", reverse("articles:list"), reverse("articles:person", args=["ilona-benz"])):
        assert 'name="q"' in client.get(url).content.decode()



# "Sensoren" stands just before the 1,000th character, where PostgreSQL's snippet source
# ends, and far enough from the end for SQLite's window to end inside the text.
LONG_BODY = "<p>" + "Die Stadt plant viel. " * 44 + (
    "Neue Sensoren überwachen Verkehrsflüsse und Parkplätze in der Innenstadt täglich. "
) + "Der Bürgermeister verlängert seinen Vertrag überraschend. " * 10 + "</p>"


@pytest.mark.parametrize("text", ["Sensoren", "Stadt"])
def test_snippets_end_at_word_boundaries(client, make_article, text):
    make_article(headline="Personalien", body=LONG_BODY)
    page = client.get(reverse("articles:list"), {"q": text}).content.decode()
    snippet = re.search(r'class="teaser__snippet">(.*?)</p>', page, re.S)
    assert snippet, page
    assert f"<mark>{text}</mark>" in snippet.group(1)
    words = set(re.sub(r"<[^>]+>", "", LONG_BODY).replace(".", " ").split())
    shown = re.sub(r"</?mark>", "", snippet.group(1)).replace("…", " ").replace(".", " ")
    # Every word the snippet shows is a whole word of the text: none is cut off.
    assert set(shown.split()) <= words, set(shown.split()) - words
