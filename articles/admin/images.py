from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.forms import ImageAdminForm
from articles.models import Image, ImageCredit

from .common import URL_FIELD_OVERRIDES

THUMBNAIL_BOX = (80, 60)


def thumbnail(image):
    """A small <img> of `image` that keeps its proportions within THUMBNAIL_BOX."""
    if image is None:
        return ""
    box_width, box_height = THUMBNAIL_BOX
    width, height = box_width, box_height
    if image.width and image.height:
        scale = min(box_width / image.width, box_height / image.height)
        width, height = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" class="thumbnail">',
        image.file.url,
        image.alt,
        width,
        height,
    )


@admin.register(ImageCredit)
class ImageCreditAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["creator", "rights_holder", "licence"]
    search_fields = ["creator", "rights_holder"]
    fields = ["creator", "rights_holder", "licence", "licence_url", "source_url"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "title", "credit", "alt_text", "decorative", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["decorative"]
    search_fields = ["title", "caption", "alt_text", "credit__creator"]
    list_select_related = ["credit"]
    autocomplete_fields = ["credit"]
    date_hierarchy = "uploaded_at"
    fieldsets = [
        (None, {"fields": ["file", "title"]}),
        (_("Beschreibung"), {"fields": ["alt_text", "decorative", "caption"]}),
        (
            _("Bildnachweis"),
            {"fields": ["credit", "credit_creator", "credit_rights_holder", "credit_licence"]},
        ),
        (_("Ausschnitt"), {"fields": ["focal_x", "focal_y"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("Vorschau"))
    def thumbnail(self, obj):
        return thumbnail(obj)
