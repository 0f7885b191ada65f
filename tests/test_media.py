"""Uploaded files: served by the app from MEDIA_ROOT, or linked in object storage.

The scale-out test (test_scale_out.py) runs uploads against a real S3 server; this module
covers the local folder and how the settings choose between the two.
"""

import pytest

from articles.images import rendition_url
from newsroom.media import CACHE_CONTROL
from tests.test_settings import PRODUCTION, manage


def body(response):
    return b"".join(response.streaming_content)


def test_a_picture_and_its_renditions_are_served_with_their_type_for_a_year(
    client, make_image, make_article
):
    image = make_image()
    make_article(lead_image=image)  # a public picture: visitors may load it
    rendition = image.renditions.get(spec="w320", format="webp")
    for url, kind, stored in [
        (image.file.url, "image/jpeg", image.file),
        (rendition_url(image, fmt="webp"), "image/webp", rendition.file),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == kind
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == CACHE_CONTROL
        with stored.open("rb"):
            assert body(response) == stored.read()


def test_nothing_outside_media_root_is_served(client, media_root):
    media_root.mkdir(parents=True)
    (media_root.parent / "secret.txt").write_text("SECRET_KEY=geheim")
    for url, status in [("/media/../secret.txt", 400), ("/media/images/../../secret.txt", 400),
                        ("/media/%2e%2e/secret.txt", 400), ("/media//etc/passwd", 404)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert b"geheim" not in response.content and b"root:" not in response.content


def test_missing_files_and_folders_are_not_found(client, make_image):
    make_image()
    assert client.get("/media/images/").status_code == 404
    assert client.get("/media/images/2020/01/fehlt.jpg").status_code == 404


def test_media_are_only_read(client, make_image, make_article):
    url = make_article(lead_image=make_image()).lead_image.file.url
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


MEDIA_SETTINGS = (
    "from django.conf import settings; from django.core.files.storage import default_storage;"
    "from django.urls import Resolver404, resolve;\n"
    "try: resolve('/media/images/a.jpg'); served = True\n"
    "except Resolver404: served = False\n"
    "print(settings.MEDIA_URL, served, default_storage.url('images/a.webp'),"
    " default_storage.get_object_parameters('images/a.webp'))"
)
BUCKET = {"AWS_STORAGE_BUCKET_NAME": "redaktion", "AWS_S3_ENDPOINT_URL": "https://s3.example.net"}


@pytest.mark.parametrize(
    ("env", "media_url"),
    [
        (BUCKET, "https://s3.example.net/redaktion/"),
        ({**BUCKET, "AWS_S3_CUSTOM_DOMAIN": "bilder.example.de"}, "https://bilder.example.de/"),
    ],
)
def test_object_storage_links_files_in_the_bucket_and_stores_their_headers(env, media_url):
    result = manage("shell", "-c", MEDIA_SETTINGS, env={**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"{media_url} False {media_url}images/a.webp "
        f"{{'ContentType': 'image/webp', 'CacheControl': '{CACHE_CONTROL}'}}"
    )


def test_a_bucket_without_its_endpoint_is_refused():
    result = manage("check", env={**PRODUCTION, "AWS_STORAGE_BUCKET_NAME": "redaktion"})
    assert result.returncode != 0
    assert "Set both AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL" in result.stderr
