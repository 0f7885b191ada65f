"""The workflow module: steps per group, publish-time rules, scheduling, revisions."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.editorial import revisions, workflow
from articles.models import (
    Article,
    EditConflict,
    ImageCredit,
    Revision,
    Status,
    Transition,
    WorkflowEvent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_draft(make_article):
    """A draft that meets every publish-time rule."""
    return make_article(status=Status.DRAFT, topics=["Smart City"])


EDITOR_STEPS = [Transition.PUBLISH, Transition.SCHEDULE, Transition.SEND_BACK,
                Transition.ARCHIVE, Transition.REOPEN]


@pytest.mark.parametrize("transition", EDITOR_STEPS)
def test_journalist_is_refused_every_editor_step(make_article, journalist, transition):
    article = make_article(status=Status.REVIEW, topics=["Verkehr"])
    with pytest.raises(PermissionDenied, match="Chefredaktion"):
        workflow.perform(article, transition, journalist, comment="x",
                         publish_at=timezone.now() + timedelta(days=1))
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert not WorkflowEvent.objects.exists()


def test_journalist_submits_for_review(ready_draft, journalist):
    event = workflow.perform(ready_draft, Transition.SUBMIT, journalist)
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.REVIEW
    assert (event.user, event.from_status, event.to_status) == (
        journalist, Status.DRAFT, Status.REVIEW)
    assert ready_draft.revisions.get().status == Status.REVIEW


def test_editor_publishes_and_time_is_set(ready_draft, editor):
    workflow.perform(ready_draft, Transition.PUBLISH, editor)
    ready_draft.refresh_from_db()
    assert ready_draft.is_public
    assert list(Article.objects.published()) == [ready_draft]


def test_steps_that_do_not_fit_the_state_are_refused(make_article, editor):
    article = make_article(status=Status.DRAFT, topics=["Verkehr"])
    with pytest.raises(ValidationError, match="nicht möglich"):
        workflow.perform(article, Transition.ARCHIVE, editor)


def test_send_back_needs_a_comment_the_journalist_sees(make_article, editor):
    article = make_article(status=Status.REVIEW, topics=["Verkehr"])
    with pytest.raises(ValidationError, match="Kommentar"):
        workflow.perform(article, Transition.SEND_BACK, editor, comment="  ")
    workflow.perform(article, Transition.SEND_BACK, editor, comment="Bitte Zitat prüfen.")
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.workflow_events.get().comment == "Bitte Zitat prüfen."


def test_publish_rules_list_every_problem(make_article, make_image, editor):
    image = make_image(title="Ohne alles")
    article = make_article(status=Status.REVIEW, headline="Titel", teaser="x" * 321, body="<p></p>",
                           lead_image=image)
    with pytest.raises(ValidationError) as refused:
        workflow.perform(article, Transition.PUBLISH, editor)
    messages = refused.value.messages
    assert len(messages) == 5
    assert "Der Anreißer hat 321 Zeichen; erlaubt sind höchstens 320." in messages
    assert "Der Text fehlt." in messages
    assert "Das Aufmacherbild hat keinen Alternativtext." in messages
    assert "Das Aufmacherbild hat keinen Bildnachweis." in messages
    assert "Der Artikel braucht mindestens eine Kommune oder ein Thema." in messages
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_publish_rules_accept_a_complete_article(make_article, make_image, editor):
    image = make_image(
        alt_text="Rathaus", credit=ImageCredit.objects.create(creator="Thomas Kierok")
    )
    article = make_article(status=Status.REVIEW, cities=["Jena"], lead_image=image)
    workflow.perform(article, Transition.PUBLISH, editor)
    assert article.status == Status.PUBLISHED


def test_scheduled_article_appears_when_its_time_comes(ready_draft, editor, client):
    publish_at = timezone.now() + timedelta(hours=3)
    workflow.perform(ready_draft, Transition.SCHEDULE, editor, publish_at=publish_at)
    assert workflow.state_of(ready_draft) == workflow.SCHEDULED
    assert client.get(ready_draft.get_absolute_url()).status_code == 404
    assert ready_draft.headline not in client.get(reverse("articles:home")).content.decode()
    with time_machine.travel(publish_at + timedelta(minutes=1), tick=False):
        assert client.get(ready_draft.get_absolute_url()).status_code == 200
        assert ready_draft.headline in client.get(reverse("articles:home")).content.decode()
        assert workflow.state_of(ready_draft) == workflow.PUBLISHED


def test_scheduling_needs_a_future_time(ready_draft, editor):
    with pytest.raises(ValidationError, match="Zukunft"):
        workflow.perform(ready_draft, Transition.SCHEDULE, editor,
                         publish_at=timezone.now() - timedelta(minutes=1))


def test_archived_article_is_gone_with_410(make_article, editor, client):
    article = make_article(topics=["Verkehr"])
    workflow.perform(article, Transition.ARCHIVE, editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "zurückgezogen" in response.content.decode()


# Lost updates -----------------------------------------------------------------------------


def test_second_of_two_concurrent_saves_is_refused(make_article):
    article = make_article(headline="Original")
    first = Article.objects.get(pk=article.pk)
    second = Article.objects.get(pk=article.pk)
    first.headline = "Erste Änderung"
    first.save()
    second.headline = "Zweite Änderung"
    with pytest.raises(EditConflict):
        second.save()
    article.refresh_from_db()
    assert article.headline == "Erste Änderung"
    assert article.version == 2


# Revisions --------------------------------------------------------------------------------


def test_revision_holds_the_whole_article(make_article, editor):
    article = make_article(topics=["Verkehr"], cities=["Jena"])
    revision = revisions.record(article, editor)
    assert revision.data["headline"] == article.headline
    assert revision.data["topics"] == ["Verkehr"] and revision.data["cities"] == ["Jena"]


def test_diff_compares_fields_and_body_by_words(make_article, editor):
    article = make_article(headline="Alt", body="<p>Die Stadt plant ein Portal.</p>",
                           topics=["Verkehr"])
    old = revisions.record(article, editor)
    article.headline = "Neu <b>"
    article.body = "<p>Die Stadt startet ein Portal.</p>"
    article.save()
    article.topics.add("Smart City")
    new = revisions.record(article, editor)
    changes = {c.field: c.html for c in revisions.diff(old.data, new.data)}
    assert set(changes) == {"headline", "body", "topics"}
    assert changes["headline"] == "<del>Alt</del> <ins>Neu &lt;b&gt;</ins>"
    assert "<del>plant</del> <ins>startet</ins>" in changes["body"]
    assert "<ins>Smart City, Verkehr</ins>" in changes["topics"]


def test_restore_brings_back_content_as_a_new_revision(make_article, editor):
    article = make_article(headline="Fassung eins", topics=["Verkehr"], status=Status.DRAFT)
    first = revisions.record(article, editor)
    article.headline = "Fassung zwei"
    article.save()
    article.topics.set(["Smart City"])
    revisions.record(article, editor)
    restored, notes = workflow.restore(first, editor)
    article.refresh_from_db()
    assert article.headline == "Fassung eins"
    assert list(article.topics.names()) == ["Verkehr"]
    assert article.status == Status.DRAFT
    assert Revision.objects.filter(article=article).count() == 3
    assert restored.version == article.version and notes == []


# Redirects --------------------------------------------------------------------------------


def test_old_urls_redirect_after_two_slug_changes(make_article, client):
    article = make_article()
    first_url = article.get_absolute_url()
    article.slug = "zweiter-name"
    article.save()
    second_url = article.get_absolute_url()
    article.slug = "dritter-name"
    article.save()
    for old in (first_url, second_url):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/artikel/dritter-name/"
    assert client.get("/artikel/dritter-name/").status_code == 200


def test_draft_slug_changes_leave_no_redirects(make_article, client):
    article = make_article(status=Status.DRAFT)
    old = article.get_absolute_url()
    article.slug = "neu"
    article.save()
    assert client.get(old).status_code == 404


def test_new_article_does_not_take_an_old_url(make_article):
    article = make_article(headline="Gleicher Titel")
    article.slug = "anderer-name"
    article.save()
    newcomer = make_article(headline="Gleicher Titel")
    assert newcomer.slug == "gleicher-titel-2"
