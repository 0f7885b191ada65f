"""Pictures and the credit German copyright law requires under each of them.

A credit carries the licence the picture is used under and, for licences that end (an
agency's or a press office's terms), the last day it may be shown. From the next day on
the picture is on no public surface: every public use asks `licensed()` (templates, feeds,
JSON-LD, the API) or `ImageQuerySet.public()` (media, renditions in object storage), and
articles.cache keeps no page past a licence's end, so nobody has to act at midnight.
"""

import datetime
import hashlib
import operator
import uuid
from functools import reduce
from pathlib import PurePath
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .versioning import Versioned


def image_upload_to(instance, filename):
    """A random name: uploads never reveal or collide on the photographer's file name."""
    ext = PurePath(filename).suffix.lower() or ".jpg"
    return f"images/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class LicenceType(models.TextChoices):
    OWN = "own", _("Eigenes Bild")
    AGENCY = "agency", _("Agenturbild")
    PRESS = "press", _("Pressebild mit Nutzungsbedingungen")
    CC_BY = "cc-by-4.0", _("CC BY 4.0")
    CC_BY_SA = "cc-by-sa-4.0", _("CC BY-SA 4.0")
    CC0 = "cc0-1.0", _("CC0 1.0 (gemeinfrei)")
    OTHER = "other", _("Andere Lizenz")


# The German deed of each Creative Commons licence: what the credit line links to.
CC_DEEDS = {
    LicenceType.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.de",
    LicenceType.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.de",
    LicenceType.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.de",
}
# How far ahead the editors' start page warns of licences that end.
LICENCE_WARNING_DAYS = 30


def in_licence():
    """Pictures whose licence has not ended. One without a credit (whose end is NULL as
    well) has no licence that could end."""
    return Q(credit__ends_at__isnull=True) | Q(credit__ends_at__gt=timezone.now())


def licensed(image):
    """`image` if visitors may see it now, else None (its licence ended). Reads the credit,
    which public querysets load with the picture (select_related), so it costs no query."""
    if image is None or (image.credit_id is not None and not image.credit.in_force()):
        return None
    return image


def licence_end(last_day):
    """The moment a licence valid through `last_day` ends: the next midnight in the site's
    time zone."""
    if last_day is None:
        return None
    return timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time()))


class ImageQuerySet(models.QuerySet):
    def public(self):
        """Pictures a visitor may see: in licence, and the lead image of a public article,
        the picture of an active teaser, or the portrait of a person with a public page."""
        from .article import Article
        from .people import Person
        from .teasers import Teaser

        uses = (
            Article.objects.published().filter(lead_image=OuterRef("pk")),
            Teaser.objects.active().filter(image=OuterRef("pk")),
            Person.objects.public().filter(portrait=OuterRef("pk")),
        )
        return self.filter(in_licence()).filter(
            reduce(operator.or_, (Q(Exists(use)) for use in uses)))

    def with_publicity(self):
        """Each picture with `public_now`, for lists that link to renditions: with object
        storage a picture that is not public has none (articles.images)."""
        public = self.model.objects.public().filter(pk=OuterRef("pk"))
        return self.annotate(public_now=Exists(public))

    def licence_ending(self, now=None, within=LICENCE_WARNING_DAYS):
        """Pictures whose licence ends within `within` days from `now`, soonest first, with
        their credit."""
        now = now or timezone.now()
        return (self.filter(credit__ends_at__gt=now,
                            credit__ends_at__lte=now + datetime.timedelta(days=within))
                .select_related("credit").order_by("credit__ends_at", "title", "pk"))


class ImageCredit(Versioned):
    """Who must be named for a picture; one credit serves many images."""

    creator = models.CharField(
        _("Urheber/in"), max_length=200, help_text=_("Fotografin oder Fotograf, Grafiker/in.")
    )
    rights_holder = models.CharField(
        _("Rechteinhaber/Agentur"), max_length=200, blank=True
    )
    licence_type = models.CharField(
        _("Lizenzart"), max_length=20, choices=LicenceType.choices, default=LicenceType.OTHER,
        help_text=_("Bei Creative-Commons-Lizenzen verlinkt die Bildquelle die Lizenz von "
                    "selbst; Bezeichnung und Lizenz-URL bleiben dann leer."),
    )
    licence = models.CharField(
        _("Lizenzbezeichnung"), max_length=100, blank=True, default="Alle Rechte vorbehalten",
        help_text=_("Zum Beispiel „Alle Rechte vorbehalten“ oder der Name der "
                    "Nutzungsbedingungen."),
    )
    licence_url = models.URLField(_("Lizenz-URL"), blank=True)
    source_url = models.URLField(_("Quelle (URL)"), blank=True)
    valid_until = models.DateField(
        _("nutzbar bis"), null=True, blank=True,
        help_text=_("Letzter Tag, an dem die Bilder gezeigt werden dürfen. Ab dem Tag danach "
                    "verschwinden sie von allen öffentlichen Seiten; die Artikel bleiben "
                    "online. Leer: unbefristet."),
    )
    usage_note = models.TextField(
        _("Nutzungshinweis"), blank=True,
        help_text=_("Intern: Auflagen der Lizenz, etwa „nur im Zusammenhang mit der "
                    "Berichterstattung über die Messe“."),
    )

    # When the licence ends, from valid_until (ImageCredit.save): an instant, so that the
    # page cache's next due time is one query over articles, updates and licences
    # (articles.cache.next_publication), and "ended" means the same in every time zone.
    ends_at = models.DateTimeField(_("Lizenz endet"), null=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("Bildnachweis")
        verbose_name_plural = _("Bildnachweise")
        ordering = ["creator", "rights_holder"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """What stands in brackets under a picture: "Thomas Kierok" or "Jane Doe / dpa"."""
        if self.rights_holder and self.rights_holder != self.creator:
            return f"{self.creator} / {self.rights_holder}"
        return self.creator

    def save(self, *args, **kwargs):
        self.ends_at = licence_end(self.valid_until)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "ends_at"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.is_creative_commons:
            # Named and linked by its type alone: a typed name or address could only differ.
            self.licence, self.licence_url = "", ""

    @property
    def is_creative_commons(self):
        return self.licence_type in CC_DEEDS

    @property
    def licence_name(self):
        """The licence as the credit line names it: "CC BY 4.0", "Alle Rechte vorbehalten"."""
        if self.is_creative_commons or not self.licence:
            return self.get_licence_type_display()
        return self.licence

    @property
    def licence_link(self):
        """Where the licence's terms are: the German deed of a CC licence, else licence_url."""
        return CC_DEEDS.get(self.licence_type, self.licence_url)

    @property
    def source_name(self):
        """The source's host ("commons.wikimedia.org"), the link text of the credit line."""
        return urlsplit(self.source_url).hostname or self.source_url

    def in_force(self, now=None):
        """Whether pictures under this credit may be shown at `now`."""
        return self.ends_at is None or self.ends_at > (now or timezone.now())


class Image(Versioned):
    file = models.ImageField(
        _("Bilddatei"), upload_to=image_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("Breite"), editable=False, default=0)
    height = models.PositiveIntegerField(_("Höhe"), editable=False, default=0)
    # Feeds name it in every enclosure; asking object storage each time would be slow.
    file_size = models.PositiveIntegerField(_("Dateigröße"), editable=False, default=0)
    title = models.CharField(
        _("Titel"), max_length=200, help_text=_("Nur intern, zum Wiederfinden im Bildarchiv.")
    )
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=300,
        blank=True,
        help_text=_("Beschreibt das Bild für Menschen, die es nicht sehen können."),
    )
    decorative = models.BooleanField(
        _("rein dekorativ"),
        default=False,
        help_text=_(
            "Nur ankreuzen, wenn das Bild keine Information trägt; dann ohne Alternativtext."
        ),
    )
    caption = models.CharField(_("Bildunterschrift"), max_length=500, blank=True)
    credit = models.ForeignKey(
        ImageCredit,
        verbose_name=_("Bildnachweis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="images",
    )
    # Where the subject is, as fractions of width and height: crops keep it in the frame.
    focal_x = models.FloatField(
        _("Fokuspunkt horizontal"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 = linker Rand, 1 = rechter Rand; leer = Bildmitte."),
    )
    focal_y = models.FloatField(
        _("Fokuspunkt vertikal"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 = oberer Rand, 1 = unterer Rand; leer = Bildmitte."),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bild")
        verbose_name_plural = _("Bilder")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Every way in (admin, load_demo, imports) stores a clean original and renditions.
        from articles.images import processing

        with processing(self, update_fields=kwargs.get("update_fields")):
            super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if not self.decorative and not self.alt_text.strip():
            errors["alt_text"] = _("Bitte einen Alternativtext angeben oder das Bild als rein "
                                   "dekorativ kennzeichnen.")
        if self.file and not self.file._committed:
            # A new upload: refused here, it reaches the form instead of failing in save().
            from articles.images import validate_upload

            try:
                validate_upload(self.file)
            except ValidationError as error:
                errors["file"] = error
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        # Remembers file and focal point as stored: save() remakes renditions only when
        # either changed.
        from articles.images import remember_stored

        instance = super().from_db(db, field_names, values)
        remember_stored(instance)
        return instance

    @property
    def alt(self):
        return "" if self.decorative else self.alt_text


def rendition_folder(original_name):
    """Where an image's renditions live: named after its original's random name, so that
    nobody who does not know a picture's address can guess its renditions'; a new
    original gets a new folder."""
    return hashlib.blake2s(original_name.encode(), digest_size=12).hexdigest()


def rendition_upload_to(instance, filename):
    return f"renditions/{rendition_folder(instance.image.file.name)}/{filename}"


class Rendition(models.Model):
    """One stored size and format of an image, made once by articles.images.

    `spec` names the operation: "w640" scales to 640 pixels wide, "fill-320x180" crops to
    that box around the focal point.
    """

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=40)
    format = models.CharField(max_length=10)
    file = models.ImageField(upload_to=rendition_upload_to, width_field="width",
                             height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Bildvariante")
        verbose_name_plural = _("Bildvarianten")
        constraints = [
            models.UniqueConstraint(fields=["image", "spec", "format"], name="unique_rendition")
        ]

    def __str__(self):
        return f"{self.image_id} {self.spec}.{self.format}"
