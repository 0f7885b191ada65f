from datetime import timedelta

from django.contrib import admin, messages
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles import images
from articles.admin.forms import ImageAdminForm, VersionedModelForm
from articles.editorial import workflow
from articles.models import Article, Image, ImageCredit, Status
from articles.models.images import LICENCE_WARNING_DAYS

from .chooser import ImageChooserMixin
from .common import (
    URL_FIELD_OVERRIDES,
    NewsroomAdminMixin,
    VersionedAdminMixin,
    without_related_buttons,
)

THUMBNAIL_BOX = (80, 60)


def thumbnail(image, box=THUMBNAIL_BOX):
    """A small <img> of `image` that keeps its proportions within `box`."""
    if image is None:
        return ""
    box_width, box_height = box
    width, height = box_width, box_height
    if image.width and image.height:
        scale = min(box_width / image.width, box_height / image.height)
        width, height = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" class="thumbnail">',
        # The smallest stored rendition, not the original of perhaps 40 megapixels.
        images.rendition_url(image),
        image.alt,
        width,
        height,
    )


class LicenceEndFilter(admin.SimpleListFilter):
    """Credits, or pictures, whose licence ends soon or has ended."""

    title = _("Lizenzende")
    parameter_name = "lizenz"

    def __init__(self, request, params, model, model_admin):
        # The same filter serves credits and pictures; a picture's licence is its credit's.
        self.prefix = "credit__" if model is Image else ""
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("bald", _("endet in %(days)d Tagen") % {"days": LICENCE_WARNING_DAYS}),
                ("abgelaufen", _("abgelaufen"))]

    def queryset(self, request, queryset):
        now, field = timezone.now(), f"{self.prefix}ends_at"
        if self.value() == "bald":
            return queryset.filter(**{f"{field}__gt": now, f"{field}__lte": now + timedelta(
                days=LICENCE_WARNING_DAYS)})
        if self.value() == "abgelaufen":
            return queryset.filter(**{f"{field}__lte": now})
        return queryset


@admin.register(ImageCredit)
class ImageCreditAdmin(VersionedAdminMixin, NewsroomAdminMixin, admin.ModelAdmin):
    form = VersionedModelForm
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["creator", "rights_holder", "licence_type", "licence", "valid_until"]
    list_filter = ["licence_type", LicenceEndFilter]
    search_fields = ["creator", "rights_holder"]
    fields = ["creator", "rights_holder", "licence_type", "licence", "licence_url", "source_url",
              "valid_until", "usage_note"]

    def has_change_permission(self, request, obj=None):
        # The licence under a published article's picture decides whether visitors see the
        # picture: like the picture's caption and credit, only editors change it.
        if obj is not None and not workflow.can_publish(request.user) and (
            Article.objects.filter(lead_image__credit=obj, status=Status.PUBLISHED).exists()
        ):
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        credit = self.get_object(request, object_id)
        if credit is not None and self.has_view_permission(request, credit) and not (
            self.has_change_permission(request, credit)
        ):
            messages.info(request, _(
                "Dieser Bildnachweis gehört zu Bildern veröffentlichter oder terminierter "
                "Artikel. Lizenz und Nutzungsdauer ändert deshalb nur die Chefredaktion; "
                "bitte wenden Sie sich an sie."))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Image)
class ImageAdmin(ImageChooserMixin, VersionedAdminMixin, NewsroomAdminMixin, admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "title", "credit", "alt_text", "decorative", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["decorative", LicenceEndFilter]
    search_fields = ["title", "caption", "alt_text", "credit__creator", "credit__rights_holder"]
    list_select_related = ["credit"]
    autocomplete_fields = ["credit"]
    date_hierarchy = "uploaded_at"
    fieldsets = [
        (None, {"fields": ["file", "title"]}),
        (_("Beschreibung"), {"fields": ["alt_text", "decorative", "caption"]}),
        (
            _("Bildnachweis"),
            {"fields": ["credit", "credit_creator", "credit_rights_holder",
                        "credit_licence_type", "credit_licence", "credit_valid_until"]},
        ),
        (_("Ausschnitt"), {"fields": ["focal_x", "focal_y"], "classes": ["collapse"]}),
    ]

    class Media:
        js = ["articles/admin/credit-prefill.js"]

    def get_queryset(self, request):
        # Thumbnails link to renditions, which depend on whether a picture is public.
        return super().get_queryset(request).with_publicity()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # One place for the credit: pick a known one, or type a new one just below;
        # no pop-up to create, change or delete credits from here.
        without_related_buttons(form, "credit")
        return form

    def get_urls(self):
        metadata = path(
            "metadaten/", self.admin_site.admin_view(require_POST(self.metadata_view)),
            name="articles_image_metadata",
        )
        card = path(
            "<int:pk>/karte/", self.admin_site.admin_view(self.card_view),
            name="articles_image_card",
        )
        rendition = path(
            "<int:pk>/bild/<slug:spec>.<slug:fmt>",
            self.admin_site.admin_view(self.rendition_view), name="articles_image_rendition",
        )
        return [metadata, card, rendition, *super().get_urls()]

    def rendition_view(self, request, pk, spec, fmt):
        """One rendition, made in memory for staff: in object storage a picture that is
        not public has none (articles.images.follow_publicity), and staff must still see
        it. Kept by no cache, as the picture may be under embargo."""
        image = self.get_object(request, str(pk))
        if image is None or not self.has_view_permission(request, image):
            raise Http404
        data = images.render_rendition(image, spec, fmt)
        if data is None:
            raise Http404
        response = HttpResponse(data, content_type=images.MIME_TYPES[fmt])
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def card_view(self, request, pk):
        """The picture as a social card shows it (the 16:9 crop), for the form's preview."""
        image = self.get_object(request, str(pk))
        if image is None or not self.has_view_permission(request, image):
            return JsonResponse({"url": None}, status=404)
        return JsonResponse({"url": images.rendition_url(image, images.FILLS[-1]),
                             "alt": image.alt})

    def metadata_view(self, request):
        """Who an upload's EXIF/IPTC names, read before saving strips it: the form's
        script fills the credit fields with it, for the journalist to confirm."""
        if not self.has_add_permission(request) or "file" not in request.FILES:
            return JsonResponse({"error": "forbidden"}, status=403)
        return JsonResponse(images.read_credit_metadata(request.FILES["file"]))

    def has_change_permission(self, request, obj=None):
        # What stands under a published article's picture is published: only editors
        # change it (articles.editorial.workflow.can_publish), like the article itself.
        if obj is not None and not workflow.can_publish(request.user) and (
            Article.objects.filter(lead_image=obj, status=Status.PUBLISHED).exists()
        ):
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        image = self.get_object(request, object_id)
        if image is not None and self.has_view_permission(request, image) and not (
            self.has_change_permission(request, image)
        ):
            messages.info(request, _(
                "Dieses Bild gehört zu einem veröffentlichten oder terminierten Artikel. "
                "Bildunterschrift, Alternativtext und Nachweis ändert deshalb nur die "
                "Chefredaktion; bitte wenden Sie sich an sie."))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("Vorschau"))
    def thumbnail(self, obj):
        return thumbnail(obj)
