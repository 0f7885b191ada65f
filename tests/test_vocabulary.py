"""The vocabulary through the real stack: other names (admin, search, autocomplete),
merges and renames with 301s, places with official keys (import, pages, filters, API)."""

import io
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Affiliation,
    Article,
    City,
    Organisation,
    Person,
    SubjectRedirect,
    Teaser,
    Topic,
    WorkflowEvent,
)
from articles.models.history import Transition
from articles.models.tags import PlaceKind
from articles.vocabulary import merge, places

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def headlines(client, **params):
    response = client.get(reverse("articles:list"), params)
    assert response.status_code == 200
    return {a.headline for a in response.context["articles"]}


# Other names ------------------------------------------------------------------------------


def test_editor_gives_a_topic_another_name_in_the_admin(editor_client):
    topic = Topic.objects.create(name="Onlinezugangsgesetz")
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    assert 'name="aliases"' in editor_client.get(url).content.decode()

    response = editor_client.post(url, {"name": topic.name, "slug": topic.slug,
                                        "aliases": "OZG\r\n  Online-Zugangs-Gesetz \r\n\r\n"})

    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.alias_list == ["OZG", "Online-Zugangs-Gesetz"]


@pytest.mark.parametrize("admin_name", ["person", "organisation", "city"])
def test_every_kind_has_the_field_for_other_names(editor_client, admin_name):
    page = editor_client.get(reverse(f"admin:articles_{admin_name}_add")).content.decode()
    assert 'name="aliases"' in page


def test_search_finds_articles_by_another_name_of_their_topic(client, make_article):
    topic = Topic.objects.create(name="Onlinezugangsgesetz", aliases="OZG\nOnlinezugang")
    make_article(headline="Länder setzen das Gesetz um", topics=[topic])
    make_article(headline="Nichts dazu")

    assert headlines(client, q="OZG") == {"Länder setzen das Gesetz um"}
    assert headlines(client, q="ozg") == {"Länder setzen das Gesetz um"}
    # Only the whole other name: a part of it is no name of the topic.
    assert headlines(client, q="OZ") == set()


@pytest.mark.parametrize("kind", ["city", "person", "organisation"])
def test_search_by_another_name_works_for_every_kind(client, make_article, kind):
    if kind == "city":
        subject = City.objects.create(name="Kaiserslautern", aliases="KL")
        article = make_article(headline="Aus der Pfalz", cities=[subject])
    elif kind == "person":
        subject = Person.objects.create(name="Ilona Benz", aliases="I. Benz")
        article = make_article(headline="Neue Leitung", people=[subject])
    else:
        subject = Organisation.objects.create(name="KL.digital GmbH", aliases="KL.digital")
        article = make_article(headline="Neue Leitung", organisations=[subject])
    make_article(headline="Anderes")
    term = subject.alias_list[0]

    assert headlines(client, q=term) == {article.headline}
    # The API searches the same way.
    answer = client.get(reverse("api:article_list"), {"q": term}).json()
    assert [item["headline"] for item in answer["items"]] == [article.headline]


def test_search_by_another_name_hides_unpublished_articles(client, make_article):
    from articles.models import Status

    topic = Topic.objects.create(name="Onlinezugangsgesetz", aliases="OZG")
    make_article(headline="Entwurf zum OZG-Thema", topics=[topic], status=Status.DRAFT)
    assert headlines(client, q="OZG") == set()


def test_autocomplete_offers_a_person_and_an_organisation_for_their_other_name(
        journalist_client):
    Person.objects.create(name="Ilona Benz", aliases="Frau Benz")
    Organisation.objects.create(name="KL.digital GmbH", aliases="Digitalagentur KL")
    for field_name, term, expected in (("people", "Frau Ben", "Ilona Benz"),
                                       ("organisations", "Digitalagentur", "KL.digital GmbH")):
        lookup = {"app_label": "articles", "model_name": "article",
                  "field_name": field_name, "term": term}
        response = journalist_client.get(reverse("admin:autocomplete"), lookup)
        assert [r["text"] for r in response.json()["results"]] == [expected]


def test_tag_suggestions_offer_a_topic_for_its_other_name(journalist_client):
    Topic.objects.create(name="Onlinezugangsgesetz", aliases="OZG")
    Topic.objects.create(name="Verkehr")
    response = journalist_client.get(reverse("admin:articles_topic_suggest"), {"term": "ozg"})
    assert response.json()["results"] == ["Onlinezugangsgesetz"]


def test_a_tag_typed_by_another_name_is_the_known_topic(make_article):
    topic = Topic.objects.create(name="Onlinezugangsgesetz", aliases="OZG")
    article = make_article(topics=["ozg"])
    assert list(article.topics.all()) == [topic]
    assert Topic.objects.count() == 1


# Merges -----------------------------------------------------------------------------------


@pytest.fixture
def two_topics(make_article):
    kept = Topic.objects.create(name="Smart City")
    gone = Topic.objects.create(name="Smart Cities", aliases="Intelligente Städte")
    both = make_article(headline="Beides", topics=[kept, gone])
    only_gone = make_article(headline="Nur die alte Schreibweise", topics=[gone])
    make_article(headline="Nur die neue", topics=[kept])
    Teaser.objects.create(placement="aufmacher", article=only_gone,
                          active_until=timezone.now() + timedelta(days=7))
    return kept, gone, both, only_gone


def test_merge_command_moves_articles_and_the_old_addresses_answer_301(client, two_topics):
    kept, gone, both, only_gone = two_topics
    old_page = gone.get_absolute_url()
    old_feeds = [reverse(f"articles:topic_feed_{f}", args=[gone.slug]) for f in ("rss", "atom")]
    assert client.get(old_page).status_code == 200  # cached before the merge

    out = io.StringIO()
    call_command("merge_entities", "topic", gone.slug, kept.slug, stdout=out)

    assert "2 Artikel" in out.getvalue()
    assert not Topic.objects.filter(pk=gone.pk).exists()
    kept.refresh_from_db()
    assert kept.alias_list == ["Smart Cities", "Intelligente Städte"]
    assert set(Article.objects.tagged(topic=kept).values_list("headline", flat=True)) == {
        "Beides", "Nur die alte Schreibweise", "Nur die neue"}
    # The page cache forgot the old page: it now answers 301, as do the feeds.
    response = client.get(old_page, follow=True)
    assert response.redirect_chain == [(kept.get_absolute_url(), 301)]
    assert len(response.context["articles"]) == 3
    for old, fmt in zip(old_feeds, ("rss", "atom"), strict=True):
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == reverse(f"articles:topic_feed_{fmt}", args=[kept.slug])
        feed = feedparser.parse(client.get(response["Location"]).content)
        assert len(feed.entries) == 3
    # Search by the old name finds the articles now about the survivor.
    assert headlines(client, q="Smart Cities") >= {"Nur die alte Schreibweise", "Nur die neue"}
    assert headlines(client, q="Intelligente Städte") == {
        "Beides", "Nur die alte Schreibweise", "Nur die neue"}


def test_a_merge_is_in_the_affected_articles_history(two_topics, editor):
    kept, gone, both, only_gone = two_topics
    merge.merge(gone, kept, editor)
    events = WorkflowEvent.objects.filter(transition=Transition.MERGE_SUBJECT)
    assert {e.article_id for e in events} == {both.pk, only_gone.pk}
    assert all(e.user == editor and "Smart Cities" in e.comment for e in events)


def test_merge_command_refuses_unknown_slugs_and_itself(two_topics):
    kept, gone, *_ = two_topics
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("merge_entities", "topic", "gibt-es-nicht", kept.slug)
    with pytest.raises(CommandError, match="mit sich selbst"):
        call_command("merge_entities", "topic", kept.slug, kept.slug)
    assert Topic.objects.count() == 2


def test_merging_people_moves_their_roles_and_articles(client, make_article):
    org = Organisation.objects.create(name="KL.digital GmbH")
    kept = Person.objects.create(name="Ilona Benz")
    gone = Person.objects.create(name="Ilona Benz-Müller")
    Affiliation.objects.create(person=gone, organisation=org, role="Geschäftsführerin")
    article = make_article(headline="Neue Geschäftsführerin", people=[gone],
                           organisations=[org])

    done = merge.merge(gone, kept)

    assert (done.articles, done.roles) == (1, 1)
    assert list(article.people.all()) == [kept]
    assert kept.affiliations.get().role == "Geschäftsführerin"
    response = client.get(reverse("articles:person", args=["ilona-benz-mueller"]))
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()


def test_merging_places_moves_what_lies_inside(make_article):
    land = City.objects.create(name="Rheinland-Pfalz", ags="07", kind=PlaceKind.STATE)
    twin = City.objects.create(name="RLP")
    town = City.objects.create(name="Mainz", parent=twin)
    org = Organisation.objects.create(name="Stadtwerke", city=twin)

    merge.merge(twin, land)

    town.refresh_from_db()
    org.refresh_from_db()
    assert (town.parent, org.city) == (land, land)
    assert town.state == "RP"


def test_editor_sees_what_a_merge_changes_before_confirming_it(editor_client, two_topics):
    kept, gone, both, only_gone = two_topics
    url = reverse("admin:articles_topic_changelist")
    chosen = {"action": "merge_selected", "_selected_action": [kept.pk, gone.pk]}

    page = editor_client.post(url, chosen).content.decode()

    assert "Welcher Eintrag bleibt?" in page
    assert "2 Artikel wechseln zu „Smart City“" in page
    assert "1 Teaser zeigt einen dieser Artikel" in page
    assert Topic.objects.count() == 2  # nothing done yet

    response = editor_client.post(url, {**chosen, "keep": kept.pk, "confirm": "1"})

    assert response.status_code == 302
    assert list(Topic.objects.all()) == [kept]
    assert SubjectRedirect.objects.get(kind="topic", old_slug=gone.slug).target_id == kept.pk


def test_journalists_cannot_merge(journalist_client, two_topics):
    kept, gone, *_ = two_topics
    url = reverse("admin:articles_topic_changelist")
    journalist_client.post(url, {"action": "merge_selected", "_selected_action": [kept.pk, gone.pk],
                                 "keep": kept.pk, "confirm": "1"})
    assert Topic.objects.count() == 2


def test_renaming_keeps_the_old_address_as_301(client, editor_client, make_article):
    org = Organisation.objects.create(name="KL.digital")
    make_article(organisations=[org])
    old = org.get_absolute_url()
    url = reverse("admin:articles_organisation_change", args=[org.pk])
    form = {"name": "KL.digital GmbH", "slug": "kl-digital-gmbh", "kind": org.kind,
            "version": org.version, "affiliations-TOTAL_FORMS": 0,
            "affiliations-INITIAL_FORMS": 0}

    response = editor_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/organisation/kl-digital-gmbh/"
    # A new subject taking the old slug gets its own page back.
    taken = Organisation.objects.create(name="Neu", slug=old.strip("/").split("/")[-1])
    make_article(organisations=[taken])
    assert client.get(old).status_code == 200


def test_an_old_address_of_a_subject_without_public_articles_is_404(client, make_article):
    from articles.models import Status

    topic = Topic.objects.create(name="Geheim")
    make_article(topics=[topic], status=Status.DRAFT)
    SubjectRedirect.objects.create(kind="topic", old_slug="alt", target_id=topic.pk)
    assert client.get("/thema/alt/").status_code == 404
    assert client.get("/thema/alt/rss/").status_code == 404


# Places -----------------------------------------------------------------------------------


def import_sample(name="gv100ad-sample.txt"):
    out = io.StringIO()
    call_command("import_places", str(DATA / name), stdout=out)
    return out.getvalue()


def test_import_places_fills_keys_kinds_and_parents():
    kl = City.objects.create(name="Kaiserslautern")
    trebur = City.objects.create(name="Trebur")
    hh = City.objects.create(name="Hamburg")
    hameln = City.objects.create(name="Kreis Hameln-Pyrmont")
    nowhere = City.objects.create(name="Atlantis")
    twice = City.objects.create(name="Neustadt")

    report = import_sample()

    for place in (kl, trebur, hh, hameln, twice):
        place.refresh_from_db()
    assert (kl.ags, kl.kind, kl.parent.name, kl.state) == (
        "07312000", PlaceKind.INDEPENDENT_TOWN, "Rheinland-Pfalz", "RP")
    assert (trebur.ags, trebur.kind, trebur.parent.name, trebur.parent.ags) == (
        "06433014", PlaceKind.MUNICIPALITY, "Landkreis Groß-Gerau", "06433")
    assert (trebur.parent.kind, trebur.parent.parent.name) == (PlaceKind.DISTRICT, "Hessen")
    assert (hh.ags, hh.kind, hh.parent) == ("02000000", PlaceKind.CITY_STATE, None)
    assert (hameln.ags, hameln.kind, hameln.parent.name) == (
        "03252", PlaceKind.DISTRICT, "Niedersachsen")
    assert twice.ags == ""
    assert "Nicht gefunden: Atlantis" in report
    assert "Mehrdeutig: Neustadt" in report
    # Only the Länder and Kreise our places need were made, not the whole register.
    assert set(City.objects.values_list("name", flat=True)) == {
        "Kaiserslautern", "Trebur", "Hamburg", "Kreis Hameln-Pyrmont", "Atlantis", "Neustadt",
        "Rheinland-Pfalz", "Hessen", "Landkreis Groß-Gerau", "Niedersachsen"}
    assert nowhere.pk and City.objects.get(name="Atlantis").ags == ""
    # A second run changes nothing.
    assert "0 Orte ergänzt" in import_sample()


def test_import_places_matches_by_key_before_name():
    renamed = City.objects.create(name="Kaiserslautern (Pfalz)", ags="07312000")
    import_sample()
    renamed.refresh_from_db()
    assert (renamed.name, renamed.kind) == ("Kaiserslautern (Pfalz)", PlaceKind.INDEPENDENT_TOWN)


@pytest.mark.parametrize(("content", "problem"), [
    ("602024123107312   Kaiserslautern\n", "Zeile 1: der Schlüssel"),
    ("10202412310\n", "Zeile 1: der Schlüssel"),
    ("6020241231073120000000\n", "Zeile 1: der Name"),
    ("99202412310731200000000Kaiserslautern\n", "Zeile 1: unbekannte Satzart"),
    ("\n\n", "keinen Land-, Kreis- oder Gemeindesatz"),
])
def test_a_malformed_file_changes_nothing(tmp_path, content, problem):
    good = (DATA / "gv100ad-sample.txt").read_text(encoding="utf-8").splitlines()
    kl = City.objects.create(name="Kaiserslautern")
    path = tmp_path / "broken.txt"
    # A good first part: the error comes late, after lines that would have matched.
    path.write_text("\n".join(good[:4]) + "\n" + content if content.strip() else content,
                    encoding="utf-8")

    with pytest.raises(CommandError, match="Es wurde nichts geändert"):
        call_command("import_places", str(path))

    kl.refresh_from_db()
    assert kl.ags == ""
    assert City.objects.count() == 1


def test_a_file_that_is_not_utf8_changes_nothing(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("602024123106433003    Büttelborn\n".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_places", str(path))


def test_the_parser_reads_the_columns_of_the_register():
    records = places.parse((DATA / "gv100ad-sample.txt").read_bytes())
    assert not [r for r in records if r.type not in ("10", "40", "60")]
    kl = next(r for r in records if r.key == "07312000")
    assert (kl.name, kl.short_name, kl.kind) == (
        "Kaiserslautern, Stadt", "Kaiserslautern", PlaceKind.INDEPENDENT_TOWN)


@pytest.fixture
def placed(make_article):
    """Trebur in the Kreis Groß-Gerau in Hessen, Kaiserslautern in Rheinland-Pfalz."""
    hessen = City.objects.create(name="Hessen", ags="06", kind=PlaceKind.STATE)
    kreis = City.objects.create(name="Kreis Groß-Gerau", ags="06433", kind=PlaceKind.DISTRICT,
                                parent=hessen)
    trebur = City.objects.create(name="Trebur", ags="06433014", kind=PlaceKind.MUNICIPALITY,
                                 parent=kreis)
    rlp = City.objects.create(name="Rheinland-Pfalz", ags="07", kind=PlaceKind.STATE)
    kl = City.objects.create(name="Kaiserslautern", ags="07312000",
                             kind=PlaceKind.INDEPENDENT_TOWN, parent=rlp)
    make_article(headline="Trebur digital", cities=[trebur])
    make_article(headline="Aus dem Kreis", cities=[kreis])
    make_article(headline="Kaiserslautern digital", cities=[kl])
    return {"hessen": hessen, "kreis": kreis, "trebur": trebur, "rlp": rlp, "kl": kl}


def test_a_place_page_names_its_kreis_and_land(client, placed):
    page = client.get(placed["trebur"].get_absolute_url()).content.decode()
    assert "Gemeinde" in page
    assert f'<a href="{placed["kreis"].get_absolute_url()}">Kreis Groß-Gerau</a>' in page
    assert f'<a href="{placed["hessen"].get_absolute_url()}">Hessen</a>' in page
    assert "06433014" in page


def test_a_land_without_a_page_is_named_without_a_link(client, make_article):
    land = City.objects.create(name="Saarland", ags="10", kind=PlaceKind.STATE)
    town = City.objects.create(name="Saarbrücken", ags="10041100", parent=land)
    article = make_article(cities=[town], status="draft")
    assert client.get(land.get_absolute_url()).status_code == 404
    article.status, article.published_at = "published", timezone.now() - timedelta(hours=1)
    article.save()
    page = client.get(town.get_absolute_url()).content.decode()
    assert f'<a href="{land.get_absolute_url()}">' in page


def test_every_land_has_a_page_and_feeds_once_a_place_inside_has_public_articles(
        client, placed):
    response = client.get(placed["hessen"].get_absolute_url())
    assert response.status_code == 200
    assert {a.headline for a in response.context["articles"]} == {
        "Trebur digital", "Aus dem Kreis"}
    feed = feedparser.parse(client.get(
        reverse("articles:city_feed_rss", args=[placed["hessen"].slug])).content)
    assert {e.title.split(": ", 1)[-1] for e in feed.entries} >= {"Trebur digital"}
    assert len(feed.entries) == 2
    sitemap = client.get("/sitemap-kommunen.xml").content.decode()
    assert placed["hessen"].get_absolute_url() in sitemap


def test_a_land_page_renews_when_an_article_inside_is_published(client, placed, make_article):
    url = placed["rlp"].get_absolute_url()
    assert len(client.get(url).context["articles"]) == 1
    make_article(headline="Landau digital", cities=[placed["kl"]])
    response = client.get(url)
    assert b"Landau digital" in response.content


def test_the_list_filter_and_the_api_include_every_place_inside_a_land_or_kreis(
        client, placed):
    assert headlines(client, city=placed["hessen"].slug) == {"Trebur digital", "Aus dem Kreis"}
    assert headlines(client, city=placed["kreis"].slug) == {"Trebur digital", "Aus dem Kreis"}
    assert headlines(client, city=placed["trebur"].slug) == {"Trebur digital"}
    assert headlines(client, land="HE") == {"Trebur digital", "Aus dem Kreis"}
    api = client.get(reverse("api:article_list"), {"city": placed["hessen"].slug}).json()
    assert {item["headline"] for item in api["items"]} == {"Trebur digital", "Aus dem Kreis"}
    place = client.get(reverse("api:city_detail", args=[placed["trebur"].slug])).json()
    assert (place["official_key"], place["state"]) == ("06433014", "HE")


def test_the_land_follows_the_parent_chain(placed):
    town = City.objects.create(name="Ohne Schlüssel", parent=placed["kreis"])
    assert town.state == "HE"
    placed["kreis"].parent = placed["rlp"]
    placed["kreis"].ags = ""
    placed["kreis"].save()
    town.refresh_from_db()
    assert town.state == "RP"


@pytest.mark.parametrize("name", ["trebur", "kreis", "hessen"])
def test_place_pages_run_a_constant_number_of_queries(client, settings, placed, make_article,
                                                      name):
    settings.NEWSROOM_PAGE_CACHE = False
    url = placed[name].get_absolute_url()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for _ in range(25):
        make_article(cities=[placed["trebur"]])
    assert count() == small <= 6


def test_the_demo_places_carry_their_official_keys(db):
    call_command("load_demo", verbosity=0)
    kl = City.objects.get(name="Kaiserslautern")
    assert (kl.ags, kl.kind, kl.parent.name, kl.parent.ags) == (
        "07312000", PlaceKind.INDEPENDENT_TOWN, "Rheinland-Pfalz", "07")
    menden = City.objects.get(name="Menden")
    assert (menden.ags, menden.parent.name, menden.parent.parent.name) == (
        "05962040", "Märkischer Kreis", "Nordrhein-Westfalen")
    assert menden.alias_list == ["Menden (Sauerland)"]
    assert City.objects.get(name="Berlin").parent is None
    assert City.objects.get(name="Ortenaukreis").ags == "08317"


def test_a_merge_adjusts_pending_changes_that_name_the_one_that_goes(make_article, editor):
    from articles.editorial import livecopy
    from articles.models import WorkingCopy

    kept = Person.objects.create(name="Ilona Benz")
    gone = Person.objects.create(name="I. Benz")
    kept_topic = Topic.objects.create(name="Smart City")
    gone_topic = Topic.objects.create(name="Smart Cities")
    article = make_article()
    content = livecopy.content_of(article)
    content["people"] = [{"id": gone.pk, "name": gone.name}]
    content["topics"] = ["Smart Cities"]
    livecopy.save(article, content, editor, expected_version=article.version)

    merge.merge(gone, kept)
    merge.merge(gone_topic, kept_topic)

    data = WorkingCopy.objects.get(article=article).data
    assert data["people"] == [{"id": kept.pk, "name": "Ilona Benz"}]
    assert data["topics"] == ["Smart City"]
