"""The content API under /api/v1/: resources, filters, paging, caching, CORS, rate limit
and problem details (articles/api/)."""

from datetime import date, timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.api.pagination import Keyset
from articles.models import City, ImageCredit, Organisation, Person, Status
from tests.test_query_budget import QUERY_BUDGET

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(make_article, make_image, editor):
    """A public article with everything the API shows."""
    credit = ImageCredit.objects.create(creator="Thomas Kierok", rights_holder="KL.digital",
                                        licence_type="cc-by-4.0", licence="",
                                        source_url="https://example.org/f",
                                        valid_until=date(2030, 12, 31))
    article = make_article(
        headline="KL.digital bekommt neue Geschäftsleitung", kicker="Kaiserslautern",
        body='<p>Ilona Benz <a href="https://example.org">übernimmt</a>.</p>',
        cities=["Kaiserslautern"], topics=["Digitalisierung"],
        people=[Person.objects.create(name="Ilona Benz", description="Geschäftsführerin")],
        organisations=[Organisation.objects.create(name="KL.digital", kind="unternehmen")],
        lead_image=make_image(alt_text="Das Rathaus", caption="Rathaus Kaiserslautern",
                              credit=credit),
        corrections=[{"at": "2025-01-02T10:00:00+00:00", "text": "Name korrigiert."}],
    )
    article.authors.add(editor)
    city = article.cities.get()
    city.state = "RP"
    city.save()
    return article


def get(client, url, **headers):
    response = client.get(url, **headers)
    return response, response.json() if response.content else None


def test_article_detail_has_every_field(client, story):
    response, data = get(client, f"/api/v1/articles/{story.slug}/")
    assert response.status_code == 200
    assert data["headline"] == story.headline and data["kicker"] == "Kaiserslautern"
    assert data["body"] == story.body and 'rel="noopener' in data["body"]
    assert data["url"] == f"http://testserver/artikel/{story.slug}/"
    assert data["published_at"] and data["modified_at"]
    assert data["corrections"] == [{"at": "2025-01-02T10:00:00Z", "text": "Name korrigiert."}]
    assert data["authors"] == ["Erik Muster"]
    image = data["lead_image"]
    assert image["caption"] == "Rathaus Kaiserslautern" and image["alt_text"] == "Das Rathaus"
    assert image["credit"] == {
        "creator": "Thomas Kierok", "rights_holder": "KL.digital", "licence_type": "cc-by-4.0",
        "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/deed.de",
        "valid_until": "2030-12-31", "source_url": "https://example.org/f"}
    assert {r["format"] for r in image["renditions"]} == {"webp", "jpeg"}
    assert all(r["url"].startswith("http://testserver/media/renditions/") and r["width"]
               for r in image["renditions"])
    assert data["places"] == [{"name": "Kaiserslautern", "slug": "kaiserslautern",
                               "url": "http://testserver/kommune/kaiserslautern/",
                               "official_key": None, "state": "RP",
                               "state_name": "Rheinland-Pfalz"}]
    assert [t["slug"] for t in data["topics"]] == ["digitalisierung"]
    assert [p["name"] for p in data["people"]] == ["Ilona Benz"]
    assert [o["name"] for o in data["organisations"]] == ["KL.digital"]


def test_article_list_shows_summaries_newest_first(client, story, make_article):
    newer = make_article(published_at=timezone.now() - timedelta(minutes=5))
    response, data = get(client, "/api/v1/articles/")
    assert response.status_code == 200
    assert [a["slug"] for a in data["items"]] == [newer.slug, story.slug]
    assert "body" not in data["items"][0]
    assert data["next"] is None and data["next_cursor"] is None


@pytest.mark.parametrize(("path", "slug", "extra"), [
    ("topics", "digitalisierung", {}),
    ("places", "kaiserslautern", {"state": "RP", "official_key": None}),
    ("people", "ilona-benz", {"description": "Geschäftsführerin"}),
    ("organisations", "kldigital", {"kind": "unternehmen", "website": None}),
])
def test_subject_resources(client, story, path, slug, extra):
    response, data = get(client, f"/api/v1/{path}/")
    assert response.status_code == 200
    assert [item["slug"] for item in data["items"]] == [slug]
    response, item = get(client, f"/api/v1/{path}/{slug}/")
    assert response.status_code == 200
    assert item["slug"] == slug and item["url"].startswith("http://testserver/")
    assert extra.items() <= item.items()


def test_filters_are_those_of_the_public_list(client, story, make_article):
    other = make_article(headline="Verkehrsversuch in Jena", cities=["Jena"],
                         topics=["Verkehr"], published_at=timezone.now() - timedelta(days=30))

    def slugs(query):
        response, data = get(client, f"/api/v1/articles/?{query}")
        assert response.status_code == 200, (query, data)
        return [a["slug"] for a in data["items"]]

    assert slugs("city=jena") == [other.slug]
    City.objects.filter(slug="jena").update(state="TH")
    assert slugs("land=TH") == [other.slug]
    assert slugs("land=TH&topic=digitalisierung") == []
    assert slugs("topic=digitalisierung") == [story.slug]
    assert slugs("person=ilona-benz") == [story.slug]
    assert slugs("organisation=kldigital") == [story.slug]
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert slugs(f"date_from={since}") == [story.slug]
    assert slugs(f"date_to={since}") == [other.slug]
    assert slugs("q=Verkehrsversuch") == [other.slug]
    assert slugs("q=Geschäftsleitung&city=kaiserslautern") == [story.slug]


def test_cursor_pages_stay_stable_while_articles_are_published(client, make_article):
    now = timezone.now()
    olds = [make_article(published_at=now - timedelta(hours=i + 1)) for i in range(5)]
    response, first = get(client, "/api/v1/articles/?limit=2")
    assert [a["slug"] for a in first["items"]] == [a.slug for a in olds[:2]]
    assert first["next"].startswith("http://testserver/api/v1/articles/?limit=2&cursor=")
    make_article(published_at=now - timedelta(minutes=1))  # published meanwhile
    seen = [a["slug"] for a in first["items"]]
    url = first["next"]
    while url:
        response, data = get(client, url.removeprefix("http://testserver"))
        assert response.status_code == 200
        seen += [a["slug"] for a in data["items"]]
        url = data["next"]
    assert seen == [a.slug for a in olds]


def test_etag_and_304_through_the_page_cache(client, story):
    response = client.get("/api/v1/articles/")
    assert response["ETag"] and "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    again = client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_publication_invalidates_cached_answers(client, story, make_article):
    client.get("/api/v1/articles/")
    assert client.get("/api/v1/articles/")["X-Page-Cache"] == "hit"
    fresh = make_article(headline="Ganz neu", published_at=timezone.now() - timedelta(seconds=5))
    response, data = get(client, "/api/v1/articles/")
    assert response["X-Page-Cache"] == "stale"
    assert data["items"][0]["slug"] == fresh.slug


def test_cors_for_any_origin_without_credentials(client, story):
    response = client.get("/api/v1/articles/", HTTP_ORIGIN="https://www.kaiserslautern.de")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert not response.cookies
    cached = client.get("/api/v1/articles/", HTTP_ORIGIN="https://example.org")
    assert cached["X-Page-Cache"] == "hit" and cached["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/articles/", HTTP_ORIGIN="https://example.org",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 200 and "GET" in preflight["Access-Control-Allow-Methods"]
    # Only the API: the site itself is not readable cross-origin.
    page = client.get("/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_rate_limit_per_client_address(client, settings, story):
    settings.NEWSROOM_API_RATE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        assert client.get("/api/v1/topics/", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 200
    refused = client.get("/api/v1/topics/", HTTP_X_FORWARDED_FOR="192.0.2.1",
                         HTTP_ORIGIN="https://example.org")
    assert refused.status_code == 429
    # A script on another site can read why, and when to come back.
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused["Access-Control-Expose-Headers"]
    assert 1 <= int(refused["Retry-After"]) <= settings.NEWSROOM_API_RATE_WINDOW
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    # Another client behind the same proxy has its own count; a forged first hop is ignored.
    other = client.get("/api/v1/topics/", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")
    assert other.status_code == 200
    # Pages of the site are not counted.
    assert client.get("/", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 200


@pytest.mark.parametrize(("url", "status", "parameter"), [
    ("/api/v1/articles/gibt-es-nicht/", 404, None),
    ("/api/v1/topics/gibt-es-nicht/", 404, None),
    ("/api/v1/gibt-es-nicht/", 404, None),
    ("/api/v1/articles/?seite=2", 400, "seite"),
    ("/api/v1/articles/?limit=0", 400, "limit"),
    ("/api/v1/articles/?limit=abc", 400, "limit"),
    ("/api/v1/articles/?date_from=2025-02-30", 400, "date_from"),
    ("/api/v1/articles/?city=atlantis", 400, "city"),
    ("/api/v1/articles/?land=XX", 400, "land"),
    ("/api/v1/articles/?person=niemand", 400, "person"),
    ("/api/v1/articles/?cursor=kaputt", 400, "cursor"),
    ("/api/v1/places/?cursor=WyJ4Il0&foo=1", 400, "foo"),
])
def test_errors_are_problem_details(client, story, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"]
    assert problem.get("parameter") == parameter


def test_database_away_is_a_problem_with_retry_after(client, story, monkeypatch):
    def away(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Keyset, "page", away)
    response = client.get("/api/v1/places/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"]


def test_cookies_are_ignored(editor_client, story):
    """An editor's browser sends its session along: the API answers as to anyone, from
    the page cache, and sets no cookie."""
    editor_client.get("/api/v1/articles/")
    response = editor_client.get("/api/v1/articles/")
    assert response["X-Page-Cache"] == "hit"
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    assert not response.cookies


def test_head_is_get_without_the_body(client, story):
    for _ in range(2):  # rendered, then from the page cache
        response = client.head("/api/v1/articles/")
        assert response.status_code == 200 and response.content == b""
        assert int(response["Content-Length"]) > 100 and response["ETag"]


def test_method_not_allowed_is_a_problem_too(client, story):
    response = client.post("/api/v1/articles/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


def test_only_public_content(client, story, make_article):
    secret = make_article(headline="Geheim", status=Status.DRAFT, cities=["Geheimstadt"],
                          topics=["Geheimthema"],
                          people=[Person.objects.create(name="Geheime Person")])
    scheduled = make_article(headline="Termin", status=Status.PUBLISHED,
                             published_at=timezone.now() + timedelta(days=1))
    for url in (f"/api/v1/articles/{secret.slug}/", f"/api/v1/articles/{scheduled.slug}/",
                "/api/v1/places/geheimstadt/", "/api/v1/topics/geheimthema/",
                "/api/v1/people/geheime-person/"):
        assert client.get(url).status_code == 404, url
    for url in ("/api/v1/articles/", "/api/v1/places/", "/api/v1/topics/", "/api/v1/people/"):
        assert b"Geheim" not in client.get(url).content
        assert b"Termin" not in client.get(url).content


def test_openapi_schema_and_docs_are_served_by_the_project(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/articles/", "/api/v1/articles/{slug}/", "/api/v1/topics/",
            "/api/v1/places/{slug}/", "/api/v1/people/", "/api/v1/organisations/{slug}/"
            } <= set(schema["paths"])
    errors = schema["paths"]["/api/v1/articles/{slug}/"]["get"]["responses"]["404"]
    assert "application/problem+json" in errors["content"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "https://" not in docs and "http://" not in docs
    # From ninja's static folder, collected with ours (collectstatic, whitenoise).
    assert finders.find("ninja/swagger-ui-bundle.js")
    assert finders.find("ninja/swagger-ui.css")


def add_articles(make_article, make_image, count):
    credit, _ = ImageCredit.objects.get_or_create(creator="Thomas Kierok")
    people = [Person.objects.get_or_create(name=f"Person {i}")[0] for i in range(3)]
    orgs = [Organisation.objects.get_or_create(name=f"Organisation {i}")[0] for i in range(2)]
    return [make_article(cities=["Jena", f"Stadt {i % 4}"], topics=["Verkehr"],
                         people=people, organisations=orgs,
                         lead_image=make_image(alt_text="Rathaus", credit=credit))
            for i in range(count)]


def queries(client, url, *, cold=False):
    if cold:  # as after a publication: kept vocabularies are asked again
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(captured)


def test_list_and_detail_run_a_constant_number_of_queries(client, settings, make_article,
                                                         make_image):
    """Within the public pages' budget at 3 and 43 articles, warm and cold (the public
    list's filter combinations); all four subject filters at once stay within it warm
    (cold, resolving four subjects and the next publication time, they take one more)."""
    settings.NEWSROOM_PAGE_CACHE = False
    first = add_articles(make_article, make_image, 3)[0]
    lists = ["/api/v1/articles/", "/api/v1/articles/?limit=2", "/api/v1/articles/?q=Testmeldung",
             "/api/v1/articles/?city=jena&topic=verkehr&person=person-0",
             "/api/v1/articles/?date_from=2020-01-01&organisation=organisation-0&limit=100"]
    urls = [*lists, f"/api/v1/articles/{first.slug}/", "/api/v1/places/",
            "/api/v1/people/person-0/"]
    everything = ("/api/v1/articles/?city=jena&topic=verkehr&person=person-0"
                  "&organisation=organisation-0&date_from=2020-01-01&q=Testmeldung&limit=100")
    small = {url: queries(client, url) for url in [*urls, everything]}
    add_articles(make_article, make_image, 40)
    large = {url: queries(client, url) for url in [*urls, everything]}
    assert small == large
    assert max(large.values()) <= QUERY_BUDGET, large
    cold = {url: queries(client, url, cold=True) for url in urls}
    assert max(cold.values()) <= QUERY_BUDGET, cold
