"""The journalist's desk through the test client: names instead of logins, newest first,
and refusals that explain themselves in German in the admin's layout."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin.chooser import PER_PAGE
from articles.models import Image, ImageCredit, Status
from tests.admin_forms import article_data, change_url
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_authors_are_offered_and_shown_by_name(journalist_client, journalist, make_article):
    lookup = journalist_client.get(reverse("admin:autocomplete"), {
        "app_label": "articles", "model_name": "article", "field_name": "authors", "term": "Ja"})
    assert {"id": str(journalist.pk), "text": "Jana Muster"} in lookup.json()["results"]
    article = make_article(status=Status.DRAFT)
    article.authors.add(journalist)
    page = journalist_client.get(change_url(article)).content.decode()
    assert ">Jana Muster</option>" in page and ">jana</option>" not in page


def test_changelist_shows_drafts_then_the_newest_first(editor_client, make_article):
    now = timezone.now()
    old = make_article(headline="Alt", published_at=now - timedelta(days=9))
    new = make_article(headline="Neu", published_at=now - timedelta(hours=1))
    draft = make_article(headline="Entwurf", status=Status.DRAFT)
    rows = editor_client.get(reverse("admin:articles_article_changelist")).context["cl"]
    assert list(rows.result_list) == [draft, new, old]


def test_a_refused_action_is_a_german_page_in_the_admin(journalist_client, make_article):
    article = make_article(status=Status.DRAFT)
    response = journalist_client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Keine Berechtigung" in page and "Newsroom – Redaktion" in page
    assert "Forbidden" not in page


def test_login_records_are_the_editors_under_a_german_heading(editor_client, journalist_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "Anmeldeprotokoll" in page and ">Axes<" not in page and "AXES" not in page
    assert "Anmeldeprotokoll" not in journalist_client.get(reverse("admin:index")).content.decode()


def test_the_caption_comes_from_the_pictures_own_description(journalist_client):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PillowImage

    exif = PillowImage.Exif()
    exif[0x010E] = "Das Rathaus von Jena am Markt"  # ImageDescription
    buffer = BytesIO()
    PillowImage.new("RGB", (40, 30), (10, 80, 160)).save(buffer, "JPEG", exif=exif)
    found = journalist_client.post(reverse("admin:articles_image_metadata"), {
        "file": SimpleUploadedFile("rathaus.jpg", buffer.getvalue(), "image/jpeg")}).json()
    assert found["caption"] == "Das Rathaus von Jena am Markt"


@pytest.mark.parametrize(("caption", "title"), [
    ("Das Rathaus am Markt", "Das Rathaus am Markt"), ("", "Rathaus Jena 2025"),
])
def test_the_internal_title_defaults_to_the_caption_or_file_name(journalist_client, caption,
                                                                 title):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.models import Image
    from tests.conftest import jpeg_bytes

    response = journalist_client.post(reverse("admin:articles_image_add"), {
        "file": SimpleUploadedFile("Rathaus_Jena_2025.jpg", jpeg_bytes(), "image/jpeg"),
        "title": "", "alt_text": "Rathaus", "caption": caption, "credit_creator": "Jana Foto",
        "credit_rights_holder": "", "credit_licence": "", "focal_x": 0.5, "focal_y": 0.5,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Image.objects.get().title == title


# The image chooser ---------------------------------------------------------------------------

CHOOSER = reverse("admin:articles_image_chooser")


def test_chooser_searches_caption_title_and_credit(journalist_client, make_image):
    make_image(title="Bahnhof", caption="Der neue Bahnhof")
    make_image(title="Ratssaal", credit=ImageCredit.objects.create(creator="Jan Foto"))
    make_image(title="Schule", caption="Im Ratssaal der Schule")

    def found(query):
        page = journalist_client.get(CHOOSER, {"q": query, "_popup": 1})
        return [tile["label"] for tile in page.context["tiles"]]

    assert found("") == ["Schule", "Ratssaal", "Bahnhof"]  # newest first
    assert found("Ratssaal") == ["Schule", "Ratssaal"]
    assert found("jan foto") == ["Ratssaal"]
    assert found("Nirgends") == []
    assert "Kein Bild passt zu „Nirgends“." in journalist_client.get(
        CHOOSER, {"q": "Nirgends"}).content.decode()


def test_chooser_pages_cost_the_same_queries_however_many_pictures(
    journalist_client, make_image, django_assert_max_num_queries
):
    make_image()
    with CaptureQueriesContext(connection) as few:
        journalist_client.get(CHOOSER)
    for _ in range(PER_PAGE + 3):
        make_image(credit=ImageCredit.objects.create(creator="Jan Foto"))
    with django_assert_max_num_queries(len(few)):
        page = journalist_client.get(CHOOSER, {"seite": "2"})
    assert len(page.context["tiles"]) == 4
    assert journalist_client.get(CHOOSER, {"seite": "nonsense"}).status_code == 200


def test_only_the_chooser_and_its_upload_form_may_be_framed_and_only_by_this_site(
    journalist_client,
):
    chooser = journalist_client.get(CHOOSER)
    upload = journalist_client.get(reverse("admin:articles_image_add"), {"_popup": 1,
                                                                         "_chooser": 1})
    for response in (chooser, upload):
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    plain = journalist_client.get(reverse("admin:articles_image_add"))
    assert plain["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in plain["Content-Security-Policy"]


def test_an_upload_from_the_chooser_answers_with_the_new_picture(journalist_client):
    response = journalist_client.post(
        reverse("admin:articles_image_add") + "?_popup=1&_chooser=1",
        {"file": SimpleUploadedFile("rat.jpg", jpeg_bytes(), content_type="image/jpeg"),
         "alt_text": "Der Ratssaal", "caption": "Sitzung im Ratssaal", "credit_creator": "Jan",
         "credit_licence": "Alle Rechte vorbehalten", "_popup": "1", "_save": "Sichern"},
    )
    image = Image.objects.get()
    assert response.status_code == 200
    assert response.context["chosen"] == {"id": image.pk, "label": "Sitzung im Ratssaal"}
    assert image.credit.creator == "Jan"


def test_viewers_without_image_rights_get_no_chooser(client, django_user_model):
    user = django_user_model.objects.create_user("gast", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(CHOOSER).status_code == 403


def test_a_credit_is_given_in_one_place(journalist_client):
    page = journalist_client.get(reverse("admin:articles_image_add")).content.decode()
    assert 'id="add_id_credit"' not in page and 'id="change_id_credit"' not in page
    assert 'id="id_credit_creator"' in page


# The side panel ------------------------------------------------------------------------------


def test_preview_share_versions_and_history_sit_in_the_side_panel(editor_client, make_article):
    article = make_article(headline="Im Panel")
    page = editor_client.get(change_url(article)).content.decode()
    panel = page[page.index('class="desk-panel"'):page.index("</aside>")]
    for target in (reverse("articles:preview", args=[article.pk]),
                   reverse("admin:articles_article_share", args=[article.pk]),
                   reverse("admin:articles_article_revisions", args=[article.pk]),
                   reverse("admin:articles_article_history", args=[article.pk]),
                   article.get_absolute_url()):
        assert f'href="{target}"' in panel
    assert "Arbeitsschritte" in panel and "So erscheint der Artikel" in panel
    assert 'class="object-tools"' not in page


def test_the_headline_stays_on_one_line(journalist_client, make_article):
    article = make_article(status=Status.DRAFT)
    journalist_client.post(change_url(article),
                           article_data(article, headline="Zwei\r\nZeilen  Titel"))
    article.refresh_from_db()
    assert article.headline == "Zwei Zeilen Titel"
