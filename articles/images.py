"""Pictures as the site serves them: a clean original for every upload, and renditions.

Kept apart from the models, as Wagtail keeps wagtail/images apart: the models say what is
stored, this module says how a picture is checked, cleaned and cut to size.

Every new file is decoded completely and written anew, so nothing the site stores carries
the camera's metadata (GPS position, serial numbers, editing history) or bytes Pillow
could not make sense of. Renditions are made once, right after the file is stored, under
names that follow from the image's row alone: templates compute their URLs and sizes
without a query, and no visitor's request ever waits for Pillow.

Object storage serves whatever it holds to anybody, without the media guard of
newsroom/media.py; there a picture has renditions only while it is public
(follow_publicity), and staff see the others made in memory (render_rendition).
"""

import hashlib
import operator
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from PIL import Image as PillowImage
from PIL import ImageCms, ImageOps, IptcImagePlugin

from articles.models import Image, Rendition
from articles.models.images import rendition_folder

# Far beyond any camera the newsroom uses, far below what exhausts a worker's memory.
MAX_PIXELS = 40_000_000
# Django limits the size of form fields, not of files; a file is read into memory whole.
MAX_BYTES = 20_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class Spec:
    """One rendition operation. Without a height it scales to `width` keeping the aspect
    ratio; with one it first crops to that ratio around the focal point."""

    width: int
    height: int | None = None

    @property
    def name(self):
        return f"fill-{self.width}x{self.height}" if self.height else f"w{self.width}"


WIDTHS = (Spec(320), Spec(640), Spec(960), Spec(1280))
FILLS = (Spec(320, 180), Spec(640, 360))  # 16:9 teaser thumbnails
# Every rendition exists in each format; the last is the <img> fallback.
FORMATS = ("webp", "jpeg")
MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}
ENCODERS = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
}


# Uploads ----------------------------------------------------------------------------------


def validate_upload(file):
    """Refuse `file` with a message an editor understands unless it is a JPEG, PNG or WebP
    image of at most MAX_BYTES that Pillow decodes completely, of at most MAX_PIXELS pixels.
    """
    if file.size > MAX_BYTES:
        raise ValidationError(
            _("Die Datei ist zu groß: höchstens %(limit)d MB sind erlaubt."),
            code="too_many_bytes",
            params={"limit": MAX_BYTES // 1_000_000},
        )
    _decode(_read(file)).close()


def process_upload(file, keep_format=False):
    """The picture in `file` re-encoded with nothing but its pixels, upright.

    EXIF orientation is applied and every kind of metadata (EXIF with GPS, IPTC, XMP,
    ICC profile, comments) left behind; colours in another profile are converted to sRGB
    first, since dropping the profile alone would shift them. JPEG unless the picture
    has real transparency, which PNG and WebP sources keep in their own format (or
    `keep_format`).
    """
    with _decode(_read(file)) as picture:
        source_format = picture.format
        upright = ImageOps.exif_transpose(picture)
    transparent = _has_transparency(upright)
    clean = _to_srgb(upright, "RGBA" if transparent else "RGB")
    # Pillow's encoders copy some of `info` (comments, ICC profile) into what they write.
    clean.info = {}
    target = source_format if transparent or keep_format else "JPEG"
    out = BytesIO()
    clean.save(out, target, quality=90)
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[target]
    return ContentFile(out.getvalue(), name=f"upload.{extension}")


# What a picture may carry besides its pixels (Pillow's names): camera and GPS data,
# colour profiles, XMP, IPTC, comments.
METADATA = ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "photoshop", "comment", "iptc")


def clean_archived(data, name):
    """A picture from a backup archive, under the upload's checks: refused (ValidationError)
    unless it is an image an upload could be; re-encoded as an upload is when it carries
    anything besides its pixels, in its own format so that its stored name stays true;
    else returned as it is (a picture we re-encoded on upload already, whose bytes a
    second lossy re-encoding would only change)."""
    with _decode(data) as picture:
        carries = any(key in picture.info for key in METADATA) or bool(picture.getexif())
    if not carries:
        return data
    cleaned = process_upload(ContentFile(data, name=name), keep_format=True)
    return cleaned.read()


def read_credit_metadata(file):
    """Who the picture's metadata names, to prefill its credit before the upload loses it.

    Reads EXIF Artist, Copyright and ImageDescription, and the IPTC By-line, Credit,
    Copyright Notice and Caption-Abstract a news agency writes. `rights_holder` is the
    IPTC credit line (the agency), else the copyright notice without "©" and year;
    `copyright` is the notice as written; `caption` the agency's description. Values not
    found are empty strings.
    """
    try:
        with PillowImage.open(BytesIO(_read(file))) as picture:
            exif = picture.getexif()
            iptc = IptcImagePlugin.getiptcinfo(picture) or {}
    except Exception:  # unreadable metadata just means there is nothing to prefill
        return {"creator": "", "rights_holder": "", "copyright": "", "caption": ""}
    creator = _text(exif.get(0x013B)) or _text(iptc.get((2, 80)))
    notice = _text(exif.get(0x8298)) or _text(iptc.get((2, 116)))
    credit_line = _text(iptc.get((2, 110)))
    return {
        "creator": creator,
        "rights_holder": credit_line or _holder_in(notice),
        "copyright": notice,
        "caption": _text(iptc.get((2, 120))) or _text(exif.get(0x010E)),
    }


def _read(file):
    """All bytes of an upload, a stored FieldFile or any file object, from the start."""
    if hasattr(file, "open"):
        file.open("rb")  # rewinds an open Django file, reopens a closed one
    elif hasattr(file, "seek"):
        file.seek(0)
    return file.read()


def _decode(data):
    too_large = ValidationError(
        _("Das Bild ist zu groß: höchstens %(limit)d Megapixel sind erlaubt."),
        code="too_large",
        params={"limit": MAX_PIXELS // 1_000_000},
    )
    try:
        with PillowImage.open(BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("Bitte ein Bild im Format JPEG, PNG oder WebP hochladen."),
                    code="format",
                )
            # The header is read, the pixels are not: refuse before decoding them.
            if probe.width * probe.height > MAX_PIXELS:
                raise too_large
            probe.verify()
        picture = PillowImage.open(BytesIO(data))
        picture.load()
    except ValidationError:
        raise
    except PillowImage.DecompressionBombError as error:
        raise too_large from error
    except Exception as error:  # Pillow raises many kinds of errors for damaged files
        raise ValidationError(
            _("Die Datei ist kein lesbares Bild oder beschädigt."), code="invalid"
        ) from error
    return picture


def _has_transparency(picture):
    """Whether any pixel is see-through; an alpha channel that is opaque throughout
    does not count, and the picture becomes an ordinary JPEG."""
    if not picture.has_transparency_data:
        return False
    return picture.convert("RGBA").getchannel("A").getextrema()[0] < 255


def _to_srgb(picture, mode):
    profile = picture.info.get("icc_profile")
    if profile:
        try:
            return ImageCms.profileToProfile(
                picture, BytesIO(profile), ImageCms.createProfile("sRGB"), outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken or unusual profile: its pixels as they are beat no picture
    return picture.convert(mode)


def _text(value):
    """Readable text from an EXIF or IPTC value: bytes or str, possibly repeated."""
    if isinstance(value, list):
        return "; ".join(filter(None, map(_text, value)))
    if isinstance(value, str):
        # Pillow reads EXIF text as Latin-1; cameras and agencies mostly write UTF-8.
        try:
            value = value.encode("latin-1")
        except UnicodeEncodeError:
            return value.strip("\x00 ")
    if isinstance(value, bytes):
        # EXIF Copyright may hold "photographer\0editor"; the first part is the notice.
        value = value.split(b"\x00")[0]
        try:
            return value.decode("utf-8").strip()
        except UnicodeDecodeError:
            return value.decode("latin-1").strip()
    return ""


_NOTICE_PREFIX = re.compile(
    r"^\s*(?:©|\(c\)|copyright)?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,:]*(?:©\s*)?",
    re.IGNORECASE,
)


def _holder_in(notice):
    """ "© 2024 dpa" → "dpa": the name a copyright notice is about."""
    return _NOTICE_PREFIX.sub("", notice).strip() or notice


# Saving -----------------------------------------------------------------------------------


@contextmanager
def processing(image, update_fields=None):
    """Wrap Image.save: a new file is cleaned before it is stored, and renditions follow
    the file and the focal point once the row is saved. A replaced original leaves
    storage with its renditions: its address must stop working."""
    file_changed = _file_changed(image, update_fields)
    focal_changed = _focal_changed(image, update_fields)
    replaced = getattr(image, "_stored", {}).get("file") if file_changed else None
    if file_changed:
        _replace_original(image)
    yield
    if file_changed:
        _renew_renditions(image, groups=(WIDTHS, FILLS))
        if replaced and str(replaced) != image.file.name:
            delete_original(image, str(replaced))
    elif focal_changed:
        _renew_renditions(image, groups=(FILLS,))
    remember_stored(image)


def _renew_renditions(image, groups):
    """Make `groups` of renditions anew after a change of file or focal point; in object
    storage only for a public picture, whose others go (see follow_publicity)."""
    if renditions_follow_publicity() and not Image.objects.public().filter(pk=image.pk).exists():
        image.renditions.all().delete()
    else:
        make_renditions(image, replace=True, groups=groups)


def delete_original(image, name):
    """Remove a former original of `image` from storage, unless another image uses it."""
    if not Image.objects.filter(file=name).exclude(pk=image.pk).exists():
        image.file.storage.delete(name)


def _file_deleted(sender, instance, **kwargs):
    """A deleted image's original (unless another image uses it) and every deleted
    rendition leave storage too: however the rows went (admin, bulk, cascade)."""
    if instance.file and (
        sender is Rendition or not Image.objects.filter(file=instance.file.name).exists()
    ):
        instance.file.storage.delete(instance.file.name)


def connect_file_cleanup():
    from django.db.models.signals import post_delete

    for model in (Image, Rendition):
        post_delete.connect(_file_deleted, sender=model, dispatch_uid=f"files-of-{model.__name__}")


def public_picture_of_file(name):
    """The public picture (with its credit) whose original or rendition is the stored
    file `name`, or None."""
    return Image.objects.public().filter(
        Q(file=name) | Q(Exists(Rendition.objects.filter(image=OuterRef("pk"), file=name)))
    ).select_related("credit").first()


def remember_stored(image):
    """Note the stored file and focal point, so saving can tell what changed."""
    image._stored = {
        name: image.__dict__[name]
        for name in ("file", "focal_x", "focal_y")
        if name in image.__dict__  # deferred fields are unknown, and unchanged
    }


def _file_changed(image, update_fields):
    if update_fields is not None and "file" not in update_fields:
        return False
    if not image.file:
        return False
    if image._state.adding or not image.file._committed:  # not written yet: an upload
        return True
    stored = getattr(image, "_stored", {})
    return "file" in stored and str(stored["file"] or "") != image.file.name


def _focal_changed(image, update_fields):
    stored = getattr(image, "_stored", {})
    return any(
        name in stored
        and stored[name] != getattr(image, name)
        and (update_fields is None or name in update_fields)
        for name in ("focal_x", "focal_y")
    )


def _replace_original(image):
    """Put the clean re-encoding of image's new file in its place.

    A file some code already wrote to storage before saving the row (as load_demo does)
    still carries what the re-encoding dropped, so it goes, unless another image uses it.
    """
    field_file = image.file
    written = field_file.name if field_file._committed else None
    clean = process_upload(field_file)
    if written:
        field_file.close()
    field_file.save(clean.name, clean, save=False)
    image.file_size = clean.size
    if written and not Image.objects.filter(file=written).exclude(pk=image.pk).exists():
        field_file.storage.delete(written)


# Renditions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """A rendition `image` gets: `box` of the original, scaled to width × height."""

    spec: Spec
    box: tuple[int, int, int, int]
    width: int
    height: int


def plan(image, specs):
    """The renditions of `specs` (smallest first) that `image` gets, from its row alone.

    Never upscales: the first spec wider than the original (or its crop) is made at the
    original's size instead, unless one that size exists already; wider specs are skipped.
    """
    if not image.width or not image.height:
        return []
    planned = []
    for spec in specs:
        box = _box(image, spec)
        box_width, box_height = box[2] - box[0], box[3] - box[1]
        if spec.width <= box_width:
            height = spec.height or max(1, round(spec.width * box_height / box_width))
            planned.append(Planned(spec, box, spec.width, height))
            continue
        if not planned or planned[-1].width < box_width:
            planned.append(Planned(spec, box, box_width, box_height))
        break
    return planned


def _box(image, spec):
    """The part of the original a spec uses: all of it, or the largest box of the spec's
    ratio with the focal point as central as the edges allow."""
    width, height = image.width, image.height
    if spec.height is None:
        return (0, 0, width, height)
    box_width = max(1, min(width, round(height * spec.width / spec.height)))
    box_height = max(1, min(height, round(box_width * spec.height / spec.width)))
    left = _start(image.focal_x, width, box_width)
    top = _start(image.focal_y, height, box_height)
    return (left, top, left + box_width, top + box_height)


def _start(focus, length, window):
    centre = (0.5 if focus is None else focus) * length
    return min(max(round(centre - window / 2), 0), length - window)


def rendition_name(image, spec, fmt):
    """Where a rendition is stored; the same as Rendition.file's upload_to gives."""
    return f"renditions/{rendition_folder(image.file.name)}/{spec.name}.{fmt}"


def _storage():
    return Rendition._meta.get_field("file").storage


def _version(image):
    """Changes with the file and the focal point, so caches never serve an old rendition
    stored under the same name."""
    key = f"{image.file.name}|{image.focal_x}|{image.focal_y}"
    return hashlib.blake2s(key.encode(), digest_size=4).hexdigest()


@dataclass(frozen=True)
class Picture:
    """What a <picture> needs: a srcset per format, the fallback src and its size."""

    srcsets: dict
    src: str
    width: int
    height: int

    @property
    def sources(self):
        """(MIME type, srcset) of each format the browser may prefer over the fallback."""
        return [(MIME_TYPES[fmt], self.srcsets[fmt]) for fmt in FORMATS[:-1]]

    @property
    def fallback_srcset(self):
        return self.srcsets[FORMATS[-1]]


def picture(image, *, crop=False, staff=False):
    """The renditions of `image` for a template, computed without a query; None if the
    image has no file. `crop` selects the 16:9 teaser crops instead of the full picture;
    `staff` links them to the staff view (staff_url), for pictures not yet public."""
    planned = plan(image, FILLS if crop else WIDTHS)
    if not planned:
        return None
    public_url = _public_url_maker(image)

    def url(rendition, fmt):
        if staff:
            return staff_url(image, rendition.spec, fmt)
        return public_url(rendition.spec, fmt)

    srcsets = {
        fmt: ", ".join(f"{url(r, fmt)} {r.width}w" for r in planned) for fmt in FORMATS
    }
    largest = planned[-1]
    return Picture(srcsets, url(largest, FORMATS[-1]), largest.width, largest.height)


def _public_url_maker(image):
    """url(spec, fmt) of the stored renditions of `image`, versioned so no cache serves an
    old one.

    A picture has ten renditions or more; their addresses share the folder's, which the
    storage is asked once, unless it signs each file's address (a query string)."""
    storage, version = _storage(), _version(image)
    spec, fmt = WIDTHS[0], FORMATS[0]
    one, url = f"{spec.name}.{fmt}", storage.url(rendition_name(image, spec, fmt))
    if "?" in url or not url.endswith(one):
        return lambda spec, fmt: f"{storage.url(rendition_name(image, spec, fmt))}?v={version}"
    prefix = url[: -len(one)]
    return lambda spec, fmt: f"{prefix}{spec.name}.{fmt}?v={version}"


@dataclass(frozen=True)
class RenditionInfo:
    url: str
    width: int
    height: int
    format: str


def public_renditions(image):
    """Every rendition of the public picture `image`, smallest first, each format: what the
    content API lists, computed without a query."""
    public_url = _public_url_maker(image)
    return [RenditionInfo(public_url(planned.spec, fmt), planned.width, planned.height, fmt)
            for planned in plan(image, WIDTHS) for fmt in FORMATS]


def rendition_url(image, spec=WIDTHS[0], fmt="jpeg"):
    """The URL of one rendition of `image` (the capped one where `spec` is wider than the
    picture), e.g. for the admin's thumbnails; None if there is none."""
    group = FILLS if spec.height else WIDTHS
    planned = [r for r in plan(image, group) if r.spec.width <= spec.width]
    if not planned:
        return None
    if renditions_follow_publicity() and not _is_public(image):
        return staff_url(image, planned[-1].spec, fmt)  # none in the bucket: see it in memory
    return _public_url_maker(image)(planned[-1].spec, fmt)


def _is_public(image):
    """Whether `image` is public: as a list's queryset noted it (ImageQuerySet.
    with_publicity), so that a page of thumbnails costs one query, else asked."""
    noted = getattr(image, "public_now", None)
    if noted is not None:
        return noted
    return Image.objects.public().filter(pk=image.pk).exists()


def staff_url(image, spec, fmt):
    """Where staff get a rendition of `image` made in memory (ImageAdmin.rendition_view),
    whether or not the picture is public; with object storage, the only way to see a
    picture that is not."""
    from django.urls import reverse

    return reverse("admin:articles_image_rendition", args=[image.pk, spec.name, fmt])


def render_rendition(image, spec_name, fmt):
    """The bytes of `image`'s rendition `spec_name` in `fmt`, made in memory and stored
    nowhere; None unless `image` gets that rendition (plan) in a format the site makes."""
    specs = [planned for planned in plan(image, WIDTHS) + plan(image, FILLS)
             if planned.spec.name == spec_name]
    if not specs or fmt not in FORMATS:
        return None
    return _encode(_scale(_open_original(image), specs[0]), fmt)


def make_renditions(image, *, replace=False, groups=(WIDTHS, FILLS)):
    """Store the planned renditions of `image` in every format; return how many were made.

    Without `replace` only missing ones are made, so running again changes nothing; with
    it, all of `groups` are made anew (after a new file or focal point). Renditions no
    longer planned, say after a smaller file, are removed.
    """
    storage = _storage()
    wanted = {
        (planned.spec.name, fmt): planned
        for group in groups
        for planned in plan(image, group)
        for fmt in FORMATS
    }
    names = {spec.name for group in groups for spec in group}
    stale, kept = [], set()
    for rendition in image.renditions.filter(spec__in=names):
        key = (rendition.spec, rendition.format)
        if replace or key not in wanted or not storage.exists(rendition.file.name):
            stale.append(rendition)
        else:
            kept.add(key)
    for rendition in stale:
        storage.delete(rendition.file.name)
    Rendition.objects.filter(pk__in=[r.pk for r in stale]).delete()
    missing = [key for key in wanted if key not in kept]
    if not missing:
        return 0
    made, scaled = [], {}
    with _open_original(image) as original:
        for spec_name, fmt in missing:
            planned = wanted[spec_name, fmt]
            if spec_name not in scaled:  # once for all formats
                scaled[spec_name] = _scale(original, planned)
            name = rendition_name(image, planned.spec, fmt)
            # A leftover file without a row would push the new one to another name.
            storage.delete(name)
            storage.save(name, ContentFile(_encode(scaled[spec_name], fmt)))
            made.append(
                Rendition(
                    image=image, spec=spec_name, format=fmt, file=name,
                    width=planned.width, height=planned.height,
                )
            )
    Rendition.objects.bulk_create(made)
    return len(made)


def _open_original(image):
    with image.file.open("rb") as stored:
        original = PillowImage.open(stored)
        original.load()
    if original.mode not in ("RGB", "RGBA"):
        original = original.convert("RGBA" if original.has_transparency_data else "RGB")
    return original


def _scale(original, planned):
    picture = original.resize(
        (planned.width, planned.height), PillowImage.Resampling.LANCZOS, box=planned.box,
        reducing_gap=3.0,
    )
    picture.info = {}  # renditions carry pixels only, whatever the original held
    return picture


def _encode(picture, fmt):
    if fmt == "jpeg" and picture.mode == "RGBA":
        # JPEG has no transparency: the page's white shows through instead.
        backdrop = PillowImage.new("RGB", picture.size, "white")
        backdrop.paste(picture, mask=picture.getchannel("A"))
        picture = backdrop
    encoder, options = ENCODERS[fmt]
    out = BytesIO()
    picture.save(out, encoder, **options)
    return out.getvalue()


# Publicity --------------------------------------------------------------------------------


def renditions_follow_publicity():
    """Whether renditions exist only while their picture is public: when uploads live in
    object storage, which hands every file it holds to whoever knows its address. Local
    media pass the guard of newsroom/media.py instead, and keep every rendition for staff.
    """
    return not isinstance(_storage(), FileSystemStorage)


def follow_publicity(images, *, replace=False):
    """Give each public picture of `images` (an Image queryset) its missing renditions and
    take every rendition away from the others; return how many were made. In object
    storage only; with local media nothing changes. The post_delete handler removes the
    files of the renditions taken away."""
    if not renditions_follow_publicity():
        return 0
    public = images.public().values("pk")
    Rendition.objects.filter(image__in=images.values("pk")).exclude(image__in=public).delete()
    made = 0
    for image in images.filter(pk__in=public).exclude(file="").iterator():
        made += make_renditions(image, replace=replace)
    return made


def out_of_step():
    """The pictures whose renditions do not follow their publicity: public ones without
    renditions (a scheduled article that came due, a teaser's window that opened) and
    others with renditions (a teaser's window that closed, a licence that ended). Time
    alone makes them."""
    rendered = Q(Exists(Rendition.objects.filter(image=OuterRef("pk"))))
    public = Q(pk__in=Image.objects.public().values("pk"))
    return Image.objects.filter((public & ~rendered) | (~public & rendered))


def follow_publicity_after_commit(images):
    """Run follow_publicity on what the function `images` returns once the transaction
    commits: before, another transaction would not see the change, and a rollback would
    undo it. Robust: an unreachable bucket must not fail a change already committed; the
    follow_publicity command (cron) catches up."""
    if renditions_follow_publicity():
        transaction.on_commit(lambda: follow_publicity(images()), robust=True)


def _pictures_used_by(model, pk):
    """The pks of the pictures whose publicity the row `pk` of `model` decides: an
    article's lead image, its teasers' pictures and its people's portraits; a teaser's
    picture; a person's portrait."""
    from articles.models import Article, Person, Teaser

    uses = {
        Article: [Article.objects.filter(pk=pk).values("lead_image"),
                  Teaser.objects.filter(article=pk).values("image"),
                  Person.objects.filter(articles=pk).values("portrait")],
        Teaser: [Teaser.objects.filter(pk=pk).values("image")],
        Person: [Person.objects.filter(pk=pk).values("portrait")],
    }[model]
    found = Image.objects.filter(reduce(operator.or_, (Q(pk__in=use) for use in uses)))
    return set(found.values_list("pk", flat=True))


def _before_change(sender, instance, **kwargs):
    """Note the pictures a row used before it changes or goes: they may stop being public."""
    if renditions_follow_publicity() and instance.pk is not None:
        instance._pictures_before = _pictures_used_by(sender, instance.pk)


def _after_change(sender, instance, **kwargs):
    """The pictures a row used before and uses now follow their publicity, after commit."""
    before, pk = instance.__dict__.pop("_pictures_before", set()), instance.pk
    follow_publicity_after_commit(
        lambda: Image.objects.filter(pk__in=before | _pictures_used_by(sender, pk))
    )


def _people_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """People added to or removed from an article: their portraits follow its publicity."""
    from articles.models import Person

    if not renditions_follow_publicity() or action not in ("post_add", "post_remove",
                                                            "pre_clear"):
        return
    if reverse:  # person.articles changed
        people = [instance.pk]
    elif action == "pre_clear":
        people = list(instance.people.values_list("pk", flat=True))
    else:
        people = list(pk_set)
    portraits = set(Person.objects.filter(pk__in=people, portrait__isnull=False)
                    .values_list("portrait", flat=True))
    follow_publicity_after_commit(lambda: Image.objects.filter(pk__in=portraits))


def _credit_changed(sender, instance, **kwargs):
    """A credit's licence may have ended or been extended: its pictures follow, after
    commit. (A licence that ends by time alone is caught by out_of_step, as a scheduled
    article is: articles.cache.next_publication knows when.)"""
    pk = instance.pk
    follow_publicity_after_commit(lambda: Image.objects.filter(credit=pk))


def connect_publicity_following():
    """Every save and deletion of an article, teaser or person, however it happens (admin,
    workflow, imports), and every save of a credit, lets the pictures it concerns follow
    their publicity."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

    from articles.models import Article, ImageCredit, Person, Teaser

    for model in (Article, Teaser, Person):
        for signal, handler in ((pre_save, _before_change), (pre_delete, _before_change),
                                (post_save, _after_change), (post_delete, _after_change)):
            signal.connect(handler, sender=model,
                           dispatch_uid=f"publicity-{signal}-{model.__name__}")
    m2m_changed.connect(_people_changed, sender=Article.people.through,
                        dispatch_uid="publicity-people")
    post_save.connect(_credit_changed, sender=ImageCredit, dispatch_uid="publicity-credit")
