"""An editor records a picture's licence in the credit form: the start page warns of its
end, visitors see the CC credit line, and after the end the article shows no picture."""

from datetime import timedelta

import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import ImageCredit
from tests.browser.conftest import log_in
from tests.conftest import jpeg_bytes


def test_an_editor_records_a_licence_and_the_picture_goes_when_it_ends(
    new_page, staff, make_article, make_image
):
    credit = ImageCredit.objects.create(creator="Jana Beispiel")
    article = make_article(headline="Rathaus wird digital",
                           lead_image=make_image(jpeg_bytes(800, 450), alt_text="Das Rathaus",
                                                 credit=credit))
    last_day = timezone.localdate() + timedelta(days=12)

    editor = new_page()
    log_in(editor, "erik")
    editor.goto(f"/admin/articles/imagecredit/{credit.pk}/change/")
    editor.select_option("#id_licence_type", label="CC BY 4.0")
    editor.fill("#id_licence", "")
    editor.fill("#id_source_url", "https://commons.wikimedia.org/wiki/File:Rathaus.jpg")
    editor.fill("#id_valid_until", last_day.strftime("%d.%m.%Y"))
    editor.fill("#id_usage_note", "Nur für Berichte über das Rathaus.")
    editor.click("input[name=_save]")
    editor.wait_for_url("**/admin/articles/imagecredit/")

    editor.goto("/admin/")
    licences = editor.locator("#overview-licences").locator("xpath=..")
    expect(licences).to_contain_text("Rathaus wird digital")
    expect(licences).to_contain_text(f"nutzbar bis {last_day:%d.%m.%Y}")

    visitor = new_page()
    visitor.goto(article.get_absolute_url())
    licence = visitor.locator(".figure__credit a[rel=license]")
    expect(licence).to_have_text("CC BY 4.0")
    expect(licence).to_have_attribute(
        "href", "https://creativecommons.org/licenses/by/4.0/deed.de")
    expect(visitor.locator(".figure__credit")).to_contain_text("commons.wikimedia.org")

    credit.refresh_from_db()
    with time_machine.travel(credit.ends_at + timedelta(seconds=1), tick=False):
        visitor = new_page()  # the browser's clock does not travel: its cache would
        visitor.goto(article.get_absolute_url())
        expect(visitor.locator("h1")).to_contain_text("Rathaus wird digital")
        expect(visitor.locator("main figure")).to_have_count(0)
