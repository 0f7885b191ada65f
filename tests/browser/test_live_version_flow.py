"""A correction of a published article, in headless Chromium: the journalist edits and
submits, the editor compares and publishes with a correction note, and visitors see the
new text only then."""

from playwright.sync_api import expect

from articles.editorial import revisions
from articles.models import Status
from tests.browser.conftest import log_in

OLD = "Jena stellt Bürgerportal vor"
NEW = "Jena stellt neues Bürgerportal vor"
NOTE = "In einer früheren Fassung stand ein falsches Startdatum."




def test_correction_goes_live_only_when_the_editor_publishes(new_page, staff, make_article):
    article = make_article(headline=OLD, topics=["Digitale Verwaltung"], cities=["Jena"])
    revisions.record(article, None)
    url = article.get_absolute_url()
    visitor = new_page()
    visitor.goto(url)
    assert visitor.locator("h1").inner_text() == OLD

    # The journalist changes the headline of the live article and submits the change.
    journalist = new_page()
    log_in(journalist, "jana")
    journalist.goto(f"/admin/articles/article/{article.pk}/change/")
    note = journalist.get_by_text("Dieser Artikel ist veröffentlicht", exact=False)
    expect(note).to_have_count(1)
    journalist.fill("#id_headline", NEW)
    journalist.click("button[value=submit_changes]")
    journalist.wait_for_url("**/admin/articles/article/")
    expect(journalist.get_by_text("Veröffentlicht – Änderungen in Prüfung")).to_have_count(1)

    # Visitors still read the published version.
    visitor.reload()
    assert visitor.locator("h1").inner_text() == OLD

    # The editor finds it in the queue, sees the comparison, adds a note and publishes.
    editor = new_page()
    log_in(editor, "erik")
    editor.click(f".editorial-overview >> text={OLD}")
    expect(editor.locator(".workflow-note--changes ins", has_text="neues")).to_have_count(1)
    editor.fill("#id_correction", NOTE)
    editor.click("button[value=publish_changes]")
    editor.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert (article.headline, article.status) == (NEW, Status.PUBLISHED)

    # Now visitors see the new text and the correction note.
    visitor.reload()
    assert visitor.locator("h1").inner_text() == NEW
    assert visitor.locator(".article__corrections").inner_text().endswith(NOTE)
