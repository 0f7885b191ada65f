"""Live version and working copy: published articles change only through review; merges
instead of overwrites; restores that ask first; a trash instead of deletion."""

import html
import json
import re
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.editorial import livecopy, revisions, workflow
from articles.models import (
    Article,
    ChangeState,
    ImageCredit,
    Organisation,
    Person,
    Placement,
    Revision,
    Status,
    Teaser,
    Transition,
    WorkflowEvent,
    WorkingCopy,
)
from tests.admin_forms import article_data, change_url

pytestmark = pytest.mark.django_db

OLD, NEW = "Stadtrat beschließt Glasfaserausbau", "Stadtrat beschließt schnelleren Glasfaserausbau"


def typed_headline(page):
    """What the headline field of an admin form page holds."""
    field = re.search(r'<textarea name="headline"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    return html.unescape(field.group(1)).strip()


@pytest.fixture
def live(make_article):
    """A published article, its content recorded as the version everyone starts from."""
    article = make_article(headline=OLD, topics=["Breitband"], cities=["Jena"],
                           body="<p>Der Rat stimmte zu.</p>")
    revisions.record(article, None)
    return article


def public_views(client, article):
    """Everything a visitor can read of an article, as text."""
    cache_free = Client()  # the page cache answers too, so ask it as well
    search = client.get(reverse("articles:list"), {"q": "Glasfaserausbau"})
    return {
        "page": client.get(article.get_absolute_url()).content.decode(),
        "uncached": cache_free.get(article.get_absolute_url()).content.decode(),
        "rss": client.get(reverse("articles:feed_rss")).content.decode(),
        "atom": client.get(reverse("articles:feed_atom")).content.decode(),
        "search": search.content.decode(),
        "sitemap": client.get("/sitemap-artikel.xml").content.decode(),
        "home": client.get("/").content.decode(),
    }


def json_ld(page):
    start = page.index('<script type="application/ld+json"')
    start = page.index(">", start) + 1
    return json.loads(page[start:page.index("</script>", start)])


# A journalist's save never reaches visitors ----------------------------------------------


@pytest.mark.parametrize("step", [None, Transition.SUBMIT_CHANGES, Transition.PUBLISH,
                                  Transition.PUBLISH_CHANGES, Transition.ARCHIVE])
def test_journalists_save_of_a_live_article_changes_nothing_public(
    journalist_client, client, live, step
):
    before = public_views(client, live)
    assert OLD in before["page"] and NEW not in before["page"]
    data = article_data(live, headline=NEW, body="<p>Neuer Text.</p>")
    if step:
        data["_workflow"] = step
    response = journalist_client.post(change_url(live), data)

    assert response.status_code in (200, 302)
    live.refresh_from_db()
    assert (live.headline, live.status) == (OLD, Status.PUBLISHED)
    after = public_views(client, live)
    for name, text in after.items():
        assert NEW not in text and "Neuer Text" not in text, name
    assert after["page"] == before["page"]
    if step in (None, Transition.SUBMIT_CHANGES):
        # The typed text waits in the working copy; nothing was lost.
        assert live.working_copy.data["headline"] == NEW
        assert response.status_code == 302


def test_scheduled_article_is_changed_only_through_review(journalist_client, make_article):
    at = timezone.now() + timedelta(days=1)
    article = make_article(headline=OLD, topics=["Breitband"], published_at=at)
    journalist_client.post(change_url(article), article_data(article, headline=NEW))
    article.refresh_from_db()
    assert article.headline == OLD
    with time_machine.travel(at + timedelta(minutes=1)):
        assert OLD in Client().get(article.get_absolute_url()).content.decode()


def test_crafted_post_cannot_change_the_status_or_the_row(journalist_client, live):
    data = article_data(live, headline=NEW, status="draft", published_at_0="01.01.2020",
                        published_at_1="10:00:00", _workflow="publish_changes")
    journalist_client.post(change_url(live), data)
    live.refresh_from_db()
    assert (live.headline, live.status) == (OLD, Status.PUBLISHED)
    assert not WorkflowEvent.objects.exists()


def test_editor_publishes_the_changes_and_every_surface_follows(
    journalist_client, editor_client, client, live
):
    public_views(client, live)  # every page is cached now
    journalist_client.post(change_url(live), article_data(
        live, headline=NEW, _workflow=Transition.SUBMIT_CHANGES))
    # The changelist and the form say what is pending, and compare word by word.
    changelist = editor_client.get(reverse("admin:articles_article_changelist")).content
    assert "Veröffentlicht – Änderungen in Prüfung" in changelist.decode()
    form = editor_client.get(change_url(live)).content.decode()
    assert "Änderungen in Prüfung" in form and "<ins>schnelleren</ins>" in form
    assert 'value="publish_changes"' in form

    live.refresh_from_db()
    response = editor_client.post(change_url(live), article_data(
        live, headline=NEW, correction="Im ersten Satz stand ein falsches Datum.",
        _workflow=Transition.PUBLISH_CHANGES))

    assert response.status_code == 302
    live.refresh_from_db()
    assert live.headline == NEW and not WorkingCopy.objects.exists()
    after = public_views(client, live)
    for name in ("page", "rss", "atom", "search", "home"):
        assert NEW in after[name], name
    assert "Korrekturhinweis" in after["page"]
    assert "Im ersten Satz stand ein falsches Datum." in after["page"]
    data = json_ld(after["page"])
    assert data["correction"][0]["text"] == "Im ersten Satz stand ein falsches Datum."
    assert data["dateModified"] != data["datePublished"]
    (entry,) = feedparser.parse(after["atom"]).entries
    assert entry.updated_parsed > entry.published_parsed
    assert "Korrektur vom" in entry.summary
    lastmod = after["sitemap"].split(live.get_absolute_url())[1].split("</lastmod>")[0]
    assert lastmod.endswith(f"{timezone.localdate():%Y-%m-%d}")
    assert "Aktualisiert am" in after["page"]


def test_scheduled_update_goes_live_by_itself(editor_client, client, live):
    at = timezone.now() + timedelta(hours=2)
    local = at.astimezone()
    response = editor_client.post(change_url(live), article_data(
        live, headline=NEW, changes_at_0=f"{local:%d.%m.%Y}", changes_at_1=f"{local:%H:%M:%S}",
        _workflow=Transition.SCHEDULE_CHANGES))
    assert response.status_code == 302
    assert OLD in client.get(live.get_absolute_url()).content.decode()  # and now cached
    with time_machine.travel(at + timedelta(seconds=5)):
        page = client.get(live.get_absolute_url()).content.decode()
        assert NEW in page
    live.refresh_from_db()
    assert live.headline == NEW and live.modified_at.replace(microsecond=0) == (
        at.replace(microsecond=0))
    assert live.workflow_events.filter(transition=Transition.PUBLISH_CHANGES).exists()


def test_sending_back_and_discarding_changes(journalist_client, editor, live):
    journalist_client.post(change_url(live), article_data(
        live, headline=NEW, _workflow=Transition.SUBMIT_CHANGES))
    workflow.perform(live, Transition.SEND_BACK_CHANGES, editor, comment="Quelle fehlt.")
    assert live.working_copy.state == ChangeState.DRAFT
    page = journalist_client.get(change_url(live)).content.decode()
    assert "Quelle fehlt." in page
    workflow.perform(live, Transition.DISCARD_CHANGES, editor)
    live.refresh_from_db()
    assert live.headline == OLD and not WorkingCopy.objects.exists()
    # Discarded is not lost: the text is a version.
    assert live.revisions.filter(data__headline=NEW).exists()


def test_bulk_actions_on_live_articles(journalist_client, editor_client, live):
    journalist_client.post(change_url(live), article_data(live, headline=NEW))
    changelist = reverse("admin:articles_article_changelist")
    journalist_client.post(changelist, {"action": "submit_selected",
                                        "_selected_action": [live.pk]})
    assert WorkingCopy.objects.get().state == ChangeState.REVIEW
    live.refresh_from_db()
    assert live.headline == OLD
    editor_client.post(changelist, {"action": "publish_changes_selected",
                                    "_selected_action": [live.pk]})
    live.refresh_from_db()
    assert live.headline == NEW


def test_saving_a_working_copy_keeps_cached_pages(journalist_client, client, live):
    client.get(live.get_absolute_url())
    journalist_client.post(change_url(live), article_data(live, headline=NEW))
    assert client.get(live.get_absolute_url())["X-Page-Cache"] == "hit"


def test_staff_preview_shows_the_working_copy_but_visitors_never(
    journalist_client, client, live
):
    journalist_client.post(change_url(live), article_data(live, headline=NEW))
    preview = journalist_client.get(reverse("articles:preview", args=[live.pk]))
    assert NEW in preview.content.decode()
    assert NEW not in client.get(live.get_absolute_url()).content.decode()


# Merge instead of overwrite ---------------------------------------------------------------


def two_people(journalist, editor, article):
    """Two browsers that both opened `article` at the same version."""
    first, second = Client(), Client()
    first.force_login(journalist)
    second.force_login(editor)
    return first, second, Article.objects.get(pk=article.pk)


def test_fields_changed_by_only_one_side_merge(journalist, editor, make_article):
    article = make_article(status=Status.DRAFT, headline=OLD, teaser="Alter Anreißer.")
    revisions.record(article, None)
    first, second, opened = two_people(journalist, editor, article)
    assert first.post(change_url(article), article_data(opened, headline=NEW)).status_code == 302
    response = second.post(change_url(article), article_data(opened, teaser="Neuer Anreißer."))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.teaser) == (NEW, "Neuer Anreißer.")


def test_a_field_both_changed_needs_a_choice(journalist, editor, make_article):
    article = make_article(status=Status.DRAFT, headline=OLD, teaser="Alter Anreißer.")
    revisions.record(article, None)
    first, second, opened = two_people(journalist, editor, article)
    first.post(change_url(article), article_data(opened, headline="Fassung der Journalistin",
                                                 teaser="Ihr Anreißer."))
    data = article_data(opened, headline="Fassung des Editors")
    response = second.post(change_url(article), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Beide geändert" in page and 'name="_merge_headline"' in page
    assert typed_headline(page) == "Fassung des Editors"  # the typed text is kept
    article.refresh_from_db()
    assert article.headline == "Fassung der Journalistin"
    # Both texts are versions now, whatever happens next.
    assert article.revisions.filter(data__headline="Fassung des Editors").exists()

    # Saving again without choosing is refused again; choosing "theirs" keeps theirs and
    # the teaser that only the journalist changed.
    assert second.post(change_url(article), data).status_code == 200
    merge_version = response.context["adminform"].form.conflict.version
    chosen = {**data, "_merge_version": merge_version, "_merge_headline": "theirs"}
    assert second.post(change_url(article), chosen).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.teaser) == ("Fassung der Journalistin", "Ihr Anreißer.")


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_nothing_is_lost_in_either_order(journalist, editor, make_article, choice):
    article = make_article(status=Status.DRAFT, headline=OLD, body="<p>Alt.</p>")
    revisions.record(article, None)
    first, second, opened = two_people(journalist, editor, article)
    first.post(change_url(article), article_data(opened, body="<p>Ihr Satz.</p>"))
    data = article_data(opened, body="<p>Sein Satz.</p>")
    response = second.post(change_url(article), data)
    version = response.context["adminform"].form.conflict.version
    second.post(change_url(article), {**data, "_merge_version": version, "_merge_body": choice})
    article.refresh_from_db()
    kept = "Sein Satz." if choice == "mine" else "Ihr Satz."
    assert kept in article.body
    texts = {r.data["body"] for r in article.revisions.all()}
    assert "<p>Ihr Satz.</p>" in texts and "<p>Sein Satz.</p>" in texts


def test_merge_is_plain_three_way():
    base = {"headline": "A", "teaser": "T", "topics": ["X"]}
    merged, conflicts = livecopy.merge(base, {**base, "headline": "B"},
                                       {**base, "teaser": "U", "topics": ["X", "Y"]})
    assert (merged["headline"], merged["teaser"], merged["topics"]) == ("B", "U", ["X", "Y"])
    assert conflicts == []
    _merged, conflicts = livecopy.merge(base, {**base, "headline": "B"}, {**base, "headline": "C"})
    assert conflicts == ["headline"]


@pytest.mark.parametrize("model", ["image", "imagecredit", "person", "organisation", "teaser"])
def test_named_things_refuse_a_stale_save(editor_client, journalist_client, make_image,
                                          make_article, model):
    credit = ImageCredit.objects.create(creator="Thomas Kierok")
    obj, field, values = {
        "image": lambda: (make_image(alt_text="Rathaus", credit=credit), "caption", {}),
        "imagecredit": lambda: (credit, "creator", {"licence": "CC BY 4.0"}),
        "person": lambda: (Person.objects.create(name="Ilona Benz"), "description", {}),
        "organisation": lambda: (Organisation.objects.create(name="KL.digital"), "website",
                                 {"kind": "sonstige"}),
        "teaser": lambda: (Teaser.objects.create(placement=Placement.MORE,
                                                 article=make_article()), "text",
                           {"placement": Placement.MORE, "position": 0}),
    }[model]()
    url = reverse(f"admin:articles_{model}_change", args=[obj.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {name: value for name in form.fields
            if (value := form.initial.get(name)) is not None and not isinstance(value, list)}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items() if k != "file"}
    data.update(values, edit_version=obj.version)
    for prefix in ("affiliation_set", "affiliations"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    if model == "image":
        data.update(focal_x=0.5, focal_y=0.5)
    if model == "teaser":
        data["article"] = obj.article_id
    first = {**data, field: "https://erste.example" if field == "website" else "Erste Fassung"}
    second = {**data, field: "https://zweite.example" if field == "website" else "Zweite"}
    response = editor_client.post(url, first)
    assert response.status_code == 302, response.context["adminform"].form.errors

    # Teasers are the editors' to curate: there the other person is an editor too.
    other = editor_client if model == "teaser" else journalist_client
    response = other.post(url, second)

    assert response.status_code == 200
    assert "hat jemand anderes diesen Eintrag gespeichert" in response.content.decode()
    obj.refresh_from_db()
    assert "rste" in getattr(obj, field)


# Restore ----------------------------------------------------------------------------------


def test_restore_of_a_live_article_asks_and_never_changes_what_visitors_see(
    editor_client, client, live
):
    old_version = live.revisions.get()
    editor_client.post(change_url(live), article_data(
        live, headline=NEW, _workflow=Transition.PUBLISH_CHANGES))
    live.refresh_from_db()
    url = reverse("admin:articles_article_restore", args=[live.pk, old_version.pk])

    page = editor_client.get(url).content.decode()
    assert "Ja, wiederherstellen" in page and "Arbeitskopie" in page
    assert editor_client.post(url, {"edit_version": live.version}).status_code == 302

    live.refresh_from_db()
    assert live.headline == NEW and live.status == Status.PUBLISHED
    assert client.get(live.get_absolute_url()).status_code == 200
    assert live.working_copy.data["headline"] == OLD


def test_restore_of_a_slug_another_article_took_keeps_the_current_one(
    editor_client, make_article
):
    article = make_article(status=Status.DRAFT, headline="Erste", slug="gemeinsam")
    first = revisions.record(article, None)
    article.slug = "anders"
    article.save()
    make_article(headline="Die andere", slug="gemeinsam")
    url = reverse("admin:articles_article_restore", args=[article.pk, first.pk])

    response = editor_client.post(url, {"edit_version": article.version}, follow=True)

    assert response.status_code == 200
    assert "gehört inzwischen einem anderen Artikel" in response.content.decode()
    article.refresh_from_db()
    assert article.slug == "anders"


def test_slug_change_to_a_taken_slug_is_a_form_error(editor_client, make_article, live):
    make_article(headline="Andere", slug="vergeben")
    response = editor_client.post(change_url(live), article_data(live, slug="vergeben",
                                                                 headline=NEW))
    assert response.status_code == 200
    assert typed_headline(response.content.decode()) == NEW
    live.refresh_from_db()
    assert live.slug != "vergeben"


def test_publishing_a_body_the_sanitiser_empties_is_a_form_error(editor_client, make_article):
    article = make_article(status=Status.REVIEW, topics=["Breitband"])
    response = editor_client.post(change_url(article), article_data(
        article, body="<script>alert(1)</script>", headline=NEW,
        _workflow=Transition.PUBLISH))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Der Text fehlt." in page and typed_headline(page) == NEW
    article.refresh_from_db()
    assert article.status == Status.REVIEW


# Trash ------------------------------------------------------------------------------------


def test_journalist_trashes_only_own_drafts(journalist_client, journalist, make_article):
    mine = make_article(status=Status.DRAFT)
    mine.authors.add(journalist)
    colleagues = make_article(status=Status.REVIEW)
    changelist = reverse("admin:articles_article_changelist")
    journalist_client.post(changelist, {"action": "trash_selected",
                                        "_selected_action": [mine.pk, colleagues.pk]})
    mine.refresh_from_db()
    colleagues.refresh_from_db()
    assert (mine.status, colleagues.status) == (Status.TRASHED, Status.REVIEW)
    # No delete at all for journalists: neither the action nor the page.
    assert "delete_selected" not in journalist_client.get(changelist).content.decode()
    delete = reverse("admin:articles_article_delete", args=[mine.pk])
    assert journalist_client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=mine.pk).exists()


def test_trashed_article_answers_410_if_it_was_public_else_404(editor, client, make_article):
    public = make_article()
    draft = make_article(status=Status.DRAFT)
    for article in (public, draft):
        workflow.perform(article, Transition.TRASH, editor)
    assert client.get(public.get_absolute_url()).status_code == 410
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert public.headline not in client.get("/").content.decode()


def test_trash_keeps_the_history_and_editors_restore_or_delete_for_good(
    editor_client, editor, make_article, client
):
    article = make_article()
    revisions.record(article, editor)
    workflow.perform(article, Transition.TRASH, editor)
    changelist = reverse("admin:articles_article_changelist")
    assert article.headline not in editor_client.get(changelist).content.decode()
    trash = editor_client.get(changelist, {"status__exact": "trashed"}).content.decode()
    assert article.headline in trash and "delete_selected" in trash
    assert article.revisions.exists() and article.workflow_events.exists()

    editor_client.post(f"{changelist}?status__exact=trashed", {
        "action": "untrash_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 200

    # A live article cannot be deleted for good, not even by a crafted POST.
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    workflow.perform(article, Transition.TRASH, editor)
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Revision.objects.filter(article=article.pk).exists()


def test_trashing_revokes_share_links(editor, client, make_article):
    from articles.editorial import previews

    article = make_article(status=Status.DRAFT)
    link = previews.share_url(article)
    assert client.get(link).status_code == 200
    workflow.perform(article, Transition.TRASH, editor)
    assert client.get(link).status_code == 404


# Pictures of live articles ----------------------------------------------------------------


def test_journalist_cannot_change_a_live_articles_picture(
    journalist_client, editor_client, make_image, make_article
):
    image = make_image(alt_text="Rathaus", caption="Alte Unterschrift",
                       credit=ImageCredit.objects.create(creator="Thomas Kierok"))
    make_article(lead_image=image)
    url = reverse("admin:articles_image_change", args=[image.pk])
    page = journalist_client.get(url, follow=True).content.decode()
    assert "ändert deshalb nur die Chefredaktion" in page
    journalist_client.post(url, {"caption": "Neue Unterschrift", "alt_text": "Rathaus",
                                 "title": image.title, "focal_x": 0.5, "focal_y": 0.5,
                                 "credit": image.credit_id})
    image.refresh_from_db()
    assert image.caption == "Alte Unterschrift"
    assert "Alte Unterschrift" in editor_client.get(url).content.decode()


# Cache ------------------------------------------------------------------------------------


def test_next_publication_includes_scheduled_updates(editor, live):
    from articles import cache as page_cache

    at = timezone.now() + timedelta(hours=1)
    WorkingCopy.objects.create(article=live, data=livecopy.content_of(live), publish_at=at)
    cache.clear()
    assert abs(page_cache.next_publication() - at.timestamp()) < 1
