"""An editor publishes an article whose text fails the accessibility check: refused with
the findings shown beside the typed text, then published with a reason the history keeps."""

from playwright.sync_api import expect

from articles.models import Article, Status, Topic, WorkflowEvent
from tests.browser.conftest import log_in

BODY = ('<h2>Der Plan</h2><h4>Die Einzelheiten</h4>'
        '<p>Der Antrag steht <a href="https://example.org/antrag"></a> online.</p>')
REASON = "Der Link kommt aus der Pressemitteilung der Stadt; wir ergänzen ihn heute."


def test_an_editor_overrides_the_accessibility_check_with_a_reason(new_page, staff):
    article = Article.objects.create(
        kicker="Jena", headline="Neuer Haushaltsplan", teaser="Die Stadt legt ihn vor.",
        body=BODY, status=Status.REVIEW)
    article.topics.add(Topic.objects.create(name="Haushalt"))
    page = new_page()
    log_in(page, "erik")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    # The findings are in the form before anyone presses a button, with the passage.
    findings = page.locator("#barrierefreiheit")
    expect(findings).to_contain_text("Überschriftenebene übersprungen: h4 nach h2.")
    expect(findings).to_contain_text("Die Einzelheiten")
    expect(findings).to_contain_text("Ein Link hat keinen Text.")

    page.fill("#id_teaser", "Die Stadt Jena legt ihren Haushaltsplan vor.")
    page.click("button[value=publish]")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.get_by_text("Barrierefreiheit: Überschriftenebene übersprungen",
                            exact=False).first).to_be_visible()
    # What was typed is still there; nothing went online.
    expect(page.locator("#id_teaser")).to_have_value("Die Stadt Jena legt ihren Haushaltsplan vor.")
    article.refresh_from_db()
    assert article.status == Status.REVIEW

    page.fill("#id_accessibility_override", REASON)
    page.click("button[value=publish]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.teaser == "Die Stadt Jena legt ihren Haushaltsplan vor."
    event = WorkflowEvent.objects.get(article=article, transition="publish")
    assert event.accessibility_override == REASON and event.user.username == "erik"

    # The history in the side panel says what was overridden, by whom and why.
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    log = page.locator(".workflow-log")
    expect(log).to_contain_text("Barrierefreiheit übergangen:")
    expect(log).to_contain_text("Ein Link hat keinen Text.")
    expect(log).to_contain_text(REASON)
