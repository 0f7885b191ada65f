"""The embeddable news box (/einbinden/...): framed by any site, and only it; no cookies,
no JavaScript; its options; and the snippet on city and topic pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(make_article):
    now = timezone.now()
    articles = [make_article(headline=f"Meldung {i}", cities=["Jena"], topics=["Verkehr"],
                             published_at=now - timedelta(hours=i + 1)) for i in range(25)]
    make_article(headline="Geheimer Entwurf", cities=["Jena"], status=Status.DRAFT)
    return articles


@pytest.mark.parametrize("url", ["/einbinden/kommune/jena/", "/einbinden/thema/verkehr/"])
def test_box_may_be_framed_by_any_site(client, news, url):
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in response["Content-Security-Policy"]
        assert "script-src 'none'" in response["Content-Security-Policy"]
        assert not response.cookies
    assert response["X-Page-Cache"] == "hit"


def test_other_pages_stay_unframeable(client, news):
    for url in ("/", "/kommune/jena/", "/api/v1/articles/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


def test_box_shows_the_newest_teasers_linking_to_the_portal(client, news):
    page = client.get("/einbinden/kommune/jena/").content.decode()
    assert page.count("<li>") == 5
    assert "Meldung 0" in page and "Meldung 5" not in page
    assert f'href="http://testserver/artikel/{news[0].slug}/" target="_top"' in page
    assert "<script" not in page
    assert "Geheimer Entwurf" not in page
    assert 'class="hell"' in page


def test_box_options(client, news):
    page = client.get("/einbinden/thema/verkehr/?anzahl=20&stil=dunkel").content.decode()
    assert page.count("<li>") == 20 and 'class="dunkel"' in page
    assert client.get("/einbinden/thema/verkehr/?anzahl=1").content.decode().count("<li>") == 1
    for query in ("anzahl=0", "anzahl=21", "anzahl=zwei", "anzahl=%C2%B2", "stil=bunt"):
        response = client.get(f"/einbinden/thema/verkehr/?{query}")
        assert response.status_code == 400, query
        assert ("anzahl" if "anzahl" in query else "stil") in response.content.decode()


def test_box_only_for_public_subjects(client, make_article):
    make_article(cities=["Geheimstadt"], status=Status.DRAFT)
    assert client.get("/einbinden/kommune/geheimstadt/").status_code == 404
    assert client.get("/einbinden/thema/gibt-es-nicht/").status_code == 404


@pytest.mark.parametrize(("page", "embed"), [("/kommune/jena/", "/einbinden/kommune/jena/"),
                                             ("/thema/verkehr/", "/einbinden/thema/verkehr/")])
def test_city_and_topic_pages_offer_the_snippet(client, news, page, embed):
    html = client.get(page).content.decode()
    assert "<details class=\"embed-snippet\">" in html
    assert f"&lt;iframe src=&quot;http://testserver{embed}?anzahl=5&quot;" in html or (
        f'&lt;iframe src="http://testserver{embed}?anzahl=5"' in html)
    assert "readonly" in html
