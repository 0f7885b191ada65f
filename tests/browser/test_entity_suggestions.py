"""The suggestions panel of the article form in headless Chromium: typing shows who and
what the text names, one click (or Enter) adds it, linked ones are marked, a new name
opens the person form filled in, and the panel passes axe."""

from playwright.sync_api import expect

from articles.models import Article, City, Person, Status, Topic
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import blocking_violations, describe

TEXT = ("Ilona Benz wird Geschäftsführerin der Stadtwerke in Kaiserslautern. "
        "Laut Benz geht es um Smart Cities. Auch Sarah Berberich sprach.")


def panel(page):
    return page.locator(".entity-suggestions")


def suggestion(page, name):
    return panel(page).locator(".entity-suggestion", has_text=name)


def test_typing_shows_suggestions_and_one_click_adds_one(new_page, staff, make_article):
    benz = Person.objects.create(name="Ilona Benz")
    City.objects.create(name="Kaiserslautern")
    Topic.objects.create(name="Smart City")
    article = make_article(status=Status.DRAFT, topics=["Smart City"],
                           body="<p>Noch kein Text.</p>")
    page = new_page()
    log_in(page, "jana")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(panel(page).locator("[role=status]")).to_have_text("Keine Namen im Text erkannt.")
    page.locator(".field-body .ProseMirror:visible").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(TEXT)

    expect(suggestion(page, "Ilona Benz")).to_contain_text("Person")
    expect(suggestion(page, "Kaiserslautern")).to_contain_text("Ort")
    # Already a topic of the article: marked, nothing to click.
    expect(suggestion(page, "Smart City")).to_contain_text("verknüpft")
    expect(suggestion(page, "Smart City").locator("button")).to_have_count(0)
    expect(suggestion(page, "Smart City")).to_contain_text("„Smart Cities“")
    # Nobody knows her yet: offered to be created, apart from the known ones.
    expect(panel(page).locator(".entity-suggestions__list--new")).to_contain_text(
        "Sarah Berberich")

    suggestion(page, "Ilona Benz").get_by_role("button").click()
    expect(suggestion(page, "Ilona Benz")).to_contain_text("verknüpft")
    assert page.eval_on_selector(
        "#id_people", "s => Array.from(s.selectedOptions, o => o.value)") == [str(benz.pk)]
    # The keyboard does the same: the focus stays in the list, on the next suggestion.
    focused = page.evaluate("document.activeElement.textContent")
    assert "Kaiserslautern" in focused
    page.keyboard.press("Enter")
    expect(suggestion(page, "Kaiserslautern")).to_contain_text("verknüpft")
    expect(page.locator("#id_cities")).to_have_value("Kaiserslautern")

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    article = Article.objects.get(pk=article.pk)
    assert list(article.people.all()) == [benz]
    assert list(article.cities.names()) == ["Kaiserslautern"]
    # After the save, the form's suggestions come back marked.
    expect(suggestion(page, "Ilona Benz")).to_contain_text("verknüpft")
    expect(suggestion(page, "Kaiserslautern")).to_contain_text("verknüpft")


def test_a_new_name_opens_the_person_form_filled_in(new_page, staff, make_article):
    article = make_article(status=Status.DRAFT, body=f"<p>{TEXT}</p>")
    page = new_page()
    log_in(page, "jana")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    with page.expect_popup() as opened:
        suggestion(page, "Sarah Berberich").get_by_role("button").click()
    popup = opened.value
    expect(popup.locator("#id_name")).to_have_value("Sarah Berberich")
    popup.click("input[name=_save]")
    person = Person.objects.get(name="Sarah Berberich")
    expect(page.locator("#id_people option:checked")).to_have_attribute("value", str(person.pk))


def test_the_suggestions_panel_has_no_serious_accessibility_violations(
        new_page, staff, make_article):
    Person.objects.create(name="Ilona Benz")
    Topic.objects.create(name="Smart City")
    article = make_article(status=Status.DRAFT, topics=["Smart City"], body=f"<p>{TEXT}</p>")
    page = new_page(bypass_csp=True)  # axe-core comes in as an inline script
    log_in(page, "jana")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(suggestion(page, "Sarah Berberich")).to_be_visible()
    violations = blocking_violations(page)
    assert not violations, describe(violations)
