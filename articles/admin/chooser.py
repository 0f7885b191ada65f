"""The image chooser: a searchable grid of the picture archive that the article form opens
in a dialog, with the upload form one click away inside it.

It is an admin page in Django's popup layout, shown in an <iframe>; a chosen or newly
uploaded picture is handed to the article form with postMessage
(static/articles/admin/image-chooser.js), so the form never reloads and keeps what was
typed.
"""

from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from articles import images
from articles.admin.common import search_text

# The marker that an image form was opened from the chooser: its answer after saving is
# the picture for the article form, not Django's popup response for a select.
CHOOSER_VAR = "_chooser"
PER_PAGE = 24


class ImageChooserMixin:
    """Adds the chooser (`admin:articles_image_chooser`) to the image admin."""

    def get_urls(self):
        chooser = path(
            "auswahl/", self.admin_site.admin_view(xframe_options_sameorigin(self.chooser_view)),
            name="articles_image_chooser",
        )
        return [chooser, *super().get_urls()]

    def chooser_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = search_text(request.GET.get("q", "")).strip()
        found = self.get_queryset(request).select_related("credit").order_by("-uploaded_at", "-pk")
        if query:
            found, _duplicates = self.get_search_results(request, found, query)
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("seite"))
        return TemplateResponse(request, "admin/articles/image/chooser.html", {
            **self.admin_site.each_context(request),
            "title": _("Bild auswählen"),
            "is_popup": True,
            "opts": self.opts,
            "query": query,
            "page": page,
            "tiles": [self._tile(image) for image in page],
            "can_upload": self.has_add_permission(request),
        })

    def _tile(self, image):
        return {
            "image": image,
            "url": images.rendition_url(image, images.FILLS[0]),
            "label": str(image),
        }

    def add_view(self, request, form_url="", extra_context=None):
        """The upload form, framed by the chooser when opened from it."""
        response = super().add_view(request, form_url, extra_context)
        if CHOOSER_VAR in request.GET:
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def response_add(self, request, obj, post_url_continue=None):
        """After an upload from the chooser, hand the picture to the article form."""
        if CHOOSER_VAR in request.GET and IS_POPUP_VAR in request.POST:
            return TemplateResponse(request, "admin/articles/image/chosen.html", {
                "chosen": {"id": obj.pk, "label": str(obj)},
            })
        return super().response_add(request, obj, post_url_continue)
