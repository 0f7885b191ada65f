"""Accessibility in a real browser: axe-core's WCAG 2.1 A/AA rules on every kind of public
page at desktop and phone width, and the keyboard paths people rely on."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, City, Topic

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
WIDTHS = [1280, 390]
MAIN_STORY = "KL.digital bekommt neue Geschäftsleitung"


@pytest.fixture
def demo(transactional_db):
    # The live server reads the database from another thread, so the data must be committed.
    call_command("load_demo", verbosity=0)


# Each kind of public page: its URL name, arguments and query string.
PAGES = {
    "home": ("articles:home", [], ""),
    "filtered list": ("articles:list", [], "?city=kaiserslautern&topic=smart-city"),
    "article": None,  # the seed's main story, found by its headline
    "search results": ("articles:list", [], "?q=Verkehr"),
    "person": ("articles:person", ["ilona-benz"], ""),
    # With the news box's <iframe> code to copy, and the box itself in both styles.
    "city": ("articles:city", ["kaiserslautern"], ""),
    "news box": ("embed_city", ["kaiserslautern"], ""),
    "news box dark": ("embed_topic", ["smart-city"], "?stil=dunkel"),
    "credits": ("articles:credits", [], ""),
    "archive": ("articles:archive", [], ""),
    "archive month": ("articles:archive_month", [2025, 4], ""),
    "accessibility statement": ("articles:accessibility", [], ""),
    "newsletter sign-up": ("newsletter:subscribe", [], "?kommune=kaiserslautern"),
    "impressum": ("articles:legal", ["impressum"], ""),
    "privacy": ("articles:legal", ["datenschutz"], ""),
    "contact": ("articles:legal", ["kontakt"], ""),
}
LEGAL_PAGES = ["impressum", "privacy", "contact"]


def url_of(name):
    if PAGES[name] is None:
        return Article.objects.get(headline=MAIN_STORY).get_absolute_url()
    view, args, query = PAGES[name]
    return reverse(view, args=args) + query


def blocking_violations(page):
    """Run axe-core on the page as it is now; the serious and critical WCAG violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (`make test` does it for you).")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in violations
    )


def open_page(new_page, url, width=1280):
    # bypass_csp: injecting axe-core must keep working once the site sends a CSP.
    page = new_page(width=width, height=900, bypass_csp=True)
    response = page.goto(url)
    assert response.status == 200, url
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(new_page, demo, name, width):
    page = open_page(new_page, url_of(name), width)
    violations = blocking_violations(page)
    assert not violations, f"{name} at {width} px:\n{describe(violations)}"


@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_legal_pages_have_no_accessibility_violation_at_all(new_page, demo, name):
    page = open_page(new_page, url_of(name))
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )["violations"]
    assert not violations, describe(violations)


def focus(page):
    """What has the keyboard focus: its id, classes, tag and whether it shows a focus ring."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {id: el.id, className: el.className, tag: el.tagName.toLowerCase(),
                    inMain: el.closest('main') !== null,
                    outline: getComputedStyle(el).outlineStyle};
        }"""
    )


def tab_to(page, selector, limit=40):
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} was not reached with {limit} presses of Tab")


@pytest.mark.parametrize("width", WIDTHS)
def test_skip_link_comes_first_and_moves_focus_to_main(new_page, demo, width):
    page = open_page(new_page, reverse("articles:home"), width)
    page.keyboard.press("Tab")
    assert focus(page)["className"] == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0, "the focused skip link must be on screen"
    assert focus(page)["outline"] != "none"
    page.keyboard.press("Enter")
    assert focus(page)["id"] == "inhalt"
    page.keyboard.press("Tab")
    assert focus(page)["inMain"], "the next Tab must continue inside the main content"


def test_filter_form_works_with_the_keyboard(new_page, demo):
    page = open_page(new_page, reverse("articles:list"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: straight to the filters
    tab_to(page, "#id_city")
    page.keyboard.type("Kaiserslautern")  # a closed <select> picks by typing
    tab_to(page, "#id_topic")
    page.keyboard.type("Smart City")
    tab_to(page, ".filter-form button[type=submit]")
    assert focus(page)["outline"] != "none", "the focused button must show where focus is"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    query = parse_qs(urlparse(page.url).query)
    assert query["city"] == ["kaiserslautern"] and query["topic"] == ["smart-city"]
    expected = set(
        Article.objects.published()
        .tagged(city=City.objects.get(slug="kaiserslautern"),
                topic=Topic.objects.get(slug="smart-city"))
        .values_list("headline", flat=True)
    )
    shown = set(page.locator(".teaser__title a").all_inner_texts())
    assert expected and shown == expected


def test_feedback_form_works_with_the_keyboard(new_page, demo, mailoutbox):
    page = open_page(new_page, reverse("articles:accessibility"))
    tab_to(page, "#id_message")
    tab_to(page, ".feedback-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#id_message_error").inner_text() == (
        "Bitte schreiben Sie uns eine Nachricht."
    )
    assert page.locator("#id_message").get_attribute("aria-invalid") == "true"
    violations = blocking_violations(page)
    assert not violations, f"the form with errors:\n{describe(violations)}"
    tab_to(page, "#id_message")
    page.keyboard.type("Die Datumsfelder sind mit der Sprachausgabe schwer zu bedienen.")
    tab_to(page, ".feedback-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Vielen Dank für Ihre Nachricht!" in page.locator(".feedback__messages").inner_text()
    assert len(mailoutbox) == 1
    assert "Datumsfelder" in mailoutbox[0].body
