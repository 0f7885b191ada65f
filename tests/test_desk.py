"""The journalist's desk through the test client: names instead of logins, newest first,
and refusals that explain themselves in German in the admin's layout."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from tests.admin_forms import change_url

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
