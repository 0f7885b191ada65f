"""The anonymous page cache: hits, bypasses, exact invalidation, scheduled articles, 304."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.editorial import workflow
from articles.models import (
    Affiliation,
    City,
    ImageCredit,
    Organisation,
    Person,
    Placement,
    Status,
    Teaser,
    Topic,
    Transition,
)

pytestmark = pytest.mark.django_db


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.get("X-Page-Cache")


def test_second_anonymous_request_is_a_hit_with_public_cache_headers(client, make_article):
    make_article(headline="Im Cache")
    first, state = fetch(client, "/")
    assert state == "miss"
    second, state = fetch(client, "/")
    assert state == "hit"
    assert second.content == first.content
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]
    assert not second.cookies


def test_hits_run_no_queries(client, make_article, django_assert_num_queries):
    make_article()
    fetch(client, "/")
    with django_assert_num_queries(0):
        assert fetch(client, "/")[1] == "hit"


def test_while_nothing_changed_a_hit_checks_one_stamp_not_every_key(
    client, make_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shown = make_article(headline="Ruhiger Tag")
        draft = make_article(headline="Noch in Arbeit", status=Status.DRAFT)
    fetch(client, "/")
    asked = []

    def get_many(keys, *args, **kwargs):
        asked.extend(keys)
        return original(keys, *args, **kwargs)

    original = cache.get_many
    with mock.patch.object(cache, "get_many", side_effect=get_many):
        assert fetch(client, "/")[1] == "hit"
        assert f"newsroom:key:article-{shown.pk}" not in asked
        # Once anything changed, the page's own keys decide: still a hit here.
        with django_capture_on_commit_callbacks(execute=True):
            draft.headline = "Immer noch in Arbeit"
            draft.save()
        assert fetch(client, "/")[1] == "hit"
        assert f"newsroom:key:article-{shown.pk}" in asked


def test_logged_in_staff_bypass_the_cache(editor_client, make_article):
    make_article()
    for _ in range(2):
        response, state = fetch(editor_client, "/")
        assert state is None
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_previews_and_admin_are_never_cached(client, editor_client, make_article):
    article = make_article(status=Status.DRAFT)
    preview = reverse("articles:preview", args=[article.pk])
    for _ in range(2):
        response, state = fetch(editor_client, preview)
        assert state is None and "no-store" in response["Cache-Control"]
        assert fetch(client, "/admin/login/")[1] is None


def test_posts_are_not_cached(client, make_article):
    make_article()
    fetch(client, "/")
    assert client.post("/").get("X-Page-Cache") is None


def test_conditional_get_answers_304_without_rendering(client, make_article,
                                                        django_assert_num_queries):
    article = make_article()
    for url in ("/", article.get_absolute_url(), reverse("articles:feed_rss")):
        response, _state = fetch(client, url)
        etag = response["ETag"]
        with django_assert_num_queries(0):
            again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""


def test_changed_page_gets_a_new_etag(client, make_article):
    article = make_article(headline="Vorher")
    etag = fetch(client, "/")[0]["ETag"]
    article.headline = "Nachher"
    article.save()
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Nachher" in response.content.decode()


# Invalidation: every kind of change makes the affected pages fresh at once -------------


@pytest.fixture
def newsroom(make_article, make_image):
    person = Person.objects.create(name="Ilona Benz")
    org = Organisation.objects.create(name="KL.digital")
    Affiliation.objects.create(person=person, organisation=org, role="Geschäftsführerin")
    credit = ImageCredit.objects.create(creator="Thomas Kierok")
    image = make_image(alt_text="Rathaus", caption="Das Rathaus.", credit=credit)
    article = make_article(headline="Erste Meldung", cities=["Jena"], topics=["Verkehr"],
                           people=[person], organisations=[org], lead_image=image)
    return {"article": article, "person": person, "org": org, "credit": credit}


def warm(client, *urls):
    for url in urls:
        fetch(client, url)
        assert fetch(client, url)[1] == "hit"


def shows(client, url, text):
    response, state = fetch(client, url)
    assert state in ("miss", "stale"), f"{url} was served stale from the cache"
    return text in response.content.decode()


def test_publishing_appears_everywhere_at_once(client, editor, newsroom, make_article):
    draft = make_article(status=Status.DRAFT, headline="Ganz neu", cities=["Jena"],
                         topics=["Verkehr"])
    urls = ["/", reverse("articles:list"), reverse("articles:topic", args=["verkehr"]),
            reverse("articles:city", args=["jena"]), reverse("articles:feed_rss")]
    warm(client, *urls)
    workflow.perform(draft, Transition.PUBLISH, editor)
    for url in urls:
        assert shows(client, url, "Ganz neu"), url
    assert fetch(client, draft.get_absolute_url())[0].status_code == 200


def test_archiving_removes_the_article_at_once(client, editor, newsroom):
    article = newsroom["article"]
    warm(client, "/", article.get_absolute_url())
    workflow.perform(article, Transition.ARCHIVE, editor)
    assert not shows(client, "/", "Erste Meldung")
    assert fetch(client, article.get_absolute_url())[0].status_code == 410


def test_editing_a_published_article(client, newsroom):
    article = newsroom["article"]
    warm(client, article.get_absolute_url())
    article.teaser = "Ein neuer Anreißer"
    article.save()
    assert shows(client, article.get_absolute_url(), "Ein neuer Anreißer")


@pytest.mark.parametrize("kind", ["person", "organisation", "topic", "credit", "teaser", "byline"])
def test_other_changes_refresh_the_pages_that_show_them(client, newsroom, kind, editor):
    article = newsroom["article"]
    url = {
        "person": reverse("articles:person", args=["ilona-benz"]),
        "organisation": reverse("articles:organisation", args=["kldigital"]),
        "topic": reverse("articles:topic", args=["verkehr"]),
        "credit": article.get_absolute_url(),
        "teaser": "/",
        "byline": article.get_absolute_url(),
    }[kind]
    warm(client, url)
    if kind == "person":
        newsroom["person"].affiliations.update_or_create(
            organisation=newsroom["org"], defaults={"role": "Aufsichtsrätin"})
        expected = "Aufsichtsrätin"
    elif kind == "organisation":
        org = newsroom["org"]
        org.website = "https://kl.digital"
        org.save()
        expected = "https://kl.digital"
    elif kind == "topic":
        topic = Topic.objects.get(slug="verkehr")
        topic.name = "Verkehrswende"
        topic.save()
        expected = "Verkehrswende"
    elif kind == "credit":
        credit = newsroom["credit"]
        credit.rights_holder = "Stadt Kaiserslautern"
        credit.save()
        expected = "Thomas Kierok / Stadt Kaiserslautern"
    elif kind == "teaser":
        Teaser.objects.create(placement=Placement.LEAD, article=article,
                              active_until=timezone.now() + timedelta(days=1),
                              headline="Kuratierte Überschrift")
        expected = "Kuratierte Überschrift"
    else:
        article.authors.add(editor)
        expected = "Erik Muster"
    assert shows(client, url, expected)


def test_city_state_change_refreshes(client, newsroom):
    url = reverse("articles:city", args=["jena"])
    warm(client, url)
    City.objects.filter(slug="jena").first().__class__  # noqa: B018
    city = City.objects.get(slug="jena")
    city.state = "TH"
    city.save()
    assert shows(client, url, "Thüringen")


def test_scheduled_article_appears_on_cached_pages_at_its_time(client, editor, make_article):
    make_article(headline="Schon da")
    # Well inside the cache's lifetime: only the bound by the publication time helps.
    publish_at = timezone.now() + timedelta(minutes=3)
    scheduled = make_article(status=Status.DRAFT, headline="Kommt später", topics=["Verkehr"])
    workflow.perform(scheduled, Transition.SCHEDULE, editor, publish_at=publish_at)
    warm(client, "/")
    response, state = fetch(client, "/")
    assert state == "hit" and "Kommt später" not in response.content.decode()
    with time_machine.travel(publish_at + timedelta(seconds=1), tick=False):
        assert shows(client, "/", "Kommt später")


def test_cache_can_be_switched_off(client, settings, make_article):
    settings.NEWSROOM_PAGE_CACHE = False
    make_article()
    fetch(client, "/")
    assert fetch(client, "/")[1] is None


def test_two_browsers_one_logged_in(make_article, editor):
    make_article(headline="Geteilt")
    visitor, staff = Client(), Client()
    staff.force_login(editor)
    warm(visitor, "/")
    assert fetch(staff, "/")[1] is None
    User.objects.filter(pk=editor.pk).update(first_name="Neu")  # no signal: nothing public
    assert fetch(visitor, "/")[1] == "hit"
