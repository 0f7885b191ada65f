"""Invalidation by dependency: a change renews exactly the cached pages that show it,
tells them apart in Surrogate-Key / Cache-Tag headers and purges a CDN once per commit."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from articles.editorial import workflow
from articles.models import Status, Topic, Transition
from tests.admin_forms import article_data, change_url
from tests.test_page_cache import fetch, warm

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(make_article, django_capture_on_commit_callbacks):
    """B about schools, C about transport (so its pages exist), A a draft about transport;
    committed, as if made earlier. B's related news are five other school stories, so
    B's page does not show A."""
    with django_capture_on_commit_callbacks(execute=True):
        b = make_article(headline="Neue Schulen", topics=["Bildung"])
        for number in range(5):
            make_article(headline=f"Schulnachricht {number}", topics=["Bildung"])
        c = make_article(headline="Busse fahren öfter", topics=["Verkehr"])
        a = make_article(status=Status.DRAFT, headline="Straßenbahn kommt", topics=["Verkehr"])
    return {"a": a, "b": b, "c": c}


def topic_url(slug):
    return reverse("articles:topic", args=[slug])


def test_publishing_a_renews_what_lists_it_and_leaves_other_pages_cached(
    client, editor, news, django_assert_num_queries, django_capture_on_commit_callbacks
):
    a, b = news["a"], news["b"]
    renewed = ["/", reverse("articles:list"), topic_url("verkehr"), reverse("articles:feed_rss"),
               reverse("articles:topic_feed_rss", args=["verkehr"])]
    kept = [b.get_absolute_url(), news["c"].get_absolute_url(), topic_url("bildung")]
    warm(client, *renewed, *kept)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(a, Transition.PUBLISH, editor)

    for url in kept:
        with django_assert_num_queries(0):
            assert fetch(client, url)[1] == "hit", url
    for url in renewed:
        response, state = fetch(client, url)
        assert state == "stale", url
        assert "Straßenbahn kommt" in response.content.decode(), url


def test_a_correction_renews_the_articles_page_and_the_lists_showing_it(
    client, editor, editor_client, news
):
    a, b = news["a"], news["b"]
    workflow.perform(a, Transition.PUBLISH, editor)
    a.refresh_from_db()
    warm(client, a.get_absolute_url(), b.get_absolute_url(), "/", topic_url("bildung"))

    editor_client.post(change_url(a), article_data(
        a, headline="Straßenbahn kommt 2027", _workflow=Transition.PUBLISH_CHANGES))

    for url in (a.get_absolute_url(), "/"):
        response, state = fetch(client, url)
        assert state == "stale" and "Straßenbahn kommt 2027" in response.content.decode(), url
    for url in (b.get_absolute_url(), topic_url("bildung")):
        response, state = fetch(client, url)
        assert state == "hit", (url, response.status_code, dict(response.headers))


def test_responses_name_what_they_show_in_surrogate_key_and_cache_tag(client, news):
    b = news["b"]
    topic = Topic.objects.get(slug="bildung")
    page, _state = fetch(client, b.get_absolute_url())
    keys = page["Surrogate-Key"].split(" ")
    assert {f"article-{b.pk}", f"topic-{topic.pk}"} <= set(keys)
    assert "listing" not in keys  # an article page shows no list
    assert page["Cache-Tag"].split(",") == keys
    hit, state = fetch(client, b.get_absolute_url())
    assert state == "hit" and hit["Surrogate-Key"] == page["Surrogate-Key"]
    assert "listing" in fetch(client, "/")[0]["Surrogate-Key"].split(" ")
    assert f"listing-topic-{topic.pk}" in fetch(client, topic_url("bildung"))[0][
        "Surrogate-Key"].split(" ")


@pytest.fixture
def purge_server():
    """A local HTTP server standing in for the CDN; returns the requests it received."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            received.append((self.path, self.headers.get("Surrogate-Key")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()


def test_the_purge_hook_is_called_once_per_commit_with_the_changed_keys(
    settings, editor, news, purge_server, django_capture_on_commit_callbacks
):
    port, received = purge_server
    settings.NEWSROOM_PURGE_URL = f"http://127.0.0.1:{port}/purge?keys={{keys}}"
    a = news["a"]
    topic = Topic.objects.get(slug="verkehr")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(a, Transition.PUBLISH, editor)

    assert len(received) == 1
    path, header = received[0]
    keys = set(header.split(" "))
    assert {f"article-{a.pk}", "listing", f"listing-topic-{topic.pk}"} <= keys
    assert path.startswith("/purge?keys=") and f"article-{a.pk}" in path
    assert f"article-{news['b'].pk}" not in keys


def test_a_purge_that_fails_loses_nothing(settings, editor, news, client,
                                          django_capture_on_commit_callbacks):
    settings.NEWSROOM_PURGE_URL = "http://127.0.0.1:9/purge"  # nobody answers there
    warm(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(news["a"], Transition.PUBLISH, editor)
    response, state = fetch(client, "/")
    assert state == "stale" and "Straßenbahn kommt" in response.content.decode()
