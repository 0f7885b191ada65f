"""With object storage, a picture's renditions are in the bucket only while it is public.

Object storage serves its files itself, without the media guard (newsroom/media.py): an
unpublished picture's renditions must not be there at all. They are written when the
picture goes public (an article, a teaser, a person's page) and deleted when it stops
being public; staff see unpublished pictures through a view that renders them in memory.
The bucket is moto's, in process; the requests go through the whole stack.
"""

from datetime import timedelta
from io import BytesIO

import boto3
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from moto import mock_aws
from PIL import Image as PillowImage

from articles import images
from articles.models import ImageCredit, Person, Status, Teaser, Transition
from articles.models.teasers import Placement
from tests.admin_forms import article_data, change_url
from tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

BUCKET = "redaktion"


@pytest.fixture
def bucket(settings, monkeypatch):
    """Uploads go to an (in-process) S3 bucket; returns a function listing its keys."""
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                        "AWS_SESSION_TOKEN": "test", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "newsroom.storage.ObjectStorage",
            "OPTIONS": {"bucket_name": BUCKET, "region_name": "us-east-1", "endpoint_url": None,
                        "custom_domain": "bilder.example.de", "querystring_auth": False},
        }}

        def keys(prefix=""):
            listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
            return {entry["Key"] for entry in listed}

        yield keys


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Runs what waits for the transaction's commit, as a real request's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def picture(make_image):
    credit = ImageCredit.objects.create(creator="Thomas Kierok")
    return make_image(jpeg_bytes(1400, 900), alt_text="Der neue Bus", credit=credit)


def renditions_in(keys):
    return keys("renditions/")


def stored_renditions(image):
    return set(image.renditions.values_list("file", flat=True))


def press(client, article, transition, **changes):
    local = (timezone.now() + timedelta(days=1)).astimezone()
    if transition == Transition.SCHEDULE:
        changes.update(published_at_0=f"{local:%d.%m.%Y}", published_at_1=f"{local:%H:%M:%S}")
    data = article_data(article, _workflow=transition, lead_image=article.lead_image_id,
                        **changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()


def test_a_drafts_picture_has_no_renditions_in_the_bucket_until_it_is_published(
    bucket, committing, picture, make_article, editor_client
):
    with committing():
        article = make_article(status=Status.DRAFT, lead_image=picture, topics=["Verkehr"])
    assert bucket() == {picture.file.name}
    assert not picture.renditions.exists()
    with committing():
        press(editor_client, article, Transition.PUBLISH)
    assert stored_renditions(picture) and renditions_in(bucket) == stored_renditions(picture)
    assert len(stored_renditions(picture)) == 12  # every size and crop, in both formats


@pytest.mark.parametrize("transition", [Transition.ARCHIVE, Transition.TRASH,
                                        Transition.REOPEN])
def test_taking_an_article_off_the_site_deletes_its_pictures_renditions(
    bucket, committing, picture, make_article, editor_client, transition
):
    with committing():
        article = make_article(lead_image=picture, topics=["Verkehr"])
    assert renditions_in(bucket)
    with committing():
        press(editor_client, article, transition)
    assert renditions_in(bucket) == set() and not picture.renditions.exists()
    assert bucket() == {picture.file.name}  # the original stays, for staff


def test_a_replaced_lead_image_leaves_the_bucket_and_the_new_one_arrives(
    bucket, committing, picture, make_image, make_article, editor_client
):
    with committing():
        article = make_article(lead_image=picture, topics=["Verkehr"])
    other = make_image(jpeg_bytes(700, 500), alt_text="Rathaus", credit=picture.credit)
    assert not other.renditions.exists()
    with committing():
        # Unprotected by a working copy only when not live: reopen, change, publish.
        press(editor_client, article, Transition.REOPEN)
        article.lead_image = other
        press(editor_client, article, Transition.PUBLISH)
    assert not picture.renditions.exists()
    assert renditions_in(bucket) == stored_renditions(other) != set()


def test_a_scheduled_articles_picture_arrives_when_its_time_comes(
    bucket, committing, picture, make_article, editor_client, client
):
    with committing():
        article = make_article(status=Status.DRAFT, lead_image=picture, topics=["Verkehr"])
        press(editor_client, article, Transition.SCHEDULE)
        client.get("/")  # a visitor: nothing is due yet
    assert renditions_in(bucket) == set()
    due = article.published_at + timedelta(seconds=1)
    with time_machine.travel(due, tick=False), committing():
        client.get("/")  # the first request after its time publishes what is due
    assert renditions_in(bucket) == stored_renditions(picture) != set()


def test_a_pictures_renditions_leave_the_bucket_when_its_licence_ends(
    bucket, committing, picture, make_article, client
):
    credit = picture.credit
    credit.valid_until = timezone.localdate()
    credit.save()
    with committing():
        make_article(lead_image=picture)
        client.get("/")
    assert renditions_in(bucket) == stored_renditions(picture) != set()
    with time_machine.travel(credit.ends_at + timedelta(seconds=1), tick=False), committing():
        client.get("/")  # the first request after the licence's end takes them away
    assert renditions_in(bucket) == set()


def test_a_licence_extended_by_an_editor_brings_the_renditions_back(
    bucket, committing, picture, make_article
):
    credit = picture.credit
    with committing():
        make_article(lead_image=picture)
        credit.valid_until = timezone.localdate() - timedelta(days=1)
        credit.save()
    assert renditions_in(bucket) == set()
    with committing():
        credit.valid_until = None
        credit.save()
    assert renditions_in(bucket) == stored_renditions(picture) != set()


def test_a_teasers_picture_is_in_the_bucket_while_the_teaser_is_active(
    bucket, committing, make_image, make_article
):
    article = make_article()
    image = make_image(jpeg_bytes(800, 450))
    now = timezone.now()
    with committing():
        teaser = Teaser.objects.create(placement=Placement.LEAD, article=article, image=image,
                                       active_from=now + timedelta(hours=1),
                                       active_until=now + timedelta(days=1))
    assert renditions_in(bucket) == set()
    with committing():
        teaser.active_from = None
        teaser.save()
    assert renditions_in(bucket) == stored_renditions(image) != set()
    with committing():
        teaser.delete()
    assert renditions_in(bucket) == set()


def test_the_command_follows_teasers_whose_window_ends_by_time(
    bucket, committing, make_image, make_article
):
    image = make_image(jpeg_bytes(800, 450))
    with committing():
        Teaser.objects.create(placement=Placement.LEAD, article=make_article(), image=image,
                              active_until=timezone.now() + timedelta(minutes=5))
    assert renditions_in(bucket)
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        call_command("follow_publicity", verbosity=0)
    assert renditions_in(bucket) == set()


def test_a_portrait_is_in_the_bucket_while_its_persons_page_is_public(
    bucket, committing, make_image, make_article, editor_client
):
    portrait, newer = make_image(jpeg_bytes(600, 800)), make_image(jpeg_bytes(600, 700))
    with committing():
        person = Person.objects.create(name="Neue Chefin", portrait=portrait)
        make_article(status=Status.DRAFT, people=[person], topics=["Verkehr"])
    assert renditions_in(bucket) == set()
    with committing():
        make_article(people=[person])
    assert renditions_in(bucket) == stored_renditions(portrait) != set()
    with committing():
        person.portrait = newer
        person.save()
    assert renditions_in(bucket) == stored_renditions(newer) != set()
    assert not portrait.renditions.exists()


def test_uploads_write_no_renditions_and_replacing_a_public_picture_renews_them(
    bucket, committing, picture, make_article
):
    assert bucket() == {picture.file.name} and not picture.renditions.exists()
    with committing():
        make_article(lead_image=picture)
    old = renditions_in(bucket)
    from django.core.files.uploadedfile import SimpleUploadedFile

    picture.file = SimpleUploadedFile("neu.jpg", jpeg_bytes(900, 600, (10, 200, 10)))
    picture.save()
    assert old and renditions_in(bucket) == stored_renditions(picture) != set()
    assert not old & renditions_in(bucket)


# Staff see what visitors do not ---------------------------------------------------------------


def staff_url(image, spec="w320", fmt="webp"):
    return reverse("admin:articles_image_rendition", args=[image.pk, spec, fmt])


def test_staff_get_an_unpublished_picture_rendered_in_memory(bucket, picture, editor_client):
    response = editor_client.get(staff_url(picture, "fill-640x360", "webp"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert {"private", "no-store"} <= {part.strip() for part in
                                       response["Cache-Control"].split(",")}
    with PillowImage.open(BytesIO(response.content)) as shown:
        assert (shown.format, shown.size) == ("WEBP", (640, 360))
    assert renditions_in(bucket) == set()  # nothing was stored
    for spec, fmt in [("w9999", "webp"), ("w320", "gif"), ("original", "jpeg")]:
        assert editor_client.get(staff_url(picture, spec, fmt)).status_code == 404


def test_visitors_get_no_picture_from_the_staff_view(bucket, picture):
    response = Client().get(staff_url(picture))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_thumbnails_and_previews_of_unpublished_pictures_use_the_staff_view(
    bucket, committing, picture, make_article, editor_client, client
):
    assert images.rendition_url(picture).startswith(staff_url(picture, "w320", "jpeg"))
    with committing():
        article = make_article(status=Status.DRAFT, lead_image=picture, topics=["Verkehr"])
    preview = editor_client.get(reverse("articles:preview", args=[article.pk]))
    assert staff_url(picture, "w640", "webp") in preview.content.decode()
    with committing():
        press(editor_client, article, Transition.PUBLISH)
    assert images.rendition_url(picture).startswith("https://bilder.example.de/renditions/")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "https://bilder.example.de/renditions/" in page and "/admin/" not in page


def test_image_lists_know_which_pictures_are_public_in_one_query(
    bucket, committing, picture, make_image, make_article, editor_client,
    django_assert_max_num_queries,
):
    with committing():
        make_article(lead_image=picture, topics=["Verkehr"])
    lists = [reverse("admin:articles_image_chooser"), reverse("admin:articles_image_changelist")]
    few = {}
    for url in lists:
        editor_client.get(url)  # sessions, next publication: asked once
        with CaptureQueriesContext(connection) as queries:
            editor_client.get(url)
        few[url] = len(queries)
    unpublished = [make_image(alt_text=f"Entwurf {n}") for n in range(5)]
    for url in lists:
        with django_assert_max_num_queries(few[url]):
            page = editor_client.get(url).content.decode()
        assert staff_url(unpublished[0], "w320", "jpeg") in page or staff_url(
            unpublished[0], "fill-320x180", "jpeg") in page
        assert "https://bilder.example.de/renditions/" in page  # the public picture
