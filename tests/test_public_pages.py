"""The public site through the test client: visibility, filters, bad input, query counts."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Affiliation, Article, City, Organisation, Person, Status, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def headlines(response):
    return [a.headline for a in response.context["articles"]]


# Visibility -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "offset", "answer"),
    [
        (Status.DRAFT, None, 404),
        (Status.REVIEW, None, 404),
        (Status.ARCHIVED, timedelta(days=-2), 410),  # withdrawn: gone, not unknown
        (Status.PUBLISHED, timedelta(hours=2), 404),  # scheduled
    ],
)
def test_non_public_articles_are_not_shown(client, make_article, status, offset, answer):
    fields = {"status": status}
    if offset is not None:
        fields["published_at"] = timezone.now() + offset
    article = make_article(**fields)
    response = client.get(article.get_absolute_url())
    assert response.status_code == answer
    assert article.teaser not in response.content.decode()
    assert article.headline not in client.get(reverse("articles:list")).content.decode()
    assert article.headline not in client.get(reverse("articles:home")).content.decode()


def test_published_article_answers_200(client, make_article):
    article = make_article(headline="Öffentlich & sichtbar")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Öffentlich &amp; sichtbar" in response.content.decode()


def test_unknown_article_answers_404(client, db):
    assert client.get(reverse("articles:detail", args=["gibt-es-nicht"])).status_code == 404


# The seed's content on every page ---------------------------------------------------------


def test_home_shows_the_seed_teasers(client, demo):
    page = client.get(reverse("articles:home")).content.decode()
    for text in ("28.04.2025", "Lübeck", "VIAA setzt neue Maßstäbe", "02.04.2025", "mehr..."):
        assert text in page
    assert "KL.digital bekommt neue Geschäftsleitung" in page


def test_article_page_shows_caption_credit_and_body(client, demo):
    article = Article.objects.get(headline="KL.digital bekommt neue Geschäftsleitung")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Die neue Geschäftsführerin der KL.digital, Ilona Benz." in page
    assert "(Bildquelle: Platzhalterbild für ein Foto von Thomas Kierok)" in page
    assert "Kaiserslautern auf seinem herzlich digitalen Weg zu begleiten" in page
    assert reverse("articles:person", args=["ilona-benz"]) in page
    assert "Weitere Meldungen" in page


def test_person_page_shows_roles_and_articles(client, demo):
    page = client.get(reverse("articles:person", args=["ilona-benz"])).content.decode()
    assert "Geschäftsführerin" in page
    assert "KL.digital" in page
    assert "KL.digital bekommt neue Geschäftsleitung" in page


@pytest.mark.parametrize(
    ("kind", "model", "name"),
    [
        ("topic", Topic, "Smart City"),
        ("city", City, "Kaiserslautern"),
        ("organisation", Organisation, "KL.digital"),
    ],
)
def test_subject_pages_list_their_articles(client, demo, kind, model, name):
    subject = model.objects.get(name=name)
    response = client.get(subject.get_absolute_url())
    assert response.status_code == 200
    expected = set(Article.objects.published().tagged(**{kind: subject}).values_list(
        "headline", flat=True))
    assert expected and set(headlines(response)) == expected


def test_list_page_shows_all_demo_articles_newest_first(client, demo):
    response = client.get(reverse("articles:list"))
    assert response.status_code == 200
    assert headlines(response)[0] == "VIAA setzt neue Maßstäbe"
    assert len(headlines(response)) == 16


# Filters ----------------------------------------------------------------------------------


@pytest.fixture
def tagged_articles(make_article):
    person = Person.objects.create(name="Ilona Benz")
    org = Organisation.objects.create(name="KL.digital")
    now = timezone.now()
    return {
        "a": make_article(headline="Alpha", cities=["Jena"], topics=["Verkehr", "Smart City"],
                          people=[person], published_at=now - timedelta(days=40)),
        "b": make_article(headline="Beta", cities=["Jena", "Lübeck"], topics=["Smart City"],
                          organisations=[org], published_at=now - timedelta(days=20)),
        "c": make_article(headline="Gamma Verkehrsrechner", cities=["Lübeck"],
                          topics=["Verkehr"], people=[person], organisations=[org],
                          published_at=now - timedelta(days=2)),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"city": "jena"}, {"Alpha", "Beta"}),
        ({"topic": "verkehr"}, {"Alpha", "Gamma Verkehrsrechner"}),
        ({"person": "ilona-benz"}, {"Alpha", "Gamma Verkehrsrechner"}),
        ({"organisation": "kldigital"}, {"Beta", "Gamma Verkehrsrechner"}),
        ({"q": "verkehrsrechner"}, {"Gamma Verkehrsrechner"}),
        ({"city": "jena", "topic": "smart-city"}, {"Alpha", "Beta"}),
        ({"city": "luebeck", "topic": "verkehr"}, {"Gamma Verkehrsrechner"}),
        ({"city": "jena", "person": "ilona-benz"}, {"Alpha"}),
        ({"topic": "smart-city", "organisation": "kldigital"}, {"Beta"}),
    ],
)
def test_filters_narrow_alone_and_combined(client, tagged_articles, params, expected):
    response = client.get(reverse("articles:list"), params)
    assert response.status_code == 200
    assert set(headlines(response)) == expected


def test_land_filter_lists_articles_about_places_in_that_state(client, tagged_articles):
    City.objects.filter(slug="jena").update(state="TH")
    City.objects.filter(slug="luebeck").update(state="SH")
    url = reverse("articles:list")
    assert set(headlines(client.get(url, {"land": "SH"}))) == {"Beta", "Gamma Verkehrsrechner"}
    assert set(headlines(client.get(url, {"land": "TH", "topic": "verkehr"}))) == {"Alpha"}
    nonsense = client.get(url, {"land": "XX"})
    assert nonsense.status_code == 200 and headlines(nonsense) == []
    assert 'name="land"' in client.get(url).content.decode()


def test_date_filters(client, tagged_articles):
    today = timezone.localdate()
    response = client.get(
        reverse("articles:list"),
        {"date_from": (today - timedelta(days=30)).isoformat(),
         "date_to": (today - timedelta(days=10)).isoformat()},
    )
    assert headlines(response) == ["Beta"]


def test_filtering_by_two_tags_lists_an_article_once(client, tagged_articles):
    response = client.get(reverse("articles:list"), {"city": "jena", "topic": "smart-city"})
    assert sorted(headlines(response)) == ["Alpha", "Beta"]


def test_filtered_url_shows_the_filter_in_the_form(client, tagged_articles):
    page = client.get(reverse("articles:list"), {"city": "jena"}).content.decode()
    city, topic = page.split('name="city"', 1)[1].split('name="topic"', 1)
    assert '<option value="jena" selected>' in city and city.count("selected") == 1
    assert '<option value="" selected>' in topic.split("</select>", 1)[0]
    # The next visitor, unfiltered, gets the same kept options with none chosen.
    page = client.get(reverse("articles:list")).content.decode()
    assert '<option value="jena">' in page and "jena\" selected" not in page


# Bad parameters never give 500 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": "abc"}, 404),
        ({"page": "99999"}, 404),
        ({"page": "-1"}, 404),
        ({"city": "atlantis"}, 200),
        ({"topic": "x" * 5000}, 200),
        ({"person": "niemand"}, 200),
        ({"date_from": "2025-13-45"}, 200),
        ({"date_to": "gestern"}, 200),
        ({"q": "ä" * 10000}, 200),
        ({"q": "\x00"}, 200),
        ({"unknown": "1"}, 200),
    ],
)
def test_bad_list_parameters(client, tagged_articles, params, status):
    response = client.get(reverse("articles:list"), params)
    assert response.status_code == status


def test_unknown_city_gives_an_error_and_no_results(client, tagged_articles):
    response = client.get(reverse("articles:list"), {"city": "atlantis"})
    assert headlines(response) == []
    assert response.context["filter"].form.errors["city"]


@pytest.mark.parametrize("name", ["topic", "city", "person", "organisation"])
def test_unknown_subject_answers_404(client, db, name):
    assert client.get(reverse(f"articles:{name}", args=["unbekannt"])).status_code == 404


@pytest.mark.parametrize("page", ["abc", "99999"])
def test_bad_page_on_subject_pages(client, tagged_articles, page):
    url = reverse("articles:city", args=["jena"])
    assert client.get(url, {"page": page}).status_code == 404


# Constant number of queries ---------------------------------------------------------------


def add_articles(make_article, count):
    """Add `count` richly tagged articles to one shared set of people and organisations."""
    people = [Person.objects.get_or_create(name=f"Person {i}")[0] for i in range(4)]
    orgs = [Organisation.objects.get_or_create(name=f"Organisation {i}")[0] for i in range(3)]
    for person, org in zip(people, orgs, strict=False):
        Affiliation.objects.get_or_create(person=person, organisation=org, role="Leitung")
    articles = [
        make_article(
            cities=["Jena", f"Stadt {i % 5}"],
            topics=["Smart City", f"Thema {i % 7}", "Verkehr"],
            people=people,
            organisations=orgs,
        )
        for i in range(count)
    ]
    articles[0].related.add(*articles[1:4])
    return articles[0]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def public_urls(article):
    return {
        "home": reverse("articles:home"),
        "list": reverse("articles:list"),
        "filtered list": reverse("articles:list") + "?city=jena&topic=verkehr&person=person-0",
        "detail": article.get_absolute_url(),
        "city": reverse("articles:city", args=["jena"]),
        "topic": reverse("articles:topic", args=["smart-city"]),
        "person": reverse("articles:person", args=["person-0"]),
        "organisation": reverse("articles:organisation", args=["organisation-0"]),
    }


@pytest.mark.parametrize(
    "page", ["home", "list", "filtered list", "detail", "city", "topic", "person", "organisation"]
)
def test_public_pages_run_a_constant_number_of_queries(client, settings, make_article, page):
    settings.NEWSROOM_PAGE_CACHE = False  # rendering is measured, not the cache
    first = add_articles(make_article, 2)
    small_count = queries_for(client, public_urls(first)[page])
    add_articles(make_article, 38)  # 40 articles in all
    big_count = queries_for(client, public_urls(first)[page])
    assert small_count == big_count


def test_related_news_puts_manual_then_city_then_topic_then_newest(client, make_article):
    # make_article dates each new article a minute before the one made before it.
    newest = make_article(headline="Nichts gemeinsam")
    topic = make_article(headline="Gleiches Thema", topics=["Verkehr"])
    city_newer = make_article(headline="Gleiche Stadt, neuer", cities=["Gera"])
    city_older = make_article(headline="Gleiche Stadt, älter", cities=["Gera"])
    manual = make_article(headline="Von Hand verknüpft")
    draft = make_article(headline="Entwurf", status=Status.DRAFT)
    article = make_article(headline="Die Meldung", cities=["Gera"], topics=["Verkehr"])
    article.related.add(manual, draft)
    related = client.get(article.get_absolute_url()).context["related"]
    assert [a.headline for a in related] == [
        manual.headline, city_newer.headline, city_older.headline, topic.headline,
        newest.headline,
    ]


def test_related_news_of_an_article_without_tags_is_the_newest(client, make_article):
    newest = make_article(headline="Neueste Meldung", cities=["Gera"])
    older = make_article(headline="Ältere Meldung", topics=["Verkehr"])
    article = make_article(headline="Ohne Stadt und Thema")
    related = client.get(article.get_absolute_url()).context["related"]
    assert [a.headline for a in related] == [newest.headline, older.headline]


def test_related_news_looks_only_at_the_newest_articles(client, make_article, monkeypatch):
    monkeypatch.setattr("articles.models.article.RELATED_WINDOW", 1)
    article = make_article(headline="Die Meldung", cities=["Gera"])
    recent = make_article(headline="Neu, andere Stadt")
    make_article(headline="Alt, gleiche Stadt", cities=["Gera"])
    related = client.get(article.get_absolute_url()).context["related"]
    # The window holds the newest other article; the older one sharing the city is outside.
    assert [a.headline for a in related] == [recent.headline]
