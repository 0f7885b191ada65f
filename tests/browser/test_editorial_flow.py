"""The whole editorial flow in headless Chromium: write, illustrate, tag, review, publish."""

import re

import pytest
from PIL import Image as PillowImage
from playwright.sync_api import expect

from articles.models import Article, Status
from tests.browser.conftest import log_in

HEADLINE = "Bürgerportal geht in Jena online"



@pytest.fixture
def photo(tmp_path):
    """A camera photo whose EXIF names its photographer, as agency pictures do."""
    path = tmp_path / "rathaus.jpg"
    exif = PillowImage.Exif()
    exif[0x013B] = "Thomas Kierok"  # Artist
    PillowImage.new("RGB", (1200, 800), (40, 110, 160)).save(path, "JPEG", exif=exif)
    return path



def test_article_goes_from_journalist_through_editor_to_visitors(new_page, staff, photo):
    # A journalist writes the article ...
    journalist = new_page()
    log_in(journalist, "jana")
    journalist.goto("/admin/articles/article/add/")
    journalist.fill("#id_kicker", "Jena")
    journalist.fill("#id_headline", HEADLINE)
    assert journalist.input_value("#id_slug") == "buergerportal-geht-in-jena-online"
    journalist.fill("#id_teaser", "Die Stadt Jena bietet ihre Verwaltungsleistungen digital an.")
    journalist.locator(".field-body .ProseMirror:visible").click()
    journalist.keyboard.type("Seit Montag können Bürgerinnen und Bürger Anträge online stellen.")

    # ... uploads a picture with alt text and a credit from the image chooser ...
    journalist.click("#image-chooser-open")
    chooser = journalist.frame_locator("#image-chooser iframe")
    chooser.get_by_role("link", name="Neues Bild hochladen").click()
    chooser.locator("#id_file").set_input_files(str(photo))
    chooser.locator("#id_title").fill("Rathaus Jena")
    chooser.locator("#id_alt_text").fill("Das Rathaus von Jena am Markt")
    chooser.locator("#id_caption").fill("Das Rathaus der Stadt Jena.")
    # The credit comes prefilled from the photo's EXIF; she only confirms it.
    expect(chooser.locator("#id_credit_creator")).to_have_value("Thomas Kierok")
    chooser.locator("input[name=_save]").click()
    expect(journalist.locator("#image-chooser")).to_be_hidden()
    assert journalist.input_value("#id_lead_image") != ""

    # ... tags a city and a topic, and submits it for review.
    journalist.fill("#id_cities", "Jena")
    journalist.fill("#id_topics", "Digitale Verwaltung")
    journalist.click("button[value=submit]")
    journalist.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Status.REVIEW
    assert article.lead_image.credit.creator == "Thomas Kierok"

    # There is no publish button for her, and a forged one is refused on the server.
    journalist.goto(f"/admin/articles/article/{article.pk}/change/")
    assert journalist.locator("button[value=publish]").count() == 0
    journalist.evaluate("""() => {
        const button = document.querySelector('button[value=submit]') ||
            document.querySelector('input[name=_save]');
        const forged = document.createElement('button');
        forged.type = 'submit'; forged.name = '_workflow'; forged.value = 'publish';
        forged.id = 'forged'; button.form.appendChild(forged);
    }""")
    with journalist.expect_navigation():
        journalist.click("#forged")
    assert journalist.get_by_text("Nur die Chefredaktion darf Artikel", exact=False).count()
    article.refresh_from_db()
    assert article.status == Status.REVIEW

    # An editor finds it in the review queue and publishes it.
    editor = new_page()
    log_in(editor, "erik")
    editor.click(f".editorial-overview >> text={HEADLINE}")
    editor.click("button[value=publish]")
    editor.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.is_public

    # A visitor sees it on the home page and on its own page.
    visitor = new_page()
    visitor.goto("/")
    visitor.click(f"a:has-text('{HEADLINE}')")
    visitor.wait_for_url(re.compile(r".*/artikel/buergerportal-geht-in-jena-online/$"))
    assert visitor.locator("h1").inner_text() == HEADLINE
    assert visitor.get_by_text("(Bildquelle: Thomas Kierok)").count() == 1
    assert visitor.locator("img[alt='Das Rathaus von Jena am Markt']").count() == 1
