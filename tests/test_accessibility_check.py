"""The accessibility check before publishing: its findings for a text written to contain
each problem, the refusal that keeps the typed text, and an editor's recorded override."""

import pytest

from articles.editorial import accessibility
from articles.models import Article, ChangeState, Status, Transition, WorkflowEvent
from tests.admin_forms import article_data, change_url

pytestmark = pytest.mark.django_db

LONG_SENTENCE = " ".join(["Die Stadt plant"] * 11) + "."  # 33 words
EVERY_PROBLEM = (
    "<h2>Der Plan</h2>"
    "<h4>Die Einzelheiten</h4>"
    '<p>Zum Antrag <a href="https://example.org/leer"></a> und '
    '<a href="https://example.org/antrag">hier</a> und '
    '<a href="https://example.org/mehr">Mehr …</a> und '
    '<a href="https://example.org/x">https://example.org/x</a>.</p>'
    "<p>ACHTUNG DIE SITZUNG DES RATES FÄLLT HEUTE AUS</p>"
    "<table><tr><td>Haushalt</td><td>3 Mio. Euro</td></tr></table>"
    f"<p>{LONG_SENTENCE} {LONG_SENTENCE} Kurz.</p>"
)
CLEAN = (
    "<h2>Der Plan</h2><h3>Die Einzelheiten</h3>"
    '<p>Der <a href="https://example.org/antrag">Antrag der Stadt Jena</a> liegt vor.</p>'
    "<table><tr><th scope=\"col\">Posten</th></tr><tr><td>Haushalt</td></tr></table>"
)


def codes(findings):
    return [finding.code for finding in findings]


def test_each_problem_is_found_with_its_passage(make_image):
    findings = accessibility.check(EVERY_PROBLEM)
    assert codes(findings) == [
        "heading-skipped", "link-empty", "link-vague", "link-vague", "link-bare-url",
        "table-headers", "capitals", "long-sentence", "long-sentence",
    ]
    by_code = {finding.code: finding for finding in findings}
    assert by_code["heading-skipped"].passage == "Die Einzelheiten"
    assert "h4 nach h2" in by_code["heading-skipped"].message
    assert by_code["link-empty"].passage == "https://example.org/leer"
    assert [f.passage for f in findings if f.code == "link-vague"] == [
        "hier → https://example.org/antrag", "Mehr … → https://example.org/mehr"]
    assert by_code["capitals"].passage.startswith("ACHTUNG DIE SITZUNG")
    assert by_code["table-headers"].passage.startswith("Haushalt")
    assert accessibility.long_sentences(findings) == 2
    assert {f.code for f in accessibility.serious(findings)} == {"heading-skipped", "link-empty"}


@pytest.mark.parametrize(("alt", "code", "serious"), [
    ("IMG_4711.jpg", "alt-file-name", True),
    ("DSC01234", "alt-file-name", True),
    ("Bild", "alt-vague", False),
    ("Foto.", "alt-vague", False),
])
def test_lead_image_alt_texts_that_say_nothing(make_image, alt, code, serious):
    findings = accessibility.check("<p>Text.</p>", make_image(alt_text=alt))
    assert [(f.code, f.serious) for f in findings] == [(code, serious)]


def test_a_clean_text_and_picture_have_no_findings(make_image):
    assert accessibility.check(CLEAN, make_image(alt_text="Das Rathaus von Jena")) == []
    # A picture marked decorative needs no alternative text.
    assert accessibility.check(CLEAN, make_image(alt_text="", decorative=True)) == []
    # Acronyms are no passage in capitals.
    assert accessibility.check("<p>Die KI der EU und die DSGVO im ÖPNV.</p>") == []


def draft(make_article, body=EVERY_PROBLEM):
    return make_article(status=Status.DRAFT, body=body, topics=["Verkehr"])


def test_submitting_shows_the_findings_but_does_not_stop(journalist_client, make_article):
    article = draft(make_article)
    response = journalist_client.post(
        change_url(article), article_data(article, _workflow=Transition.SUBMIT), follow=True)
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert "Barrierefreiheit: 9 Hinweis(e)" in response.content.decode()
    page = journalist_client.get(change_url(article)).content.decode()
    assert "Barrierefreiheit: Befunde im Text" in page
    assert "Die Einzelheiten" in page and "h4 nach h2" in page
    # Only editors may override, so journalists are not offered the field.
    assert "id_accessibility_override" not in page


def test_serious_findings_stop_publishing_and_keep_the_typed_text(editor_client, make_article):
    article = draft(make_article, body="<p>Alt.</p>")
    typed = EVERY_PROBLEM.replace("Der Plan", "Der neue Plan")
    response = editor_client.post(
        change_url(article), article_data(article, body=typed, _workflow=Transition.PUBLISH))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Überschriftenebene übersprungen: h4 nach h2." in html
    assert "Ein Link hat keinen Text." in html
    assert "Barrierefreiheit: trotzdem veröffentlichen" in html
    assert "Der neue Plan" in html  # what was typed is still in the form
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.body == "<p>Alt.</p>"
    assert not WorkflowEvent.objects.filter(article=article).exists()


def test_hints_alone_do_not_stop_publishing(editor_client, make_article):
    body = '<p><a href="https://example.org/a">hier</a></p>'
    article = draft(make_article, body=body)
    editor_client.post(change_url(article),
                       article_data(article, _workflow=Transition.PUBLISH))
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_an_editors_override_is_recorded_in_the_history(editor_client, make_article):
    article = draft(make_article)
    response = editor_client.post(change_url(article), article_data(
        article, _workflow=Transition.PUBLISH,
        accessibility_override="Der leere Link kommt aus der Pressemitteilung; folgt.",
    ))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    event = WorkflowEvent.objects.get(article=article)
    assert event.transition == Transition.PUBLISH
    assert event.accessibility_override == ("Der leere Link kommt aus der Pressemitteilung; "
                                            "folgt.")
    assert [f["code"] for f in event.accessibility_findings] == ["heading-skipped",
                                                                 "link-empty"]
    page = editor_client.get(change_url(article)).content.decode()
    assert "Barrierefreiheit übergangen:" in page
    assert "Der leere Link kommt aus der Pressemitteilung" in page


def test_changes_to_a_live_article_are_checked_too(editor_client, make_article):
    article = make_article(topics=["Verkehr"])
    response = editor_client.post(change_url(article), article_data(
        article, body=EVERY_PROBLEM, _workflow=Transition.PUBLISH_CHANGES))
    assert response.status_code == 200
    assert "Ein Link hat keinen Text." in response.content.decode()
    article.refresh_from_db()
    assert article.body != EVERY_PROBLEM
    # Saved without publishing, the changes wait; publishing them in bulk is refused too.
    editor_client.post(change_url(article), article_data(article, body=EVERY_PROBLEM))
    assert article.working_copy.state == ChangeState.DRAFT
    editor_client.post("/admin/articles/article/", {
        "action": "publish_changes_selected", "_selected_action": [article.pk]})
    assert Article.objects.get(pk=article.pk).working_copy.data["body"].startswith("<h2>")
    assert "Der Plan" not in Article.objects.get(pk=article.pk).body
