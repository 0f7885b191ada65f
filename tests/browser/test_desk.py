"""The journalist's desk in headless Chromium: writing with the keyboard alone, German
labels, counters, no accidental links, clean pastes from word processors, presence that
tells the truth, and a question before a step takes something off the site."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from articles.editorial import presence, revisions
from articles.models import Article, Image, ImageCredit, Status
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import blocking_violations, describe
from tests.conftest import jpeg_bytes

# English words the German interface must not show (as whole words).
ENGLISH = ["bold", "italic", "link", "heading", "paragraph", "undo", "redo", "list", "quote",
           "save", "delete", "cancel"]
# What Word puts on the clipboard: styles, conditional comments, Office namespaces.
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<style>p.MsoNormal{mso-style-parent:"";font-family:Calibri}</style></head><body>
<!--StartFragment--><p class="MsoNormal" style="mso-margin-top-alt:auto"><b><span
style="font-size:12pt;font-family:Calibri">Breitband</span></b><span style="color:red">
 für alle Ortsteile</span><o:p></o:p></p>
<p class="MsoListParagraphCxSpFirst" style="text-indent:-18.0pt;mso-list:l0 level1 lfo1">
<![if !supportLists]><span style="font-family:Symbol"><span style="mso-list:Ignore">·<span
style="font:7.0pt 'Times New Roman'">&nbsp;&nbsp;</span></span></span><![endif]>Erster
Bauabschnitt<o:p></o:p></p>
<p class="MsoListParagraphCxSpLast" style="text-indent:-18.0pt;mso-list:l0 level1 lfo1">
<![if !supportLists]><span style="font-family:Symbol"><span style="mso-list:Ignore">·<span
style="font:7.0pt 'Times New Roman'">&nbsp;&nbsp;</span></span></span><![endif]>Zweiter
Bauabschnitt<o:p></o:p></p>
<p class="MsoNormal"><a href="https://www.example.org/plan" target="_blank"
style="color:blue">Zum Plan</a><o:p></o:p></p><!--EndFragment--></body></html>"""




def editor_of(page):
    return page.locator(".field-body .ProseMirror[contenteditable]").first


def tab_to(page, selector, limit=80):
    """Press Tab until `selector` has the focus; fail if it never does."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def has_visible_focus(page):
    return page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
            || style.boxShadow !== 'none';
    }""")


@pytest.mark.parametrize("width", [1280, 390])
def test_writing_and_submitting_with_the_keyboard_alone(new_page, staff, width):
    page = new_page(width=width)
    log_in(page, "jana")
    page.goto("/admin/articles/article/add/")
    tab_to(page, "#id_kicker")
    assert has_visible_focus(page)
    page.keyboard.type("Jena")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_headline"
    page.keyboard.type("Glasfaser für alle Ortsteile")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_teaser"
    page.keyboard.type("Die Stadt verlegt bis 2027 Glasfaser in jeden Ortsteil.")
    tab_to(page, ".field-body .ProseMirror")
    page.keyboard.type("Der Stadtrat hat den Ausbau beschlossen.")
    tab_to(page, "#id_topics")
    page.keyboard.type("Breitband,")
    tab_to(page, "button[value=submit]")
    assert has_visible_focus(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/articles/article/(\?.*)?$"))
    article = Article.objects.get(headline="Glasfaser für alle Ortsteile")
    assert article.status == Status.REVIEW
    assert "Der Stadtrat hat den Ausbau beschlossen." in article.body


def test_counters_and_no_automatic_links(new_page, staff):
    page = new_page()
    log_in(page, "jana")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_headline", "Kurz")
    expect(page.locator("#id_headline_count")).to_have_text("4 Zeichen; empfohlen bis 70")
    page.fill("#id_teaser", "x" * 321)
    teaser_count = page.locator("#id_teaser_count")
    expect(teaser_count).to_have_text("321 von höchstens 320 Zeichen")
    expect(teaser_count).to_have_class(re.compile("char-count--over"))
    editor_of(page).click()
    page.keyboard.type("Die KL.digital und www.example.org kommen. ")
    assert editor_of(page).locator("a").count() == 0
    assert editor_of(page).get_attribute("spellcheck") == "true"
    assert editor_of(page).get_attribute("lang") == "de"


def test_pasted_word_html_keeps_only_what_the_site_allows(new_page, staff):
    page = new_page()
    log_in(page, "jana")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_headline", "Eingefügt aus Word")
    editor_of(page).click()
    page.evaluate("""html => {
        const data = new DataTransfer();
        data.setData('text/html', html);
        data.setData('text/plain', 'Breitband für alle Ortsteile');
        const target = document.querySelector('.field-body .ProseMirror[contenteditable]');
        target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                          cancelable: true}));
    }""", WORD_HTML)
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/change/$"))
    body = Article.objects.get(headline="Eingefügt aus Word").body
    assert "<strong>Breitband</strong>" in body
    assert re.search(r"<ul><li>(<p>)?Erster Bauabschnitt(</p>)?</li><li>(<p>)?Zweiter "
                     r"Bauabschnitt(</p>)?</li></ul>", body), body
    assert 'href="https://www.example.org/plan"' in body
    for left_over in ("mso", "style=", "class=", "<o:p", "<span", "font-family", "target="):
        assert left_over not in body, left_over


def test_the_article_form_and_its_toolbar_speak_german(new_page, staff, make_article):
    article = make_article(status=Status.DRAFT, topics=["Breitband"])
    page = new_page()
    log_in(page, "erik")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.wait_for_selector(".field-body .prose-menubar")
    page.locator(".field-body .prose-menubar__selected").click()  # the block menu, open
    # The form's visible text, without the icon font's ligature names ("format_bold"),
    # which show as pictures and are read out by their German aria-label instead.
    words = page.evaluate("""() => {
        const form = document.querySelector('#article_form');
        const texts = [];
        const walker = document.createTreeWalker(form, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const parent = walker.currentNode.parentElement;
            if (parent.closest('.material-icons') || !parent.checkVisibility()) continue;
            texts.push(walker.currentNode.textContent);
        }
        for (const el of form.querySelectorAll('[title], [aria-label]')) {
            texts.push(el.getAttribute('title') || '', el.getAttribute('aria-label') || '');
        }
        return texts.join(' ');
    }""")
    found = {word for word in ENGLISH if re.search(rf"\b{word}\b", words, re.IGNORECASE)}
    assert not found, found


def test_presence_disappears_after_the_colleague_closes_the_form(
    new_page, staff, make_article, monkeypatch
):
    # Faster than in production: a beat a second, gone three seconds after the last one
    # (the goodbye a closing page sends may not arrive; then the window decides).
    monkeypatch.setattr(presence, "HEARTBEAT", timedelta(seconds=1))
    monkeypatch.setattr(presence, "PRESENCE_WINDOW", timedelta(seconds=3))
    article = make_article(status=Status.DRAFT)
    url = f"/admin/articles/article/{article.pk}/change/"
    colleague = new_page()
    log_in(colleague, "erik")
    colleague.goto(url)
    page = new_page()
    log_in(page, "jana")
    page.goto(url)
    note = page.locator("#presence-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Erik Beispiel")
    assert "errornote" not in (note.get_attribute("class") or "")
    colleague.context.close()
    expect(note).to_be_hidden(timeout=10_000)


def test_steps_that_take_an_article_off_the_site_ask_first(new_page, staff, make_article):
    article = make_article(topics=["Breitband"])
    revisions.record(article, None)
    page = new_page()
    log_in(page, "erik")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("button[value=archive]")
    assert questions and "von der Website nehmen" in questions[0]
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED  # said no: nothing happened
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[value=trash]")
    page.wait_for_url(re.compile(r".*/admin/articles/article/(\?.*)?$"))
    article.refresh_from_db()
    assert article.status == Status.TRASHED


def test_restoring_an_old_version_asks_first_and_shows_what_changes(
    new_page, staff, make_article
):
    article = make_article(headline="Erste Fassung", topics=["Breitband"])
    revisions.record(article, None)
    article.headline = "Zweite Fassung"
    article.save()
    revisions.record(article, None)
    page = new_page()
    log_in(page, "erik")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.click(".desk-panel a:text('Versionen')")
    page.click("a:text('Wiederherstellen …')")
    # A question with what would change, and nothing changed yet.
    expect(page.locator("del", has_text="Zweite")).to_be_visible()
    expect(page.locator("ins", has_text="Erste")).to_be_visible()
    article.refresh_from_db()
    assert article.headline == "Zweite Fassung"
    page.click("a:text('Abbrechen')")
    article.refresh_from_db()
    assert article.headline == "Zweite Fassung"
    page.click("a:text('Wiederherstellen …')")
    page.click("input[value='Ja, wiederherstellen']")
    # A published article: the old text becomes its working copy; visitors keep the live one.
    expect(page.locator(".workflow-note--changes")).to_contain_text("Erste Fassung")
    article.refresh_from_db()
    assert article.headline == "Zweite Fassung" and article.status == Status.PUBLISHED


def test_article_form_has_no_serious_accessibility_violations(new_page, staff, make_article):
    article = make_article(status=Status.DRAFT, topics=["Breitband"])
    page = new_page(bypass_csp=True)  # axe-core comes in as an inline script
    log_in(page, "jana")
    for url in ("/admin/", "/admin/articles/article/",
                f"/admin/articles/article/{article.pk}/change/",
                "/admin/articles/image/auswahl/?_popup=1"):
        page.goto(url)
        violations = blocking_violations(page)
        assert not violations, f"{url}\n{describe(violations)}"


def test_the_article_list_fits_1280_pixels(new_page, staff, make_article):
    make_article(kicker="Interkommunale Zusammenarbeit", topics=["Breitband"],
                 headline="Modellstädte für KI-gestützte Verkehrssteuerung")
    page = new_page(width=1280)
    log_in(page, "erik")
    page.goto("/admin/articles/article/")
    overflow = page.evaluate(
        "() => { const r = document.querySelector('.results');"
        " return r.scrollWidth - r.clientWidth; }")
    assert overflow <= 0


def test_search_and_card_previews_follow_the_typing(new_page, staff, make_article, make_image):
    image = make_image(alt_text="Rathaus", credit=ImageCredit.objects.create(creator="J. F."))
    article = make_article(status=Status.DRAFT, lead_image=image, topics=["Breitband"])
    page = new_page()
    log_in(page, "jana")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.fill("#id_headline", "Glasfaser für alle Ortsteile")
    page.fill("#id_teaser", "Wort " * 60)
    expect(page.locator(".search-preview__title")).to_have_text(
        "Glasfaser für alle Ortsteile – Kommune digital")
    description = page.locator(".search-preview__description").inner_text()
    assert description.endswith(" …") and len(description) <= 160
    expect(page.locator(".card-preview__title")).to_have_text("Glasfaser für alle Ortsteile")
    expect(page.locator(".card-preview__picture img")).to_have_attribute(
        "src", re.compile(r"/media/renditions/\w+/fill-\d+x\d+\.jpeg"))


# The image chooser ---------------------------------------------------------------------------


def open_chooser(page):
    page.click("#image-chooser-open")
    expect(page.locator("#image-chooser")).to_be_visible()
    return page.frame_locator("#image-chooser iframe")


@pytest.mark.parametrize("width", [1280, 390])
def test_image_chooser_finds_a_picture_by_caption_and_credit(
    new_page, staff, make_image, width
):
    make_image(title="Bahnhof", caption="Der neue Bahnhof", alt_text="Bahnhof")
    wanted = make_image(title="Ratssaal", caption="Der Stadtrat tagt im Ratssaal",
                        alt_text="Ratssaal", credit=ImageCredit.objects.create(creator="Jan Foto"))
    page = new_page(width=width)
    log_in(page, "jana")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_headline", "Getippt, bevor das Bild kam")
    chooser = open_chooser(page)
    expect(chooser.locator(".image-tile")).to_have_count(2)
    chooser.locator("#chooser-q").fill("Jan Foto")
    chooser.locator("#chooser-q").press("Enter")
    expect(chooser.locator(".image-tile")).to_have_count(1)
    expect(chooser.locator(".image-tile__credit")).to_have_text("Foto: Jan Foto")
    expect(chooser.locator(".image-tile__caption")).to_have_text("Der Stadtrat tagt im Ratssaal")
    chooser.locator(".image-tile").press("Enter")  # a tile is a button: the keyboard picks it

    expect(page.locator("#image-chooser")).to_be_hidden()
    assert page.input_value("#id_lead_image") == str(wanted.pk)
    expect(page.locator(".field-lead_image .select2-selection__rendered")).to_contain_text(
        "Ratssaal")
    assert page.input_value("#id_headline") == "Getippt, bevor das Bild kam"
    assert page.evaluate("document.activeElement.id") == "image-chooser-open"


def test_a_picture_uploaded_in_the_chooser_becomes_the_lead_image(new_page, staff, tmp_path):
    photo = tmp_path / "ratssaal.jpg"
    photo.write_bytes(jpeg_bytes())
    page = new_page()
    log_in(page, "jana")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_headline", "Neuer Ratssaal eingeweiht")
    chooser = open_chooser(page)
    expect(chooser.locator(".image-chooser__empty")).to_contain_text("noch leer")
    chooser.get_by_role("link", name="Neues Bild hochladen").click()
    chooser.locator("#id_file").set_input_files(str(photo))
    chooser.locator("#id_caption").fill("Der neue Ratssaal")
    chooser.locator("input[name=_save]").click()
    # Without alt text the form refuses and keeps what was chosen and typed.
    expect(chooser.locator(".errorlist")).to_be_visible()
    assert chooser.locator("#id_caption").input_value() == "Der neue Ratssaal"
    chooser.locator("#id_file").set_input_files(str(photo))
    chooser.locator("#id_alt_text").fill("Blick in den Ratssaal")
    chooser.locator("#id_credit_creator").fill("Jan Foto")
    chooser.locator("input[name=_save]").click()

    expect(page.locator("#image-chooser")).to_be_hidden()
    image = Image.objects.get(caption="Der neue Ratssaal")
    assert image.credit.creator == "Jan Foto"
    assert page.input_value("#id_lead_image") == str(image.pk)
    assert page.input_value("#id_headline") == "Neuer Ratssaal eingeweiht"
    page.click("input[name=_continue]")
    assert Article.objects.get(headline="Neuer Ratssaal eingeweiht").lead_image == image
