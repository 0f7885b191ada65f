"""At most six SQL queries on every public page, the same with 3 or 60 articles."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Affiliation, City, ImageCredit, Organisation, Person
from articles.models.tags import PlaceKind
from articles.public import pagination
from articles.public.sitemaps import SITEMAPS
from tests.public_urls import concrete_urls, newsletter_values

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 6
# A reader's own page (/newsletter/verwalten/...) is a form, never cached: the scheduled-
# publication check, the reader, what they follow (one UNION), the four lists to choose
# from and, when the cache is cold, the main navigation. Constant too, whatever the size.
NEWSLETTER_BUDGET = 8


def budget(url):
    return NEWSLETTER_BUDGET if url.startswith("/newsletter/") else QUERY_BUDGET
VARIANTS = ["", "?page=2", "?q=Testmeldung", "?city=jena&topic=verkehr&person=person-0",
            "?city=thueringen",
            "?date_from=2020-01-01&organisation=organisation-0"]


def add_articles(make_article, make_image, count):
    # Jena in a Kreis in a Land: its page names both, theirs list what lies inside.
    land, _ = City.objects.get_or_create(name="Thüringen", defaults={
        "ags": "16", "kind": PlaceKind.STATE})
    kreis, _ = City.objects.get_or_create(name="Saale-Holzland-Kreis", defaults={
        "ags": "16074", "kind": PlaceKind.DISTRICT, "parent": land})
    City.objects.update_or_create(name_key="jena", defaults={"name": "Jena", "parent": kreis})
    people = [Person.objects.get_or_create(name=f"Person {i}")[0] for i in range(3)]
    orgs = [Organisation.objects.get_or_create(name=f"Organisation {i}")[0] for i in range(2)]
    for person, org in zip(people, orgs, strict=False):
        Affiliation.objects.get_or_create(person=person, organisation=org, role="Leitung")
    credit, _ = ImageCredit.objects.get_or_create(creator="Thomas Kierok")
    articles = [
        make_article(cities=["Jena", f"Stadt {i % 4}"], topics=["Verkehr", f"Thema {i % 5}"],
                     people=people, organisations=orgs,
                     lead_image=make_image(alt_text="Rathaus", credit=credit) if i % 3 == 0
                     else None)
        for i in range(count)
    ]
    articles[0].related.add(*articles[1:3])
    return articles[0]


def measure(client, article, *, cold=False):
    """Queries per public URL; `cold`: with an empty shared cache before each request, as
    after a deploy or a publication (the kept counts and vocabularies are asked again)."""
    values = {
        "slug": [article.slug, "jena", "verkehr", "person-0", "organisation-0", "thueringen",
                 "saale-holzland-kreis"],
        "year": [article.published_at.year],
        "month": [article.published_at.month],
        "day": [article.published_at.day],
        "section": sorted(SITEMAPS),
        "name": [article.lead_image.file.name],
        **newsletter_values(),
    }
    counts = {}
    for _name, url in concrete_urls(values):
        for variant in VARIANTS:
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url + variant)
            if response.status_code == 200:
                counts[url + variant] = len(queries)
    return counts


def test_every_public_page_stays_within_the_budget_at_any_size(client, settings, make_article,
                                                               make_image):
    settings.NEWSROOM_PAGE_CACHE = False  # the pages' own queries, not the cache's
    first = add_articles(make_article, make_image, 3)
    small = measure(client, first)
    add_articles(make_article, make_image, 57)
    large = measure(client, first)
    over = {url: n for url, n in large.items() if n > budget(url)}
    assert not over, over
    cold = measure(client, first, cold=True)
    over = {url: n for url, n in cold.items() if n > budget(url)}
    assert not over, over
    changed = {url: (small[url], large[url]) for url in small.keys() & large.keys()
               if small[url] != large[url]}
    assert not changed, changed
    assert len(large) > 60


def test_deep_pages_stay_within_the_budget(client, settings, make_article, monkeypatch):
    """Past DEEP_OFFSET, lists load a page by its ids (articles.public.pagination): that
    path too runs within the budget, warm and cold."""
    settings.NEWSROOM_PAGE_CACHE = False
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 20)
    for _ in range(45):
        make_article(topics=["Verkehr"], cities=["Jena"])
    for url in ("/artikel/?page=2", "/artikel/?page=3", "/thema/verkehr/?page=3",
                "/kommune/jena/?page=3"):
        for cold in (False, True):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            assert len(queries) <= QUERY_BUDGET, (url, cold, len(queries))
