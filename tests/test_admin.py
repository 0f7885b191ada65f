"""The admin as journalists and editors use it, through the test client and a real DB."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import images
from articles.models import (
    Affiliation,
    Article,
    City,
    ImageCredit,
    Organisation,
    Person,
    Placement,
    Status,
    Teaser,
    Topic,
)
from tests.admin_forms import add_url, article_data, change_url

# Writing and tagging


def test_journalist_adds_draft_with_new_and_known_tags(journalist_client, journalist):
    smart_city = Topic.objects.create(name="Smart City")
    response = journalist_client.post(add_url(), article_data(
        kicker="Lübeck", headline="Lübeck setzt neue Maßstäbe", body="<p>Text</p>",
        topics="smart city, Digitaler Zwilling", cities="Landau in der Pfalz",
        authors=[journalist.pk],
    ))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Status.DRAFT
    assert article.published_at is None
    assert article.slug == "luebeck-setzt-neue-massstaebe"
    assert list(article.authors.all()) == [journalist]
    # "smart city" is the existing topic; one name without a comma is one tag.
    assert {t.name for t in article.topics.all()} == {"Smart City", "Digitaler Zwilling"}
    assert smart_city in article.topics.all()
    assert Topic.objects.count() == 2
    assert [c.name for c in article.cities.all()] == ["Landau in der Pfalz"]


def test_prefilled_slug_that_is_taken_gets_the_next_free_one(journalist_client, make_article):
    make_article(headline="Neue Geschäftsleitung")
    response = journalist_client.post(add_url(), article_data(
        headline="Neue Geschäftsleitung", slug="neue-geschaeftsleitung",
    ))

    assert response.status_code == 302
    assert Article.objects.latest("pk").slug == "neue-geschaeftsleitung-2"


def test_hand_made_slug_is_kept(journalist_client):
    journalist_client.post(add_url(), article_data(headline="Lübeck", slug="hansestadt"))

    assert Article.objects.get().slug == "hansestadt"


def test_add_form_follows_headline_with_german_slug_script(journalist_client, make_article):
    add_page = journalist_client.get(add_url()).content.decode()
    change_page = journalist_client.get(
        change_url(make_article(status=Status.DRAFT))
    ).content.decode()

    assert 'data-slug-source="id_headline"' in add_page
    assert "articles/admin/slug.js" in add_page
    assert "data-slug-source" not in change_page


def test_new_article_is_credited_to_its_writer(journalist_client, journalist):
    form = journalist_client.get(add_url()).context["adminform"].form

    assert form["authors"].initial == [journalist.pk]


def test_article_form_speaks_german_in_editor_dialogs(journalist_client):
    page = journalist_client.get(add_url()).content.decode()
    catalog_url = reverse("admin:articles_article_jsi18n")
    catalog = journalist_client.get(catalog_url).content.decode()

    assert f'src="{catalog_url}"' in page
    assert '"Link bearbeiten"' in catalog  # the body editor's
    assert '"Heute"' in catalog  # the admin's date shortcuts, which this catalog replaces


def test_change_form_shows_tags_as_typed(journalist_client, make_article):
    article = make_article(status=Status.DRAFT, topics=["Smart City", "Verkehr"])

    response = journalist_client.get(change_url(article))

    assert 'value="Smart City, Verkehr"' in response.content.decode()


# Status rules


# Deleting


def test_journalist_cannot_delete_published_article(journalist_client, make_article):
    article = make_article(status=Status.PUBLISHED)
    url = reverse("admin:articles_article_delete", args=[article.pk])

    assert journalist_client.get(url).status_code == 403
    assert journalist_client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


# The article list


def test_changelist_shows_columns_with_escaped_thumbnail(editor_client, make_article, make_image):
    image = make_image(alt_text='Ilona Benz "<b>"')
    make_article(kicker="Kaiserslautern", headline="KL.digital", lead_image=image)

    page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()

    assert "Kaiserslautern" in page
    assert f'src="{images.rendition_url(image)}"' in page
    assert 'alt="Ilona Benz &quot;&lt;b&gt;&quot;"' in page


def test_changelist_filters_by_topic_city_and_author(editor_client, editor, make_article):
    wanted = make_article(topics=["Verkehr"], cities=["Lübeck"])
    wanted.authors.add(editor)
    make_article(topics=["Verkehr"])
    make_article(cities=["Lübeck"])
    url = reverse("admin:articles_article_changelist")
    topic, city = Topic.objects.get(), City.objects.get()

    for query in (
        {"topic": topic.pk, "city": city.pk},
        {"author": editor.pk, "topic": topic.pk},
    ):
        shown = editor_client.get(url, query).context["cl"].result_list
        assert list(shown) == [wanted]


def test_changelist_search_covers_body(editor_client, make_article):
    found = make_article(body="<p>Die Glasfaser kommt.</p>")
    make_article()

    response = editor_client.get(reverse("admin:articles_article_changelist"), {"q": "glasfaser"})

    assert list(response.context["cl"].result_list) == [found]


def test_view_on_site_only_for_public_articles(editor_client, make_article):
    public = make_article(status=Status.PUBLISHED)
    draft = make_article(status=Status.DRAFT)

    assert public.get_absolute_url() in editor_client.get(change_url(public)).content.decode()
    assert editor_client.get(change_url(draft)).context["has_absolute_url"] is False


def _articles_with_relations(make_article, make_image, count, authors):
    for n in range(count):
        article = make_article(
            topics=["Smart City", f"Thema {n}"], cities=["Lübeck", f"Stadt {n}"],
            lead_image=make_image(alt_text=f"Bild {n}"),
        )
        article.authors.add(*authors)


def _queries(client, url):
    client.get(url)  # once: what any first request asks (the next scheduled time) is kept
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_article_changelist_runs_constant_queries(editor_client, make_article, make_image):
    authors = [
        User.objects.create_user(f"autor{n}", first_name=f"Autor {n}", is_staff=True)
        for n in range(3)
    ]
    url = reverse("admin:articles_article_changelist")
    _articles_with_relations(make_article, make_image, 2, authors)
    few = _queries(editor_client, url)
    _articles_with_relations(make_article, make_image, 28, authors)

    assert _queries(editor_client, url) == few
    response = editor_client.get(url)
    cl = response.context["cl"]
    assert cl.result_count == 30
    # The rows leave out the two largest columns; actions still get whole articles.
    assert cl.result_list[0].get_deferred_fields() == {"body", "search_vector"}
    assert cl.get_queryset(response.wsgi_request)[0].get_deferred_fields() == set()


# Every other admin


_numbers = itertools.count()


def _rows(model, n):
    """`n` rows of `model`, with the relations its changelist shows."""
    for i in range(n):
        key = f"{model.__name__} {next(_numbers)}"
        if model is Topic:
            Topic.objects.create(name=key)
        elif model is City:
            City.objects.create(name=key, state="RP")
        elif model is ImageCredit:
            ImageCredit.objects.create(creator=key)
        elif model is Person:
            person = Person.objects.create(name=key)
            organisation = Organisation.objects.create(name=f"Org {key}")
            Affiliation.objects.create(person=person, organisation=organisation, role="Leitung")
        elif model is Organisation:
            parent = Organisation.objects.create(name=f"Dach {key}")
            Organisation.objects.create(
                name=key, parent=parent, city=City.objects.create(name=f"Ort {key}")
            )
        elif model is Teaser:
            article = Article.objects.create(headline=key, status=Status.PUBLISHED)
            Teaser.objects.create(placement=Placement.MORE, position=i, article=article)


@pytest.mark.parametrize(
    "model", [Topic, City, ImageCredit, Person, Organisation, Teaser], ids=lambda m: m.__name__
)
def test_changelists_run_constant_queries(editor_client, model):
    url = reverse(f"admin:articles_{model._meta.model_name}_changelist")
    _rows(model, 2)
    few = _queries(editor_client, url)
    _rows(model, 10)

    assert _queries(editor_client, url) == few


def test_image_changelist_runs_constant_queries(editor_client, make_image):
    url = reverse("admin:articles_image_changelist")
    credit = ImageCredit.objects.create(creator="Thomas Kierok")
    make_image(alt_text="A", credit=credit)
    few = _queries(editor_client, url)
    for n in range(8):
        make_image(alt_text=f"B{n}", credit=ImageCredit.objects.create(creator=f"C{n}"))

    assert _queries(editor_client, url) == few


def test_tag_changelist_counts_articles(editor_client, make_article):
    make_article(topics=["Verkehr"])
    make_article(topics=["Verkehr"])

    response = editor_client.get(reverse("admin:articles_topic_changelist"))

    assert [t.article_count for t in response.context["cl"].result_list] == [2]


ADMIN_MODELS = [
    "article", "image", "imagecredit", "person", "organisation", "teaser", "topic", "city"
]


@pytest.mark.parametrize("model_name", ADMIN_MODELS)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_editor_opens_every_admin(editor_client, make_article, model_name, view):
    make_article()

    response = editor_client.get(reverse(f"admin:articles_{model_name}_{view}"))

    assert response.status_code == 200


def test_site_header_and_taggit_tags_hidden(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()

    assert "Newsroom – Redaktion" in page
    assert "/admin/taggit/" not in page


def test_topic_admin_refuses_name_differing_only_in_case(editor_client):
    Topic.objects.create(name="Smart City")

    response = editor_client.post(
        reverse("admin:articles_topic_add"), {"name": "smart city", "slug": ""}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"]
    assert Topic.objects.count() == 1


def test_city_admin_fills_slug_from_name(editor_client):
    editor_client.post(reverse("admin:articles_city_add"), {"name": "Lübeck", "slug": "luebeck"})

    assert City.objects.get().slug == "luebeck"


# Lookups


def test_tag_suggestions_match_regardless_of_case(journalist_client):
    for name in ["Smart City", "Lübeck", "Cityfunk", "Verkehr", *[f"City {n}" for n in range(12)]]:
        City.objects.create(name=name)

    response = journalist_client.get(reverse("admin:articles_city_suggest"), {"term": "CITY"})

    names = response.json()["results"]
    assert len(names) == 10
    assert names[0] == "City 0"  # names starting with the term come first
    assert all("city" in name.lower() for name in names)
    umlaut = journalist_client.get(reverse("admin:articles_city_suggest"), {"term": "LÜB"})
    assert umlaut.json() == {"results": ["Lübeck"]}


def test_tag_suggestions_refuse_anonymous_users(client, db):
    Topic.objects.create(name="Smart City")

    response = client.get(reverse("admin:articles_topic_suggest"), {"term": "smart"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_article_form_tag_inputs_point_to_suggestions(journalist_client):
    page = journalist_client.get(add_url()).content.decode()

    assert f'data-suggest-url="{reverse("admin:articles_topic_suggest")}"' in page
    assert f'data-suggest-url="{reverse("admin:articles_city_suggest")}"' in page


def test_journalist_looks_up_staff_as_authors_but_not_users(journalist_client, journalist):
    User.objects.create_user("leser", first_name="Leser")
    lookup = {
        "app_label": "articles", "model_name": "article", "field_name": "authors", "term": "",
    }

    response = journalist_client.get(reverse("admin:autocomplete"), lookup)

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [journalist.get_full_name()]
    assert journalist_client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.parametrize("field_name", ["people", "organisations", "lead_image", "related"])
def test_journalist_uses_autocompletes(journalist_client, make_article, make_image, field_name):
    Person.objects.create(name="Ilona Benz")
    Organisation.objects.create(name="KL.digital")
    make_image(alt_text="Foto")
    make_article(status=Status.PUBLISHED, published_at=timezone.now() - timedelta(days=1))
    lookup = {
        "app_label": "articles", "model_name": "article", "field_name": field_name, "term": "",
    }

    response = journalist_client.get(reverse("admin:autocomplete"), lookup)

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_image_metadata_endpoint_reads_the_photographer(journalist_client, client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PillowImage

    exif = PillowImage.Exif()
    exif[0x013B] = "Thomas Kierok"
    exif[0x8298] = "(c) 2025 Stadt Kaiserslautern"  # EXIF text is ASCII
    buffer = io.BytesIO()
    PillowImage.new("RGB", (40, 30)).save(buffer, "JPEG", exif=exif)
    url = reverse("admin:articles_image_metadata")

    def upload():
        return {"file": SimpleUploadedFile("foto.jpg", buffer.getvalue(), "image/jpeg")}

    answer = journalist_client.post(url, upload()).json()
    assert answer["creator"] == "Thomas Kierok"
    assert answer["rights_holder"] == "Stadt Kaiserslautern"
    assert client.post(url, upload()).status_code == 302  # to the login page
    assert journalist_client.get(url).status_code == 405


def test_image_form_makes_or_reuses_a_typed_credit(journalist_client):
    from tests.conftest import jpeg_bytes

    def add(title):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return journalist_client.post(reverse("admin:articles_image_add"), {
            "file": SimpleUploadedFile("foto.jpg", jpeg_bytes(), "image/jpeg"),
            "title": title, "alt_text": "Ein Rathaus", "credit_creator": "Thomas Kierok",
            "credit_licence": "Alle Rechte vorbehalten",
        })

    assert add("Erstes").status_code == 302
    assert add("Zweites").status_code == 302
    assert ImageCredit.objects.get().images.count() == 2
