"""List counts are kept until content changes: no page counts the whole table each time."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.editorial import workflow
from articles.models import Status, Transition
from articles.public import pagination

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """The counts on their own, without the page cache in front of them."""
    settings.NEWSROOM_PAGE_CACHE = False


def counts(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    counted = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    return response.context["paginator"].count, len(counted)


@pytest.mark.parametrize("url_name", ["articles:list", "articles:topic"])
def test_a_list_is_counted_once_until_content_changes(client, make_article, url_name):
    for _ in range(3):
        make_article(topics=["Verkehr"])
    url = reverse(url_name, kwargs={"slug": "verkehr"} if url_name == "articles:topic" else {})
    assert counts(client, url) == (3, 1)
    # The same list again: no count.
    assert counts(client, url) == (3, 0)
    make_article(topics=["Verkehr"])
    assert counts(client, url) == (4, 1)


def test_each_filter_combination_has_its_own_count(client, make_article):
    make_article(cities=["Jena"], topics=["Verkehr"])
    make_article(cities=["Jena"])
    make_article(cities=["Gera"], topics=["Verkehr"])
    url = reverse("articles:list")
    assert counts(client, url, city="jena")[0] == 2
    assert counts(client, url, city="jena", topic="verkehr")[0] == 1
    assert counts(client, url, topic="verkehr", city="jena") == (1, 0)  # same list
    assert counts(client, url, city="gera")[0] == 1
    assert counts(client, url, city="gera", page=1) == (1, 0)  # the page is not the list


def test_a_scheduled_article_counts_from_its_time_on(client, editor, make_article):
    make_article()
    url = reverse("articles:list")
    publish_at = timezone.now() + timedelta(minutes=3)
    scheduled = make_article(status=Status.DRAFT, topics=["Verkehr"])
    workflow.perform(scheduled, Transition.SCHEDULE, editor, publish_at=publish_at)
    assert counts(client, url) == (1, 1)
    assert counts(client, url) == (1, 0)
    with time_machine.travel(publish_at + timedelta(seconds=1), tick=False):
        assert counts(client, url)[0] == 2


def test_unpublishing_lowers_the_count(client, editor, make_article):
    first = make_article()
    make_article()
    url = reverse("articles:list")
    assert counts(client, url)[0] == 2
    workflow.perform(first, Transition.ARCHIVE, editor)
    assert counts(client, url)[0] == 1


@pytest.mark.parametrize("deep_offset", [0, 1000])
def test_deep_pages_hold_the_same_articles_in_the_same_order(
        client, make_article, monkeypatch, deep_offset):
    monkeypatch.setattr(pagination, "DEEP_OFFSET", deep_offset)
    made = [make_article(topics=["Verkehr"]) for _ in range(23)]  # newest first
    for url in (reverse("articles:list"), reverse("articles:topic", args=["verkehr"])):
        response = client.get(url, {"page": 2})
        assert [a.pk for a in response.context["articles"]] == [a.pk for a in made[20:]]
        assert "Testmeldung" in response.content.decode()
