"""What every public page carries: the legal pages in the footer, the editors' main
navigation, the icons; and the lead story, which an editor may pin until a given end."""

from datetime import timedelta

import pytest
import time_machine
from django.core import checks
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import City, LegalPage, NavigationItem, Placement, Status, Teaser, Topic
from tests.public_urls import concrete_urls, newsletter_values
from tests.test_page_cache import fetch
from tests.test_query_budget import add_articles

pytestmark = pytest.mark.django_db

LEGAL_LINKS = ('href="/impressum/"', 'href="/datenschutz/"', 'href="/kontakt/"')


def warm(client, url):
    """The page, served from the page cache."""
    fetch(client, url)
    response, state = fetch(client, url)
    assert state == "hit"
    return response


def fresh(client, url):
    """The page, rendered anew: the cached one was retired by a change."""
    response, state = fetch(client, url)
    assert state in ("miss", "stale"), f"{url} was served stale from the cache"
    return response


def legal_admin_url(kind):
    return reverse("admin:articles_legalpage_change", args=[LegalPage.objects.get(kind=kind).pk])


# Legal pages ------------------------------------------------------------------------------


def test_every_public_page_links_the_legal_pages(client, make_article, make_image):
    article = add_articles(make_article, make_image, 3)
    values = {
        "slug": [article.slug, "jena", "verkehr", "person-0", "organisation-0"],
        "year": [article.published_at.year], "month": [article.published_at.month],
        "day": [article.published_at.day], "section": ["artikel"],
        "name": [article.lead_image.file.name],
        **newsletter_values(),
    }
    pages = 0
    for _name, url in concrete_urls(values):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        if "<footer" not in html:
            continue  # the news box for other sites (/einbinden/...) has no footer of ours
        pages += 1
        for link in LEGAL_LINKS:
            assert link in html, (url, link)
    assert pages >= 15
    # The 404 page, and the page for server errors, which renders without the database.
    assert all(link in client.get("/gibt-es-nicht/").content.decode() for link in LEGAL_LINKS)
    from django.template.loader import render_to_string

    assert all(link in render_to_string("500.html") for link in LEGAL_LINKS)


def test_an_editor_writes_the_impressum_and_visitors_see_it_at_once(client, editor_client):
    assert "trägt diese Angaben gerade ein" in client.get("/impressum/").content.decode()
    warm(client, "/impressum/")
    page = LegalPage.objects.get(kind="impressum")
    response = editor_client.post(legal_admin_url("impressum"), {
        "title": "Impressum", "edit_version": page.version,
        "body": "<h2>Anbieter</h2><p>Kommune digital GmbH</p><script>alert(1)</script>",
        "responsible": "Erika Muster, Hauptstraße 1, 67655 Kaiserslautern",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()
    html = fresh(client, "/impressum/").content.decode()
    assert "Kommune digital GmbH" in html
    assert "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV" in html
    assert "Erika Muster, Hauptstraße 1, 67655 Kaiserslautern" in html
    assert "alert(1)" not in html
    page.refresh_from_db()
    assert [(v.version, v.user.username) for v in page.versions.all()] == [(2, "erik")]
    # The other legal pages were not renewed by this change.
    warm(client, "/kontakt/")
    LegalPage.objects.get(kind="impressum").save()
    assert fetch(client, "/kontakt/")[1] == "hit"
    fresh(client, "/impressum/")


def test_a_stale_save_of_a_legal_page_is_refused_with_the_input_kept(editor_client):
    page = LegalPage.objects.get(kind="kontakt")
    LegalPage.objects.filter(pk=page.pk).update(version=page.version + 1)
    response = editor_client.post(legal_admin_url("kontakt"), {
        "title": "Kontakt", "edit_version": page.version, "body": "<p>Mein Text</p>",
        "responsible": "", "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "hat jemand anderes diesen Eintrag gespeichert" in html
    assert "Mein Text" in html


def test_journalists_do_not_edit_legal_pages(journalist_client):
    assert journalist_client.get(legal_admin_url("impressum")).status_code == 403


def test_check_deploy_warns_while_the_impressum_is_empty():
    def warnings():
        return [m.id for m in checks.run_checks(include_deployment_checks=True)
                if m.id == "newsroom.W001"]

    assert warnings() == ["newsroom.W001"]
    LegalPage.objects.filter(kind="impressum").update(body="<p>Verlag GmbH</p>")
    assert warnings() == ["newsroom.W001"]  # the person responsible is missing still
    LegalPage.objects.filter(kind="impressum").update(responsible="Erika Muster, Jena")
    assert warnings() == []


def test_legal_pages_answer_with_nonsense_parameters(client):
    for url in ("/impressum/?page=x", "/datenschutz/?q=%00", "/kontakt/?x[]=1"):
        assert client.get(url).status_code == 200


# Navigation -------------------------------------------------------------------------------


def nav_of(html):
    return html.split('aria-label="Hauptnavigation"', 1)[1].split("</nav>", 1)[0]


def test_the_navigation_shows_what_editors_chose_once_it_is_public(client, make_article):
    make_article(topics=["Verkehr"])
    NavigationItem.objects.create(position=2, topic=Topic.objects.get(name="Verkehr"))
    jena = City.objects.create(name="Jena")
    NavigationItem.objects.create(position=1, city=jena)
    html = warm(client, "/artikel/").content.decode()
    assert 'href="/thema/verkehr/">Verkehr</a>' in nav_of(html)
    assert "Jena" not in nav_of(html)  # no public article is about it yet
    # Its first public article brings it in, on pages kept in the cache too.
    make_article(cities=[jena])
    nav = nav_of(fresh(client, "/artikel/").content.decode())
    assert 'href="/kommune/jena/">Jena</a>' in nav
    assert nav.index("Jena") < nav.index("Verkehr")  # in the editors' order
    # The current page is marked.
    topic_page = client.get("/thema/verkehr/").content.decode()
    assert 'href="/thema/verkehr/" aria-current="page"' in nav_of(topic_page)
    # A renamed topic is renamed in every page's navigation.
    warm(client, "/")
    topic = Topic.objects.get(name="Verkehr")
    topic.name = "Mobilität"
    topic.save()
    assert "Mobilität" in nav_of(fresh(client, "/").content.decode())


def test_the_navigation_costs_no_query_once_kept(client, settings, make_article):
    settings.NEWSROOM_PAGE_CACHE = False
    make_article(topics=["Verkehr"])
    NavigationItem.objects.create(topic=Topic.objects.get(name="Verkehr"))
    client.get("/impressum/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/impressum/")
    assert not any("navigationitem" in q["sql"] for q in queries.captured_queries)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get("/impressum/")
    assert sum("navigationitem" in q["sql"] for q in queries.captured_queries) == 1


def test_a_navigation_item_names_exactly_one_topic_or_place(editor_client):
    response = editor_client.post(reverse("admin:articles_navigationitem_add"),
                                  {"position": "1", "topic": "", "city": ""})
    assert response.status_code == 200
    assert "Bitte genau ein Thema oder eine Kommune wählen." in response.content.decode()


def test_icons_and_manifest_are_linked(client):
    html = client.get("/").content.decode()
    for name in ("img/favicon.ico", "img/logo.svg", "img/apple-touch-icon.png",
                 "site.webmanifest"):
        assert f"/static/{name}" in html


# The lead story ---------------------------------------------------------------------------


def lead_of(html):
    return html.split('class="home-lead"', 1)[1].split("</section>", 1)[0]


def test_the_newest_article_leads_unless_pinned_until_an_end(client, make_article):
    old = make_article(headline="Aus dem Jahr 2021",
                       published_at=timezone.now() - timedelta(days=1200))
    make_article(headline="Heute neu", published_at=timezone.now() - timedelta(minutes=5))
    assert "Heute neu" in lead_of(client.get("/").content.decode())
    end = timezone.now() + timedelta(minutes=3)
    Teaser.objects.create(placement=Placement.LEAD, article=old, active_until=end)
    assert "Aus dem Jahr 2021" in lead_of(warm(client, "/").content.decode())
    # The pin ends by itself, also on the cached page, without anybody saving anything.
    with time_machine.travel(end + timedelta(seconds=1), tick=False):
        assert "Heute neu" in lead_of(fresh(client, "/").content.decode())


def test_a_pin_without_an_end_is_refused_with_the_input_kept(editor_client, make_article):
    article = make_article(headline="Angeheftet", status=Status.PUBLISHED)
    response = editor_client.post(reverse("admin:articles_teaser_add"), {
        "placement": "aufmacher", "position": "0", "article": article.pk,
        "headline": "Meine Überschrift",
        "active_from_0": "", "active_from_1": "", "active_until_0": "", "active_until_1": "",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ein angehefteter Aufmacher braucht ein Ende" in html
    assert "Meine Überschrift" in html
    assert not Teaser.objects.exists()
