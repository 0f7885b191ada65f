"""Pictures: uploads are cleaned and checked, renditions are made once when the file
arrives, and pages serve them as <picture> without ever making one."""

import io
import re
import struct
import zlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageCms
from pytest_django.asserts import assertContains

from articles import images
from articles.models import Image, ImageCredit, Placement, Rendition, Teaser
from articles.models.images import rendition_folder

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

RED, BLUE = (220, 20, 20), (20, 20, 220)
FULL_SET = {
    ("w320", 320, 180), ("w640", 640, 360), ("w960", 960, 540), ("w1280", 1280, 720),
    ("fill-320x180", 320, 180), ("fill-640x360", 640, 360),
}


def encoded(picture, fmt="JPEG", **options):
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def camera_jpeg(width=1600, height=900, orientation=None, icc=True):
    """A photo as a phone writes it: red left half, blue right half, with EXIF naming the
    photographer, a GPS position, XMP, a comment and (with `icc`) a colour profile."""
    picture = PillowImage.new("RGB", (width, height), BLUE)
    picture.paste(RED, (0, 0, width // 2, height))
    exif = PillowImage.Exif()
    exif[0x013B] = "Jörg Müller".encode()  # Artist, UTF-8 as cameras write it
    exif[0x8298] = "© 2024 Müller Fotografie".encode()  # Copyright
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (49.0, 26.0, 38.0), 3: "E", 4: (7.0, 46.0, 9.0)})
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() if icc else None
    return encoded(
        picture, exif=exif, comment=b"Kamera Modell X", xmp=b"<x:xmpmeta>Ort</x:xmpmeta>",
        icc_profile=profile,
    )


def iptc_jpeg(records):
    """A JPEG carrying IPTC-IIM records in a Photoshop APP13 block, as agencies send it."""
    iptc = b"".join(
        b"\x1c" + bytes(key) + struct.pack(">H", len(value)) + value
        for key, value in records.items()
    )
    iptc += b"\x00" * (len(iptc) % 2)
    block = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    jpeg = jpeg_bytes(640, 360)
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(block) + 2) + block + jpeg[2:]


def png_claiming(width, height):
    """A PNG whose header announces width × height pixels; the pixels never follow."""
    data = bytearray(encoded(PillowImage.new("RGB", (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def opened(field_file):
    with field_file.open("rb") as f:
        picture = PillowImage.open(io.BytesIO(f.read()))
        picture.load()
    return picture


def assert_no_metadata(picture):
    assert not picture.getexif()
    for key in ("exif", "xmp", "comment", "icc_profile", "photoshop"):
        assert key not in picture.info, key


def renditions_of(image):
    return {(r.spec, r.format): r for r in Rendition.objects.filter(image=image)}


def rendition_files(media_root):
    return {path: path.stat().st_mtime_ns for path in (media_root / "renditions").rglob("*.*")}


# Uploads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("icc", [True, False])
def test_upload_keeps_pixels_only(make_image, icc):
    image = make_image(content=camera_jpeg(icc=icc))

    stored = opened(image.file)
    assert stored.format == "JPEG"
    assert_no_metadata(stored)
    assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", image.file.name)
    assert (image.width, image.height) == stored.size == (1600, 900)


def test_upload_applies_the_exif_orientation(make_image):
    # Orientation 6: the camera was turned; the picture's left edge is its top.
    image = make_image(content=camera_jpeg(orientation=6))

    stored = opened(image.file)
    assert (image.width, image.height) == stored.size == (900, 1600)
    assert stored.getpixel((450, 200))[0] > 180  # red on top
    assert stored.getpixel((450, 1400))[2] > 180  # blue below
    assert renditions_of(image)["w640", "jpeg"].height == 1138


def test_credit_metadata_is_read_from_exif():
    upload = SimpleUploadedFile("foto.jpg", camera_jpeg())

    assert images.read_credit_metadata(upload) == {
        "creator": "Jörg Müller",
        "rights_holder": "Müller Fotografie",
        "copyright": "© 2024 Müller Fotografie", "caption": "",
    }


def test_credit_metadata_is_read_from_iptc():
    upload = SimpleUploadedFile("foto.jpg", iptc_jpeg({
        (2, 80): "Anna Schäfer".encode(),  # By-line
        (2, 110): b"dpa",  # Credit
        (2, 116): "© dpa-infocom".encode(),  # Copyright Notice
        (2, 120): b"Ilona Benz vor dem Rathaus",  # Caption-Abstract
    }))

    assert images.read_credit_metadata(upload) == {
        "creator": "Anna Schäfer", "rights_holder": "dpa", "copyright": "© dpa-infocom",
        "caption": "Ilona Benz vor dem Rathaus",
    }


def test_credit_metadata_of_a_picture_without_any_is_empty():
    upload = SimpleUploadedFile("foto.jpg", jpeg_bytes())
    assert images.read_credit_metadata(upload) == {
        "creator": "", "rights_holder": "", "copyright": "", "caption": "",
    }


def test_transparency_survives_and_opaque_alpha_becomes_jpeg(make_image):
    cutout = PillowImage.new("RGBA", (400, 300), (0, 0, 0, 0))
    cutout.paste((*RED, 255), (100, 100, 300, 200))
    opaque = PillowImage.new("RGBA", (400, 300), (*BLUE, 255))

    transparent = make_image(content=encoded(cutout, "PNG"))
    flat = make_image(content=encoded(opaque, "PNG"))

    assert transparent.file.name.endswith(".png")
    kept = opened(transparent.file)
    assert (kept.format, kept.mode, kept.getpixel((0, 0))[3]) == ("PNG", "RGBA", 0)
    webp = PillowImage.open(renditions_of(transparent)["w320", "webp"].file)
    assert webp.convert("RGBA").getpixel((0, 0))[3] == 0
    jpeg = PillowImage.open(renditions_of(transparent)["w320", "jpeg"].file)
    assert jpeg.convert("RGB").getpixel((0, 0)) == (255, 255, 255)  # on the page's white
    assert flat.file.name.endswith(".jpg")
    assert opened(flat.file).format == "JPEG"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (encoded(PillowImage.new("RGB", (40, 30)), "GIF"),
         "Bitte ein Bild im Format JPEG, PNG oder WebP hochladen."),
        (png_claiming(8000, 6000), "Das Bild ist zu groß: höchstens 40 Megapixel sind erlaubt."),
        # Beyond what Pillow itself calls a decompression bomb.
        (png_claiming(20000, 20000),
         "Das Bild ist zu groß: höchstens 40 Megapixel sind erlaubt."),
        (jpeg_bytes(640, 480)[:400], "Die Datei ist kein lesbares Bild oder beschädigt."),
        (b"%PDF-1.7 kein Bild", "Die Datei ist kein lesbares Bild oder beschädigt."),
    ],
)
def test_unacceptable_files_are_refused_in_german(content, message):
    for step in (images.validate_upload, images.process_upload):
        with pytest.raises(ValidationError) as refusal:
            step(SimpleUploadedFile("bild.jpg", content))
        assert refusal.value.messages == [message]


def test_model_validation_refuses_a_new_file_it_cannot_take():
    gif = encoded(PillowImage.new("RGB", (40, 30)), "GIF")
    image = Image(file=SimpleUploadedFile("bild.gif", gif), title="t", alt_text="Ein Bild")

    with pytest.raises(ValidationError) as refusal:
        image.full_clean()

    assert refusal.value.message_dict == {
        "file": ["Bitte ein Bild im Format JPEG, PNG oder WebP hochladen."]
    }


def test_admin_upload_of_a_huge_picture_is_a_form_error(client, journalist):
    journalist.user_permissions.add(Permission.objects.get(codename="add_image"))
    client.force_login(journalist)
    upload = SimpleUploadedFile("riesig.png", png_claiming(8000, 6000), "image/png")

    response = client.post(
        "/admin/articles/image/add/",
        {"file": upload, "title": "Riesig", "alt_text": "Ein Bild", "credit_licence": "CC0"},
    )

    assertContains(response, "Das Bild ist zu groß: höchstens 40 Megapixel sind erlaubt.")
    assert not Image.objects.exists()


def test_a_file_stored_before_saving_is_cleaned_and_its_copy_removed(media_root):
    # load_demo and imports write the file first and save the row afterwards.
    image = Image(title="Import", alt_text="Ein Bild")
    image.file.save("import.jpg", SimpleUploadedFile("import.jpg", camera_jpeg()), save=False)
    written = image.file.name

    image.save()

    assert image.file.name != written
    assert not (media_root / written).exists()
    assert_no_metadata(opened(image.file))


# Renditions -------------------------------------------------------------------------------


def test_renditions_exist_in_every_size_and_format(make_image, media_root):
    image = make_image(content=camera_jpeg())

    renditions = renditions_of(image)
    assert set(renditions) == {(spec, fmt) for spec, _, _ in FULL_SET for fmt in images.FORMATS}
    for spec, width, height in FULL_SET:
        for fmt in images.FORMATS:
            rendition = renditions[spec, fmt]
            assert rendition.file.name == (
                f"renditions/{rendition_folder(image.file.name)}/{spec}.{fmt}")
            picture = PillowImage.open(media_root / rendition.file.name)
            assert (picture.format.lower(), picture.size) == (fmt, (width, height))
            assert (rendition.width, rendition.height) == (width, height)
            assert_no_metadata(picture)


def test_small_pictures_are_never_scaled_up(make_image):
    image = make_image(content=jpeg_bytes(700, 500))

    assert {(r.spec, r.width, r.height) for r in renditions_of(image).values()} == {
        ("w320", 320, 229), ("w640", 640, 457), ("w960", 700, 500),
        ("fill-320x180", 320, 180), ("fill-640x360", 640, 360),
    }
    tiny = make_image(content=jpeg_bytes(200, 100))
    assert {(r.spec, r.width, r.height) for r in renditions_of(tiny).values()} == {
        ("w320", 200, 100), ("fill-320x180", 178, 100),
    }


def tall_picture_with_a_band():
    """900 × 1600 grey with a red band low down: a centred 16:9 crop misses it."""
    picture = PillowImage.new("RGB", (900, 1600), (128, 128, 128))
    picture.paste(RED, (0, 1350, 900, 1450))
    return encoded(picture, quality=95)


def red_rows(rendition):
    picture = PillowImage.open(rendition.file).convert("RGB")
    column = [picture.getpixel((picture.width // 2, y)) for y in range(picture.height)]
    return sum(1 for r, g, b in column if r > 180 and g < 80 and b < 80)


def test_fill_crops_keep_the_focal_point(make_image):
    centred = make_image(content=tall_picture_with_a_band())
    focused = make_image(content=tall_picture_with_a_band(), focal_x=0.5, focal_y=1400 / 1600)

    assert red_rows(renditions_of(centred)["fill-640x360", "jpeg"]) == 0
    # 100 of the original's rows, scaled by 640/900.
    assert 60 < red_rows(renditions_of(focused)["fill-640x360", "jpeg"]) < 80
    assert 60 < red_rows(renditions_of(focused)["fill-640x360", "webp"]) < 80


def test_moving_the_focal_point_makes_the_crops_anew(make_image):
    image = make_image(content=tall_picture_with_a_band())
    widths_before = {key: r.pk for key, r in renditions_of(image).items() if key[0][0] == "w"}
    src_before = images.picture(image, crop=True).src

    image.focal_y = 0.9
    image.save()

    renditions = renditions_of(image)
    assert red_rows(renditions["fill-320x180", "jpeg"]) > 0
    assert {key: r.pk for key, r in renditions.items() if key[0][0] == "w"} == widths_before
    # Same file name, new URL: no cache keeps serving the old crop.
    assert images.picture(image, crop=True).src != src_before


def test_a_new_file_replaces_the_renditions(make_image, media_root):
    image = make_image(content=jpeg_bytes(1600, 900))

    image.file = SimpleUploadedFile("neu.jpg", jpeg_bytes(700, 500, color=(0, 200, 0)))
    image.save()

    renditions = renditions_of(image)
    assert {spec for spec, _ in renditions} == {
        "w320", "w640", "w960", "fill-320x180", "fill-640x360",
    }
    assert renditions["w960", "jpeg"].width == 700
    assert not (media_root / f"renditions/{rendition_folder(image.file.name)}/w1280.webp").exists()
    green = PillowImage.open(media_root / renditions["w320", "webp"].file.name).getpixel((5, 5))
    assert green[1] > 150 > green[0]


def test_saving_without_a_new_file_leaves_the_renditions_alone(make_image, media_root):
    image = make_image(content=jpeg_bytes(1600, 900))
    before = rendition_files(media_root), set(Rendition.objects.values_list("pk", flat=True))

    image = Image.objects.get(pk=image.pk)
    image.caption = "Neu"
    image.save()

    assert (rendition_files(media_root), set(Rendition.objects.values_list("pk", flat=True))) \
        == before


def test_make_renditions_command_fills_gaps_and_is_idempotent(make_image, media_root):
    image = make_image(content=jpeg_bytes(1600, 900))
    Rendition.objects.filter(image=image, format="webp").delete()
    (media_root / f"renditions/{rendition_folder(image.file.name)}/w640.jpeg").unlink()

    call_command("make_renditions", verbosity=0)
    files = rendition_files(media_root)
    assert len(files) == Rendition.objects.filter(image=image).count() == 12

    call_command("make_renditions", verbosity=0)
    assert rendition_files(media_root) == files


# Pages ------------------------------------------------------------------------------------


def picture_urls(html):
    return [
        candidate.split()[0]
        for srcset in re.findall(r'srcset="([^"]+)"', html)
        for candidate in srcset.split(", ")
    ]


def test_pages_serve_stored_renditions_and_never_make_them(
    client, make_article, make_image, media_root
):
    credit = ImageCredit.objects.create(creator="Thomas Kierok")
    article = make_article(
        lead_image=make_image(content=jpeg_bytes(1600, 900), alt_text="Rathaus", credit=credit)
    )
    make_article(lead_image=make_image(content=jpeg_bytes(1200, 800), alt_text="Bus"))
    files, rows = rendition_files(media_root), set(Rendition.objects.values_list("pk", "file"))

    pages = [client.get(url).content.decode() for url in ("/", article.get_absolute_url())]
    for _ in range(2):
        client.get("/")
        client.get(article.get_absolute_url())

    assert rendition_files(media_root) == files
    assert set(Rendition.objects.values_list("pk", "file")) == rows
    urls = [url for page in pages for url in picture_urls(page)]
    assert len(urls) > 10
    for url in urls:
        path = url.removeprefix("/media/").split("?")[0]
        assert (media_root / path) in files, url

    Rendition.objects.all().delete()
    client.get("/")
    client.get(article.get_absolute_url())
    assert not Rendition.objects.exists()


def test_article_picture_is_eager_with_sizes_and_the_teasers_are_lazy_crops(
    client, make_article, make_image
):
    lead = make_image(content=jpeg_bytes(1600, 900), alt_text="Rathaus")
    article = make_article(lead_image=lead)
    make_article(lead_image=make_image(content=jpeg_bytes(1600, 1200), alt_text="Bus"))

    page = client.get(article.get_absolute_url()).content.decode()

    figure = re.search(r'<figure class="figure">.*?</figure>', page, re.S).group()
    assert '<source type="image/webp"' in figure
    assert re.search(r'srcset="[^"]*/w320\.jpeg\?v=\w+ 320w, .*/w1280\.jpeg\?v=\w+ 1280w"',
                     figure)
    assert 'width="1280" height="720"' in figure
    assert 'alt="Rathaus"' in figure
    assert "loading=" not in figure
    thumbnail = re.search(r'<figure class="figure figure--thumbnail">.*?</figure>', page, re.S)
    assert 'loading="lazy"' in thumbnail.group()
    assert "/fill-320x180.webp" in thumbnail.group()
    assert 'width="640" height="360"' in thumbnail.group()


def test_home_aufmacher_is_eager_and_the_other_teasers_lazy(client, make_article, make_image):
    first = make_article(lead_image=make_image(content=jpeg_bytes(1600, 900), alt_text="A"))
    second = make_article(lead_image=make_image(content=jpeg_bytes(1600, 900), alt_text="B"))
    Teaser.objects.create(placement=Placement.LEAD, article=first,
                          active_until=timezone.now() + timedelta(days=1))
    Teaser.objects.create(placement=Placement.MORE, article=second)

    page = client.get("/").content.decode()

    lead = re.search(r'<article class="teaser teaser--lead">.*?</article>', page, re.S).group()
    assert "loading=" not in lead
    assert 'sizes="(max-width: 40rem) 100vw, 43rem"' in lead
    more = re.search(r'<section class="home-more".*?</section>', page, re.S).group()
    assert more.count('loading="lazy"') == 1
    folder = rendition_folder(second.lead_image.file.name)
    assert f"/renditions/{folder}/fill-640x360.jpeg" in more


def test_pages_with_pictures_run_a_constant_number_of_queries(
    client, make_article, make_image
):
    def queries(count):
        for n in range(count):
            credit = ImageCredit.objects.create(creator=f"Fotograf {n}")
            make_article(lead_image=make_image(alt_text=f"Bild {n}", credit=credit))
        with CaptureQueriesContext(connection) as home:
            client.get("/")
        with CaptureQueriesContext(connection) as listing:
            client.get("/artikel/")
        return len(home), len(listing)

    assert queries(2) == queries(12)
