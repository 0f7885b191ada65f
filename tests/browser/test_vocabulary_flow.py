"""An editor merges two topics in the admin: sees what will change, confirms, and the old
address then leads visitors to the survivor. A place page with its Kreis and Land passes
axe-core."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, City, Status, Teaser, Topic
from articles.models.tags import PlaceKind
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import blocking_violations, describe, open_page


def published(headline, **relations):
    article = Article.objects.create(
        headline=headline, teaser=f"{headline}.", body=f"<p>{headline}.</p>",
        status=Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1))
    for name, values in relations.items():
        getattr(article, name).add(*values)
    return article


def test_editor_merges_two_topics_after_seeing_what_changes(new_page, staff, live_server):
    kept = Topic.objects.create(name="Smart City")
    gone = Topic.objects.create(name="Smart Cities")
    published("Neue Sensoren", topics=[gone])
    Teaser.objects.create(placement="aufmacher", article=published("Masterplan", topics=[gone]),
                          active_until=timezone.now() + timedelta(days=7))
    published("Stadtlabor", topics=[kept])
    page = new_page()
    log_in(page, "erik")
    page.goto("/admin/articles/topic/")

    page.get_by_role("row", name="Smart City").get_by_role("checkbox").check()
    page.get_by_role("row", name="Smart Cities").get_by_role("checkbox").check()
    page.select_option("select[name=action]", "merge_selected")
    page.get_by_role("button", name="Ausführen").click()

    expect(page.get_by_text("Welcher Eintrag bleibt?")).to_be_visible()
    choice = page.get_by_label("„Smart City“ bleibt, „Smart Cities“ geht darin auf")
    expect(page.locator(".merge-subjects__choice", has=choice)).to_contain_text(
        "2 Artikel wechseln zu „Smart City“")
    expect(page.locator(".merge-subjects__choice", has=choice)).to_contain_text(
        "1 Teaser zeigt einen dieser Artikel")
    assert Topic.objects.count() == 2
    choice.check()
    page.get_by_role("button", name="Jetzt zusammenführen").click()

    expect(page.get_by_text("„Smart Cities“ ist in „Smart City“ aufgegangen.")).to_be_visible()
    assert list(Topic.objects.values_list("name", flat=True)) == ["Smart City"]
    visitor = new_page()
    response = visitor.goto("/thema/smart-cities/")
    assert response.url == f"{live_server.url}/thema/smart-city/"
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Smart City")
    expect(visitor.get_by_text("Masterplan").first).to_be_visible()


def test_a_place_page_with_its_kreis_and_land_passes_axe(new_page, transactional_db):
    land = City.objects.create(name="Hessen", ags="06", kind=PlaceKind.STATE)
    kreis = City.objects.create(name="Kreis Groß-Gerau", ags="06433", kind=PlaceKind.DISTRICT,
                                parent=land)
    town = City.objects.create(name="Trebur", ags="06433014", kind=PlaceKind.MUNICIPALITY,
                               parent=kreis)
    published("Trebur digital", cities=[town])

    page = open_page(new_page, town.get_absolute_url())

    expect(page.locator(".subject__facts-list")).to_contain_text("Kreis Groß-Gerau")
    page.get_by_role("link", name="Hessen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hessen")
    expect(page.get_by_text("Trebur digital").first).to_be_visible()
    violations = blocking_violations(page)
    assert not violations, describe(violations)
