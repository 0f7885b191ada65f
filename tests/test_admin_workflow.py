"""The editorial workflow through the admin, as journalists and editors click it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.editorial import revisions, workflow
from articles.models import (
    Article,
    ChangeState,
    Revision,
    Status,
    Transition,
    WorkflowEvent,
)
from tests.admin_forms import add_url, article_data, change_url

pytestmark = pytest.mark.django_db

EDITOR_ONLY_REFUSAL = "Nur die Chefredaktion darf Artikel"


def make_in_state(make_article, state):
    """An article that meets every publish rule, in one of the workflow's states."""
    now = timezone.now()
    fields = {
        workflow.DRAFT: {"status": Status.DRAFT},
        workflow.REVIEW: {"status": Status.REVIEW},
        workflow.SCHEDULED: {"status": Status.PUBLISHED, "published_at": now + timedelta(days=2)},
        workflow.PUBLISHED: {"status": Status.PUBLISHED},
        workflow.ARCHIVED: {"status": Status.ARCHIVED, "published_at": now - timedelta(days=9)},
    }[state]
    return make_article(topics=["Verkehr"], **fields)


def press(client, article, transition, **changes):
    changes.setdefault("workflow_comment", "Bitte die Zahlen prüfen.")
    local = (timezone.now() + timedelta(days=3)).astimezone()
    if transition == Transition.SCHEDULE:
        changes.setdefault("published_at_0", f"{local:%d.%m.%Y}")
        changes.setdefault("published_at_1", "10:00:00")
    if transition == Transition.SCHEDULE_CHANGES:
        changes.setdefault("changes_at_0", f"{local:%d.%m.%Y}")
        changes.setdefault("changes_at_1", "10:00:00")
    return client.post(change_url(article), article_data(article, _workflow=transition, **changes))


ALLOWED = {
    # (state, transition): resulting state
    (workflow.DRAFT, Transition.SUBMIT): workflow.REVIEW,
    (workflow.DRAFT, Transition.PUBLISH): workflow.PUBLISHED,
    (workflow.DRAFT, Transition.SCHEDULE): workflow.SCHEDULED,
    (workflow.REVIEW, Transition.PUBLISH): workflow.PUBLISHED,
    (workflow.REVIEW, Transition.SCHEDULE): workflow.SCHEDULED,
    (workflow.REVIEW, Transition.SEND_BACK): workflow.DRAFT,
    (workflow.SCHEDULED, Transition.PUBLISH): workflow.PUBLISHED,
    (workflow.SCHEDULED, Transition.SCHEDULE): workflow.SCHEDULED,
    (workflow.SCHEDULED, Transition.REOPEN): workflow.DRAFT,
    (workflow.PUBLISHED, Transition.ARCHIVE): workflow.ARCHIVED,
    (workflow.PUBLISHED, Transition.REOPEN): workflow.DRAFT,
    (workflow.ARCHIVED, Transition.REOPEN): workflow.DRAFT,
    # Steps on the changes of a published article (the form's save makes them) leave
    # its state as it is.
    (workflow.SCHEDULED, Transition.SUBMIT_CHANGES): workflow.SCHEDULED,
    (workflow.PUBLISHED, Transition.SUBMIT_CHANGES): workflow.PUBLISHED,
    (workflow.PUBLISHED, Transition.PUBLISH_CHANGES): workflow.PUBLISHED,
    (workflow.PUBLISHED, Transition.SCHEDULE_CHANGES): workflow.PUBLISHED,
    (workflow.SCHEDULED, Transition.DISCARD_CHANGES): workflow.SCHEDULED,
    (workflow.PUBLISHED, Transition.DISCARD_CHANGES): workflow.PUBLISHED,
    (workflow.ARCHIVED, Transition.DISCARD_CHANGES): workflow.ARCHIVED,
    **{(state, Transition.TRASH): workflow.TRASHED for state in (
        workflow.DRAFT, workflow.REVIEW, workflow.SCHEDULED, workflow.PUBLISHED,
        workflow.ARCHIVED)},
}
# What a journalist may do besides submitting a draft: submit changes to a published or
# scheduled article, which then wait for review while the row stays as it was.
JOURNALIST_CHANGES = {workflow.SCHEDULED, workflow.PUBLISHED}
STATES = [workflow.DRAFT, workflow.REVIEW, workflow.SCHEDULED, workflow.PUBLISHED,
          workflow.ARCHIVED]
# Every step a button can ask for; history entries that are no step (a merge of a topic,
# articles.vocabulary.merge) are refused as unknown, as any made-up step is.
CASES = [(state, transition) for state in STATES for transition in workflow.STEPS]


@pytest.mark.parametrize(("state", "transition"), CASES)
def test_editor_steps(editor_client, make_article, state, transition):
    article = make_in_state(make_article, state)
    response = press(editor_client, article, transition)
    article.refresh_from_db()
    if (state, transition) in ALLOWED:
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert workflow.state_of(article) == ALLOWED[state, transition]
        event = article.workflow_events.get()
        assert event.transition == transition and event.user.username == "erik"
    else:
        assert response.status_code == 200
        assert "nicht möglich" in response.content.decode()
        assert workflow.state_of(article) == state
        assert not article.workflow_events.exists()


@pytest.mark.parametrize(("state", "transition"), CASES)
def test_journalist_steps_including_crafted_posts(journalist_client, make_article, state,
                                                  transition):
    article = make_in_state(make_article, state)
    before = Article.objects.get(pk=article.pk)
    response = press(journalist_client, article, transition, headline="Geändert")
    article.refresh_from_db()
    if (state, transition) == (workflow.DRAFT, Transition.SUBMIT):
        assert response.status_code == 302
        assert article.status == Status.REVIEW and article.headline == "Geändert"
        return
    if state in JOURNALIST_CHANGES and transition == Transition.SUBMIT_CHANGES:
        assert response.status_code == 302
        assert (article.status, article.published_at, article.headline) == (
            before.status, before.published_at, before.headline)
        assert article.working_copy.data["headline"] == "Geändert"
        assert article.working_copy.state == ChangeState.REVIEW
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert EDITOR_ONLY_REFUSAL in page or "nicht möglich" in page or "eigene Entwürfe" in page
    assert (article.status, article.published_at, article.headline) == (
        before.status, before.published_at, before.headline)
    assert not WorkflowEvent.objects.exists()


def test_journalist_sees_only_the_submit_button(journalist_client, editor_client, make_article):
    article = make_in_state(make_article, workflow.DRAFT)
    page = journalist_client.get(change_url(article)).content.decode()
    assert 'value="submit"' in page and 'value="publish"' not in page
    page = editor_client.get(change_url(article)).content.decode()
    assert 'value="publish"' in page and 'value="schedule"' in page


def test_journalist_cannot_publish_a_new_article_by_crafted_post(journalist_client):
    response = journalist_client.post(add_url(), article_data(
        headline="Darf nicht raus", teaser="Kurz.", body="<p>Text</p>", topics="Verkehr",
        _workflow=Transition.PUBLISH))
    assert response.status_code == 200
    assert EDITOR_ONLY_REFUSAL in response.content.decode()
    assert not Article.objects.exists()


def test_editor_writes_and_publishes_in_one_go(editor_client):
    before = timezone.now()
    response = editor_client.post(add_url(), article_data(
        headline="Neu und sofort", teaser="Kurz.", body="<p>Text</p>", cities="Jena",
        _workflow=Transition.PUBLISH))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.is_public and article.published_at >= before
    assert article.revisions.count() == 1


def test_publish_rules_are_listed_in_the_form_and_nothing_changes(editor_client, make_article):
    article = make_article(status=Status.REVIEW, headline="Alt", topics=["Verkehr"])
    response = editor_client.post(change_url(article), article_data(
        article, headline="Neu", teaser="x" * 400, body="", topics="",
        _workflow=Transition.PUBLISH))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "Der Anreißer hat 400 Zeichen; erlaubt sind höchstens 320." in errors
    assert "Der Text fehlt." in errors
    assert "Der Artikel braucht mindestens eine Kommune oder ein Thema." in errors
    article.refresh_from_db()
    assert (article.status, article.headline) == (Status.REVIEW, "Alt")


def test_drafts_may_be_incomplete(journalist_client):
    response = journalist_client.post(add_url(), article_data(headline="Nur ein Titel"))
    assert response.status_code == 302
    assert Article.objects.get().status == Status.DRAFT


def test_sent_back_comment_is_shown_to_the_journalist(editor_client, journalist_client,
                                                      make_article):
    article = make_in_state(make_article, workflow.REVIEW)
    press(editor_client, article, Transition.SEND_BACK, workflow_comment="Quelle fehlt.")
    page = journalist_client.get(change_url(article)).content.decode()
    assert "Zurückgegeben von Erik Muster" in page and "Quelle fehlt." in page


def test_send_back_without_comment_is_refused(editor_client, make_article):
    article = make_in_state(make_article, workflow.REVIEW)
    response = press(editor_client, article, Transition.SEND_BACK, workflow_comment="")
    assert response.status_code == 200
    assert "Bitte sagen Sie im Kommentar, was noch fehlt." in response.content.decode()


def test_bulk_actions_go_through_the_workflow(editor_client, make_article):
    ready = make_in_state(make_article, workflow.REVIEW)
    incomplete = make_article(status=Status.REVIEW, teaser="")
    editor_client.post(reverse("admin:articles_article_changelist"), {
        "action": "publish_selected", "_selected_action": [ready.pk, incomplete.pk]})
    ready.refresh_from_db()
    incomplete.refresh_from_db()
    assert ready.is_public and incomplete.status == Status.REVIEW
    assert WorkflowEvent.objects.get().article == ready


def test_journalist_has_no_publish_action(journalist_client, make_article):
    article = make_in_state(make_article, workflow.REVIEW)
    changelist = reverse("admin:articles_article_changelist")
    choices = journalist_client.get(changelist).context["action_form"].fields["action"].choices
    assert "publish_selected" not in [name for name, _label in choices]
    journalist_client.post(changelist, {"action": "publish_selected",
                                        "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_workflow_log_shows_who_did_what(editor_client, make_article):
    article = make_in_state(make_article, workflow.REVIEW)
    press(editor_client, article, Transition.PUBLISH)
    page = editor_client.get(change_url(article)).content.decode()
    assert "veröffentlicht – Erik Muster" in page


# No lost edits ----------------------------------------------------------------------------


def test_form_warns_when_someone_else_has_the_article_open(journalist_client, editor,
                                                           make_article):
    article = make_article(status=Status.DRAFT)
    other = Client()
    other.force_login(editor)
    other.get(change_url(article))
    page = journalist_client.get(change_url(article)).content.decode()
    assert "Ebenfalls geöffnet von:" in page and "Erik Muster" in page


# Revisions in the admin -------------------------------------------------------------------


@pytest.fixture
def edited_article(editor_client, make_article):
    article = make_article(status=Status.DRAFT, headline="Erste Fassung",
                           body="<p>Die Stadt plant ein Portal.</p>", topics=["Verkehr"])
    for headline, body in (("Zweite Fassung", "<p>Die Stadt startet ein Portal.</p>"),
                           ("Dritte Fassung", "<p>Die Stadt startet ein Bürgerportal.</p>")):
        article.refresh_from_db()
        assert editor_client.post(change_url(article), article_data(
            article, headline=headline, body=body)).status_code == 302
    return article


def test_every_save_stores_a_revision_with_the_whole_content(edited_article, editor):
    versions = list(edited_article.revisions.order_by("version"))
    assert [r.data["headline"] for r in versions] == ["Zweite Fassung", "Dritte Fassung"]
    assert versions[0].user == editor and versions[0].data["topics"] == ["Verkehr"]


def test_history_and_diff_pages(editor_client, edited_article):
    history = reverse("admin:articles_article_revisions", args=[edited_article.pk])
    page = editor_client.get(history).content.decode()
    assert "Erik Muster" in page and "Vergleichen" in page
    older, newer = edited_article.revisions.order_by("version")
    compare = reverse("admin:articles_article_compare", args=[edited_article.pk])
    page = editor_client.get(compare, {"a": newer.pk, "b": older.pk}).content.decode()
    assert "<del>Zweite</del> <ins>Dritte</ins> Fassung" in page
    assert "<del>Portal.</del> <ins>Bürgerportal.</ins>" in page


def test_compare_with_nonsense_parameters_does_not_fail(editor_client, edited_article):
    compare = reverse("admin:articles_article_compare", args=[edited_article.pk])
    assert editor_client.get(compare, {"a": "x", "b": "999999"}).status_code == 302


def test_restore_through_the_admin_makes_a_new_revision(editor_client, edited_article):
    oldest = edited_article.revisions.order_by("version").first()
    url = reverse("admin:articles_article_restore", args=[edited_article.pk, oldest.pk])
    edited_article.refresh_from_db()
    assert editor_client.post(url, {"edit_version": edited_article.version}).status_code == 302
    edited_article.refresh_from_db()
    assert edited_article.headline == "Zweite Fassung"
    assert edited_article.status == Status.DRAFT
    assert Revision.objects.filter(article=edited_article).count() == 3


def test_restore_asks_first_and_shows_what_changes(editor_client, edited_article):
    oldest = edited_article.revisions.order_by("version").first()
    url = reverse("admin:articles_article_restore", args=[edited_article.pk, oldest.pk])
    page = editor_client.get(url).content.decode()
    assert "Ja, wiederherstellen" in page and "<del>Dritte</del> <ins>Zweite</ins>" in page
    edited_article.refresh_from_db()
    assert edited_article.headline == "Dritte Fassung"  # nothing happened yet


# Editors' overview ------------------------------------------------------------------------


def test_start_page_shows_the_editorial_overview(editor_client, editor, make_article):
    mine = make_article(status=Status.DRAFT, headline="Mein Entwurf")
    mine.authors.add(editor)
    make_article(status=Status.REVIEW, headline="Zur Prüfung")
    make_article(status=Status.PUBLISHED, headline="Geplant",
                 published_at=timezone.now() + timedelta(days=1))
    make_article(headline="Schon draußen")
    page = editor_client.get(reverse("admin:index")).content.decode()
    for text in ("Meine Entwürfe", "Mein Entwurf", "Wartet auf Prüfung", "Zur Prüfung",
                 "Terminiert", "Geplant", "Zuletzt veröffentlicht", "Schon draußen",
                 "?status__exact=review"):
        assert text in page


def test_share_page_gives_a_link_and_revokes(editor_client, make_article, client):
    article = make_article(status=Status.DRAFT, headline="Geheimer Entwurf")
    share = reverse("admin:articles_article_share", args=[article.pk])
    link = editor_client.get(share).context["share_url"]
    assert client.get(link).status_code == 200
    editor_client.post(share)
    assert client.get(link).status_code == 404


def test_versions_made_without_a_person_are_listed_as_automatic(editor_client, make_article):
    """A scheduled update or an import records versions with no user."""
    article = make_article(headline="Erste Fassung")
    revisions.record(article, None)
    article.headline = "Zweite Fassung"
    article.save()
    revisions.record(article, None, note="Geplante Änderungen veröffentlicht")
    response = editor_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert response.status_code == 200
    assert "automatisch" in response.content.decode()


def test_a_merge_is_history_not_a_step(editor_client, make_article):
    article = make_in_state(make_article, workflow.DRAFT)
    response = press(editor_client, article, Transition.MERGE_SUBJECT)
    assert response.status_code == 200
    assert workflow.state_of(article) == workflow.DRAFT
    assert not article.workflow_events.exists()
