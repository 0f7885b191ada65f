"""Entity suggestions from German text (articles.vocabulary.suggest and the
suggest_entities command), on the demo's seed article and on texts written for the cases
the seed does not have."""

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from articles import surrogate_keys
from articles.editorial import livecopy
from articles.models import (
    Article,
    ChangeState,
    City,
    Organisation,
    Person,
    Status,
    Topic,
    WorkingCopy,
)
from articles.models.tags import PlaceKind
from articles.vocabulary import suggest

pytestmark = pytest.mark.django_db

MAIN_HEADLINE = "KL.digital bekommt neue Geschäftsleitung"
# Everything the seed article names that the newsroom knows: its people, the
# organisations its text names (Bitkom inside "Bitkom-Wettbewerbs", Bearing Point and
# Cisco as "Bearing Point/Cisco") and its one place.
SEED_ARTICLE = {
    "person": {"Ilona Benz", "Martin Verlage", "Dieter Rombach", "Gerhard Steinebach",
               "Klaus Weichel"},
    "organisation": {"KL.digital", "Stadt Kaiserslautern", "Gemeindetag Baden-Württemberg",
                     "Bitkom", "Bearing Point", "Cisco", "Fachzeitschrift „Kommunal“"},
    "city": {"Kaiserslautern"},
    "topic": {"Smart City"},
}


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def by_kind(suggestions):
    kinds = {}
    for suggestion in suggestions:
        kinds.setdefault(suggestion.kind, set()).add(suggestion.name)
    return kinds


def suggestions_for(headline):
    article = Article.objects.get(headline=headline)
    return suggest.suggest(suggest.article_text(livecopy.content_of(article)))


def names(text):
    return by_kind(suggest.suggest(text))


def test_the_seed_article_gets_exactly_what_it_names(demo):
    suggestions = suggestions_for(MAIN_HEADLINE)
    assert by_kind(suggestions) == SEED_ARTICLE
    assert not [s for s in suggestions if s.is_new]
    assert all(s.confidence >= 0.9 for s in suggestions)


def test_sarah_berberich_is_suggested_for_the_article_that_names_her(demo):
    # The seed page names her in its teaser about the Ortenau, not in the main article.
    assert by_kind(suggestions_for("Mobiler in der Ortenau")) == {
        "person": {"Sarah Berberich"},
        "organisation": {"Mobilitätsnetzwerk Ortenau", "endura kommunal"},
    }


def test_unknown_people_of_the_seed_are_found_as_new_names_and_no_ordinary_word(demo):
    Person.objects.all().delete()
    article = Article.objects.get(headline=MAIN_HEADLINE)
    text = suggest.article_text(livecopy.content_of(article))
    new = [s for s in suggest.suggest(text) if s.is_new]
    assert {(s.kind, s.name) for s in new} == {
        ("person", "Ilona Benz"), ("person", "Martin Verlage"), ("person", "Dieter Rombach"),
        ("person", "Gerhard Steinebach"), ("person", "Klaus Weichel"),
    }
    assert {s.confidence for s in new} == {suggest.NEW_PERSON}


def test_inflected_forms_aliases_and_variants():
    Person.objects.create(name="Ilona Benz")
    City.objects.create(name="Kaiserslautern", aliases="KL")
    City.objects.create(name="Hameln-Pyrmont", kind=PlaceKind.DISTRICT)
    City.objects.create(name="Kreis Lippe")
    Organisation.objects.create(name="KL.digital")
    Organisation.objects.create(name="Deutscher Städtetag")
    Topic.objects.create(name="Onlinezugangsgesetz", aliases="OZG")
    Topic.objects.create(name="Smart City")
    Topic.objects.create(name="Digitaler Zwilling")
    text = (
        "Die Digitalstrategie Kaiserslauterns und des Landkreises Hameln-Pyrmont ist fertig. "
        "Der Deutsche Städtetag lobt die Smart Cities, das OZG und die Digitalen Zwillinge. "
        "Im Landkreis Lippe ist die KL.digital Vorbild."
    )
    suggestions = {s.name: s for s in suggest.suggest(text)}
    assert set(suggestions) == {"Kaiserslautern", "Hameln-Pyrmont", "Kreis Lippe",
                                "Deutscher Städtetag", "Onlinezugangsgesetz", "Smart City",
                                "Digitaler Zwilling", "KL.digital"}
    assert suggestions["Kaiserslautern"].matched == "Kaiserslauterns"
    assert suggestions["Hameln-Pyrmont"].matched == "Landkreises Hameln-Pyrmont"
    assert suggestions["Smart City"].matched == "Smart Cities"
    assert suggestions["Onlinezugangsgesetz"].matched == "OZG"
    # An inflected form or an alias is a little less sure than the name itself.
    assert suggestions["KL.digital"].confidence > suggestions["Kaiserslautern"].confidence
    assert suggestions["Smart City"].confidence < suggest.CONFIDENCE["name"]


def test_a_surname_alone_counts_only_after_the_full_name():
    Person.objects.create(name="Ilona Benz")
    Person.objects.create(name="Carl Benz")
    assert names("Benz sagte, sie freue sich.") == {}
    suggestions = suggest.suggest("Ilona Benz kommt. Benz sagte, Benz freue sich.")
    assert [(s.name, s.matched) for s in suggestions] == [("Ilona Benz", "Ilona Benz")]
    # Three mentions are surer than one.
    assert suggestions[0].confidence > suggest.CONFIDENCE["name"]


def test_names_inside_longer_names_and_lower_case_words_are_not_suggested():
    City.objects.create(name="Baden-Württemberg")
    City.objects.create(name="Essen")
    Organisation.objects.create(name="Gemeindetag Baden-Württemberg")
    assert names("Der Gemeindetag Baden-Württemberg lädt zum essen ein.") == {
        "organisation": {"Gemeindetag Baden-Württemberg"}}


def test_new_names_are_offered_conservatively():
    text = (
        "Die Stadt beauftragt die Beispiel Software GmbH. Laut Sarah Berberich, "
        "Geschäftsführerin des Vereins Offene Kommunen e.V., wird die Digitalisierung der "
        "Verwaltung Wirklichkeit. Stadtrat und Verwaltung Kaiserslautern Digitalisierung "
        "Mitte Februar Haushaltsplan Projekte Klaus Oberbürgermeister sprachen."
    )
    new = {(s.kind, s.name) for s in suggest.suggest(text) if s.is_new}
    assert new == {("organisation", "Beispiel Software GmbH"),
                   ("organisation", "Offene Kommunen e.V."),
                   ("person", "Sarah Berberich")}


def test_the_matcher_follows_vocabulary_changes_made_by_any_process():
    first = suggest.matcher()
    assert suggest.matcher() is first  # built once per vocabulary
    Person.objects.create(name="Ilona Benz")
    assert names("Ilona Benz kommt.") == {"person": {"Ilona Benz"}}
    # Another worker's write this process saw no signal of: its bump in the shared
    # cache is enough.
    Person.objects.filter(name="Ilona Benz").update(aliases="Frau Benz")
    assert names("Frau Benz kommt.") == {}
    cache.set(surrogate_keys.VERSION_PREFIX + suggest.VOCABULARY, 1)
    assert names("Frau Benz kommt.") == {"person": {"Ilona Benz"}}


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("suggest_entities", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_the_command_prints_one_json_object_a_line(demo):
    article = Article.objects.get(headline=MAIN_HEADLINE)
    lines, _err = run("--article", article.slug)
    assert {(line["kind"], line["slug"]) for line in lines} == {
        (kind, model.objects.get(name=name).slug)
        for kind, model in suggest.KINDS.items() for name in SEED_ARTICLE[kind]}
    benz = next(line for line in lines if line["slug"] == "ilona-benz")
    assert benz == {"article": article.slug, "kind": "person", "slug": "ilona-benz",
                    "matched": "Ilona Benz", "confidence": benz["confidence"], "linked": True}
    # New names need a lower threshold, and come by name.
    Person.objects.filter(name="Ilona Benz").delete()
    lines, _err = run("--article", article.slug, "--min-confidence", "0.5")
    assert {"article": article.slug, "kind": "person", "name": "Ilona Benz",
            "matched": "Ilona Benz", "confidence": suggest.NEW_PERSON} in lines


def test_the_command_refuses_what_it_cannot_do(demo):
    with pytest.raises(CommandError):
        run("--article", "gibt-es-nicht")
    with pytest.raises(CommandError):
        run("--all", "--min-confidence", "2")


def test_apply_links_a_draft_directly_and_a_published_article_through_its_working_copy(
        make_article):
    benz = Person.objects.create(name="Ilona Benz")
    City.objects.create(name="Kaiserslautern")
    text = "<p>Ilona Benz wechselt nach Kaiserslautern.</p>"
    draft = make_article(headline="Entwurf", body=text, status=Status.DRAFT)
    live = make_article(headline="Online", body=text, status=Status.PUBLISHED)
    lines, err = run("--all", "--apply")
    assert len(lines) == 4 and all(line["linked"] for line in lines)
    assert "4 Verknüpfungen" in err
    draft.refresh_from_db()
    assert list(draft.people.all()) == [benz]
    assert list(draft.cities.names()) == ["Kaiserslautern"]
    assert draft.revisions.count() >= 1
    # Visitors keep seeing the published version until an editor publishes the changes.
    live.refresh_from_db()
    assert not live.people.exists() and not live.cities.exists()
    copy = WorkingCopy.objects.get(article=live)
    assert copy.state == ChangeState.DRAFT
    assert copy.data["people"] == [{"id": benz.pk, "name": "Ilona Benz"}]
    assert copy.data["cities"] == ["Kaiserslautern"]
    # Nothing left to add: a second run saves nothing.
    versions = (draft.revisions.count(), live.revisions.count())
    run("--all", "--apply")
    assert (draft.revisions.count(), live.revisions.count()) == versions


SUGGESTIONS_URL = "/admin/articles/article/vorschlaege/"


def test_the_suggestions_view_answers_staff_only(client, journalist_client):
    Person.objects.create(name="Ilona Benz")
    City.objects.create(name="Kaiserslautern")
    posted = {"kicker": "Kaiserslautern", "headline": "Neue Chefin",
              "body": "<p>Ilona&nbsp;Benz kommt.</p><p>Benz freut sich.</p>"}
    response = journalist_client.post(SUGGESTIONS_URL, posted)
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert [(s["kind"], s["slug"], s["matched"], s["new"]) for s in suggestions] == [
        ("person", "ilona-benz", "Ilona Benz", False),
        ("city", "kaiserslautern", "Kaiserslautern", False)]
    # Nothing posted, or nonsense: no suggestion, no error.
    assert journalist_client.post(SUGGESTIONS_URL).json() == {"suggestions": []}
    assert journalist_client.post(SUGGESTIONS_URL, {"body": "<<>>&#xffffff;"}).json() == {
        "suggestions": []}
    assert journalist_client.get(SUGGESTIONS_URL).status_code == 405
    # Visitors are sent to the login; the vocabulary stays the newsroom's.
    response = client.post(SUGGESTIONS_URL, posted)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
