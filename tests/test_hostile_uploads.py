"""Hostile files through the admin's image form, as a journalist uploads them.

Whatever arrives, the site either stores a clean re-encoding (pixels only, in a format
it chose) or answers with a German error on the file field and keeps nothing of the
failed form: no image, no credit typed alongside, no file in MEDIA_ROOT.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage

from articles import images
from articles.models import Image, ImageCredit, Rendition

from .conftest import jpeg_bytes
from .test_images import assert_no_metadata, camera_jpeg, encoded, png_claiming

pytestmark = pytest.mark.django_db

CREDIT = "Fotograf Feindlich"
UNREADABLE = "Die Datei ist kein lesbares Bild oder beschädigt."
WRONG_FORMAT = "Bitte ein Bild im Format JPEG, PNG oder WebP hochladen."
TOO_LARGE = "Das Bild ist zu groß: höchstens 40 Megapixel sind erlaubt."
TOO_MANY_BYTES = "Die Datei ist zu groß: höchstens 20 MB sind erlaubt."
EMPTY = "Die übertragene Datei ist leer."
SCRIPT = b"<script>alert(1)</script><html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
RED, GREEN, BLUE = (220, 0, 0), (0, 220, 0), (0, 0, 220)


def upload(client, name, content):
    """Post the image add form with `content` as the file and a new credit typed in."""
    return client.post(reverse("admin:articles_image_add"), {
        "file": SimpleUploadedFile(name, content, "image/jpeg"),
        "title": "Feindliche Datei", "alt_text": "Ein Bild", "credit_creator": CREDIT,
        "credit_rights_holder": "Agentur", "credit_licence": "Alle Rechte vorbehalten",
    })


def stored_files(media_root):
    return sorted(media_root.rglob("*.*")) if media_root.exists() else []


def stored_pictures(image):
    """The bytes of the stored original and of every rendition."""
    files = [image.file, *(r.file for r in image.renditions.all())]
    assert len(files) > 1  # renditions exist
    contents = []
    for field_file in files:
        with field_file.open("rb") as f:
            contents.append(f.read())
    return contents


def media_body(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))


def polyglot_png(transparent):
    """A valid PNG carrying HTML in a tEXt chunk and again after its end."""
    picture = PillowImage.new("RGBA", (200, 100), (*RED, 0 if transparent else 255))
    picture.paste((*BLUE, 255), (50, 25, 150, 75))
    png = encoded(picture, "PNG")
    iend = png.rindex(b"IEND") - 4
    text = png_chunk(b"tEXt", b"Comment\x00" + SCRIPT)
    return png[:iend] + text + png[iend:] + SCRIPT


def animation(fmt):
    """Three frames, red, green, blue, as an animated picture in `fmt`."""
    frames = [PillowImage.new("RGB", (120, 80), colour) for colour in (RED, GREEN, BLUE)]
    return encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)


def test_a_camera_photo_is_stored_and_served_without_its_metadata(journalist_client, client,
                                                                  make_article):
    photo = camera_jpeg(640, 360)
    assert b"Exif" in photo and "Jörg Müller".encode() in photo

    response = upload(journalist_client, "IMG_0001.jpg", photo)

    assert response.status_code == 302
    image = Image.objects.get()
    make_article(lead_image=image)  # public, so that visitors may load it
    assert image.credit.creator == CREDIT
    for field_file in [image.file, *(r.file for r in image.renditions.all())]:
        with field_file.open("rb") as f:
            picture = PillowImage.open(f)
            picture.load()
        assert_no_metadata(picture)
        assert not picture.getexif().get_ifd(0x8825)  # no GPS position
        served = media_body(client, field_file.url)
        assert b"Exif" not in served
        assert "Jörg Müller".encode() not in served and b"Kamera Modell" not in served
        assert b"xmpmeta" not in served


@pytest.mark.parametrize(("transparent", "format_"), [(False, "JPEG"), (True, "PNG")])
def test_a_png_html_polyglot_is_stored_re_encoded_without_the_html(
    journalist_client, client, transparent, format_, make_article
):
    response = upload(journalist_client, "bild.png", polyglot_png(transparent))

    assert response.status_code == 302
    image = Image.objects.get()
    make_article(lead_image=image)  # public, so that visitors may load it
    with image.file.open("rb") as f:
        stored = PillowImage.open(f)
        assert stored.format == format_
        assert stored.getpixel((100, 50))[:3] == BLUE  # the pixels themselves survive
    for content in stored_pictures(image):
        assert b"<script" not in content and b"<html" not in content
    assert b"<script" not in media_body(client, image.file.url)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.jpg", b"Das ist ein Text, kein Foto.\n" * 20, UNREADABLE),
        ("grafik.svg", SVG, UNREADABLE),
        ("grafik.png", SVG, UNREADABLE),
        ("foto.jpg", jpeg_bytes(640, 480)[:600], UNREADABLE),
        ("leer.jpg", b"", EMPTY),
        # Pillow's header alone, read before any pixel: a bomb is refused at once.
        ("bombe.png", png_claiming(30000, 30000), TOO_LARGE),
        ("gross.png", png_claiming(8000, 6000), TOO_LARGE),
        ("animiert.gif", animation("GIF"), WRONG_FORMAT),
    ],
    ids=["text-as-jpeg", "svg", "svg-as-png", "truncated-jpeg", "empty", "bomb", "48-mp",
         "animated-gif"],
)
def test_hostile_files_are_refused_and_nothing_is_kept(
    journalist_client, media_root, name, content, message
):
    before = stored_files(media_root)

    response = upload(journalist_client, name, content)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"file": [message]}
    assert not Image.objects.exists()
    assert not ImageCredit.objects.exists()
    assert not Rendition.objects.exists()
    assert stored_files(media_root) == before


def test_a_picture_under_an_html_name_is_refused(journalist_client, media_root):
    response = upload(journalist_client, "seite.html", jpeg_bytes())

    errors = response.context["adminform"].form.errors
    assert errors["file"][0].startswith("Dateiendung „html“ ist nicht erlaubt.")
    assert not Image.objects.exists() and not ImageCredit.objects.exists()
    assert stored_files(media_root) == []


def png_bomb(side):
    """A complete black-and-white PNG of side × side pixels: ~100 KB of deflated zeros
    that would take side² bytes once decoded."""
    row = bytes(1 + side // 8)  # filter byte and the row's bits
    deflate = zlib.compressobj(9)
    rows = b"".join(deflate.compress(row * 1000) for _ in range(side // 1000))
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", rows + deflate.flush()) + png_chunk(b"IEND", b""))


def test_a_real_decompression_bomb_is_refused(journalist_client):
    bomb = png_bomb(30000)
    assert len(bomb) < 200_000

    response = upload(journalist_client, "bombe.png", bomb)

    assert response.context["adminform"].form.errors == {"file": [TOO_LARGE]}
    assert not Image.objects.exists()


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_an_animated_picture_keeps_its_first_frame(journalist_client, fmt):
    animated = animation(fmt)
    with PillowImage.open(io.BytesIO(animated)) as source:
        assert source.n_frames == 3

    assert upload(journalist_client, f"animiert.{fmt.lower()}", animated).status_code == 302

    image = Image.objects.get()
    for content in stored_pictures(image):
        with PillowImage.open(io.BytesIO(content)) as stored:
            assert getattr(stored, "n_frames", 1) == 1
            red, green, blue = stored.convert("RGB").getpixel((5, 5))
            assert red > 180 and green < 40 and blue < 40


def test_files_larger_than_the_limit_are_refused_before_decoding(journalist_client, media_root):
    # A small JPEG padded after its end: Pillow reads it, only its size is too large.
    photo = jpeg_bytes(320, 240)
    at_limit = photo + b"\0" * (images.MAX_BYTES - len(photo))

    response = upload(journalist_client, "riesig.jpg", at_limit + b"\0")

    assert response.context["adminform"].form.errors == {"file": [TOO_MANY_BYTES]}
    assert not Image.objects.exists() and not ImageCredit.objects.exists()
    assert stored_files(media_root) == []
    assert upload(journalist_client, "gerade-noch.jpg", at_limit).status_code == 302
    assert Image.objects.get().file.size < 100_000  # stored re-encoded, padding dropped
