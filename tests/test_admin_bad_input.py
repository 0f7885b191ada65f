"""Admin forms and lookups fed what no admin page sends: fields missing, too long, malformed,
ids that are no ids, URLs that run script. Every answer is the form again with its errors
(or a clean 4xx, or an empty lookup), never a server error, and nothing is saved.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, EditingPresence, Organisation, Topic

from .admin_forms import add_url, article_data, change_url
from .conftest import jpeg_bytes
from .test_images import png_claiming

pytestmark = pytest.mark.django_db

NO_ID = "abc"
NO_SUCH_ID = "999999"
# Too large for any integer column: the database itself must never see it.
HUGE_ID = "99999999999999999999"
INVALID_CHOICE = "Bitte eine gültige Auswahl treffen. Dies ist keine gültige Auswahl."
INVALID_URL = "Bitte eine gültige Adresse eingeben."
AFFILIATIONS = {
    "affiliations-TOTAL_FORMS": "1", "affiliations-INITIAL_FORMS": "0",
    "affiliations-MIN_NUM_FORMS": "0", "affiliations-MAX_NUM_FORMS": "1000",
}


def row_counts():
    """Rows per model of the newsroom; opening a form records only who has it open."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("articles").get_models(include_auto_created=True)
        if model is not EditingPresence
    }


def errors_of(response):
    """The form's errors by field, and those of each inline form ("inline" key)."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    errors = {name: list(messages) for name, messages in form.errors.items()}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        inline_errors = [e for form_errors in formset.errors for e in form_errors.items()]
        if inline_errors or formset.non_form_errors():
            errors["inline"] = [*inline_errors, *formset.non_form_errors()]
    return errors


@pytest.fixture
def unchanged():
    """Asserts, after the test, that no row was added, changed in number or removed."""
    before = row_counts()
    yield
    assert row_counts() == before


# The article form -------------------------------------------------------------------------

ARTICLE_CASES = {
    "missing-everything": ({}, {"headline"}),
    "huge-headline": ({"headline": "H" * 10_000}, {"headline"}),
    "kicker-81": ({"kicker": "K" * 81}, {"kicker"}),
    "nul-in-headline": ({"headline": "Über\x00schrift"}, {"headline"}),
    "31-february": ({"published_at_0": "31.02.2025", "published_at_1": "10:00"},
                    {"published_at"}),
    "date-abc": ({"published_at_0": "abc", "published_at_1": "abc"}, {"published_at"}),
    "no-such-image": ({"lead_image": NO_SUCH_ID}, {"lead_image"}),
    "image-abc": ({"lead_image": NO_ID}, {"lead_image"}),
    "image-huge-id": ({"lead_image": HUGE_ID}, {"lead_image"}),
    "topic-500": ({"topics": "T" * 500}, {"topics"}),
    "city-longer-once-folded": ({"cities": "ß" * 60}, {"cities"}),
    "nul-in-topics": ({"topics": "Smart\x00City"}, {"topics"}),
    "people-abc": ({"people": NO_ID}, {"people"}),
    "people-huge-id": ({"people": HUGE_ID}, {"people"}),
    "organisations-abc": ({"organisations": [NO_ID, "1"]}, {"organisations"}),
    "related-abc": ({"related": NO_ID}, {"related"}),
    "authors-abc": ({"authors": NO_ID}, {"authors"}),
    "unknown-step": ({"_workflow": "nonsense"}, {"__all__"}),
}


@pytest.mark.parametrize(("changes", "fields"), ARTICLE_CASES.values(), ids=ARTICLE_CASES)
def test_article_add_form_answers_junk_with_errors(editor_client, unchanged, changes, fields):
    data = article_data(**{"headline": "Meldung", **changes}) if changes else {}

    response = editor_client.post(add_url(), data)

    assert set(errors_of(response)) == fields


def test_article_form_errors_say_what_is_wrong(editor_client, unchanged):
    response = editor_client.post(add_url(), article_data(
        headline="Meldung", lead_image=NO_ID, topics="T" * 500, _workflow="nonsense",
    ))

    errors = errors_of(response)
    assert errors["lead_image"] == [INVALID_CHOICE]
    assert errors["topics"] == [
        f"„{'T' * 39}…“ ist zu lang: höchstens 100 Zeichen sind möglich."
    ]
    assert errors["__all__"] == ["Unbekannter Arbeitsschritt."]


def test_odd_but_valid_tag_inputs_are_saved_as_meant(journalist_client):
    many = ", ".join(f"Thema {n}" for n in range(300))
    assert journalist_client.post(add_url(), article_data(
        headline="Viele Themen", topics=many, cities=",,,",
    )).status_code == 302

    article = Article.objects.get()
    assert article.topics.count() == 300
    assert not article.cities.exists()
    longest = "Z" * 100
    assert journalist_client.post(add_url(), article_data(
        headline="Langes Thema", topics=longest)).status_code == 302
    assert Topic.objects.filter(name=longest).exists()


@pytest.mark.parametrize("version", ["abc", "-1", "", HUGE_ID])
def test_article_change_form_refuses_a_junk_version(editor_client, make_article, version):
    article = make_article(headline="Alt")
    before = row_counts()

    response = editor_client.post(
        change_url(article), article_data(article, headline="Neu", edit_version=version)
    )

    assert "__all__" in errors_of(response)  # the edit conflict, explained
    article.refresh_from_db()
    assert (article.headline, article.version) == ("Alt", 1)
    # The one new row keeps what was typed, as a version of its own.
    assert row_counts() == {**before, "articles.Revision": before["articles.Revision"] + 1}
    assert article.revisions.get().data["headline"] == "Neu"


def test_article_change_form_for_no_article_is_a_redirect(editor_client, make_article):
    make_article()
    for object_id in (NO_ID, HUGE_ID, NO_SUCH_ID):
        response = editor_client.post(f"/admin/articles/article/{object_id}/change/",
                                      article_data(headline="Neu"))
        assert response.status_code == 302  # to the admin index, "does not exist"
    assert not Article.objects.filter(headline="Neu").exists()


# Images, people, organisations, teasers, tags, credits -------------------------------------

IMAGE_CASES = {
    "no-file": ({"title": "Bild", "alt_text": "Ein Bild"}, {"file"}),
    "huge-title": ({"file": True, "title": "T" * 10_000, "alt_text": "A" * 1000},
                   {"title", "alt_text"}),
    "junk-numbers": ({"file": True, "title": "Bild", "alt_text": "Ein Bild", "focal_x": "abc",
                      "focal_y": "1e999", "credit": NO_ID}, {"focal_x", "focal_y", "credit"}),
    "focal-outside": ({"file": True, "title": "Bild", "alt_text": "Ein Bild", "focal_x": "-1",
                       "focal_y": "2"}, {"focal_x", "focal_y"}),
    "two-credits": ({"file": True, "title": "Bild", "alt_text": "Ein Bild",
                     "credit": NO_SUCH_ID, "credit_creator": "C" * 201}, {"credit",
                                                                          "credit_creator"}),
}


@pytest.mark.parametrize(("data", "fields"), IMAGE_CASES.values(), ids=IMAGE_CASES)
def test_image_form_answers_junk_with_errors(journalist_client, media_root, unchanged,
                                            data, fields):
    if data.pop("file", False):
        data["file"] = SimpleUploadedFile("foto.jpg", jpeg_bytes(), "image/jpeg")

    response = journalist_client.post(reverse("admin:articles_image_add"), data)

    assert set(errors_of(response)) == fields
    assert not (media_root.exists() and any(media_root.rglob("*.*")))


def test_named_things_refuse_junk(editor_client):
    parent = Organisation.objects.create(name="Stadtwerke")
    child = Organisation.objects.create(name="Stadtwerke Netz", parent=parent)
    article = Article.objects.create(headline="Meldung")
    before = row_counts()
    person = reverse("admin:articles_person_add")
    organisation = reverse("admin:articles_organisation_add")
    teaser = reverse("admin:articles_teaser_add")
    cases = [
        (person, {**AFFILIATIONS}, {"name"}),
        (person, {"name": "N" * 1000, "portrait": NO_ID, **AFFILIATIONS,
                  "affiliations-0-organisation": NO_ID, "affiliations-0-role": "Leitung",
                  "affiliations-0-start_date": "31.02.2025"}, {"name", "portrait", "inline"}),
        (person, {"name": "Erika Muster", **AFFILIATIONS,
                  "affiliations-0-organisation": parent.pk, "affiliations-0-role": "Leitung",
                  "affiliations-0-start_date": "01.02.2025",
                  "affiliations-0-end_date": "01.01.2025"}, {"inline"}),
        (person, {"name": "Ohne Verwaltungsformular"}, {"inline"}),
        (organisation, {"name": "Org", "kind": "sonstige", "website": "javascript:alert(1)"},
         {"website"}),
        (organisation, {"name": "Org", "kind": "nonsense", "website": "data:text/html,<b>",
                        "city": NO_ID, "parent": NO_ID}, {"kind", "website", "city", "parent"}),
        (reverse("admin:articles_organisation_change", args=[parent.pk]),
         {"name": parent.name, "slug": parent.slug, "kind": "sonstige", "parent": child.pk},
         {"parent"}),
        (teaser, {"placement": "aufmacher", "position": "0", "article": article.pk,
                  "active_from_0": "02.05.2025", "active_from_1": "10:00",
                  "active_until_0": "01.05.2025", "active_until_1": "10:00"}, {"__all__"}),
        (teaser, {"placement": "nonsense", "position": "-1", "article": NO_ID, "image": NO_ID},
         {"placement", "position", "article", "image"}),
        (reverse("admin:articles_imagecredit_add"),
         {"creator": "Fotografin", "licence_type": "other", "licence": "CC0",
          "licence_url": "javascript:alert(1)", "source_url": "vbscript:msgbox(1)"},
         {"licence_url", "source_url"}),
        (reverse("admin:articles_imagecredit_add"),
         {"creator": "Fotografin", "licence_type": "cc-by-5.0", "valid_until": "31.02.2026"},
         {"licence_type", "valid_until"}),
        (reverse("admin:articles_topic_add"), {"name": "ß" * 100}, {"name"}),
        (reverse("admin:articles_city_add"), {"name": "Musterstadt", "state": "XX"}, {"state"}),
    ]
    for url, data, fields in cases:
        assert set(errors_of(editor_client.post(url, data))) == fields, (url, data)
    assert row_counts() == before
    child.refresh_from_db()
    assert parent.parent is None and child.parent == parent


def test_script_urls_are_refused_with_a_message(editor_client, unchanged):
    response = editor_client.post(reverse("admin:articles_organisation_add"), {
        "name": "Org", "kind": "sonstige", "website": "javascript:alert(1)"})

    assert errors_of(response) == {"website": [INVALID_URL]}


def test_an_organisation_cannot_be_its_own_ancestor(editor_client):
    parent = Organisation.objects.create(name="Land")
    child = Organisation.objects.create(name="Kreis", parent=parent)
    url = reverse("admin:articles_organisation_change", args=[parent.pk])

    for ancestor in (parent, child):
        response = editor_client.post(url, {
            "name": parent.name, "slug": parent.slug, "kind": "sonstige", "parent": ancestor.pk})
        assert errors_of(response) == {
            "parent": ["Eine Organisation kann nicht unter sich selbst stehen."]
        }
    parent.refresh_from_db()
    assert parent.parent is None


# Lookups and listings ---------------------------------------------------------------------

JUNK_TERMS = ["\x00", "a\x00b", "x" * 10_000, "%", "_", "%_\\", "' OR 1=1 --", "<x-fuzz>", ""]


@pytest.mark.parametrize("model", ["topic", "city"])
def test_tag_suggestions_answer_junk_with_an_empty_list(journalist_client, model):
    Topic.objects.create(name="Smart City")
    url = reverse(f"admin:articles_{model}_suggest")

    for term in JUNK_TERMS:
        response = journalist_client.get(url, {"term": term})
        assert response.status_code == 200, term
        assert response.json() == {"results": []}, term
    raw = journalist_client.get(url, QUERY_STRING="term=%FF%FE%00")
    assert raw.json() == {"results": []}


def test_autocomplete_lookups_answer_junk_without_errors(journalist_client, make_article):
    make_article()
    url = reverse("admin:autocomplete")
    for field_name in ("lead_image", "people", "organisations", "related", "authors"):
        for term in JUNK_TERMS:
            response = journalist_client.get(url, {
                "app_label": "articles", "model_name": "article", "field_name": field_name,
                "term": term,
            })
            assert response.status_code == 200, (field_name, term)
    for lookup in [{"field_name": "nonsense"}, {"model_name": "nonsense"},
                   {"field_name": "lead_image", "page": NO_ID}]:
        response = journalist_client.get(url, {
            "app_label": "articles", "model_name": "article", "term": "x", **lookup})
        assert 400 <= response.status_code < 500, lookup


def test_the_image_metadata_endpoint_reads_nothing_from_junk(journalist_client):
    url = reverse("admin:articles_image_metadata")
    nothing = {"creator": "", "rights_holder": "", "copyright": "", "caption": ""}
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, content in [("foto.jpg", b"kein Bild"), ("leer.jpg", b""), ("bild.png", svg),
                          ("bombe.png", png_claiming(30000, 30000)),
                          ("kaputt.jpg", jpeg_bytes()[:300])]:
        response = journalist_client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 200, name
        assert response.json() == nothing, name
    assert journalist_client.post(url, {"file": "kein Upload"}).status_code == 403
    assert journalist_client.post(url).status_code == 403


def test_changelists_answer_junk_parameters(editor_client, editor, make_article):
    article = make_article(topics=["Smart City"], cities=["Musterstadt"])
    article.authors.add(editor)
    junk = ["abc", "\x00", HUGE_ID, "9999", "x" * 5000]
    models = [model._meta.model_name for model in apps.get_app_config("articles").get_models()
              if admin.site.is_registered(model)]
    assert {"article", "image", "person", "organisation", "teaser", "topic"} <= set(models)
    for model in models:
        url = reverse(f"admin:articles_{model}_changelist")
        for value in junk:
            for parameter in ("q", "p", "o", "topic", "city", "author", "status",
                              "placement", "published_at__year", "uploaded_at__month"):
                response = editor_client.get(url, {parameter: value})
                assert response.status_code < 500, (url, parameter, value)
    compare = reverse("admin:articles_article_compare", args=[article.pk])
    for value in ["abc", HUGE_ID, "\x00"]:
        response = editor_client.get(compare, {"a": value, "b": value})
        assert response.status_code == 302  # back to the versions, with a message


def test_article_list_filters_take_only_what_they_offer(editor_client, editor, make_article):
    article = make_article(topics=["Smart City"], cities=["Musterstadt"])
    article.authors.add(editor)
    url = reverse("admin:articles_article_changelist")
    offered = {"topic": Topic.objects.get().pk, "city": article.cities.get().pk,
               "author": editor.pk}

    for parameter, value in offered.items():
        assert editor_client.get(url, {parameter: value}).context["cl"].result_count == 1
        for junk in (NO_ID, HUGE_ID, NO_SUCH_ID):
            response = editor_client.get(url, {parameter: junk})
            assert response["Location"] == f"{url}?e=1", (parameter, junk)  # the plain list

