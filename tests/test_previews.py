"""Previews: staff see any article as visitors will; share links open one draft."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.editorial import previews, workflow
from articles.models import Status, Transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_article):
    return make_article(status=Status.DRAFT, headline="Noch geheimer Entwurf", topics=["Verkehr"])


def preview_url(article):
    return reverse("articles:preview", args=[article.pk])


def assert_private_preview(response, article):
    assert response.status_code == 200
    assert article.headline in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex' in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["journalist_client", "editor_client"])
def test_staff_see_the_preview(request, draft, who):
    client = request.getfixturevalue(who)
    assert_private_preview(client.get(preview_url(draft)), draft)


def test_anonymous_visitors_are_sent_to_the_login(client, draft):
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_share_link_opens_the_draft_without_login(client, draft):
    assert_private_preview(client.get(previews.share_url(draft)), draft)


def test_share_link_expires_after_seven_days(client, draft):
    url = previews.share_url(draft)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.get(url)
    assert response.status_code == 404
    assert draft.headline not in response.content.decode()


def test_revoked_share_link_stops_working(client, draft):
    url = previews.share_url(draft)
    previews.revoke_links(draft)
    assert client.get(url).status_code == 404
    assert client.get(previews.share_url(draft)).status_code == 200


def test_share_link_stops_working_once_published(client, draft, editor):
    url = previews.share_url(draft)
    workflow.perform(draft, Transition.PUBLISH, editor)
    assert client.get(url).status_code == 404


def test_tampered_share_link_is_refused(client, draft):
    url = previews.share_url(draft)
    assert client.get(url[:-3] + "abc/").status_code == 404
